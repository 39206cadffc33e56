/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Graph <-> spec. The spec's layers are the blocks reached from the input, each after the block
 * feeding it (ties in reading order: top to bottom, left to right), so a chain drawn in any
 * order gives the same spec. The layout goes into meta.editor; the rest of meta is kept. */
#include "bp-graph.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
bp_graph_mark_reached (const bp_graph *g, bool *reached)
{
  int n_layers = 0;
  bool changed = true;

  for (int i = 0; i < g->n_nodes; i++)
    reached[i] = g->nodes[i].is_input;
  while (changed)
    {
      changed = false;
      for (int e = 0; e < g->n_edges; e++)
        {
          int a = bp_graph_index_of (g, g->edges[e].from);
          int b = bp_graph_index_of (g, g->edges[e].to);
          if (a >= 0 && b >= 0 && reached[a] && !reached[b])
            {
              reached[b] = true;
              changed = true;
              n_layers++;
            }
        }
    }
  return n_layers;
}

static bool
reads_before (const bp_graph_node *a, const bp_graph_node *b)
{
  if (a->y != b->y)
    return a->y < b->y;
  return a->x < b->x;
}

static char *
meta_with_layout (const bp_graph *g, const int *order, int n_layers)
{
  cJSON *root = g->meta != NULL ? cJSON_Parse (g->meta) : NULL;
  cJSON *editor, *positions, *input;
  const bp_graph_node *in = bp_graph_input_node (g);
  char *text;

  if (!cJSON_IsObject (root))
    {
      cJSON_Delete (root);
      root = cJSON_CreateObject ();
    }
  if (root == NULL)
    return NULL;
  cJSON_DeleteItemFromObjectCaseSensitive (root, "editor");
  editor = cJSON_AddObjectToObject (root, "editor");
  input = cJSON_AddArrayToObject (editor, "input");
  positions = cJSON_AddArrayToObject (editor, "positions");
  if (input == NULL || positions == NULL)
    {
      cJSON_Delete (root);
      return NULL;
    }
  cJSON_AddItemToArray (input, cJSON_CreateNumber (round (in->x)));
  cJSON_AddItemToArray (input, cJSON_CreateNumber (round (in->y)));
  for (int l = 0; l < n_layers; l++)
    {
      const bp_graph_node *node = &g->nodes[order[l]];
      cJSON *xy = cJSON_CreateArray ();
      cJSON_AddItemToArray (xy, cJSON_CreateNumber (round (node->x)));
      cJSON_AddItemToArray (xy, cJSON_CreateNumber (round (node->y)));
      cJSON_AddItemToArray (positions, xy);
    }
  text = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  return text;
}

static void
say (char *err, size_t errlen, int *bad_id, int id, const char *msg)
{
  if (err != NULL && errlen > 0)
    snprintf (err, errlen, "%s", msg);
  if (bad_id != NULL)
    *bad_id = id;
}

bp_spec *
bp_graph_to_spec (const bp_graph *g, int *order_out, int *bad_id, char *err, size_t errlen)
{
  bool reached[BP_GRAPH_MAX_NODES], placed[BP_GRAPH_MAX_NODES] = { false };
  int order[BP_GRAPH_MAX_NODES], n_layers, n_placed = 0;
  const bp_graph_node *in = bp_graph_input_node (g);
  char msg[320];
  bp_spec *spec;

  if (bad_id != NULL)
    *bad_id = 0;
  if (in == NULL)
    {
      say (err, errlen, bad_id, 0, "the network has no input block");
      return NULL;
    }
  n_layers = bp_graph_mark_reached (g, reached);
  if (n_layers == 0)
    {
      say (err, errlen, bad_id, in->id, "wire a block to the input: the network has no layers");
      return NULL;
    }
  for (int i = 0; i < g->n_nodes; i++)
    {
      int consumers = bp_graph_n_consumers (g, g->nodes[i].id);
      if (reached[i] && consumers > 1)
        {
          snprintf (msg, sizeof msg, "'%s' feeds %d blocks; the engine trains one chain for now "
                    "(no branches): keep one of its wires",
                    g->nodes[i].is_input ? "input" : g->nodes[i].layer.name, consumers);
          say (err, errlen, bad_id, g->nodes[i].id, msg);
          return NULL;
        }
    }

  /* Kahn's order over the reached blocks: the next layer is a block whose feeder is placed,
   * the first in reading order when there are several. */
  placed[in - g->nodes] = true;
  while (n_placed < n_layers)
    {
      int best = -1;
      for (int i = 0; i < g->n_nodes; i++)
        {
          int src;
          if (!reached[i] || placed[i])
            continue;
          src = bp_graph_index_of (g, bp_graph_source_of (g, g->nodes[i].id, 0));
          if (src < 0 || !placed[src])
            continue;
          if (best < 0 || reads_before (&g->nodes[i], &g->nodes[best]))
            best = i;
        }
      if (best < 0)
        break; /* cannot happen: every reached block has a reached feeder, and no loops */
      placed[best] = true;
      order[n_placed++] = best;
    }
  if (n_placed < n_layers)
    {
      say (err, errlen, bad_id, 0, "the wires form a loop");
      return NULL;
    }

  spec = calloc (1, sizeof *spec);
  if (spec == NULL || (spec->layers = calloc ((size_t) n_layers, sizeof *spec->layers)) == NULL)
    {
      free (spec);
      say (err, errlen, bad_id, 0, "out of memory");
      return NULL;
    }
  spec->input = in->shape;
  spec->n_layers = n_layers;
  spec->loss = g->loss;
  spec->huber_delta = g->huber_delta;
  spec->optim = g->optim;
  spec->batch_size = g->batch_size;
  spec->epochs = g->epochs;
  spec->seed = g->seed;
  for (int l = 0; l < n_layers; l++)
    {
      const bp_graph_node *node = &g->nodes[order[l]];
      int src = bp_graph_source_of (g, node->id, 0);
      bp_layer_spec *ls = &spec->layers[l];

      *ls = node->layer;
      memset (ls->input, 0, sizeof ls->input);
      if (src == in->id)
        {
          if (l > 0)
            strcpy (ls->input, "input");
        }
      else if (l == 0 || g->nodes[order[l - 1]].id != src)
        {
          const bp_graph_node *from = bp_graph_find (g, src);
          memcpy (ls->input, from->layer.name, sizeof ls->input);
        }
      if (order_out != NULL)
        order_out[l] = order[l];
    }
  spec->meta = meta_with_layout (g, order, n_layers);
  if (spec->meta == NULL)
    {
      bp_spec_free (spec);
      say (err, errlen, bad_id, 0, "out of memory");
      return NULL;
    }
  return spec;
}

/* ---- from a spec ---- */

static bool
read_xy (const cJSON *a, double *x, double *y)
{
  const cJSON *cx, *cy;

  if (!cJSON_IsArray (a) || cJSON_GetArraySize (a) != 2)
    return false;
  cx = cJSON_GetArrayItem (a, 0);
  cy = cJSON_GetArrayItem (a, 1);
  if (!cJSON_IsNumber (cx) || !cJSON_IsNumber (cy) || !isfinite (cx->valuedouble)
      || !isfinite (cy->valuedouble) || fabs (cx->valuedouble) > 1e6
      || fabs (cy->valuedouble) > 1e6)
    return false;
  *x = cx->valuedouble;
  *y = cy->valuedouble;
  return true;
}

/* Takes the layout out of meta (keeping the rest in g->meta); true when it fits the graph. */
static bool
apply_meta (bp_graph *g, const char *meta_text)
{
  cJSON *root = meta_text != NULL ? cJSON_Parse (meta_text) : NULL;
  cJSON *editor;
  bool ok = false;

  if (!cJSON_IsObject (root))
    {
      cJSON_Delete (root);
      return false;
    }
  editor = cJSON_DetachItemFromObjectCaseSensitive (root, "editor");
  if (cJSON_IsObject (editor))
    {
      const cJSON *pos = cJSON_GetObjectItemCaseSensitive (editor, "positions");
      const cJSON *in = cJSON_GetObjectItemCaseSensitive (editor, "input");
      double xs[BP_GRAPH_MAX_NODES], ys[BP_GRAPH_MAX_NODES];

      ok = cJSON_IsArray (pos) && cJSON_GetArraySize (pos) == g->n_nodes - 1
           && read_xy (in, &xs[0], &ys[0]);
      for (int i = 1; ok && i < g->n_nodes; i++)
        ok = read_xy (cJSON_GetArrayItem (pos, i - 1), &xs[i], &ys[i]);
      for (int i = 0; ok && i < g->n_nodes; i++)
        {
          g->nodes[i].x = xs[i];
          g->nodes[i].y = ys[i];
        }
    }
  cJSON_Delete (editor);
  if (cJSON_GetArraySize (root) > 0)
    g->meta = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  return ok;
}

bp_graph *
bp_graph_from_spec (const bp_spec *spec, char *err, size_t errlen)
{
  bp_graph *g;
  int ids[BP_MAX_LAYERS];
  const bp_graph_node *in;

  if (spec == NULL || spec->n_layers < 0 || spec->n_layers > BP_MAX_LAYERS)
    {
      snprintf (err, errlen, "the spec has no layers, or too many");
      return NULL;
    }
  if ((g = bp_graph_new ()) == NULL)
    {
      snprintf (err, errlen, "out of memory");
      return NULL;
    }
  g->nodes[0].shape = spec->input;
  in = &g->nodes[0];
  g->loss = spec->loss;
  g->huber_delta = spec->huber_delta;
  g->optim = spec->optim;
  g->batch_size = spec->batch_size;
  g->epochs = spec->epochs;
  g->seed = spec->seed;

  for (int l = 0; l < spec->n_layers; l++)
    {
      const bp_layer_spec *ls = &spec->layers[l];
      const char *want = ls->input;
      int from = l - 1;

      if (want[0] != '\0' && strcmp (want, "input") == 0)
        from = -1;
      else if (want[0] != '\0')
        {
          from = 0;
          while (from < l && strncmp (spec->layers[from].name, want, BP_NAME_MAX) != 0)
            from++;
          if (from == l)
            {
              snprintf (err, errlen, "layer %d '%.63s' takes its input from '%.63s', which is "
                        "not an earlier layer", l + 1, ls->name, want);
              bp_graph_free (g);
              return NULL;
            }
        }
      ids[l] = bp_graph_add_layer_spec (g, ls, 0, 0);
      if (ids[l] < 0)
        snprintf (err, errlen, "layer %d: not a layer kind the editor knows", l + 1);
      if (ids[l] < 0
          || bp_graph_connect (g, from < 0 ? in->id : ids[from], ids[l], 0, err, errlen) < 0)
        {
          bp_graph_free (g);
          return NULL;
        }
    }
  if (!apply_meta (g, spec->meta))
    bp_graph_tidy (g);
  return g;
}
