/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's public API after construction: the commands (run, pause, step, reset, run
 * n steps, load a CSV) and the getters the window, the header and the tests read. */
#include "bp-config.h"

#include "bp-playground.h"

#include "bp-playground-private.h"

#include <math.h>

gboolean
bp_playground_get_running (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), FALSE);
  return self->running;
}

void
bp_playground_set_running (BpPlayground *self, gboolean running)
{
  g_return_if_fail (BP_IS_PLAYGROUND (self));

  if (self->session == NULL || running == self->running)
    return;
  if (running)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      if (bp_session_get_state (self->session) == BP_SESSION_FINISHED)
        {
          self->run_target = bp_session_run (self->session) + 1;
          bp_session_reset (self->session, self->data->params.seed);
        }
      _bp_pg_play (self);
    }
  else
    bp_session_pause (self->session);
  _bp_pg_set_running_flag (self, running);
  _bp_pg_watch (self);
}

void
bp_playground_step (BpPlayground *self)
{
  g_return_if_fail (BP_IS_PLAYGROUND (self));

  if (self->session == NULL || self->running)
    return;
  self->steps_target = bp_session_get_step (self->session) + 1;
  bp_session_step (self->session, 1);
  _bp_pg_watch (self);
}

void
bp_playground_reset (BpPlayground *self)
{
  g_return_if_fail (BP_IS_PLAYGROUND (self));

  if (self->session == NULL)
    return;
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  self->run_target = bp_session_run (self->session) + 1;
  self->steps_target = 0;
  bp_session_reset (self->session, self->data->params.seed);
  _bp_pg_set_running_flag (self, FALSE);
  _bp_pg_watch (self);
}

void
bp_playground_run_steps (BpPlayground *self, int n, BpPlaygroundStepsDone done,
                         gpointer user_data)
{
  g_return_if_fail (BP_IS_PLAYGROUND (self));

  if (self->session == NULL || n <= 0)
    {
      if (done != NULL)
        done (self, user_data);
      return;
    }
  self->steps_done = done;
  self->steps_data = user_data;
  self->steps_target = bp_session_get_step (self->session) + (guint64) n;
  bp_session_step (self->session, (uint64_t) n);
  _bp_pg_watch (self);
}

gboolean
bp_playground_load_csv (BpPlayground *self, const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (BP_IS_PLAYGROUND (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* The session borrows the data: it goes before the points change. */
  _bp_pg_free_session (self);
  ok = bp_pg_data_load_csv (self->data, path, &local);
  if (ok)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *msg = g_strdup_printf ("%u points from %s", self->data->points->len, base);
      BpHyperSettings h = self->hyper;

      h.problem = self->data->task == BP_TASK_REGRESSION ? BP_PG_PROBLEM_REGRESSION
                                                         : BP_PG_PROBLEM_CLASSIFICATION;
      if (h.problem != self->hyper.problem)
        {
          self->hyper = h;
          bp_hyper_bar_set_settings (self->hyper_bar, &self->hyper);
        }
      _bp_pg_message (self, msg);
    }
  else
    {
      _bp_pg_show_error (self, local->message);
    }
  /* On failure the old points come back with a new session. */
  _bp_pg_new_session (self, FALSE);
  if (!ok && error != NULL)
    *error = g_steal_pointer (&local);
  return ok;
}

gint64
bp_playground_get_epoch (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), 0);
  return self->epoch;
}

gint64
bp_playground_get_step (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), 0);
  return self->step;
}

double
bp_playground_get_samples_per_second (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), 0);
  return self->samples_per_second;
}

double
bp_playground_get_train_loss (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NAN);
  return self->train_loss;
}

double
bp_playground_get_test_loss (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NAN);
  return self->test_loss;
}

void
bp_playground_get_training_rate (BpPlayground *self, double *epochs_per_s, double *steps_per_s)
{
  g_return_if_fail (BP_IS_PLAYGROUND (self));

  *epochs_per_s = self->run_time > 0 ? self->epoch / self->run_time : 0;
  *steps_per_s = self->run_time > 0 ? self->step / self->run_time : 0;
}

int
bp_playground_get_hidden_layers (BpPlayground *self, int *sizes, int max)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), 0);

  for (int i = 0; i < self->n_hidden && i < max; i++)
    sizes[i] = self->hidden[i];
  return self->n_hidden;
}

const char *
bp_playground_get_last_error (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->last_error;
}

BpHeatmap *
bp_playground_get_heatmap (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->heatmap;
}

BpNetworkView *
bp_playground_get_network_view (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->network_view;
}

BpLossChart *
bp_playground_get_loss_chart (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->loss_chart;
}

BpDataPanel *
bp_playground_get_data_panel (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->data_panel;
}

BpHyperBar *
bp_playground_get_hyper_bar (BpPlayground *self)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);
  return self->hyper_bar;
}

const BpHeatmapPoint *
bp_playground_get_points (BpPlayground *self, guint *n)
{
  g_return_val_if_fail (BP_IS_PLAYGROUND (self), NULL);

  *n = self->data->points->len;
  return (const BpHeatmapPoint *) (gpointer) self->data->points->data;
}
