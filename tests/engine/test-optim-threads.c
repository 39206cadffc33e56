/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The training step split over threads: bp_optim_step_range over any cut of the parameters
 * gives bp_optim_step's numbers bit for bit, the team of workers.h runs every chunk exactly
 * once (awake or asleep between passes) and cuts products right (bp_team_gemm), and a
 * network's training step gives the same weights, bit for bit, with one thread or several. */
#include "engine/blas.h"
#include "engine/net.h"
#include "engine/optim.h"
#include "engine/workers.h"
#include "tests/engine/optim-reference.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* ---- ranges ---- */

static void
test_ranges_match_whole_step (void)
{
  /* Every reference case (all kinds and options), the parameter vector repeated to a longer
   * one so that the cuts fall inside the vector loops, not only at their ends. */
  enum { REPEAT = 37, N = BP_REF_OPTIM_N * REPEAT };
  static const size_t cuts[][4] = { { 0, N, N, N }, { 0, 1, 2, N }, { 0, 5, 100, N },
                                    { 0, 0, 131, N }, { 0, 64, 65, N } };
  for (size_t c = 0; c < G_N_ELEMENTS (bp_ref_optim_cases); c++)
    {
      const bp_optim_cfg *cfg = &bp_ref_optim_cases[c].cfg;
      size_t n_state = bp_optim_state_floats (cfg, N);
      float *whole = g_new (float, N), *split = g_new (float, N), *g = g_new (float, N);
      float *state_w = g_new0 (float, n_state + 1), *state_s = g_new0 (float, n_state + 1);
      for (size_t k = 0; k < G_N_ELEMENTS (cuts); k++)
        {
          for (int i = 0; i < N; i++)
            whole[i] = split[i] = bp_ref_optim_initial[i % BP_REF_OPTIM_N] * (1 + i / 50.0f);
          bp_optim ow, os;
          bp_optim_init (&ow, cfg, state_w, N);
          bp_optim_init (&os, cfg, state_s, N);
          for (int step = 0; step < BP_REF_OPTIM_STEPS; step++)
            {
              for (int i = 0; i < N; i++)
                g[i] = bp_ref_optim_grads[step][i % BP_REF_OPTIM_N] * (1 - i / 300.0f);
              g_assert_true (bp_optim_step (&ow, whole, g));
              bp_optim_begin_step (&os);
              /* the pieces in reverse order, as a second thread might run them */
              for (int r = 2; r >= 0; r--)
                g_assert_true (bp_optim_step_range (&os, split, g, cuts[k][r], cuts[k][r + 1]));
              g_assert_cmpmem (whole, N * sizeof (float), split, N * sizeof (float));
            }
          g_assert_cmpint (os.t, ==, BP_REF_OPTIM_STEPS);
          /* the parameters moved */
          g_assert_cmpfloat (whole[3], !=, bp_ref_optim_initial[3]);
        }
      g_free (whole);
      g_free (split);
      g_free (g);
      g_free (state_w);
      g_free (state_s);
    }
}

static void
test_range_nonfinite (void)
{
  /* A range whose step would overflow says so and keeps the value; the other range is fine. */
  bp_optim_cfg c;
  bp_optim_cfg_defaults (&c, BP_OPTIM_SGD);
  c.lr = 1e30f;
  float p[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
  const float g[4] = { 0.0f, 1e-30f, 1e10f, 0.0f };
  float state[4];
  bp_optim o;
  bp_optim_init (&o, &c, state, 4);
  bp_optim_begin_step (&o);
  g_assert_true (bp_optim_step_range (&o, p, g, 0, 2));
  g_assert_false (bp_optim_step_range (&o, p, g, 2, 4));
  g_assert_cmpfloat (p[2], ==, 3.0f);
  g_assert_cmpfloat_with_epsilon (p[1], 2.0f - 1.0f, 1e-6);
}

/* ---- the team ---- */

typedef struct count_job {
  int *hits; /* (n) */
  int pass;
} count_job;

static void
count_chunk (void *ctx, int c)
{
  count_job *j = ctx;
  /* each chunk has its own slot: no two threads write the same int */
  j->hits[c] += 1 + j->pass;
}

static void
test_team_runs_each_chunk_once (void)
{
  enum { MAX_CHUNKS = 97 };
  for (int workers = 1; workers <= BP_MAX_WORKERS; workers++)
    {
      bp_team *team = bp_team_new (BP_MAX_WORKERS - 1);
      g_assert_nonnull (team);
      int hits[MAX_CHUNKS];
      for (int pass = 0; pass < 3000; pass++)
        {
          int n = 1 + (pass * 7) % MAX_CHUNKS;
          memset (hits, 0, sizeof hits);
          count_job j = { hits, pass };
          bp_team_run (team, workers, n, count_chunk, &j);
          for (int c = 0; c < n; c++)
            if (hits[c] != 1 + pass)
              g_error ("workers %d, pass %d: chunk %d of %d ran %d times", workers, pass, c,
                       n, hits[c] / (1 + pass));
          for (int c = n; c < MAX_CHUNKS; c++)
            g_assert_cmpint (hits[c], ==, 0);
          /* now and then a pause long enough for the helpers to fall asleep */
          if (pass % 500 == 499)
            g_usleep (5 * BP_TEAM_SPIN_US);
        }
      bp_team_free (team);
    }
  /* No team (out of memory): everything in the calling thread. */
  int hits[5] = { 0 };
  count_job j = { hits, 0 };
  bp_team_run (NULL, 2, 5, count_chunk, &j);
  for (int c = 0; c < 5; c++)
    g_assert_cmpint (hits[c], ==, 1);
}

/* ---- the team's products ---- */

static void
test_team_gemm (void)
{
  /* Cut along N (N >= M) and along M, sizes off the 32-wide tiles, every transpose, beta 0
   * (C holds garbage that must not be read) and 1, against the naive product. */
  static const int sizes[][3] = { { 100, 333, 50 }, { 333, 100, 70 }, { 64, 256, 128 },
                                  { 257, 65, 300 }, { 31, 500, 40 } };
  bp_blas_set_threads (1);
  bp_team *team = bp_team_new (BP_MAX_WORKERS - 1);
  for (size_t k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (int t = 0; t < 4; t++)
      for (int workers = 1; workers <= 3; workers++)
        {
          int M = sizes[k][0], N = sizes[k][1], K = sizes[k][2];
          bool ta = t & 1, tb = t & 2;
          float beta = (float) (k % 2);
          float *A = g_new (float, M * K), *B = g_new (float, K * N);
          float *C = g_new (float, M * N), *want = g_new (float, M * N);
          for (int i = 0; i < M * K; i++)
            A[i] = (float) sin (0.1 * i);
          for (int i = 0; i < K * N; i++)
            B[i] = (float) cos (0.07 * i);
          for (int i = 0; i < M * N; i++)
            C[i] = want[i] = beta != 0.0f ? (float) (i % 3) : NAN;
          int lda = ta ? M : K, ldb = tb ? K : N;
          bp_gemm_naive (ta, tb, M, N, K, 1.0f, A, lda, B, ldb, beta, want, N);
          bp_team_gemm (team, workers, ta, tb, M, N, K, A, lda, B, ldb, beta, C, N);
          for (int i = 0; i < M * N; i++)
            if (!(fabsf (C[i] - want[i]) <= 1e-4f * (1.0f + fabsf (want[i]))))
              g_error ("%dx%dx%d ta %d tb %d beta %g, %d workers: C[%d] = %g, want %g", M, N,
                       K, ta, tb, beta, workers, i, C[i], want[i]);
          g_free (A);
          g_free (B);
          g_free (C);
          g_free (want);
        }
  /* Two products at once, as a dense layer's backward gives them (dW = dz^T x beside
   * dx = dz W): small ones run whole side by side, large ones one after the other. */
  static const int layers[][3] = { { 256, 10, 300 }, { 64, 128, 256 }, { 100, 333, 50 } };
  for (size_t k = 0; k < G_N_ELEMENTS (layers); k++)
    for (int workers = 1; workers <= 3; workers++)
      {
        int B = layers[k][0], out = layers[k][1], in = layers[k][2];
        float *dz = g_new (float, B * out), *x = g_new (float, B * in);
        float *W = g_new (float, out * in), *dW = g_new (float, out * in);
        float *dx = g_new (float, B * in), *want_dW = g_new (float, out * in);
        float *want_dx = g_new (float, B * in);
        for (int i = 0; i < B * out; i++)
          dz[i] = (float) sin (0.3 * i);
        for (int i = 0; i < B * in; i++)
          {
            x[i] = (float) cos (0.11 * i);
            dx[i] = want_dx[i] = (float) (i % 5);
          }
        for (int i = 0; i < out * in; i++)
          {
            W[i] = (float) sin (0.05 * i + 1);
            dW[i] = want_dW[i] = NAN;
          }
        bp_gemm_naive (true, false, out, in, B, 1.0f, dz, out, x, in, 0.0f, want_dW, in);
        bp_gemm_naive (false, false, B, in, out, 1.0f, dz, out, W, in, 1.0f, want_dx, in);
        bp_gemm_args g[2] = {
          { true, false, out, in, B, dz, out, x, in, 0.0f, dW, in },
          { false, false, B, in, out, dz, out, W, in, 1.0f, dx, in },
        };
        bp_team_gemms (team, workers, g, 2);
        for (int i = 0; i < out * in; i++)
          g_assert_cmpfloat_with_epsilon (dW[i], want_dW[i], 1e-4f * (1 + fabsf (want_dW[i])));
        for (int i = 0; i < B * in; i++)
          g_assert_cmpfloat_with_epsilon (dx[i], want_dx[i], 1e-4f * (1 + fabsf (want_dx[i])));
        g_free (dz);
        g_free (x);
        g_free (W);
        g_free (dW);
        g_free (dx);
        g_free (want_dW);
        g_free (want_dx);
      }
  bp_team_free (team);
}

/* ---- gradients written, not added ---- */

/* Loss of the network on (x, labels) in eval mode, mean over the batch. */
static double
mean_loss (bp_net *net, const float *x, const int32_t *labels, int n)
{
  bp_batch b = { .x = x, .labels = labels, .n = n };
  return bp_net_eval_batch (net, &b, NULL) / n;
}

static void
test_gradients_written (void)
{
  /* A network where one layer feeds two (the dead branch "side" still runs backward into
   * their common input, which must then add, not overwrite), tanh so that finite
   * differences hold, SGD at lr 1e-30 so that the step leaves the weights where they were. Two
   * steps on different batches, the second smaller than the first: the gradients of each must
   * be its own (nothing left over from the first, nor from rows beyond the batch). */
  const char *json =
    "{\"input\": {\"shape\": [6]}, \"layers\": ["
    "{\"type\": \"dense\", \"name\": \"a\", \"units\": 5, \"activation\": \"tanh\"},"
    "{\"type\": \"dense\", \"name\": \"side\", \"input\": \"a\", \"units\": 3,"
    " \"activation\": \"tanh\"},"
    "{\"type\": \"dense\", \"name\": \"b\", \"input\": \"a\", \"units\": 4,"
    " \"activation\": \"tanh\"},"
    "{\"type\": \"dense\", \"name\": \"out\", \"units\": 3}],"
    " \"optimizer\": {\"type\": \"sgd\", \"lr\": 1e-30}, \"loss\": \"cross_entropy\","
    " \"training\": {\"batch_size\": 8}}";
  char err[256];
  bp_spec *s = bp_spec_parse (json, strlen (json), err, sizeof err);
  if (s == NULL)
    g_error ("%s", err);
  bp_net *net = bp_net_create (s, err, sizeof err);
  g_assert_nonnull (net);
  bp_spec_free (s);
  size_t n_params = bp_net_param_count (net);
  float x[8 * 6];
  int32_t labels[8];
  const int sizes[2] = { 8, 5 };
  for (int step = 0; step < 2; step++)
    {
      int n = sizes[step];
      for (int i = 0; i < n * 6; i++)
        x[i] = (float) sin (0.9 * i + step);
      for (int i = 0; i < n; i++)
        labels[i] = (i + step) % 3;
      bp_batch b = { .x = x, .labels = labels, .n = n };
      bp_step_stats st;
      g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
      float *p = bp_net_params (net);
      const float *g = bp_net_grads (net);
      int nonzero = 0;
      for (size_t i = 0; i < n_params; i++)
        {
          float keep = p[i];
          const float h = 1e-2f;
          p[i] = keep + h;
          double up = mean_loss (net, x, labels, n);
          p[i] = keep - h;
          double down = mean_loss (net, x, labels, n);
          p[i] = keep;
          double fd = (up - down) / (2.0 * h);
          if (!(fabs (fd - g[i]) <= 2e-3 + 2e-2 * fabs (fd)))
            g_error ("step %d, parameter %zu: gradient %g, finite difference %g", step, i,
                     g[i], fd);
          nonzero += g[i] != 0.0f;
        }
      /* the dead branch has no gradient; everything else has */
      bp_layer *side = bp_net_layer (net, 1);
      for (size_t i = 0; i < side->n_params; i++)
        g_assert_cmpfloat (side->grads[i], ==, 0.0f);
      g_assert_cmpint (nonzero, ==, (int) (n_params - side->n_params));
    }
  bp_net_free (net);
}

/* ---- a network's step ---- */

/* 64-256-10 with Adam at batch 32: 19,210 parameters, two update chunks; 400-256-10:
 * 105,226 parameters, seven chunks, enough for the update to be split over threads. Wide:
 * 64-600-600-600-10 (ReLU, tanh, linear) at batch 64, whose dense passes around the products
 * are split over threads too (64 x 600 values). */
static const char *const hidden_layers[2] = {
  "{\"type\": \"dense\", \"units\": 256, \"activation\": \"relu\"},",
  "{\"type\": \"dense\", \"units\": 600, \"activation\": \"relu\"},"
  "{\"type\": \"dense\", \"units\": 600, \"activation\": \"tanh\"},"
  "{\"type\": \"dense\", \"units\": 600},",
};

static bp_net *
make_net (int inputs, bool wide, float clip_norm)
{
  char json[1024];
  g_snprintf (json, sizeof json,
              "{\"input\": {\"shape\": [%d]}, \"layers\": [%s"
              "{\"type\": \"dense\", \"units\": 10}],"
              " \"optimizer\": {\"type\": \"adam\", \"lr\": 0.001},"
              " \"loss\": \"cross_entropy\", \"training\": {\"seed\": 5, \"batch_size\": %d}}",
              inputs, hidden_layers[wide], wide ? 64 : 32);
  char err[256];
  bp_spec *s = bp_spec_parse (json, strlen (json), err, sizeof err);
  if (s == NULL)
    g_error ("%s", err);
  s->optim.clip_norm = clip_norm;
  bp_net *net = bp_net_create (s, err, sizeof err);
  g_assert_nonnull (net);
  bp_spec_free (s);
  return net;
}

static bp_net *
mlp_net (int inputs, float clip_norm)
{
  return make_net (inputs, false, clip_norm);
}

/* Trains `steps` steps on fixed pseudo-random data at the network's batch size; returns the
 * last step's stats. */
static bp_step_stats
train (bp_net *net, int inputs, int steps)
{
  const int B = bp_net_max_batch (net);
  float *x = g_new (float, B * inputs);
  int32_t *labels = g_new (int32_t, B);
  bp_step_stats st = { 0 };
  for (int s = 0; s < steps; s++)
    {
      for (int i = 0; i < B * inputs; i++)
        x[i] = (float) sin (0.37 * i + 1.3 * s);
      for (int i = 0; i < B; i++)
        labels[i] = (i * 7 + s) % 10;
      bp_batch b = { .x = x, .labels = labels, .n = B };
      g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
    }
  g_free (x);
  g_free (labels);
  return st;
}

static void
test_net_threads_bit_identical (void)
{
  /* OpenBLAS on one thread, as the engine wants it when it splits the work itself: the
   * products, the dense passes and the update, cut over 1, 2 and 3 threads, give the same
   * weights bit for bit. */
  bp_blas_set_threads (1);
  for (int config = 0; config < 3; config++)
    {
      bool wide = config == 2;
      float clip_norm = config == 1 ? 0.05f : 0.0f;
      int inputs = wide ? 64 : 400;
      bp_net *ref = NULL;
      bp_step_stats ref_st = { 0 };
      for (int threads = 1; threads <= 3; threads++)
        {
          bp_workers_set_threads (threads);
          bp_net *net = make_net (inputs, wide, clip_norm);
          bp_step_stats st = train (net, inputs, wide ? 6 : 12);
          if (threads == 1)
            {
              ref = net;
              ref_st = st;
              continue;
            }
          size_t n = bp_net_param_count (net);
          g_assert_cmpuint (n, ==, wide ? 766210 : 105226);
          g_assert_cmpmem (bp_net_params (ref), n * sizeof (float), bp_net_params (net),
                           n * sizeof (float));
          g_assert_cmpfloat (st.grad_norm, ==, ref_st.grad_norm);
          g_assert_cmpfloat (st.loss, ==, ref_st.loss);
          bp_net_free (net);
        }
      bp_net_free (ref);
    }
  bp_workers_set_threads (0);
}

static void
test_net_norm_and_clip (void)
{
  /* The norm the step reports is the norm of the gradients it computed (no clipping: the
   * gradients are left as they were), for a network of one chunk and one of several. */
  bp_blas_set_threads (1);
  bp_workers_set_threads (2);
  const int inputs[2] = { 64, 400 };
  for (int k = 0; k < 2; k++)
    {
      bp_net *net = mlp_net (inputs[k], 0.0f);
      bp_step_stats st = train (net, inputs[k], 1);
      size_t n = bp_net_param_count (net);
      double want = bp_grad_norm (bp_net_grads (net), n);
      g_assert_cmpfloat (st.grad_norm, >, 0.0);
      g_assert_cmpfloat_with_epsilon (st.grad_norm, want, 1e-12 * want);
      bp_net_free (net);

      /* With clipping at a tenth of that norm, the same first step's gradients are scaled to
       * it. */
      net = mlp_net (inputs[k], (float) (want / 10));
      st = train (net, inputs[k], 1);
      double after = bp_grad_norm (bp_net_grads (net), n);
      g_assert_cmpfloat_with_epsilon (st.grad_norm, want, 1e-12 * want);
      g_assert_cmpfloat_with_epsilon (after, want / 10, 1e-5 * want);
      bp_net_free (net);
    }
  bp_workers_set_threads (0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/optim-threads/ranges", test_ranges_match_whole_step);
  g_test_add_func ("/optim-threads/range-nonfinite", test_range_nonfinite);
  g_test_add_func ("/optim-threads/team", test_team_runs_each_chunk_once);
  g_test_add_func ("/optim-threads/team-gemm", test_team_gemm);
  g_test_add_func ("/optim-threads/gradients-written", test_gradients_written);
  g_test_add_func ("/optim-threads/net-bit-identical", test_net_threads_bit_identical);
  g_test_add_func ("/optim-threads/net-norm-clip", test_net_norm_and_clip);
  return g_test_run ();
}
