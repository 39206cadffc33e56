/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two stacks of graph copies, each with the owner's state when it gives one (see
 * bp-graph-history.h). */
#include "bp-graph-history.h"

#include <stdlib.h>
#include <string.h>

typedef struct step {
  bp_graph *graph; /* compact */
  void *state;     /* the owner's, or NULL */
} step;

typedef struct stack {
  step *items;
  int n;
} stack;

struct bp_graph_history {
  int limit;
  stack undo, redo;
  char *merge_key; /* of the last push, NULL when the next push must not merge */
  bp_history_state_copy copy_state;
  bp_history_state_free free_state;
};

static void
step_clear (bp_graph_history *h, step *s)
{
  bp_graph_free (s->graph);
  if (s->state != NULL && h->free_state != NULL)
    h->free_state (s->state);
  s->graph = NULL;
  s->state = NULL;
}

static void
stack_clear (bp_graph_history *h, stack *s)
{
  for (int i = 0; i < s->n; i++)
    step_clear (h, &s->items[i]);
  s->n = 0;
}

/* Takes ownership of st; drops the oldest item when full. */
static void
stack_push (bp_graph_history *h, stack *s, step st)
{
  if (s->n == h->limit)
    {
      step_clear (h, &s->items[0]);
      memmove (&s->items[0], &s->items[1], (size_t) (h->limit - 1) * sizeof *s->items);
      s->n--;
    }
  s->items[s->n++] = st;
}

/* A step holding compact copies of g and state; false when memory is short. */
static bool
make_step (bp_graph_history *h, const bp_graph *g, const void *state, step *out)
{
  out->graph = bp_graph_copy_compact (g);
  out->state = NULL;
  if (out->graph == NULL)
    return false;
  if (state != NULL && h->copy_state != NULL && (out->state = h->copy_state (state)) == NULL)
    {
      step_clear (h, out);
      return false;
    }
  return true;
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
  h->undo.items = calloc ((size_t) limit, sizeof (step));
  h->redo.items = calloc ((size_t) limit, sizeof (step));
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
    stack_clear (h, &h->undo);
  if (h->redo.items != NULL)
    stack_clear (h, &h->redo);
  free (h->undo.items);
  free (h->redo.items);
  free (h->merge_key);
  free (h);
}

void
bp_graph_history_set_state_funcs (bp_graph_history *h, bp_history_state_copy copy,
                                  bp_history_state_free free_state)
{
  h->copy_state = copy;
  h->free_state = free_state;
}

void
bp_graph_history_break (bp_graph_history *h)
{
  free (h->merge_key);
  h->merge_key = NULL;
}

bool
bp_graph_history_push_state (bp_graph_history *h, const bp_graph *before,
                             const void *state_before, const char *merge_key)
{
  step st;

  stack_clear (h, &h->redo);
  if (merge_key != NULL && h->merge_key != NULL && strcmp (merge_key, h->merge_key) == 0
      && h->undo.n > 0)
    return true;
  bp_graph_history_break (h);
  if (!make_step (h, before, state_before, &st))
    {
      stack_clear (h, &h->undo);
      return false;
    }
  stack_push (h, &h->undo, st);
  if (merge_key != NULL)
    h->merge_key = strdup (merge_key);
  return true;
}

bool
bp_graph_history_push (bp_graph_history *h, const bp_graph *before, const char *merge_key)
{
  return bp_graph_history_push_state (h, before, NULL, merge_key);
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

/* Pops from `from` (as an editable graph and its state), pushes copies of current on `to`.
 * Steps are kept compact: a chain of ten blocks costs a few kilobytes, not room for 257. */
static bp_graph *
travel (bp_graph_history *h, stack *from, stack *to, const bp_graph *current,
        const void *current_state, void **state)
{
  step keep, *top;
  bp_graph *g;

  if (state != NULL)
    *state = NULL;
  if (from->n == 0 || !make_step (h, current, current_state, &keep))
    return NULL;
  top = &from->items[from->n - 1];
  if ((g = bp_graph_copy (top->graph)) == NULL)
    {
      step_clear (h, &keep);
      return NULL;
    }
  bp_graph_history_break (h);
  if (state != NULL)
    {
      *state = top->state;
      top->state = NULL;
    }
  step_clear (h, top);
  from->n--;
  stack_push (h, to, keep);
  return g;
}

bp_graph *
bp_graph_history_undo (bp_graph_history *h, const bp_graph *current)
{
  return travel (h, &h->undo, &h->redo, current, NULL, NULL);
}

bp_graph *
bp_graph_history_redo (bp_graph_history *h, const bp_graph *current)
{
  return travel (h, &h->redo, &h->undo, current, NULL, NULL);
}

bp_graph *
bp_graph_history_undo_state (bp_graph_history *h, const bp_graph *current,
                             const void *current_state, void **state)
{
  return travel (h, &h->undo, &h->redo, current, current_state, state);
}

bp_graph *
bp_graph_history_redo_state (bp_graph_history *h, const bp_graph *current,
                             const void *current_state, void **state)
{
  return travel (h, &h->redo, &h->undo, current, current_state, state);
}

void
bp_graph_history_clear (bp_graph_history *h)
{
  stack_clear (h, &h->undo);
  stack_clear (h, &h->redo);
  bp_graph_history_break (h);
}
