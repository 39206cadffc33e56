/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Splits (sizes, stratification, determinism), scalers against statistics worked out by hand,
 * the per-batch gather, and shuffled mini-batches. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "data/batch.h"
#include "data/split.h"

static bp_dataset *
classes_dataset (const int *per_class, int k)
{
  size_t n = 0;
  for (int c = 0; c < k; c++)
    n += (size_t) per_class[c];
  char err[256];
  bp_dataset *ds = bp_dataset_new (n, 1, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, k, err,
                                   sizeof err);
  g_assert_nonnull (ds);
  /* Classes interleaved in row order, so a split that ignored them would not come out even. */
  size_t i = 0;
  int left[16];
  memcpy (left, per_class, (size_t) k * sizeof *left);
  while (i < n)
    for (int c = 0; c < k; c++)
      if (left[c]-- > 0)
        {
          ds->x_f32[i] = (float) i;
          ds->labels[i++] = c;
        }
  return ds;
}

static void
count_part (const bp_dataset *ds, const uint32_t *rows, uint32_t n, int *counts, guint8 *seen)
{
  for (uint32_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (rows[i], <, ds->n_rows);
      g_assert_cmpuint (seen[rows[i]], ==, 0); /* every row in exactly one part */
      seen[rows[i]] = 1;
      counts[ds->labels[rows[i]]]++;
    }
}

static void
test_stratified (void)
{
  const int per_class[3] = { 60, 30, 10 };
  bp_dataset *ds = classes_dataset (per_class, 3);
  bp_split s;
  char err[256] = "";
  g_assert_cmpint (bp_split_make (ds, 0.2, 0.1, 7, &s, err, sizeof err), ==, 0);
  g_assert_cmpuint (s.n_train, ==, 70);
  g_assert_cmpuint (s.n_val, ==, 20);
  g_assert_cmpuint (s.n_test, ==, 10);
  int tr[3] = { 0 }, va[3] = { 0 }, te[3] = { 0 };
  guint8 seen[100] = { 0 };
  count_part (ds, s.train, s.n_train, tr, seen);
  count_part (ds, s.val, s.n_val, va, seen);
  count_part (ds, s.test, s.n_test, te, seen);
  /* Each part keeps the 6:3:1 balance exactly. */
  g_assert_cmpint (tr[0], ==, 42);
  g_assert_cmpint (tr[1], ==, 21);
  g_assert_cmpint (tr[2], ==, 7);
  g_assert_cmpint (va[0], ==, 12);
  g_assert_cmpint (va[1], ==, 6);
  g_assert_cmpint (va[2], ==, 2);
  g_assert_cmpint (te[0], ==, 6);
  g_assert_cmpint (te[1], ==, 3);
  g_assert_cmpint (te[2], ==, 1);

  /* Same seed, same split; another seed, another one. */
  bp_split s2, s3;
  g_assert_cmpint (bp_split_make (ds, 0.2, 0.1, 7, &s2, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_split_make (ds, 0.2, 0.1, 8, &s3, err, sizeof err), ==, 0);
  g_assert_cmpmem (s.train, 70 * 4, s2.train, 70 * 4);
  g_assert_cmpmem (s.test, 10 * 4, s2.test, 10 * 4);
  g_assert_true (memcmp (s.train, s3.train, 70 * 4) != 0);
  bp_split_free (&s);
  bp_split_free (&s2);
  bp_split_free (&s3);
  bp_dataset_free (ds);
}

static void
test_rounding (void)
{
  /* 3 + 4 rows, 30 % test: round(2.1) = 2 rows; class 1 has 1.2 (1), class 0 0.9 (0, then the
   * largest remainder gives it the second row). */
  const int per_class[2] = { 3, 4 };
  bp_dataset *ds = classes_dataset (per_class, 2);
  bp_split s;
  char err[256];
  g_assert_cmpint (bp_split_make (ds, 0.0, 0.3, 1, &s, err, sizeof err), ==, 0);
  g_assert_cmpuint (s.n_test, ==, 2);
  g_assert_cmpuint (s.n_val, ==, 0);
  g_assert_cmpuint (s.n_train, ==, 5);
  g_assert_cmpint (ds->labels[s.test[0]] + ds->labels[s.test[1]], ==, 1); /* one of each */
  bp_split_free (&s);
  bp_dataset_free (ds);
}

static void
test_regression_and_errors (void)
{
  char err[256];
  bp_dataset *ds = bp_dataset_new (10, 1, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err,
                                   sizeof err);
  bp_split s;
  g_assert_cmpint (bp_split_make (ds, 0.3, 0.2, 3, &s, err, sizeof err), ==, 0);
  g_assert_cmpuint (s.n_train, ==, 5);
  g_assert_cmpuint (s.n_val, ==, 3);
  g_assert_cmpuint (s.n_test, ==, 2);
  bp_split_free (&s);
  g_assert_cmpint (bp_split_make (ds, 0.6, 0.4, 3, &s, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "split ratios must be in [0, 1) and add up to less than 1 (val 0.6, "
                            "test 0.4)");
  g_assert_null (s.train);
  g_assert_cmpint (bp_split_make (ds, NAN, 0, 3, &s, err, sizeof err), ==, -1);
  bp_dataset_free (ds);
}

/* x = [[1, 10], [2, 20], ..., [6, 60]] and a constant third feature. */
static bp_dataset *
six_rows (void)
{
  char err[256];
  bp_dataset *ds = bp_dataset_new (6, 3, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err,
                                   sizeof err);
  for (int i = 0; i < 6; i++)
    {
      ds->x_f32[3 * i] = (float) (i + 1);
      ds->x_f32[3 * i + 1] = (float) (10 * (i + 1));
      ds->x_f32[3 * i + 2] = 7.0f;
      ds->targets[i] = (float) (100 + i);
    }
  return ds;
}

static void
test_scalers (void)
{
  bp_dataset *ds = six_rows ();
  const uint32_t train[3] = { 0, 2, 4 }; /* values 1, 3, 5 and 10, 30, 50 */
  bp_scaler sc;
  g_assert_cmpint (bp_scaler_fit (ds, train, 3, BP_SCALING_STANDARD, &sc), ==, 0);
  /* mean 3, population std sqrt(8/3); mean 30, std sqrt(800/3); constant: scale 1 */
  g_assert_cmpfloat_with_epsilon (sc.shift[0], 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (sc.scale[0], 1.0 / sqrt (8.0 / 3.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (sc.shift[1], 30.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (sc.scale[1], 1.0 / sqrt (800.0 / 3.0), 1e-7);
  g_assert_cmpfloat (sc.shift[2], ==, 7.0f);
  g_assert_cmpfloat (sc.scale[2], ==, 1.0f);

  /* Rows 1 and 5 (not in the fit) through the gather: (2-3)/1.63299 and (6-3)/1.63299. */
  const uint32_t rows[2] = { 1, 5 };
  float x[6], t[2];
  bp_dataset_gather (ds, &sc, rows, 2, x, NULL, t);
  g_assert_cmpfloat_with_epsilon (x[0], -0.6123724, 1e-6);
  g_assert_cmpfloat_with_epsilon (x[1], -0.6123724, 1e-6);
  g_assert_cmpfloat (x[2], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (x[3], 1.8371173, 1e-6);
  g_assert_cmpfloat (t[0], ==, 101.0f);
  g_assert_cmpfloat (t[1], ==, 105.0f);
  bp_scaler_free (&sc);

  g_assert_cmpint (bp_scaler_fit (ds, train, 3, BP_SCALING_MINMAX, &sc), ==, 0);
  g_assert_cmpfloat (sc.shift[0], ==, 1.0f);
  g_assert_cmpfloat (sc.scale[0], ==, 0.25f);
  g_assert_cmpfloat (sc.shift[1], ==, 10.0f);
  g_assert_cmpfloat (sc.scale[1], ==, 0.025f);
  g_assert_cmpfloat (sc.scale[2], ==, 1.0f);
  bp_dataset_gather (ds, &sc, rows, 2, x, NULL, NULL);
  g_assert_cmpfloat (x[0], ==, 0.25f);
  g_assert_cmpfloat (x[3], ==, 1.25f); /* beyond the training range: not clipped */
  bp_scaler_free (&sc);

  g_assert_cmpint (bp_scaler_fit (ds, train, 3, BP_SCALING_NONE, &sc), ==, 0);
  g_assert_cmpfloat (sc.shift[1], ==, 0.0f);
  g_assert_cmpfloat (sc.scale[1], ==, 1.0f);
  bp_scaler_free (&sc);
  bp_dataset_free (ds);
}

static void
test_u8_gather (void)
{
  char err[256];
  bp_dataset *ds = bp_dataset_new (2, 3, BP_FEATURES_U8, BP_TASK_CLASSIFICATION, 2, err,
                                   sizeof err);
  const uint8_t bytes[6] = { 0, 255, 51, 102, 0, 255 };
  memcpy (ds->x_u8, bytes, 6);
  ds->u8_scale = 1.0f / 255.0f;
  ds->labels[1] = 1;
  const uint32_t rows[2] = { 1, 0 };
  float x[6];
  int32_t labels[2];
  bp_dataset_gather (ds, NULL, rows, 2, x, labels, NULL);
  g_assert_cmpfloat_with_epsilon (x[0], 0.4, 1e-7);
  g_assert_cmpfloat (x[2], ==, 1.0f);
  g_assert_cmpfloat (x[4], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (x[5], 0.2, 1e-7);
  g_assert_cmpint (labels[0], ==, 1);
  g_assert_cmpint (labels[1], ==, 0);

  bp_scaler sc;
  g_assert_cmpint (bp_scaler_fit (ds, rows, 2, BP_SCALING_STANDARD, &sc), ==, 0);
  /* feature 0: 0 and 0.4: mean 0.2, std 0.2 */
  g_assert_cmpfloat_with_epsilon (sc.shift[0], 0.2, 1e-7);
  g_assert_cmpfloat_with_epsilon (sc.scale[0], 5.0, 1e-5);
  bp_dataset_gather (ds, &sc, rows, 2, x, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (x[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (x[3], -1.0, 1e-6);
  bp_scaler_free (&sc);
  bp_dataset_free (ds);
}

static void
test_batcher (void)
{
  uint32_t rows[10];
  for (uint32_t i = 0; i < 10; i++)
    rows[i] = 100 + i;
  bp_batcher b;
  char err[256];
  g_assert_cmpint (bp_batcher_init (&b, rows, 10, 4, true, 5, err, sizeof err), ==, 0);
  /* The W4 convention: one Fisher-Yates pass per epoch over the previous order. */
  uint32_t expect[10];
  memcpy (expect, rows, sizeof rows);
  bp_rng r;
  bp_rng_seed (&r, 5);
  for (int epoch = 0; epoch < 3; epoch++)
    {
      for (uint32_t i = 9; i > 0; i--)
        {
          uint32_t j = (uint32_t) (bp_rng_next (&r) % (i + 1));
          uint32_t t = expect[i];
          expect[i] = expect[j];
          expect[j] = t;
        }
      g_assert_true (bp_batcher_epoch_done (&b));
      const uint32_t *batch;
      const uint32_t sizes[3] = { 4, 4, 2 };
      uint32_t at = 0;
      for (int k = 0; k < 3; k++)
        {
          uint32_t n = bp_batcher_next (&b, &batch);
          g_assert_cmpuint (n, ==, sizes[k]);
          g_assert_cmpmem (batch, n * 4, expect + at, n * 4);
          at += n;
          g_assert_cmpuint (b.epoch, ==, (uint64_t) epoch + 1);
        }
    }
  bp_batcher_free (&b);

  g_assert_cmpint (bp_batcher_init (&b, rows, 10, 16, false, 5, err, sizeof err), ==, 0);
  const uint32_t *batch;
  g_assert_cmpuint (bp_batcher_next (&b, &batch), ==, 10);
  g_assert_cmpmem (batch, 40, rows, 40);
  bp_batcher_free (&b);
  g_assert_cmpint (bp_batcher_init (&b, rows, 10, 0, false, 5, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "batch size must be at least 1");
}

/* The two default splits of data/split.h on Iris's 3 classes of 50: the window's 60/20/20
 * is 10 test and 10 validation rows of each class (90/30/30), backprop-train's 80/20/0 is 10
 * validation rows of each (120/30/0). */
static void
test_default_splits (void)
{
  const int per_class[3] = { 50, 50, 50 };
  bp_dataset *ds = classes_dataset (per_class, 3);
  bp_split sp;
  char err[256];

  g_assert_cmpfloat (BP_SPLIT_WINDOW_VAL_RATIO, ==, 0.2);
  g_assert_cmpfloat (BP_SPLIT_WINDOW_TEST_RATIO, ==, 0.2);
  g_assert_cmpint (bp_split_make (ds, BP_SPLIT_WINDOW_VAL_RATIO, BP_SPLIT_WINDOW_TEST_RATIO,
                                  BP_SPLIT_WINDOW_SEED, &sp, err, sizeof err), ==, 0);
  g_assert_cmpuint (sp.n_train, ==, 90);
  g_assert_cmpuint (sp.n_val, ==, 30);
  g_assert_cmpuint (sp.n_test, ==, 30);
  {
    int counts[3] = { 0 };
    guint8 seen[150] = { 0 };

    count_part (ds, sp.test, sp.n_test, counts, seen);
    g_assert_cmpint (counts[0], ==, 10);
    g_assert_cmpint (counts[1], ==, 10);
    g_assert_cmpint (counts[2], ==, 10);
  }
  bp_split_free (&sp);

  g_assert_cmpint (bp_split_make (ds, BP_SPLIT_CLI_VAL_RATIO, BP_SPLIT_CLI_TEST_RATIO, 1, &sp,
                                  err, sizeof err), ==, 0);
  g_assert_cmpuint (sp.n_train, ==, 120);
  g_assert_cmpuint (sp.n_val, ==, 30);
  g_assert_cmpuint (sp.n_test, ==, 0);
  bp_split_free (&sp);
  bp_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/split/stratified", test_stratified);
  g_test_add_func ("/split/rounding", test_rounding);
  g_test_add_func ("/split/regression-and-errors", test_regression_and_errors);
  g_test_add_func ("/split/scalers", test_scalers);
  g_test_add_func ("/split/u8-gather", test_u8_gather);
  g_test_add_func ("/split/batcher", test_batcher);
  g_test_add_func ("/split/default-splits", test_default_splits);
  return g_test_run ();
}
