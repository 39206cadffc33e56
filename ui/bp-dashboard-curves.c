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
  gsize steps_fed[4], epochs_fed[4];        /* what each chart has, by BpCurvesCharts bit */
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
  /* One point an epoch: shown as measured, each marked, not smoothed away under the slider. */
  bp_chart_series_set_sparse (self->loss_chart, rc->vloss, TRUE);
  bp_chart_series_set_sparse (self->acc_chart, rc->vacc, TRUE);
  bp_chart_series_set_sparse (self->runs_chart, rc->epochs, TRUE);
  set_names (rc);
  set_visible (rc);
  g_signal_connect (run, "notify::visible", G_CALLBACK (on_run_visible), rc);
  g_signal_connect (run, "notify::name", G_CALLBACK (on_run_name), rc);
  g_hash_table_insert (self->curves, run, rc);
  return rc;
}

/* Steps [from, n) of the run into a chart's series: the loss, the accuracy or the learning
 * rate. */
static void
feed_steps (BpChart *chart, guint id, const bp_step_record *r, gsize from, gsize n,
            BpCurvesCharts which)
{
  gsize m = n - from;
  g_autofree double *x = g_new (double, m);
  g_autofree float *y = g_new (float, m);

  for (gsize i = 0; i < m; i++)
    {
      const bp_step_record *s = &r[from + i];

      x[i] = (double) s->step;
      y[i] = which == BP_CURVES_LOSS ? s->loss : which == BP_CURVES_ACC ? s->acc : s->lr;
    }
  bp_chart_series_append (chart, id, x, y, m);
}

/* Epochs [from, n): the validation loss or accuracy by step, or (runs chart) the best figure
 * there is by epoch. */
static void
feed_epochs (BpChart *chart, guint id, const bp_epoch_record *e, gsize from, gsize n,
             BpCurvesCharts which)
{
  gsize m = n - from;
  g_autofree double *x = g_new (double, m);
  g_autofree float *y = g_new (float, m);

  for (gsize i = 0; i < m; i++)
    {
      const bp_epoch_record *r = &e[from + i];

      x[i] = which == BP_CURVES_RUNS ? r->epoch : (double) r->step;
      if (which == BP_CURVES_LOSS)
        y[i] = (float) r->val_loss;
      else if (which == BP_CURVES_ACC)
        y[i] = (float) r->val_acc;
      else /* Without a validation set, the epoch's training loss is what there is. */
        y[i] = (float) (isfinite (r->val_loss) ? r->val_loss : r->train_loss);
    }
  bp_chart_series_append (chart, id, x, y, m);
}

static void
feed (BpDashboard *self, RunCurves *rc, BpCurvesCharts charts)
{
  gsize n = bp_run_get_n_steps (rc->run), ne = bp_run_get_n_epochs (rc->run);
  const bp_step_record *steps = bp_run_get_steps (rc->run);
  const bp_epoch_record *epochs = bp_run_get_epochs (rc->run);
  const struct {
    BpCurvesCharts which;
    BpChart *chart;
    guint steps_id, epochs_id; /* 0: none */
  } to[4] = {
    { BP_CURVES_LOSS, self->loss_chart, rc->loss, rc->vloss },
    { BP_CURVES_ACC, self->acc_chart, rc->acc, rc->vacc },
    { BP_CURVES_LR, self->lr_chart, rc->lr, 0 },
    { BP_CURVES_RUNS, self->runs_chart, 0, rc->epochs },
  };

  for (int k = 0; k < 4; k++)
    {
      if ((charts & to[k].which) == 0)
        continue;
      if (to[k].steps_id != 0 && n > rc->steps_fed[k])
        feed_steps (to[k].chart, to[k].steps_id, steps, rc->steps_fed[k], n, to[k].which);
      if (to[k].epochs_id != 0 && ne > rc->epochs_fed[k])
        feed_epochs (to[k].chart, to[k].epochs_id, epochs, rc->epochs_fed[k], ne, to[k].which);
      rc->steps_fed[k] = n;
      rc->epochs_fed[k] = ne;
    }
}

/* A run put back by Undo gets its series last: they go before the next run's, so the legends
 * list the runs in the table's order again. */
static void
place_before_next (BpDashboard *self, RunCurves *rc, GListModel *runs, guint next)
{
  g_autoptr (BpRun) run = next < g_list_model_get_n_items (runs)
                            ? g_list_model_get_item (runs, next) : NULL;
  RunCurves *nc = run != NULL ? g_hash_table_lookup (self->curves, run) : NULL;

  if (nc == NULL)
    return;
  bp_chart_move_series_before (self->loss_chart, rc->loss, nc->loss);
  bp_chart_move_series_before (self->loss_chart, rc->vloss, nc->loss);
  bp_chart_move_series_before (self->acc_chart, rc->acc, nc->acc);
  bp_chart_move_series_before (self->acc_chart, rc->vacc, nc->acc);
  bp_chart_move_series_before (self->lr_chart, rc->lr, nc->lr);
  bp_chart_move_series_before (self->runs_chart, rc->epochs, nc->epochs);
}

void
_bp_dashboard_curves_update (BpDashboard *self, BpCurvesCharts charts)
{
  GListModel *runs = bp_dashboard_training_get_runs (self->training);
  guint n = g_list_model_get_n_items (runs);
  GHashTableIter iter;
  gpointer key, value;
  guint64 planned_steps = 0;
  int planned_epochs = 0;
  double floor_steps;

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
        {
          rc = add_run (self, run);
          place_before_next (self, rc, runs, i + 1);
        }
      feed (self, rc, charts);
      if (bp_run_get_visible (run))
        {
          planned_steps = MAX (planned_steps, bp_run_get_info (run)->planned_steps);
          planned_epochs = MAX (planned_epochs, bp_run_get_info (run)->planned_epochs);
        }
    }
  /* The step axes span the longest planned run shown from its start, so a live curve grows
   * into a fixed frame (and each update repaints only its new strip, bench/UI.md). */
  floor_steps = planned_steps > 0 ? (double) planned_steps : NAN;
  bp_chart_set_x_floor (self->loss_chart, 0, floor_steps);
  bp_chart_set_x_floor (self->acc_chart, 0, floor_steps);
  bp_chart_set_x_floor (self->lr_chart, 0, floor_steps);
  bp_chart_set_x_floor (self->runs_chart, NAN, planned_epochs > 0 ? planned_epochs : NAN);
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
  /* Losses and rates are never negative, accuracies lie in [0, 1]: the axes keep to that. */
  bp_chart_set_y_bounds (self->loss_chart, 0, NAN);
  bp_chart_set_y_bounds (self->acc_chart, 0, 1);
  bp_chart_set_y_bounds (self->lr_chart, 0, NAN);
  bp_chart_set_y_bounds (self->runs_chart, 0, NAN);
  bp_runs_view_set_runs (self->runs_view, bp_dashboard_training_get_runs (self->training));
  _bp_dashboard_runs_init (self); /* delete and undo: bp-dashboard-runs.c */
}

void
_bp_dashboard_curves_dispose (BpDashboard *self)
{
  g_clear_pointer (&self->curves, g_hash_table_unref);
}
