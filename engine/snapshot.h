/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots: what the network looks like at one moment, for the window to draw. The session's
 * trainer fills them between steps into latest-wins slots (engine/session.h); a reader gets a
 * whole, consistent snapshot that nobody writes while the reader holds it.
 *
 * Every pointer inside a snapshot points into memory of the same snapshot slot; it stays valid
 * until the reader asks for the next snapshot. Copy what must live longer. */
#pragma once

#include "engine/spec.h"
#include <stdbool.h>
#include <stdint.h>

#define BP_HIST_MAX_BINS 256
#define BP_HIST_DEFAULT_BINS 30

/* A histogram of one tensor (in a snapshot, of tensors over 16,384 values a sample of 64
 * evenly spread blocks of 256 values; n says how many were seen). Bins split [lo, hi) evenly; values below lo count in bin 0 and
 * values at or above hi in the last bin, so the counts always sum to n - n_nonfinite.
 * The range is tracked per tensor across snapshots so bars do not jump: it grows at once to
 * cover the data (rounded outwards to a multiple of a power-of-ten-ish step) and shrinks only
 * when the data use less than half of it. */
typedef struct bp_histogram {
  int n_bins;
  float lo, hi;          /* range of the bins */
  float min, max;        /* of the finite values; 0 when there are none */
  float mean, std;       /* of the finite values */
  uint64_t n;            /* values seen */
  uint64_t n_nonfinite;  /* NaN or Inf among them (not counted in a bin) */
  uint32_t counts[BP_HIST_MAX_BINS]; /* n_bins used */
} bp_histogram;

typedef enum bp_hist_tensor {
  BP_HIST_WEIGHTS,      /* trained tensors other than biases: dense weights, BN gamma */
  BP_HIST_BIASES,       /* dense biases, BN beta */
  BP_HIST_WEIGHT_GRADS, /* gradients of the last step for the weights */
  BP_HIST_BIAS_GRADS,
  BP_HIST_ACTIVATIONS,  /* the layer's output over the last training batch */
  BP_HIST_TENSOR_COUNT
} bp_hist_tensor;

const char *bp_hist_tensor_name (bp_hist_tensor t); /* "weights", "biases", ... */

/* Computes a histogram of x[0..n) with range tracking: *lo and *hi hold the previous range on
 * entry (lo == hi means none yet) and the new one on return. */
void bp_histogram_compute (bp_histogram *h, const float *x, size_t n, int n_bins, float *lo,
                           float *hi);

typedef struct bp_layer_snapshot {
  char name[BP_NAME_MAX];
  bp_layer_kind kind;
  bp_act activation;  /* dense's fused activation or the activation layer's function */
  int in_size, out_size;
  bool has[BP_HIST_TENSOR_COUNT];
  bp_histogram hist[BP_HIST_TENSOR_COUNT];
  /* L2 norms over the layer's trained tensors; for tensors over 16,384 values estimated from
   * the histograms' sample (count * (std^2 + mean^2)). */
  double weight_norm, grad_norm;

  /* The chosen sample's output of this layer (out_size), or NULL (no sample chosen). */
  const float *sample_output;

  /* Small dense nets only (bp_snapshot.small_dense), dense layers only, else NULL: */
  const float *weights;   /* (out, in) */
  const float *biases;    /* (out) or NULL without bias */
  const float *edge_grad; /* (out, in): |dL/dw| of the last step, for drawing gradient flow */
  const float *bias_grad; /* (out): |dL/db| of the last step */

  /* The layer's output shape per sample: rank 1 (features) or 3 (C, H, W), as sample_output
   * is laid out. */
  bp_shape out_shape;
  /* conv2d layers whose kernel has at most BP_SNAPSHOT_MAX_KERNEL values, else NULL: the
   * weights, to draw the filters as pictures (engine/session_snapshot_conv.c). */
  const float *kernel;      /* (kernel_dims[0], [1], [2], [3]) = (out_c, in_c, kh, kw) */
  const float *kernel_bias; /* (out_c) or NULL without bias */
  int kernel_dims[4];
} bp_layer_snapshot;

#define BP_SNAPSHOT_MAX_KERNEL 65536 /* conv weights copied per layer (256 KiB) */

/* The model over the raw input plane, for problems with 2 raw inputs (x1, x2). Cell (i, j),
 * row i from the bottom, column j from the left, is centred on
 *   x1 = x_min + (j + 0.5) * (x_max - x_min) / size,  x2 = y_min + (i + 0.5) * (y_max - y_min) / size,
 * mapped to the network's inputs by the session's feature map and scaler. */
typedef struct bp_grid_snapshot {
  bool valid;            /* false for problems that are not 2-D, or when switched off */
  int size;              /* cells per side (<= 200) */
  float x_min, x_max, y_min, y_max;
  int n_outputs;
  /* (size, size, n_outputs): what the model predicts, as probabilities for cross-entropy
   * (softmax) and BCE (sigmoid), raw outputs for regression. */
  const float *values;

  /* Thumbnails: every input feature and every hidden unit over a coarser grid (same plane,
   * neuron_size cells per side). */
  int neuron_size;
  int n_inputs;
  const float *input_values; /* (n_inputs, neuron_size, neuron_size) */
  /* Per layer of the net (n_layers entries, NULL for the output layer, for layers that are
   * not rank 1, and when the net has more than BP_SNAPSHOT_MAX_NEURONS hidden units):
   * (out_size, neuron_size, neuron_size). */
  const float *const *neuron_values;
} bp_grid_snapshot;

#define BP_SNAPSHOT_MAX_NEURONS 1024   /* hidden units drawn as thumbnails */
#define BP_SNAPSHOT_SMALL_DENSE 20000  /* dense parameters up to which weights are copied */
#define BP_GRID_MAX 200

typedef struct bp_snapshot {
  uint64_t seq;       /* 1, 2, 3 ... in the order the trainer made them (across runs) */
  uint64_t run;       /* the run (bp_session_run) it belongs to */
  uint64_t step;      /* optimizer steps done */
  uint32_t epoch;     /* epoch in progress (1-based) */
  double time;        /* run time in seconds, as in the metric log */
  float loss;         /* loss of the last batch */
  float lr;           /* learning rate in force */

  int n_layers;
  const bp_layer_snapshot *layers; /* n_layers */
  bool small_dense;   /* every layer is dense/activation/dropout and the weights are copied */

  bp_grid_snapshot grid;

  /* The chosen sample (bp_session_set_sample_row); row < 0 when none. */
  int64_t sample_row;
  int sample_n_inputs;
  const float *sample_input;  /* (n_inputs) as the network saw it (scaled) */
  const float *sample_output; /* (n_outputs) prediction (probabilities as in the grid) */
  int32_t sample_label;       /* classification, else -1 */

  uint64_t history_count; /* histogram history entries at the time of the snapshot */
  double cost_ms;         /* trainer CPU time spent making this snapshot */
} bp_snapshot;

/* A dense layer of the net, as a weight copy lists them. */
typedef struct bp_dense_info {
  char name[BP_NAME_MAX];
  int layer;          /* its index in the net (as in bp_snapshot.layers) */
  int out, in;        /* weight (out, in) */
  bp_act activation;  /* the fused one */
} bp_dense_info;

/* One dense layer's weights, copied on request (bp_session_request_weights) by the trainer
 * between two steps: for a view of a network too big for snapshots to carry its weights
 * (BP_SNAPSHOT_SMALL_DENSE), such as the dashboard following the Builder's run. Pointers point
 * into the copy's own buffer, valid until the reader asks for the next copy. */
typedef struct bp_weights_snapshot {
  uint64_t seq;       /* 1, 2, 3 ... in the order the trainer made them */
  uint64_t run;       /* the run (bp_session_run) it belongs to */
  uint64_t step;      /* optimizer steps done */
  int n_dense;
  const bp_dense_info *dense; /* (n_dense): every dense layer of the net, in order */
  int dense_index;    /* which of them was copied; -1 when the net has none */
  const float *weights; /* (dense[dense_index].out, .in), or NULL */
  const float *biases;  /* (dense[dense_index].out), or NULL without bias */
} bp_weights_snapshot;

/* What a snapshot computes; the window switches off what it does not show, so the trainer
 * does not spend time on it. */
typedef struct bp_snapshot_options {
  double interval_s;   /* wall time between snapshots while running; default 1/30 s */
  int bins;            /* histogram bins, default 30, at most BP_HIST_MAX_BINS */
  bool histograms;     /* default true */
  bool grid;           /* default true (2-D problems only) */
  int grid_size;       /* default 100, at most BP_GRID_MAX */
  bool neurons;        /* default true */
  int neuron_size;     /* default 24, at most 64 */
  bool weights;        /* weights and edge gradients of small dense nets; default true */
  /* The largest share of the trainer's time snapshots may take while running (default
   * 0.04): a snapshot costing more CPU time than max_share * interval_s (a 200x200 grid on a
   * tiny net) pushes the next one later (by at most 1 s), so training speed never hangs on
   * what is drawn. 0: no limit, every interval_s whatever it costs. */
  double max_share;
} bp_snapshot_options;

void bp_snapshot_options_defaults (bp_snapshot_options *o);

/* The histogram history: one entry every `every` steps, append-only, read lock-free like the
 * metric log. Each entry holds, for every layer, the histograms of bp_hist_tensor it has
 * (weights, biases, gradients, activations) at that step. To stay bounded on long runs the
 * stride doubles every BP_HIST_HISTORY_BLOCK entries (entries keep their own step). */
#define BP_HIST_HISTORY_BLOCK 500
#define BP_HIST_HISTORY_DEFAULT_EVERY 100

typedef struct bp_hist_history bp_hist_history;

uint64_t bp_hist_history_count (const bp_hist_history *h);
int bp_hist_history_n_layers (const bp_hist_history *h);
/* Fills *out with entry i's histogram of `which` for `layer` and returns true, or returns
 * false when i is not published yet or the layer has no such tensor. step/epoch may be NULL. */
bool bp_hist_history_get (const bp_hist_history *h, uint64_t i, int layer, bp_hist_tensor which,
                          bp_histogram *out, uint64_t *step, uint32_t *epoch);
