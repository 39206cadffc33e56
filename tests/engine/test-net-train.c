/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network learning: seeds decide everything, XOR and the two spirals are learnt, a huge
 * learning rate is caught with the weights left finite. With -m perf, the W4 step rate. */
#include "engine/blas.h"
#include "engine/net.h"
#include "tests/engine/net-fixtures.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* Shuffled mini-batch epochs, the data gathered into bx/bt as the trainer does. */
typedef struct trainer {
  const float *x, *t;
  int n, in, batch;
  bp_rng rng;
  uint32_t *idx;
  float *bx, *bt;
} trainer;

static void
trainer_init (trainer *tr, const float *x, const float *t, int n, int in, int batch,
              uint64_t seed)
{
  *tr = (trainer){ x, t, n, in, batch, { 0 }, g_new (uint32_t, n), g_new (float, batch * in),
                   g_new (float, batch) };
  bp_rng_seed (&tr->rng, seed);
  for (int i = 0; i < n; i++)
    tr->idx[i] = (uint32_t) i;
}

static void
trainer_clear (trainer *tr)
{
  g_free (tr->idx);
  g_free (tr->bx);
  g_free (tr->bt);
}

/* One epoch; returns how many steps were not BP_STEP_OK. */
static int
trainer_epoch (trainer *tr, bp_net *net)
{
  int bad = 0;
  bp_rng_shuffle_u32 (&tr->rng, tr->idx, (uint32_t) tr->n);
  for (int off = 0; off < tr->n; off += tr->batch)
    {
      int m = MIN (tr->batch, tr->n - off);
      for (int i = 0; i < m; i++)
        {
          uint32_t j = tr->idx[off + i];
          memcpy (tr->bx + i * tr->in, tr->x + (size_t) j * tr->in, tr->in * sizeof (float));
          tr->bt[i] = tr->t[j];
        }
      bp_batch b = { tr->bx, tr->bt, NULL, m };
      bad += bp_net_train_step (net, &b, NULL) != BP_STEP_OK;
    }
  return bad;
}

static double
accuracy (bp_net *net, const float *x, const float *t, int n)
{
  bp_batch all = { x, t, NULL, n };
  int correct;
  bp_net_eval_batch (net, &all, &correct);
  return (double) correct / n;
}

/* 1000 steps of a net with dropout (so the dropout stream counts too). */
static void
train_1000 (bp_net *net, const float *x, const float *t)
{
  for (int k = 0; k < 1000; k++)
    {
      int off = (k * 10) % SPIRAL_N;
      bp_batch b = { x + 2 * off, t + off, NULL, 10 };
      g_assert_cmpint (bp_net_train_step (net, &b, NULL), ==, BP_STEP_OK);
    }
}

static bp_spec *
spec_dropout_net (void)
{
  bp_spec *s = spec_new (2, BP_LOSS_BCE_LOGITS, BP_OPTIM_ADAM, 4);
  spec_dense (s, 0, 8, BP_ACT_TANH);
  spec_dropout (s, 1, 0.2f);
  spec_dense (s, 2, 8, BP_ACT_TANH);
  spec_dense (s, 3, 1, BP_ACT_LINEAR);
  s->batch_size = 10;
  s->seed = 7;
  return s;
}

static void
test_reproducible (void)
{
  bp_blas_set_threads (1);
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (1, x, t);
  bp_spec *s = spec_dropout_net ();
  bp_net *a = net_new (s), *b = net_new (s);
  size_t n = bp_net_param_count (a);
  g_assert_cmpmem (bp_net_params (a), n * sizeof (float), bp_net_params (b), n * sizeof (float));
  train_1000 (a, x, t);
  train_1000 (b, x, t);
  g_assert_cmpint (bp_net_steps (a), ==, 1000);
  g_assert_cmpmem (bp_net_params (a), n * sizeof (float), bp_net_params (b), n * sizeof (float));
  g_assert_true (all_finite (bp_net_params (a), n));

  /* Another seed: other initial weights, and other weights after training. */
  s->seed = 8;
  bp_net *c = net_new (s);
  g_assert_true (memcmp (bp_net_params (c), bp_net_params (b), n * sizeof (float)) != 0);
  bp_net_reset (b, 8);
  g_assert_cmpmem (bp_net_params (c), n * sizeof (float), bp_net_params (b), n * sizeof (float));
  train_1000 (c, x, t);
  g_assert_true (memcmp (bp_net_params (c), bp_net_params (a), n * sizeof (float)) != 0);

  /* Reset to the first seed: the same 1000 steps give the same weights, dropout included. */
  float *first = g_memdup2 (bp_net_params (a), n * sizeof (float));
  bp_net_reset (b, 7);
  g_assert_cmpint (bp_net_steps (b), ==, 0);
  train_1000 (b, x, t);
  g_assert_cmpmem (first, n * sizeof (float), bp_net_params (b), n * sizeof (float));

  /* Dropout was at work: without it the same steps end elsewhere. */
  bp_net_reset (b, 7);
  bp_net_set_dropout_rate (b, 0.0f);
  train_1000 (b, x, t);
  g_assert_true (memcmp (first, bp_net_params (b), n * sizeof (float)) != 0);

  g_free (first);
  bp_net_free (a);
  bp_net_free (b);
  bp_net_free (c);
  bp_spec_free (s);
}

static void
test_xor (void)
{
  const float x[8] = { 0, 0, 0, 1, 1, 0, 1, 1 };
  const float t[4] = { 0, 1, 1, 0 };
  bp_spec *s = spec_new (2, BP_LOSS_BCE_LOGITS, BP_OPTIM_ADAM, 2);
  spec_dense (s, 0, 8, BP_ACT_TANH);
  spec_dense (s, 1, 1, BP_ACT_LINEAR);
  s->optim.lr = 0.05f;
  s->batch_size = 4;
  bp_net *net = net_new (s);
  bp_batch b = { x, t, NULL, 4 };
  g_assert_cmpfloat (accuracy (net, x, t, 4), <, 1.0); /* not solved by chance at the start */
  int steps = 0;
  while (steps < 2000 && accuracy (net, x, t, 4) < 1.0)
    {
      g_assert_cmpint (bp_net_train_step (net, &b, NULL), ==, BP_STEP_OK);
      steps++;
    }
  g_test_message ("XOR learnt in %d steps", steps);
  g_assert_cmpfloat (accuracy (net, x, t, 4), ==, 1.0);
  /* and keeps getting surer */
  for (int k = 0; k < 300; k++)
    bp_net_train_step (net, &b, NULL);
  const float *p = bp_net_predict (net, x, 4, true);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (fabsf (p[i] - t[i]), <, 0.2f);
  bp_net_free (net);
  bp_spec_free (s);
}

static void
test_spirals (void)
{
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (1, x, t);
  bp_spec *s = spec_tiny (16, BP_OPTIM_ADAM, 0.01f);
  bp_net *net = net_new (s);
  trainer tr;
  trainer_init (&tr, x, t, SPIRAL_N, 2, 10, 2);
  double start = accuracy (net, x, t, SPIRAL_N), acc = start;
  int epoch = 0;
  while (epoch < 1000 && acc < 0.97)
    {
      for (int e = 0; e < 10; e++, epoch++)
        g_assert_cmpint (trainer_epoch (&tr, net), ==, 0);
      acc = accuracy (net, x, t, SPIRAL_N);
    }
  g_test_message ("two spirals: %.3f -> %.3f in %d epochs", start, acc, epoch);
  g_assert_cmpfloat (start, <, 0.7);
  g_assert_cmpfloat (acc, >=, 0.97);
  trainer_clear (&tr);
  bp_net_free (net);
  bp_spec_free (s);
}

/* Trains with a learning rate that blows up; the first step that is not OK must be a
 * non-finite status, with finite weights (and untouched ones on a non-finite loss). Returns
 * that status. */
static bp_step_status
blow_up (bp_loss_kind loss, float lr)
{
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (4, x, t);
  bp_spec *s = spec_tiny (8, BP_OPTIM_SGD, lr);
  s->loss = loss;
  bp_net *net = net_new (s);
  size_t n = bp_net_param_count (net);
  float *before = g_new (float, n);
  bp_step_status status = BP_STEP_OK;
  int k;
  for (k = 0; k < 2000 && status == BP_STEP_OK; k++)
    {
      memcpy (before, bp_net_params (net), n * sizeof (float));
      bp_batch b = { x + 2 * (k * 10 % SPIRAL_N), t + k * 10 % SPIRAL_N, NULL, 10 };
      bp_step_stats st;
      status = bp_net_train_step (net, &b, &st);
      if (status == BP_STEP_NONFINITE_LOSS)
        {
          g_assert_false (isfinite (st.loss + st.penalty) && isfinite (st.grad_norm));
          g_assert_cmpmem (before, n * sizeof (float), bp_net_params (net), n * sizeof (float));
        }
    }
  g_test_message ("loss %d, lr %g: status %d after %d steps", loss, lr, status, k);
  g_assert_true (status == BP_STEP_NONFINITE_LOSS || status == BP_STEP_NONFINITE_WEIGHTS);
  g_assert_true (all_finite (bp_net_params (net), n));
  if (status == BP_STEP_NONFINITE_WEIGHTS)
    g_assert_cmpint (bp_net_optim (net)->t, ==, 0); /* its state starts over */
  /* The network can still be trained with a small rate. */
  bp_net_set_lr (net, 1e-30f);
  bp_batch b = { x, t, NULL, 10 };
  bp_step_stats st;
  bp_net_train_step (net, &b, &st);
  g_assert_true (all_finite (bp_net_params (net), n));
  g_free (before);
  bp_net_free (net);
  bp_spec_free (s);
  return status;
}

static void
test_huge_lr (void)
{
  /* Today these end on a non-finite loss; either status is right (blow_up checks). */
  blow_up (BP_LOSS_BCE_LOGITS, 1e38f);
  blow_up (BP_LOSS_MSE, 1e4f);
  blow_up (BP_LOSS_MSE, 1e20f);
  /* The very first update overflows (some of MSE's gradients exceed 1 here). */
  g_assert_cmpint (blow_up (BP_LOSS_MSE, 3e38f), ==, BP_STEP_NONFINITE_WEIGHTS);
}

/* A gradient that overflows while the loss stays finite: y = w . x + b with w = 0 and
 * x = (3e38, 1), MSE against 10, so dW[0] = sum 2 (b - 10) / n * 3e38 = -Inf. Without
 * clipping the norm is taken in the step's pass (net-step.c): w[0], whose update is not
 * finite, keeps its value, w[1] and b take the step, the optimizer starts over and the step
 * says BP_STEP_NONFINITE_WEIGHTS. With clipping the norm comes first and nothing changes
 * (BP_STEP_NONFINITE_LOSS). */
static void
test_nonfinite_gradient (void)
{
  const float x[4] = { 3e38f, 1.0f, 3e38f, -0.5f }, t[2] = { 10.0f, 10.0f };
  for (int k = 0; k < 4; k++)
    {
      bool clip = k >= 2;
      bp_spec *s = spec_new (2, BP_LOSS_MSE, k % 2 ? BP_OPTIM_ADAM : BP_OPTIM_SGD, 1);
      spec_dense (s, 0, 1, BP_ACT_LINEAR);
      s->layers[0].u.dense.weight_init.kind = BP_INIT_ZEROS;
      s->optim.lr = 0.1f;
      s->optim.clip_norm = clip ? 1.0f : 0.0f;
      bp_net *net = net_new (s);
      float *p = bp_net_params (net); /* w[0], w[1], b */
      g_assert_cmpuint (bp_net_param_count (net), ==, 3);
      float before[3];
      memcpy (before, p, sizeof before);
      g_assert_cmpfloat (before[0], ==, 0.0f);
      bp_batch b = { x, t, NULL, 2 };
      bp_step_stats st;
      bp_step_status status = bp_net_train_step (net, &b, &st);
      g_assert_true (isfinite (st.loss));
      g_assert_cmpfloat_with_epsilon (st.loss, (10.0 - before[2]) * (10.0 - before[2]), 1e-3);
      g_assert_false (isfinite (st.grad_norm));
      g_assert_true (all_finite (p, 3));
      if (clip)
        {
          g_assert_cmpint (status, ==, BP_STEP_NONFINITE_LOSS);
          g_assert_cmpmem (before, sizeof before, p, sizeof before);
        }
      else
        {
          g_assert_cmpint (status, ==, BP_STEP_NONFINITE_WEIGHTS);
          g_assert_cmpfloat (p[0], ==, 0.0f);
          /* dL/dw1 = 2 (b - 10) (1 - 0.5) / 2 < 0 and dL/db = 2 (b - 10) < 0: both grow, by
           * lr (Adam's first step) or lr times the gradient (SGD) */
          double db = 2.0 * (before[2] - 10.0), dw1 = db / 4;
          double want_w1 = k % 2 ? 0.1 : -0.1 * dw1, want_b = k % 2 ? 0.1 : -0.1 * db;
          g_assert_cmpfloat_with_epsilon (p[1] - before[1], want_w1, 1e-4 * fabs (want_w1));
          g_assert_cmpfloat_with_epsilon (p[2] - before[2], want_b, 1e-4 * fabs (want_b));
          g_assert_cmpint (bp_net_optim (net)->t, ==, 0);
        }
      bp_net_free (net);
      bp_spec_free (s);
    }
}

/* W4 through bp_net_train_step: 2-8-8-1 tanh, BCE, SGD lr 0.03, batch 10, one thread. */
static void
test_perf_tiny (void)
{
  bp_blas_set_threads (1);
  float x[2 * SPIRAL_N], t[SPIRAL_N];
  spirals (1, x, t);
  bp_spec *s = spec_tiny (8, BP_OPTIM_SGD, 0.03f);
  bp_net *net = net_new (s);
  trainer tr;
  trainer_init (&tr, x, t, SPIRAL_N, 2, 10, 2);
  for (int e = 0; e < 40; e++) /* warm up */
    trainer_epoch (&tr, net);
  bp_net_reset (net, 1);
  const int epochs = 2000; /* 100,000 steps */
  gint64 t0 = g_get_monotonic_time ();
  for (int e = 0; e < epochs; e++)
    trainer_epoch (&tr, net);
  double seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
  double rate = epochs * (SPIRAL_N / 10) / seconds;
  g_test_maximized_result (rate, "W4 tiny: %.0f steps/s (accuracy %.3f)", rate,
                           accuracy (net, x, t, SPIRAL_N));
  trainer_clear (&tr);
  bp_net_free (net);
  bp_spec_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/reproducible", test_reproducible);
  g_test_add_func ("/net/xor", test_xor);
  g_test_add_func ("/net/spirals", test_spirals);
  g_test_add_func ("/net/huge-lr", test_huge_lr);
  g_test_add_func ("/net/nonfinite-gradient", test_nonfinite_gradient);
  if (g_test_perf ())
    g_test_add_func ("/net/perf/tiny", test_perf_tiny);
  return g_test_run ();
}
