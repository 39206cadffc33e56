/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic sets: the W4 spiral against values computed by the benchmark's Python generator,
 * the Playground rules behind each set, determinism, and generate -> save CSV -> load. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "data/csv.h"
#include "data/synth.h"

static void
test_w4_spiral (void)
{
  char err[256] = "";
  bp_dataset *ds = bp_synth_two_spirals (500, 0.1, 1, err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 500);
  g_assert_cmpint (ds->n_features, ==, 2);
  g_assert_cmpint (ds->n_classes, ==, 2);
  /* Reference: two_spirals(500, 0.1, 1) of shared/bench/peers/torch_bench.py, float32. */
  static const struct {
    int i;
    float x, y;
    int label;
  } ref[] = {
    { 0, 0.013312314637005329f, 0.04915635287761688f, 1 },
    { 1, 0.09507991373538971f, 0.008852502331137657f, 1 },
    { 2, -0.0076330117881298065f, 0.09242422133684158f, 1 },
    { 249, -4.9312238693237305f, -0.12737040221691132f, 1 },
    { 250, 0.012907037511467934f, -0.04959312453866005f, 0 },
    { 251, 0.062409210950136185f, 0.05516438186168671f, 0 },
    { 499, 4.928740978240967f, 0.29950499534606934f, 0 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (ref); k++)
    {
      g_assert_cmpfloat (ds->x_f32[2 * ref[k].i], ==, ref[k].x);
      g_assert_cmpfloat (ds->x_f32[2 * ref[k].i + 1], ==, ref[k].y);
      g_assert_cmpint (ds->labels[ref[k].i], ==, ref[k].label);
    }
  double sum = 0, sum_abs = 0;
  for (size_t i = 0; i < 1000; i++)
    {
      sum += ds->x_f32[i];
      sum_abs += fabs (ds->x_f32[i]);
    }
  /* The peers print these checksums: sum(x)=-3.623088 sum(|x|)=1589.007189 */
  g_assert_cmpfloat_with_epsilon (sum, -3.623088, 5e-7);
  g_assert_cmpfloat_with_epsilon (sum_abs, 1589.007189, 5e-7);
  bp_dataset_free (ds);

  /* The "spiral" kind of bp_synth_generate is the same generator for even n. */
  bp_synth_params p = { .kind = BP_SYNTH_SPIRAL, .n = 500, .noise = 0.1, .seed = 1 };
  bp_dataset *g = bp_synth_generate (&p, err, sizeof err);
  ds = bp_synth_two_spirals (500, 0.1, 1, err, sizeof err);
  g_assert_cmpmem (g->x_f32, 1000 * sizeof (float), ds->x_f32, 1000 * sizeof (float));
  g_assert_cmpmem (g->labels, 500 * sizeof (int32_t), ds->labels, 500 * sizeof (int32_t));
  bp_dataset_free (g);
  bp_dataset_free (ds);
}

static bp_dataset *
gen (bp_synth_kind kind, size_t n, double noise, uint64_t seed, int k)
{
  char err[256] = "";
  bp_synth_params p = { .kind = kind, .n = n, .noise = noise, .seed = seed, .k = k };
  bp_dataset *ds = bp_synth_generate (&p, err, sizeof err);
  if (ds == NULL)
    g_error ("%s", err);
  return ds;
}

static void
test_playground_rules (void)
{
  /* Without noise the Playground's rules hold exactly for every point. */
  bp_dataset *ds = gen (BP_SYNTH_CIRCLE, 400, 0, 7, 0);
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      double r = hypot (ds->x_f32[2 * i], ds->x_f32[2 * i + 1]);
      if (i < 200)
        g_assert_true (r < 2.5 + 1e-6 && ds->labels[i] == 1);
      else
        g_assert_true (r >= 3.5 - 1e-6 && r <= 5 + 1e-6 && ds->labels[i] == 0);
    }
  g_assert_cmpstr (ds->name, ==, "circle");
  g_assert_cmpstr (ds->source, ==, "synthetic: circle, 400 points, noise 0 %, seed 7");
  bp_dataset_free (ds);

  ds = gen (BP_SYNTH_XOR, 300, 0, 3, 0);
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      float x = ds->x_f32[2 * i], y = ds->x_f32[2 * i + 1];
      g_assert_true (fabsf (x) >= 0.3f && fabsf (y) >= 0.3f); /* the padding */
      g_assert_true (fabsf (x) <= 5.3f && fabsf (y) <= 5.3f);
      g_assert_cmpint (ds->labels[i], ==, x * y >= 0 ? 1 : 0);
    }
  bp_dataset_free (ds);

  ds = gen (BP_SYNTH_REG_PLANE, 200, 0, 5, 0);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  for (size_t i = 0; i < ds->n_rows; i++)
    g_assert_cmpfloat_with_epsilon (ds->targets[i],
                                    (ds->x_f32[2 * i] + ds->x_f32[2 * i + 1]) / 10.0f, 1e-6);
  bp_dataset_free (ds);

  /* reg-gauss at a bump's centre is its sign; far from all bumps 0. */
  ds = gen (BP_SYNTH_REG_GAUSS, 1200, 0, 2, 0);
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      g_assert_cmpfloat (fabsf (ds->targets[i]), <=, 1.0f);
      float x = ds->x_f32[2 * i], y = ds->x_f32[2 * i + 1];
      if (hypotf (x - 4, y - 2.5f) < 0.2f)
        g_assert_cmpfloat (ds->targets[i], >, 0.9f);
      if (hypotf (x, y - 2.5f) < 0.2f)
        g_assert_cmpfloat (ds->targets[i], <, -0.9f);
    }
  bp_dataset_free (ds);

  /* gauss: noise 0 gives variance 0.5 around (2, 2) and (-2, -2). */
  ds = gen (BP_SYNTH_GAUSS, 20000, 0, 9, 0);
  double m = 0, v = 0;
  for (size_t i = 0; i < 10000; i++)
    m += ds->x_f32[2 * i];
  m /= 10000;
  for (size_t i = 0; i < 10000; i++)
    v += (ds->x_f32[2 * i] - m) * (ds->x_f32[2 * i] - m);
  v /= 10000;
  g_assert_cmpfloat_with_epsilon (m, 2.0, 0.03);
  g_assert_cmpfloat_with_epsilon (v, 0.5, 0.03);
  g_assert_cmpint (ds->labels[0], ==, 1);
  g_assert_cmpint (ds->labels[19999], ==, 0);
  bp_dataset_free (ds);
}

static void
test_multiclass (void)
{
  bp_dataset *ds = gen (BP_SYNTH_BLOBS, 301, 0.1, 4, 4);
  g_assert_cmpint (ds->n_classes, ==, 4);
  int counts[4] = { 0 };
  for (size_t i = 0; i < ds->n_rows; i++)
    counts[ds->labels[i]]++;
  for (int c = 0; c < 4; c++)
    g_assert_cmpint (abs (counts[c] - 75), <=, 1);
  bp_dataset_free (ds);

  ds = gen (BP_SYNTH_SPIRALS, 300, 0, 1, 3);
  g_assert_cmpint (ds->n_classes, ==, 3);
  /* Arm c starts at the origin and ends at radius ~5 after 1.75 turns. */
  g_assert_cmpfloat (hypotf (ds->x_f32[0], ds->x_f32[1]), ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (hypotf (ds->x_f32[2 * 99], ds->x_f32[2 * 99 + 1]), 4.95, 1e-4);
  g_assert_cmpint (ds->labels[100], ==, 1);
  g_assert_cmpint (ds->labels[299], ==, 2);
  bp_dataset_free (ds);

  ds = gen (BP_SYNTH_MOONS, 200, 0, 1, 0);
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      /* Undo the scaling: outer moon on the unit circle, inner on the circle around (1, .5). */
      double mx = ds->x_f32[2 * i] / 3 + 0.5, my = ds->x_f32[2 * i + 1] / 3 + 0.25;
      double r = i < 100 ? hypot (mx, my) : hypot (mx - 1, my - 0.5);
      g_assert_cmpfloat_with_epsilon (r, 1.0, 1e-5);
      g_assert_cmpint (ds->labels[i], ==, i < 100 ? 0 : 1);
    }
  bp_dataset_free (ds);
}

static void
test_seeds_and_ranges (void)
{
  for (int kind = 0; kind < BP_SYNTH_N_KINDS; kind++)
    {
      bp_dataset *a = gen (kind, 100, 0.3, 42, 3), *b = gen (kind, 100, 0.3, 42, 3),
                 *c = gen (kind, 100, 0.3, 43, 3);
      g_assert_cmpmem (a->x_f32, 200 * sizeof (float), b->x_f32, 200 * sizeof (float));
      g_assert_true (memcmp (a->x_f32, c->x_f32, 200 * sizeof (float)) != 0);
      g_assert_cmpint (bp_synth_kind_from_name (bp_synth_kind_name (kind)), ==, kind);
      bp_dataset_free (a);
      bp_dataset_free (b);
      bp_dataset_free (c);
    }
  char err[256];
  bp_synth_params p = { .kind = BP_SYNTH_CIRCLE, .n = 100, .noise = 0.6, .seed = 1 };
  g_assert_null (bp_synth_generate (&p, err, sizeof err));
  g_assert_cmpstr (err, ==, "circle: noise 0.6: between 0 and 0.5 (0-50 %), please");
  p.noise = 0;
  p.n = 1;
  g_assert_null (bp_synth_generate (&p, err, sizeof err));
  g_assert_cmpstr (err, ==, "circle: 1 points: between 2 and 1000000, please");
  p = (bp_synth_params) { .kind = BP_SYNTH_BLOBS, .n = 100, .k = 17 };
  g_assert_null (bp_synth_generate (&p, err, sizeof err));
  g_assert_cmpstr (err, ==, "blobs: 17 classes: between 2 and 16 (and no more than the points)");
  g_assert_cmpint (bp_synth_kind_from_name ("nope"), ==, -1);
}

/* generate -> save CSV -> load -> the same numbers, bit for bit. */
static void
test_csv_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bp-synth-XXXXXX", NULL);
  g_assert_nonnull (dir);
  for (int kind = 0; kind < BP_SYNTH_N_KINDS; kind++)
    {
      bp_dataset *a = gen (kind, 250, 0.25, 11, 5);
      g_autofree char *path = g_build_filename (dir, "round.csv", NULL);
      char err[256] = "";
      g_assert_cmpint (bp_csv_save (a, path, err, sizeof err), ==, 0);
      bp_dataset *b = bp_csv_load_file (path, NULL, NULL, err, sizeof err);
      g_assert_nonnull (b);
      g_assert_cmpuint (b->n_rows, ==, a->n_rows);
      g_assert_cmpint (b->task, ==, a->task);
      g_assert_cmpmem (b->x_f32, a->n_rows * 2 * sizeof (float), a->x_f32,
                       a->n_rows * 2 * sizeof (float));
      g_assert_cmpstr (b->feature_names[1], ==, "x2");
      if (a->task == BP_TASK_CLASSIFICATION)
        {
          g_assert_cmpint (b->n_classes, ==, a->n_classes);
          g_assert_cmpmem (b->labels, a->n_rows * sizeof (int32_t), a->labels,
                           a->n_rows * sizeof (int32_t));
        }
      else
        g_assert_cmpmem (b->targets, a->n_rows * sizeof (float), a->targets,
                         a->n_rows * sizeof (float));
      bp_dataset_free (a);
      bp_dataset_free (b);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/synth/w4-spiral", test_w4_spiral);
  g_test_add_func ("/synth/playground-rules", test_playground_rules);
  g_test_add_func ("/synth/multiclass", test_multiclass);
  g_test_add_func ("/synth/seeds-and-ranges", test_seeds_and_ranges);
  g_test_add_func ("/synth/csv-round-trip", test_csv_round_trip);
  return g_test_run ();
}
