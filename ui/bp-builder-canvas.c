/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-builder-canvas-private.h"

#include <math.h>

guint _bp_canvas_signals[BP_CANVAS_N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpBuilderCanvas, bp_builder_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
emit_selection_changed (BpBuilderCanvas *self)
{
  g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_SELECTION_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_canvas_view_changed (BpBuilderCanvas *self)
{
  self->fit_pending = FALSE;
  g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_VIEW_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fit_now (BpBuilderCanvas *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  const double margin = 40;
  double box[4], zoom;

  if (self->graph == NULL || !bp_graph_bounds (self->graph, box) || w <= 0 || h <= 0)
    return;
  /* Room under the last block for an error message. */
  box[3] += 40;
  zoom = MIN ((w - 2 * margin) / (box[2] - box[0]), (h - 2 * margin) / (box[3] - box[1]));
  zoom = CLAMP (zoom, BP_CANVAS_ZOOM_MIN, 1.0);
  self->zoom = zoom;
  self->offset_x = round (w / 2.0 - zoom * (box[0] + box[2]) / 2);
  /* Tall graphs start at the top. */
  if (zoom * (box[3] - box[1]) + 2 * margin > h)
    self->offset_y = round (margin - zoom * box[1]);
  else
    self->offset_y = round (h / 2.0 - zoom * (box[1] + box[3]) / 2);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  _bp_canvas_view_changed (self);
}

static void
bp_builder_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (widget);

  if (self->fit_pending)
    fit_now (self);
}

static void
bp_builder_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  *minimum = 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480;
}

static void
bp_builder_canvas_dispose (GObject *object)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (object);

  g_clear_object (&self->layout);
  g_clear_pointer (&self->selection, g_hash_table_unref);
  self->graph = NULL;
  self->report = NULL;
  G_OBJECT_CLASS (bp_builder_canvas_parent_class)->dispose (object);
}

static void
bp_builder_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_builder_canvas_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (object);
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  switch (prop_id)
    {
    case PROP_ZOOM:
      bp_builder_canvas_set_zoom (self, g_value_get_double (value), w / 2.0, h / 2.0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
action_delete (GtkWidget *widget, const char *name, GVariant *param)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (widget);

  if (g_hash_table_size (self->selection) > 0)
    g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_DELETE_SELECTION], 0);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_builder_canvas_select_all (BP_BUILDER_CANVAS (widget));
}

static void
bp_builder_canvas_class_init (BpBuilderCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_builder_canvas_dispose;
  object_class->get_property = bp_builder_canvas_get_property;
  object_class->set_property = bp_builder_canvas_set_property;
  widget_class->snapshot = _bp_canvas_snapshot;
  widget_class->size_allocate = bp_builder_canvas_size_allocate;
  widget_class->measure = bp_builder_canvas_measure;

  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, BP_CANVAS_ZOOM_MIN,
                                               BP_CANVAS_ZOOM_MAX, 1.0,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                 | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _bp_canvas_signals[BP_CANVAS_SIGNAL_DROP_BLOCK] =
    g_signal_new ("drop-block", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  _bp_canvas_signals[BP_CANVAS_SIGNAL_WIRE] =
    g_signal_new ("wire", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  _bp_canvas_signals[BP_CANVAS_SIGNAL_MOVE_SELECTION] =
    g_signal_new ("move-selection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  _bp_canvas_signals[BP_CANVAS_SIGNAL_DELETE_SELECTION] =
    g_signal_new ("delete-selection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  _bp_canvas_signals[BP_CANVAS_SIGNAL_VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  _bp_canvas_signals[BP_CANVAS_SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "canvas.delete-selection", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, action_select_all);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0,
                                       "canvas.delete-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0,
                                       "canvas.delete-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0,
                                       "canvas.delete-selection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "canvas.select-all", NULL);
  gtk_widget_class_set_css_name (widget_class, "builder-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bp_builder_canvas_init (BpBuilderCanvas *self)
{
  self->selection = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->zoom = 1.0;
  self->offset_x = self->offset_y = 40;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  _bp_canvas_setup_input (self);
}

GtkWidget *
bp_builder_canvas_new (void)
{
  return g_object_new (BP_TYPE_BUILDER_CANVAS, NULL);
}

void
bp_builder_canvas_set_graph (BpBuilderCanvas *self, const bp_graph *g, const bp_graph_report *r)
{
  GHashTableIter iter;
  gpointer key;
  gboolean dropped = FALSE;

  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));

  self->graph = g;
  self->report = r;
  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g == NULL || bp_graph_find (g, GPOINTER_TO_INT (key)) == NULL)
      {
        g_hash_table_iter_remove (&iter);
        dropped = TRUE;
      }
  /* A drag in progress may refer to blocks that are gone. */
  if (self->drag == BP_DRAG_MOVE || self->drag == BP_DRAG_WIRE)
    self->drag = BP_DRAG_NONE;
  if (dropped)
    emit_selection_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bp_builder_canvas_is_selected (BpBuilderCanvas *self, int id)
{
  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), FALSE);
  return g_hash_table_contains (self->selection, GINT_TO_POINTER (id));
}

int
bp_builder_canvas_get_selection (BpBuilderCanvas *self, int *ids, int max)
{
  int n = 0;

  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), 0);
  /* In the graph's order, so callers see a stable list. */
  for (int i = 0; self->graph != NULL && i < self->graph->n_nodes; i++)
    if (g_hash_table_contains (self->selection, GINT_TO_POINTER (self->graph->nodes[i].id)))
      {
        if (n < max && ids != NULL)
          ids[n] = self->graph->nodes[i].id;
        n++;
      }
  return n;
}

void
bp_builder_canvas_select (BpBuilderCanvas *self, int id, gboolean add)
{
  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));

  if (!add)
    g_hash_table_remove_all (self->selection);
  if (id > 0 && self->graph != NULL && bp_graph_find (self->graph, id) != NULL)
    g_hash_table_add (self->selection, GINT_TO_POINTER (id));
  emit_selection_changed (self);
}

void
bp_builder_canvas_select_all (BpBuilderCanvas *self)
{
  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));

  for (int i = 0; self->graph != NULL && i < self->graph->n_nodes; i++)
    g_hash_table_add (self->selection, GINT_TO_POINTER (self->graph->nodes[i].id));
  emit_selection_changed (self);
}

double
bp_builder_canvas_get_zoom (BpBuilderCanvas *self)
{
  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), 1.0);
  return self->zoom;
}

void
bp_builder_canvas_set_zoom (BpBuilderCanvas *self, double zoom, double wx, double wy)
{
  double x, y;

  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));

  zoom = CLAMP (zoom, BP_CANVAS_ZOOM_MIN, BP_CANVAS_ZOOM_MAX);
  if (zoom == self->zoom)
    return;
  bp_builder_canvas_to_canvas (self, wx, wy, &x, &y);
  self->zoom = zoom;
  self->offset_x = wx - x * zoom;
  self->offset_y = wy - y * zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  _bp_canvas_view_changed (self);
}

void
bp_builder_canvas_zoom_to_fit (BpBuilderCanvas *self)
{
  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));

  self->fit_pending = TRUE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    fit_now (self);
}

void
bp_builder_canvas_to_widget (BpBuilderCanvas *self, double x, double y, double *wx, double *wy)
{
  *wx = x * self->zoom + self->offset_x;
  *wy = y * self->zoom + self->offset_y;
}

void
bp_builder_canvas_to_canvas (BpBuilderCanvas *self, double wx, double wy, double *x, double *y)
{
  *x = (wx - self->offset_x) / self->zoom;
  *y = (wy - self->offset_y) / self->zoom;
}

int
bp_builder_canvas_block_at (BpBuilderCanvas *self, double wx, double wy)
{
  double x, y;

  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), 0);
  if (self->graph == NULL)
    return 0;
  bp_builder_canvas_to_canvas (self, wx, wy, &x, &y);
  /* Last drawn is on top. */
  for (int i = self->graph->n_nodes - 1; i >= 0; i--)
    {
      const bp_graph_node *n = &self->graph->nodes[i];
      if (x >= n->x && x < n->x + BP_GRAPH_BLOCK_W && y >= n->y && y < n->y + BP_GRAPH_BLOCK_H)
        return n->id;
    }
  return 0;
}

gboolean
bp_builder_canvas_block_rect (BpBuilderCanvas *self, int id, graphene_rect_t *out)
{
  const bp_graph_node *n;
  double x, y;

  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), FALSE);
  if (self->graph == NULL || (n = bp_graph_find (self->graph, id)) == NULL)
    return FALSE;
  bp_builder_canvas_to_widget (self, n->x, n->y, &x, &y);
  graphene_rect_init (out, (float) x, (float) y, (float) (BP_GRAPH_BLOCK_W * self->zoom),
                      (float) (BP_GRAPH_BLOCK_H * self->zoom));
  return TRUE;
}

gboolean
bp_builder_canvas_in_port (BpBuilderCanvas *self, int id, int port, double *wx, double *wy)
{
  const bp_graph_node *n;
  double x, y;

  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), FALSE);
  if (self->graph == NULL || (n = bp_graph_find (self->graph, id)) == NULL
      || port >= bp_graph_n_in_ports (n))
    return FALSE;
  bp_graph_in_port_pos (n, port, &x, &y);
  bp_builder_canvas_to_widget (self, x, y, wx, wy);
  return TRUE;
}

gboolean
bp_builder_canvas_out_port (BpBuilderCanvas *self, int id, double *wx, double *wy)
{
  const bp_graph_node *n;
  double x, y;

  g_return_val_if_fail (BP_IS_BUILDER_CANVAS (self), FALSE);
  if (self->graph == NULL || (n = bp_graph_find (self->graph, id)) == NULL)
    return FALSE;
  bp_graph_out_port_pos (n, &x, &y);
  bp_builder_canvas_to_widget (self, x, y, wx, wy);
  return TRUE;
}

void
bp_builder_canvas_block_color (BpBuilderCanvas *self, int id, GdkRGBA *out)
{
  GdkRGBA border;
  int i;

  g_return_if_fail (BP_IS_BUILDER_CANVAS (self));
  i = self->graph != NULL ? bp_graph_index_of (self->graph, id) : -1;
  _bp_canvas_state_color (self, i, out, &border);
}
