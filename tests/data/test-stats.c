/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-feature statistics, histograms, class counts and the PCA projection, against values
 * worked out by hand (and, for PCA on real data, by scikit-learn in test-builtin). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "data/pca.h"
#include "data/split.h"
#include "data/stats.h"

static void
test_float_stats (void)
{
  char err[256];
  bp_dataset *ds = bp_dataset_new (4, 2, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err,
                                   sizeof err);
  const float x[8] = { 1, -5, 2, -5, 3, -5, 10, -5 };
  memcpy (ds->x_f32, x, sizeof x);
  const float t[4] = { 0.5f, 1.5f, 2.5f, 3.5f };
  memcpy (ds->targets, t, sizeof t);
  bp_feature_stats st[2];
  g_assert_cmpint (bp_dataset_feature_stats (ds, NULL, 0, st), ==, 0);
  /* 1, 2, 3, 10: mean 4, deviations -3 -2 -1 6: variance 50/4 */
  g_assert_cmpfloat (st[0].min, ==, 1);
  g_assert_cmpfloat (st[0].max, ==, 10);
  g_assert_cmpfloat (st[0].mean, ==, 4);
  g_assert_cmpfloat_with_epsilon (st[0].std, sqrt (12.5), 1e-12);
  g_assert_cmpfloat (st[1].std, ==, 0);
  g_assert_cmpfloat (st[1].mean, ==, -5);

  const uint32_t rows[2] = { 3, 0 };
  g_assert_cmpint (bp_dataset_feature_stats (ds, rows, 2, st), ==, 0);
  g_assert_cmpfloat (st[0].mean, ==, 5.5);
  g_assert_cmpfloat (st[0].std, ==, 4.5);

  bp_feature_stats ts;
  g_assert_cmpint (bp_dataset_target_stats (ds, NULL, 0, &ts), ==, 0);
  g_assert_cmpfloat (ts.min, ==, 0.5);
  g_assert_cmpfloat (ts.max, ==, 3.5);
  g_assert_cmpfloat (ts.mean, ==, 2.0);
  g_assert_cmpfloat_with_epsilon (ts.std, sqrt (1.25), 1e-12);

  uint32_t hist[3];
  bp_dataset_histogram (ds, 0, NULL, 0, 0.0, 9.0, 3, hist);
  /* bins [0,3) [3,6) [6,9]: 1 and 2; 3; 10 clamped into the last */
  g_assert_cmpuint (hist[0], ==, 2);
  g_assert_cmpuint (hist[1], ==, 1);
  g_assert_cmpuint (hist[2], ==, 1);
  bp_dataset_histogram (ds, 1, NULL, 0, -5.0, -5.0, 3, hist);
  g_assert_cmpuint (hist[0], ==, 4);
  bp_dataset_free (ds);
}

static void
test_u8_stats_and_counts (void)
{
  char err[256];
  bp_dataset *ds = bp_dataset_new (4, 1, BP_FEATURES_U8, BP_TASK_CLASSIFICATION, 3, err,
                                   sizeof err);
  const uint8_t b[4] = { 0, 255, 255, 0 };
  memcpy (ds->x_u8, b, 4);
  ds->u8_scale = 1.0f / 255.0f;
  ds->labels[1] = 2;
  ds->labels[2] = 2;
  bp_feature_stats st;
  g_assert_cmpint (bp_dataset_feature_stats (ds, NULL, 0, &st), ==, 0);
  g_assert_cmpfloat (st.min, ==, 0);
  g_assert_cmpfloat_with_epsilon (st.max, 1.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (st.mean, 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (st.std, 0.5, 1e-7);
  size_t counts[3];
  g_assert_cmpuint (bp_dataset_class_counts (ds, NULL, 0, counts), ==, 4);
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 0);
  g_assert_cmpuint (counts[2], ==, 2);
  const uint32_t rows[1] = { 2 };
  g_assert_cmpuint (bp_dataset_class_counts (ds, rows, 1, counts), ==, 1);
  g_assert_cmpuint (counts[2], ==, 1);
  bp_feature_stats none;
  g_assert_cmpint (bp_dataset_target_stats (ds, NULL, 0, &none), ==, -1);
  bp_dataset_free (ds);
}

static void
test_pca_by_hand (void)
{
  /* Rows t (1, 1, 0) + s (1, -1, 0) for t in -2..2, s in +-0.5: variance 4 along (1, 1, 0)/sqrt 2,
   * 0.5 along (1, -1, 0)/sqrt 2, none along z; projections sqrt(2) t and sqrt(2) s. */
  char err[256] = "";
  bp_dataset *ds = bp_dataset_new (10, 3, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 1, err,
                                   sizeof err);
  int i = 0;
  for (int t = -2; t <= 2; t++)
    for (int k = 0; k < 2; k++, i++)
      {
        float s = k ? 0.5f : -0.5f;
        ds->x_f32[3 * i] = (float) t + s + 3.0f; /* an offset the mean must remove */
        ds->x_f32[3 * i + 1] = (float) t - s;
        ds->x_f32[3 * i + 2] = 1.0f;
      }
  bp_pca p;
  g_assert_cmpint (bp_pca_fit (ds, NULL, 0, &p, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (p.variance[0], 4.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.variance[1], 0.5, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.explained[0], 4.0 / 4.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (p.explained[1], 0.5 / 4.5, 1e-6);
  const double h = sqrt (0.5);
  g_assert_cmpfloat_with_epsilon (p.components[0], h, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.components[1], h, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.components[2], 0, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.components[3], h, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.components[4], -h, 1e-5);
  g_assert_cmpfloat (p.mean[0], ==, 3.0f);
  float xy[20];
  bp_pca_project (&p, ds, NULL, 0, xy);
  g_assert_cmpfloat_with_epsilon (xy[0], -2 * sqrt (2), 1e-5); /* t = -2, s = -0.5 */
  g_assert_cmpfloat_with_epsilon (xy[1], -0.5 * sqrt (2), 1e-5);
  g_assert_cmpfloat_with_epsilon (xy[19], 0.5 * sqrt (2), 1e-5); /* t = 2, s = 0.5 */
  const uint32_t rows[1] = { 9 };
  float one[2];
  bp_pca_project (&p, ds, rows, 1, one);
  g_assert_cmpfloat (one[0], ==, xy[18]);
  bp_pca_free (&p);

  /* Refusals */
  g_assert_cmpint (bp_pca_fit (ds, rows, 1, &p, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "dataset: PCA needs at least 2 rows");
  bp_dataset_free (ds);
  ds = bp_dataset_new (3, 1, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 1, err, sizeof err);
  g_assert_cmpint (bp_pca_fit (ds, NULL, 0, &p, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "dataset: PCA needs 2 to 4096 features, the dataset has 1");
  bp_dataset_free (ds);
}

/* Height (cm), weight (kg) and age (years): units so different that PCA on the stored values
 * and PCA on standardised values disagree. References from numpy (population covariance,
 * np.linalg.eigh) on (x - mean) / std: eigenvalues 1.98567 0.91762 0.09671, explained
 * 66.189 % and 30.587 % (on the stored values it would be 59.871 % and 37.480 %). */
static void
test_pca_standardised (void)
{
  char err[256];
  const float x[8][3] = { { 150, 52, 63 }, { 162, 60, 35 }, { 171, 68, 21 }, { 158, 70, 52 },
                          { 180, 85, 30 }, { 175, 72, 61 }, { 166, 58, 28 }, { 185, 90, 45 } };
  bp_dataset *ds = bp_dataset_new (8, 3, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, err,
                                   sizeof err);
  memcpy (ds->x_f32, x, sizeof x);
  const uint32_t all[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
  bp_scaler sc;
  g_assert_cmpint (bp_scaler_fit (ds, all, 8, BP_SCALING_STANDARD, &sc), ==, 0);

  bp_pca p;
  g_assert_cmpint (bp_pca_fit_scaled (ds, &sc, NULL, 0, &p, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (p.variance[0], 1.9856698363, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.variance[1], 0.9176197661, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.explained[0], 0.6618899454, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.explained[1], 0.3058732554, 1e-5);
  /* numpy's first vector is (-0.68833, -0.65285, 0.31621): flipped so its largest is > 0 */
  g_assert_cmpfloat_with_epsilon (p.components[0], 0.6883338153, 1e-4);
  g_assert_cmpfloat_with_epsilon (p.components[1], 0.6528454120, 1e-4);
  g_assert_cmpfloat_with_epsilon (p.components[2], -0.3162110478, 1e-4);
  g_assert_cmpfloat_with_epsilon (p.components[5], 0.9328831743, 1e-4);
  float xy[16];
  bp_pca_project (&p, ds, NULL, 0, xy);
  g_assert_cmpfloat_with_epsilon (xy[0], -2.5381308167, 1e-4);
  g_assert_cmpfloat_with_epsilon (xy[1], 0.6756809904, 1e-4);
  g_assert_cmpfloat_with_epsilon (xy[14], 2.0813925018, 1e-4);
  g_assert_cmpfloat_with_epsilon (xy[15], 0.9336294303, 1e-4);
  bp_pca_free (&p);

  /* Without a scaler the stored values: the share numpy gives on them. */
  g_assert_cmpint (bp_pca_fit_scaled (ds, NULL, NULL, 0, &p, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (p.explained[0], 0.5987147736, 1e-5);
  g_assert_null (p.scale);
  bp_pca_free (&p);
  bp_scaler_free (&sc);
  bp_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/float", test_float_stats);
  g_test_add_func ("/stats/u8-and-counts", test_u8_stats_and_counts);
  g_test_add_func ("/stats/pca-by-hand", test_pca_by_hand);
  g_test_add_func ("/stats/pca-standardised", test_pca_standardised);
  return g_test_run ();
}
