/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two stacks of graph copies (see bp-graph-history.h). */
#include "bp-graph-history.h"

#include <stdlib.h>
#include <string.h>

typedef struct stack {
  bp_graph **items;
  int n;
} stack;

struct bp_graph_history {
  int limit;
  stack undo, redo;
  char *merge_key; /* of the last push, NULL when the next push must not merge */
};

static void
stack_clear (stack *s)
{
  for (int i = 0; i < s->n; i++)
    bp_graph_free (s->items[i]);
  s->n = 0;
}

/* Takes ownership of g; drops the oldest item when full. */
static void
stack_push (stack *s, bp_graph *g, int limit)
{
  if (s->n == limit)
    {
      bp_graph_free (s->items[0]);
      memmove (&s->items[0], &s->items[1], (size_t) (limit - 1) * sizeof *s->items);
      s->n--;
    }
  s->items[s->n++] = g;
}

bp_graph_history *
bp_graph_history_new (int limit)
{
  bp_graph_history *h = calloc (1, sizeof *h);

  if (h == NULL || limit < 1)
    {
      free (h);
      return NULL;
    }
  h->limit = limit;
  h->undo.items = calloc ((size_t) limit, sizeof (bp_graph *));
  h->redo.items = calloc ((size_t) limit, sizeof (bp_graph *));
  if (h->undo.items == NULL || h->redo.items == NULL)
    {
      bp_graph_history_free (h);
      return NULL;
    }
  return h;
}

void
bp_graph_history_free (bp_graph_history *h)
{
  if (h == NULL)
    return;
  if (h->undo.items != NULL)
    stack_clear (&h->undo);
  if (h->redo.items != NULL)
    stack_clear (&h->redo);
  free (h->undo.items);
  free (h->redo.items);
  free (h->merge_key);
  free (h);
}

void
bp_graph_history_break (bp_graph_history *h)
{
  free (h->merge_key);
  h->merge_key = NULL;
}

bool
bp_graph_history_push (bp_graph_history *h, const bp_graph *before, const char *merge_key)
{
  bp_graph *copy;

  stack_clear (&h->redo);
  if (merge_key != NULL && h->merge_key != NULL && strcmp (merge_key, h->merge_key) == 0
      && h->undo.n > 0)
    return true;
  bp_graph_history_break (h);
  copy = bp_graph_copy_compact (before);
  if (copy == NULL)
    {
      stack_clear (&h->undo);
      return false;
    }
  stack_push (&h->undo, copy, h->limit);
  if (merge_key != NULL)
    h->merge_key = strdup (merge_key);
  return true;
}

bool
bp_graph_history_can_undo (const bp_graph_history *h)
{
  return h->undo.n > 0;
}

bool
bp_graph_history_can_redo (const bp_graph_history *h)
{
  return h->redo.n > 0;
}

int
bp_graph_history_n_undo (const bp_graph_history *h)
{
  return h->undo.n;
}

int
bp_graph_history_n_redo (const bp_graph_history *h)
{
  return h->redo.n;
}

/* Pops from `from` (as an editable graph), pushes a copy of current on `to`. Steps are kept
 * compact: a chain of ten blocks costs a few kilobytes, not room for 257. */
static bp_graph *
travel (bp_graph_history *h, stack *from, stack *to, const bp_graph *current)
{
  bp_graph *copy, *g;

  if (from->n == 0 || (copy = bp_graph_copy_compact (current)) == NULL)
    return NULL;
  if ((g = bp_graph_copy (from->items[from->n - 1])) == NULL)
    {
      bp_graph_free (copy);
      return NULL;
    }
  bp_graph_history_break (h);
  bp_graph_free (from->items[--from->n]);
  stack_push (to, copy, h->limit);
  return g;
}

bp_graph *
bp_graph_history_undo (bp_graph_history *h, const bp_graph *current)
{
  return travel (h, &h->undo, &h->redo, current);
}

bp_graph *
bp_graph_history_redo (bp_graph_history *h, const bp_graph *current)
{
  return travel (h, &h->redo, &h->undo, current);
}

void
bp_graph_history_clear (bp_graph_history *h)
{
  stack_clear (&h->undo);
  stack_clear (&h->redo);
  bp_graph_history_break (h);
}
