/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the playground's controls change: the hyperparameter bar, the data panel, the points
 * added on the heatmap and the edits made in the network view. */
#include "bp-config.h"

#include "bp-playground.h"

#include "bp-ui.h"

#include "bp-playground-private.h"

#include <math.h>
#include <string.h>

static gboolean
kind_is_regression (bp_synth_kind kind)
{
  return kind == BP_SYNTH_REG_PLANE || kind == BP_SYNTH_REG_GAUSS;
}

/* Switching the problem type: the points shown (clicks included) are kept for when it comes
 * back, and those kept of the new type come back if they are of the dataset and generator
 * settings asked for. TRUE when they did (and a session was started on them). */
static gboolean
switch_problem_points (BpPlayground *self, const BpPgDataParams *p)
{
  bp_task now = kind_is_regression (p->kind) ? BP_TASK_REGRESSION : BP_TASK_CLASSIFICATION;
  BpPgData *back = self->saved[now];
  gboolean same_ratio;

  if (self->data->task == now || !self->data->built)
    return FALSE;
  g_clear_pointer (&self->saved[self->data->task], bp_pg_data_free);
  self->saved[self->data->task] = bp_pg_data_copy (self->data);
  if (back == NULL || back->params.kind != p->kind || back->params.n_points != p->n_points
      || back->params.noise != p->noise || back->params.seed != p->seed
      || back->params.n_classes != p->n_classes)
    return FALSE;
  same_ratio = back->params.train_ratio == p->train_ratio;
  /* The session borrows the data: it goes before the points change. */
  _bp_pg_free_session (self);
  bp_pg_data_assign (self->data, back);
  g_clear_pointer (&self->saved[now], bp_pg_data_free);
  self->data->params = *p;
  if (!same_ratio)
    bp_pg_data_resplit (self->data);
  _bp_pg_new_session (self, FALSE);
  return TRUE;
}

static void
on_hyper_changed (BpHyperBar *bar, guint field, BpPlayground *self)
{
  BpPgProblem old_problem = self->hyper.problem;

  bp_hyper_bar_get_settings (bar, &self->hyper);
  if (field & (BP_HYPER_LR | BP_HYPER_REGULARIZATION))
    _bp_pg_apply_live (self);
  if (field & BP_HYPER_PROBLEM && self->hyper.problem != old_problem)
    {
      /* The problem type picks a dataset of its kind: the one it had, if any. */
      gboolean regression = self->hyper.problem == BP_PG_PROBLEM_REGRESSION;
      const BpPgData *back = self->saved[regression ? BP_TASK_REGRESSION
                                                    : BP_TASK_CLASSIFICATION];
      bp_synth_kind kind = regression ? BP_SYNTH_REG_PLANE : BP_SYNTH_SPIRAL;

      if (back != NULL && kind_is_regression (back->params.kind) == regression)
        kind = back->params.kind;
      bp_data_panel_select_kind (self->data_panel, kind);
      return;
    }
  if (field & BP_HYPER_ACTIVATION)
    for (int i = 0; i < BP_NV_MAX_HIDDEN_LAYERS; i++)
      self->activations[i] = self->hyper.activation;
  if (field & (BP_HYPER_ACTIVATION | BP_HYPER_OPTIMIZER))
    {
      if (_bp_pg_rebuild_network (self))
        _bp_pg_cue (self, "Network changed: training starts again");
    }
}

static void
on_data_changed (BpDataPanel *panel, guint field, BpPlayground *self)
{
  BpPgDataParams p;
  int batch;

  bp_data_panel_get_params (panel, &p, &batch);
  if (field & BP_DATA_BATCH)
    {
      self->batch_size = batch;
      _bp_pg_apply_live (self);
      return;
    }
  if (field & BP_DATA_KIND)
    {
      gboolean regression = kind_is_regression (p.kind);
      BpHyperSettings h = self->hyper;

      h.problem = regression ? BP_PG_PROBLEM_REGRESSION : BP_PG_PROBLEM_CLASSIFICATION;
      if (h.problem != self->hyper.problem)
        {
          self->hyper.problem = h.problem;
          bp_hyper_bar_set_settings (self->hyper_bar, &self->hyper);
        }
      /* Refresh what depends on the kind (the classes spin). */
      bp_data_panel_set_params (panel, &p, batch);
      if (switch_problem_points (self, &p))
        return;
    }
  if (field & BP_DATA_RATIO)
    bp_pg_data_resplit (self->data);
  self->data->params = p;
  /* Ratio and features only rebuild the columns and the split; the rest makes new points. */
  _bp_pg_new_session (self, (field & (BP_DATA_RATIO | BP_DATA_FEATURES)) == 0);
}

static void
on_csv_chosen (GtkNativeDialog *dialog, int response, BpPlayground *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;
  path = g_file_get_path (file);
  if (path != NULL)
    bp_playground_load_csv (self, path, NULL);
}

static void
on_load_csv (BpDataPanel *panel, BpPlayground *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = gtk_file_chooser_native_new ("Load Points from CSV",
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", "_Cancel");
  gtk_file_filter_set_name (filter, "CSV files");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_csv_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_add_point (BpHeatmap *heatmap, double x, double y, BpPlayground *self)
{
  int label;
  float target;

  bp_data_panel_get_add_value (self->data_panel, &label, &target);
  if (bp_pg_data_add_point (self->data, (float) x, (float) y, label, target))
    _bp_pg_new_session (self, FALSE);
}

static void
on_remove_point (BpHeatmap *heatmap, double x, double y, BpPlayground *self)
{
  /* Within 0.4 data units, about 10 pixels at the usual size. */
  if (bp_pg_data_remove_near (self->data, (float) x, (float) y, 0.4f))
    _bp_pg_new_session (self, FALSE);
}

static void
change_layers (BpPlayground *self, int column, int delta_layers, int delta_neurons)
{
  int old_n = self->n_hidden, old[BP_NV_MAX_HIDDEN_LAYERS];

  memcpy (old, self->hidden, sizeof old);
  if (delta_layers > 0 && self->n_hidden < BP_NV_MAX_HIDDEN_LAYERS)
    {
      /* A new layer copies the last one's width and activation. */
      self->hidden[self->n_hidden] = self->n_hidden > 0 ? self->hidden[self->n_hidden - 1] : 4;
      self->activations[self->n_hidden] = self->n_hidden > 0
                                            ? self->activations[self->n_hidden - 1]
                                            : self->hyper.activation;
      self->n_hidden++;
    }
  else if (delta_layers < 0 && self->n_hidden > 0)
    self->n_hidden--;
  else if (column >= 1 && column <= self->n_hidden)
    self->hidden[column - 1] = CLAMP (self->hidden[column - 1] + delta_neurons, 1,
                                      BP_NV_MAX_NEURONS);
  if (self->n_hidden == old_n && memcmp (old, self->hidden, sizeof old) == 0)
    return;
  if (!_bp_pg_rebuild_network (self))
    {
      self->n_hidden = old_n;
      memcpy (self->hidden, old, sizeof old);
      return;
    }
  _bp_pg_cue (self, "Network changed: training starts again");
}

static void
on_add_layer (BpNetworkView *view, BpPlayground *self)
{
  change_layers (self, -1, +1, 0);
}

static void
on_remove_layer (BpNetworkView *view, BpPlayground *self)
{
  change_layers (self, -1, -1, 0);
}

static void
on_add_neuron (BpNetworkView *view, int column, BpPlayground *self)
{
  change_layers (self, column, 0, +1);
}

static void
on_remove_neuron (BpNetworkView *view, int column, BpPlayground *self)
{
  change_layers (self, column, 0, -1);
}

static void
on_weight_edited (BpNetworkView *view, int layer, int out, int in, double value,
                  BpPlayground *self)
{
  _bp_pg_set_weight (self, layer, out, in, value);
}

static void
on_choice_changed (BpNetworkView *view, int column, int index, BpPlayground *self)
{
  const bp_act *acts = bp_hyper_bar_activations ();
  bp_act old;

  if (column < 1 || column > self->n_hidden)
    return;
  old = self->activations[column - 1];
  self->activations[column - 1] = acts[index];
  if (old == acts[index])
    return;
  if (_bp_pg_rebuild_network (self))
    _bp_pg_cue (self, "Activation changed: training starts again");
  else
    self->activations[column - 1] = old;
}

static void
on_neuron_hovered (BpNetworkView *view, int column, int index, BpPlayground *self)
{
  self->hover_column = column;
  self->hover_index = index;
  _bp_pg_update_overlay (self);
}

void
_bp_pg_update_discretize (BpPlayground *self)
{
  gboolean classes = self->data->task == BP_TASK_CLASSIFICATION;

  /* A regression output is a value, not a class: there is no boundary to sharpen. The box
   * keeps its tick for when classification comes back. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->discretize_check), classes);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->discretize_check),
                               classes ? "Colour each place by the class the network picks, "
                                         "without shades of confidence"
                                       : "Only for classification: a regression output is a "
                                         "value, not a class");
  bp_heatmap_set_discretize (self->heatmap,
                             classes && gtk_check_button_get_active (self->discretize_check));
}

/* The template's handlers for the bar, the data panel, the heatmap and the network view. */
void
_bp_pg_bind_controls (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_hyper_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_data_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_load_csv);
  gtk_widget_class_bind_template_callback (widget_class, on_add_point);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_point);
  gtk_widget_class_bind_template_callback (widget_class, on_add_layer);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_layer);
  gtk_widget_class_bind_template_callback (widget_class, on_add_neuron);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_neuron);
  gtk_widget_class_bind_template_callback (widget_class, on_weight_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_neuron_hovered);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_changed);
}
