/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-builder-private.h"

#include "bp-builder-kinds.h"
#include "bp-ui.h"

GParamSpec *_bp_builder_properties[BP_BUILDER_N_PROPS];

G_DEFINE_FINAL_TYPE (BpBuilder, bp_builder, GTK_TYPE_WIDGET)

/* ---- actions ---- */

static void
action_undo (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_undo (BP_BUILDER (widget));
}

static void
action_redo (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_redo (BP_BUILDER (widget));
}

static void
action_delete (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_delete_selection (BP_BUILDER (widget));
}

static void
action_tidy (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_tidy (BP_BUILDER (widget));
}

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *param)
{
  BpBuilder *self = BP_BUILDER (widget);
  GtkWidget *canvas = GTK_WIDGET (self->canvas);
  double zoom = bp_builder_canvas_get_zoom (self->canvas);
  double cx = gtk_widget_get_width (canvas) / 2.0, cy = gtk_widget_get_height (canvas) / 2.0;

  if (g_str_equal (name, "builder.zoom-fit"))
    bp_builder_canvas_zoom_to_fit (self->canvas);
  else
    bp_builder_canvas_set_zoom (self->canvas,
                                g_str_equal (name, "builder.zoom-in") ? zoom * 1.25 : zoom / 1.25,
                                cx, cy);
}

/* In the window, files go through its actions: they ask about unsaved changes first and keep
 * the recent files. Alone (tests), the page does it itself. */

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  if (!gtk_widget_activate_action (widget, "win.open", NULL))
    _bp_builder_open_dialog (BP_BUILDER (widget));
}

static void
action_save (GtkWidget *widget, const char *name, GVariant *param)
{
  gboolean save_as = g_str_equal (name, "builder.save-as");

  if (!gtk_widget_activate_action (widget, save_as ? "win.save-as" : "win.save", NULL))
    _bp_builder_save_dialog (BP_BUILDER (widget), save_as);
}

static void
action_template (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autoptr (GError) error = NULL;
  const char *template = g_variant_get_string (param, NULL);

  if (gtk_widget_activate_action (widget, "win.template", "s", template))
    return;
  if (!bp_builder_load_template (BP_BUILDER (widget), template, &error))
    _bp_builder_message (BP_BUILDER (widget), error->message);
}

static void
action_train (GtkWidget *widget, const char *name, GVariant *param)
{
  BpBuilder *self = BP_BUILDER (widget);
  g_autoptr (GError) error = NULL;

  if (self->training)
    bp_builder_pause (self);
  else if (!bp_builder_train (self, &error))
    _bp_builder_message (self, error->message);
}

static void
action_stop (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_stop (BP_BUILDER (widget));
}

void
_bp_builder_update_actions (BpBuilder *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  int n_selected = bp_builder_canvas_get_selection (self->canvas, NULL, 0);

  gtk_widget_action_set_enabled (w, "builder.undo", bp_graph_history_can_undo (self->history));
  gtk_widget_action_set_enabled (w, "builder.redo", bp_graph_history_can_redo (self->history));
  gtk_widget_action_set_enabled (w, "builder.delete", n_selected > 0);
  gtk_widget_action_set_enabled (w, "builder.stop", _bp_builder_run_open (self));
  gtk_widget_action_set_enabled (w, "builder.save", self->report->spec != NULL);
  gtk_button_set_label (self->train_button, self->training ? "_Pause" : "_Train");
  /* The tooltip says what a click (or Ctrl+Return) does now. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->train_button),
                               self->training ? "Pause this run (Ctrl+Return)"
                                              : "Train this network on the dataset (Ctrl+Return)");
}

/* ---- GObject ---- */

static void
bp_builder_dispose (GObject *object)
{
  BpBuilder *self = BP_BUILDER (object);

  _bp_builder_free_session (self);
  _bp_builder_drop_data (self);
  if (self->data_cancel != NULL)
    g_cancellable_cancel (self->data_cancel);
  g_clear_object (&self->data_cancel);
  /* Children first: they borrow the graph and report. */
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_BUILDER);
  bp_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (bp_builder_parent_class)->dispose (object);
}

static void
bp_builder_finalize (GObject *object)
{
  BpBuilder *self = BP_BUILDER (object);

  bp_graph_free (self->graph);
  if (self->report != NULL)
    bp_graph_report_clear (self->report);
  g_free (self->report);
  bp_graph_history_free (self->history);
  _bp_builder_state_free (self->state_shown);
  bp_experiment_free (self->exp);
  g_free (self->saved_json);
  g_free (self->path);
  g_free (self->data_key);
  g_free (self->session_spec);
  g_free (self->session_doc);
  G_OBJECT_CLASS (bp_builder_parent_class)->finalize (object);
}

static void
bp_builder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpBuilder *self = BP_BUILDER (object);

  switch (prop_id)
    {
    case BP_BUILDER_PROP_CAN_UNDO:
      g_value_set_boolean (value, bp_builder_can_undo (self));
      break;
    case BP_BUILDER_PROP_CAN_REDO:
      g_value_set_boolean (value, bp_builder_can_redo (self));
      break;
    case BP_BUILDER_PROP_MODIFIED:
      g_value_set_boolean (value, bp_builder_get_modified (self));
      break;
    case BP_BUILDER_PROP_TRAINING:
      g_value_set_boolean (value, self->training);
      break;
    case BP_BUILDER_PROP_SESSION:
      g_value_set_pointer (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_builder_class_init (BpBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bp_builder_dispose;
  object_class->finalize = bp_builder_finalize;
  object_class->get_property = bp_builder_get_property;

  _bp_builder_properties[BP_BUILDER_PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  _bp_builder_properties[BP_BUILDER_PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  _bp_builder_properties[BP_BUILDER_PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE, ro);
  _bp_builder_properties[BP_BUILDER_PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE, ro);
  _bp_builder_properties[BP_BUILDER_PROP_SESSION] =
    g_param_spec_pointer ("session", NULL, NULL, ro);
  g_object_class_install_properties (object_class, BP_BUILDER_N_PROPS, _bp_builder_properties);

  g_type_ensure (BP_TYPE_BUILDER_CANVAS);
  g_type_ensure (BP_TYPE_BUILDER_PALETTE);
  g_type_ensure (BP_TYPE_BUILDER_INSPECTOR);
  g_type_ensure (BP_TYPE_BUILDER_SETTINGS);
  g_type_ensure (BP_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-builder.ui");
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, palette);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, canvas);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, inspector);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, settings);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, toasts);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, side_stack);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, templates_button);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, totals_label);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, run_label);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, hint_label);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, train_button);
  gtk_widget_class_bind_template_child (widget_class, BpBuilder, chart);

  gtk_widget_class_install_action (widget_class, "builder.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "builder.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "builder.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "builder.tidy", NULL, action_tidy);
  gtk_widget_class_install_action (widget_class, "builder.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "builder.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "builder.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "builder.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "builder.save", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "builder.save-as", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "builder.template", "s", action_template);
  gtk_widget_class_install_action (widget_class, "builder.train", NULL, action_train);
  gtk_widget_class_install_action (widget_class, "builder.stop", NULL, action_stop);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "builder.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK,
                                       "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "builder.tidy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "builder.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "builder.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "builder.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "builder.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "builder.train", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "builder");
}

static void
bp_builder_init (BpBuilder *self)
{
  g_autoptr (GError) error = NULL;
  G_GNUC_UNUSED gboolean undo_ok;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->graph = bp_graph_new ();
  self->report = g_new0 (bp_graph_report, 1);
  {
    /* The experiment holds the data and training settings; its spec is a stand-in (the
     * graph's spec wins whenever one is needed). */
    bp_layer_spec one;
    bp_spec tmp = { .input = bp_shape_vec (2), .n_layers = 1, .layers = &one,
                    .loss = BP_LOSS_MSE, .huber_delta = 1, .batch_size = 32, .epochs = 10,
                    .seed = 1 };
    bp_layer_spec_defaults (&one, BP_LAYER_DENSE);
    g_strlcpy (one.name, "dense_1", sizeof one.name);
    bp_optim_cfg_defaults (&tmp.optim, BP_OPTIM_ADAM);
    self->exp = bp_experiment_new (&tmp);
  }
  g_assert (self->graph != NULL && self->exp != NULL);
  undo_ok = _bp_builder_undo_init (self);
  g_assert (undo_ok);

  _bp_builder_connect_signals (self);
  _bp_builder_setup_templates (self);
  bp_chart_set_title (self->chart, "Loss");
  bp_chart_set_x_label (self->chart, "epoch");
  /* Start where the playground is, so the first Train does something. */
  if (!bp_builder_load_template (self, "playground-spiral", &error))
    g_warning ("builder: %s", error->message);
  bp_graph_history_clear (self->history);
  _bp_builder_refresh (self);
  _bp_builder_set_saved (self);
}

GtkWidget *
bp_builder_new (void)
{
  return g_object_new (BP_TYPE_BUILDER, NULL);
}

const bp_graph *
bp_builder_get_graph (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->graph;
}

const bp_graph_report *
bp_builder_get_report (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->report;
}

char *
bp_builder_get_spec_json (BpBuilder *self)
{
  char *text, *copy;

  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  if (self->report->spec == NULL || (text = bp_spec_to_json (self->report->spec)) == NULL)
    return NULL;
  copy = g_strdup (text);
  free (text);
  return copy;
}

gboolean
bp_builder_get_modified (BpBuilder *self)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  /* Every edit the history records changes the spec (blocks, wires, settings, positions in
   * meta) or the blocks left unwired, which the file cannot hold: an unwired block just
   * dropped is work the user would lose on quitting. */
  if (_bp_builder_n_unsaved_blocks (self) > 0)
    return TRUE;
  now = _bp_builder_document_json (self);
  return g_strcmp0 (now, self->saved_json) != 0;
}

const char *
bp_builder_get_path (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->path;
}

gboolean
bp_builder_get_training (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return self->training;
}

bp_session *
bp_builder_get_session (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->session;
}

BpBuilderCanvas *
bp_builder_get_canvas (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->canvas;
}

BpBuilderPalette *
bp_builder_get_palette (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->palette;
}

BpBuilderInspector *
bp_builder_get_inspector (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->inspector;
}

BpBuilderSettings *
bp_builder_get_settings (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->settings;
}

const char *
bp_builder_get_totals_text (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->totals_text;
}

const char *
bp_builder_get_last_message (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  return self->last_message;
}
