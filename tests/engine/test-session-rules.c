/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Early stopping, reduce-on-plateau, schedules and the best checkpoint, inside a running
 * session, on cases built so the outcome is known in advance. */
#include "engine/safetensors.h"
#include "session-fixtures.h"

#include <glib/gstdio.h>

/* Validation rows are the training blobs with their labels swapped: the better the model
 * learns, the worse the validation loss, so the best epoch is the first one. */
static void
test_early_stop_restores_best (void)
{
  fx_rig fx;
  fx_rig_prepare (&fx, 100, 50, 11, 200, 100, 0.1f);
  fx.cfg.max_epochs = 50;
  fx.cfg.early_stop.enabled = true;
  fx.cfg.early_stop.patience = 3;
  fx.cfg.early_stop.restore_best = true;
  g_autofree char *dir = g_dir_make_tmp ("bp-es-XXXXXX", NULL);
  g_autofree char *best = g_build_filename (dir, "best.safetensors", NULL);
  g_autofree char *now = g_build_filename (dir, "now.safetensors", NULL);
  fx.cfg.best_checkpoint_path = best;
  bp_session *s = fx_rig_start (&fx);
  bp_session_play (s);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_FINISHED);

  bp_session_status st;
  bp_session_get_status (s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_EARLY_STOP);
  g_assert_cmpuint (st.epoch, ==, 4);
  g_assert_cmpuint (st.best_epoch, ==, 1);
  g_assert_nonnull (strstr (st.message, "early stopping at epoch 4"));
  g_assert_nonnull (strstr (st.message, "restored the weights of epoch 1"));

  const bp_metric_log *log = bp_session_metric_log (s);
  bp_epoch_record e[4];
  g_assert_cmpuint (bp_metric_log_read_epochs (log, 0, e, 4), ==, 4);
  for (int i = 1; i < 4; i++)
    g_assert_cmpfloat (e[i].val_loss, >, e[0].val_loss); /* the construction */
  g_assert_cmpfloat (st.best_value, ==, e[0].val_loss);

  /* The weights in force are epoch 1's: the validation loss is epoch 1's again. */
  char err[256] = "";
  double loss, acc;
  g_assert_cmpint (bp_session_evaluate (s, fx.sp.val, fx.sp.n_val, &loss, &acc, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (loss, e[0].val_loss, 1e-9);

  /* And the checkpoint holds them, bit for bit. */
  g_assert_cmpint (bp_session_save_weights (s, now, err, sizeof err), ==, 0);
  bp_safetensors *a = bp_safetensors_read (best, err, sizeof err);
  bp_safetensors *b = bp_safetensors_read (now, err, sizeof err);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (bp_safetensors_meta (a, "epoch"), ==, "1");
  g_assert_cmpint (bp_safetensors_n_tensors (a), ==, 6);
  for (int i = 0; i < bp_safetensors_n_tensors (a); i++)
    {
      const bp_st_tensor *ta = bp_safetensors_tensor (a, i);
      const bp_st_tensor *tb = bp_safetensors_find (b, ta->name);
      g_assert_nonnull (tb);
      size_t n = (size_t) ta->dims[0] * (ta->rank > 1 ? (size_t) ta->dims[1] : 1);
      g_assert_cmpmem (ta->data, n * 4, tb->data, n * 4);
    }
  bp_safetensors_free (a);
  bp_safetensors_free (b);

  /* Play after early stopping is ignored until a reset. */
  bp_session_play (s);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_FINISHED);
  g_assert_cmpuint (bp_session_get_step (s), ==, st.step);

  fx_rig_free (&fx);
  g_unlink (best);
  g_unlink (now);
  g_rmdir (dir);
}

/* With a learning rate of 1e-9 nothing improves by min_delta: with patience 2 and factor 0.5
 * the rate halves after epochs 3, 5 and 7. */
static void
test_plateau (void)
{
  fx_rig fx;
  fx_rig_prepare (&fx, 100, 0, 12, 150, 50, 1e-9f);
  fx.cfg.max_epochs = 8;
  fx.cfg.plateau.enabled = true;
  fx.cfg.plateau.patience = 2;
  fx.cfg.plateau.factor = 0.5f;
  bp_session *s = fx_rig_start (&fx);
  bp_session_play (s);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_FINISHED);
  bp_session_status st;
  bp_session_get_status (s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_EPOCH_LIMIT);
  g_assert_nonnull (strstr (st.message, "epoch 7: val_loss stopped improving; learning rate "
                                        "lowered to"));
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (bp_session_metric_log (s), &n);
  g_assert_cmpuint (n, ==, 8 * 15);
  for (uint64_t i = 0; i < n; i++)
    {
      int cuts = r[i].epoch >= 8 ? 3 : r[i].epoch >= 6 ? 2 : r[i].epoch >= 4 ? 1 : 0;
      float want = 1e-9f;
      for (int c = 0; c < cuts; c++)
        want *= 0.5f;
      if (fabsf (r[i].lr - want) > want * 1e-6f)
        g_error ("step %llu (epoch %u): lr %g, expected %g", (unsigned long long) r[i].step,
                 r[i].epoch, (double) r[i].lr, (double) want);
    }
  fx_rig_free (&fx);
}

/* StepLR(step_size 2, gamma 0.1) per epoch with a 5-step linear warm-up. */
static void
test_schedule (void)
{
  fx_rig fx;
  fx_rig_prepare (&fx, 100, 0, 13, 150, 0, 0.2f);
  fx.cfg.max_epochs = 5;
  bp_schedule_defaults (&fx.cfg.schedule, BP_SCHEDULE_STEP);
  fx.cfg.schedule.step_size = 2;
  fx.cfg.schedule.gamma = 0.1f;
  fx.cfg.schedule.warmup_steps = 5;
  bp_session *s = fx_rig_start (&fx);
  bp_session_play (s);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_FINISHED);
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (bp_session_metric_log (s), &n);
  g_assert_cmpuint (n, ==, 75);
  for (uint64_t i = 0; i < n; i++)
    {
      double want = 0.2 * pow (0.1, (double) ((r[i].epoch - 1) / 2));
      if (i < 5)
        want *= (double) (i + 1) / 5.0;
      g_assert_cmpfloat_with_epsilon (r[i].lr, want, want * 1e-6);
    }
  /* No validation rows: the epoch records say so with NaN. */
  bp_epoch_record e;
  bp_metric_log_read_epochs (bp_session_metric_log (s), 4, &e, 1);
  g_assert_true (isnan (e.val_loss));
  g_assert_true (isfinite (e.train_loss));
  fx_rig_free (&fx);
}

/* Schedules and rules change live, from the next step / epoch end. */
static void
test_live_rules (void)
{
  fx_rig fx;
  fx_rig_prepare (&fx, 100, 50, 14, 200, 100, 0.1f);
  fx.cfg.max_epochs = 0;
  bp_session *s = fx_rig_start (&fx);
  bp_session_step (s, 3);
  bp_session_wait (s, 30);
  bp_schedule sc;
  bp_schedule_defaults (&sc, BP_SCHEDULE_STEP);
  sc.per_step = true;
  sc.step_size = 1;
  sc.gamma = 0.5f;
  bp_session_set_schedule (s, &sc);
  bp_session_step (s, 1);
  bp_session_wait (s, 30);
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (bp_session_metric_log (s), &n);
  g_assert_cmpfloat (r[2].lr, ==, 0.1f);
  g_assert_cmpfloat_with_epsilon (r[3].lr, 0.1 * 0.125, 1e-9); /* step 3 (0-based): 0.5^3 */

  /* Early stopping switched on mid-run (flipped validation: the best epoch is the first
   * watched one), then play: it stops three epochs later. */
  bp_session_set_schedule (s, &(bp_schedule) { .kind = BP_SCHEDULE_CONSTANT });
  bp_early_stop es;
  bp_early_stop_defaults (&es);
  es.enabled = true;
  es.patience = 3;
  bp_session_set_early_stop (s, &es);
  bp_session_play (s);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_FINISHED);
  bp_session_status st;
  bp_session_get_status (s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_EARLY_STOP);
  g_assert_cmpuint (st.epoch, ==, st.best_epoch + 3);
  fx_rig_free (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session-rules/early-stop", test_early_stop_restores_best);
  g_test_add_func ("/session-rules/plateau", test_plateau);
  g_test_add_func ("/session-rules/schedule", test_schedule);
  g_test_add_func ("/session-rules/live", test_live_rules);
  return g_test_run ();
}
