/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The optimizers against torch.optim (numbers in optim-reference.h, made by
 * torch_optim_reference.py), gradient clipping against clip_grad_norm_, and the guard that
 * keeps parameters finite. */
#include "engine/optim.h"
#include "tests/engine/optim-reference.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* torch's kernels fuse some multiply-adds (FMA) where the engine rounds twice; over five
 * steps that leaves a few float32 ulps. */
#define REL_TOL 1e-6

static void
assert_close (const char *what, int step, int i, float got, float want)
{
  double diff = fabs ((double) got - (double) want);
  double scale = fmax (fabs ((double) want), 1e-2);
  if (diff > REL_TOL * scale)
    g_error ("%s: step %d, parameter %d: got %.9g, torch %.9g (relative error %.3g)", what,
             step, i, got, want, diff / scale);
}

static void
run_case (const bp_ref_optim_case *c)
{
  float p[BP_REF_OPTIM_N];
  memcpy (p, bp_ref_optim_initial, sizeof p);
  size_t n_state = bp_optim_state_floats (&c->cfg, BP_REF_OPTIM_N);
  float *state = g_new0 (float, n_state > 0 ? n_state : 1);
  bp_optim o;
  bp_optim_init (&o, &c->cfg, state, BP_REF_OPTIM_N);
  for (int k = 0; k < BP_REF_OPTIM_STEPS; k++)
    {
      g_assert_true (bp_optim_step (&o, p, bp_ref_optim_grads[k]));
      for (int i = 0; i < BP_REF_OPTIM_N; i++)
        assert_close (c->name, k + 1, i, p[i], c->after[k][i]);
    }
  g_assert_cmpint (o.t, ==, BP_REF_OPTIM_STEPS);

  /* A reset starts over: the same five steps give the same numbers again. */
  memcpy (p, bp_ref_optim_initial, sizeof p);
  memset (state, 0x7f, n_state * sizeof *state); /* garbage the reset must not read */
  bp_optim_reset (&o);
  for (int k = 0; k < BP_REF_OPTIM_STEPS; k++)
    g_assert_true (bp_optim_step (&o, p, bp_ref_optim_grads[k]));
  for (int i = 0; i < BP_REF_OPTIM_N; i++)
    assert_close (c->name, -1, i, p[i], c->after[BP_REF_OPTIM_STEPS - 1][i]);
  g_free (state);
}

static void
test_against_torch (gconstpointer data)
{
  run_case (data);
}

static void
test_step_moves_parameters (void)
{
  /* Guards the reference itself: every case must have moved every parameter, so a no-op
   * optimizer could not pass. */
  for (size_t c = 0; c < G_N_ELEMENTS (bp_ref_optim_cases); c++)
    for (int i = 0; i < BP_REF_OPTIM_N; i++)
      g_assert_cmpfloat (bp_ref_optim_cases[c].after[BP_REF_OPTIM_STEPS - 1][i], !=,
                         bp_ref_optim_initial[i]);
}

static void
test_defaults (void)
{
  bp_optim_cfg c;
  bp_optim_cfg_defaults (&c, BP_OPTIM_SGD);
  g_assert_cmpint (c.kind, ==, BP_OPTIM_SGD);
  g_assert_cmpfloat (c.momentum, ==, 0.0f);
  g_assert_cmpfloat (c.dampening, ==, 0.0f);
  g_assert_false (c.nesterov);
  g_assert_cmpfloat (c.weight_decay, ==, 0.0f);
  g_assert_cmpfloat (c.clip_norm, ==, 0.0f);
  g_assert_cmpfloat (c.lr, >, 0.0f);

  bp_optim_cfg_defaults (&c, BP_OPTIM_RMSPROP);
  g_assert_cmpfloat (c.lr, ==, 0.01f);
  g_assert_cmpfloat (c.alpha, ==, 0.99f);
  g_assert_cmpfloat (c.eps, ==, 1e-8f);
  g_assert_false (c.centered);

  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAGRAD);
  g_assert_cmpfloat (c.lr, ==, 0.01f);
  g_assert_cmpfloat (c.eps, ==, 1e-10f);
  g_assert_cmpfloat (c.lr_decay, ==, 0.0f);
  g_assert_cmpfloat (c.initial_accumulator, ==, 0.0f);

  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAM);
  g_assert_cmpfloat (c.lr, ==, 1e-3f);
  g_assert_cmpfloat (c.beta1, ==, 0.9f);
  g_assert_cmpfloat (c.beta2, ==, 0.999f);
  g_assert_cmpfloat (c.eps, ==, 1e-8f);
  g_assert_cmpfloat (c.weight_decay, ==, 0.0f);
  g_assert_false (c.amsgrad);

  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAMW);
  g_assert_cmpint (c.kind, ==, BP_OPTIM_ADAMW);
  g_assert_cmpfloat (c.weight_decay, ==, 1e-2f);
  g_assert_cmpfloat (c.lr, ==, 1e-3f);

  /* State sizes: enough for every option of the kind. */
  bp_optim_cfg_defaults (&c, BP_OPTIM_SGD);
  g_assert_cmpuint (bp_optim_state_floats (&c, 10), ==, 10);
  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAM);
  g_assert_cmpuint (bp_optim_state_floats (&c, 10), ==, 30);
  bp_optim_cfg_defaults (&c, BP_OPTIM_RMSPROP);
  g_assert_cmpuint (bp_optim_state_floats (&c, 10), ==, 30);
  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAGRAD);
  g_assert_cmpuint (bp_optim_state_floats (&c, 10), ==, 10);
}

static void
test_clip (void)
{
  for (size_t c = 0; c < G_N_ELEMENTS (bp_ref_clip_cases); c++)
    {
      const bp_ref_clip_case *rc = &bp_ref_clip_cases[c];
      float g[BP_REF_CLIP_N];
      memcpy (g, bp_ref_clip_grads, sizeof g);
      double norm = bp_grad_norm (g, BP_REF_CLIP_N);
      g_assert_cmpfloat_with_epsilon (norm, rc->norm, 1e-6 * rc->norm);
      bp_clip_grad_norm (g, BP_REF_CLIP_N, norm, rc->max_norm);
      for (int i = 0; i < BP_REF_CLIP_N; i++)
        assert_close ("clip", 0, i, g[i], rc->clipped[i]);
      double after = bp_grad_norm (g, BP_REF_CLIP_N);
      g_assert_cmpfloat (after, <=, fmax (rc->max_norm, norm) * (1 + 1e-6));
    }
}

static void
test_grad_norm (void)
{
  float v[2] = { 3.0f, -4.0f };
  g_assert_cmpfloat (bp_grad_norm (v, 2), ==, 5.0);
  g_assert_cmpfloat (bp_grad_norm (v, 0), ==, 0.0);

  /* A long vector of odd length, against a plain double sum. */
  enum { N = 1001 };
  float *g = g_new (float, N);
  double want = 0;
  for (int i = 0; i < N; i++)
    {
      g[i] = (float) sin (i * 0.37) * (1 + i % 7);
      want += (double) g[i] * g[i];
    }
  g_assert_cmpfloat_with_epsilon (bp_grad_norm (g, N), sqrt (want), 1e-12 * sqrt (want));
  /* Values whose squares overflow float32 must not overflow the double sum. */
  g[0] = 1e30f;
  g_assert_true (isfinite (bp_grad_norm (g, N)));
  g[1] = INFINITY;
  g_assert_false (isfinite (bp_grad_norm (g, N)));
  g_free (g);
}

static void
test_nonfinite_kept (void)
{
  /* A step that would overflow: the parameter keeps its old value, the others move. */
  bp_optim_cfg c;
  bp_optim_cfg_defaults (&c, BP_OPTIM_SGD);
  c.lr = 1e30f;
  float p[3] = { 1.0f, -2.0f, 0.5f };
  const float g[3] = { 1e10f, 1e-35f, 0.0f };
  float state[3];
  bp_optim o;
  bp_optim_init (&o, &c, state, 3);
  g_assert_false (bp_optim_step (&o, p, g));
  g_assert_cmpfloat (p[0], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (p[1], -2.00001f, 1e-6);
  g_assert_cmpfloat (p[2], ==, 0.5f);

  const float nan_g[3] = { NAN, 0.0f, 0.0f };
  c.lr = 0.1f;
  bp_optim_init (&o, &c, state, 3);
  g_assert_false (bp_optim_step (&o, p, nan_g));
  g_assert_cmpfloat (p[0], ==, 1.0f);
}

static void
test_live_changes (void)
{
  /* Momentum switched on after two plain steps: the buffer starts from the gradient of the
   * step it is switched on, as a fresh torch SGD with momentum would. */
  bp_optim_cfg c;
  bp_optim_cfg_defaults (&c, BP_OPTIM_SGD);
  c.lr = 0.1f;
  float state[1] = { 123.0f };
  float p[1] = { 1.0f };
  const float g[1] = { 0.5f };
  bp_optim o;
  bp_optim_init (&o, &c, state, 1);
  g_assert_true (bp_optim_step (&o, p, g));
  g_assert_cmpfloat_with_epsilon (p[0], 0.95f, 1e-7);
  o.cfg.momentum = 0.9f;
  g_assert_true (bp_optim_step (&o, p, g)); /* buf = 0.5 */
  g_assert_cmpfloat_with_epsilon (p[0], 0.90f, 1e-7);
  g_assert_true (bp_optim_step (&o, p, g)); /* buf = 0.95 */
  g_assert_cmpfloat_with_epsilon (p[0], 0.805f, 1e-6);

  /* Switching the kind resets the step count and the state. */
  float big[3];
  memset (big, 0x7f, sizeof big);
  bp_optim_cfg_defaults (&c, BP_OPTIM_ADAM);
  c.lr = 0.1f;
  bp_optim_init (&o, &c, big, 1);
  o.cfg.kind = BP_OPTIM_SGD;
  g_assert_true (bp_optim_step (&o, p, g));
  o.cfg.kind = BP_OPTIM_ADAM;
  p[0] = 1.0f;
  g_assert_true (bp_optim_step (&o, p, g));
  g_assert_cmpint (o.t, ==, 1);
  /* Adam's first step moves by lr (times sign) whatever the gradient's size. */
  g_assert_cmpfloat_with_epsilon (p[0], 0.9f, 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t c = 0; c < G_N_ELEMENTS (bp_ref_optim_cases); c++)
    {
      char *path = g_strdup_printf ("/optim/torch/%s", bp_ref_optim_cases[c].name);
      g_test_add_data_func (path, &bp_ref_optim_cases[c], test_against_torch);
      g_free (path);
    }
  g_test_add_func ("/optim/reference-moves", test_step_moves_parameters);
  g_test_add_func ("/optim/defaults", test_defaults);
  g_test_add_func ("/optim/clip", test_clip);
  g_test_add_func ("/optim/grad-norm", test_grad_norm);
  g_test_add_func ("/optim/nonfinite-kept", test_nonfinite_kept);
  g_test_add_func ("/optim/live-changes", test_live_changes);
  return g_test_run ();
}
