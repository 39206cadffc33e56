/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's learning curves: every run's training loss, accuracy and learning rate per
 * step (smoothed as the slider says) with its validation figures per epoch, in the run's
 * colour; and the runs chart, every shown run's validation loss by epoch. Fed incrementally
 * from the runs: each update appends only what a run gained. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include <math.h>

typedef struct {
  BpDashboard *dash;
  BpRun *run;
  guint loss, vloss, acc, vacc, lr, epochs; /* series ids (epochs: in the runs chart) */
  gsize steps_fed, epochs_fed;
} RunCurves;

static void
remove_series (RunCurves *rc)
{
  BpDashboard *self = rc->dash;

  bp_chart_remove_series (self->loss_chart, rc->loss);
  bp_chart_remove_series (self->loss_chart, rc->vloss);
  bp_chart_remove_series (self->acc_chart, rc->acc);
  bp_chart_remove_series (self->acc_chart, rc->vacc);
  bp_chart_remove_series (self->lr_chart, rc->lr);
  bp_chart_remove_series (self->runs_chart, rc->epochs);
}

static void
run_curves_free (gpointer data)
{
  RunCurves *rc = data;

  g_signal_handlers_disconnect_by_data (rc->run, rc);
  g_object_unref (rc->run);
  g_free (rc);
}

static void
set_visible (RunCurves *rc)
{
  BpDashboard *self = rc->dash;
  gboolean v = bp_run_get_visible (rc->run);

  bp_chart_series_set_visible (self->loss_chart, rc->loss, v);
  bp_chart_series_set_visible (self->loss_chart, rc->vloss, v);
  bp_chart_series_set_visible (self->acc_chart, rc->acc, v);
  bp_chart_series_set_visible (self->acc_chart, rc->vacc, v);
  bp_chart_series_set_visible (self->lr_chart, rc->lr, v);
  bp_chart_series_set_visible (self->runs_chart, rc->epochs, v);
}

static void
set_names (RunCurves *rc)
{
  BpDashboard *self = rc->dash;
  const char *name = bp_run_get_name (rc->run);
  g_autofree char *val = g_strdup_printf ("%s val", name);

  bp_chart_series_set_name (self->loss_chart, rc->loss, name);
  bp_chart_series_set_name (self->loss_chart, rc->vloss, val);
  bp_chart_series_set_name (self->acc_chart, rc->acc, name);
  bp_chart_series_set_name (self->acc_chart, rc->vacc, val);
  bp_chart_series_set_name (self->lr_chart, rc->lr, name);
  bp_chart_series_set_name (self->runs_chart, rc->epochs, name);
}

static void
on_run_visible (BpRun *run, GParamSpec *pspec, RunCurves *rc)
{
  set_visible (rc);
}

static void
on_run_name (BpRun *run, GParamSpec *pspec, RunCurves *rc)
{
  set_names (rc);
}

static RunCurves *
add_run (BpDashboard *self, BpRun *run)
{
  RunCurves *rc = g_new0 (RunCurves, 1);
  GdkRGBA c;

  bp_chart_palette_color (bp_run_get_color_index (run), &c);
  rc->dash = self;
  rc->run = g_object_ref (run);
  rc->loss = bp_chart_add_series (self->loss_chart, NULL, &c, BP_CHART_LINE);
  rc->vloss = bp_chart_add_series (self->loss_chart, NULL, &c, BP_CHART_LINE);
  rc->acc = bp_chart_add_series (self->acc_chart, NULL, &c, BP_CHART_LINE);
  rc->vacc = bp_chart_add_series (self->acc_chart, NULL, &c, BP_CHART_LINE);
  rc->lr = bp_chart_add_series (self->lr_chart, NULL, &c, BP_CHART_LINE);
  rc->epochs = bp_chart_add_series (self->runs_chart, NULL, &c, BP_CHART_LINE);
  bp_chart_series_set_dashed (self->loss_chart, rc->vloss, TRUE);
  bp_chart_series_set_dashed (self->acc_chart, rc->vacc, TRUE);
  set_names (rc);
  set_visible (rc);
  g_signal_connect (run, "notify::visible", G_CALLBACK (on_run_visible), rc);
  g_signal_connect (run, "notify::name", G_CALLBACK (on_run_name), rc);
  g_hash_table_insert (self->curves, run, rc);
  return rc;
}

static void
feed (BpDashboard *self, RunCurves *rc)
{
  gsize n = bp_run_get_n_steps (rc->run), ne = bp_run_get_n_epochs (rc->run);

  if (n > rc->steps_fed)
    {
      const bp_step_record *r = bp_run_get_steps (rc->run) + rc->steps_fed;
      gsize m = n - rc->steps_fed;
      g_autofree double *x = g_new (double, m);
      g_autofree float *loss = g_new (float, m);
      g_autofree float *acc = g_new (float, m);
      g_autofree float *lr = g_new (float, m);

      for (gsize i = 0; i < m; i++)
        {
          x[i] = (double) r[i].step;
          loss[i] = r[i].loss;
          acc[i] = r[i].acc;
          lr[i] = r[i].lr;
        }
      bp_chart_series_append (self->loss_chart, rc->loss, x, loss, m);
      bp_chart_series_append (self->acc_chart, rc->acc, x, acc, m);
      bp_chart_series_append (self->lr_chart, rc->lr, x, lr, m);
      rc->steps_fed = n;
    }
  if (ne > rc->epochs_fed)
    {
      const bp_epoch_record *e = bp_run_get_epochs (rc->run) + rc->epochs_fed;
      gsize m = ne - rc->epochs_fed;
      g_autofree double *x = g_new (double, m);
      g_autofree double *xe = g_new (double, m);
      g_autofree float *vloss = g_new (float, m);
      g_autofree float *vacc = g_new (float, m);
      g_autofree float *best = g_new (float, m);

      for (gsize i = 0; i < m; i++)
        {
          x[i] = (double) e[i].step;
          xe[i] = e[i].epoch;
          vloss[i] = (float) e[i].val_loss;
          vacc[i] = (float) e[i].val_acc;
          /* Without a validation set, the epoch's training loss is what there is. */
          best[i] = (float) (isfinite (e[i].val_loss) ? e[i].val_loss : e[i].train_loss);
        }
      bp_chart_series_append (self->loss_chart, rc->vloss, x, vloss, m);
      bp_chart_series_append (self->acc_chart, rc->vacc, x, vacc, m);
      bp_chart_series_append (self->runs_chart, rc->epochs, xe, best, m);
      rc->epochs_fed = ne;
    }
}

void
_bp_dashboard_curves_update (BpDashboard *self)
{
  GListModel *runs = bp_dashboard_training_get_runs (self->training);
  guint n = g_list_model_get_n_items (runs);
  GHashTableIter iter;
  gpointer key, value;

  /* Deleted runs lose their curves. */
  if (g_hash_table_size (self->curves) > n)
    {
      g_hash_table_iter_init (&iter, self->curves);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint pos;

          if (!g_list_store_find (G_LIST_STORE (runs), key, &pos))
            {
              remove_series (value);
              g_hash_table_iter_remove (&iter);
            }
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (BpRun) run = g_list_model_get_item (runs, i);
      RunCurves *rc = g_hash_table_lookup (self->curves, run);

      if (rc == NULL)
        rc = add_run (self, run);
      feed (self, rc);
    }
}

static void
on_delete_run (BpRunsView *view, BpRun *run, BpDashboard *self)
{
  bp_dashboard_training_delete_run (self->training, run);
  _bp_dashboard_curves_update (self);
}

static void
on_log_toggled (GtkCheckButton *check, BpDashboard *self)
{
  bp_chart_set_log_y (self->loss_chart, gtk_check_button_get_active (check));
}

void
_bp_dashboard_curves_init (BpDashboard *self)
{
  self->curves = g_hash_table_new_full (NULL, NULL, NULL, run_curves_free);
  g_object_bind_property (self->smoothing_adjustment, "value", self->loss_chart, "smoothing",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->smoothing_adjustment, "value", self->acc_chart, "smoothing",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect (self->log_check, "toggled", G_CALLBACK (on_log_toggled), self);
  bp_chart_set_x_label (self->loss_chart, "step");
  bp_chart_set_x_label (self->acc_chart, "step");
  bp_chart_set_x_label (self->lr_chart, "step");
  bp_chart_set_x_label (self->runs_chart, "epoch");
  bp_runs_view_set_runs (self->runs_view, bp_dashboard_training_get_runs (self->training));
  g_signal_connect (self->runs_view, "delete-run", G_CALLBACK (on_delete_run), self);
}

void
_bp_dashboard_curves_dispose (BpDashboard *self)
{
  g_clear_pointer (&self->curves, g_hash_table_unref);
}
