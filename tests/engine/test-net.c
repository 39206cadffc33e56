/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network against PyTorch (forward output, loss, every gradient of small MLPs with fixed
 * weights; numbers from torch_optim_reference.py), its arenas, penalties, predict and eval,
 * smaller batches and the live setters. Training behaviour is in test-net-train.c. */
#include "engine/activation.h"
#include "engine/loss.h"
#include "engine/net.h"
#include "tests/engine/net-fixtures.h"
#include "tests/engine/optim-reference.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static void
assert_near (const char *what, int i, double got, double want)
{
  /* float32 through a few layers: a few ulps of the values involved */
  if (!(fabs (got - want) <= 1e-5 * fabs (want) + 1e-6))
    g_error ("%s[%d]: got %.9g, torch %.9g", what, i, got, want);
}

static bp_spec *
spec_from_ref (const bp_ref_net *r)
{
  bp_spec *s = spec_new (r->in_size, r->loss, BP_OPTIM_SGD, r->n_layers);
  for (int i = 0; i < r->n_layers; i++)
    if (r->layers[i].kind == BP_LAYER_DENSE)
      spec_dense (s, i, r->layers[i].units, r->layers[i].act);
    else
      spec_activation (s, i, r->layers[i].act);
  s->optim.lr = 0.0f; /* the step leaves the weights as torch had them */
  s->batch_size = 8;
  return s;
}

static bp_param_view
view_of (bp_net *net, int layer, const char *suffix)
{
  bp_layer *L = bp_net_layer (net, layer);
  bp_param_view views[BP_MAX_PARAM_VIEWS];
  int n = L->ops->param_views (L, views);
  for (int v = 0; v < n; v++)
    if (strcmp (views[v].suffix, suffix) == 0)
      return views[v];
  g_error ("layer %d has no %s", layer, suffix);
}

static size_t
view_size (const bp_param_view *v)
{
  size_t n = 1;
  for (int d = 0; d < v->rank; d++)
    n *= (size_t) v->dims[d];
  return n;
}

static bp_net *
net_from_ref (const bp_ref_net *r)
{
  bp_spec *s = spec_from_ref (r);
  bp_net *net = net_new (s);
  bp_spec_free (s);
  for (int i = 0; i < r->n_layers; i++)
    if (r->layers[i].kind == BP_LAYER_DENSE)
      {
        bp_param_view w = view_of (net, i, "weight"), b = view_of (net, i, "bias");
        g_assert_cmpint (w.rank, ==, 2);
        g_assert_cmpint (w.dims[0], ==, r->layers[i].units);
        memcpy (w.value, r->layers[i].weight, view_size (&w) * sizeof (float));
        memcpy (b.value, r->layers[i].bias, view_size (&b) * sizeof (float));
      }
  return net;
}

static bp_batch
batch_from_ref (const bp_ref_net *r)
{
  bp_batch b = { r->x, r->loss == BP_LOSS_CROSS_ENTROPY ? NULL : r->targets,
                 r->loss == BP_LOSS_CROSS_ENTROPY ? r->labels : NULL, r->batch };
  return b;
}

static void
test_against_torch (gconstpointer data)
{
  const bp_ref_net *r = data;
  bp_net *net = net_from_ref (r);
  bp_batch b = batch_from_ref (r);
  bp_step_stats st;
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);

  assert_near ("loss", 0, st.loss, r->loss_value);
  assert_near ("grad norm", 0, st.grad_norm, r->grad_norm);
  g_assert_cmpfloat (st.penalty, ==, 0.0);
  for (int i = 0; i < r->n_layers; i++)
    if (r->layers[i].kind == BP_LAYER_DENSE)
      {
        bp_param_view w = view_of (net, i, "weight"), bv = view_of (net, i, "bias");
        for (size_t k = 0; k < view_size (&w); k++)
          assert_near ("dweight", (int) k, w.grad[k], r->layers[i].dweight[k]);
        for (size_t k = 0; k < view_size (&bv); k++)
          assert_near ("dbias", (int) k, bv.grad[k], r->layers[i].dbias[k]);
        /* lr 0: the weights are still torch's */
        g_assert_cmpmem (w.value, view_size (&w) * sizeof (float), r->layers[i].weight,
                         view_size (&w) * sizeof (float));
      }

  /* predict: logits, then what the model predicts */
  int n_out = r->batch * r->out_size;
  const float *logits = bp_net_predict (net, r->x, r->batch, false);
  for (int k = 0; k < n_out; k++)
    assert_near ("logits", k, logits[k], r->logits[k]);
  const float *probs = bp_net_predict (net, r->x, r->batch, true);
  for (int k = 0; k < n_out; k++)
    assert_near ("probs", k, probs[k], r->probs[k]);

  /* eval: the summed loss and the right answers agree with the same logits */
  int correct = -2;
  double sum = bp_net_eval_batch (net, &b, &correct);
  assert_near ("eval loss", 0, sum / r->batch, r->loss_value);
  bp_loss_target t = { b.targets, b.labels };
  g_assert_cmpint (correct, ==,
                   bp_loss_count_correct (r->loss, r->logits, t, r->batch, r->out_size));
  g_assert_cmpint (correct, ==, st.correct);
  bp_net_free (net);
}

static void
test_layout (void)
{
  bp_spec *s = spec_tiny (8, BP_OPTIM_SGD, 0.03f);
  bp_net *net = net_new (s);
  g_assert_cmpuint (bp_net_param_count (net), ==, 105);
  g_assert_cmpuint (bp_net_input_size (net), ==, 2);
  g_assert_cmpuint (bp_net_output_size (net), ==, 1);
  g_assert_cmpint (bp_net_n_layers (net), ==, 3);
  g_assert_cmpint (bp_net_max_batch (net), ==, 10);
  g_assert_true (((uintptr_t) bp_net_params (net)) % 64 == 0);
  g_assert_true (((uintptr_t) bp_net_grads (net)) % 64 == 0);

  /* The views tile the flat vectors in order, gradients at the same offsets. */
  size_t offset = 0;
  for (int i = 0; i < bp_net_n_layers (net); i++)
    {
      bp_layer *L = bp_net_layer (net, i);
      bp_param_view views[BP_MAX_PARAM_VIEWS];
      int nv = L->ops->param_views (L, views);
      for (int v = 0; v < nv; v++)
        {
          g_assert_true (views[v].value == bp_net_params (net) + offset);
          g_assert_true (views[v].grad == bp_net_grads (net) + offset);
          offset += view_size (&views[v]);
        }
    }
  g_assert_cmpuint (offset, ==, 105);
  g_assert_true (all_finite (bp_net_params (net), 105));

  /* Compiling only grows. */
  g_assert_cmpint (bp_net_compile (net, 64, NULL, 0), ==, 0);
  g_assert_cmpint (bp_net_max_batch (net), ==, 64);
  g_assert_cmpint (bp_net_compile (net, 16, NULL, 0), ==, 0);
  g_assert_cmpint (bp_net_max_batch (net), ==, 64);
  bp_net_free (net);
  bp_spec_free (s);
}

static void
test_bad_spec (void)
{
  char err[256] = "";
  bp_spec *s = spec_new (2, BP_LOSS_MSE, BP_OPTIM_SGD, 0);
  g_assert_null (bp_net_create (s, err, sizeof err));
  g_assert_cmpstr (err, !=, "");
  bp_spec_free (s);

  /* A bad layer is named in the message. */
  s = spec_tiny (8, BP_OPTIM_SGD, 0.1f);
  s->layers[1].u.dense.units = 0;
  err[0] = '\0';
  g_assert_null (bp_net_create (s, err, sizeof err));
  g_assert_nonnull (strstr (err, "dense_2"));
  bp_spec_free (s);
}

static void
test_penalties (void)
{
  const bp_ref_net *r = &bp_ref_nets[0];
  bp_net *net = net_from_ref (r);
  bp_batch b = batch_from_ref (r);
  bp_step_stats plain, pen;
  size_t n = bp_net_param_count (net);
  float *g0 = g_new (float, n);
  g_assert_cmpint (bp_net_train_step (net, &b, &plain), ==, BP_STEP_OK);
  memcpy (g0, bp_net_grads (net), n * sizeof (float));

  const float l1 = 0.01f, l2 = 0.003f;
  bp_net_set_penalties (net, l1, l2);
  g_assert_cmpfloat (bp_net_spec (net)->layers[0].l1, ==, l1);
  g_assert_cmpint (bp_net_train_step (net, &b, &pen), ==, BP_STEP_OK);
  g_assert_cmpfloat (pen.loss, ==, plain.loss); /* the data term alone */

  double want = 0;
  const float *p = bp_net_params (net), *g = bp_net_grads (net);
  for (int i = 0; i < r->n_layers; i++)
    if (r->layers[i].kind == BP_LAYER_DENSE)
      {
        bp_param_view w = view_of (net, i, "weight"), bias = view_of (net, i, "bias");
        g_assert_true (w.penalised);
        g_assert_false (bias.penalised);
        for (size_t k = 0; k < view_size (&w); k++)
          {
            float v = w.value[k];
            want += l1 * fabs (v) + l2 * (double) v * v;
            size_t at = (size_t) (w.value - p) + k;
            double sign = v > 0 ? 1 : v < 0 ? -1 : 0;
            assert_near ("penalised grad", (int) at, g[at], g0[at] + l1 * sign + 2 * l2 * v);
          }
        for (size_t k = 0; k < view_size (&bias); k++)
          {
            size_t at = (size_t) (bias.value - p) + k;
            g_assert_cmpfloat (g[at], ==, g0[at]); /* biases are not penalised */
          }
      }
  g_assert_cmpfloat (want, >, 0.01);
  assert_near ("penalty", 0, pen.penalty, want);
  g_free (g0);
  bp_net_free (net);
}

static void
test_predict_eval (void)
{
  /* A batch larger than the compiled size: eval goes through in slices, predict refuses. */
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (3, x, t);
  bp_spec *s = spec_tiny (8, BP_OPTIM_SGD, 0.1f);
  s->batch_size = 64;
  bp_net *net = net_new (s);
  bp_batch all = { x, t, NULL, SPIRAL_N };
  int correct_all;
  double sum_all = bp_net_eval_batch (net, &all, &correct_all);
  g_assert_null (bp_net_predict (net, x, SPIRAL_N, true));

  double sum = 0;
  int correct = 0;
  for (int off = 0; off < SPIRAL_N; off += 50)
    {
      const float *out = bp_net_predict (net, x + 2 * off, 50, false);
      bp_loss_target tg = { t + off, NULL };
      sum += bp_loss_compute (BP_LOSS_BCE_LOGITS, 1.0f, out, tg, 50, 1, NULL) * 50;
      correct += bp_loss_count_correct (BP_LOSS_BCE_LOGITS, out, tg, 50, 1);
      /* the probabilities are the sigmoid of the logits */
      float logit0 = out[0];
      const float *prob = bp_net_predict (net, x + 2 * off, 50, true);
      assert_near ("sigmoid", off, prob[0], 1.0 / (1.0 + exp (-(double) logit0)));
    }
  assert_near ("eval sum", 0, sum_all, sum);
  g_assert_cmpint (correct_all, ==, correct);
  g_assert_cmpint (correct_all, >, 0);
  bp_net_free (net);
  bp_spec_free (s);
}

static void
test_smaller_batches (void)
{
  /* A step on 7 rows of a net compiled for 32 is the step of a net compiled for 7. */
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (5, x, t);
  bp_spec *s = spec_tiny (8, BP_OPTIM_ADAM, 0.01f);
  s->batch_size = 32;
  bp_net *big = net_new (s);
  s->batch_size = 7;
  bp_net *small = net_new (s);
  size_t n = bp_net_param_count (big);
  for (int k = 0; k < 20; k++)
    {
      bp_batch b = { x + 14 * k, t + 7 * k, NULL, k % 2 ? 7 : 1 };
      bp_step_stats sb, ss;
      g_assert_cmpint (bp_net_train_step (big, &b, &sb), ==, BP_STEP_OK);
      g_assert_cmpint (bp_net_train_step (small, &b, &ss), ==, BP_STEP_OK);
      g_assert_cmpfloat (sb.loss, ==, ss.loss);
    }
  g_assert_cmpmem (bp_net_params (big), n * sizeof (float), bp_net_params (small),
                   n * sizeof (float));

  /* Too many rows: refused without touching the weights. */
  float *before = g_memdup2 (bp_net_params (small), n * sizeof (float));
  bp_batch too_big = { x, t, NULL, 8 };
  bp_step_stats st;
  g_assert_cmpint (bp_net_train_step (small, &too_big, &st), !=, BP_STEP_OK);
  g_assert_cmpmem (before, n * sizeof (float), bp_net_params (small), n * sizeof (float));
  g_assert_cmpint (bp_net_steps (small), ==, 20);
  g_free (before);
  bp_net_free (big);
  bp_net_free (small);
  bp_spec_free (s);
}

static void
test_live_settings (void)
{
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (9, x, t);
  bp_spec *s = spec_new (2, BP_LOSS_BCE_LOGITS, BP_OPTIM_SGD, 4);
  spec_dense (s, 0, 16, BP_ACT_TANH);
  spec_dropout (s, 1, 0.5f);
  spec_dense (s, 2, 16, BP_ACT_TANH);
  spec_dense (s, 3, 1, BP_ACT_LINEAR);
  s->batch_size = 10;
  bp_net *net = net_new (s);
  size_t n = bp_net_param_count (net);
  bp_batch b = { x, t, NULL, 10 };
  bp_step_stats st;

  /* lr 0: the step changes nothing */
  bp_net_set_lr (net, 0.0f);
  float *before = g_memdup2 (bp_net_params (net), n * sizeof (float));
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  g_assert_cmpmem (before, n * sizeof (float), bp_net_params (net), n * sizeof (float));
  bp_net_set_lr (net, 0.1f);
  g_assert_cmpfloat (bp_net_optim (net)->cfg.lr, ==, 0.1f);
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  g_assert_true (memcmp (before, bp_net_params (net), n * sizeof (float)) != 0);

  /* Dropout 0.5 in training: the training output differs from eval's... */
  float out_train[10];
  bp_net_set_lr (net, 0.0f);
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  memcpy (out_train, bp_net_layer_output (net, 3), sizeof out_train);
  const float *y_eval = bp_net_predict (net, x, 10, false);
  g_assert_true (memcmp (out_train, y_eval, sizeof out_train) != 0);
  /* ... and with the rate set to 0 they agree. */
  bp_net_set_dropout_rate (net, 0.0f);
  g_assert_cmpfloat (bp_net_spec (net)->layers[1].u.dropout.rate, ==, 0.0f);
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  memcpy (out_train, bp_net_layer_output (net, 3), sizeof out_train);
  y_eval = bp_net_predict (net, x, 10, false);
  for (int i = 0; i < 10; i++)
    assert_near ("no dropout", i, out_train[i], y_eval[i]);

  /* Penalties show in the next step. */
  g_assert_cmpfloat (st.penalty, ==, 0.0);
  bp_net_set_penalties (net, 0.0f, 0.01f);
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  g_assert_cmpfloat (st.penalty, >, 0.0);

  /* Another optimizer between steps: its state fits, and the spec reports it. */
  bp_optim_cfg adam;
  bp_optim_cfg_defaults (&adam, BP_OPTIM_ADAM);
  adam.amsgrad = true;
  bp_net_optim (net)->cfg = adam;
  memcpy (before, bp_net_params (net), n * sizeof (float));
  g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  g_assert_cmpint (bp_net_optim (net)->t, ==, 1);
  g_assert_true (memcmp (before, bp_net_params (net), n * sizeof (float)) != 0);
  g_assert_cmpint (bp_net_spec (net)->optim.kind, ==, BP_OPTIM_ADAM);
  g_assert_true (bp_net_spec (net)->optim.amsgrad);
  g_free (before);
  bp_net_free (net);
  bp_spec_free (s);
}

static void
test_softmax_without_layer (void)
{
  /* Cross-entropy on a net without a softmax layer: predict's probabilities are softmax of
   * the logits, rows summing to 1. */
  const bp_ref_net *r = &bp_ref_nets[1];
  g_assert_cmpint (r->layers[r->n_layers - 1].act, !=, BP_ACT_SOFTMAX);
  bp_net *net = net_from_ref (r);
  const float *p = bp_net_predict (net, r->x, r->batch, true);
  for (int i = 0; i < r->batch; i++)
    {
      double row = 0;
      for (int k = 0; k < r->out_size; k++)
        row += p[i * r->out_size + k];
      assert_near ("row sum", i, row, 1.0);
    }
  bp_net_free (net);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (bp_ref_nets); i++)
    {
      char *path = g_strdup_printf ("/net/torch/%s", bp_ref_nets[i].name);
      g_test_add_data_func (path, &bp_ref_nets[i], test_against_torch);
      g_free (path);
    }
  g_test_add_func ("/net/layout", test_layout);
  g_test_add_func ("/net/bad-spec", test_bad_spec);
  g_test_add_func ("/net/penalties", test_penalties);
  g_test_add_func ("/net/predict-eval", test_predict_eval);
  g_test_add_func ("/net/smaller-batches", test_smaller_batches);
  g_test_add_func ("/net/live-settings", test_live_settings);
  g_test_add_func ("/net/softmax-without-layer", test_softmax_without_layer);
  return g_test_run ();
}
