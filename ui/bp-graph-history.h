/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Undo and redo for the builder: every edit pushes a copy of the graph as it was before the
 * edit. Graphs are small (at most 257 blocks), so whole copies keep undo exact and simple: undo
 * gives back the very graph, hence the very spec, of before. Consecutive edits of one setting
 * (typing in a number field) share a merge key and make one step. Plain C.
 *
 * A step can also hold a state of the owner's beside the graph (the builder's dataset and
 * training settings, which the spec does not hold): an opaque value the history copies and
 * frees with the functions given to bp_graph_history_set_state_funcs, so that one undo
 * restores both, in one history. */
#pragma once

#include "bp-graph.h"

typedef struct bp_graph_history bp_graph_history;

/* Copies a state (NULL when out of memory) and frees one. */
typedef void *(*bp_history_state_copy) (const void *state);
typedef void (*bp_history_state_free) (void *state);

/* Keeps at most `limit` undo steps (the oldest go first). NULL when out of memory. */
bp_graph_history *bp_graph_history_new (int limit);
void bp_graph_history_free (bp_graph_history *h);
/* How to copy and free the states the *_state calls take. Set it while the history is empty. */
void bp_graph_history_set_state_funcs (bp_graph_history *h, bp_history_state_copy copy,
                                       bp_history_state_free free_state);

/* Records `before`, the graph as it was before an edit, and forgets the redo steps.
 * With a merge_key equal to the previous push's (and no undo, redo or break since), the
 * earlier step already holds the state before both edits: nothing is pushed. Returns false
 * when out of memory (the history is then empty). */
bool bp_graph_history_push (bp_graph_history *h, const bp_graph *before, const char *merge_key);
/* The same with the owner's state as it was before the edit (copied; may be NULL). */
bool bp_graph_history_push_state (bp_graph_history *h, const bp_graph *before,
                                  const void *state_before, const char *merge_key);
/* Ends merging: the next push makes a step of its own. */
void bp_graph_history_break (bp_graph_history *h);

bool bp_graph_history_can_undo (const bp_graph_history *h);
bool bp_graph_history_can_redo (const bp_graph_history *h);
int bp_graph_history_n_undo (const bp_graph_history *h);
int bp_graph_history_n_redo (const bp_graph_history *h);

/* The graph to show after an undo (caller owns it); current is kept for redo. NULL when there
 * is nothing to undo or memory is short (nothing changes then). */
bp_graph *bp_graph_history_undo (bp_graph_history *h, const bp_graph *current);
bp_graph *bp_graph_history_redo (bp_graph_history *h, const bp_graph *current);
/* The same with the owner's state: current_state is kept (copied) with current, and *state
 * receives the step's state (caller frees; NULL when the step had none). */
bp_graph *bp_graph_history_undo_state (bp_graph_history *h, const bp_graph *current,
                                       const void *current_state, void **state);
bp_graph *bp_graph_history_redo_state (bp_graph_history *h, const bp_graph *current,
                                       const void *current_state, void **state);

void bp_graph_history_clear (bp_graph_history *h);
