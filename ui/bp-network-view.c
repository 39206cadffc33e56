/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-network-view.h"

#include "bp-network-view-private.h"

#include <math.h>

enum {
  PROP_0,
  PROP_SHOW_GRADIENTS,
  N_PROPS
};

enum {
  SIGNAL_ADD_LAYER,
  SIGNAL_REMOVE_LAYER,
  SIGNAL_ADD_NEURON,
  SIGNAL_REMOVE_NEURON,
  SIGNAL_WEIGHT_EDITED,
  SIGNAL_NEURON_HOVERED,
  SIGNAL_CHOICE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpNetworkView, bp_network_view, GTK_TYPE_WIDGET)

static GtkWidget *
small_button (BpNetworkView *self, gboolean plus, const char *tooltip)
{
  GtkWidget *b = gtk_button_new_from_icon_name (plus ? "list-add-symbolic"
                                                     : "list-remove-symbolic");

  gtk_widget_add_css_class (b, "flat");
  gtk_widget_add_css_class (b, "circular");
  gtk_widget_add_css_class (b, "bp-small-button");
  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_widget_set_focus_on_click (b, FALSE);
  gtk_widget_set_parent (b, GTK_WIDGET (self));
  return b;
}

static void
on_column_button (GtkButton *button, BpNetworkView *self)
{
  for (int c = 1; c < self->n_columns - 1; c++)
    {
      if (GTK_WIDGET (button) == self->columns[c].plus)
        g_signal_emit (self, signals[SIGNAL_ADD_NEURON], 0, c);
      else if (GTK_WIDGET (button) == self->columns[c].minus)
        g_signal_emit (self, signals[SIGNAL_REMOVE_NEURON], 0, c);
      else
        continue;
      return;
    }
}

static void
on_layer_button (GtkButton *button, BpNetworkView *self)
{
  g_signal_emit (self, GTK_WIDGET (button) == self->layer_plus ? signals[SIGNAL_ADD_LAYER]
                                                               : signals[SIGNAL_REMOVE_LAYER],
                 0);
}

static void
update_sensitivity (BpNetworkView *self)
{
  int hidden = self->n_columns - 2;

  gtk_widget_set_sensitive (self->layer_minus, hidden > 0);
  gtk_widget_set_sensitive (self->layer_plus, hidden < BP_NV_MAX_HIDDEN_LAYERS);
  for (int c = 1; c < self->n_columns - 1; c++)
    {
      gtk_widget_set_sensitive (self->columns[c].minus, self->columns[c].n > 1);
      gtk_widget_set_sensitive (self->columns[c].plus, self->columns[c].n < BP_NV_MAX_NEURONS);
    }
}

static void
clear_column (BpNvColumn *col)
{
  if (col->nodes != NULL)
    for (int i = 0; i < col->n; i++)
      g_clear_pointer (&col->nodes[i], gsk_render_node_unref);
  g_clear_pointer (&col->nodes, g_free);
  g_clear_pointer (&col->column_node, gsk_render_node_unref);
  g_clear_pointer (&col->names, g_strfreev);
  g_clear_pointer (&col->caption, g_free);
  g_clear_pointer (&col->thumbs, g_free);
  g_clear_pointer (&col->weights, g_free);
  g_clear_pointer (&col->biases, g_free);
  g_clear_pointer (&col->grads, g_free);
  g_clear_pointer (&col->biases_shown, g_free);
  g_clear_pointer (&col->minus, gtk_widget_unparent);
  g_clear_pointer (&col->plus, gtk_widget_unparent);
  col->n = 0;
}

static void
set_hover (BpNetworkView *self, const BpNvHit *hit)
{
  gboolean neuron_changed = hit->kind != self->hover.kind || hit->column != self->hover.column
                            || hit->index != self->hover.index;

  if (memcmp (hit, &self->hover, sizeof *hit) == 0)
    return;
  if (self->hover.kind == BP_NV_HIT_LINK)
    _bp_nv_drop_links (self, self->hover.layer);
  if (hit->kind == BP_NV_HIT_LINK)
    _bp_nv_drop_links (self, hit->layer);
  if (neuron_changed)
    _bp_nv_drop_columns (self, -1); /* the hovered neuron's border */
  self->hover = *hit;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (neuron_changed)
    g_signal_emit (self, signals[SIGNAL_NEURON_HOVERED], 0,
                   hit->kind == BP_NV_HIT_NEURON ? hit->column : -1,
                   hit->kind == BP_NV_HIT_NEURON ? hit->index : -1);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, BpNetworkView *self)
{
  BpNvHit hit;

  self->hover_x = x;
  self->hover_y = y;
  _bp_nv_hit_test (self, x, y, &hit);
  set_hover (self, &hit);
}

static void
on_leave (GtkEventControllerMotion *motion, BpNetworkView *self)
{
  BpNvHit none = { BP_NV_HIT_NONE, -1, -1, -1, -1, -1 };

  set_hover (self, &none);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  g_autofree char *text = bp_network_view_describe_at (BP_NETWORK_VIEW (widget), x, y);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, BpNetworkView *self)
{
  BpNvHit hit;

  if (_bp_nv_choice_pressed (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  _bp_nv_hit_test (self, x, y, &hit);
  if (hit.kind != BP_NV_HIT_LINK)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  bp_network_view_edit_weight (self, hit.layer, hit.out, hit.in);
}

void
_bp_nv_emit_choice (BpNetworkView *self, int column, int index)
{
  g_signal_emit (self, signals[SIGNAL_CHOICE_CHANGED], 0, column, index);
}

static void
commit_edit (BpNetworkView *self)
{
  double v = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->spin));
  BpNvHit e = self->editing;

  if (e.kind != BP_NV_HIT_LINK)
    return;
  self->editing.kind = BP_NV_HIT_NONE;
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  g_signal_emit (self, signals[SIGNAL_WEIGHT_EDITED], 0, e.layer, e.out, e.in, v);
}

static void
on_spin_activate (GtkText *text, BpNetworkView *self)
{
  gtk_spin_button_update (GTK_SPIN_BUTTON (self->spin));
  commit_edit (self);
}

static void
on_set_clicked (GtkButton *button, BpNetworkView *self)
{
  gtk_spin_button_update (GTK_SPIN_BUTTON (self->spin));
  commit_edit (self);
}

static void
build_popover (BpNetworkView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *set = gtk_button_new_with_label ("Set");

  self->popover = gtk_popover_new ();
  self->popover_label = gtk_label_new (NULL);
  self->spin = gtk_spin_button_new_with_range (-10, 10, 0.01);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->spin), 3);
  gtk_widget_add_css_class (set, "suggested-action");
  gtk_box_append (GTK_BOX (box), self->popover_label);
  gtk_box_append (GTK_BOX (box), self->spin);
  gtk_box_append (GTK_BOX (box), set);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  /* GTK 4.8's spin button has no "activate" of its own: Enter reaches its text. */
  g_signal_connect (gtk_editable_get_delegate (GTK_EDITABLE (self->spin)), "activate",
                    G_CALLBACK (on_spin_activate), self);
  g_signal_connect (set, "clicked", G_CALLBACK (on_set_clicked), self);
}

static void
place (GtkWidget *child, double x, double y)
{
  int w, h;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
  gtk_widget_size_allocate (child, &(GtkAllocation) { (int) round (x), (int) round (y), w, h },
                            -1);
}

static int
child_width (GtkWidget *child)
{
  int w;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
  return w;
}

static void
bp_network_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BpNetworkView *self = BP_NETWORK_VIEW (widget);
  int bw = child_width (self->layer_plus);

  place (self->layer_minus, width / 2.0 - 80 - bw, (BP_NV_HEADER_H - bw) / 2);
  place (self->layer_plus, width / 2.0 + 80, (BP_NV_HEADER_H - bw) / 2);
  for (int c = 1; c < self->n_columns - 1; c++)
    {
      double x, y;

      if (!_bp_nv_neuron_pos (self, c, 0, &x, &y))
        continue;
      place (self->columns[c].minus, x - bw - 1, BP_NV_HEADER_H + 2);
      place (self->columns[c].plus, x + 1, BP_NV_HEADER_H + 2);
    }
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
  if (self->choice_popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->choice_popover));
  _bp_nv_drop_textures (self);
}

static void
bp_network_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline,
                         int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 320, *natural = 640;
  else
    *minimum = 260, *natural = 520;
}

static void
bp_network_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_network_view_parent_class)->css_changed (widget, change);
  _bp_nv_drop_textures (BP_NETWORK_VIEW (widget));
}

static void
bp_network_view_dispose (GObject *object)
{
  BpNetworkView *self = BP_NETWORK_VIEW (object);

  for (int c = 0; c < self->n_columns; c++)
    clear_column (&self->columns[c]);
  self->n_columns = 0;
  g_clear_pointer (&self->layer_minus, gtk_widget_unparent);
  g_clear_pointer (&self->layer_plus, gtk_widget_unparent);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  _bp_nv_choice_dispose (self);
  _bp_nv_drop_links (self, -1);
  g_clear_pointer (&self->labels_node, gsk_render_node_unref);
  if (self->refresh_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->refresh_tick);
  self->refresh_tick = 0;
  G_OBJECT_CLASS (bp_network_view_parent_class)->dispose (object);
}

static void
bp_network_view_get_property (GObject *object, guint prop_id, GValue *value,
                              GParamSpec *pspec)
{
  BpNetworkView *self = BP_NETWORK_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_GRADIENTS:
      g_value_set_boolean (value, self->show_gradients);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_network_view_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  BpNetworkView *self = BP_NETWORK_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_GRADIENTS:
      bp_network_view_set_show_gradients (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_network_view_class_init (BpNetworkViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_network_view_dispose;
  object_class->get_property = bp_network_view_get_property;
  object_class->set_property = bp_network_view_set_property;
  widget_class->snapshot = _bp_nv_snapshot;
  widget_class->measure = bp_network_view_measure;
  widget_class->size_allocate = bp_network_view_size_allocate;
  widget_class->css_changed = bp_network_view_css_changed;

  properties[PROP_SHOW_GRADIENTS] = g_param_spec_boolean (
    "show-gradients", NULL, NULL, FALSE,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ADD_LAYER] = g_signal_new ("add-layer", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVE_LAYER] = g_signal_new ("remove-layer", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);
  /* (column) */
  signals[SIGNAL_ADD_NEURON] = g_signal_new ("add-neuron", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_REMOVE_NEURON] = g_signal_new ("remove-neuron", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_INT);
  /* (layer, out, in, value) */
  signals[SIGNAL_WEIGHT_EDITED] = g_signal_new ("weight-edited", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_INT,
                                                G_TYPE_INT, G_TYPE_DOUBLE);
  /* (column, index), both -1 when the pointer leaves the neurons */
  signals[SIGNAL_NEURON_HOVERED] = g_signal_new ("neuron-hovered", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /* (column, index) */
  signals[SIGNAL_CHOICE_CHANGED] = g_signal_new ("choice-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "networkview");
}

static void
bp_network_view_init (BpNetworkView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  static const int sizes[] = { 2, 1 };

  self->hover = (BpNvHit) { BP_NV_HIT_NONE, -1, -1, -1, -1, -1 };
  self->layer_minus = small_button (self, FALSE, "Remove the last hidden layer");
  self->layer_plus = small_button (self, TRUE, "Add a hidden layer");
  g_signal_connect (self->layer_minus, "clicked", G_CALLBACK (on_layer_button), self);
  g_signal_connect (self->layer_plus, "clicked", G_CALLBACK (on_layer_button), self);
  build_popover (self);
  _bp_nv_choice_init (self);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);

  bp_network_view_set_layout (self, 2, sizes, NULL);
}

GtkWidget *
bp_network_view_new (void)
{
  return g_object_new (BP_TYPE_NETWORK_VIEW, NULL);
}

void
bp_network_view_set_layout (BpNetworkView *self, int n_columns, const int *sizes,
                            const char *const *input_names)
{
  BpNvHit none = { BP_NV_HIT_NONE, -1, -1, -1, -1, -1 };

  g_return_if_fail (BP_IS_NETWORK_VIEW (self));
  g_return_if_fail (n_columns >= 2 && n_columns <= BP_NETWORK_VIEW_MAX_COLUMNS);
  g_return_if_fail (sizes != NULL);

  for (int c = 0; c < self->n_columns; c++)
    clear_column (&self->columns[c]);
  self->n_columns = n_columns;
  for (int c = 0; c < n_columns; c++)
    {
      BpNvColumn *col = &self->columns[c];

      col->n = MAX (sizes[c], 1);
      if (c == 0)
        {
          col->names = g_new0 (char *, col->n + 1);
          for (int i = 0; i < col->n; i++)
            col->names[i] = input_names != NULL ? g_strdup (input_names[i])
                                                : g_strdup_printf ("x%d", i + 1);
        }
      if (c > 0 && c < n_columns - 1)
        {
          col->minus = small_button (self, FALSE, "One neuron fewer");
          col->plus = small_button (self, TRUE, "One neuron more");
          g_signal_connect (col->minus, "clicked", G_CALLBACK (on_column_button), self);
          g_signal_connect (col->plus, "clicked", G_CALLBACK (on_column_button), self);
        }
    }
  _bp_nv_drop_textures (self);
  self->hover = none;
  self->editing = none;
  if (self->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  update_sensitivity (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
bp_network_view_get_n_columns (BpNetworkView *self)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), 0);
  return self->n_columns;
}

int
bp_network_view_get_column_size (BpNetworkView *self, int column)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), 0);
  g_return_val_if_fail (column >= 0 && column < self->n_columns, 0);
  return self->columns[column].n;
}

static void
copy_into (float **dst, const float *src, size_t n)
{
  if (src == NULL)
    {
      g_clear_pointer (dst, g_free);
      return;
    }
  if (*dst == NULL)
    *dst = g_new (float, n);
  memcpy (*dst, src, n * sizeof (float));
}

void
bp_network_view_set_weights (BpNetworkView *self, int layer, const float *weights,
                             const float *biases, const float *grads)
{
  BpNvColumn *col;
  int n_out;

  g_return_if_fail (BP_IS_NETWORK_VIEW (self));
  g_return_if_fail (layer >= 0 && layer + 1 < self->n_columns);

  col = &self->columns[layer];
  n_out = self->columns[layer + 1].n;
  copy_into (&col->weights, weights, (size_t) n_out * col->n);
  copy_into (&col->biases, biases, n_out);
  copy_into (&col->grads, grads, (size_t) n_out * col->n);
  _bp_nv_links_stale (self, layer);
  /* Paced, the next column's biases are drawn with its thumbnails; else at once. */
  if (self->paced)
    self->thumbs_stale[layer + 1] = TRUE;
  else
    _bp_nv_drop_columns (self, layer + 1);
  /* Parts drawn grey, before the layer had weights (a new layout), are not left to the paced
   * round of updates: dropped, they are drawn with these weights in the next frame. */
  for (int p = 0; p < BP_NV_LINK_PARTS && self->links_grey[layer] != 0; p++)
    if (self->links_grey[layer] & (1u << p))
      g_clear_pointer (&self->links_nodes[layer][p], gsk_render_node_unref);
  self->links_grey[layer] = 0;
  if (self->show_gradients)
    {
      /* Gradient links are scaled by the network's largest |dL/dw|: all layers move. */
      for (int l = 0; l + 1 < self->n_columns; l++)
        _bp_nv_links_stale (self, l);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

float
bp_network_view_get_weight (BpNetworkView *self, int layer, int out, int in)
{
  BpNvColumn *col;

  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), NAN);

  if (layer < 0 || layer + 1 >= self->n_columns)
    return NAN;
  col = &self->columns[layer];
  if (col->weights == NULL || out < 0 || out >= self->columns[layer + 1].n || in < 0
      || in >= col->n)
    return NAN;
  return col->weights[(size_t) out * col->n + in];
}

float
bp_network_view_get_bias (BpNetworkView *self, int layer, int out)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), NAN);

  if (layer < 0 || layer + 1 >= self->n_columns || self->columns[layer].biases == NULL || out < 0
      || out >= self->columns[layer + 1].n)
    return NAN;
  return self->columns[layer].biases[out];
}

void
bp_network_view_set_thumbnails (BpNetworkView *self, int column, const float *values, int side)
{
  BpNvColumn *col;

  g_return_if_fail (BP_IS_NETWORK_VIEW (self));
  g_return_if_fail (column >= 0 && column < self->n_columns);

  col = &self->columns[column];
  self->thumbs_stale[column] = TRUE;
  if (values == NULL || side <= 0)
    {
      g_clear_pointer (&col->thumbs, g_free);
      col->thumb_side = 0;
    }
  else
    {
      if (col->thumb_side != side)
        g_clear_pointer (&col->thumbs, g_free);
      col->thumb_side = side;
      copy_into (&col->thumbs, values, (size_t) col->n * side * side);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const float *
bp_network_view_get_thumbnail (BpNetworkView *self, int column, int index, int *side)
{
  BpNvColumn *col;

  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), NULL);

  if (column < 0 || column >= self->n_columns)
    return NULL;
  col = &self->columns[column];
  if (col->thumbs == NULL || index < 0 || index >= col->n)
    return NULL;
  if (side != NULL)
    *side = col->thumb_side;
  return col->thumbs + (size_t) index * col->thumb_side * col->thumb_side;
}

void
bp_network_view_set_column_caption (BpNetworkView *self, int column, const char *caption)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));
  g_return_if_fail (column >= 0 && column < self->n_columns);

  g_free (self->columns[column].caption);
  self->columns[column].caption = g_strdup (caption);
  g_clear_pointer (&self->labels_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bp_network_view_set_show_gradients (BpNetworkView *self, gboolean show)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));

  show = !!show;
  if (self->show_gradients == show)
    return;
  self->show_gradients = show;
  _bp_nv_drop_textures (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GRADIENTS]);
}

gboolean
bp_network_view_get_show_gradients (BpNetworkView *self)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), FALSE);
  return self->show_gradients;
}

void
bp_network_view_set_show_dead (BpNetworkView *self, gboolean show)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));

  if (self->show_dead == !!show)
    return;
  self->show_dead = !!show;
  _bp_nv_drop_links (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bp_network_view_neuron_center (BpNetworkView *self, int column, int index, double *x, double *y)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), FALSE);
  return _bp_nv_neuron_pos (self, column, index, x, y);
}

gboolean
bp_network_view_link_center (BpNetworkView *self, int layer, int out, int in, double *x,
                             double *y)
{
  double x0, y0, x1, y1, s;

  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), FALSE);

  if (!_bp_nv_neuron_pos (self, layer, in, &x0, &y0)
      || !_bp_nv_neuron_pos (self, layer + 1, out, &x1, &y1))
    return FALSE;
  s = _bp_nv_neuron_side (self);
  /* The curve's midpoint (t = 1/2) between the neuron edges. */
  *x = (x0 + s / 2 + x1 - s / 2) / 2;
  *y = (y0 + y1) / 2;
  return TRUE;
}

GtkWidget *
bp_network_view_get_button (BpNetworkView *self, int column, gboolean plus)
{
  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), NULL);

  if (column == -1)
    return plus ? self->layer_plus : self->layer_minus;
  if (column < 1 || column >= self->n_columns - 1)
    return NULL;
  return plus ? self->columns[column].plus : self->columns[column].minus;
}

char *
bp_network_view_describe_at (BpNetworkView *self, double x, double y)
{
  BpNvHit hit;

  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), NULL);

  _bp_nv_hit_test (self, x, y, &hit);
  return _bp_nv_describe (self, &hit);
}

void
bp_network_view_edit_weight (BpNetworkView *self, int layer, int out, int in)
{
  double x, y;
  float w;
  char label[32];

  g_return_if_fail (BP_IS_NETWORK_VIEW (self));

  if (!bp_network_view_link_center (self, layer, out, in, &x, &y))
    return;
  w = bp_network_view_get_weight (self, layer, out, in);
  self->editing = (BpNvHit) { BP_NV_HIT_LINK, -1, -1, layer, out, in };
  g_snprintf (label, sizeof label, "Weight");
  gtk_label_set_text (GTK_LABEL (self->popover_label), label);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->spin), isfinite (w) ? w : 0.0);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x - 2, (int) y - 2, 4, 4 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_widget_grab_focus (self->spin);
}

void
bp_network_view_set_paced (BpNetworkView *self, gboolean paced)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));

  self->paced = !!paced;
  if (!paced)
    gtk_widget_queue_draw (GTK_WIDGET (self)); /* resumes its own round of redraws */
}

gboolean
bp_network_view_refresh (BpNetworkView *self, int units)
{
  gboolean stale = FALSE;

  g_return_val_if_fail (BP_IS_NETWORK_VIEW (self), FALSE);

  for (int c = 0; c < self->n_columns && !stale; c++)
    {
      stale = self->thumbs_stale[c];
      for (int p = 0; p < BP_NV_LINK_PARTS && !stale; p++)
        stale = (self->links_stale[c] & (1u << p)) && self->links_nodes[c][p] != NULL;
    }
  if (stale && units > 0)
    {
      self->refresh_grant = units;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return stale;
}
