/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dataset type: bounded allocation, default names, points added and removed by hand, and
 * the Playground's input feature maps. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "data/dataset.h"
#include "data/feature_map.h"
#include "data/points.h"

static void
test_new_and_names (void)
{
  char err[256] = "";
  bp_dataset *ds = bp_dataset_new (3, 2, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 3, err,
                                   sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpuint (ds->capacity_rows, ==, 3);
  g_assert_cmpstr (ds->feature_names[0], ==, "x1");
  g_assert_cmpstr (ds->feature_names[1], ==, "x2");
  g_assert_cmpstr (ds->class_names[2], ==, "2");
  g_assert_cmpfloat (ds->x_f32[5], ==, 0.0f); /* zeroed */
  g_assert_cmpint (ds->labels[2], ==, 0);
  g_assert_cmpint (bp_dataset_set_class_name (ds, 1, "dog"), ==, 0);
  g_assert_cmpstr (ds->class_names[1], ==, "dog");
  g_assert_cmpint (bp_dataset_set_class_name (ds, 3, "no"), ==, -1);
  g_assert_cmpint (bp_dataset_set_target_name (ds, 0, "no"), ==, -1);
  g_assert_cmpint (bp_dataset_set_text (ds, "mine", NULL), ==, 0);
  g_assert_cmpstr (ds->name, ==, "mine");
  bp_dataset_free (ds);

  ds = bp_dataset_new (2, 1, BP_FEATURES_U8, BP_TASK_REGRESSION, 2, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpstr (ds->target_names[0], ==, "y1");
  g_assert_cmpstr (ds->target_names[1], ==, "y2");
  g_assert_cmpfloat (ds->u8_scale, ==, 1.0f);
  bp_dataset_free (ds);
  ds = bp_dataset_new (2, 1, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err, sizeof err);
  g_assert_cmpstr (ds->target_names[0], ==, "y");
  bp_dataset_free (ds);

  /* Absurd sizes are refused before allocating. */
  g_assert_null (bp_dataset_new ((size_t) 1 << 40, 1000, BP_FEATURES_F32,
                                 BP_TASK_CLASSIFICATION, 2, err, sizeof err));
  g_assert_cmpstr (err, ==, "1099511627776 rows of 1000 features need more than the 4 GiB "
                            "allowed");
  g_assert_null (bp_dataset_new (SIZE_MAX, 1000, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, err,
                                 sizeof err));
  g_assert_null (bp_dataset_new (1, 0, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, err,
                                 sizeof err));
  g_assert_cmpstr (err, ==, "0 features: must be between 1 and 1048576");
  g_assert_null (bp_dataset_new (1, 1, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 5000, err,
                                 sizeof err));
  g_assert_cmpstr (err, ==, "5000 classes: must be between 1 and 4096");
  bp_dataset_free (NULL);
}

static void
test_points (void)
{
  char err[256] = "";
  bp_dataset *ds = bp_dataset_new (0, 2, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, err,
                                   sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 0);
  for (int i = 0; i < 100; i++)
    {
      const float x[2] = { (float) i, (float) -i };
      g_assert_cmpint (bp_dataset_add_point (ds, x, i % 2, NULL, err, sizeof err), ==, i);
    }
  g_assert_cmpuint (ds->n_rows, ==, 100);
  g_assert_cmpuint (ds->capacity_rows, >=, 100);
  g_assert_cmpfloat (ds->x_f32[2 * 57 + 1], ==, -57.0f);
  g_assert_cmpint (ds->labels[57], ==, 1);

  const float bad[2] = { NAN, 0 };
  g_assert_cmpint (bp_dataset_add_point (ds, bad, 0, NULL, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "dataset: feature 1 of the new point is not finite");
  const float ok[2] = { 0, 0 };
  g_assert_cmpint (bp_dataset_add_point (ds, ok, 2, NULL, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "dataset: class 2 does not exist (0 to 1)");

  /* Nearest to (10.2, -9.9) is row 10; too far with a small radius. */
  g_assert_cmpint (bp_dataset_nearest (ds, 10.2f, -9.9f, -1), ==, 10);
  g_assert_cmpint (bp_dataset_nearest (ds, 10.5f, -10.5f, 0.1f), ==, -1);
  g_assert_cmpint (bp_dataset_remove_nearest (ds, 10.2f, -9.9f, 1.0f), ==, 10);
  g_assert_cmpuint (ds->n_rows, ==, 99);
  /* Later rows shifted up, in order, with their labels. */
  g_assert_cmpfloat (ds->x_f32[2 * 10], ==, 11.0f);
  g_assert_cmpint (ds->labels[10], ==, 1);
  g_assert_cmpfloat (ds->x_f32[2 * 98], ==, 99.0f);
  g_assert_cmpint (bp_dataset_remove_row (ds, 99), ==, -1);
  g_assert_cmpint (bp_dataset_remove_row (ds, 98), ==, 0);
  g_assert_cmpuint (ds->n_rows, ==, 98);
  bp_dataset_free (ds);

  ds = bp_dataset_new (0, 2, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err, sizeof err);
  const float t = 0.5f;
  g_assert_cmpint (bp_dataset_add_point (ds, ok, 0, &t, err, sizeof err), ==, 0);
  g_assert_cmpfloat (ds->targets[0], ==, 0.5f);
  g_assert_cmpint (bp_dataset_add_point (ds, ok, 0, NULL, err, sizeof err), ==, -1);
  bp_dataset_free (ds);

  ds = bp_dataset_new (1, 2, BP_FEATURES_U8, BP_TASK_CLASSIFICATION, 2, err, sizeof err);
  g_assert_cmpint (bp_dataset_add_point (ds, ok, 0, NULL, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "dataset: points can only be added to float datasets");
  bp_dataset_free (ds);
}

static void
test_feature_maps (void)
{
  char err[256] = "";
  bp_dataset *ds = bp_dataset_new (2, 2, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, err,
                                   sizeof err);
  const float x[4] = { 1.5f, -2.0f, 0.0f, 3.0f };
  memcpy (ds->x_f32, x, sizeof x);
  ds->labels[1] = 1;
  bp_dataset_set_class_name (ds, 1, "blue");
  bp_dataset *m = bp_features_map (ds, BP_FMAP_ALL, err, sizeof err);
  g_assert_nonnull (m);
  g_assert_cmpint (m->n_features, ==, 7);
  const char *names[7] = { "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)" };
  for (int j = 0; j < 7; j++)
    g_assert_cmpstr (m->feature_names[j], ==, names[j]);
  const float row0[7] = { 1.5f, -2.0f, 2.25f, 4.0f, -3.0f, sinf (1.5f), sinf (-2.0f) };
  g_assert_cmpmem (m->x_f32, sizeof row0, row0, sizeof row0);
  g_assert_cmpint (m->labels[1], ==, 1);
  g_assert_cmpstr (m->class_names[1], ==, "blue");
  bp_dataset_free (m);

  m = bp_features_map (ds, BP_FMAP_X1_SQ | BP_FMAP_SIN_X2, err, sizeof err);
  g_assert_cmpint (m->n_features, ==, 2);
  g_assert_cmpstr (m->feature_names[0], ==, "x1^2");
  g_assert_cmpfloat (m->x_f32[2], ==, 0.0f);
  g_assert_cmpfloat (m->x_f32[3], ==, sinf (3.0f));
  bp_dataset_free (m);

  g_assert_null (bp_features_map (ds, 0, err, sizeof err));
  g_assert_cmpstr (err, ==, "choose at least one input feature");
  bp_dataset_free (ds);
  ds = bp_dataset_new (2, 3, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, err, sizeof err);
  g_assert_null (bp_features_map (ds, BP_FMAP_X1, err, sizeof err));
  g_assert_cmpstr (err, ==, "dataset: feature maps need 2 features, the dataset has 3");
  bp_dataset_free (ds);
  g_assert_cmpstr (bp_feature_map_name (BP_FMAP_X1_X2), ==, "x1*x2");
  g_assert_null (bp_feature_map_name (3));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dataset/new-and-names", test_new_and_names);
  g_test_add_func ("/dataset/points", test_points);
  g_test_add_func ("/dataset/feature-maps", test_feature_maps);
  return g_test_run ();
}
