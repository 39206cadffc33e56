/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Blocks and wires: adding, removing, connecting, naming. Plain C (see bp-graph.h). */
#include "bp-graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
graph_say (char *err, size_t errlen, const char *msg)
{
  if (err != NULL && errlen > 0)
    snprintf (err, errlen, "%s", msg);
}

bp_graph *
bp_graph_new (void)
{
  bp_graph *g = calloc (1, sizeof *g);

  if (g == NULL)
    return NULL;
  g->nodes = calloc (BP_GRAPH_MAX_NODES, sizeof *g->nodes);
  g->edges = calloc (BP_GRAPH_MAX_NODES, sizeof *g->edges);
  if (g->nodes == NULL || g->edges == NULL)
    {
      bp_graph_free (g);
      return NULL;
    }
  g->next_id = 1;
  g->nodes[0] = (bp_graph_node) { .id = g->next_id++, .is_input = true,
                                  .shape = bp_shape_vec (2) };
  g->n_nodes = 1;
  g->loss = BP_LOSS_MSE;
  g->huber_delta = 1.0f;
  bp_optim_cfg_defaults (&g->optim, BP_OPTIM_ADAM);
  g->batch_size = 32;
  g->epochs = 10;
  g->seed = 1;
  return g;
}

static bp_graph *
copy_with_room (const bp_graph *g, int node_room, int edge_room)
{
  bp_graph *c;

  if (g == NULL || (c = malloc (sizeof *c)) == NULL)
    return NULL;
  *c = *g;
  c->nodes = malloc ((size_t) (node_room > 0 ? node_room : 1) * sizeof *c->nodes);
  c->edges = malloc ((size_t) (edge_room > 0 ? edge_room : 1) * sizeof *c->edges);
  c->meta = g->meta != NULL ? strdup (g->meta) : NULL;
  if (c->nodes == NULL || c->edges == NULL || (g->meta != NULL && c->meta == NULL))
    {
      bp_graph_free (c);
      return NULL;
    }
  memcpy (c->nodes, g->nodes, (size_t) g->n_nodes * sizeof *c->nodes);
  memcpy (c->edges, g->edges, (size_t) g->n_edges * sizeof *c->edges);
  return c;
}

bp_graph *
bp_graph_copy (const bp_graph *g)
{
  return copy_with_room (g, BP_GRAPH_MAX_NODES, BP_GRAPH_MAX_NODES);
}

bp_graph *
bp_graph_copy_compact (const bp_graph *g)
{
  return g != NULL ? copy_with_room (g, g->n_nodes, g->n_edges) : NULL;
}

void
bp_graph_free (bp_graph *g)
{
  if (g == NULL)
    return;
  free (g->nodes);
  free (g->edges);
  free (g->meta);
  free (g);
}

int
bp_graph_index_of (const bp_graph *g, int id)
{
  for (int i = 0; i < g->n_nodes; i++)
    if (g->nodes[i].id == id)
      return i;
  return -1;
}

bp_graph_node *
bp_graph_find (const bp_graph *g, int id)
{
  int i = bp_graph_index_of (g, id);

  return i < 0 ? NULL : &g->nodes[i];
}

const bp_graph_node *
bp_graph_input_node (const bp_graph *g)
{
  for (int i = 0; i < g->n_nodes; i++)
    if (g->nodes[i].is_input)
      return &g->nodes[i];
  return NULL;
}

int
bp_graph_n_in_ports (const bp_graph_node *node)
{
  return node->is_input ? 0 : 1;
}

static bool
name_taken (const bp_graph *g, const char *name, int except_id)
{
  if (strcmp (name, "input") == 0)
    return true;
  for (int i = 0; i < g->n_nodes; i++)
    if (!g->nodes[i].is_input && g->nodes[i].id != except_id
        && strcmp (g->nodes[i].layer.name, name) == 0)
      return true;
  return false;
}

void
bp_graph_fresh_name (const bp_graph *g, bp_layer_kind kind, char *buf, size_t len)
{
  const char *base = bp_layer_kind_name (kind);

  for (int n = 1; n <= BP_GRAPH_MAX_NODES + 1; n++)
    {
      snprintf (buf, len, "%s_%d", base != NULL ? base : "layer", n);
      if (!name_taken (g, buf, 0))
        return;
    }
}

/* What a block gets when dropped: the engine's defaults, with a first guess that trains. */
static void
editor_defaults (bp_layer_spec *ls, bp_layer_kind kind)
{
  bp_layer_spec_defaults (ls, kind);
  if (kind == BP_LAYER_DENSE)
    {
      ls->u.dense.units = 32;
      ls->u.dense.activation = BP_ACT_RELU;
    }
  else if (kind == BP_LAYER_CONV2D)
    {
      ls->u.conv2d.padding = BP_PADDING_SAME;
      ls->u.conv2d.activation = BP_ACT_RELU;
    }
}

int
bp_graph_add_layer_spec (bp_graph *g, const bp_layer_spec *ls, double x, double y)
{
  bp_graph_node *n;

  if (g->n_nodes >= BP_GRAPH_MAX_NODES || (unsigned) ls->kind >= BP_LAYER_KIND_COUNT)
    return -1;
  n = &g->nodes[g->n_nodes];
  *n = (bp_graph_node) { .id = g->next_id, .layer = *ls, .x = x, .y = y };
  n->layer.input[0] = '\0'; /* wires say where inputs come from */
  if (strnlen (ls->name, BP_NAME_MAX) == BP_NAME_MAX || ls->name[0] == '\0'
      || name_taken (g, ls->name, 0))
    bp_graph_fresh_name (g, ls->kind, n->layer.name, sizeof n->layer.name);
  g->n_nodes++;
  return g->next_id++;
}

int
bp_graph_add_layer (bp_graph *g, bp_layer_kind kind, double x, double y)
{
  bp_layer_spec ls;

  if ((unsigned) kind >= BP_LAYER_KIND_COUNT)
    return -1;
  editor_defaults (&ls, kind);
  return bp_graph_add_layer_spec (g, &ls, x, y);
}

static void
remove_edge_at (bp_graph *g, int e)
{
  memmove (&g->edges[e], &g->edges[e + 1], (size_t) (g->n_edges - e - 1) * sizeof *g->edges);
  g->n_edges--;
}

bool
bp_graph_remove_node (bp_graph *g, int id)
{
  int i = bp_graph_index_of (g, id);

  if (i < 0 || g->nodes[i].is_input)
    return false;
  for (int e = g->n_edges - 1; e >= 0; e--)
    if (g->edges[e].from == id || g->edges[e].to == id)
      remove_edge_at (g, e);
  memmove (&g->nodes[i], &g->nodes[i + 1], (size_t) (g->n_nodes - i - 1) * sizeof *g->nodes);
  g->n_nodes--;
  return true;
}

bool
bp_graph_remove_node_joined (bp_graph *g, int id)
{
  const bp_graph_node *n = bp_graph_find (g, id);
  int from = 0, to = 0, to_port = 0, n_in = 0, n_out = 0;

  if (n == NULL || n->is_input)
    return false;
  for (int e = 0; e < g->n_edges; e++)
    {
      if (g->edges[e].to == id)
        {
          from = g->edges[e].from;
          n_in++;
        }
      if (g->edges[e].from == id)
        {
          to = g->edges[e].to;
          to_port = g->edges[e].to_port;
          n_out++;
        }
    }
  bp_graph_remove_node (g, id);
  /* Taking a block out of the middle of a chain should not leave a gap: its one consumer gets
   * what it was fed. With several wires in or out there is no one obvious joining. */
  if (n_in == 1 && n_out == 1)
    bp_graph_connect (g, from, to, to_port, NULL, 0);
  return true;
}

int
bp_graph_source_of (const bp_graph *g, int to, int port)
{
  for (int e = 0; e < g->n_edges; e++)
    if (g->edges[e].to == to && g->edges[e].to_port == port)
      return g->edges[e].from;
  return 0;
}

int
bp_graph_n_consumers (const bp_graph *g, int id)
{
  int n = 0;

  for (int e = 0; e < g->n_edges; e++)
    n += g->edges[e].from == id;
  return n;
}

bool
bp_graph_reaches (const bp_graph *g, int from, int to)
{
  /* Is there a path to -> ... -> from? Then from -> to closes a loop. Depth-first over the
   * wires with an explicit stack; at most one visit per block. */
  int stack[BP_GRAPH_MAX_NODES], top = 0;
  bool seen[BP_GRAPH_MAX_NODES] = { false };
  int ti = bp_graph_index_of (g, to);

  if (from == to)
    return true;
  if (ti < 0)
    return false;
  stack[top++] = to;
  seen[ti] = true;
  while (top > 0)
    {
      int cur = stack[--top];

      for (int e = 0; e < g->n_edges; e++)
        {
          int next, ni;

          if (g->edges[e].from != cur)
            continue;
          next = g->edges[e].to;
          if (next == from)
            return true;
          ni = bp_graph_index_of (g, next);
          if (ni >= 0 && !seen[ni])
            {
              seen[ni] = true;
              stack[top++] = next;
            }
        }
    }
  return false;
}

bool
bp_graph_disconnect (bp_graph *g, int to, int port)
{
  for (int e = 0; e < g->n_edges; e++)
    if (g->edges[e].to == to && g->edges[e].to_port == port)
      {
        remove_edge_at (g, e);
        return true;
      }
  return false;
}

int
bp_graph_connect (bp_graph *g, int from, int to, int port, char *err, size_t errlen)
{
  const bp_graph_node *src = bp_graph_find (g, from), *dst = bp_graph_find (g, to);
  char msg[256];

  if (src == NULL || dst == NULL)
    {
      graph_say (err, errlen, "no such block");
      return -1;
    }
  if (port < 0 || port >= bp_graph_n_in_ports (dst))
    {
      snprintf (msg, sizeof msg, "%s has no input port %d",
                dst->is_input ? "the input" : dst->layer.name, port + 1);
      graph_say (err, errlen, msg);
      return -1;
    }
  if (bp_graph_reaches (g, from, to))
    {
      snprintf (msg, sizeof msg, "a wire from '%s' to '%s' would close a loop",
                src->is_input ? "input" : src->layer.name, dst->layer.name);
      graph_say (err, errlen, msg);
      return -1;
    }
  bp_graph_disconnect (g, to, port);
  if (g->n_edges >= BP_GRAPH_MAX_NODES)
    {
      graph_say (err, errlen, "too many wires");
      return -1;
    }
  g->edges[g->n_edges++] = (bp_graph_edge) { .from = from, .to = to, .to_port = port };
  return 0;
}

int
bp_graph_rename (bp_graph *g, int id, const char *name, char *err, size_t errlen)
{
  bp_graph_node *n = bp_graph_find (g, id);
  size_t len = strlen (name);
  char msg[256];

  if (n == NULL || n->is_input)
    {
      graph_say (err, errlen, "only layers have names");
      return -1;
    }
  if (len == 0 || len >= BP_NAME_MAX)
    {
      snprintf (msg, sizeof msg, "a name has 1 to %d bytes", BP_NAME_MAX - 1);
      graph_say (err, errlen, msg);
      return -1;
    }
  for (size_t i = 0; i < len; i++)
    if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f)
      {
        graph_say (err, errlen, "a name cannot hold control characters");
        return -1;
      }
  if (name_taken (g, name, id))
    {
      snprintf (msg, sizeof msg, "'%s' is %s", name,
                strcmp (name, "input") == 0 ? "the network input's name"
                                            : "already the name of another block");
      graph_say (err, errlen, msg);
      return -1;
    }
  memcpy (n->layer.name, name, len + 1);
  return 0;
}

void
bp_graph_in_port_pos (const bp_graph_node *node, int port, double *x, double *y)
{
  int n = bp_graph_n_in_ports (node);

  /* Spread ports evenly along the top edge. */
  *x = node->x + BP_GRAPH_BLOCK_W * (port + 1) / (n + 1);
  *y = node->y;
}

void
bp_graph_out_port_pos (const bp_graph_node *node, double *x, double *y)
{
  *x = node->x + BP_GRAPH_BLOCK_W / 2;
  *y = node->y + BP_GRAPH_BLOCK_H;
}

bool
bp_graph_bounds (const bp_graph *g, double box[4])
{
  if (g->n_nodes == 0)
    return false;
  box[0] = box[2] = g->nodes[0].x;
  box[1] = box[3] = g->nodes[0].y;
  for (int i = 0; i < g->n_nodes; i++)
    {
      const bp_graph_node *n = &g->nodes[i];
      if (n->x < box[0])
        box[0] = n->x;
      if (n->y < box[1])
        box[1] = n->y;
      if (n->x + BP_GRAPH_BLOCK_W > box[2])
        box[2] = n->x + BP_GRAPH_BLOCK_W;
      if (n->y + BP_GRAPH_BLOCK_H > box[3])
        box[3] = n->y + BP_GRAPH_BLOCK_H;
    }
  return true;
}
