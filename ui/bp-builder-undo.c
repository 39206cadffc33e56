/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Undo and redo on the builder page, and whether it has unsaved changes. One history holds
 * every edit: of the graph (blocks, wires, layer settings, and the spec's own settings: loss,
 * optimizer, batch size, epochs, seed) and of the experiment's dataset and training settings,
 * which the settings panel edits in place. So each step keeps a copy of both as they were
 * before the edit (bp-graph-history.c keeps the graph compact; the settings are a few
 * strings), and an undo puts both back. */
#include "bp-config.h"

#include "bp-builder-private.h"

#include <stdlib.h>
#include <string.h>

static char *
dup_or_null (const char *s, gboolean *ok)
{
  char *d;

  if (s == NULL)
    return NULL;
  if ((d = strdup (s)) == NULL)
    *ok = FALSE;
  return d;
}

static void
state_clear_strings (BpBuilderState *st)
{
  free (st->title);
  free (st->description);
  free (st->data.source);
  free (st->data.label);
  free (st->data.idx_labels);
}

/* Copies the fields of a state (or of an experiment: the same fields) into st. */
static gboolean
state_fill (BpBuilderState *st, const char *title, const char *description,
            const bp_experiment_data *data, const bp_experiment_training *training)
{
  gboolean ok = TRUE;

  st->data = *data;
  st->training = *training;
  st->title = dup_or_null (title, &ok);
  st->description = dup_or_null (description, &ok);
  st->data.source = dup_or_null (data->source, &ok);
  st->data.label = dup_or_null (data->label, &ok);
  st->data.idx_labels = dup_or_null (data->idx_labels, &ok);
  if (!ok)
    state_clear_strings (st);
  return ok;
}

BpBuilderState *
_bp_builder_state_new (const bp_experiment *exp)
{
  BpBuilderState *st = calloc (1, sizeof *st);

  if (st != NULL
      && !state_fill (st, exp->title, exp->description, &exp->data, &exp->training))
    g_clear_pointer (&st, free);
  return st;
}

static void *
state_copy (const void *p)
{
  const BpBuilderState *from = p;
  BpBuilderState *st = calloc (1, sizeof *st);

  if (st != NULL
      && !state_fill (st, from->title, from->description, &from->data, &from->training))
    g_clear_pointer (&st, free);
  return st;
}

void
_bp_builder_state_free (BpBuilderState *st)
{
  if (st == NULL)
    return;
  state_clear_strings (st);
  free (st);
}

static void
state_free (void *p)
{
  _bp_builder_state_free (p);
}

/* Puts st (taken) into the experiment. */
static void
state_apply (BpBuilder *self, BpBuilderState *st)
{
  bp_experiment *exp = self->exp;

  free (exp->title);
  free (exp->description);
  free (exp->data.source);
  free (exp->data.label);
  free (exp->data.idx_labels);
  exp->title = st->title;
  exp->description = st->description;
  exp->data = st->data;
  exp->training = st->training;
  free (st);
}

/* state_shown follows the experiment after every change. */
void
_bp_builder_take_state (BpBuilder *self)
{
  BpBuilderState *st = _bp_builder_state_new (self->exp);

  if (st == NULL)
    {
      /* Keep the older one: an undo then restores a little more than the last edit. */
      _bp_builder_message (self, "Out of memory");
      return;
    }
  _bp_builder_state_free (self->state_shown);
  self->state_shown = st;
}

gboolean
_bp_builder_undo_init (BpBuilder *self)
{
  if ((self->history = bp_graph_history_new (200)) == NULL)
    return FALSE;
  bp_graph_history_set_state_funcs (self->history, state_copy, state_free);
  self->state_shown = _bp_builder_state_new (self->exp);
  return self->state_shown != NULL;
}

void
_bp_builder_begin_edit (BpBuilder *self, const char *merge_key)
{
  if (!bp_graph_history_push_state (self->history, self->graph, self->state_shown, merge_key))
    _bp_builder_message (self, "Out of memory: earlier edits can no longer be undone");
}

/* The dataset again when its settings changed, once the page has loaded one (or shows). */
static void
reload_data_if_changed (BpBuilder *self)
{
  g_autofree char *key = _bp_builder_data_key (self);

  if (g_strcmp0 (key, self->data_key) == 0 && self->data != NULL)
    return;
  if (self->data != NULL || self->data_cancel != NULL
      || gtk_widget_get_mapped (GTK_WIDGET (self)))
    _bp_builder_load_data (self);
}

void
_bp_builder_settings_edited (BpBuilder *self, const char *merge_key, gboolean data_changed)
{
  _bp_builder_begin_edit (self, merge_key);
  _bp_builder_refresh (self);
  if (data_changed)
    _bp_builder_load_data (self);
}

char *
_bp_builder_document_json (BpBuilder *self)
{
  bp_experiment doc;
  char *text, *copy;

  if (self->report->spec == NULL)
    return NULL;
  /* A shallow look at the experiment with the canvas's spec and without weights: the
   * weights belong to a run, not to what the user edits. */
  doc = *self->exp;
  doc.spec = self->report->spec;
  doc.n_weights = 0;
  doc.weights = NULL;
  if ((text = bp_experiment_to_json (&doc, NULL)) == NULL)
    return NULL;
  copy = g_strdup (text);
  free (text);
  return copy;
}

int
_bp_builder_n_unsaved_blocks (BpBuilder *self)
{
  bool reached[BP_GRAPH_MAX_NODES];
  int n_layers = self->graph->n_nodes - 1; /* all but the input block */

  return n_layers - bp_graph_mark_reached (self->graph, reached);
}

void
_bp_builder_set_saved (BpBuilder *self)
{
  g_free (self->saved_json);
  self->saved_json = _bp_builder_document_json (self);
  g_object_notify_by_pspec (G_OBJECT (self), _bp_builder_properties[BP_BUILDER_PROP_MODIFIED]);
}

static gboolean
travel (BpBuilder *self, gboolean undo)
{
  void *state = NULL;
  bp_graph *g = undo ? bp_graph_history_undo_state (self->history, self->graph,
                                                    self->state_shown, &state)
                     : bp_graph_history_redo_state (self->history, self->graph,
                                                    self->state_shown, &state);

  if (g == NULL)
    return FALSE;
  bp_graph_free (self->graph);
  self->graph = g;
  if (state != NULL)
    state_apply (self, state);
  _bp_builder_refresh (self);
  reload_data_if_changed (self);
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

