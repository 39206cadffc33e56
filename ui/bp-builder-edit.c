/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every edit of the network goes the same way: copy the graph, change the copy, and if that
 * worked, record the old graph for undo and put the copy in its place; then refresh the report
 * and every view from it. A refused edit (a loop, a taken name) changes nothing. */
#include "bp-config.h"
#include "bp-toast.h"

#include "bp-builder-private.h"

#include "bp-builder-kinds.h"

#include <math.h>

void
_bp_builder_message (BpBuilder *self, const char *message)
{
  AdwToast *toast = bp_toast_new_text (message);

  g_strlcpy (self->last_message, message, sizeof self->last_message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
_bp_builder_commit (BpBuilder *self, bp_graph *g, const char *merge_key)
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
  _bp_builder_commit (self, g, NULL);
  bp_builder_canvas_zoom_to_fit (self->canvas);
}

bp_graph *
_bp_builder_copy_graph (BpBuilder *self)
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
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label), self->totals_text);
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

void
_bp_builder_show_report (BpBuilder *self)
{
  int ids[BP_GRAPH_MAX_NODES], n;
  g_autofree char *key = NULL;

  bp_graph_report_update (self->report, self->graph);
  /* The loaded dataset, when it is the one the settings name (a newer one may be loading):
   * a wrong number of outputs shows now, not at Train. */
  if (self->data != NULL && self->data_key != NULL)
    {
      key = _bp_builder_data_key (self);
      if (g_strcmp0 (key, self->data_key) == 0)
        bp_graph_report_check_data (self->report, self->graph, self->data->ds);
    }
  bp_builder_canvas_set_graph (self->canvas, self->graph, self->report);
  n = bp_builder_canvas_get_selection (self->canvas, ids, G_N_ELEMENTS (ids));
  bp_builder_inspector_show (self->inspector, self->graph, self->report, ids, n);
  update_totals (self);
  _bp_builder_update_actions (self);
}

void
_bp_builder_refresh (BpBuilder *self)
{
  _bp_builder_take_state (self);
  _bp_builder_show_report (self);
  bp_builder_settings_show (self->settings, self->graph, self->exp);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), self->graph->n_nodes <= 2
                                                           && self->graph->n_edges == 0);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_CAN_REDO]);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_MODIFIED]);
  _bp_builder_log_edit (self);
}

/* ---- edits ---- */

int
bp_builder_add_block (BpBuilder *self, int kind, double x, double y)
{
  bp_graph *g;
  int id;

  g_return_val_if_fail (BP_IS_BUILDER (self), -1);
  g_return_val_if_fail (kind >= 0 && kind < BP_BLOCK_COUNT, -1);

  if ((g = _bp_builder_copy_graph (self)) == NULL)
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
  _bp_builder_commit (self, g, NULL);
  bp_builder_canvas_select (self->canvas, id, FALSE);
  return id;
}

gboolean
_bp_builder_wire (BpBuilder *self, int from, int to, int port, int old_to, int old_port, GError **error)
{
  bp_graph *g = _bp_builder_copy_graph (self);
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
  _bp_builder_commit (self, g, NULL);
  return TRUE;
}

gboolean
bp_builder_connect (BpBuilder *self, int from, int to, int port, GError **error)
{
  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  return _bp_builder_wire (self, from, to, port, 0, 0, error);
}

gboolean
bp_builder_set_layer (BpBuilder *self, int id, const bp_layer_spec *layer, GError **error)
{
  bp_graph *g;
  bp_graph_node *n;
  char key[64];

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  if ((g = _bp_builder_copy_graph (self)) == NULL)
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
  _bp_builder_commit (self, g, key);
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
  if (n == 0 || (g = _bp_builder_copy_graph (self)) == NULL)
    return;
  for (int i = 0; i < n; i++)
    {
      if (bp_graph_remove_node_joined (g, ids[i]))
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
  _bp_builder_commit (self, g, NULL);
}

void
bp_builder_tidy (BpBuilder *self)
{
  bp_graph *g;

  g_return_if_fail (BP_IS_BUILDER (self));
  if ((g = _bp_builder_copy_graph (self)) == NULL)
    return;
  bp_graph_tidy (g);
  _bp_builder_commit (self, g, NULL);
  bp_builder_canvas_zoom_to_fit (self->canvas);
}
