/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-hyper-bar.h"

#include "bp-ui.h"

#include <math.h>

struct _BpHyperBar {
  GtkWidget parent_instance;

  /* template */
  GtkScale *lr_scale;
  GtkLabel *lr_label;
  GtkDropDown *activation_drop;
  GtkDropDown *optimizer_drop;
  GtkDropDown *reg_drop;
  GtkDropDown *reg_rate_drop;
  GtkDropDown *problem_drop;

  gboolean updating; /* set_settings in progress: do not emit */
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpHyperBar, bp_hyper_bar, GTK_TYPE_WIDGET)

static const bp_act activations[] = {
  BP_ACT_TANH, BP_ACT_RELU, BP_ACT_SIGMOID, BP_ACT_LINEAR, BP_ACT_LEAKY_RELU,
  BP_ACT_ELU, BP_ACT_GELU, BP_ACT_SILU, BP_ACT_COUNT,
};
static const double reg_rates[] = { 0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10 };

/* The learning-rate slider walks a 1-2-3-5 ladder from 1e-5 to 10: evenly spaced in log
 * scale, and every stop a number a person would type. */
#define LR_LADDER_DECADES 6
#define LR_LADDER_LEN (LR_LADDER_DECADES * 4 + 1)

static double
lr_ladder (int i)
{
  static const double mant[4] = { 1, 2, 3, 5 };

  i = CLAMP (i, 0, LR_LADDER_LEN - 1);
  return mant[i % 4] * pow (10.0, i / 4 - 5);
}

static int
lr_ladder_index (double lr)
{
  int best = 0;

  for (int i = 1; i < LR_LADDER_LEN; i++)
    if (fabs (log (lr_ladder (i) / lr)) < fabs (log (lr_ladder (best) / lr)))
      best = i;
  return best;
}

static void
format_lr (char *buf, size_t len, double lr)
{
  g_snprintf (buf, len, "%g", lr);
}

static double
lr_from_scale (BpHyperBar *self)
{
  return lr_ladder ((int) lround (gtk_range_get_value (GTK_RANGE (self->lr_scale))));
}

static void
emit_changed (BpHyperBar *self, BpHyperField field)
{
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) field);
}

static void
on_lr_changed (GtkRange *range, BpHyperBar *self)
{
  char buf[32];

  format_lr (buf, sizeof buf, lr_from_scale (self));
  gtk_label_set_text (self->lr_label, buf);
  emit_changed (self, BP_HYPER_LR);
}

static void
on_drop_changed (GtkDropDown *drop, GParamSpec *pspec, BpHyperBar *self)
{
  if (drop == self->activation_drop)
    emit_changed (self, BP_HYPER_ACTIVATION);
  else if (drop == self->optimizer_drop)
    emit_changed (self, BP_HYPER_OPTIMIZER);
  else if (drop == self->reg_drop || drop == self->reg_rate_drop)
    emit_changed (self, BP_HYPER_REGULARIZATION);
  else if (drop == self->problem_drop)
    emit_changed (self, BP_HYPER_PROBLEM);
}

static void
bp_hyper_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BP_TYPE_HYPER_BAR);
  bp_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (bp_hyper_bar_parent_class)->dispose (object);
}

static void
bp_hyper_bar_class_init (BpHyperBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_hyper_bar_dispose;

  /* (BpHyperField) */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-hyper-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, lr_scale);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, lr_label);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, activation_drop);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, optimizer_drop);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, reg_drop);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, reg_rate_drop);
  gtk_widget_class_bind_template_child (widget_class, BpHyperBar, problem_drop);
  gtk_widget_class_bind_template_callback (widget_class, on_lr_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_drop_changed);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hyperbar");
}

static void
bp_hyper_bar_init (BpHyperBar *self)
{
  GtkStringList *acts = gtk_string_list_new (NULL);
  GtkStringList *rates = gtk_string_list_new (NULL);
  BpHyperSettings defaults = { 0.03, BP_ACT_TANH, BP_PG_OPTIM_SGD, BP_PG_REG_NONE, 0,
                               BP_PG_PROBLEM_CLASSIFICATION };

  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              18);
  for (int i = 0; activations[i] != BP_ACT_COUNT; i++)
    gtk_string_list_append (acts, bp_act_name (activations[i]));
  gtk_drop_down_set_model (self->activation_drop, G_LIST_MODEL (acts));
  g_object_unref (acts);
  for (guint i = 0; i < G_N_ELEMENTS (reg_rates); i++)
    {
      char buf[32];
      g_snprintf (buf, sizeof buf, "%g", reg_rates[i]);
      gtk_string_list_append (rates, buf);
    }
  gtk_drop_down_set_model (self->reg_rate_drop, G_LIST_MODEL (rates));
  g_object_unref (rates);
  gtk_range_set_range (GTK_RANGE (self->lr_scale), 0, LR_LADDER_LEN - 1);
  gtk_range_set_increments (GTK_RANGE (self->lr_scale), 1, 4);
  gtk_range_set_round_digits (GTK_RANGE (self->lr_scale), 0);
  self->updating = FALSE;
  bp_hyper_bar_set_settings (self, &defaults);
}

GtkWidget *
bp_hyper_bar_new (void)
{
  return g_object_new (BP_TYPE_HYPER_BAR, NULL);
}

void
bp_hyper_bar_get_settings (BpHyperBar *self, BpHyperSettings *out)
{
  guint act, rate;

  g_return_if_fail (BP_IS_HYPER_BAR (self));

  act = gtk_drop_down_get_selected (self->activation_drop);
  rate = gtk_drop_down_get_selected (self->reg_rate_drop);
  out->learning_rate = lr_from_scale (self);
  out->activation = act < G_N_ELEMENTS (activations) - 1 ? activations[act] : BP_ACT_TANH;
  out->optimizer = (BpPgOptimizer) gtk_drop_down_get_selected (self->optimizer_drop);
  out->regularization = (BpPgRegularization) gtk_drop_down_get_selected (self->reg_drop);
  out->reg_rate = rate < G_N_ELEMENTS (reg_rates) ? reg_rates[rate] : 0;
  out->problem = (BpPgProblem) gtk_drop_down_get_selected (self->problem_drop);
}

void
bp_hyper_bar_set_settings (BpHyperBar *self, const BpHyperSettings *s)
{
  guint rate = 0;

  g_return_if_fail (BP_IS_HYPER_BAR (self));

  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (self->lr_scale), lr_ladder_index (s->learning_rate));
  on_lr_changed (GTK_RANGE (self->lr_scale), self);
  for (guint i = 0; activations[i] != BP_ACT_COUNT; i++)
    if (activations[i] == s->activation)
      gtk_drop_down_set_selected (self->activation_drop, i);
  gtk_drop_down_set_selected (self->optimizer_drop, s->optimizer);
  gtk_drop_down_set_selected (self->reg_drop, s->regularization);
  for (guint i = 0; i < G_N_ELEMENTS (reg_rates); i++)
    if (fabs (reg_rates[i] - s->reg_rate) < 1e-12)
      rate = i;
  gtk_drop_down_set_selected (self->reg_rate_drop, rate);
  gtk_drop_down_set_selected (self->problem_drop, s->problem);
  self->updating = FALSE;
}

void
bp_hyper_bar_set_learning_rate (BpHyperBar *self, double lr)
{
  g_return_if_fail (BP_IS_HYPER_BAR (self));
  gtk_range_set_value (GTK_RANGE (self->lr_scale), lr_ladder_index (lr));
}

const bp_act *
bp_hyper_bar_activations (void)
{
  return activations;
}
