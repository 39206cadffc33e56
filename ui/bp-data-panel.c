/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-data-panel.h"

#include "bp-ui.h"

#include "bp-dataset-thumb.h"

#include <math.h>

struct _BpDataPanel {
  GtkWidget parent_instance;

  /* template */
  GtkWidget *content;
  GtkFlowBox *datasets_box;
  GtkLabel *ratio_label;
  GtkScale *ratio_scale;
  GtkLabel *noise_label;
  GtkScale *noise_scale;
  GtkSpinButton *batch_spin;
  GtkSpinButton *points_spin;
  GtkSpinButton *classes_spin;
  GtkSpinButton *seed_spin;
  GtkDropDown *add_class_drop;
  GtkFlowBox *features_box;

  GtkWidget *thumbs[BP_SYNTH_N_KINDS];
  GtkWidget *feature_toggles[BP_N_FEATURES];
  int add_n_classes;
  gboolean updating;
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_LOAD_CSV,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpDataPanel, bp_data_panel, GTK_TYPE_WIDGET)

/* Thumbnail order: the classification sets, then regression. */
static const bp_synth_kind kind_order[BP_SYNTH_N_KINDS] = {
  BP_SYNTH_CIRCLE, BP_SYNTH_XOR, BP_SYNTH_GAUSS, BP_SYNTH_SPIRAL, BP_SYNTH_MOONS,
  BP_SYNTH_BLOBS, BP_SYNTH_SPIRALS, BP_SYNTH_REG_PLANE, BP_SYNTH_REG_GAUSS,
};

const char *
bp_data_panel_kind_title (bp_synth_kind kind)
{
  switch (kind)
    {
    case BP_SYNTH_CIRCLE: return "Circle";
    case BP_SYNTH_XOR: return "Exclusive or";
    case BP_SYNTH_GAUSS: return "Two gaussians";
    case BP_SYNTH_SPIRAL: return "Spiral";
    case BP_SYNTH_REG_PLANE: return "Plane (regression)";
    case BP_SYNTH_REG_GAUSS: return "Gaussians (regression)";
    case BP_SYNTH_MOONS: return "Moons";
    case BP_SYNTH_BLOBS: return "Blobs (k classes)";
    case BP_SYNTH_SPIRALS: return "Spirals (k arms)";
    case BP_SYNTH_N_KINDS:
    default: return "?";
    }
}

static void
emit_changed (BpDataPanel *self, BpDataField field)
{
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) field);
}

static void
update_labels (BpDataPanel *self)
{
  char buf[64];

  g_snprintf (buf, sizeof buf, "Training data: %.0f%%",
              gtk_range_get_value (GTK_RANGE (self->ratio_scale)));
  gtk_label_set_text (self->ratio_label, buf);
  g_snprintf (buf, sizeof buf, "Noise: %.0f", gtk_range_get_value (GTK_RANGE (self->noise_scale)));
  gtk_label_set_text (self->noise_label, buf);
}

static void
on_control_changed (GtkWidget *control, BpDataPanel *self)
{
  update_labels (self);
  if (control == GTK_WIDGET (self->ratio_scale))
    emit_changed (self, BP_DATA_RATIO);
  else if (control == GTK_WIDGET (self->noise_scale))
    emit_changed (self, BP_DATA_NOISE);
  else if (control == GTK_WIDGET (self->batch_spin))
    emit_changed (self, BP_DATA_BATCH);
  else if (control == GTK_WIDGET (self->points_spin))
    emit_changed (self, BP_DATA_POINTS);
  else if (control == GTK_WIDGET (self->classes_spin))
    emit_changed (self, BP_DATA_CLASSES);
  else if (control == GTK_WIDGET (self->seed_spin))
    emit_changed (self, BP_DATA_SEED);
}

static void
on_regenerate (GtkButton *button, BpDataPanel *self)
{
  gtk_spin_button_spin (self->seed_spin, GTK_SPIN_STEP_FORWARD, 1);
}

static void
on_load_csv (GtkButton *button, BpDataPanel *self)
{
  g_signal_emit (self, signals[SIGNAL_LOAD_CSV], 0);
}

static void
on_dataset_selected (GtkFlowBox *box, BpDataPanel *self)
{
  emit_changed (self, BP_DATA_KIND);
}

static void
on_feature_toggled (GtkToggleButton *button, BpDataPanel *self)
{
  gboolean any = FALSE;

  for (int f = 0; f < BP_N_FEATURES; f++)
    any |= gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->feature_toggles[f]));
  /* A network needs an input: the last feature cannot be switched off. */
  if (!any)
    {
      gtk_toggle_button_set_active (button, TRUE);
      return;
    }
  emit_changed (self, BP_DATA_FEATURES);
}

static void
add_thumbnails (BpDataPanel *self)
{
  for (int i = 0; i < BP_SYNTH_N_KINDS; i++)
    {
      bp_synth_kind kind = kind_order[i];
      bp_synth_params p = { kind, 240, 0.0, 7, 3 };
      bp_dataset *ds = bp_synth_generate (&p, NULL, 0);
      GtkWidget *thumb = bp_dataset_thumb_new (bp_data_panel_kind_title (kind));

      if (ds != NULL)
        {
          g_autofree BpHeatmapPoint *pts = g_new0 (BpHeatmapPoint, ds->n_rows);

          for (size_t r = 0; r < ds->n_rows; r++)
            {
              pts[r].x = bp_dataset_feature (ds, r, 0);
              pts[r].y = bp_dataset_feature (ds, r, 1);
              pts[r].label = ds->task == BP_TASK_CLASSIFICATION ? ds->labels[r] : -1;
              pts[r].target = ds->task == BP_TASK_REGRESSION ? ds->targets[r] : 0;
            }
          bp_dataset_thumb_set_points (BP_DATASET_THUMB (thumb), pts, (guint) ds->n_rows);
          bp_dataset_free (ds);
        }
      gtk_flow_box_append (self->datasets_box, thumb);
      self->thumbs[kind] = gtk_widget_get_parent (thumb); /* the GtkFlowBoxChild */
    }
}

static void
add_feature_toggles (BpDataPanel *self)
{
  for (int f = 0; f < BP_N_FEATURES; f++)
    {
      GtkWidget *b = gtk_toggle_button_new_with_label (bp_feature_label (f));

      gtk_widget_set_tooltip_text (b, "Feed this feature to the network (resets the weights)");
      gtk_widget_add_css_class (b, "bp-feature");
      g_signal_connect (b, "toggled", G_CALLBACK (on_feature_toggled), self);
      gtk_flow_box_append (self->features_box, b);
      self->feature_toggles[f] = b;
    }
}

static void
bp_data_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BP_TYPE_DATA_PANEL);
  bp_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (bp_data_panel_parent_class)->dispose (object);
}

static void
bp_data_panel_class_init (BpDataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_panel_dispose;

  /* (BpDataField) */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_UINT);

  /* The user asked for a CSV file: the receiver opens the file chooser. */
  signals[SIGNAL_LOAD_CSV] = g_signal_new ("load-csv", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-data-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, content);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, datasets_box);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, ratio_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, ratio_scale);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, noise_label);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, noise_scale);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, points_spin);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, classes_spin);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, add_class_drop);
  gtk_widget_class_bind_template_child (widget_class, BpDataPanel, features_box);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_regenerate);
  gtk_widget_class_bind_template_callback (widget_class, on_dataset_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_load_csv);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "datapanel");
}

static void
bp_data_panel_init (BpDataPanel *self)
{
  BpPgDataParams p;

  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  add_thumbnails (self);
  add_feature_toggles (self);
  self->updating = FALSE;

  bp_pg_data_params_defaults (&p);
  bp_data_panel_set_params (self, &p, 10);
  bp_data_panel_set_add_choices (self, 2);
}

GtkWidget *
bp_data_panel_new (void)
{
  return g_object_new (BP_TYPE_DATA_PANEL, NULL);
}

void
bp_data_panel_get_params (BpDataPanel *self, BpPgDataParams *out, int *batch_size)
{
  GList *sel;

  g_return_if_fail (BP_IS_DATA_PANEL (self));

  bp_pg_data_params_defaults (out);
  sel = gtk_flow_box_get_selected_children (self->datasets_box);
  for (int k = 0; k < BP_SYNTH_N_KINDS && sel != NULL; k++)
    if (self->thumbs[k] == sel->data)
      out->kind = k;
  g_list_free (sel);
  out->n_points = gtk_spin_button_get_value_as_int (self->points_spin);
  out->noise = gtk_range_get_value (GTK_RANGE (self->noise_scale)) / 100.0;
  out->seed = (guint64) gtk_spin_button_get_value_as_int (self->seed_spin);
  out->n_classes = gtk_spin_button_get_value_as_int (self->classes_spin);
  out->train_ratio = gtk_range_get_value (GTK_RANGE (self->ratio_scale)) / 100.0;
  out->features = 0;
  for (int f = 0; f < BP_N_FEATURES; f++)
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->feature_toggles[f])))
      out->features |= BP_FEATURE_BIT (f);
  if (batch_size != NULL)
    *batch_size = gtk_spin_button_get_value_as_int (self->batch_spin);
}

void
bp_data_panel_set_params (BpDataPanel *self, const BpPgDataParams *p, int batch_size)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));
  g_return_if_fail (p->kind < BP_SYNTH_N_KINDS);

  self->updating = TRUE;
  gtk_flow_box_select_child (self->datasets_box, GTK_FLOW_BOX_CHILD (self->thumbs[p->kind]));
  gtk_spin_button_set_value (self->points_spin, p->n_points);
  gtk_range_set_value (GTK_RANGE (self->noise_scale), round (p->noise * 100));
  gtk_spin_button_set_value (self->seed_spin, (double) p->seed);
  gtk_spin_button_set_value (self->classes_spin, p->n_classes);
  gtk_range_set_value (GTK_RANGE (self->ratio_scale), round (p->train_ratio * 100));
  for (int f = 0; f < BP_N_FEATURES; f++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->feature_toggles[f]),
                                  (p->features & BP_FEATURE_BIT (f)) != 0);
  gtk_spin_button_set_value (self->batch_spin, batch_size);
  gtk_widget_set_sensitive (GTK_WIDGET (self->classes_spin),
                            p->kind == BP_SYNTH_BLOBS || p->kind == BP_SYNTH_SPIRALS);
  update_labels (self);
  self->updating = FALSE;
}

void
bp_data_panel_set_add_choices (BpDataPanel *self, int n_classes)
{
  static const char *color_names[] = { "orange", "blue", "green", "purple", "red", "yellow",
                                       "brown", "teal" };
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);

  g_return_if_fail (BP_IS_DATA_PANEL (self));

  if (n_classes == self->add_n_classes)
    return;
  self->add_n_classes = n_classes;
  if (n_classes <= 0)
    {
      gtk_string_list_append (list, "value +1 (blue)");
      gtk_string_list_append (list, "value −1 (orange)");
    }
  for (int c = 0; c < n_classes; c++)
    {
      char buf[48];

      g_snprintf (buf, sizeof buf, "class %d (%s)", c, color_names[c % G_N_ELEMENTS (color_names)]);
      gtk_string_list_append (list, buf);
    }
  gtk_drop_down_set_model (self->add_class_drop, G_LIST_MODEL (list));
}

void
bp_data_panel_get_add_value (BpDataPanel *self, int *label, float *target)
{
  guint sel;

  g_return_if_fail (BP_IS_DATA_PANEL (self));

  sel = gtk_drop_down_get_selected (self->add_class_drop);
  if (sel == GTK_INVALID_LIST_POSITION)
    sel = 0;
  if (self->add_n_classes <= 0)
    {
      *label = -1;
      *target = sel == 0 ? 1.f : -1.f;
    }
  else
    {
      *label = (int) MIN (sel, (guint) self->add_n_classes - 1);
      *target = 0;
    }
}

void
bp_data_panel_select_kind (BpDataPanel *self, bp_synth_kind kind)
{
  g_return_if_fail (BP_IS_DATA_PANEL (self));
  g_return_if_fail (kind < BP_SYNTH_N_KINDS);

  gtk_flow_box_select_child (self->datasets_box, GTK_FLOW_BOX_CHILD (self->thumbs[kind]));
}
