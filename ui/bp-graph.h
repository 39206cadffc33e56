/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network builder's model: blocks (nodes) with ports, joined by wires (edges) from an
 * output port to an input port. Plain C, no GTK, so it is tested without a display.
 *
 * One block is the network input; every other block is a layer (a bp_layer_spec with its own
 * name) with one input port and one output port. A graph compiles to a bp_spec: the blocks
 * reached from the input, in an order where every block comes after the one feeding it, each
 * naming its input when that is not the block just before it. Today the engine trains chains
 * (one input per layer, one end), so a block feeding two others is reported; blocks that add or
 * concatenate will bring more input ports without changing this model.
 *
 * Blocks not reached from the input (just dropped, or cut off) stay in the graph, drawn as
 * such, and are left out of the spec. The layout (block positions) travels in the spec's meta
 * object, "editor": {"input": [x, y], "positions": [[x, y] per layer]}. */
#pragma once

#include "engine/spec.h"
#include <stdbool.h>
#include <stddef.h>

#define BP_GRAPH_MAX_NODES (BP_MAX_LAYERS + 1)

/* A block's size and the gaps the tidy-up leaves, in canvas units (pixels at zoom 1). */
#define BP_GRAPH_BLOCK_W 220.0
#define BP_GRAPH_BLOCK_H 56.0
#define BP_GRAPH_GAP_X 48.0
#define BP_GRAPH_GAP_Y 32.0

typedef struct bp_graph_node {
  int id;              /* > 0, unique in the graph, never reused by it */
  bool is_input;       /* the network input: no input port, no layer */
  bp_layer_spec layer; /* kind, name and settings (layer blocks) */
  bp_shape shape;      /* the sample shape (the input block) */
  double x, y;         /* top-left corner, canvas units */
} bp_graph_node;

typedef struct bp_graph_edge {
  int from;    /* the block whose output port the wire leaves */
  int to;      /* the block whose input port it enters */
  int to_port; /* which input port (0 today) */
} bp_graph_edge;

typedef struct bp_graph {
  int n_nodes, n_edges;
  bp_graph_node *nodes; /* room for BP_GRAPH_MAX_NODES */
  bp_graph_edge *edges; /* room for BP_GRAPH_MAX_NODES: one wire per input port */
  int next_id;

  /* The rest of the spec (see bp_spec) */
  bp_loss_kind loss;
  float huber_delta;
  bp_optim_cfg optim;
  int batch_size;
  int epochs;
  unsigned long long seed;
  char *meta; /* the spec's meta JSON without "editor", or NULL; owned */
} bp_graph;

/* A graph holding only an input block of shape (2): MSE, Adam, batch 32, 10 epochs, seed 1.
 * NULL when out of memory. */
bp_graph *bp_graph_new (void);
bp_graph *bp_graph_copy (const bp_graph *g);
/* A copy holding exactly its blocks and wires, to keep (undo steps), not to edit: adding to it
 * overruns. bp_graph_copy of it gives an editable graph again. */
bp_graph *bp_graph_copy_compact (const bp_graph *g);
void bp_graph_free (bp_graph *g);

bp_graph_node *bp_graph_find (const bp_graph *g, int id);
int bp_graph_index_of (const bp_graph *g, int id); /* -1 when there is no such block */
const bp_graph_node *bp_graph_input_node (const bp_graph *g);

/* Input ports of a block: 0 for the input, 1 for every layer kind today. */
int bp_graph_n_in_ports (const bp_graph_node *node);

/* Adds a layer block of that kind with the editor's defaults and a fresh name ("dense_2"),
 * top-left at (x, y). Returns its id, or -1 when the graph is full. */
int bp_graph_add_layer (bp_graph *g, bp_layer_kind kind, double x, double y);
/* Adds a copy of ls (renamed when its name is taken or empty). Returns its id or -1. */
int bp_graph_add_layer_spec (bp_graph *g, const bp_layer_spec *ls, double x, double y);

/* Removes a block and its wires. The input block stays: false. */
bool bp_graph_remove_node (bp_graph *g, int id);
/* The same, but a block with exactly one wire in and one wire out leaves its source wired to
 * its consumer (deleting from the middle of a chain keeps the chain). */
bool bp_graph_remove_node_joined (bp_graph *g, int id);

/* Wires from's output to port `port` of to, replacing the wire that entered that port.
 * Returns 0, or -1 with the reason (no such block or port, the wire would close a loop). */
int bp_graph_connect (bp_graph *g, int from, int to, int port, char *err, size_t errlen);
/* Removes the wire entering port `port` of to; false when there was none. */
bool bp_graph_disconnect (bp_graph *g, int to, int port);
/* The block feeding port `port` of to, or 0. */
int bp_graph_source_of (const bp_graph *g, int to, int port);
/* How many wires leave id's output. */
int bp_graph_n_consumers (const bp_graph *g, int id);
/* Marks the blocks reached from the input through the wires (reached has n_nodes entries, the
 * input's included); returns how many layer blocks are reached. */
int bp_graph_mark_reached (const bp_graph *g, bool *reached);
/* Would a wire from -> to close a loop (to already feeds from, or they are the same)? */
bool bp_graph_reaches (const bp_graph *g, int from, int to);

/* Renames a layer block. 0, or -1 with why (empty, too long, a control character, "input",
 * or the name of another block). */
int bp_graph_rename (bp_graph *g, int id, const char *name, char *err, size_t errlen);
/* A name "<kind>_<n>" no block has, n from 1. */
void bp_graph_fresh_name (const bp_graph *g, bp_layer_kind kind, char *buf, size_t len);

/* Lays the blocks out top to bottom by depth from the input, siblings side by side, blocks
 * not reached from the input in columns to the right. */
void bp_graph_tidy (bp_graph *g);
/* The box around every block (x0, y0, x1, y1); false when there are none. */
bool bp_graph_bounds (const bp_graph *g, double box[4]);

/* Port centres in canvas units. */
void bp_graph_in_port_pos (const bp_graph_node *node, int port, double *x, double *y);
void bp_graph_out_port_pos (const bp_graph_node *node, double *x, double *y);

/* ---- the spec (bp-graph-spec.c) ---- */

/* The spec the graph compiles to, with the layout in meta, whether or not shape inference
 * accepts it. order (may be NULL; n_nodes entries) receives for each layer of the spec the
 * index of its block in g->nodes. NULL with the reason when the blocks do not make a network
 * (nothing is wired to the input, a block feeds two others), naming the block in *bad_id
 * (may be NULL; 0 for the network as a whole). */
bp_spec *bp_graph_to_spec (const bp_graph *g, int *order, int *bad_id, char *err,
                           size_t errlen);
/* A graph of the spec: one block per layer, the input block, the wires the layers' inputs
 * name, the layout from meta (tidied when meta has none or it does not fit). NULL with a
 * message when a layer names an input that does not exist or comes later. */
bp_graph *bp_graph_from_spec (const bp_spec *spec, char *err, size_t errlen);
