/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the builder shows about a graph after every edit: the spec it compiles to, each block's
 * input and output shape and parameter count from the engine's shape inference, the block the
 * engine refuses with its message, and the totals (parameters, FLOPs per sample, memory for a
 * batch). Plain C. */
#pragma once

#include "bp-graph.h"

typedef enum bp_node_state {
  BP_NODE_OK,
  BP_NODE_BAD,       /* the engine refuses this block: see message */
  BP_NODE_LOOSE,     /* not wired to the input: left out of the network */
  BP_NODE_UNCHECKED, /* comes after a bad block, so its shapes are not known */
} bp_node_state;

typedef struct bp_node_report {
  bp_node_state state;
  int layer;        /* index in the spec, -1 for the input and loose blocks */
  bp_shape in, out; /* OK blocks (out is the sample shape for the input block) */
  size_t n_params;
  double flops;     /* per sample, forward */
  char message[320];
} bp_node_report;

typedef struct bp_graph_report {
  int n_nodes;
  bp_node_report nodes[BP_GRAPH_MAX_NODES]; /* in the order of g->nodes */
  bp_spec *spec;     /* what the graph compiles to (owned); NULL when the wires make no network */
  bool ok;           /* spec != NULL and the engine's shape inference accepts it */
  int bad_id;        /* the block the message is about; 0 for the network as a whole */
  char message[320]; /* the first problem in words ("" when ok) */
  int n_loose;       /* blocks left out */
  size_t params;     /* trained parameters */
  double flops;      /* per sample, forward pass */
  size_t values;     /* activations per sample: the input and every layer's output */
} bp_graph_report;

/* Fills r for g (r's previous spec is freed; zero r before its first use). */
void bp_graph_report_update (bp_graph_report *r, const bp_graph *g);
void bp_graph_report_clear (bp_graph_report *r);
/* When r is ok, checks the network against the data it will train on (inputs = features;
 * outputs = classes for the loss, or targets) and, when they disagree, marks the input or the
 * last block bad with the reason in words, as a shape error is. */
struct bp_dataset;
void bp_graph_report_check_data (bp_graph_report *r, const bp_graph *g,
                                 const struct bp_dataset *ds);

/* Forward FLOPs per sample of one layer given its input and output shapes: a multiply-add
 * counts 2, an addition, comparison or activation 1 (softmax, exp-heavy functions 4). */
double bp_layer_flops (const bp_layer_spec *ls, bp_shape in, bp_shape out);

/* Bytes a training step holds for a batch: weights, gradients and the optimizer's state per
 * parameter, and each activation twice (value and gradient) per sample. An estimate of the
 * engine's arenas, within the workspace of im2col and such. */
size_t bp_graph_report_memory (const bp_graph_report *r, const bp_optim_cfg *optim,
                               int batch_size);

/* "1,234,567"; "12.3 M" style with compact. Returns buf. */
char *bp_format_count (double v, bool compact, char *buf, size_t len);
/* "3.1 MB", "512 kB", "12 B". Returns buf. */
char *bp_format_bytes (double bytes, char *buf, size_t len);
