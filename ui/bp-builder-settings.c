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
#include "data/builtin.h"

typedef enum { S_SPEC, S_DATA, S_TRAIN } FieldStruct;
typedef enum { T_F32, T_F64, T_INT, T_LONG, T_U64, T_BOOL } FieldType;

enum {
  F_HUBER = 1 << 0,
  F_SYNTH = 1 << 1,
  F_SYNTH_K = 1 << 2,
  F_EARLY = 1 << 3,
  F_PLATEAU = 1 << 4,
  F_SCHED_NOT_CONST = 1 << 5,
};

#define OPT(k) (1u << (k))
#define SCHED(k) (1u << (k))

typedef struct {
  const char *title, *range;
  FieldStruct where;
  size_t offset;
  FieldType type;
  double min, max, step;
  int digits;
  unsigned optim_mask; /* 0: any optimizer */
  unsigned sched_mask; /* 0: any schedule */
  unsigned flags;
} Field;

#define SP(f) S_SPEC, offsetof (BpSpecSettings, f)
#define DA(f) S_DATA, offsetof (bp_experiment_data, f)
#define TR(f) S_TRAIN, offsetof (bp_experiment_training, f)

/* Group boundaries: see build_groups. */
static const Field fields[] = {
  /* 0-2 dataset (synthetic) */
  { "Points", "10 to 1,000,000; 0: the generator's default (500)", DA (synth.n), T_INT, 0, 1e6, 10,
    0, 0, 0, F_SYNTH },
  { "Noise", "0 to 0.5", DA (synth.noise), T_F64, 0, 0.5, 0.05, 2, 0, 0, F_SYNTH },
  { "Classes", "2 to 16 (blobs and spirals)", DA (synth.k), T_INT, 2, 16, 1, 0, 0, 0, F_SYNTH_K },
  /* 3-5 split */
  { "Validation share", "0 to 0.9 of the rows, for val_loss and early stopping",
    DA (val_ratio), T_F64, 0, 0.9, 0.05, 2, 0, 0, 0 },
  { "Test share", "0 to 0.9 of the rows, kept for the final evaluation", DA (test_ratio), T_F64,
    0, 0.9, 0.05, 2, 0, 0, 0 },
  { "Split seed", NULL, DA (split_seed), T_U64, 0, 9007199254740991.0, 1, 0, 0, 0, 0 },
  /* 6 loss */
  { "Huber delta", "more than 0, up to 10⁶", SP (huber_delta), T_F32, 1e-6, 1e6, 0.1, 3, 0, 0,
    F_HUBER },
  /* 7-20 optimizer */
  { "Learning rate", "more than 0", SP (optim.lr), T_F32, 1e-7, 100, 0.0001, 6, 0, 0, 0 },
  { "Momentum", "0 to less than 1", SP (optim.momentum), T_F32, 0, 0.999, 0.05, 3,
    OPT (BP_OPTIM_SGD) | OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Dampening", "0 to 1", SP (optim.dampening), T_F32, 0, 1, 0.05, 2, OPT (BP_OPTIM_SGD), 0, 0 },
  { "Nesterov", "needs momentum > 0 and dampening 0", SP (optim.nesterov), T_BOOL, 0, 1, 1, 0,
    OPT (BP_OPTIM_SGD), 0, 0 },
  { "Alpha (smoothing)", "0 to less than 1", SP (optim.alpha), T_F32, 0, 0.999, 0.01, 3,
    OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Centered", NULL, SP (optim.centered), T_BOOL, 0, 1, 1, 0, OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Beta 1", "0 to less than 1", SP (optim.beta1), T_F32, 0, 0.9999, 0.01, 4,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "Beta 2", "0 to less than 1", SP (optim.beta2), T_F32, 0, 0.99999, 0.001, 5,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "AMSGrad", NULL, SP (optim.amsgrad), T_BOOL, 0, 1, 1, 0,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "Epsilon", "more than 0", SP (optim.eps), T_F32, 1e-12, 1, 1e-8, 12,
    OPT (BP_OPTIM_RMSPROP) | OPT (BP_OPTIM_ADAGRAD) | OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW),
    0, 0 },
  { "Weight decay", "0 or more (decoupled for AdamW)", SP (optim.weight_decay), T_F32, 0, 1e6,
    0.0001, 5, 0, 0, 0 },
  { "Learning-rate decay", "0 or more", SP (optim.lr_decay), T_F32, 0, 1e6, 0.0001, 5,
    OPT (BP_OPTIM_ADAGRAD), 0, 0 },
  { "Initial accumulator", "0 or more", SP (optim.initial_accumulator), T_F32, 0, 1e6, 0.01, 3,
    OPT (BP_OPTIM_ADAGRAD), 0, 0 },
  { "Clip gradient norm", "0 (off) to 10⁶", SP (optim.clip_norm), T_F32, 0, 1e6, 0.1, 2, 0, 0,
    0 },
  /* 21-26 training */
  { "Batch size", "1 to 65,536", SP (batch_size), T_INT, 1, 65536, 1, 0, 0, 0, 0 },
  { "Epochs", "1 to 1,000,000", SP (epochs), T_INT, 1, 1e6, 1, 0, 0, 0, 0 },
  { "Seed", "weights, shuffling and dropout masks", SP (seed), T_U64, 0, 9007199254740991.0, 1, 0,
    0, 0, 0 },
  { "Shuffle every epoch", NULL, TR (shuffle), T_BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Drop the last small batch", NULL, TR (drop_last), T_BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Step limit", "0: none", TR (max_steps), T_U64, 0, 1e12, 100, 0, 0, 0, 0 },
  /* 27-33 schedule */
  { "Per step", "off: t counts epochs", TR (schedule.per_step), T_BOOL, 0, 1, 1, 0, 0, 0,
    F_SCHED_NOT_CONST },
  { "Step size", "periods between decays", TR (schedule.step_size), T_LONG, 1, 1e9, 1, 0, 0,
    SCHED (BP_SCHEDULE_STEP), 0 },
  { "Gamma", "more than 0, up to 10", TR (schedule.gamma), T_F32, 1e-6, 10, 0.01, 3, 0,
    SCHED (BP_SCHEDULE_STEP) | SCHED (BP_SCHEDULE_EXPONENTIAL), 0 },
  { "Periods (T max)", "0: the epochs", TR (schedule.t_max), T_LONG, 0, 1e9, 1, 0, 0,
    SCHED (BP_SCHEDULE_COSINE), 0 },
  { "Floor (eta min)", "0 or more", TR (schedule.eta_min), T_F32, 0, 100, 0.0001, 6, 0,
    SCHED (BP_SCHEDULE_COSINE), 0 },
  { "Warm-up steps", "0: none", TR (schedule.warmup_steps), T_LONG, 0, 1e9, 10, 0, 0, 0, 0 },
  /* 33-36 early stopping */
  { "Early stopping", "stop when the watched value stops improving", TR (early_stop.enabled),
    T_BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Patience", "epochs without improvement", TR (early_stop.patience), T_INT, 1, 100000, 1, 0,
    0, 0, F_EARLY },
  { "Minimum change", "0 or more", TR (early_stop.min_delta), T_F32, 0, 1e6, 0.001, 4, 0, 0,
    F_EARLY },
  { "Restore the best weights", NULL, TR (early_stop.restore_best), T_BOOL, 0, 1, 1, 0, 0, 0,
    F_EARLY },
  /* 37-40 plateau */
  { "Lower the rate on a plateau", "Keras's ReduceLROnPlateau", TR (plateau.enabled), T_BOOL, 0,
    1, 1, 0, 0, 0, 0 },
  { "Factor", "between 0 and 1", TR (plateau.factor), T_F32, 0.001, 0.999, 0.05, 3, 0, 0,
    F_PLATEAU },
  { "Plateau patience", "epochs", TR (plateau.patience), T_INT, 1, 100000, 1, 0, 0, 0, F_PLATEAU },
  { "Lowest rate", "0 or more", TR (plateau.min_lr), T_F32, 0, 100, 0.0001, 6, 0, 0, F_PLATEAU },
};

#define N_FIELDS G_N_ELEMENTS (fields)

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

void
bp_spec_settings_from_graph (BpSpecSettings *s, const bp_graph *g)
{
  *s = (BpSpecSettings) { g->loss, g->huber_delta, g->optim, g->batch_size, g->epochs, g->seed };
}

void
bp_spec_settings_to_graph (const BpSpecSettings *s, bp_graph *g)
{
  g->loss = s->loss;
  g->huber_delta = s->huber_delta;
  g->optim = s->optim;
  g->batch_size = s->batch_size;
  g->epochs = s->epochs;
  g->seed = s->seed;
}

static void *
field_ptr (BpBuilderSettings *self, const Field *f)
{
  char *base = f->where == S_SPEC ? (char *) &self->spec
               : f->where == S_DATA ? (char *) &self->exp->data
                                    : (char *) &self->exp->training;
  return base + f->offset;
}

static double
field_get (BpBuilderSettings *self, const Field *f)
{
  void *p = field_ptr (self, f);

  switch (f->type)
    {
    case T_F32: return *(float *) p;
    case T_F64: return *(double *) p;
    case T_INT: return *(int *) p;
    case T_LONG: return (double) *(long *) p;
    case T_U64: return (double) *(guint64 *) p;
    case T_BOOL: default: return *(bool *) p;
    }
}

static void
field_set (BpBuilderSettings *self, const Field *f, double v)
{
  void *p = field_ptr (self, f);

  switch (f->type)
    {
    case T_F32: *(float *) p = (float) v; break;
    case T_F64: *(double *) p = v; break;
    case T_INT: *(int *) p = (int) lround (v); break;
    case T_LONG: *(long *) p = lround (v); break;
    case T_U64: *(guint64 *) p = (guint64) llround (MAX (v, 0)); break;
    case T_BOOL: default: *(bool *) p = v != 0; break;
    }
}

static gboolean
source_is_synthetic (const char *source, gboolean *has_k)
{
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  g_autofree char *name = g_strndup (source, strcspn (source, ":"));

  *has_k = g_str_equal (name, "blobs") || g_str_equal (name, "spirals");
  for (size_t i = 0; i < n; i++)
    if (g_str_equal (list[i].name, name))
      return g_str_has_prefix (list[i].summary, "synthetic");
  return FALSE;
}

static gboolean
field_applies (BpBuilderSettings *self, const Field *f)
{
  const char *src = self->exp != NULL && self->exp->data.source != NULL ? self->exp->data.source
                                                                       : "";
  gboolean has_k = FALSE, synth = source_is_synthetic (src, &has_k);

  if (f->optim_mask != 0 && !(f->optim_mask & OPT (self->spec.optim.kind)))
    return FALSE;
  if (f->sched_mask != 0 && !(f->sched_mask & SCHED (self->exp->training.schedule.kind)))
    return FALSE;
  if ((f->flags & F_HUBER) && self->spec.loss != BP_LOSS_HUBER)
    return FALSE;
  if ((f->flags & F_SYNTH) && !synth)
    return FALSE;
  if ((f->flags & F_SYNTH_K) && !(synth && has_k))
    return FALSE;
  if ((f->flags & F_EARLY) && !self->exp->training.early_stop.enabled)
    return FALSE;
  if ((f->flags & F_PLATEAU) && !self->exp->training.plateau.enabled)
    return FALSE;
  if ((f->flags & F_SCHED_NOT_CONST) && self->exp->training.schedule.kind == BP_SCHEDULE_CONSTANT)
    return FALSE;
  return TRUE;
}

static void
emit_for (BpBuilderSettings *self, FieldStruct where, const char *key)
{
  if (where == S_SPEC)
    g_signal_emit (self, signals[SIGNAL_SPEC_CHANGED], 0, &self->spec, key);
  else if (where == S_DATA)
    g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
  else
    g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0);
}

static void
on_field_changed (GObject *control, GParamSpec *pspec, BpBuilderSettings *self)
{
  guint i = GPOINTER_TO_UINT (g_object_get_data (control, "bp-field"));
  const Field *f = &fields[i];
  char key[32];

  if (self->updating || self->exp == NULL)
    return;
  field_set (self, f, f->type == T_BOOL ? gtk_switch_get_active (GTK_SWITCH (control))
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
    gtk_widget_set_visible (self->rows[i], field_applies (self, &fields[i]));
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
      if (i < n)
        set_source (self, list[i].name);
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
    }
  else if (row == self->scaling)
    {
      exp->data.scaling = (bp_scaling) i;
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
    }
  else if (row == self->task || row == self->header)
    {
      if (row == self->task)
        exp->data.task = (bp_csv_task) i;
      else
        exp->data.header = (bp_csv_header) i;
      g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
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
      g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0);
    }
  else if (row == self->early_monitor)
    {
      exp->training.early_stop.monitor = (bp_monitor) i;
      g_signal_emit (self, signals[SIGNAL_TRAINING_CHANGED], 0);
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
  g_signal_emit (self, signals[SIGNAL_DATA_CHANGED], 0);
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
      const Field *f = &fields[i];
      GtkWidget *row, *control;

      if (f->type == T_BOOL)
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
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_TRAINING_CHANGED] =
    g_signal_new ("training-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
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
      double v = field_get (self, &fields[i]);
      if (fields[i].type == T_BOOL)
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
