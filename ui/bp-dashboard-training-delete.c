/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDashboardTraining: deleting a run and putting it back. The run in training is stopped
 * first, so that nothing trains on out of sight once its row is gone. */
#include "bp-config.h"

#include "bp-dashboard-training-private.h"

#include <math.h>
#include <string.h>

/* Stops the session whose current run was session_run, ours (own) or the followed one. */
static void
stop_current (BpDashboardTraining *self, gboolean own, guint64 session_run)
{
  if (own)
    {
      /* Ours: the session goes (its other runs were read to their end by close). */
      bp_dashboard_training_close (self);
      return;
    }
  /* Followed: the session is its page's; as given before the last poll it may be gone, so
   * it is paused only when it is still the one read (the caller gives it afresh). */
  if (self->followed != NULL
      && bp_session_metric_log_of_run (self->followed, 1) == self->followed_identity)
    bp_session_pause (self->followed);
  self->dismissed_identity = self->followed_identity;
  self->dismissed_run = session_run;
  self->dismissed_now = TRUE;
  memset (&self->status, 0, sizeof self->status);
  self->status.loss = NAN;
}

void
bp_dashboard_training_delete_run (BpDashboardTraining *self, BpRun *run)
{
  guint pos;

  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  g_return_if_fail (BP_IS_RUN (run));

  g_object_ref (run);
  for (guint i = 0; i < self->live->len; i++)
    {
      BpLiveRun *lr = g_ptr_array_index (self->live, i);
      gboolean current, own;
      guint64 session_run;

      if (lr->run != run)
        continue;
      current = run == bp_dashboard_training_get_current_run (self);
      own = lr->box != NULL;
      session_run = lr->session_run;
      g_ptr_array_remove_index (self->live, i);
      /* The run in training (or that trained last): deleting it must not leave it training
       * out of sight, nor its histograms and weights on screen. */
      if (current)
        {
          stop_current (self, own, session_run);
          bp_run_set_state (run, "stopped");
        }
      break;
    }
  if (g_list_store_find (self->runs, run, &pos))
    g_list_store_remove (self->runs, pos);
  g_object_unref (run);
}

void
bp_dashboard_training_restore_run (BpDashboardTraining *self, BpRun *run, guint position)
{
  guint pos;

  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  g_return_if_fail (BP_IS_RUN (run));

  if (g_list_store_find (self->runs, run, &pos))
    return;
  g_list_store_insert (self->runs,
                       MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->runs))), run);
}

gboolean
bp_dashboard_training_is_dismissed (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  return self->box == NULL && self->dismissed_now;
}
