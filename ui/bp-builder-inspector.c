/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-builder-inspector.h"

#include <adwaita.h>
#include <math.h>

#include "bp-builder-rows.h"

#define MAX_CHOICES 16

struct _BpBuilderInspector {
  GtkWidget parent_instance;

  AdwPreferencesPage *page;
  GPtrArray *groups;       /* the groups shown, to remove on rebuild */

  int shown_id;            /* block the rows were built for (0: none, -1: several) */
  gboolean updating;       /* setting values from the model: ignore widget signals */
  bp_layer_spec layer;     /* the shown block's settings as last shown */
  bp_shape shape;          /* the input block's */

  GtkLabel *status;
  GtkLabel *formula;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  GtkWidget *rows[BP_SET_COUNT];
  GtkWidget *controls[BP_SET_COUNT];
  int choice_values[BP_SET_COUNT][MAX_CHOICES];
  int n_choices[BP_SET_COUNT];
  char status_text[512];

  /* input block */
  AdwComboRow *shape_kind;
  GtkSpinButton *dims[4]; /* features, channels, height, width */
  GtkWidget *dim_rows[4];
};

G_DEFINE_FINAL_TYPE (BpBuilderInspector, bp_builder_inspector, GTK_TYPE_WIDGET)

enum {
  SIGNAL_LAYER_CHANGED,
  SIGNAL_RENAME,
  SIGNAL_INPUT_SHAPE,
  SIGNAL_DELETE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_groups (BpBuilderInspector *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  memset (self->rows, 0, sizeof self->rows);
  memset (self->controls, 0, sizeof self->controls);
  memset (self->dims, 0, sizeof self->dims);
  self->status = NULL;
  self->formula = NULL;
  self->name_row = NULL;
  self->name_error = NULL;
  self->shape_kind = NULL;
  self->status_text[0] = '\0';
}

static AdwPreferencesGroup *
add_group (BpBuilderInspector *self, const char *title, const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);
  return ADW_PREFERENCES_GROUP (group);
}

static GtkLabel *
add_label (AdwPreferencesGroup *group, const char *css)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  adw_preferences_group_add (group, label);
  return GTK_LABEL (label);
}

/* ---- edits ---- */

static void
emit_layer (BpBuilderInspector *self, bp_setting s)
{
  char key[64];

  g_snprintf (key, sizeof key, "block %d setting %d", self->shown_id, (int) s);
  g_signal_emit (self, signals[SIGNAL_LAYER_CHANGED], 0, self->shown_id, &self->layer, key);
}

static void
on_spin_changed (GtkSpinButton *spin, BpBuilderInspector *self)
{
  bp_setting s = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (spin), "bp-setting"));

  if (self->updating)
    return;
  bp_setting_set (&self->layer, s, gtk_spin_button_get_value (spin));
  emit_layer (self, s);
}

static void
on_switch_changed (GtkSwitch *sw, GParamSpec *pspec, BpBuilderInspector *self)
{
  bp_setting s = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sw), "bp-setting"));

  if (self->updating)
    return;
  bp_setting_set (&self->layer, s, gtk_switch_get_active (sw));
  emit_layer (self, s);
}

static void
on_combo_changed (AdwComboRow *row, GParamSpec *pspec, BpBuilderInspector *self)
{
  bp_setting s = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "bp-setting"));
  guint i = adw_combo_row_get_selected (row);

  if (self->updating || i >= (guint) self->n_choices[s])
    return;
  bp_setting_set (&self->layer, s, self->choice_values[s][i]);
  emit_layer (self, s);
}

static void
on_name_apply (AdwEntryRow *row, BpBuilderInspector *self)
{
  if (self->updating)
    return;
  g_signal_emit (self, signals[SIGNAL_RENAME], 0, self->shown_id,
                 gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
on_shape_changed (BpBuilderInspector *self)
{
  bp_shape s;
  gboolean image = adw_combo_row_get_selected (self->shape_kind) == 1;

  if (self->updating)
    return;
  /* Switching between a row and an image keeps the number of values where it can. */
  if (image && self->shape.rank != 3)
    s = (bp_shape) { 3, { 1, 28, 28 } };
  else if (!image && self->shape.rank == 3)
    s = bp_shape_vec ((int) bp_shape_size (self->shape));
  else if (!image)
    s = bp_shape_vec (gtk_spin_button_get_value_as_int (self->dims[0]));
  else
    s = (bp_shape) { 3, { gtk_spin_button_get_value_as_int (self->dims[1]),
                          gtk_spin_button_get_value_as_int (self->dims[2]),
                          gtk_spin_button_get_value_as_int (self->dims[3]) } };
  g_signal_emit (self, signals[SIGNAL_INPUT_SHAPE], 0, &s);
}

static void
on_delete_clicked (GtkButton *button, BpBuilderInspector *self)
{
  g_signal_emit (self, signals[SIGNAL_DELETE], 0);
}

/* ---- building ---- */

static void
build_setting_row (BpBuilderInspector *self, AdwPreferencesGroup *group, bp_setting s)
{
  const bp_setting_info *info = bp_setting_info_get (s);
  GtkWidget *row = NULL, *control = NULL;

  switch (info->type)
    {
    case BP_SETTING_INT:
    case BP_SETTING_FLOAT:
      {
        GtkSpinButton *spin;
        row = bp_row_spin (info->title, info->range, info->min, info->max, info->step,
                           info->digits, &spin);
        control = GTK_WIDGET (spin);
        g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
        break;
      }
    case BP_SETTING_BOOL:
      {
        GtkSwitch *sw;
        row = bp_row_switch (info->title, NULL, &sw);
        control = GTK_WIDGET (sw);
        g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_changed), self);
        break;
      }
    case BP_SETTING_CHOICE:
    default:
      {
        const char *titles[MAX_CHOICES];
        int n = bp_setting_choices (self->layer.kind, s, self->choice_values[s], titles,
                                    MAX_CHOICES);
        self->n_choices[s] = n;
        row = bp_row_combo (info->title, NULL, titles, n);
        control = row;
        g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_changed), self);
        break;
      }
    }
  g_object_set_data (G_OBJECT (control), "bp-setting", GINT_TO_POINTER (s));
  self->rows[s] = row;
  self->controls[s] = control;
  adw_preferences_group_add (group, row);
}

static void
build_input (BpBuilderInspector *self, AdwPreferencesGroup *group)
{
  static const char *const kinds[] = { "Features", "Image (C, H, W)" };
  static const char *const titles[] = { "Features", "Channels", "Height", "Width" };

  self->shape_kind = ADW_COMBO_ROW (bp_row_combo ("Shape", NULL, kinds, 2));
  adw_preferences_group_add (group, GTK_WIDGET (self->shape_kind));
  g_signal_connect_swapped (self->shape_kind, "notify::selected", G_CALLBACK (on_shape_changed),
                            self);
  for (int d = 0; d < 4; d++)
    {
      self->dim_rows[d] = bp_row_spin (titles[d], d == 0 ? "1 to 16,777,216"
                                                         : "1 to 16,777,216; C·H·W at most that",
                                       1, 16777216, 1, 0, &self->dims[d]);
      adw_preferences_group_add (group, self->dim_rows[d]);
      g_signal_connect_swapped (self->dims[d], "value-changed", G_CALLBACK (on_shape_changed),
                                self);
    }
}

static void
build (BpBuilderInspector *self, const bp_graph_node *node)
{
  int kind = node->is_input ? BP_BLOCK_INPUT : (int) node->layer.kind;
  const bp_block_kind_info *info = bp_block_kind_info_get (kind);
  AdwPreferencesGroup *group;
  GtkLabel *explain;

  clear_groups (self);
  self->layer = node->layer;
  group = add_group (self, info->title, info->summary);
  self->status = add_label (group, NULL);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->status), 6);
  if (!node->is_input)
    {
      GtkWidget *box = gtk_list_box_new ();

      gtk_widget_add_css_class (box, "boxed-list");
      self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), "Name");
      adw_entry_row_set_show_apply_button (self->name_row, TRUE);
      g_signal_connect (self->name_row, "apply", G_CALLBACK (on_name_apply), self);
      g_signal_connect (self->name_row, "entry-activated", G_CALLBACK (on_name_apply), self);
      gtk_list_box_append (GTK_LIST_BOX (box), GTK_WIDGET (self->name_row));
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
      adw_preferences_group_add (group, box);
      self->name_error = add_label (group, "error");
      gtk_widget_set_visible (GTK_WIDGET (self->name_error), FALSE);
    }

  group = add_group (self, "What it computes", NULL);
  explain = add_label (group, NULL);
  gtk_label_set_text (explain, info->explain);
  self->formula = add_label (group, "monospace");
  gtk_widget_set_margin_top (GTK_WIDGET (self->formula), 6);
  if (info->params != NULL)
    {
      g_autofree char *p = g_strdup_printf ("Parameters: %s", info->params);
      gtk_label_set_text (add_label (group, "dim-label"), p);
    }

  group = add_group (self, node->is_input ? "Shape" : "Settings", NULL);
  if (node->is_input)
    build_input (self, group);
  else
    {
      int n;
      const bp_setting *set = bp_kind_settings (node->layer.kind, &n);
      for (int i = 0; i < n; i++)
        build_setting_row (self, group, set[i]);
      if (n == 0)
        gtk_label_set_text (add_label (group, "dim-label"), "Nothing to set: it has no settings.");
    }
}

static void
build_many (BpBuilderInspector *self, int n)
{
  g_autofree char *title = g_strdup_printf ("%d blocks selected", n);
  AdwPreferencesGroup *group;
  GtkWidget *button;

  clear_groups (self);
  group = add_group (self, title, "Drag one to move them all; Del removes them (Ctrl+Z brings "
                                  "them back).");
  button = gtk_button_new_with_mnemonic ("_Delete Blocks");
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect (button, "clicked", G_CALLBACK (on_delete_clicked), self);
  adw_preferences_group_add (group, button);
}

/* ---- updating ---- */

static void
update_status (BpBuilderInspector *self, const bp_graph_node *node, const bp_node_report *nr)
{
  char shape[64], count[32], flops[32];
  g_autofree char *escaped = NULL;

  if (nr == NULL)
    return;
  switch (nr->state)
    {
    case BP_NODE_BAD:
      g_strlcpy (self->status_text, nr->message, sizeof self->status_text);
      {
        g_autofree char *msg = g_markup_escape_text (nr->message, -1);
        escaped = g_strdup_printf ("<span foreground='#e01b24'><b>Cannot work here.</b> %s</span>",
                                   msg);
      }
      break;
    case BP_NODE_LOOSE:
    case BP_NODE_UNCHECKED:
      g_strlcpy (self->status_text,
                 nr->state == BP_NODE_LOOSE ? nr->message
                                            : "its shape depends on a block above that cannot work",
                 sizeof self->status_text);
      escaped = g_markup_printf_escaped ("<i>%s</i>", self->status_text);
      break;
    case BP_NODE_OK:
    default:
      bp_shape_format (nr->out, shape, sizeof shape);
      if (node->is_input)
        g_snprintf (self->status_text, sizeof self->status_text, "Each sample is %s", shape);
      else
        g_snprintf (self->status_text, sizeof self->status_text,
                    "Output %s · %s parameters · %s FLOPs per sample", shape,
                    bp_format_count ((double) nr->n_params, FALSE, count, sizeof count),
                    bp_format_count (nr->flops, TRUE, flops, sizeof flops));
      escaped = g_markup_escape_text (self->status_text, -1);
      break;
    }
  gtk_label_set_markup (self->status, escaped);
}

static void
update_formula (BpBuilderInspector *self, const bp_graph_node *node)
{
  int kind = node->is_input ? BP_BLOCK_INPUT : (int) node->layer.kind;
  const bp_block_kind_info *info = bp_block_kind_info_get (kind);
  const bp_layer_spec *ls = &node->layer;
  bp_act act = BP_ACT_COUNT;
  g_autofree char *text = NULL;

  if (!node->is_input && ls->kind == BP_LAYER_DENSE)
    act = ls->u.dense.activation;
  else if (!node->is_input && ls->kind == BP_LAYER_CONV2D)
    act = ls->u.conv2d.activation;
  else if (!node->is_input && ls->kind == BP_LAYER_ACTIVATION)
    act = ls->u.activation.fn;
  if (act != BP_ACT_COUNT)
    text = g_strdup_printf ("%s\nf = %s: %s", info->formula, bp_act_name (act),
                            bp_act_formula (act));
  else
    text = g_strdup (info->formula);
  gtk_label_set_text (self->formula, text);
}

static void
update_values (BpBuilderInspector *self, const bp_graph_node *node)
{
  self->layer = node->layer;
  self->shape = node->shape;
  if (node->is_input)
    {
      gboolean image = node->shape.rank == 3;
      adw_combo_row_set_selected (self->shape_kind, image ? 1 : 0);
      gtk_widget_set_visible (self->dim_rows[0], !image);
      for (int d = 1; d < 4; d++)
        gtk_widget_set_visible (self->dim_rows[d], image);
      if (image)
        for (int d = 0; d < 3; d++)
          bp_spin_set (self->dims[d + 1], node->shape.dims[d]);
      else
        bp_spin_set (self->dims[0], node->shape.dims[0]);
      return;
    }
  if (self->name_row != NULL
      && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), node->layer.name) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), node->layer.name);
  for (int s = 0; s < BP_SET_COUNT; s++)
    {
      const bp_setting_info *info = bp_setting_info_get ((bp_setting) s);
      double v;

      if (self->controls[s] == NULL)
        continue;
      v = bp_setting_get (&node->layer, (bp_setting) s);
      gtk_widget_set_visible (self->rows[s], bp_setting_applies (&node->layer, (bp_setting) s));
      if (info->type == BP_SETTING_BOOL)
        gtk_switch_set_active (GTK_SWITCH (self->controls[s]), v != 0);
      else if (info->type == BP_SETTING_CHOICE)
        {
          for (int i = 0; i < self->n_choices[s]; i++)
            if (self->choice_values[s][i] == (int) v)
              adw_combo_row_set_selected (ADW_COMBO_ROW (self->controls[s]), (guint) i);
        }
      else
        bp_spin_set (GTK_SPIN_BUTTON (self->controls[s]), v);
    }
}

/* ---- GObject ---- */

static void
bp_builder_inspector_dispose (GObject *object)
{
  BpBuilderInspector *self = BP_BUILDER_INSPECTOR (object);

  if (self->page != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->page));
  self->page = NULL;
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  G_OBJECT_CLASS (bp_builder_inspector_parent_class)->dispose (object);
}

static void
bp_builder_inspector_class_init (BpBuilderInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_builder_inspector_dispose;
  signals[SIGNAL_LAYER_CHANGED] =
    g_signal_new ("layer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_POINTER, G_TYPE_STRING);
  signals[SIGNAL_RENAME] =
    g_signal_new ("rename", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_INPUT_SHAPE] =
    g_signal_new ("input-shape", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_DELETE] =
    g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "builder-inspector");
}

static void
bp_builder_inspector_init (BpBuilderInspector *self)
{
  self->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->page), GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
  bp_builder_inspector_show (self, NULL, NULL, NULL, 0);
}

GtkWidget *
bp_builder_inspector_new (void)
{
  return g_object_new (BP_TYPE_BUILDER_INSPECTOR, NULL);
}

void
bp_builder_inspector_show (BpBuilderInspector *self, const bp_graph *g, const bp_graph_report *r,
                           const int *ids, int n)
{
  const bp_graph_node *node;
  int index;

  g_return_if_fail (BP_IS_BUILDER_INSPECTOR (self));

  self->updating = TRUE;
  if (g == NULL || n == 0)
    {
      if (self->shown_id != 0 || self->groups->len == 0)
        {
          AdwPreferencesGroup *group;
          clear_groups (self);
          group = add_group (self, "No block selected",
                             "Click a block to see what it computes and change its settings. "
                             "Drag kinds from the palette onto the canvas, and wire an output "
                             "port (bottom) to an input port (top).");
          (void) group;
        }
      self->shown_id = 0;
    }
  else if (n > 1)
    {
      if (self->shown_id != -n)
        build_many (self, n);
      self->shown_id = -n;
    }
  else if ((index = bp_graph_index_of (g, ids[0])) >= 0)
    {
      node = &g->nodes[index];
      if (self->shown_id != node->id || (self->shape_kind != NULL) != node->is_input
          || (!node->is_input && self->layer.kind != node->layer.kind))
        build (self, node);
      self->shown_id = node->id;
      update_values (self, node);
      update_formula (self, node);
      if (r != NULL && index < r->n_nodes)
        update_status (self, node, &r->nodes[index]);
    }
  self->updating = FALSE;
}

void
bp_builder_inspector_set_name_error (BpBuilderInspector *self, const char *message)
{
  g_return_if_fail (BP_IS_BUILDER_INSPECTOR (self));

  if (self->name_error == NULL)
    return;
  gtk_label_set_text (self->name_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

GtkWidget *
bp_builder_inspector_get_control (BpBuilderInspector *self, bp_setting s)
{
  g_return_val_if_fail (BP_IS_BUILDER_INSPECTOR (self), NULL);
  g_return_val_if_fail ((unsigned) s < BP_SET_COUNT, NULL);
  return self->controls[s];
}

const char *
bp_builder_inspector_get_status (BpBuilderInspector *self)
{
  g_return_val_if_fail (BP_IS_BUILDER_INSPECTOR (self), NULL);
  return self->status_text;
}
