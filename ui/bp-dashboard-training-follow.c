/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's followed runs: the runs of a session another page owns (the Playground's or
 * the Builder's), read from its metric logs while this object has no session of its own. The
 * session is given again before every poll (its page may free it in between); what tells it
 * apart from a new one at the same address is the address of its first run's log. */
#include "bp-config.h"

#include "bp-dashboard-training-private.h"

void
bp_dashboard_training_set_followed_spec_func (BpDashboardTraining *self, BpFollowedSpecFunc func,
                                              gpointer user_data)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  self->followed_spec = func;
  self->followed_spec_data = user_data;
}

/* A followed run, made when its session starts it: its data, batch size and size as the
 * session says, its network as the followed-spec function says (the table shows them next to
 * our own runs'). */
static void
add_followed_run (BpDashboardTraining *self, guint64 session_run, float lr)
{
  g_autofree char *name = g_strdup_printf ("%s run %" G_GUINT64_FORMAT, self->followed_label,
                                           session_run);
  bp_session *s = self->followed;
  bp_spec *spec = self->followed_spec != NULL
                    ? self->followed_spec (s, self->followed_label, self->followed_spec_data)
                    : NULL;
  g_autofree char *model = spec != NULL ? bp_spec_describe_model (spec) : g_strdup ("");
  BpRunInfo info = { .dataset = (char *) bp_session_dataset_name (s), .model = model,
                     .optimizer = spec != NULL ? (char *) bp_optim_name (spec->optim.kind) : "",
                     .lr = lr,
                     .batch_size = (int) bp_session_get_hparam (s, BP_HPARAM_BATCH_SIZE),
                     .params = bp_session_param_count (s) };

  _bp_dashboard_training_add_live (self, name, &info, NULL, session_run);
  if (spec != NULL)
    bp_spec_free (spec);
}

/* Is the followed session's run of now one that was deleted while it was current? Then there
 * is nothing to follow until its session starts another run (or another session comes). */
static gboolean
dismissed (BpDashboardTraining *self)
{
  bp_session *s = self->followed;

  if (s == NULL || self->dismissed_identity == NULL)
    return FALSE;
  if (bp_session_metric_log_of_run (s, 1) != self->dismissed_identity)
    {
      self->dismissed_identity = NULL; /* another session: its runs are all new */
      return FALSE;
    }
  return bp_session_run (s) <= self->dismissed_run;
}

gboolean
_bp_dashboard_training_poll_followed (BpDashboardTraining *self)
{
  bp_session *s = self->followed;
  const void *identity = s != NULL ? bp_session_metric_log_of_run (s, 1) : NULL;
  guint64 newest = 0;
  gboolean changed = FALSE;

  if (s == NULL || identity != self->followed_identity)
    {
      /* Another session (or none): what was read of the old one stays in its runs. */
      for (guint i = self->live->len; i-- > 0;)
        if (((BpLiveRun *) g_ptr_array_index (self->live, i))->box == NULL)
          {
            bp_run_set_state (((BpLiveRun *) g_ptr_array_index (self->live, i))->run, "ended");
            g_ptr_array_remove_index (self->live, i);
          }
      self->followed_identity = identity;
      changed = TRUE;
    }
  if (s == NULL)
    return changed;
  self->dismissed_now = dismissed (self);
  if (self->dismissed_now)
    return changed;
  bp_session_get_status (s, &self->status);
  if (self->dismissed_identity == identity)
    newest = self->dismissed_run; /* deleted: no row again for it, nor for those before */
  for (guint i = 0; i < self->live->len; i++)
    {
      BpLiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box == NULL)
        newest = MAX (newest, lr->session_run);
    }
  /* Runs with nothing logged yet are not worth a row. */
  for (guint64 r = newest + 1; r <= self->status.run; r++)
    {
      const bp_metric_log *log = bp_session_metric_log_of_run (s, r);

      if (log != NULL && bp_metric_log_n_steps (log) > 0)
        add_followed_run (self, r, self->status.lr);
    }
  for (guint i = 0; i < self->live->len;)
    {
      BpLiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box != NULL)
        {
          i++;
          continue;
        }
      changed |= _bp_dashboard_training_read_run (lr, s);
      if (lr->session_run == self->status.run)
        bp_run_set_state (lr->run, _bp_dashboard_training_state_word (&self->status));
      if (lr->session_run < self->status.run)
        {
          bp_run_set_state (lr->run, "ended");
          g_ptr_array_remove_index (self->live, i);
          continue;
        }
      i++;
    }
  return changed;
}

void
bp_dashboard_training_follow (BpDashboardTraining *self, bp_session *session, const char *label)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));

  self->followed = session;
  if (label != NULL && g_strcmp0 (label, self->followed_label) != 0)
    {
      g_free (self->followed_label);
      self->followed_label = g_strdup (label);
    }
}

gboolean
bp_dashboard_training_is_following (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  /* (The session is not looked at here: it may be gone since the poll.) */
  return self->box == NULL && self->followed != NULL && !self->dismissed_now;
}
