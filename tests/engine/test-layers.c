/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The layers' forward behaviour and contracts (their gradients are in test-gradcheck.c):
 * batch norm against torch.nn.BatchNorm1d in training and evaluation (torch_reference.py) and
 * per channel for images; dropout's PyTorch semantics; dense's forward worked out by hand,
 * its initialisation, scratch and parameter views; what shape inference refuses, in words. */
#include "engine/layer.h"
#include "tests/engine/test-layer-rig.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* ---- reference values printed by torch_reference.py (torch 1.13, float32) ---- */
static const float bn_x[] = {
  0.300000012, -1, 5, 1.10000002, 0.5, 4, -0.699999988, 2, 6.5, 0, -0.5, 5.5, 2.20000005, 1, 3
};
static const float bn_y_train[] = {
  -0.322199136, -0.855607152, -0.16552037, 0.884083867, -0.153170928, 0.662082672, -1.83005285,
  0.549265325, -1.40692496, -0.774555266, -0.621461749, -0.579321861, 2.54272294, 0.0809744895,
  1.48968577
};
static const float bn_running_mean[] = {
  0.0580000058, 0.0400000028, 0.480000019
};
static const float bn_running_var[] = {
  1.0237, 1.04250002, 1.08249998
};
static const float bn_y_eval[] = {
  0.458771706, -0.709287763, -4.3443265, 1.64479375, 0.0252618939, -3.3831923, -1.02375591,
  0.75981158, -5.78602791, 0.014013391, -0.464437902, -4.82489347, 3.27557421, 0.270111799,
  -2.42205811
};

/* infer must refuse and say want */
static void
assert_refused (const bp_layer_spec *spec, bp_shape in, const char *want)
{
  char err[256] = "";
  bp_shape out;
  size_t np, nb;
  g_assert_cmpint (bp_layer_ops_for (spec->kind)->infer (spec, in, &out, &np, &nb, err,
                                                         sizeof err), ==, -1);
  if (strstr (err, want) == NULL)
    g_error ("expected the message to contain '%s', got '%s'", want, err);
}

/* ---- batch norm ---- */

static bp_layer_spec
batchnorm_spec (void)
{
  bp_layer_spec s = { .kind = BP_LAYER_BATCHNORM };
  s.u.batchnorm = (bp_batchnorm_cfg) { .momentum = 0.1f, .eps = 1e-5f };
  return s;
}

static void
test_batchnorm_torch (void)
{
  bp_layer_spec spec = batchnorm_spec ();
  test_layer g;
  test_layer_make (&g, &spec, bp_shape_vec (3), 5);
  /* init: gamma 1, beta 0, running mean 0, running var 1 */
  const float init_p[6] = { 1, 1, 1, 0, 0, 0 }, init_b[6] = { 0, 0, 0, 1, 1, 1 };
  g_assert_cmpmem (g.L.params, sizeof init_p, init_p, sizeof init_p);
  g_assert_cmpmem (g.L.buffers, sizeof init_b, init_b, sizeof init_b);

  const float gamma[3] = { 1.5f, 0.5f, -1.0f }, beta[3] = { 0.1f, -0.2f, 0.0f };
  memcpy (g.L.params, gamma, sizeof gamma);
  memcpy (g.L.params + 3, beta, sizeof beta);
  memcpy (g.x, bn_x, sizeof bn_x);

  /* 1e-6 relative: float arithmetic on both sides, statistics in double here */
  g.L.ops->forward (&g.L, 5, true);
  for (int i = 0; i < 15; i++)
    g_assert_cmpfloat_with_epsilon (g.L.y[i], bn_y_train[i], 2e-6 * (1 + fabs (bn_y_train[i])));
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat_with_epsilon (g.L.buffers[c], bn_running_mean[c], 1e-6);
      g_assert_cmpfloat_with_epsilon (g.L.buffers[3 + c], bn_running_var[c], 1e-6);
    }
  g.L.ops->forward (&g.L, 5, false);
  for (int i = 0; i < 15; i++)
    g_assert_cmpfloat_with_epsilon (g.L.y[i], bn_y_eval[i], 2e-6 * (1 + fabs (bn_y_eval[i])));
  /* evaluation leaves the running statistics alone */
  g_assert_cmpfloat_with_epsilon (g.L.buffers[0], bn_running_mean[0], 1e-6);

  bp_param_view pv[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (g.L.ops->param_views (&g.L, pv), ==, 2);
  g_assert_cmpstr (pv[0].suffix, ==, "gamma");
  g_assert_cmpstr (pv[1].suffix, ==, "beta");
  g_assert_true (pv[1].value == g.L.params + 3 && pv[1].grad == g.L.grads + 3);
  g_assert_cmpint (pv[0].rank, ==, 1);
  g_assert_cmpint (pv[0].dims[0], ==, 3);
  g_assert_false (pv[0].penalised || pv[1].penalised);
  bp_buffer_view bv[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (g.L.ops->buffer_views (&g.L, bv), ==, 2);
  g_assert_cmpstr (bv[0].suffix, ==, "running_mean");
  g_assert_cmpstr (bv[1].suffix, ==, "running_var");
  g_assert_true (bv[1].value == g.L.buffers + 3);
  test_layer_clear (&g);
}

/* Images: statistics per channel over batch, height and width. */
static void
test_batchnorm_images (void)
{
  bp_layer_spec spec = batchnorm_spec ();
  spec.u.batchnorm.momentum = 0.25f;
  bp_shape img = { 3, { 2, 2, 3 } }; /* C = 2, 6 values each per sample */
  const int batch = 3, C = 2, S = 6;
  test_layer g;
  test_layer_make (&g, &spec, img, batch);
  bp_rng r;
  bp_rng_seed (&r, 9);
  for (int i = 0; i < batch * C * S; i++) /* channel 1 shifted and wider than channel 0 */
    g.x[i] = (float) bp_rng_uniform (&r) * ((i / S) % 2 ? 4.0f : 1.0f) + ((i / S) % 2 ? 10 : 0);
  g.L.params[0] = 2.0f, g.L.params[1] = 0.5f;  /* gamma */
  g.L.params[2] = -1.0f, g.L.params[3] = 3.0f; /* beta */
  g.L.ops->forward (&g.L, batch, true);
  for (int c = 0; c < C; c++)
    {
      double xm = 0, xv = 0, ym = 0, yv = 0;
      int n = batch * S;
      for (int b = 0; b < batch; b++)
        for (int s = 0; s < S; s++)
          {
            xm += g.x[(b * C + c) * S + s];
            ym += g.L.y[(b * C + c) * S + s];
          }
      xm /= n, ym /= n;
      for (int b = 0; b < batch; b++)
        for (int s = 0; s < S; s++)
          {
            double dxv = g.x[(b * C + c) * S + s] - xm, dyv = g.L.y[(b * C + c) * S + s] - ym;
            xv += dxv * dxv, yv += dyv * dyv;
          }
      xv /= n, yv /= n;
      /* y has mean beta and variance gamma^2 var / (var + eps) */
      g_assert_cmpfloat_with_epsilon (ym, g.L.params[2 + c], 1e-5);
      double gm = g.L.params[c];
      g_assert_cmpfloat_with_epsilon (yv, gm * gm * xv / (xv + 1e-5), 1e-5);
      /* running: (1 - m) * init + m * batch, the variance unbiased (n / (n - 1)) */
      g_assert_cmpfloat_with_epsilon (g.L.buffers[c], 0.25 * xm, 1e-5);
      g_assert_cmpfloat_with_epsilon (g.L.buffers[C + c], 0.75 + 0.25 * xv * n / (n - 1),
                                      1e-5);
    }
  test_layer_clear (&g);
}

/* One value per feature: torch refuses; here the output is beta and the running variance
 * is left alone (there is no unbiased estimate to move it towards). */
static void
test_batchnorm_single (void)
{
  bp_layer_spec spec = batchnorm_spec ();
  test_layer g;
  test_layer_make (&g, &spec, bp_shape_vec (2), 1);
  g.x[0] = 3.0f, g.x[1] = -2.0f;
  g.L.params[2] = 0.5f, g.L.params[3] = -0.5f;
  g.L.ops->forward (&g.L, 1, true);
  g_assert_cmpfloat (g.L.y[0], ==, 0.5f);
  g_assert_cmpfloat (g.L.y[1], ==, -0.5f);
  g_assert_cmpfloat_with_epsilon (g.L.buffers[0], 0.3, 1e-7);
  g_assert_cmpfloat (g.L.buffers[2], ==, 1.0f);
  g_assert_cmpfloat (g.L.buffers[3], ==, 1.0f);
  test_layer_clear (&g);
}

static void
test_batchnorm_refusals (void)
{
  bp_layer_spec spec = batchnorm_spec ();
  bp_shape flat2 = { 2, { 3, 4, 0 } };
  assert_refused (&spec, flat2, "rank 2");
  spec.u.batchnorm.eps = 0.0f;
  assert_refused (&spec, bp_shape_vec (3), "eps");
  spec = batchnorm_spec ();
  spec.u.batchnorm.momentum = 1.5f;
  assert_refused (&spec, bp_shape_vec (3), "momentum");
}

/* ---- dropout ---- */

static void
test_dropout (void)
{
  enum { N = 100000 };
  bp_layer_spec spec = { .kind = BP_LAYER_DROPOUT };
  spec.u.dropout.rate = 0.3f;
  test_layer g;
  test_layer_make (&g, &spec, bp_shape_vec (N / 10), 10);
  for (int i = 0; i < N; i++)
    g.x[i] = 1.0f + (float) (i % 7);

  /* evaluation: the identity */
  g.L.ops->forward (&g.L, 10, false);
  g_assert_cmpmem (g.L.y, N * sizeof (float), g.x, N * sizeof (float));

  /* training: each value kept with probability 0.7 and scaled by 1 / 0.7, else 0; the kept
   * fraction's standard error is 0.0015, allowed 0.01 */
  g.L.ops->forward (&g.L, 10, true);
  int kept = 0;
  for (int i = 0; i < N; i++)
    if (g.L.y[i] != 0.0f)
      {
        kept++;
        g_assert_cmpfloat (g.L.y[i], ==, g.x[i] * (1.0f / 0.7f));
      }
  g_assert_cmpfloat (fabs (kept / (double) N - 0.7), <, 0.01);

  /* backward passes the gradient through the same mask, adding to dx */
  for (int i = 0; i < N; i++)
    {
      g.L.dy[i] = 2.0f;
      g.L.dx[i] = 1.0f;
    }
  g.L.ops->backward (&g.L, 10);
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat (g.L.dx[i], ==, g.L.y[i] != 0.0f ? 1.0f + 2.0f / 0.7f : 1.0f);

  /* the mask comes from the layer's generator: the same seed, the same mask */
  float *first = g_memdup2 (g.L.y, N * sizeof (float));
  bp_rng_seed (&g.rng, 1);
  g.L.ops->forward (&g.L, 10, true);
  g_assert_cmpmem (g.L.y, N * sizeof (float), first, N * sizeof (float));
  g.L.ops->forward (&g.L, 10, true); /* the generator moved on: another mask */
  g_assert_true (memcmp (g.L.y, first, N * sizeof (float)) != 0);
  g_free (first);

  /* the live rate, changed between steps */
  g.L.dropout_rate = 0.9f;
  g.L.ops->forward (&g.L, 10, true);
  kept = 0;
  for (int i = 0; i < N; i++)
    kept += g.L.y[i] != 0.0f;
  g_assert_cmpfloat (fabs (kept / (double) N - 0.1), <, 0.01);
  g.L.dropout_rate = 0.0f;
  g.L.ops->forward (&g.L, 10, true);
  g_assert_cmpmem (g.L.y, N * sizeof (float), g.x, N * sizeof (float));
  test_layer_clear (&g);

  spec.u.dropout.rate = 1.0f;
  assert_refused (&spec, bp_shape_vec (3), "rate");
  spec.u.dropout.rate = -0.1f;
  assert_refused (&spec, bp_shape_vec (3), "rate");
  spec.u.dropout.rate = NAN;
  assert_refused (&spec, bp_shape_vec (3), "rate");
}

/* ---- dense ---- */

static bp_layer_spec
dense_spec (int units, bool bias, bp_act act)
{
  bp_layer_spec s = { .kind = BP_LAYER_DENSE };
  s.u.dense = (bp_dense_cfg) { .units = units, .use_bias = bias, .activation = act,
                               .weight_init = { .kind = BP_INIT_DEFAULT },
                               .bias_init = { .kind = BP_INIT_DEFAULT } };
  return s;
}

static void
test_dense_forward (void)
{
  /* x (2, 3), W (2, 3), b (2), ReLU:
   * row 0: [1 2 3].[1 0 -1] + 0.5 = -1.5 -> 0;  [1 2 3].[0.5 0.5 0.5] - 1 = 2
   * row 1: [-1 0 4].[1 0 -1] + 0.5 = -4.5 -> 0; [-1 0 4].[0.5 0.5 0.5] - 1 = 0.5 */
  bp_layer_spec spec = dense_spec (2, true, BP_ACT_RELU);
  test_layer g;
  test_layer_make (&g, &spec, bp_shape_vec (3), 2);
  const float W[8] = { 1, 0, -1, 0.5f, 0.5f, 0.5f, 0.5f, -1 };
  memcpy (g.L.params, W, sizeof W);
  const float x[6] = { 1, 2, 3, -1, 0, 4 };
  memcpy (g.x, x, sizeof x);
  g.L.ops->forward (&g.L, 2, true);
  const float want[4] = { 0, 2, 0, 0.5f };
  g_assert_cmpmem (g.L.y, sizeof want, want, sizeof want);

  bp_param_view pv[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (g.L.ops->param_views (&g.L, pv), ==, 2);
  g_assert_cmpstr (pv[0].suffix, ==, "weight");
  g_assert_cmpint (pv[0].rank, ==, 2);
  g_assert_cmpint (pv[0].dims[0], ==, 2); /* (out, in), PyTorch's layout */
  g_assert_cmpint (pv[0].dims[1], ==, 3);
  g_assert_true (pv[0].penalised);
  g_assert_cmpstr (pv[1].suffix, ==, "bias");
  g_assert_true (pv[1].value == g.L.params + 6 && pv[1].grad == g.L.grads + 6);
  g_assert_false (pv[1].penalised);
  bp_buffer_view bv[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (g.L.ops->buffer_views (&g.L, bv), ==, 0);
  test_layer_clear (&g);

  /* without bias: one view, out * in parameters */
  spec = dense_spec (4, false, BP_ACT_LINEAR);
  test_layer_make (&g, &spec, bp_shape_vec (5), 1);
  g_assert_cmpuint (g.L.n_params, ==, 20);
  g_assert_cmpint (g.L.ops->param_views (&g.L, pv), ==, 1);
  /* linear needs no scratch: dz is dy; tanh keeps dz; GELU keeps z and dz */
  g_assert_cmpuint (g.L.ops->scratch_size (&g.L, 8), ==, 0);
  test_layer_clear (&g);
  spec = dense_spec (4, true, BP_ACT_TANH);
  test_layer_make (&g, &spec, bp_shape_vec (5), 1);
  g_assert_cmpuint (g.L.ops->scratch_size (&g.L, 8), ==, 32);
  test_layer_clear (&g);
  spec = dense_spec (4, true, BP_ACT_GELU);
  test_layer_make (&g, &spec, bp_shape_vec (5), 1);
  g_assert_cmpuint (g.L.ops->scratch_size (&g.L, 8), ==, 64);
  test_layer_clear (&g);
}

/* PyTorch's default: weight and bias both U(+-1/sqrt(fan_in)), weight drawn first. */
static void
test_dense_init (void)
{
  bp_layer_spec spec = dense_spec (64, true, BP_ACT_RELU);
  test_layer g;
  test_layer_make (&g, &spec, bp_shape_vec (100), 1);
  float bound = 0.1f, wmax = 0.0f, bmax = 0.0f;
  for (int i = 0; i < 6400; i++)
    wmax = fmaxf (wmax, fabsf (g.L.params[i]));
  for (int i = 6400; i < 6464; i++)
    bmax = fmaxf (bmax, fabsf (g.L.params[i]));
  g_assert_cmpfloat (wmax, <=, bound);
  g_assert_cmpfloat (wmax, >, 0.99f * bound);
  g_assert_cmpfloat (bmax, <=, bound);
  g_assert_cmpfloat (bmax, >, 0.8f * bound); /* not the zeros of Keras's default */

  /* the same draws as filling weight then bias from one generator */
  float w[6464];
  bp_rng r;
  bp_rng_seed (&r, 1);
  bp_init d = { .kind = BP_INIT_DEFAULT };
  bp_init_fill (&d, w, 6400, 100, 64, &r);
  bp_init_fill (&d, w + 6400, 64, 100, 64, &r);
  g_assert_cmpmem (g.L.params, sizeof w, w, sizeof w);
  test_layer_clear (&g);
}

static void
test_dense_refusals (void)
{
  bp_layer_spec spec = dense_spec (3, true, BP_ACT_SOFTMAX);
  assert_refused (&spec, bp_shape_vec (4), "softmax");
  assert_refused (&spec, bp_shape_vec (4), "separate activation layer");
  spec = dense_spec (0, true, BP_ACT_RELU);
  assert_refused (&spec, bp_shape_vec (4), "0 units");
  spec = dense_spec (BP_MAX_UNITS, true, BP_ACT_RELU);
  assert_refused (&spec, bp_shape_vec (BP_MAX_UNITS), "parameters");

  /* a rank-3 input is read flattened */
  char err[128];
  bp_shape img = { 3, { 3, 4, 5 } }, out;
  size_t np, nb;
  spec = dense_spec (7, true, BP_ACT_RELU);
  g_assert_cmpint (bp_dense_ops.infer (&spec, img, &out, &np, &nb, err, sizeof err), ==, 0);
  g_assert_cmpint (out.rank, ==, 1);
  g_assert_cmpint (out.dims[0], ==, 7);
  g_assert_cmpuint (np, ==, 60 * 7 + 7);
  g_assert_cmpuint (nb, ==, 0);
}

/* ---- activation layer and the table ---- */

static void
test_activation_layer (void)
{
  bp_layer_spec spec = { .kind = BP_LAYER_ACTIVATION };
  spec.u.activation.fn = BP_ACT_SOFTMAX;
  bp_shape img = { 3, { 2, 1, 3 } };
  test_layer g;
  test_layer_make (&g, &spec, img, 2);
  g_assert_cmpint (g.L.out.rank, ==, 3);
  g_assert_cmpmem (g.L.out.dims, sizeof img.dims, img.dims, sizeof img.dims);
  g_assert_cmpuint (g.L.n_params, ==, 0);
  for (int i = 0; i < 12; i++)
    g.x[i] = (float) i;
  g.L.ops->forward (&g.L, 2, false);
  /* softmax over each sample's six values */
  for (int b = 0; b < 2; b++)
    {
      double sum = 0.0;
      for (int j = 0; j < 6; j++)
        sum += g.L.y[b * 6 + j];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (g.L.y[b * 6 + 5] / g.L.y[b * 6 + 4], M_E, 1e-5);
    }
  test_layer_clear (&g);
  spec.u.activation.fn = BP_ACT_COUNT;
  assert_refused (&spec, bp_shape_vec (3), "unknown activation");
}

static void
test_table (void)
{
  const bp_layer_kind mine[] = { BP_LAYER_DENSE, BP_LAYER_ACTIVATION, BP_LAYER_DROPOUT,
                                 BP_LAYER_BATCHNORM };
  for (size_t i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      const bp_layer_ops *ops = bp_layer_ops_for (mine[i]);
      g_assert_nonnull (ops);
      g_assert_cmpint (ops->kind, ==, mine[i]);
      g_assert_nonnull (ops->infer);
      g_assert_nonnull (ops->forward);
      g_assert_nonnull (ops->backward);
    }
  for (int k = 0; k < BP_LAYER_KIND_COUNT; k++)
    {
      const bp_layer_ops *ops = bp_layer_ops_for ((bp_layer_kind) k);
      g_assert_nonnull (ops);
      g_assert_cmpint (ops->kind, ==, k);
    }
  g_assert_null (bp_layer_ops_for (BP_LAYER_KIND_COUNT));
  g_assert_null (bp_layer_ops_for ((bp_layer_kind) -1));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layers/batchnorm-torch", test_batchnorm_torch);
  g_test_add_func ("/layers/batchnorm-images", test_batchnorm_images);
  g_test_add_func ("/layers/batchnorm-single", test_batchnorm_single);
  g_test_add_func ("/layers/batchnorm-refusals", test_batchnorm_refusals);
  g_test_add_func ("/layers/dropout", test_dropout);
  g_test_add_func ("/layers/dense-forward", test_dense_forward);
  g_test_add_func ("/layers/dense-init", test_dense_init);
  g_test_add_func ("/layers/dense-refusals", test_dense_refusals);
  g_test_add_func ("/layers/activation", test_activation_layer);
  g_test_add_func ("/layers/table", test_table);
  return g_test_run ();
}
