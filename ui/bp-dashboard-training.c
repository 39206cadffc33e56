/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDashboardTraining: the object, its own session and runs (start, the commands, poll), and
 * the run list. Followed runs: bp-dashboard-training-follow.c; settings and networks in
 * words: bp-dashboard-training-settings.c; deleting a run: bp-dashboard-training-delete.c. */
#include "bp-config.h"
#include "bp-cpu-share.h"

#include "bp-dashboard-training-private.h"

#include <math.h>
#include <string.h>

#define READ_CHUNK 4096

G_DEFINE_FINAL_TYPE (BpDashboardTraining, bp_dashboard_training, G_TYPE_OBJECT)

/* ---- runs ---- */

static void
live_run_free (gpointer data)
{
  BpLiveRun *lr = data;

  g_object_unref (lr->run);
  g_clear_pointer (&lr->box, bp_session_box_unref);
  g_free (lr);
}

static BpRun *
add_run (BpDashboardTraining *self, const BpDataSource *src, guint64 session_run)
{
  g_autofree char *model = bp_train_settings_describe (&self->settings, src);
  g_autofree char *name = g_strdup_printf ("run %u", self->next_run_id);
  BpRunInfo info = {
    .dataset = src->ds->name,
    .model = model,
    .optimizer = (char *) bp_optim_name (self->settings.optimizer),
    .lr = self->settings.lr,
    .batch_size = self->settings.batch_size,
    .seed = self->settings.seed,
    .params = (gint64) bp_spec_param_count (&self->spec),
    .planned_steps = (guint64) MAX (self->settings.epochs, 0)
                     * _bp_train_steps_per_epoch (src, self->settings.batch_size),
    .planned_epochs = MAX (self->settings.epochs, 0),
  };

  return _bp_dashboard_training_add_live (self, name, &info, self->box, session_run);
}

BpRun *
_bp_dashboard_training_add_live (BpDashboardTraining *self, const char *name,
                                 const BpRunInfo *info, BpSessionBox *box, guint64 session_run)
{
  BpRun *run = bp_run_new (self->next_run_id, name, info);
  BpLiveRun *lr = g_new0 (BpLiveRun, 1);

  bp_run_set_color_index (run, self->next_run_id - 1);
  self->next_run_id++;
  lr->run = run; /* the list's reference; the store takes its own */
  lr->box = box != NULL ? bp_session_box_ref (box) : NULL;
  lr->session_run = session_run;
  g_ptr_array_add (self->live, lr);
  g_list_store_append (self->runs, run);
  return run;
}

gboolean
_bp_dashboard_training_read_run (BpLiveRun *lr, bp_session *session)
{
  const bp_metric_log *log = bp_session_metric_log_of_run (session, lr->session_run);
  g_autofree bp_step_record *steps = NULL;
  bp_epoch_record epochs[64];
  gboolean any = FALSE;
  size_t n;

  if (log == NULL)
    return FALSE;
  steps = g_new (bp_step_record, READ_CHUNK);
  while ((n = bp_metric_log_read_steps (log, lr->steps_read, steps, READ_CHUNK)) > 0)
    {
      bp_run_append_steps (lr->run, steps, n);
      lr->steps_read += n;
      any = TRUE;
    }
  while ((n = bp_metric_log_read_epochs (log, lr->epochs_read, epochs, G_N_ELEMENTS (epochs)))
         > 0)
    {
      bp_run_append_epochs (lr->run, epochs, n);
      lr->epochs_read += n;
      any = TRUE;
    }
  return any;
}

/* ---- GObject ---- */

static void
bp_dashboard_training_dispose (GObject *object)
{
  BpDashboardTraining *self = BP_DASHBOARD_TRAINING (object);

  g_ptr_array_set_size (self->live, 0);
  g_clear_pointer (&self->box, bp_session_box_unref);
  G_OBJECT_CLASS (bp_dashboard_training_parent_class)->dispose (object);
}

static void
bp_dashboard_training_finalize (GObject *object)
{
  BpDashboardTraining *self = BP_DASHBOARD_TRAINING (object);

  g_ptr_array_unref (self->live);
  g_object_unref (self->runs);
  g_free (self->followed_label);
  G_OBJECT_CLASS (bp_dashboard_training_parent_class)->finalize (object);
}

static void
bp_dashboard_training_class_init (BpDashboardTrainingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_dashboard_training_dispose;
  object_class->finalize = bp_dashboard_training_finalize;
}

static void
bp_dashboard_training_init (BpDashboardTraining *self)
{
  self->runs = g_list_store_new (BP_TYPE_RUN);
  self->live = g_ptr_array_new_with_free_func (live_run_free);
  self->next_run_id = 1;
  self->status.loss = NAN;
  self->followed_label = g_strdup ("playground");
}

/* ---- public API ---- */

BpDashboardTraining *
bp_dashboard_training_new (void)
{
  return g_object_new (BP_TYPE_DASHBOARD_TRAINING, NULL);
}

gboolean
bp_dashboard_training_start (BpDashboardTraining *self, BpDataSource *src,
                             const BpTrainSettings *settings, GError **error)
{
  char err[512] = "";
  guint64 session_run;

  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  g_return_val_if_fail (src != NULL && settings != NULL, FALSE);

  self->settings = *settings;
  _bp_train_settings_build_spec (&self->settings, src, &self->spec, self->layers);
  if (self->box != NULL && self->box->src == src)
    {
      /* The same data: the session stays, with a new network and a new run: the one after
       * the run of now (read before the rebuild is queued: a paused trainer applies it at
       * once, and reading after could see the new run already). */
      session_run = bp_session_run (self->box->session) + 1;
      bp_session_pause (self->box->session);
      if (bp_session_rebuild (self->box->session, &self->spec, settings->seed, err, sizeof err)
          != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
          return FALSE;
        }
      bp_session_set_limits (self->box->session, settings->epochs, 0);
      /* The rebuild starts the new run once the trainer applies it; poll() reads the previous
       * one to its end and lets it go. */
    }
  else
    {
      bp_session_config cfg;
      bp_session *session;

      bp_session_config_defaults (&cfg, &self->spec);
      cfg.max_epochs = settings->epochs;
      cfg.trainer_nice = bp_cpu_share_trainer_nice ();
      cfg.snapshots.interval_s = 1.0;
      cfg.snapshots.histograms = false; /* the history has them; snapshots go unread */
      cfg.snapshots.grid = false;
      cfg.snapshots.neurons = false;
      cfg.snapshots.weights = false;
      cfg.history_every = _bp_train_history_every (src, settings->batch_size);
      session = bp_session_new (&self->spec, src->ds, &src->split, bp_data_source_get_scaler (src),
                                &cfg, err, sizeof err);
      if (session == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
          return FALSE;
        }
      /* The old session's runs keep their box until poll() has read them to the end. */
      if (self->box != NULL)
        bp_session_pause (self->box->session);
      g_clear_pointer (&self->box, bp_session_box_unref);
      self->box = bp_session_box_new (session, src);
      session_run = 1;
    }
  memset (&self->status, 0, sizeof self->status);
  self->status.loss = NAN;
  add_run (self, src, session_run);
  return TRUE;
}

void
bp_dashboard_training_play (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_play (self->box->session);
}

void
bp_dashboard_training_pause (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_pause (self->box->session);
}

void
bp_dashboard_training_step (BpDashboardTraining *self, guint64 steps)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_step (self->box->session, steps);
}

void
bp_dashboard_training_stop (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_stop (self->box->session);
}

void
bp_dashboard_training_close (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));

  if (self->box == NULL)
    return;
  bp_session_pause (self->box->session);
  bp_dashboard_training_poll (self);
  for (guint i = self->live->len; i-- > 0;)
    if (((BpLiveRun *) g_ptr_array_index (self->live, i))->box != NULL)
      g_ptr_array_remove_index (self->live, i);
  g_clear_pointer (&self->box, bp_session_box_unref);
  /* "PAUSED and zeros without a session": nothing trains here now. */
  memset (&self->status, 0, sizeof self->status);
  self->status.loss = NAN;
}

const char *
_bp_dashboard_training_state_word (const bp_session_status *st)
{
  switch (st->state)
    {
    case BP_SESSION_RUNNING: return "training";
    case BP_SESSION_FINISHED: return st->reason == BP_REASON_EARLY_STOP ? "stopped early"
                                                                         : "finished";
    case BP_SESSION_DIVERGED: return "diverged";
    case BP_SESSION_PAUSED:
    default: return "paused";
    }
}

gboolean
bp_dashboard_training_poll (BpDashboardTraining *self)
{
  gboolean changed = FALSE;
  guint64 current;

  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);

  if (self->box == NULL)
    return _bp_dashboard_training_poll_followed (self);
  bp_session_get_status (self->box->session, &self->status);
  current = self->status.run;
  for (guint i = 0; i < self->live->len;)
    {
      BpLiveRun *lr = g_ptr_array_index (self->live, i);
      gboolean same_session = lr->box == self->box;

      if (lr->box != NULL)
        changed |= _bp_dashboard_training_read_run (lr, lr->box->session);
      if (same_session && lr->session_run == current)
        bp_run_set_state (lr->run, _bp_dashboard_training_state_word (&self->status));
      /* A run of another session, or before the current one, writes no more once the
       * trainer has moved on: read to its end (done above), then let it go. */
      if (!same_session || lr->session_run < current)
        {
          if (lr->box != NULL)
            bp_run_set_state (lr->run, bp_run_get_n_epochs (lr->run) > 0 ? "finished" : "ended");
          g_ptr_array_remove_index (self->live, i);
          continue;
        }
      i++;
    }
  return changed;
}

gboolean
bp_dashboard_training_has_session (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  return self->box != NULL;
}

bp_session *
bp_dashboard_training_get_session (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? self->box->session : NULL;
}

BpSessionBox *
bp_dashboard_training_get_box (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? bp_session_box_ref (self->box) : NULL;
}

BpDataSource *
bp_dashboard_training_get_source (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? self->box->src : NULL;
}

const BpTrainSettings *
bp_dashboard_training_get_settings (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return &self->settings;
}

const bp_session_status *
bp_dashboard_training_get_status (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return &self->status;
}

const char *
bp_dashboard_training_get_layer_name (BpDashboardTraining *self, int layer)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  if (self->box == NULL || layer < 0 || layer >= self->spec.n_layers)
    return NULL;
  return self->layers[layer].name;
}

const bp_spec *
bp_dashboard_training_get_spec (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? &self->spec : NULL;
}

const bp_hist_history *
bp_dashboard_training_get_history (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? bp_session_hist_history (self->box->session) : NULL;
}

GListModel *
bp_dashboard_training_get_runs (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return G_LIST_MODEL (self->runs);
}

BpRun *
bp_dashboard_training_get_current_run (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);

  /* Ours while we have a session, else the followed session's newest. */
  for (guint i = self->live->len; i-- > 0;)
    {
      BpLiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box == self->box)
        return lr->run;
    }
  return NULL;
}
