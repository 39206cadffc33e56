/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "data/builtin.h"

G_DEFINE_FINAL_TYPE (BpDashboard, bp_dashboard, GTK_TYPE_WIDGET)

/* A page that comes on screen while a control of the page before had the focus gets it handed
 * on to its first control (GtkStack does that): here the Hidden layers field, which would then
 * take Space, the key that trains on every page. Nothing editable keeps the focus on arrival;
 * a click or Tab still gets there. */
static void
drop_text_focus (BpDashboard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self))
      && (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE) != NULL))
    gtk_root_set_focus (root, NULL);
}

static gboolean
drop_text_focus_idle (gpointer data)
{
  drop_text_focus (data);
  return G_SOURCE_REMOVE;
}

static void
bp_dashboard_map (GtkWidget *widget)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  GTK_WIDGET_CLASS (bp_dashboard_parent_class)->map (widget);
  /* The stack moves the focus after mapping its new page: look once it is done. */
  drop_text_focus (self);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, drop_text_focus_idle, g_object_ref (self),
                   g_object_unref);
  _bp_dashboard_follow_start (self);
}

static void
bp_dashboard_unmap (GtkWidget *widget)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  _bp_dashboard_follow_stop (self);
  GTK_WIDGET_CLASS (bp_dashboard_parent_class)->unmap (widget);
}

/* ---- GObject ---- */

static void
bp_dashboard_dispose (GObject *object)
{
  BpDashboard *self = BP_DASHBOARD (object);

  g_cancellable_cancel (self->cancellable);
  _bp_dashboard_curves_dispose (self);
  _bp_dashboard_eval_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_DASHBOARD);
  g_clear_object (&self->training);
  g_clear_pointer (&self->source, bp_data_source_unref);
  g_clear_pointer (&self->model, bp_model_view_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (bp_dashboard_parent_class)->dispose (object);
}

static void
bp_dashboard_class_init (BpDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_dashboard_dispose;
  widget_class->map = bp_dashboard_map;
  widget_class->unmap = bp_dashboard_unmap;

  g_type_ensure (BP_TYPE_CHART);
  g_type_ensure (BP_TYPE_CONFUSION);
  g_type_ensure (BP_TYPE_CONV_PANEL);
  g_type_ensure (BP_TYPE_DRAW_PAD);
  g_type_ensure (BP_TYPE_HISTOGRAM_VIEW);
  g_type_ensure (BP_TYPE_RUNS_VIEW);
  g_type_ensure (BP_TYPE_WEIGHT_HEATMAP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-dashboard.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, BpDashboard, name)
  BIND (root);
  BIND (data_label);
  BIND (network_box);
  BIND (network_drop);
  BIND (hidden_entry);
  BIND (activation_drop);
  BIND (optimizer_drop);
  BIND (lr_drop);
  BIND (batch_drop);
  BIND (epochs_drop);
  BIND (new_run_button);
  BIND (play_button);
  BIND (progress);
  BIND (status_label);
  BIND (stack);
  BIND (smoothing_adjustment);
  BIND (log_check);
  BIND (loss_chart);
  BIND (acc_chart);
  BIND (lr_chart);
  BIND (hist_layer_drop);
  BIND (hist_tensor_drop);
  BIND (hist_mode_drop);
  BIND (bins_drop);
  BIND (from_entry);
  BIND (to_entry);
  BIND (hist_view);
  BIND (weight_layer_drop);
  BIND (hinton_check);
  BIND (dead_label);
  BIND (weight_map);
  BIND (evaluate_button);
  BIND (norm_drop);
  BIND (eval_label);
  BIND (eval_stack);
  BIND (confusion);
  BIND (class_grid);
  BIND (gallery_label);
  BIND (gallery);
  BIND (scatter_chart);
  BIND (residual_chart);
  BIND (runs_chart);
  BIND (runs_view);
  BIND (draw_page);
  BIND (draw_pad);
  BIND (clear_button);
  BIND (prob_grid);
  BIND (conv_page);
  BIND (conv_panel);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dashboard");
}

/* What New Run trains on when no data were loaded. */
static const char *
default_source_name (void)
{
  return g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", G_FILE_TEST_EXISTS)
           ? "fashion-mnist"
           : "digits";
}

static void
bp_dashboard_init (BpDashboard *self)
{
  BpTrainSettings s;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->training = bp_dashboard_training_new ();
  self->cancellable = g_cancellable_new ();
  _bp_dashboard_toolbar_init (self);
  /* Without data New Run loads an image set (see bp_dashboard_train_default): the fields
   * show what it will train. */
  bp_train_settings_defaults_for (&s, TRUE);
  _bp_dashboard_show_settings (self, &s);
  gtk_label_set_text (self->data_label, default_source_name ());
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label),
                               "Loaded when you press New Run; the Data page loads other data");
  _bp_dashboard_curves_init (self);
  _bp_dashboard_inside_init (self);
  _bp_dashboard_eval_init (self);
  _bp_dashboard_conv_init (self);
  gtk_stack_page_set_visible (self->draw_page, FALSE);
  _bp_dashboard_update_status (self);
}

/* ---- public API ---- */

GtkWidget *
bp_dashboard_new (void)
{
  return g_object_new (BP_TYPE_DASHBOARD, NULL);
}

void
bp_dashboard_set_source (BpDashboard *self, BpDataSource *src)
{
  BpTrainSettings s;

  g_return_if_fail (BP_IS_DASHBOARD (self));
  g_return_if_fail (src != NULL);

  if (self->source == src)
    return;
  g_clear_pointer (&self->source, bp_data_source_unref);
  self->source = bp_data_source_ref (src);
  gtk_label_set_text (self->data_label, src->ds->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label), src->note);
  _bp_dashboard_conv_source (self);
  bp_train_settings_defaults (&s, src);
  _bp_dashboard_show_settings (self, &s);
}

BpDataSource *
bp_dashboard_get_source (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->source;
}

gboolean
bp_dashboard_new_run (BpDashboard *self, gboolean play, GError **error)
{
  BpTrainSettings s;

  g_return_val_if_fail (BP_IS_DASHBOARD (self), FALSE);

  if (self->source == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "Load a dataset in the Data page first");
      return FALSE;
    }
  if (!_bp_dashboard_read_settings (self, &s, error)
      || !bp_dashboard_training_start (self->training, self->source, &s, error))
    return FALSE;
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  _bp_dashboard_forget_model (self);
  gtk_stack_page_set_visible (self->draw_page, bp_data_source_is_28x28 (self->source));
  _bp_dashboard_draw_setup (self);
  _bp_dashboard_conv_setup (self);
  if (play)
    bp_dashboard_training_play (self->training);
  bp_dashboard_refresh (self);
  return TRUE;
}

typedef struct {
  BpDashboard *self;
  gboolean play;
  GCallback done;
  gpointer user_data;
} DefaultLoad;

static void
on_default_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DefaultLoad *dl = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load_finish (result, &error);

  if (src == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (dl);
      return;
    }
  if (src == NULL)
    _bp_dashboard_set_error_status (dl->self, error->message);
  else
    {
      BpTrainSettings s;
      /* The fields on screen, read before the new data bring their own defaults. */
      gboolean keep = _bp_dashboard_read_settings (dl->self, &s, NULL);

      bp_dashboard_set_source (dl->self, src);
      if (keep)
        _bp_dashboard_show_settings (dl->self, &s);
      if (!bp_dashboard_new_run (dl->self, dl->play, &error))
        _bp_dashboard_set_error_status (dl->self, error->message);
    }
  if (dl->done != NULL)
    ((void (*) (BpDashboard *, gpointer)) dl->done) (dl->self, dl->user_data);
  g_free (dl);
}

void
bp_dashboard_train_default (BpDashboard *self, gboolean play, GCallback done,
                            gpointer user_data)
{
  DefaultLoad *dl;

  g_return_if_fail (BP_IS_DASHBOARD (self));

  dl = g_new0 (DefaultLoad, 1);
  dl->self = self; /* not a reference: dispose cancels the load */
  dl->play = play;
  dl->done = done;
  dl->user_data = user_data;
  if (self->source != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!bp_dashboard_new_run (self, play, &error))
        _bp_dashboard_set_error_status (self, error->message);
      if (done != NULL)
        ((void (*) (BpDashboard *, gpointer)) done) (self, user_data);
      g_free (dl);
      return;
    }
  gtk_label_set_text (self->status_label, "Loading the data…");
  bp_data_source_load_async (default_source_name (), self->cancellable,
                             on_default_loaded, dl);
}

BpDashboardTraining *
bp_dashboard_get_training (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->training;
}

void
bp_dashboard_show_part (BpDashboard *self, const char *part)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));
  gtk_stack_set_visible_child_name (self->stack, part);
}

void
bp_dashboard_evaluate (BpDashboard *self, GCallback done, gpointer user_data)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));

  self->eval_done = done;
  self->eval_done_data = user_data;
  _bp_dashboard_request_model (self, TRUE);
}

void
bp_dashboard_refresh_model (BpDashboard *self)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));
  _bp_dashboard_request_model (self, FALSE);
}

BpModelView *
bp_dashboard_get_model_view (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->model;
}

BpChart *
bp_dashboard_get_loss_chart (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->loss_chart;
}

GtkWidget *
bp_dashboard_get_part (BpDashboard *self, const char *name)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);

  if (g_strcmp0 (name, "acc-chart") == 0)
    return GTK_WIDGET (self->acc_chart);
  if (g_strcmp0 (name, "lr-chart") == 0)
    return GTK_WIDGET (self->lr_chart);
  if (g_strcmp0 (name, "histograms") == 0)
    return GTK_WIDGET (self->hist_view);
  if (g_strcmp0 (name, "weights") == 0)
    return GTK_WIDGET (self->weight_map);
  if (g_strcmp0 (name, "confusion") == 0)
    return GTK_WIDGET (self->confusion);
  if (g_strcmp0 (name, "gallery") == 0)
    return GTK_WIDGET (self->gallery);
  if (g_strcmp0 (name, "runs") == 0)
    return GTK_WIDGET (self->runs_view);
  if (g_strcmp0 (name, "runs-chart") == 0)
    return GTK_WIDGET (self->runs_chart);
  if (g_strcmp0 (name, "draw-pad") == 0)
    return GTK_WIDGET (self->draw_pad);
  if (g_strcmp0 (name, "scatter") == 0)
    return GTK_WIDGET (self->scatter_chart);
  if (g_strcmp0 (name, "class-grid") == 0)
    return GTK_WIDGET (self->class_grid);
  if (g_strcmp0 (name, "conv-panel") == 0)
    return GTK_WIDGET (self->conv_panel);
  if (g_strcmp0 (name, "network") == 0)
    return GTK_WIDGET (self->network_drop);
  if (g_strcmp0 (name, "evaluate-button") == 0)
    return GTK_WIDGET (self->evaluate_button);
  if (g_strcmp0 (name, "eval-spinner") == 0)
    return GTK_WIDGET (self->eval_spinner);
  if (g_strcmp0 (name, "hidden-entry") == 0)
    return GTK_WIDGET (self->hidden_entry);
  if (g_strcmp0 (name, "hidden-error") == 0)
    return GTK_WIDGET (self->hidden_error);
  if (g_strcmp0 (name, "data-label") == 0)
    return GTK_WIDGET (self->data_label);
  if (g_strcmp0 (name, "status") == 0)
    return GTK_WIDGET (self->status_label);
  if (g_strcmp0 (name, "new-run") == 0)
    return GTK_WIDGET (self->new_run_button);
  if (g_strcmp0 (name, "next-run-caption") == 0)
    return self->next_run_caption;
  if (g_strcmp0 (name, "optimizer") == 0)
    return GTK_WIDGET (self->optimizer_drop);
  if (g_strcmp0 (name, "batch") == 0)
    return GTK_WIDGET (self->batch_drop);
  if (g_strcmp0 (name, "lr") == 0)
    return GTK_WIDGET (self->lr_drop);
  if (g_strcmp0 (name, "epochs") == 0)
    return GTK_WIDGET (self->epochs_drop);
  return NULL;
}
