/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Train on the builder page: a session (engine/session.h) built from the canvas's spec, the
 * page's dataset and its training settings. A frame-clock tick, installed only while a run has
 * something new to show, reads the metric log (lock-free) into the Run chart and the status
 * line; the trainer never waits for the window. */
#include "bp-config.h"
#include "bp-cpu-share.h"

#include "bp-builder-private.h"

#include <math.h>
#include <string.h>

#define READ_CHUNK 256
#define READ_BUDGET_US 4000
/* The Run panel with no run to show (as the page's template starts). */
#define RUN_HINT "Press Train to train this network on the dataset of the Training tab."

static void
set_training (BpBuilder *self, gboolean training)
{
  if (self->training == training)
    return;
  self->training = training;
  _bp_builder_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_TRAINING]);
}

void
_bp_builder_free_session (BpBuilder *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  if (self->session == NULL)
    return;
  g_clear_pointer (&self->session, bp_session_free);
  g_clear_pointer (&self->session_spec, g_free);
  g_clear_pointer (&self->session_doc, g_free);
  set_training (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_SESSION]);
}

gboolean
_bp_builder_run_open (BpBuilder *self)
{
  if (self->training || self->train_when_loaded)
    return TRUE;
  /* A paused run (or one that diverged) can still be ended; a finished one is over. */
  return self->session != NULL && bp_session_get_state (self->session) != BP_SESSION_FINISHED;
}

static void
show_status (BpBuilder *self, const bp_session_status *st)
{
  const bp_epoch_record *last = self->have_last_epoch ? &self->last_epoch : NULL;
  GString *s = g_string_new (NULL);
  char rate[32];

  g_string_append_printf (s, "Epoch %u of %d", MIN (st->epoch + (st->state == BP_SESSION_RUNNING),
                                                    (guint) self->graph->epochs),
                          self->graph->epochs);
  if (st->state == BP_SESSION_RUNNING && st->steps_per_epoch > 0)
    g_string_append_printf (s, " · step %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT,
                            st->epoch_step, st->steps_per_epoch);
  if (!isnan (st->loss))
    g_string_append_printf (s, " · batch loss %.4g", (double) st->loss);
  if (st->samples_per_s > 0 && st->state == BP_SESSION_RUNNING)
    g_string_append_printf (s, " · %s samples/s",
                            bp_format_count (st->samples_per_s, TRUE, rate, sizeof rate));
  if (last != NULL)
    {
      g_string_append_printf (s, "\nLast epoch: loss %.4g", last->train_loss);
      if (!isnan (last->val_loss))
        g_string_append_printf (s, " · val loss %.4g", last->val_loss);
      if (!isnan (last->val_acc))
        g_string_append_printf (s, " · val acc %.1f%%", 100 * last->val_acc);
      else if (!isnan (last->train_acc))
        g_string_append_printf (s, " · acc %.1f%%", 100 * last->train_acc);
    }
  if (st->state != BP_SESSION_RUNNING)
    g_string_append_printf (s, "\n%s%s%s", bp_session_state_name (st->state),
                            st->message[0] != '\0' ? ": " : "", st->message);
  gtk_label_set_text (self->run_label, s->str);
  g_string_free (s, TRUE);
}

/* Reads what the trainer published since the last frame. */
static gboolean
read_log (BpBuilder *self, bp_session_status *st)
{
  /* The run this chart shows: after a reset the trainer starts the next one when it gets to
   * the command, and until then there is nothing new to read. */
  const bp_metric_log *log = bp_session_metric_log_of_run (self->session, self->log_run);
  bp_epoch_record er[READ_CHUNK];
  bp_step_record sr[READ_CHUNK];
  double x[READ_CHUNK];
  float y[READ_CHUNK], v[READ_CHUNK];
  size_t n;
  gboolean more = FALSE;
  double per_epoch;
  gint64 until = g_get_monotonic_time () + READ_BUDGET_US;

  bp_session_get_status (self->session, st);
  if (log == NULL)
    return st->run < self->log_run;
  per_epoch = st->steps_per_epoch > 0 ? (double) st->steps_per_epoch : 1.0;
  /* Batch losses as fractions of an epoch, chunk by chunk for a few milliseconds at most so
   * a frame stays short; the tick comes back for the rest. A small network makes a thousand
   * steps a second and more: one chunk per frame would fall behind when frames are slow. */
  do
    {
      n = bp_metric_log_read_steps (log, self->steps_read, sr, READ_CHUNK);
      for (size_t i = 0; i < n; i++)
        {
          x[i] = (double) sr[i].step / per_epoch;
          y[i] = sr[i].loss;
        }
      if (n > 0)
        bp_chart_series_append (self->chart, self->series_loss, x, y, n);
      self->steps_read += n;
    }
  while (n == READ_CHUNK && g_get_monotonic_time () < until);
  more |= n == READ_CHUNK;

  n = bp_metric_log_read_epochs (log, self->epochs_read, er, READ_CHUNK);
  for (size_t i = 0; i < n; i++)
    {
      x[i] = er[i].epoch;
      v[i] = (float) er[i].val_loss;
    }
  if (n > 0)
    {
      bp_chart_series_append (self->chart, self->series_val_loss, x, v, n);
      self->last_epoch = er[n - 1];
      self->have_last_epoch = TRUE;
    }
  self->epochs_read += n;
  more |= n == READ_CHUNK;
  return more;
}

static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BpBuilder *self = BP_BUILDER (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  bp_session_status st;
  gboolean more, waiting;

  if (self->session == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  more = read_log (self, &st);
  if (st.state == BP_SESSION_RUNNING || st.step > self->play_step)
    self->play_seen = TRUE;
  /* Commands not applied yet: a reset (the next run), a step command's steps, a play. */
  waiting = st.run < self->log_run
            || (st.step < self->step_target && st.state == BP_SESSION_PAUSED)
            || (self->training && !self->play_seen && st.state == BP_SESSION_PAUSED);
  /* Text a few times a second: faster only flickers. */
  if (st.state != BP_SESSION_RUNNING || now - self->status_time > G_USEC_PER_SEC / 4)
    {
      show_status (self, &st);
      self->status_time = now;
    }
  /* The run stopped by itself (its epochs, early stopping, divergence): say why, at once,
   * even while the chart still reads what came before. */
  if (st.state != BP_SESSION_RUNNING && !waiting && self->training)
    {
      if (st.message[0] != '\0')
        _bp_builder_message (self, st.message);
      set_training (self, FALSE);
    }
  /* Stop follows whether the run is still open (a stop command ends it a moment later). */
  if (st.state != BP_SESSION_RUNNING)
    _bp_builder_update_actions (self);
  if (st.state == BP_SESSION_RUNNING || more || waiting)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
ensure_tick (BpBuilder *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick, NULL, NULL);
}

static char *
json_without_meta (const bp_spec *spec)
{
  bp_spec *c = bp_spec_copy (spec);
  char *text, *copy;

  if (c == NULL)
    return NULL;
  g_clear_pointer (&c->meta, free);
  text = bp_spec_to_json (c);
  bp_spec_free (c);
  copy = g_strdup (text);
  free (text);
  return copy;
}

typedef struct {
  const bp_experiment *exp;
  char err[512];
} ApplyWeights;

static int
apply_weights (bp_net *net, void *user)
{
  ApplyWeights *a = user;

  return bp_experiment_apply_weights (a->exp, net, a->err, sizeof a->err);
}

/* An empty chart for run `run` of the session. */
static void
restart_chart (BpBuilder *self, guint64 run)
{
  self->log_run = run;
  self->epochs_read = self->steps_read = 0;
  self->step_target = 0;
  self->have_last_epoch = FALSE;
  self->status_time = 0;
  bp_chart_clear (self->chart);
  self->series_loss = bp_chart_add_series (self->chart, "batch loss", NULL, BP_CHART_LINE);
  self->series_val_loss = bp_chart_add_series (self->chart, "val loss", NULL, BP_CHART_LINE);
  bp_chart_series_set_dashed (self->chart, self->series_val_loss, TRUE);
  /* One point an epoch, as on the Dashboard: drawn as measured, each marked, never smoothed
   * (the 0.6 below is for the noisy batch loss). */
  bp_chart_series_set_sparse (self->chart, self->series_val_loss, TRUE);
  bp_chart_set_smoothing (self->chart, 0.6);
}

void
_bp_builder_clear_run (BpBuilder *self)
{
  restart_chart (self, 0);
  gtk_label_set_text (self->run_label, RUN_HINT);
}

/* A new session on the loaded data: it plays, or (steps > 0) runs that many steps. */
static void
start_session (BpBuilder *self, int steps)
{
  g_autoptr (GError) error = NULL;
  bp_experiment *exp = bp_builder_get_experiment (self, &error);
  bp_session_config cfg;
  char err[512];

  if (exp == NULL)
    {
      _bp_builder_message (self, error->message);
      set_training (self, FALSE);
      return;
    }
  _bp_builder_free_session (self);
  bp_experiment_session_config (exp, &cfg);
  bp_experiment_dataset_configure (self->data, &cfg);
  cfg.trainer_nice = bp_cpu_share_trainer_nice ();
  self->session = bp_session_new (exp->spec, self->data->ds, &self->data->split,
                                  bp_experiment_dataset_scaler (self->data), &cfg, err,
                                  sizeof err);
  if (self->session == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("%s (Training tab: Fit adapts the network to "
                                              "the data)", err);
      _bp_builder_message (self, msg);
      bp_experiment_free (exp);
      set_training (self, FALSE);
      _bp_builder_update_actions (self);
      return;
    }
  /* Weights read with the experiment train on when the network is still the one they fit. */
  if (self->exp->n_weights > 0)
    {
      g_autofree char *a = json_without_meta (self->exp->spec);
      g_autofree char *b = json_without_meta (exp->spec);
      ApplyWeights aw = { self->exp, "" };
      if (g_strcmp0 (a, b) == 0 && bp_session_with_net (self->session, apply_weights, &aw) < 0)
        _bp_builder_message (self, aw.err);
    }
  self->session_spec = bp_builder_get_spec_json (self);
  self->session_doc = _bp_builder_document_json (self);
  bp_experiment_free (exp);

  restart_chart (self, 1);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_SESSION]);
  gtk_stack_set_visible_child_name (self->side_stack, "run");
  if (steps > 0)
    {
      self->step_target = (guint64) steps;
      bp_session_step (self->session, (guint64) steps);
    }
  else
    {
      self->play_seen = FALSE;
      self->play_step = bp_session_get_step (self->session);
      bp_session_play (self->session);
      set_training (self, TRUE);
    }
  ensure_tick (self);
}

void
_bp_builder_data_ready (BpBuilder *self)
{
  if (!self->train_when_loaded)
    return;
  self->train_when_loaded = FALSE;
  start_session (self, self->steps_when_loaded);
  self->steps_when_loaded = 0;
}

/* The session trains the network on the canvas with the page's settings. */
static gboolean
session_matches (BpBuilder *self)
{
  g_autofree char *doc = _bp_builder_document_json (self);

  return self->session != NULL && g_strcmp0 (doc, self->session_doc) == 0;
}

/* The same network and settings with fresh weights from the spec's seed, in a new run of the
 * session, paused. Only this page resets its session, so the next run is the one after the
 * current. */
static void
reset_run (BpBuilder *self)
{
  guint64 next_run = bp_session_run (self->session) + 1;

  bp_session_reset (self->session, self->graph->seed);
  restart_chart (self, next_run);
}

gboolean
bp_builder_train (BpBuilder *self, GError **error)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);

  if (!self->report->ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Fix the network first: %s",
                   self->report->message);
      return FALSE;
    }
  if (session_matches (self))
    {
      /* After the end of a run, Train starts the next one (commands apply in order): the
       * dashboard's runs list shows them one after the other. */
      if (bp_session_get_state (self->session) == BP_SESSION_FINISHED)
        reset_run (self);
      self->play_seen = FALSE;
      self->play_step = bp_session_get_step (self->session);
      bp_session_play (self->session);
      set_training (self, TRUE);
      ensure_tick (self);
      return TRUE;
    }
  /* Training from now on for the buttons, while the data loads (Fashion-MNIST takes a
   * moment). */
  self->train_when_loaded = TRUE;
  self->steps_when_loaded = 0;
  set_training (self, TRUE);
  _bp_builder_load_data (self);
  return TRUE;
}

gboolean
bp_builder_step (BpBuilder *self, GError **error)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);

  if (!self->report->ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Fix the network first: %s",
                   self->report->message);
      return FALSE;
    }
  if (self->training)
    return TRUE;
  if (session_matches (self))
    {
      guint64 base = bp_session_get_step (self->session);

      if (bp_session_get_state (self->session) == BP_SESSION_FINISHED)
        {
          reset_run (self);
          base = 0;
        }
      self->step_target = base + 1;
      bp_session_step (self->session, 1);
      ensure_tick (self);
      return TRUE;
    }
  /* The first step of a new run: a session first, on the dataset once it is loaded. */
  self->train_when_loaded = TRUE;
  self->steps_when_loaded = 1;
  _bp_builder_load_data (self);
  return TRUE;
}

void
bp_builder_reset (BpBuilder *self)
{
  g_return_if_fail (BP_IS_BUILDER (self));

  self->train_when_loaded = FALSE;
  self->step_target = 0;
  if (self->session == NULL)
    return;
  set_training (self, FALSE);
  if (!session_matches (self))
    {
      /* It trains another network or settings than the page's: the next Train builds the new
       * one. */
      _bp_builder_free_session (self);
      gtk_label_set_text (self->run_label, RUN_HINT);
      return;
    }
  reset_run (self);
  ensure_tick (self);
}

void
bp_builder_pause (BpBuilder *self)
{
  g_return_if_fail (BP_IS_BUILDER (self));
  self->train_when_loaded = FALSE;
  self->step_target = 0;
  if (self->session != NULL)
    bp_session_pause (self->session);
  set_training (self, FALSE);
}

void
bp_builder_stop (BpBuilder *self)
{
  g_return_if_fail (BP_IS_BUILDER (self));
  self->train_when_loaded = FALSE;
  self->step_target = 0;
  if (self->session != NULL)
    {
      bp_session_stop (self->session);
      ensure_tick (self);
    }
  set_training (self, FALSE);
}

const bp_experiment_dataset *
bp_builder_get_session_data (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  /* The data are dropped only after the session is freed (_bp_builder_drop_data). */
  return self->session != NULL ? self->data : NULL;
}

bp_spec *
bp_builder_get_session_spec (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  if (self->session == NULL || self->session_spec == NULL)
    return NULL;
  return bp_spec_parse (self->session_spec, strlen (self->session_spec), NULL, 0);
}
