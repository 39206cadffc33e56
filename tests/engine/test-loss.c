/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Losses against PyTorch (values and gradients, from torch_reference.py beside this file),
 * their stability on extreme logits, what happens with a label out of range, the correct-count
 * helper, and the evaluation metrics (argmax, confusion matrix, regression metrics) against
 * numbers worked out by hand. */
#include "engine/loss.h"
#include "engine/metrics.h"

#include <glib.h>
#include <math.h>

/* ---- reference values printed by torch_reference.py (torch 1.13, float32) ---- */
static const float loss_out[] = {
  0.5, -1.20000005, 3, 0, 60, -60, 0.699999988, -0.100000001, 2, 1, -3, 0.25
};
static const float loss_tgt[] = {
  1, 0, 1, 0.5, 1, 1, 0, 0, 0, 1, 0.300000012, 1
};
static const double loss_mse = 601.991027832;
static const float loss_mse_grad[] = {
  -0.0833333358, -0.200000018, 0.333333343, -0.0833333358, 9.83333397, -10.166667, 0.116666667,
  -0.0166666675, 0.333333343, 0, -0.550000012, -0.125
};
static const double loss_bce = 5.59928274155;
static const float loss_bce_grad[] = {
  -0.0314617194, 0.0192896016, -0.00395215536, 0, 0, -0.0833333358, 0.0556823127, 0.0395850651,
  0.0733997524, -0.0224117842, -0.0210478455, -0.0364852883
};
static const double loss_ce = 0.524750292301;
static const float loss_ce_grad[] = {
  0.0238577388, 0.00435841642, -0.042686604, 0.0144704496, 0, 0, 5.87782032e-27, 2.64107704e-27,
  0.215277195, -0.254137278, 0.00145052595, 0.0374095663
};
static const double loss_huber = 15.568854332;
static const float loss_huber_grad[] = {
  -0.0416666679, -0.100000009, 0.125, -0.0416666679, 0.125, -0.125, 0.0583333336, -0.00833333377,
  0.125, 0, -0.125, -0.0625
};

static const int32_t loss_labels[3] = { 2, 0, 1 };

/* The engine sums in double and torch in float, so values agree to float precision: 1e-6
 * relative. Gradients are float on both sides: 1e-6 relative plus 1e-9 absolute for the
 * entries that are ~1e-27 in torch (e^-60 in a softmax) and 0 or denormal here. */
static void
check_loss (bp_loss_kind kind, float delta, double want, const float *want_grad)
{
  float grad[12];
  bp_loss_target t = { loss_tgt, loss_labels };
  double got = bp_loss_compute (kind, delta, loss_out, t, 3, 4, grad);
  g_assert_cmpfloat_with_epsilon (got, want, 1e-6 * fabs (want));
  for (int i = 0; i < 12; i++)
    if (!(fabs (grad[i] - want_grad[i]) <= 1e-9 + 1e-6 * fabs (want_grad[i])))
      g_error ("%s grad[%d] = %.9g, want %.9g", bp_loss_name (kind), i, grad[i], want_grad[i]);
  /* without a gradient buffer: the same value */
  g_assert_cmpfloat (bp_loss_compute (kind, delta, loss_out, t, 3, 4, NULL), ==, got);
}

static void
test_against_torch (void)
{
  check_loss (BP_LOSS_MSE, 1.0f, loss_mse, loss_mse_grad);
  check_loss (BP_LOSS_BCE_LOGITS, 1.0f, loss_bce, loss_bce_grad);
  check_loss (BP_LOSS_CROSS_ENTROPY, 1.0f, loss_ce, loss_ce_grad);
  check_loss (BP_LOSS_HUBER, 1.5f, loss_huber, loss_huber_grad);
}

/* Logits that overflow exp() or underflow log() when computed naively. */
static void
test_extreme_logits (void)
{
  /* BCE: z = +-1000 with the matching target costs nothing; with the wrong one, |z| */
  const float z[4] = { 1000.0f, -1000.0f, 1000.0f, -1000.0f };
  const float t[4] = { 1.0f, 0.0f, 0.0f, 1.0f };
  float g[4];
  bp_loss_target bt = { t, NULL };
  double l = bp_loss_compute (BP_LOSS_BCE_LOGITS, 1.0f, z, bt, 4, 1, g);
  g_assert_cmpfloat_with_epsilon (l, 2000.0 / 4.0, 1e-9);
  g_assert_cmpfloat (g[0], ==, 0.0f);
  g_assert_cmpfloat (g[1], ==, 0.0f);
  g_assert_cmpfloat (g[2], ==, 0.25f);
  g_assert_cmpfloat (g[3], ==, -0.25f);

  /* cross-entropy: logits 1e4 apart; the right class costs 0, the wrong one 1e4 */
  const float ce[6] = { 1e4f, 0.0f, -1e4f, 0.0f, 1e4f, 0.0f };
  const int32_t lab[2] = { 0, 0 };
  float cg[6];
  bp_loss_target ct = { NULL, lab };
  l = bp_loss_compute (BP_LOSS_CROSS_ENTROPY, 1.0f, ce, ct, 2, 3, cg);
  g_assert_cmpfloat_with_epsilon (l, 1e4 / 2.0, 1e-6);
  g_assert_cmpfloat (cg[0], ==, 0.0f);
  g_assert_cmpfloat (cg[3], ==, -0.5f);
  g_assert_cmpfloat (cg[4], ==, 0.5f);
}

/* A label outside [0, dim) is never used as an index: the call reports BP_LOSS_BAD_LABEL and
 * the bad row's gradient is zero, the others are as usual. (Under ASan a read out of bounds
 * would abort here: labels 7 and -1 point past a 2x3 output.) */
static void
test_bad_labels (void)
{
  const float out[6] = { 0.1f, 0.2f, 0.3f, 1.0f, 2.0f, 3.0f };
  const int32_t good[2] = { 2, 0 };
  const int32_t bad_hi[2] = { 2, 7 };
  const int32_t bad_lo[2] = { -1, 0 };
  float g_good[6], g_bad[6];
  bp_loss_target t = { NULL, good };
  double l = bp_loss_compute (BP_LOSS_CROSS_ENTROPY, 1.0f, out, t, 2, 3, g_good);
  g_assert_cmpfloat (l, >, 0.0);

  t.labels = bad_hi;
  l = bp_loss_compute (BP_LOSS_CROSS_ENTROPY, 1.0f, out, t, 2, 3, g_bad);
  g_assert_cmpfloat (l, ==, BP_LOSS_BAD_LABEL);
  for (int j = 0; j < 3; j++)
    {
      g_assert_cmpfloat (g_bad[j], ==, g_good[j]); /* the good row is untouched */
      g_assert_cmpfloat (g_bad[3 + j], ==, 0.0f);
    }
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_CROSS_ENTROPY, out, t, 2, 3), ==, 1);

  t.labels = bad_lo;
  l = bp_loss_compute (BP_LOSS_CROSS_ENTROPY, 1.0f, out, t, 2, 3, NULL);
  g_assert_cmpfloat (l, ==, BP_LOSS_BAD_LABEL);
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_CROSS_ENTROPY, out, t, 2, 3), ==, 0);
}

static void
test_count_correct (void)
{
  /* argmax per row: 2, 0, 1 (the tie in row 1 goes to the first) */
  const float out[9] = { 0.1f, 0.2f, 0.3f, 5.0f, 5.0f, 1.0f, -1.0f, 2.0f, -3.0f };
  const int32_t lab[3] = { 2, 1, 1 };
  bp_loss_target t = { NULL, lab };
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_CROSS_ENTROPY, out, t, 3, 3), ==, 2);

  /* BCE: (logit > 0) == (target > 0.5), per output */
  const float z[4] = { 0.5f, -0.5f, 0.0f, 2.0f };
  const float tg[4] = { 1.0f, 1.0f, 0.0f, 0.6f };
  bp_loss_target bt = { tg, NULL };
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_BCE_LOGITS, z, bt, 2, 2), ==, 3);
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_MSE, z, bt, 2, 2), ==, -1);
  g_assert_cmpint (bp_loss_count_correct (BP_LOSS_HUBER, z, bt, 2, 2), ==, -1);
}

/* Huber's two pieces and the switch at |d| = delta, by hand: delta = 2, d = 1, -3, 2. */
static void
test_huber_by_hand (void)
{
  const float out[3] = { 1.0f, -3.0f, 2.0f }, tgt[3] = { 0.0f, 0.0f, 0.0f };
  float g[3];
  bp_loss_target t = { tgt, NULL };
  double l = bp_loss_compute (BP_LOSS_HUBER, 2.0f, out, t, 3, 1, g);
  /* 0.5 * 1 + 2 * (3 - 1) + 2 * (2 - 1) = 6.5, mean 6.5 / 3 */
  g_assert_cmpfloat_with_epsilon (l, 6.5 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (g[0], 1.0 / 3.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (g[1], -2.0 / 3.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (g[2], 2.0 / 3.0, 1e-7);
}

static void
test_metrics (void)
{
  const float v[5] = { 1.0f, 3.0f, 3.0f, NAN, -2.0f };
  g_assert_cmpint (bp_argmax (v, 5), ==, 1);
  g_assert_cmpint (bp_argmax (v, 1), ==, 0);

  /* 3 classes, 4 rows: predictions 2, 0, 0, 1 for labels 2, 0, 1, 9 (out of range: skipped) */
  const float out[12] = { 0, 0, 1, 1, 0, 0, 2, 1, 0, 0, 5, 0 };
  const int32_t lab[4] = { 2, 0, 1, 9 };
  int64_t cm[9] = { 0 };
  bp_confusion_add (cm, 3, out, lab, 4);
  bp_confusion_add (cm, 3, out, lab, 1); /* adds up */
  const int64_t want[9] = { 1, 0, 0, 1, 0, 0, 0, 0, 2 };
  for (int i = 0; i < 9; i++)
    g_assert_cmpint (cm[i], ==, want[i]);

  /* two outputs over three rows; output 0: pred 1,2,4 vs target 1,3,5 ->
   * SS_res = 0 + 1 + 1 = 2, mean 3, SS_tot = 4 + 0 + 4 = 8, R^2 = 0.75;
   * output 1: constant target 2, pred exact -> R^2 = 1 (scikit-learn's convention) */
  const float pred[6] = { 1, 2, 2, 2, 4, 2 }, tgt[6] = { 1, 2, 3, 2, 5, 2 };
  bp_regression_metrics m = bp_regression_metrics_compute (pred, tgt, 3, 2);
  g_assert_cmpfloat_with_epsilon (m.mse, 2.0 / 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m.mae, 2.0 / 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m.r2, (0.75 + 1.0) / 2.0, 1e-12);
  /* a constant target missed: R^2 = 0 for that output */
  const float pred2[3] = { 1, 2, 3 }, tgt2[3] = { 2, 2, 2 };
  m = bp_regression_metrics_compute (pred2, tgt2, 3, 1);
  g_assert_cmpfloat (m.r2, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (m.mse, 2.0 / 3.0, 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/loss/torch", test_against_torch);
  g_test_add_func ("/loss/extreme-logits", test_extreme_logits);
  g_test_add_func ("/loss/bad-labels", test_bad_labels);
  g_test_add_func ("/loss/count-correct", test_count_correct);
  g_test_add_func ("/loss/huber-by-hand", test_huber_by_hand);
  g_test_add_func ("/loss/metrics", test_metrics);
  return g_test_run ();
}
