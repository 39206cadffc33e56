/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The built-in tables (compiled in) against scikit-learn's numbers for the same files, and
 * bp_source_load telling names, CSV paths and IDX paths apart. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "data/builtin.h"
#include "data/pca.h"
#include "data/source.h"
#include "data/stats.h"

static bp_dataset *
builtin (const char *spec)
{
  char err[512] = "";
  bp_dataset *ds = bp_builtin_load (spec, err, sizeof err);
  if (ds == NULL)
    g_error ("%s: %s", spec, err);
  return ds;
}

static void
test_iris (void)
{
  bp_dataset *ds = builtin ("iris");
  g_assert_cmpstr (ds->name, ==, "iris");
  g_assert_true (g_str_has_prefix (ds->source, "built-in: Iris plants"));
  g_assert_cmpuint (ds->n_rows, ==, 150);
  g_assert_cmpint (ds->n_features, ==, 4);
  g_assert_cmpstr (ds->feature_names[2], ==, "petal length (cm)");
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "setosa");
  g_assert_cmpstr (ds->class_names[2], ==, "virginica");
  size_t counts[3];
  bp_dataset_class_counts (ds, NULL, 0, counts);
  for (int c = 0; c < 3; c++)
    g_assert_cmpuint (counts[c], ==, 50);
  /* numpy on sklearn's load_iris(): mean, population std, min, max per feature */
  const double mean[4] = { 5.84333333, 3.05733333, 3.758, 1.19933333 };
  const double std[4] = { 0.82530129, 0.43441097, 1.75940407, 0.75969263 };
  const double lo[4] = { 4.3, 2.0, 1.0, 0.1 }, hi[4] = { 7.9, 4.4, 6.9, 2.5 };
  bp_feature_stats st[4];
  g_assert_cmpint (bp_dataset_feature_stats (ds, NULL, 0, st), ==, 0);
  for (int j = 0; j < 4; j++)
    {
      g_assert_cmpfloat_with_epsilon (st[j].mean, mean[j], 1e-6);
      g_assert_cmpfloat_with_epsilon (st[j].std, std[j], 1e-6);
      g_assert_cmpfloat_with_epsilon (st[j].min, lo[j], 1e-6);
      g_assert_cmpfloat_with_epsilon (st[j].max, hi[j], 1e-6);
    }
  /* sklearn PCA(2): explained_variance_ratio_ and the first component */
  bp_pca p;
  char err[256];
  g_assert_cmpint (bp_pca_fit (ds, NULL, 0, &p, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (p.explained[0], 0.92461872, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.explained[1], 0.05306648, 1e-5);
  const double c0[4] = { 0.36138659, -0.08452251, 0.85667061, 0.3582892 };
  for (int j = 0; j < 4; j++)
    g_assert_cmpfloat_with_epsilon (p.components[j], c0[j], 1e-4);
  bp_pca_free (&p);
  bp_dataset_free (ds);
}

static void
test_tables (void)
{
  bp_dataset *ds = builtin ("wine");
  g_assert_cmpuint (ds->n_rows, ==, 178);
  g_assert_cmpint (ds->n_features, ==, 13);
  g_assert_cmpstr (ds->feature_names[12], ==, "proline");
  size_t wine[3];
  bp_dataset_class_counts (ds, NULL, 0, wine);
  g_assert_cmpuint (wine[0], ==, 59);
  g_assert_cmpuint (wine[1], ==, 71);
  g_assert_cmpuint (wine[2], ==, 48);
  bp_dataset_free (ds);

  ds = builtin ("breast-cancer");
  g_assert_cmpuint (ds->n_rows, ==, 569);
  g_assert_cmpint (ds->n_features, ==, 30);
  g_assert_cmpstr (ds->feature_names[10], ==, "radius error");
  g_assert_cmpstr (ds->class_names[0], ==, "benign"); /* natural order of the class names */
  g_assert_cmpstr (ds->class_names[1], ==, "malignant");
  size_t bc[2];
  bp_dataset_class_counts (ds, NULL, 0, bc);
  g_assert_cmpuint (bc[0], ==, 357);
  g_assert_cmpuint (bc[1], ==, 212);
  g_assert_cmpfloat (ds->x_f32[0], ==, 17.99f);
  bp_dataset_free (ds);

  ds = builtin ("digits");
  g_assert_cmpuint (ds->n_rows, ==, 1797);
  g_assert_cmpint (ds->n_features, ==, 64);
  g_assert_cmpint (ds->storage, ==, BP_FEATURES_U8);
  g_assert_cmpfloat (ds->u8_scale, ==, 1.0f / 16.0f);
  g_assert_cmpint (ds->image_height, ==, 8);
  g_assert_cmpint (ds->image_width, ==, 8);
  g_assert_cmpstr (ds->class_names[9], ==, "9");
  const size_t want[10] = { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 };
  size_t counts[10];
  bp_dataset_class_counts (ds, NULL, 0, counts);
  for (int c = 0; c < 10; c++)
    g_assert_cmpuint (counts[c], ==, want[c]);
  g_assert_cmpuint (ds->x_u8[2], ==, 5); /* first image: 0,0,5,13,9,1,0,0 */
  g_assert_cmpuint (ds->x_u8[3], ==, 13);
  bp_feature_stats st[64];
  bp_dataset_feature_stats (ds, NULL, 0, st);
  g_assert_cmpfloat_with_epsilon (st[2].mean, 0.32529911, 1e-7);
  g_assert_cmpfloat_with_epsilon (st[2].std, 0.29709395, 1e-7);
  g_assert_cmpfloat_with_epsilon (st[20].mean, 0.44362131, 1e-7);
  bp_pca p;
  char err[256];
  g_assert_cmpint (bp_pca_fit (ds, NULL, 0, &p, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (p.explained[0], 0.14890594, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.explained[1], 0.13618771, 1e-5);
  bp_pca_free (&p);
  bp_dataset_free (ds);
}

static void
test_every_name (void)
{
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  g_assert_cmpuint (n, ==, 15);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (bp_builtin_exists (list[i].name));
      if (g_str_has_prefix (list[i].name, "fashion-mnist"))
        continue; /* test-fashion-mnist */
      bp_dataset *ds = builtin (list[i].name);
      g_assert_cmpstr (ds->name, ==, list[i].name);
      g_assert_cmpuint (ds->n_rows, >, 0);
      bp_dataset_free (ds);
    }
}

static void
test_synthetic_specs (void)
{
  bp_dataset *ds = builtin ("spiral");
  g_assert_cmpuint (ds->n_rows, ==, 500);
  g_assert_cmpstr (ds->source, ==, "synthetic: spiral, 500 points, noise 0 %, seed 1");
  bp_dataset_free (ds);
  ds = builtin ("blobs:k=4,n=600,noise=20%,seed=3");
  g_assert_cmpuint (ds->n_rows, ==, 600);
  g_assert_cmpint (ds->n_classes, ==, 4);
  g_assert_cmpstr (ds->source, ==, "synthetic: blobs, 600 points, noise 20 %, seed 3");
  bp_dataset_free (ds);
  ds = builtin ("reg-plane");
  g_assert_cmpuint (ds->n_rows, ==, 1200);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  bp_dataset_free (ds);

  char err[256];
  g_assert_null (bp_builtin_load ("spiral:noise=0.9", err, sizeof err));
  g_assert_cmpstr (err, ==, "spiral: noise 0.9: between 0 and 0.5 (0-50 %), please");
  g_assert_null (bp_builtin_load ("spiral:colour=red", err, sizeof err));
  g_assert_cmpstr (err, ==, "spiral: bad parameter 'colour=red' (use n=POINTS, noise=0-0.5 or "
                            "0-50%, seed=N, k=CLASSES)");
  g_assert_null (bp_builtin_load ("spiral:n=-5", err, sizeof err));
  g_assert_null (bp_builtin_load ("iris:n=5", err, sizeof err));
  g_assert_cmpstr (err, ==, "iris: takes no parameters");
  g_assert_null (bp_builtin_load ("tulips", err, sizeof err));
  g_assert_cmpstr (err, ==, "tulips: no such built-in dataset");
}

static void
test_fashion_missing (void)
{
  char err[512];
  g_assert_null (bp_builtin_fashion_mnist ("/nonexistent/fm", false, err, sizeof err));
  g_assert_cmpstr (err, ==, "/nonexistent/fm/train-images-idx3-ubyte.gz: No such file or "
                            "directory: Fashion-MNIST is not installed; install Debian's "
                            "dataset-fashion-mnist package (sudo apt install "
                            "dataset-fashion-mnist)");
}

static void
test_sources (void)
{
  char err[512] = "";
  bp_dataset *ds = bp_source_load ("wine", NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 178);
  bp_dataset_free (ds);

  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "files", "good.csv", NULL);
  bp_source_options o = { .csv = { .label = "a", .task = BP_CSV_TASK_REGRESSION } };
  ds = bp_source_load (csv, &o, NULL, err, sizeof err);
  g_assert_null (ds); /* "label" holds text and is now a feature */
  g_assert_true (g_str_has_suffix (err, "good.csv:2:4: not a number: 'cat'"));
  ds = bp_source_load (csv, NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->n_classes, ==, 3);
  bp_dataset_free (ds);

  /* IDX by content; the labels file found from the images file's name. */
  g_autofree char *idx = g_test_build_filename (G_TEST_DIST, "data", "files",
                                                "tiny-images-idx3-ubyte.gz", NULL);
  ds = bp_source_load (idx, NULL, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpint (ds->labels[0], ==, 2);
  g_assert_true (g_str_has_suffix (ds->source, "tiny-labels-idx1-ubyte.gz"));
  bp_dataset_free (ds);
  char lab[256];
  g_assert_true (bp_source_idx_labels_path ("/a/b/train-images-idx3-ubyte.gz", lab, sizeof lab));
  g_assert_cmpstr (lab, ==, "/a/b/train-labels-idx1-ubyte.gz");
  g_assert_true (bp_source_idx_labels_path ("x/my-images.idx", lab, sizeof lab));
  g_assert_cmpstr (lab, ==, "x/my-labels.idx");
  g_assert_false (bp_source_idx_labels_path ("x/pics.idx", lab, sizeof lab));

  /* f32-images.idx pairs with f32-labels.idx, which does not exist: say so; then name it. */
  g_autofree char *f32 = g_test_build_filename (G_TEST_DIST, "data", "files", "f32-images.idx",
                                                NULL);
  g_autofree char *f32t = g_test_build_filename (G_TEST_DIST, "data", "files",
                                                 "f32-targets.idx", NULL);
  ds = bp_source_load (f32, NULL, NULL, err, sizeof err);
  g_assert_null (ds);
  g_assert_nonnull (strstr (err, "f32-images.idx: an IDX images file needs its labels file; "));
  g_assert_true (g_str_has_suffix (err, "f32-labels.idx: No such file or directory"));
  o = (bp_source_options) { .idx_labels = f32t };
  ds = bp_source_load (f32, &o, NULL, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  bp_dataset_free (ds);

  g_assert_null (bp_source_load ("no/such/file.csv", NULL, NULL, err, sizeof err));
  g_assert_cmpstr (err, ==, "no/such/file.csv: no such file, and not a built-in dataset name");
  g_assert_null (bp_source_load ("", NULL, NULL, err, sizeof err));
  g_assert_cmpstr (err, ==, "no dataset given");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/builtin/iris", test_iris);
  g_test_add_func ("/builtin/tables", test_tables);
  g_test_add_func ("/builtin/every-name", test_every_name);
  g_test_add_func ("/builtin/synthetic-specs", test_synthetic_specs);
  g_test_add_func ("/builtin/fashion-missing", test_fashion_missing);
  g_test_add_func ("/builtin/sources", test_sources);
  return g_test_run ();
}
