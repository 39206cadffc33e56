/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground object: its template, properties and signal, its life (init builds the first
 * session, dispose frees it), and the banner and cue it shows. The public commands and
 * getters are in bp-playground-api.c. */
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
on_banner_dismiss (GtkButton *button, BpPlayground *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
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
  _bp_pg_bind_controls (widget_class);
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
  _bp_pg_no_focus_on_click (GTK_WIDGET (self));

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
