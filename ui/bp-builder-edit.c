/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every edit of the network goes the same way: copy the graph, change the copy, and if that
 * worked, record the old graph for undo and put the copy in its place; then refresh the report
 * and every view from it. A refused edit (a loop, a taken name) changes nothing. */
#include "bp-config.h"

#include "bp-builder-private.h"

#include "bp-builder-kinds.h"

#include <math.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

void
_bp_builder_message (BpBuilder *self, const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  g_strlcpy (self->last_message, message, sizeof self->last_message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
_bp_builder_begin_edit (BpBuilder *self, const char *merge_key)
{
  if (!bp_graph_history_push (self->history, self->graph, merge_key))
    _bp_builder_message (self, "Out of memory: earlier edits can no longer be undone");
}

static void
commit (BpBuilder *self, bp_graph *g, const char *merge_key)
{
  _bp_builder_begin_edit (self, merge_key);
  bp_graph_free (self->graph);
  self->graph = g;
  _bp_builder_refresh (self);
}

void
_bp_builder_replace_graph (BpBuilder *self, bp_graph *g, const char *what)
{
  bp_builder_canvas_select (self->canvas, 0, FALSE);
  commit (self, g, NULL);
  bp_builder_canvas_zoom_to_fit (self->canvas);
}

static bp_graph *
copy_graph (BpBuilder *self)
{
  bp_graph *g = bp_graph_copy (self->graph);

  if (g == NULL)
    _bp_builder_message (self, "Out of memory");
  return g;
}

/* ---- the views ---- */

static void
update_totals (BpBuilder *self)
{
  const bp_graph_report *r = self->report;
  char params[32], flops[32], mem[32];
  g_autofree char *problem = NULL;

  if (r->spec != NULL && r->ok)
    {
      g_snprintf (self->totals_text, sizeof self->totals_text,
                  "%s parameters · %s FLOPs per sample · %s to train with batches of %d",
                  bp_format_count ((double) r->params, FALSE, params, sizeof params),
                  bp_format_count (r->flops, TRUE, flops, sizeof flops),
                  bp_format_bytes ((double) bp_graph_report_memory (r, &self->graph->optim,
                                                                    self->graph->batch_size),
                                   mem, sizeof mem),
                  self->graph->batch_size);
      if (r->n_loose > 0)
        problem = g_strdup_printf ("%d block%s not wired to the input (left out)", r->n_loose,
                                   r->n_loose == 1 ? "" : "s");
    }
  else
    {
      g_strlcpy (self->totals_text, r->spec == NULL ? "No network yet" : "The network cannot work",
                 sizeof self->totals_text);
      problem = g_strdup (r->message);
    }
  gtk_label_set_text (self->totals_label, self->totals_text);
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->problem_label), problem);
  if (r->spec != NULL && r->ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  if (r->ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "dim-label");
}

static gboolean
debug_on (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

static void
log_point (BpBuilder *self, GtkWidget *widget, const char *what, const char *name, double x,
           double y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t out;
  double sx, sy;

  if (native == NULL
      || !gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                    &GRAPHENE_POINT_INIT ((float) x, (float) y), &out))
    return;
  gtk_native_get_surface_transform (native, &sx, &sy);
  g_debug ("builder: at %s:%s %d %d", what, name, (int) lround (out.x + sx),
           (int) lround (out.y + sy));
}

/* Where things are on the window's surface, for scripts that move the real pointer. */
void
_bp_builder_log_geometry (BpBuilder *self)
{
  const int *order = bp_block_palette_order ();
  GtkWidget *canvas = GTK_WIDGET (self->canvas);

  if (!debug_on () || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (GTK_WIDGET (self)));
    if (GDK_IS_X11_SURFACE (surface))
      g_debug ("builder: xid %lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  }
#endif
  for (int i = 0; i < BP_BLOCK_COUNT; i++)
    {
      GtkWidget *row = bp_builder_palette_get_row (self->palette, order[i]);
      const char *name = order[i] == BP_BLOCK_INPUT ? "input"
                                                    : bp_layer_kind_name ((bp_layer_kind) order[i]);
      log_point (self, row, "palette", name, gtk_widget_get_width (row) / 2.0,
                 gtk_widget_get_height (row) / 2.0);
    }
  log_point (self, canvas, "canvas", "centre", gtk_widget_get_width (canvas) / 2.0,
             gtk_widget_get_height (canvas) / 2.0);
  for (int i = 0; i < self->graph->n_nodes; i++)
    {
      const bp_graph_node *n = &self->graph->nodes[i];
      const char *name = n->is_input ? "input" : n->layer.name;
      double x, y;

      if (bp_builder_canvas_out_port (self->canvas, n->id, &x, &y))
        log_point (self, canvas, "out", name, x, y);
      if (bp_builder_canvas_in_port (self->canvas, n->id, 0, &x, &y))
        log_point (self, canvas, "in", name, x, y);
    }
  g_debug ("builder: geometry done");
}

static gboolean
log_geometry_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  int *frames = data;

  /* Two frames on, the layout of the edit is done. */
  if (--*frames > 0)
    return G_SOURCE_CONTINUE;
  _bp_builder_log_geometry (BP_BUILDER (widget));
  return G_SOURCE_REMOVE;
}

static void
log_edit (BpBuilder *self)
{
  g_autofree char *json = NULL;

  if (!debug_on ())
    return;
  json = bp_builder_get_spec_json (self);
  if (json != NULL)
    g_strdelimit (json, "\n", ' ');
  g_debug ("builder: spec %s", json != NULL ? json : "none");
  for (int i = 0; i < self->report->n_nodes; i++)
    if (self->report->nodes[i].state == BP_NODE_BAD)
      g_debug ("builder: bad %s: %s",
               self->graph->nodes[i].is_input ? "input" : self->graph->nodes[i].layer.name,
               self->report->nodes[i].message);
  g_debug ("builder: blocks %d wires %d undo %d", self->graph->n_nodes, self->graph->n_edges,
           bp_graph_history_n_undo (self->history));
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_add_tick_callback (GTK_WIDGET (self), log_geometry_tick, g_memdup2 (&(int) { 2 },
                                                                                    sizeof (int)),
                                  g_free);
}

void
_bp_builder_refresh (BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES], n;

  bp_graph_report_update (self->report, self->graph);
  bp_builder_canvas_set_graph (self->canvas, self->graph, self->report);
  n = bp_builder_canvas_get_selection (self->canvas, ids, G_N_ELEMENTS (ids));
  bp_builder_inspector_show (self->inspector, self->graph, self->report, ids, n);
  bp_builder_settings_show (self->settings, self->graph, self->exp);
  update_totals (self);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), self->graph->n_nodes <= 2
                                                           && self->graph->n_edges == 0);
  _bp_builder_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_CAN_REDO]);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_MODIFIED]);
  log_edit (self);
}

/* ---- edits ---- */

int
bp_builder_add_block (BpBuilder *self, int kind, double x, double y)
{
  bp_graph *g;
  int id;

  g_return_val_if_fail (BP_IS_BUILDER (self), -1);
  g_return_val_if_fail (kind >= 0 && kind < BP_BLOCK_COUNT, -1);

  if ((g = copy_graph (self)) == NULL)
    return -1;
  if (kind == BP_BLOCK_INPUT)
    {
      /* A network has one input: dropping another moves it there. */
      bp_graph_node *in = (bp_graph_node *) bp_graph_input_node (g);
      in->x = x;
      in->y = y;
      id = in->id;
    }
  else if ((id = bp_graph_add_layer (g, (bp_layer_kind) kind, x, y)) < 0)
    {
      bp_graph_free (g);
      _bp_builder_message (self, "The network is full: 256 layers at most");
      return -1;
    }
  commit (self, g, NULL);
  bp_builder_canvas_select (self->canvas, id, FALSE);
  return id;
}

static gboolean
wire (BpBuilder *self, int from, int to, int port, int old_to, int old_port, GError **error)
{
  bp_graph *g = copy_graph (self);
  char err[256];

  if (g == NULL)
    return FALSE;
  if (old_to != 0)
    bp_graph_disconnect (g, old_to, old_port);
  if (to != 0 && bp_graph_connect (g, from, to, port, err, sizeof err) < 0)
    {
      bp_graph_free (g);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
      return FALSE;
    }
  commit (self, g, NULL);
  return TRUE;
}

gboolean
bp_builder_connect (BpBuilder *self, int from, int to, int port, GError **error)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return wire (self, from, to, port, 0, 0, error);
}

gboolean
bp_builder_set_layer (BpBuilder *self, int id, const bp_layer_spec *layer, GError **error)
{
  bp_graph *g;
  bp_graph_node *n;
  char key[64];

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  if ((g = copy_graph (self)) == NULL)
    return FALSE;
  n = bp_graph_find (g, id);
  if (n == NULL || n->is_input)
    {
      bp_graph_free (g);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no layer block %d", id);
      return FALSE;
    }
  n->layer = *layer;
  memcpy (n->layer.name, self->graph->nodes[bp_graph_index_of (self->graph, id)].layer.name,
          sizeof n->layer.name);
  memset (n->layer.input, 0, sizeof n->layer.input);
  g_snprintf (key, sizeof key, "layer %d", id);
  commit (self, g, key);
  return TRUE;
}

void
bp_builder_delete_selection (BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES], n, removed = 0;
  gboolean input = FALSE;
  bp_graph *g;

  g_return_if_fail (BP_IS_BUILDER (self));
  n = bp_builder_canvas_get_selection (self->canvas, ids, G_N_ELEMENTS (ids));
  if (n == 0 || (g = copy_graph (self)) == NULL)
    return;
  for (int i = 0; i < n; i++)
    {
      if (bp_graph_remove_node (g, ids[i]))
        removed++;
      else
        input = TRUE;
    }
  if (input)
    _bp_builder_message (self, "The input block stays: every network has one");
  if (removed == 0)
    {
      bp_graph_free (g);
      return;
    }
  commit (self, g, NULL);
}

void
bp_builder_tidy (BpBuilder *self)
{
  bp_graph *g;

  g_return_if_fail (BP_IS_BUILDER (self));
  if ((g = copy_graph (self)) == NULL)
    return;
  bp_graph_tidy (g);
  commit (self, g, NULL);
  bp_builder_canvas_zoom_to_fit (self->canvas);
}

static gboolean
travel (BpBuilder *self, gboolean undo)
{
  bp_graph *g = undo ? bp_graph_history_undo (self->history, self->graph)
                     : bp_graph_history_redo (self->history, self->graph);

  if (g == NULL)
    return FALSE;
  bp_graph_free (self->graph);
  self->graph = g;
  _bp_builder_refresh (self);
  return TRUE;
}

gboolean
bp_builder_undo (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return travel (self, TRUE);
}

gboolean
bp_builder_redo (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return travel (self, FALSE);
}

gboolean
bp_builder_can_undo (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return bp_graph_history_can_undo (self->history);
}

gboolean
bp_builder_can_redo (BpBuilder *self)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return bp_graph_history_can_redo (self->history);
}

/* ---- signals of the parts ---- */

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

  if (!wire (self, from, to, port, old_to, old_port, &error))
    _bp_builder_message (self, error->message);
}

static void
on_move_selection (BpBuilderCanvas *canvas, double dx, double dy, BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES], n = bp_builder_canvas_get_selection (canvas, ids, G_N_ELEMENTS (ids));
  bp_graph *g;

  if (n == 0 || (dx == 0 && dy == 0) || (g = copy_graph (self)) == NULL)
    return;
  for (int i = 0; i < n; i++)
    {
      bp_graph_node *node = bp_graph_find (g, ids[i]);
      node->x += dx;
      node->y += dy;
    }
  commit (self, g, NULL);
}

static void
on_delete_selection (gpointer any, BpBuilder *self)
{
  bp_builder_delete_selection (self);
}

static void
on_selection_changed (BpBuilderCanvas *canvas, BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES], n = bp_builder_canvas_get_selection (canvas, ids, G_N_ELEMENTS (ids));

  bp_graph_history_break (self->history);
  bp_builder_inspector_show (self->inspector, self->graph, self->report, ids, n);
  if (n > 0)
    gtk_stack_set_visible_child_name (self->side_stack, "block");
  _bp_builder_update_actions (self);
}

static void
on_zoom_changed (BpBuilderCanvas *canvas, GParamSpec *pspec, BpBuilder *self)
{
  char text[16];

  g_snprintf (text, sizeof text, "%.0f%%", 100 * bp_builder_canvas_get_zoom (canvas));
  gtk_label_set_text (self->zoom_label, text);
}

/* Enter on a palette row: the new block goes under the selected one (or the last of the
 * chain), wired to it. */
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
  if ((g = copy_graph (self)) == NULL)
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
  if (src != NULL && bp_graph_n_consumers (g, from) == 0)
    bp_graph_connect (g, from, id, 0, err, sizeof err);
  commit (self, g, NULL);
  bp_builder_canvas_select (self->canvas, id, FALSE);
}

static void
on_layer_changed (BpBuilderInspector *inspector, int id, gpointer layer, const char *key,
                  BpBuilder *self)
{
  bp_graph *g = copy_graph (self);
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
  commit (self, g, key);
}

static void
on_rename (BpBuilderInspector *inspector, int id, const char *name, BpBuilder *self)
{
  bp_graph *g = copy_graph (self);
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
  commit (self, g, NULL);
}

static void
on_input_shape (BpBuilderInspector *inspector, gpointer shape, BpBuilder *self)
{
  bp_graph *g = copy_graph (self);

  if (g == NULL)
    return;
  ((bp_graph_node *) bp_graph_input_node (g))->shape = *(const bp_shape *) shape;
  commit (self, g, "input shape");
}

static void
on_spec_settings (BpBuilderSettings *settings, gpointer s, const char *key, BpBuilder *self)
{
  bp_graph *g = copy_graph (self);

  if (g == NULL)
    return;
  bp_spec_settings_to_graph (s, g);
  commit (self, g, key);
}

static void
on_data_changed (BpBuilderSettings *settings, BpBuilder *self)
{
  _bp_builder_load_data (self);
  bp_builder_settings_show (self->settings, self->graph, self->exp);
}

static void
on_training_changed (BpBuilderSettings *settings, BpBuilder *self)
{
  bp_builder_settings_show (self->settings, self->graph, self->exp);
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
on_map (GtkWidget *widget, BpBuilder *self)
{
  if (self->data == NULL)
    _bp_builder_load_data (self);
  log_edit (self);
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
}
