/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Undo and redo for the builder: every edit pushes a copy of the graph as it was before the
 * edit. Graphs are small (at most 257 blocks), so whole copies keep undo exact and simple: undo
 * gives back the very graph, hence the very spec, of before. Consecutive edits of one setting
 * (typing in a number field) share a merge key and make one step. Plain C. */
#pragma once

#include "bp-graph.h"

typedef struct bp_graph_history bp_graph_history;

/* Keeps at most `limit` undo steps (the oldest go first). NULL when out of memory. */
bp_graph_history *bp_graph_history_new (int limit);
void bp_graph_history_free (bp_graph_history *h);

/* Records `before`, the graph as it was before an edit, and forgets the redo steps.
 * With a merge_key equal to the previous push's (and no undo, redo or break since), the
 * earlier step already holds the state before both edits: nothing is pushed. Returns false
 * when out of memory (the history is then empty). */
bool bp_graph_history_push (bp_graph_history *h, const bp_graph *before, const char *merge_key);
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

void bp_graph_history_clear (bp_graph_history *h);
