/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the page's parts ask for (canvas gestures, palette activations, inspector and settings
 * edits), turned into the page's edits. */
#include "bp-config.h"

#include "bp-builder-private.h"

#include "bp-builder-kinds.h"

static void
on_drop_block (BpBuilderCanvas *canvas, int kind, double x, double y, BpBuilder *self)
{
  bp_builder_add_block (self, kind, x, y);
  gtk_stack_set_visible_child_name (self->side_stack, "block");
}

static void
on_wire (BpBuilderCanvas *canvas, int from, int to, int port, int old_to, int old_port,
         BpBuilder *self)
{
  g_autoptr (GError) error = NULL;

  if (!_bp_builder_wire (self, from, to, port, old_to, old_port, &error))
    _bp_builder_message (self, error->message);
}

static void
on_move_selection (BpBuilderCanvas *canvas, double dx, double dy, BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES];
  int n = bp_builder_canvas_get_selection (canvas, ids, G_N_ELEMENTS (ids));
  bp_graph *g;

  if (n == 0 || (dx == 0 && dy == 0) || (g = _bp_builder_copy_graph (self)) == NULL)
    return;
  for (int i = 0; i < n; i++)
    {
      bp_graph_node *node = bp_graph_find (g, ids[i]);
      node->x += dx;
      node->y += dy;
    }
  _bp_builder_commit (self, g, NULL);
}

static void
on_delete_selection (gpointer any, BpBuilder *self)
{
  bp_builder_delete_selection (self);
}

static void
on_selection_changed (BpBuilderCanvas *canvas, BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES];
  int n = bp_builder_canvas_get_selection (canvas, ids, G_N_ELEMENTS (ids));

  bp_graph_history_break (self->history);
  bp_builder_inspector_show (self->inspector, self->graph, self->report, ids, n);
  if (n > 0)
    gtk_stack_set_visible_child_name (self->side_stack, "block");
  _bp_builder_update_actions (self);
}

static void
on_view_changed (BpBuilderCanvas *canvas, BpBuilder *self)
{
  _bp_builder_log_view (self);
}

static void
on_zoom_changed (BpBuilderCanvas *canvas, GParamSpec *pspec, BpBuilder *self)
{
  char text[16];

  g_snprintf (text, sizeof text, "%.0f%%", 100 * bp_builder_canvas_get_zoom (canvas));
  gtk_label_set_text (self->zoom_label, text);
}

/* Enter on a palette row: the new block goes under the selected one (or the last of the
 * chain), wired after it, and before what it fed. */
static void
on_activate_kind (BpBuilderPalette *palette, int kind, BpBuilder *self)
{
  int ids[1], from = 0, id;
  const bp_graph_node *src;
  bp_graph *g;
  char err[256];

  if (kind == BP_BLOCK_INPUT)
    {
      bp_builder_canvas_select (self->canvas, bp_graph_input_node (self->graph)->id, FALSE);
      return;
    }
  if (bp_builder_canvas_get_selection (self->canvas, ids, 1) >= 1)
    from = ids[0];
  if (from == 0 || from == bp_graph_input_node (self->graph)->id)
    {
      /* The end of the chain: the block nobody takes from, reached from the input. */
      bool reached[BP_GRAPH_MAX_NODES];
      bp_graph_mark_reached (self->graph, reached);
      for (int i = 0; i < self->graph->n_nodes; i++)
        if (reached[i] && bp_graph_n_consumers (self->graph, self->graph->nodes[i].id) == 0)
          from = self->graph->nodes[i].id;
    }
  if ((g = _bp_builder_copy_graph (self)) == NULL)
    return;
  src = bp_graph_find (g, from);
  id = bp_graph_add_layer (g, (bp_layer_kind) kind, src != NULL ? src->x : 0,
                           src != NULL ? src->y + BP_GRAPH_BLOCK_H + BP_GRAPH_GAP_Y : 0);
  if (id < 0)
    {
      bp_graph_free (g);
      _bp_builder_message (self, "The network is full: 256 layers at most");
      return;
    }
  if (src != NULL && bp_graph_n_consumers (g, from) <= 1)
    {
      int next = 0, port = 0;
      for (int e = 0; e < g->n_edges; e++)
        if (g->edges[e].from == from)
          next = g->edges[e].to, port = g->edges[e].to_port;
      bp_graph_connect (g, from, id, 0, err, sizeof err);
      if (next != 0)
        {
          bp_graph_connect (g, id, next, port, err, sizeof err);
          /* What came after moves down to make room. */
          for (int i = 0; i < g->n_nodes; i++)
            if (g->nodes[i].id != id && bp_graph_reaches (g, g->nodes[i].id, id))
              g->nodes[i].y += BP_GRAPH_BLOCK_H + BP_GRAPH_GAP_Y;
        }
    }
  _bp_builder_commit (self, g, NULL);
  bp_builder_canvas_select (self->canvas, id, FALSE);
}

static void
on_layer_changed (BpBuilderInspector *inspector, int id, gpointer layer, const char *key,
                  BpBuilder *self)
{
  bp_graph *g = _bp_builder_copy_graph (self);
  bp_graph_node *n;

  if (g == NULL)
    return;
  if ((n = bp_graph_find (g, id)) == NULL || n->is_input)
    {
      bp_graph_free (g);
      return;
    }
  memcpy (&n->layer.u, &((const bp_layer_spec *) layer)->u, sizeof n->layer.u);
  n->layer.l1 = ((const bp_layer_spec *) layer)->l1;
  n->layer.l2 = ((const bp_layer_spec *) layer)->l2;
  _bp_builder_commit (self, g, key);
}

static void
on_rename (BpBuilderInspector *inspector, int id, const char *name, BpBuilder *self)
{
  bp_graph *g = _bp_builder_copy_graph (self);
  char err[256];

  if (g == NULL)
    return;
  if (bp_graph_rename (g, id, name, err, sizeof err) < 0)
    {
      bp_graph_free (g);
      bp_builder_inspector_set_name_error (inspector, err);
      return;
    }
  bp_builder_inspector_set_name_error (inspector, NULL);
  _bp_builder_commit (self, g, NULL);
}

static void
on_input_shape (BpBuilderInspector *inspector, gpointer shape, BpBuilder *self)
{
  bp_graph *g = _bp_builder_copy_graph (self);
  const bp_shape *s = shape;
  char key[32];

  if (g == NULL)
    return;
  /* Typing sizes makes one step; switching between features and an image another. */
  g_snprintf (key, sizeof key, "input shape %d", s->rank);
  ((bp_graph_node *) bp_graph_input_node (g))->shape = *s;
  _bp_builder_commit (self, g, key);
}

static void
on_spec_settings (BpBuilderSettings *settings, gpointer s, const char *key, BpBuilder *self)
{
  bp_graph *g = _bp_builder_copy_graph (self);

  if (g == NULL)
    return;
  bp_spec_settings_to_graph (s, g);
  _bp_builder_commit (self, g, key);
}

static void
on_data_changed (BpBuilderSettings *settings, const char *key, BpBuilder *self)
{
  _bp_builder_settings_edited (self, key, TRUE);
}

static void
on_training_changed (BpBuilderSettings *settings, const char *key, BpBuilder *self)
{
  _bp_builder_settings_edited (self, key, FALSE);
}

static void
on_open_data (BpBuilderSettings *settings, BpBuilder *self)
{
  _bp_builder_open_data_dialog (self);
}

static void
on_fit_data (BpBuilderSettings *settings, BpBuilder *self)
{
  _bp_builder_fit_data (self);
}

static void
on_side_changed (GtkStack *stack, GParamSpec *pspec, BpBuilder *self)
{
  /* The rows of another tab came on screen. */
  _bp_builder_log_view (self);
}

static void
on_map (GtkWidget *widget, BpBuilder *self)
{
  if (self->data == NULL)
    _bp_builder_load_data (self);
  _bp_builder_log_edit (self);
}

void
_bp_builder_connect_signals (BpBuilder *self)
{
  g_signal_connect (self->canvas, "drop-block", G_CALLBACK (on_drop_block), self);
  g_signal_connect (self->canvas, "wire", G_CALLBACK (on_wire), self);
  g_signal_connect (self->canvas, "move-selection", G_CALLBACK (on_move_selection), self);
  g_signal_connect (self->canvas, "delete-selection", G_CALLBACK (on_delete_selection), self);
  g_signal_connect (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->canvas, "notify::zoom", G_CALLBACK (on_zoom_changed), self);
  g_signal_connect (self->canvas, "view-changed", G_CALLBACK (on_view_changed), self);
  g_signal_connect (self->palette, "activate-kind", G_CALLBACK (on_activate_kind), self);
  g_signal_connect (self->inspector, "layer-changed", G_CALLBACK (on_layer_changed), self);
  g_signal_connect (self->inspector, "rename", G_CALLBACK (on_rename), self);
  g_signal_connect (self->inspector, "input-shape", G_CALLBACK (on_input_shape), self);
  g_signal_connect (self->inspector, "delete", G_CALLBACK (on_delete_selection), self);
  g_signal_connect (self->settings, "spec-changed", G_CALLBACK (on_spec_settings), self);
  g_signal_connect (self->settings, "data-changed", G_CALLBACK (on_data_changed), self);
  g_signal_connect (self->settings, "training-changed", G_CALLBACK (on_training_changed), self);
  g_signal_connect (self->settings, "open-file", G_CALLBACK (on_open_data), self);
  g_signal_connect (self->settings, "fit-data", G_CALLBACK (on_fit_data), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), self);
  g_signal_connect (self->side_stack, "notify::visible-child", G_CALLBACK (on_side_changed),
                    self);
}
