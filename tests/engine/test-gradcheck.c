/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finite-difference gradient checks of every layer kind and every loss.
 *
 * Each layer is built by hand (the test allocates its parameters, gradients, input, output,
 * gradient buffers and scratch) and scored with L = sum_i w_i y_i for fixed random weights w,
 * so dL/dy = w is what backward receives. The analytic gradients from backward are compared
 * with central differences (L(p + h) - L(p - h)) / (p+ - p-) taken around the float values
 * themselves: p+ and p- are the floats actually stored, the difference is summed in double.
 * Both the parameter gradients and dx are checked, and both are pre-filled with a constant
 * first, because backward must add to them (+=), not overwrite.
 *
 * Step and tolerance: h = 2^-9 (~2e-3). The forward is float, so each output that the
 * perturbation changes carries ~6e-8 relative rounding noise, which the division by 2h turns
 * into ~1.5e-5 per changed output (outputs it does not change cancel exactly, since the
 * difference is taken output by output). The truncation error is h^2/6 f''' ~ 1e-6 |f'''|.
 * Hence |numeric - analytic| <= 2e-3 + 1e-2 |analytic|: the absolute part covers the rounding
 * noise of the few dozen outputs a parameter reaches here, the relative part the curvature
 * of the steepest activations. A wrong gradient (a dropped term, a wrong index, a missing
 * factor of the activation's derivative) is off by a sizeable part of the gradient itself.
 * Kinks (ReLU and leaky ReLU at 0, ELU with alpha != 1 at 0, Huber at |d| = delta) are kept at
 * least 0.05 away from every point the differences visit, by construction. */
#include "engine/layer.h"
#include "engine/loss.h"
#include "tests/engine/test-layer-rig.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define STEP (1.0f / 512.0f)
#define ATOL 2e-3
#define RTOL 1e-2
#define GRAD_FILL 0.5f /* what grads hold before backward */
#define DX_FILL -0.25f /* what dx holds before backward */

/* A layer with all its buffers (test-layer-rig.h), the loss weights w and room for the
 * outputs at p + h. */
typedef struct {
  test_layer t;
  int batch;
  float *w;  /* (batch, out): dL/dy */
  float *yp; /* (batch, out): outputs at p + h */
} rig;

static float
uniform (bp_rng *r, float lo, float hi)
{
  return lo + (hi - lo) * (float) bp_rng_uniform (r);
}

/* Parameters, inputs and loss weights all come from seed. */
static void
rig_init (rig *g, const bp_layer_spec *spec, bp_shape in, int batch, uint64_t seed)
{
  bp_layer *L = &g->t.L;
  bp_rng r;

  test_layer_make (&g->t, spec, in, batch);
  g->batch = batch;
  g->w = g_new (float, (size_t) batch * L->out_size);
  g->yp = g_new (float, (size_t) batch * L->out_size);
  bp_rng_seed (&r, seed);
  if (L->ops->init != NULL)
    L->ops->init (L, &r);
  for (size_t i = 0; i < (size_t) batch * L->in_size; i++)
    g->t.x[i] = uniform (&r, -1.0f, 1.0f);
  for (size_t i = 0; i < (size_t) batch * L->out_size; i++)
    g->w[i] = uniform (&r, -1.0f, 1.0f);
}

static void
rig_free (rig *g)
{
  test_layer_clear (&g->t);
  g_free (g->w);
  g_free (g->yp);
}

/* Training forward; the layer's generator restarts from the same seed every time, so dropout
 * draws the same mask for every evaluation. */
static void
forward (rig *g)
{
  bp_rng_seed (&g->t.rng, 42);
  g->t.L.ops->forward (&g->t.L, g->batch, true);
}

/* dL/dv by central difference, v being one float the forward reads. */
static double
numeric (rig *g, float *v)
{
  size_t n = (size_t) g->batch * g->t.L.out_size;
  float saved = *v;
  float plus = saved + STEP, minus = saved - STEP;
  *v = plus;
  forward (g);
  memcpy (g->yp, g->t.L.y, n * sizeof (float));
  *v = minus;
  forward (g);
  *v = saved;
  double diff = 0.0;
  for (size_t i = 0; i < n; i++)
    diff += (double) g->w[i] * ((double) g->yp[i] - (double) g->t.L.y[i]);
  return diff / ((double) plus - (double) minus);
}

static void
check (const char *what, const char *which, size_t i, double num, double ana)
{
  if (!(fabs (num - ana) <= ATOL + RTOL * fabs (ana)))
    g_error ("%s: d/d%s[%zu]: analytic %.7g, numeric %.7g", what, which, i, ana, num);
}

/* Runs the analytic backward, then compares every parameter and input gradient. */
static void
gradcheck (rig *g, const char *what)
{
  bp_layer *L = &g->t.L;
  size_t n_in = (size_t) g->batch * L->in_size, n_out = (size_t) g->batch * L->out_size;
  float *ana_p = g_new (float, L->n_params + 1), *ana_x = g_new (float, n_in);

  for (size_t i = 0; i < L->n_params; i++)
    L->grads[i] = GRAD_FILL;
  for (size_t i = 0; i < n_in; i++)
    L->dx[i] = DX_FILL;
  forward (g);
  memcpy (L->dy, g->w, n_out * sizeof (float));
  L->ops->backward (L, g->batch);
  float *raw_p = g_memdup2 (L->grads, (L->n_params + 1) * sizeof (float));
  for (size_t i = 0; i < L->n_params; i++)
    ana_p[i] = L->grads[i] - GRAD_FILL;
  for (size_t i = 0; i < n_in; i++)
    ana_x[i] = L->dx[i] - DX_FILL;

  for (size_t i = 0; i < L->n_params; i++)
    check (what, "param", i, numeric (g, &L->params[i]), ana_p[i]);
  for (size_t i = 0; i < n_in; i++)
    check (what, "x", i, numeric (g, &g->t.x[i]), ana_x[i]);

  /* Without dx (the first layer of a network) the parameter gradients are the same. */
  if (L->n_params > 0)
    {
      float *dx = L->dx;
      L->dx = NULL;
      for (size_t i = 0; i < L->n_params; i++)
        L->grads[i] = GRAD_FILL;
      forward (g);
      memcpy (L->dy, g->w, n_out * sizeof (float));
      L->ops->backward (L, g->batch);
      g_assert_cmpmem (L->grads, L->n_params * sizeof (float), raw_p,
                       L->n_params * sizeof (float));
      L->dx = dx;
    }
  g_free (raw_p);
  g_free (ana_p);
  g_free (ana_x);
}

/* ---- dense ---- */

static const int dense_shapes[][3] = {
  /* batch, in, out: batch 1, odd sizes, the 2-8-8-1 net's, and one past the GEMM size
   * threshold so the BLAS path is checked too */
  { 1, 1, 1 }, { 1, 3, 2 }, { 3, 5, 7 }, { 10, 2, 8 }, { 10, 8, 1 }, { 5, 13, 3 },
  { 16, 20, 24 },
};

/* Smallest |z| over the batch, z = x W^T + b computed in double. */
static double
dense_min_abs_z (const rig *g)
{
  const bp_layer *L = &g->t.L;
  int in = (int) L->in_size, out = (int) L->out_size;
  double m = INFINITY;
  for (int r = 0; r < g->batch; r++)
    for (int j = 0; j < out; j++)
      {
        double z = g->t.spec.u.dense.use_bias ? L->params[(size_t) out * in + j] : 0.0;
        for (int k = 0; k < in; k++)
          z += (double) g->t.x[(size_t) r * in + k] * L->params[(size_t) j * in + k];
        m = fmin (m, fabs (z));
      }
  return m;
}

static bool
has_kink (bp_act act, float alpha)
{
  return act == BP_ACT_RELU || act == BP_ACT_LEAKY_RELU || (act == BP_ACT_ELU && alpha != 1.0f);
}

/* Moves every pre-activation z at least 1 away from 0, half the units to each side, so no
 * step of h (which moves z by at most 2h) crosses the kink. With a bias: b_j = +-(1 + sum_k
 * |W_jk|) outweighs the rest of z as |x| <= 1. Without: the first input feature plays that
 * role, |x_r0| >= 0.5 and W_j0 = +-2 (1 + sum_{k>0} |W_jk|). */
static void
keep_clear_of_kink (rig *g)
{
  bp_layer *L = &g->t.L;
  int in = (int) L->in_size, out = (int) L->out_size;
  for (int j = 0; j < out; j++)
    {
      float sign = j % 2 ? -1.0f : 1.0f;
      float *w = L->params + (size_t) j * in;
      if (g->t.spec.u.dense.use_bias)
        {
          float sum = 0.0f;
          for (int k = 0; k < in; k++)
            sum += fabsf (w[k]);
          L->params[(size_t) out * in + j] = sign * (1.0f + sum);
        }
      else
        {
          float sum = 0.0f;
          for (int k = 1; k < in; k++)
            sum += fabsf (w[k]);
          w[0] = sign * 2.0f * (1.0f + sum);
        }
    }
  if (!g->t.spec.u.dense.use_bias)
    for (int r = 0; r < g->batch; r++)
      {
        float *x0 = &g->t.x[(size_t) r * in];
        *x0 = (*x0 < 0 ? -1.0f : 1.0f) * (0.5f + 0.5f * fabsf (*x0));
      }
  g_assert_cmpfloat (dense_min_abs_z (g), >=, 0.99);
}

static void
check_dense (bp_act act, float alpha, bool bias, bp_shape in, int batch, int out)
{
  bp_layer_spec spec = { .kind = BP_LAYER_DENSE };
  spec.u.dense = (bp_dense_cfg) { .units = out, .use_bias = bias, .activation = act,
                                  .alpha = alpha, .weight_init = { .kind = BP_INIT_DEFAULT },
                                  .bias_init = { .kind = BP_INIT_DEFAULT } };
  g_autofree char *what = g_strdup_printf ("dense %s%s batch %d in %zu out %d",
                                           bp_act_name (act), bias ? "" : " (no bias)", batch,
                                           bp_shape_size (in), out);
  rig g;
  rig_init (&g, &spec, in, batch, 1);
  if (has_kink (act, alpha))
    keep_clear_of_kink (&g);
  gradcheck (&g, what);
  rig_free (&g);
}

static void
test_dense (void)
{
  for (int act = 0; act < BP_ACT_COUNT; act++)
    {
      if (act == BP_ACT_SOFTMAX) /* not fusable; refused by infer (see test-layers) */
        continue;
      float alpha = act == BP_ACT_LEAKY_RELU ? 0.1f : act == BP_ACT_ELU ? 1.3f : 0.0f;
      for (size_t s = 0; s < G_N_ELEMENTS (dense_shapes); s++)
        for (int bias = 0; bias < 2; bias++)
          check_dense ((bp_act) act, alpha, bias, bp_shape_vec (dense_shapes[s][1]),
                       dense_shapes[s][0], dense_shapes[s][2]);
    }
  /* ELU with alpha 1 has no kink; a rank-3 input is read flattened */
  check_dense (BP_ACT_ELU, 1.0f, true, bp_shape_vec (6), 4, 5);
  bp_shape img = { 3, { 2, 3, 2 } };
  check_dense (BP_ACT_TANH, 0.0f, true, img, 3, 4);
}

/* ---- activation layer ---- */

static void
check_activation (bp_act act, float alpha, bp_shape in, int batch)
{
  bp_layer_spec spec = { .kind = BP_LAYER_ACTIVATION };
  spec.u.activation = (bp_activation_cfg) { .fn = act, .alpha = alpha };
  g_autofree char *what = g_strdup_printf ("activation %s batch %d size %zu",
                                           bp_act_name (act), batch, bp_shape_size (in));
  rig g;
  rig_init (&g, &spec, in, batch, 7);
  /* Spread the inputs over [-3, 3], at least 0.1 from 0 (the kinks). */
  for (size_t i = 0; i < (size_t) batch * g.t.L.in_size; i++)
    g.t.x[i] = (g.t.x[i] < 0 ? -0.1f : 0.1f) + 2.9f * g.t.x[i];
  gradcheck (&g, what);
  rig_free (&g);
}

static void
test_activation_layer (void)
{
  bp_shape img = { 3, { 2, 2, 3 } };
  for (int act = 0; act < BP_ACT_COUNT; act++)
    {
      float alpha = act == BP_ACT_LEAKY_RELU ? 0.1f : act == BP_ACT_ELU ? 1.3f : 0.0f;
      check_activation ((bp_act) act, alpha, bp_shape_vec (1), 1);
      check_activation ((bp_act) act, alpha, bp_shape_vec (5), 3);
      check_activation ((bp_act) act, alpha, bp_shape_vec (7), 4);
      check_activation ((bp_act) act, alpha, img, 2);
    }
}

/* ---- dropout (training mode, the same mask for every evaluation) ---- */

static void
test_dropout (void)
{
  const float rates[] = { 0.0f, 0.3f, 0.5f };
  for (size_t i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      bp_layer_spec spec = { .kind = BP_LAYER_DROPOUT };
      spec.u.dropout.rate = rates[i];
      rig g;
      rig_init (&g, &spec, bp_shape_vec (7), 5, 3);
      gradcheck (&g, "dropout");
      rig_free (&g);
      rig_init (&g, &spec, bp_shape_vec (1), 1, 3);
      gradcheck (&g, "dropout");
      rig_free (&g);
    }
}

/* ---- batch norm (training mode: the batch's own statistics) ---- */

static void
check_batchnorm (bp_shape in, int batch)
{
  bp_layer_spec spec = { .kind = BP_LAYER_BATCHNORM };
  spec.u.batchnorm = (bp_batchnorm_cfg) { .momentum = 0.1f, .eps = 1e-5f };
  g_autofree char *what = g_strdup_printf ("batchnorm rank %d batch %d", in.rank, batch);
  rig g;
  rig_init (&g, &spec, in, batch, 11);
  /* gamma and beta away from their 1 and 0, so a swapped or ignored one shows */
  bp_rng r;
  bp_rng_seed (&r, 5);
  size_t C = g.t.L.n_params / 2;
  for (size_t c = 0; c < C; c++)
    {
      g.t.L.params[c] = uniform (&r, 0.5f, 1.5f);
      g.t.L.params[C + c] = uniform (&r, -0.5f, 0.5f);
    }
  gradcheck (&g, what);
  rig_free (&g);
}

static void
test_batchnorm (void)
{
  check_batchnorm (bp_shape_vec (1), 2);
  check_batchnorm (bp_shape_vec (3), 5);
  check_batchnorm (bp_shape_vec (4), 8);
  check_batchnorm (bp_shape_vec (3), 1); /* one value per feature: y = beta, dx = 0 */
  bp_shape img = { 3, { 2, 3, 2 } };
  check_batchnorm (img, 3);
  check_batchnorm (img, 1); /* rank 3 with batch 1 still has H*W values per channel */
  bp_shape img2 = { 3, { 3, 1, 5 } };
  check_batchnorm (img2, 2);
}

/* ---- losses: d(mean loss)/d(out) against differences of the loss itself ---- */

static void
check_loss (bp_loss_kind kind, int batch, int dim, uint64_t seed)
{
  const float delta = 0.7f;
  size_t n = (size_t) batch * dim;
  float *out = g_new (float, n), *tgt = g_new (float, n), *grad = g_new (float, n);
  int32_t *labels = g_new (int32_t, batch);
  bp_rng r;
  bp_rng_seed (&r, seed);
  for (size_t i = 0; i < n; i++)
    {
      out[i] = uniform (&r, -3.0f, 3.0f);
      tgt[i] = kind == BP_LOSS_BCE_LOGITS ? (float) bp_rng_uniform (&r) : uniform (&r, -3, 3);
      /* keep |out - target| clear of Huber's switch point by 0.05 */
      if (kind == BP_LOSS_HUBER && fabsf (fabsf (out[i] - tgt[i]) - delta) < 0.05f)
        out[i] += 0.2f;
    }
  for (int b = 0; b < batch; b++)
    labels[b] = (int32_t) bp_rng_below (&r, (uint64_t) dim);
  bp_loss_target t = { tgt, labels };

  double l0 = bp_loss_compute (kind, delta, out, t, batch, dim, grad);
  g_assert_true (isfinite (l0) && l0 >= 0.0);
  for (size_t i = 0; i < n; i++)
    {
      float saved = out[i], plus = saved + STEP, minus = saved - STEP;
      out[i] = plus;
      double lp = bp_loss_compute (kind, delta, out, t, batch, dim, NULL);
      out[i] = minus;
      double lm = bp_loss_compute (kind, delta, out, t, batch, dim, NULL);
      out[i] = saved;
      /* the loss is summed in double, so the only noise is the truncation error */
      double num = (lp - lm) / ((double) plus - (double) minus);
      if (!(fabs (num - grad[i]) <= 1e-5 + 1e-3 * fabs (grad[i])))
        g_error ("loss %s batch %d dim %d: d/dout[%zu]: analytic %.7g, numeric %.7g",
                 bp_loss_name (kind), batch, dim, i, grad[i], num);
    }
  g_free (out);
  g_free (tgt);
  g_free (grad);
  g_free (labels);
}

static void
test_losses (void)
{
  const int shapes[][2] = { { 1, 1 }, { 1, 10 }, { 3, 5 }, { 4, 7 }, { 10, 1 }, { 2, 3 } };
  for (int k = 0; k < BP_LOSS_KIND_COUNT; k++)
    for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++)
      check_loss ((bp_loss_kind) k, shapes[s][0], shapes[s][1], 100 + s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gradcheck/dense", test_dense);
  g_test_add_func ("/gradcheck/activation", test_activation_layer);
  g_test_add_func ("/gradcheck/dropout", test_dropout);
  g_test_add_func ("/gradcheck/batchnorm", test_batchnorm);
  g_test_add_func ("/gradcheck/losses", test_losses);
  return g_test_run ();
}
