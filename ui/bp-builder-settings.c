/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings panel is table-driven: each number or switch is a row naming the struct it
 * lives in (the spec's settings, exp->data or exp->training), its offset and type, its range,
 * and when it applies (which optimizers, schedules, data kinds). The choices (dataset, loss,
 * optimizer, schedule, monitors, scaling, CSV options) are combo rows written by hand. */
#include "bp-config.h"

#include "bp-builder-settings.h"

#include <adwaita.h>
#include <math.h>
#include <stddef.h>

#include "bp-builder-rows.h"
#include "bp-builder-settings-fields.h"
#include "data/builtin.h"

#define N_FIELDS BP_SETTINGS_N_FIELDS
#define fields bp_settings_fields


struct _BpBuilderSettings {
  GtkWidget parent_instance;

  AdwPreferencesPage *page;
  gboolean updating;
  BpSpecSettings spec;
  bp_experiment *exp; /* borrowed */

  GtkWidget *rows[N_FIELDS];
  GtkWidget *controls[N_FIELDS];
  AdwComboRow *source, *scaling, *loss, *optim, *schedule, *early_monitor, *task, *header;
  GtkWidget *csv_rows[3];
  AdwEntryRow *label_row;
  GtkLabel *data_info;
  GtkStringList *source_list;
  int n_builtins;
};

G_DEFINE_FINAL_TYPE (BpBuilderSettings, bp_builder_settings, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SPEC_CHANGED,
  SIGNAL_DATA_CHANGED,
  SIGNAL_TRAINING_CHANGED,
  SIGNAL_OPEN_FILE,
  SIGNAL_FIT_DATA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_for (BpBuilderSettings *self, BpFieldStruct where, const char *key)
{
  if (where == BP_FIELD_SPEC)
    g_signal_emit (self, signals[SIGNAL_SPEC_CHANGED], 0, &self->spec, key);
  else if (where == BP_FIELD_DATA)
    g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0, key);
  else
    g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0, key);
}

static void
on_field_changed (GObject *control, GParamSpec *pspec, BpBuilderSettings *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (control, "bp-field"));
  const BpSettingsField *f = &fields[i];
  char key[32];

  if (self->updating || self->exp == NULL)
    return;
  bp_settings_field_set (f, &self->spec, self->exp,
                         f->type == BP_FIELD_BOOL
                           ? gtk_switch_get_active (GTK_SWITCH (control))
                           : gtk_spin_button_get_value (GTK_SPIN_BUTTON (control)));
  g_snprintf (key, sizeof key, "settings %u", i);
  emit_for (self, f->where, key);
}

/* ---- combos ---- */

static const char *const loss_titles[] = {
  "Mean squared error (regression)", "Binary cross-entropy (two classes, one output)",
  "Cross-entropy (classes, softmax)", "Huber (regression, robust)",
};
static const bp_loss_kind loss_values[] = { BP_LOSS_MSE, BP_LOSS_BCE_LOGITS,
                                            BP_LOSS_CROSS_ENTROPY, BP_LOSS_HUBER };
static const char *const optim_titles[] = { "SGD", "RMSprop", "Adagrad", "Adam", "AdamW" };
static const bp_optim_kind optim_values[] = { BP_OPTIM_SGD, BP_OPTIM_RMSPROP, BP_OPTIM_ADAGRAD,
                                              BP_OPTIM_ADAM, BP_OPTIM_ADAMW };
static const char *const sched_titles[] = { "Constant", "Step (StepLR)",
                                            "Exponential (ExponentialLR)",
                                            "Cosine (CosineAnnealingLR)" };
static const char *const monitor_titles[] = { "Validation loss", "Validation accuracy",
                                              "Training loss", "Training accuracy" };
static const char *const scaling_titles[] = { "None", "Standard (mean 0, variance 1)",
                                              "Min-max (to 0…1)" };
static const char *const task_titles[] = { "Automatic", "Classification", "Regression" };
static const char *const header_titles[] = { "Automatic", "Yes", "No" };

static void
update_visibility (BpBuilderSettings *self)
{
  gboolean file = self->exp->data.source != NULL
                  && !bp_experiment_source_is_builtin (self->exp->data.source);

  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_set_visible (self->rows[i],
                            bp_settings_field_applies (&fields[i], &self->spec, self->exp));
  for (int i = 0; i < 3; i++)
    gtk_widget_set_visible (self->csv_rows[i], file);
  gtk_widget_set_visible (GTK_WIDGET (self->early_monitor), self->exp->training.early_stop.enabled);
}

static void
set_source (BpBuilderSettings *self, const char *source)
{
  free (self->exp->data.source);
  self->exp->data.source = source != NULL ? strdup (source) : NULL;
}

static void
on_combo (AdwComboRow *row, GParamSpec *pspec, BpBuilderSettings *self)
{
  guint i = adw_combo_row_get_selected (row);
  bp_experiment *exp = self->exp;

  if (self->updating || exp == NULL || i == GTK_INVALID_LIST_POSITION)
    return;
  if (row == self->source)
    {
      size_t n;
      const bp_builtin_info *list = bp_builtin_list (&n);
      gboolean has_k;

      if (i < n)
        set_source (self, list[i].name);
      /* Feature maps (x1², sin x1 ...) are for the 2-D sets: kept for those, dropped for
       * others (this panel has no row for them, and the data would not load). */
      if (i < n && !bp_settings_source_is_synthetic (list[i].name, &has_k))
        exp->data.features = 0;
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0, NULL);
    }
  else if (row == self->scaling)
    {
      exp->data.scaling = (bp_scaling) i;
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0, NULL);
    }
  else if (row == self->task || row == self->header)
    {
      if (row == self->task)
        exp->data.task = (bp_csv_task) i;
      else
        exp->data.header = (bp_csv_header) i;
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0, NULL);
    }
  else if (row == self->loss)
    {
      self->spec.loss = loss_values[i];
      g_signal_emit (self, signals[SIGNAL_SPEC_CHANGED], 0, &self->spec, "loss");
    }
  else if (row == self->optim)
    {
      bp_optim_cfg o;
      /* The new optimizer's defaults, keeping the rate and the clipping the user chose. */
      bp_optim_cfg_defaults (&o, optim_values[i]);
      o.lr = self->spec.optim.lr;
      o.clip_norm = self->spec.optim.clip_norm;
      self->spec.optim = o;
      g_signal_emit (self, signals[SIGNAL_SPEC_CHANGED], 0, &self->spec, "optimizer");
    }
  else if (row == self->schedule)
    {
      long warmup = exp->training.schedule.warmup_steps;
      bp_schedule_defaults (&exp->training.schedule, (bp_schedule_kind) i);
      exp->training.schedule.warmup_steps = warmup;
      g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0, NULL);
    }
  else if (row == self->early_monitor)
    {
      exp->training.early_stop.monitor = (bp_monitor) i;
      g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0, NULL);
    }
}

static void
on_label_apply (AdwEntryRow *row, BpBuilderSettings *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (self->updating || self->exp == NULL)
    return;
  free (self->exp->data.label);
  self->exp->data.label = text[0] != '\0' ? strdup (text) : NULL;
  g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0, NULL);
}

static void
on_open_clicked (GtkButton *button, BpBuilderSettings *self)
{
  g_signal_emit (self, signals[SIGNAL_OPEN_FILE], 0);
}

static void
on_fit_clicked (GtkButton *button, BpBuilderSettings *self)
{
  g_signal_emit (self, signals[SIGNAL_FIT_DATA], 0);
}

/* ---- building ---- */

static AdwPreferencesGroup *
add_group (BpBuilderSettings *self, const char *title, const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
  return ADW_PREFERENCES_GROUP (group);
}

static void
add_fields (BpBuilderSettings *self, AdwPreferencesGroup *group, guint from, guint to)
{
  for (guint i = from; i <= to; i++)
    {
      const BpSettingsField *f = &fields[i];
      GtkWidget *row, *control;

      if (f->type == BP_FIELD_BOOL)
        {
          GtkSwitch *sw;
          row = bp_row_switch (f->title, f->range, &sw);
          control = GTK_WIDGET (sw);
          g_signal_connect (sw, "notify::active", G_CALLBACK (on_field_changed), self);
        }
      else
        {
          GtkSpinButton *spin;
          row = bp_row_spin (f->title, f->range, f->min, f->max, f->step, f->digits, &spin);
          control = GTK_WIDGET (spin);
          g_signal_connect (spin, "notify::value", G_CALLBACK (on_field_changed), self);
        }
      g_object_set_data (G_OBJECT (control), "bp-field", GUINT_TO_POINTER (i));
      self->rows[i] = row;
      self->controls[i] = control;
      adw_preferences_group_add (group, row);
    }
}

static AdwComboRow *
add_combo (BpBuilderSettings *self, AdwPreferencesGroup *group, const char *title,
           const char *const *titles, int n)
{
  GtkWidget *row = bp_row_combo (title, NULL, titles, n);

  g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo), self);
  adw_preferences_group_add (group, row);
  return ADW_COMBO_ROW (row);
}

static GtkWidget *
button_row (const char *title, const char *subtitle, const char *label, GCallback cb,
            gpointer data)
{
  GtkWidget *row = adw_action_row_new (), *button = gtk_button_new_with_mnemonic (label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_signal_connect (button, "clicked", cb, data);
  return row;
}

static void
build_dataset (BpBuilderSettings *self)
{
  AdwPreferencesGroup *g = add_group (self, "Dataset", NULL);
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  GtkWidget *row;

  self->source_list = gtk_string_list_new (NULL);
  for (size_t i = 0; i < n; i++)
    gtk_string_list_append (self->source_list, list[i].name);
  self->n_builtins = (int) n;
  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Source");
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (self->source_list));
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo), self);
  adw_preferences_group_add (g, row);
  self->source = ADW_COMBO_ROW (row);
  adw_preferences_group_add (g, button_row ("A CSV or IDX file", "gzip too; labels in a column",
                                            "_Open File…", G_CALLBACK (on_open_clicked), self));
  self->data_info = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->data_info, TRUE);
  gtk_label_set_xalign (self->data_info, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->data_info), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->data_info), 6);
  adw_preferences_group_add (g, GTK_WIDGET (self->data_info));
  adw_preferences_group_add (g, button_row ("Fit the network to it",
                                            "input shape, outputs and loss from the data",
                                            "_Fit", G_CALLBACK (on_fit_clicked), self));
  add_fields (self, g, 0, 2);
  self->label_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->label_row),
                                 "Label column (name or number; empty: the last)");
  adw_entry_row_set_show_apply_button (self->label_row, TRUE);
  g_signal_connect (self->label_row, "apply", G_CALLBACK (on_label_apply), self);
  adw_preferences_group_add (g, GTK_WIDGET (self->label_row));
  self->csv_rows[0] = GTK_WIDGET (self->label_row);
  self->task = add_combo (self, g, "Task", task_titles, 3);
  self->csv_rows[1] = GTK_WIDGET (self->task);
  self->header = add_combo (self, g, "Header row", header_titles, 3);
  self->csv_rows[2] = GTK_WIDGET (self->header);
}

static void
build_groups (BpBuilderSettings *self)
{
  AdwPreferencesGroup *g;

  build_dataset (self);
  g = add_group (self, "Split and scaling", "Scaling is fitted on the training rows only.");
  add_fields (self, g, 3, 5);
  self->scaling = add_combo (self, g, "Scaling", scaling_titles, 3);
  g = add_group (self, "Loss", NULL);
  self->loss = add_combo (self, g, "Loss", loss_titles, 4);
  add_fields (self, g, 6, 6);
  g = add_group (self, "Optimizer", "PyTorch's torch.optim names and defaults.");
  self->optim = add_combo (self, g, "Optimizer", optim_titles, 5);
  add_fields (self, g, 7, 20);
  g = add_group (self, "Training", NULL);
  add_fields (self, g, 21, 26);
  g = add_group (self, "Learning-rate schedule", NULL);
  self->schedule = add_combo (self, g, "Schedule", sched_titles, 4);
  add_fields (self, g, 27, 32);
  g = add_group (self, "Early stopping", NULL);
  add_fields (self, g, 33, 33);
  self->early_monitor = add_combo (self, g, "Watch", monitor_titles, 4);
  add_fields (self, g, 34, 36);
  g = add_group (self, "Plateau", NULL);
  add_fields (self, g, 37, 40);
}

/* ---- GObject ---- */

static void
bp_builder_settings_dispose (GObject *object)
{
  BpBuilderSettings *self = BP_BUILDER_SETTINGS (object);

  if (self->page != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->page));
  self->page = NULL;
  g_clear_object (&self->source_list);
  self->exp = NULL;
  G_OBJECT_CLASS (bp_builder_settings_parent_class)->dispose (object);
}

static void
bp_builder_settings_class_init (BpBuilderSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_builder_settings_dispose;
  signals[SIGNAL_SPEC_CHANGED] =
    g_signal_new ("spec-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_STRING);
  signals[SIGNAL_DATA_CHANGED] =
    g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_TRAINING_CHANGED] =
    g_signal_new ("training-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_OPEN_FILE] =
    g_signal_new ("open-file", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_FIT_DATA] =
    g_signal_new ("fit-data", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "builder-settings");
}

static void
bp_builder_settings_init (BpBuilderSettings *self)
{
  self->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->page), GTK_WIDGET (self));
  self->updating = TRUE;
  build_groups (self);
  self->updating = FALSE;
}

GtkWidget *
bp_builder_settings_new (void)
{
  return g_object_new (BP_TYPE_BUILDER_SETTINGS, NULL);
}

static void
select_value (AdwComboRow *row, guint i)
{
  if (adw_combo_row_get_selected (row) != i)
    adw_combo_row_set_selected (row, i);
}

static void
show_source (BpBuilderSettings *self)
{
  const char *src = self->exp->data.source;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->source_list));
  g_autofree char *name = src != NULL ? g_strndup (src, strcspn (src, ":")) : NULL;
  guint pick = GTK_INVALID_LIST_POSITION;

  /* One extra item at the end names a file source. */
  if ((int) n_items > self->n_builtins)
    gtk_string_list_remove (self->source_list, n_items - 1);
  for (int i = 0; name != NULL && i < self->n_builtins; i++)
    if (g_str_equal (gtk_string_list_get_string (self->source_list, (guint) i), name))
      pick = (guint) i;
  if (src != NULL && pick == GTK_INVALID_LIST_POSITION)
    {
      g_autofree char *base = g_path_get_basename (src);
      gtk_string_list_append (self->source_list, base);
      pick = (guint) self->n_builtins;
    }
  adw_combo_row_set_selected (self->source, pick);
}

void
bp_builder_settings_show (BpBuilderSettings *self, const bp_graph *g, bp_experiment *exp)
{
  g_return_if_fail (BP_IS_BUILDER_SETTINGS (self));
  g_return_if_fail (g != NULL && exp != NULL);

  self->updating = TRUE;
  self->exp = exp;
  bp_spec_settings_from_graph (&self->spec, g);
  show_source (self);
  for (guint i = 0; i < N_FIELDS; i++)
    {
      double v = bp_settings_field_get (&fields[i], &self->spec, self->exp);
      if (fields[i].type == BP_FIELD_BOOL)
        gtk_switch_set_active (GTK_SWITCH (self->controls[i]), v != 0);
      else
        bp_spin_set (GTK_SPIN_BUTTON (self->controls[i]), v);
    }
  for (guint i = 0; i < G_N_ELEMENTS (loss_values); i++)
    if (loss_values[i] == g->loss)
      select_value (self->loss, i);
  for (guint i = 0; i < G_N_ELEMENTS (optim_values); i++)
    if (optim_values[i] == g->optim.kind)
      select_value (self->optim, i);
  select_value (self->schedule, exp->training.schedule.kind);
  select_value (self->early_monitor, exp->training.early_stop.monitor);
  select_value (self->scaling, exp->data.scaling);
  select_value (self->task, exp->data.task);
  select_value (self->header, exp->data.header);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->label_row)),
                 exp->data.label != NULL ? exp->data.label : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->label_row),
                           exp->data.label != NULL ? exp->data.label : "");
  update_visibility (self);
  self->updating = FALSE;
}

void
bp_builder_settings_set_data_info (BpBuilderSettings *self, const char *text, gboolean error)
{
  g_return_if_fail (BP_IS_BUILDER_SETTINGS (self));

  gtk_label_set_text (self->data_info, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->data_info), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->data_info), "error");
}
