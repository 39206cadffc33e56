/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Schedules against PyTorch's closed forms, early stopping and reduce-on-plateau against
 * Keras's rules, on sequences worked out by hand. */
#include "engine/schedule.h"

#include <glib.h>
#include <math.h>

static void
test_step_exponential (void)
{
  bp_schedule s;
  bp_schedule_defaults (&s, BP_SCHEDULE_STEP);
  s.step_size = 3;
  s.gamma = 0.5f;
  /* StepLR(step_size=3, gamma=0.5): epochs 0-2 -> 0.1, 3-5 -> 0.05, 6 -> 0.025. */
  const float want[] = { 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f };
  for (long e = 0; e < 7; e++)
    g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 1000 * e, e), want[e], 1e-8);

  bp_schedule_defaults (&s, BP_SCHEDULE_EXPONENTIAL);
  g_assert_cmpfloat (s.gamma, ==, 0.95f);
  s.gamma = 0.9f;
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 5), 0.1 * pow (0.9, 5), 1e-8);

  /* per_step counts steps, not epochs. */
  s.per_step = true;
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 2, 99), 0.1 * 0.81, 1e-8);

  bp_schedule_defaults (&s, BP_SCHEDULE_CONSTANT);
  g_assert_cmpfloat (bp_schedule_lr (&s, 0.3f, 12345, 67), ==, 0.3f);
}

static void
test_cosine_warmup (void)
{
  bp_schedule s;
  bp_schedule_defaults (&s, BP_SCHEDULE_COSINE);
  s.t_max = 10;
  s.eta_min = 0.001f;
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 0), 0.1, 1e-7);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 5), (0.1 + 0.001) / 2, 1e-7);
  /* t = 2: eta_min + (base - eta_min) * (1 + cos(pi/5)) / 2 */
  double t2 = 0.001 + 0.099 * (1 + cos (M_PI / 5)) / 2;
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 2), t2, 1e-7);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 10), 0.001, 1e-8);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.1f, 0, 14), 0.001, 1e-8);

  bp_schedule_defaults (&s, BP_SCHEDULE_CONSTANT);
  s.warmup_steps = 4;
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.2f, 0, 0), 0.05, 1e-8);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.2f, 1, 0), 0.10, 1e-8);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.2f, 3, 0), 0.2, 1e-8);
  g_assert_cmpfloat_with_epsilon (bp_schedule_lr (&s, 0.2f, 400, 3), 0.2, 1e-8);

  bp_schedule_kind k;
  g_assert_true (bp_schedule_from_name ("cosine", &k));
  g_assert_cmpint (k, ==, BP_SCHEDULE_COSINE);
  g_assert_false (bp_schedule_from_name ("cosin", &k));
}

static void
test_early_stop (void)
{
  bp_early_stop es;
  bp_early_stop_defaults (&es);
  es.enabled = true;
  es.patience = 3;
  bp_watch w;
  bp_watch_reset (&w);
  /* Best at epoch 2 (0.9); epochs 3, 4, 5 do not improve: stop at 5. */
  const double v[] = { 1.0, 0.9, 0.95, 0.91, 0.92, 0.1 };
  int stop_epoch = 0;
  for (int e = 1; e <= 6 && !stop_epoch; e++)
    {
      int r = bp_watch_epoch (&w, &es, v[e - 1], NULL, NAN, 0.1f, e);
      g_assert_cmpint (!!(r & BP_WATCH_IMPROVED), ==, e <= 2);
      if (r & BP_WATCH_STOP)
        stop_epoch = e;
    }
  g_assert_cmpint (stop_epoch, ==, 5);
  g_assert_cmpint (w.best_epoch, ==, 2);
  g_assert_cmpfloat (w.best, ==, 0.9);

  /* min_delta: 0.99 and 0.985 are not better than 1.0 by more than 0.02. */
  bp_watch_reset (&w);
  es.min_delta = 0.02f;
  es.patience = 2;
  g_assert_cmpint (bp_watch_epoch (&w, &es, 1.0, NULL, NAN, 0.1f, 1), ==, BP_WATCH_IMPROVED);
  g_assert_cmpint (bp_watch_epoch (&w, &es, 0.99, NULL, NAN, 0.1f, 2), ==, 0);
  g_assert_cmpint (bp_watch_epoch (&w, &es, 0.985, NULL, NAN, 0.1f, 3), ==, BP_WATCH_STOP);

  /* Accuracy: higher is better; NaN never improves. */
  bp_watch_reset (&w);
  es.monitor = BP_MONITOR_VAL_ACC;
  es.min_delta = 0;
  es.patience = 5;
  g_assert_cmpint (bp_watch_epoch (&w, &es, 0.5, NULL, NAN, 0.1f, 1), ==, BP_WATCH_IMPROVED);
  g_assert_cmpint (bp_watch_epoch (&w, &es, 0.6, NULL, NAN, 0.1f, 2), ==, BP_WATCH_IMPROVED);
  g_assert_cmpint (bp_watch_epoch (&w, &es, NAN, NULL, NAN, 0.1f, 3), ==, 0);
  g_assert_cmpint (bp_watch_epoch (&w, &es, 0.55, NULL, NAN, 0.1f, 4), ==, 0);
  g_assert_cmpint (w.wait, ==, 2);
}

static void
test_plateau (void)
{
  bp_plateau pl;
  bp_plateau_defaults (&pl);
  pl.enabled = true;
  pl.factor = 0.5f;
  pl.patience = 2;
  pl.min_lr = 0.02f;
  bp_watch w;
  bp_watch_reset (&w);
  float base = 0.1f, lr = base;
  /* Flat loss: reductions at epochs 3 and 5 (0.1 -> 0.05 -> 0.025), then the floor 0.02 at
   * epoch 7, then nothing more. */
  int reduced_at[8] = { 0 };
  for (int e = 1; e <= 9; e++)
    {
      int r = bp_watch_epoch (&w, NULL, NAN, &pl, 1.0, lr, e);
      if (r & BP_WATCH_LR_REDUCED)
        reduced_at[e < 8 ? e : 7] = 1;
      lr = base * w.lr_factor;
      if (e == 3)
        g_assert_cmpfloat_with_epsilon (lr, 0.05, 1e-7);
      if (e == 5)
        g_assert_cmpfloat_with_epsilon (lr, 0.025, 1e-7);
    }
  g_assert_true (reduced_at[3] && reduced_at[5] && reduced_at[7]);
  g_assert_false (reduced_at[4] || reduced_at[6]);
  g_assert_cmpfloat_with_epsilon (lr, 0.02, 1e-7);

  /* Cooldown 2: after the cut at epoch 3, epochs 4 and 5 cool down (Keras counts the wait
   * again from epoch 5); cuts at 3 and 6. */
  bp_watch_reset (&w);
  pl.cooldown = 2;
  pl.min_lr = 0;
  lr = base;
  int cuts = 0, last_cut = 0;
  for (int e = 1; e <= 6; e++)
    {
      int r = bp_watch_epoch (&w, NULL, NAN, &pl, 1.0, lr, e);
      if (r & BP_WATCH_LR_REDUCED)
        {
          cuts++;
          last_cut = e;
        }
      lr = base * w.lr_factor;
    }
  g_assert_cmpint (cuts, ==, 2);
  g_assert_cmpint (last_cut, ==, 6);

  /* An improvement beyond min_delta (1e-4) resets the wait. */
  bp_watch_reset (&w);
  pl.cooldown = 0;
  const double v[] = { 1.0, 0.9, 0.89995, 0.8, 0.8, 0.8 };
  int first_cut = 0;
  lr = base;
  for (int e = 1; e <= 6 && !first_cut; e++)
    if (bp_watch_epoch (&w, NULL, NAN, &pl, v[e - 1], lr, e) & BP_WATCH_LR_REDUCED)
      first_cut = e;
  g_assert_cmpint (first_cut, ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/schedule/step-exponential", test_step_exponential);
  g_test_add_func ("/schedule/cosine-warmup", test_cosine_warmup);
  g_test_add_func ("/schedule/early-stop", test_early_stop);
  g_test_add_func ("/schedule/plateau", test_plateau);
  return g_test_run ();
}
