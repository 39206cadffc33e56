/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tidy-up: a layered layout. Each block's row is its longest distance from a block with no
 * input (the network input, or the head of a loose group), blocks of one row sit side by side
 * in the order they had, and each group of wired-together blocks gets its own columns: the
 * input's group first, loose groups to its right. */
#include "bp-graph.h"

#include <stdlib.h>

static int
find_root (int *parent, int i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

typedef struct row_item {
  int node;
  double x;
} row_item;

static int
cmp_row_item (const void *a, const void *b)
{
  const row_item *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  return p->node - q->node;
}

void
bp_graph_tidy (bp_graph *g)
{
  int n = g->n_nodes;
  int depth[BP_GRAPH_MAX_NODES], group[BP_GRAPH_MAX_NODES], parent[BP_GRAPH_MAX_NODES];
  int groups[BP_GRAPH_MAX_NODES], n_groups = 0, input = -1;
  row_item items[BP_GRAPH_MAX_NODES];
  double left = 0;

  if (n == 0)
    return;
  for (int i = 0; i < n; i++)
    {
      depth[i] = 0;
      parent[i] = i;
      if (g->nodes[i].is_input)
        input = i;
    }
  /* Longest path: the graph has no loops, so n - 1 rounds of relaxation settle it. */
  for (int round = 0; round < n; round++)
    {
      bool changed = false;
      for (int e = 0; e < g->n_edges; e++)
        {
          int a = bp_graph_index_of (g, g->edges[e].from);
          int b = bp_graph_index_of (g, g->edges[e].to);
          if (a >= 0 && b >= 0 && depth[b] < depth[a] + 1)
            {
              depth[b] = depth[a] + 1;
              changed = true;
            }
        }
      if (!changed)
        break;
    }
  for (int e = 0; e < g->n_edges; e++)
    {
      int a = bp_graph_index_of (g, g->edges[e].from), b = bp_graph_index_of (g, g->edges[e].to);
      if (a >= 0 && b >= 0)
        parent[find_root (parent, a)] = find_root (parent, b);
    }
  /* Groups in order: the input's, then by their first block. */
  if (input >= 0)
    groups[n_groups++] = find_root (parent, input);
  for (int i = 0; i < n; i++)
    {
      int r = find_root (parent, i), k = 0;
      while (k < n_groups && groups[k] != r)
        k++;
      if (k == n_groups)
        groups[n_groups++] = r;
      group[i] = k;
    }

  for (int k = 0; k < n_groups; k++)
    {
      int max_depth = 0, widest = 1;

      for (int i = 0; i < n; i++)
        if (group[i] == k && depth[i] > max_depth)
          max_depth = depth[i];
      for (int d = 0; d <= max_depth; d++)
        {
          int m = 0;
          for (int i = 0; i < n; i++)
            if (group[i] == k && depth[i] == d)
              items[m++] = (row_item) { i, g->nodes[i].x };
          if (m > widest)
            widest = m;
        }
      double width = widest * (BP_GRAPH_BLOCK_W + BP_GRAPH_GAP_X) - BP_GRAPH_GAP_X;
      double centre = left + width / 2;
      for (int d = 0; d <= max_depth; d++)
        {
          int m = 0;
          for (int i = 0; i < n; i++)
            if (group[i] == k && depth[i] == d)
              items[m++] = (row_item) { i, g->nodes[i].x };
          qsort (items, (size_t) m, sizeof *items, cmp_row_item);
          for (int j = 0; j < m; j++)
            {
              bp_graph_node *node = &g->nodes[items[j].node];
              node->x = centre + (j - (m - 1) / 2.0) * (BP_GRAPH_BLOCK_W + BP_GRAPH_GAP_X)
                        - BP_GRAPH_BLOCK_W / 2;
              node->y = d * (BP_GRAPH_BLOCK_H + BP_GRAPH_GAP_Y);
            }
        }
      left += width + 2 * BP_GRAPH_GAP_X;
    }
}
