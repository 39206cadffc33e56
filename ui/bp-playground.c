/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-playground.h"

#include "bp-ui.h"

#include "bp-playground-private.h"

#include <math.h>

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

GParamSpec *_bp_pg_properties[BP_PG_N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpPlayground, bp_playground, GTK_TYPE_WIDGET)

/* The network it starts with: small, tanh, learns the spiral in seconds. */
static const int default_hidden[] = { 8, 8, 8 };

void
_bp_pg_message (BpPlayground *self, const char *message)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message);
}

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

static gboolean
hide_cue (gpointer data)
{
  BpPlayground *self = data;

  self->cue_timeout = 0;
  gtk_revealer_set_reveal_child (self->cue_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

void
_bp_pg_cue (BpPlayground *self, const char *text)
{
  gtk_label_set_text (self->cue_label, text);
  gtk_revealer_set_reveal_child (self->cue_revealer, TRUE);
  g_clear_handle_id (&self->cue_timeout, g_source_remove);
  self->cue_timeout = g_timeout_add_seconds (4, hide_cue, self);
}

void
_bp_pg_show_error (BpPlayground *self, const char *message)
{
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
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

static void
on_banner_dismiss (GtkButton *button, BpPlayground *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* Where the focus was before a press on a control that takes it anyway. */
typedef struct {
  GtkWidget *before; /* owned; NULL when nothing had the focus */
  gboolean armed;    /* a press is being handled: give the focus back */
} FocusBack;

static void
focus_back_free (gpointer data)
{
  FocusBack *fb = data;

  g_clear_object (&fb->before);
  g_free (fb);
}

static gboolean
give_focus_back (gpointer data)
{
  GtkWidget *control = data;
  FocusBack *fb = g_object_get_data (G_OBJECT (control), "bp-focus-back");
  GtkRoot *root = gtk_widget_get_root (control);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (fb != NULL && fb->armed && root != NULL
      && (focus == NULL || focus == control || gtk_widget_is_ancestor (focus, control)))
    gtk_root_set_focus (root, fb->before != NULL && gtk_widget_get_root (fb->before) == root
                                ? fb->before : NULL);
  if (fb != NULL)
    {
      fb->armed = FALSE;
      g_clear_object (&fb->before);
    }
  g_object_unref (control);
  return G_SOURCE_REMOVE;
}

/* GtkRange and a spin button's + and − take the focus on any press, and a drop-down's menu
 * gives it to the drop-down when it closes, whatever focus-on-click says: the focus goes back
 * where it was once the press (a range, + or −) or the menu (a drop-down) is done with. */
static void
on_control_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  GtkWidget *control = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  FocusBack *fb;
  GtkRoot *root = gtk_widget_get_root (control);
  GtkWidget *before = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* The + and − buttons: the spin button is the control. */
  if (!GTK_IS_RANGE (control) && !GTK_IS_DROP_DOWN (control))
    control = gtk_widget_get_parent (control);
  fb = g_object_get_data (G_OBJECT (control), "bp-focus-back");
  if (fb == NULL || (before != NULL && (before == control
                                        || gtk_widget_is_ancestor (before, control))))
    return;
  g_set_object (&fb->before, before);
  fb->armed = TRUE;
  if (!GTK_IS_DROP_DOWN (control))
    g_idle_add (give_focus_back, g_object_ref (control));
}

static void
watch_presses (GtkWidget *widget)
{
  GtkGesture *press = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_control_pressed), NULL);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (press));
}

static void
on_menu_closed (GtkPopover *popover, GtkWidget *drop)
{
  g_idle_add (give_focus_back, g_object_ref (drop));
}

static GtkWidget *
find_popover (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *p = GTK_IS_POPOVER (c) ? c : find_popover (c);

      if (p != NULL)
        return p;
    }
  return NULL;
}

/* Space, Right and Ctrl+R drive training (bp-window.c) unless the focus is in a control that
 * uses those keys. A slider dragged or a menu picked with the mouse must not keep the focus,
 * or the next Space would nudge the slider or open the menu again: as in other desktop
 * programs, a click does not focus these controls; Tab still does. Text being typed in (the
 * spin buttons' entries) is left alone: a click there focuses it and it gets the keys. */
static void
no_focus_on_click (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) || GTK_IS_EDITABLE_LABEL (widget))
    return;
  if (GTK_IS_BUTTON (widget) || GTK_IS_RANGE (widget) || GTK_IS_DROP_DOWN (widget)
      || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_FLOW_BOX_CHILD (widget)
      || GTK_IS_SPIN_BUTTON (widget))
    gtk_widget_set_focus_on_click (widget, FALSE);
  if (GTK_IS_RANGE (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget))
    {
      GtkWidget *menu = GTK_IS_DROP_DOWN (widget) ? find_popover (widget) : NULL;

      g_object_set_data_full (G_OBJECT (widget), "bp-focus-back", g_new0 (FocusBack, 1),
                              focus_back_free);
      if (!GTK_IS_SPIN_BUTTON (widget))
        watch_presses (widget);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        if (GTK_IS_SPIN_BUTTON (widget) && GTK_IS_BUTTON (c))
          watch_presses (c);
      if (menu != NULL)
        g_signal_connect_object (menu, "closed", G_CALLBACK (on_menu_closed), widget, 0);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    no_focus_on_click (c);
}

static void
bp_playground_dispose (GObject *object)
{
  BpPlayground *self = BP_PLAYGROUND (object);

  /* The session borrows the data: it goes first. */
  _bp_pg_free_session (self);
  g_clear_handle_id (&self->cue_timeout, g_source_remove);
  g_clear_pointer (&self->data, bp_pg_data_free);
  g_clear_pointer (&self->saved[0], bp_pg_data_free);
  g_clear_pointer (&self->saved[1], bp_pg_data_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_PLAYGROUND);
  bp_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (bp_playground_parent_class)->dispose (object);
}

static void
bp_playground_finalize (GObject *object)
{
  BpPlayground *self = BP_PLAYGROUND (object);

  g_free (self->last_error);
  G_OBJECT_CLASS (bp_playground_parent_class)->finalize (object);
}

static void
bp_playground_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpPlayground *self = BP_PLAYGROUND (object);

  switch (prop_id)
    {
    case BP_PG_PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case BP_PG_PROP_EPOCH:
      g_value_set_int64 (value, self->epoch);
      break;
    case BP_PG_PROP_STEP:
      g_value_set_int64 (value, self->step);
      break;
    case BP_PG_PROP_SAMPLES_PER_SECOND:
      g_value_set_double (value, self->samples_per_second);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_playground_class_init (BpPlaygroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bp_playground_dispose;
  object_class->finalize = bp_playground_finalize;
  object_class->get_property = bp_playground_get_property;

  _bp_pg_properties[BP_PG_PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  _bp_pg_properties[BP_PG_PROP_EPOCH] = g_param_spec_int64 ("epoch", NULL, NULL, 0, G_MAXINT64,
                                                            0, ro);
  _bp_pg_properties[BP_PG_PROP_STEP] = g_param_spec_int64 ("step", NULL, NULL, 0, G_MAXINT64, 0,
                                                           ro);
  _bp_pg_properties[BP_PG_PROP_SAMPLES_PER_SECOND]
    = g_param_spec_double ("samples-per-second", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  g_object_class_install_properties (object_class, BP_PG_N_PROPS, _bp_pg_properties);

  /* A short note for a toast: what changed, what went wrong. */
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_STRING);

  g_type_ensure (BP_TYPE_HYPER_BAR);
  g_type_ensure (BP_TYPE_DATA_PANEL);
  g_type_ensure (BP_TYPE_NETWORK_VIEW);
  g_type_ensure (BP_TYPE_HEATMAP);
  g_type_ensure (BP_TYPE_LOSS_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-playground.ui");
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, hyper_bar);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, data_panel);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, network_view);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, heatmap);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, loss_chart);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, gradients_check);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, test_check);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, discretize_check);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, stats_label);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, cue_revealer);
  gtk_widget_class_bind_template_child (widget_class, BpPlayground, cue_label);
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
  gtk_widget_class_bind_template_callback (widget_class, on_banner_dismiss);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "playground");
}

static void
bp_playground_init (BpPlayground *self)
{
  BpPgDataParams p;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  g_object_bind_property (self->gradients_check, "active", self->network_view, "show-gradients",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->test_check, "active", self->heatmap, "show-test",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->discretize_check, "notify::active",
                            G_CALLBACK (_bp_pg_update_discretize), self);
  no_focus_on_click (GTK_WIDGET (self));

  self->hover_column = self->hover_index = -1;
  self->train_loss = self->test_loss = self->train_acc = self->test_acc = NAN;
  self->data = bp_pg_data_new ();
  bp_hyper_bar_get_settings (self->hyper_bar, &self->hyper);
  bp_data_panel_get_params (self->data_panel, &p, &self->batch_size);
  self->data->params = p;
  self->n_hidden = G_N_ELEMENTS (default_hidden);
  memcpy (self->hidden, default_hidden, sizeof default_hidden);
  for (int i = 0; i < BP_NV_MAX_HIDDEN_LAYERS; i++)
    self->activations[i] = self->hyper.activation;
  {
    const bp_act *acts = bp_hyper_bar_activations ();
    const char *names[BP_ACT_COUNT + 1];
    int n = 0;

    for (; acts[n] != BP_ACT_COUNT; n++)
      names[n] = bp_act_name (acts[n]);
    names[n] = NULL;
    bp_network_view_set_choices (self->network_view, names);
  }
  /* The network changes in the frames the tick gives it (bp-playground-tick.c). */
  bp_network_view_set_paced (self->network_view, TRUE);
  _bp_pg_new_session (self, TRUE);
}

GtkWidget *
bp_playground_new (void)
{
  return g_object_new (BP_TYPE_PLAYGROUND, NULL);
}

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
