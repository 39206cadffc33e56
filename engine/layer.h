/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A layer at run time: a small vtable per kind (layer_kinds[]) and one struct of views into the
 * network's arenas. Layers never allocate; the network carves every buffer once per compile. */
#pragma once

#include "engine/rng.h"
#include "engine/spec.h"
#include "engine/workers.h"
#include <stdbool.h>
#include <stddef.h>

#define BP_MAX_PARAM_VIEWS 4

/* One named parameter tensor of a layer, e.g. "weight" (out, in) and "bias" (out). */
typedef struct bp_param_view {
  const char *suffix; /* "weight", "bias", "gamma", "beta" */
  float *value;
  float *grad;
  int rank;
  int dims[4];
  bool penalised;     /* L1/L2 of the layer apply (weights and kernels, not biases) */
} bp_param_view;

/* A persistent non-trained tensor, e.g. batch norm's "running_mean". */
typedef bp_param_view bp_buffer_view;

typedef struct bp_layer bp_layer;

typedef struct bp_layer_ops {
  bp_layer_kind kind;
  /* Output shape, trained parameter and persistent buffer counts (floats) for this input
   * shape, or -1 with a message in words (without the layer's name: the caller adds it). */
  int (*infer) (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
                size_t *n_buffers, char *err, size_t errlen);
  /* Floats of per-batch workspace the layer needs (pre-activations, masks, saved stats).
   * NULL: none. */
  size_t (*scratch_size) (const bp_layer *L, int batch);
  /* Initial parameters and buffers. NULL: the kind has neither. */
  void (*init) (bp_layer *L, bp_rng *rng);
  /* y = f(x) for `batch` rows. train selects dropout masks and batch statistics. */
  void (*forward) (bp_layer *L, int batch, bool train);
  /* grads += dL/dparams; dx += dL/dx when dx is not NULL. Uses x, y, dy, scratch as left by
   * the training forward of the same batch. Kinds with can_overwrite write (=) instead of
   * adding when the layer's grads_overwrite / dx_overwrite say so. */
  void (*backward) (bp_layer *L, int batch);
  /* Describes the layer's parameter tensors (buffers); returns how many
   * (<= BP_MAX_PARAM_VIEWS). NULL: the kind has none. */
  int (*param_views) (const bp_layer *L, bp_param_view *views);
  int (*buffer_views) (const bp_layer *L, bp_buffer_view *views);
  /* backward honours grads_overwrite and dx_overwrite (below); kinds without it always add */
  bool can_overwrite;
} bp_layer_ops;

struct bp_layer {
  const bp_layer_ops *ops;
  const bp_layer_spec *spec; /* the network's own copy; live settings are below */
  int index;
  bp_shape in, out;
  size_t in_size, out_size; /* floats per sample */

  float *params;  /* n_params floats, slice of the parameter arena */
  float *grads;   /* n_params floats, slice of the gradient arena, same layout */
  size_t n_params;
  float *buffers; /* n_buffers floats, persistent, not trained */
  size_t n_buffers;

  const float *x; /* (batch, in_size): the input, the previous layer's y */
  float *y;       /* (batch, out_size) */
  float *dx;      /* (batch, in_size) or NULL when no gradient is needed below */
  float *dy;      /* (batch, out_size) */
  float *scratch; /* scratch_size floats */

  bp_rng *rng;        /* the network's generator (dropout masks) */
  float dropout_rate; /* live value for dropout layers (starts at the spec's) */
  bp_team *team;      /* the network's helper threads (workers.h), or NULL: one thread */
  /* Set by the network for kinds that can_overwrite: backward may write grads (every
   * gradient of the layer's parameters) and dx (rows 0..batch) instead of adding to them,
   * because nothing else writes them in a step; the network then does not clear them first. */
  bool grads_overwrite, dx_overwrite;
};

/* The vtable of a layer kind. */
const bp_layer_ops *bp_layer_ops_for (bp_layer_kind kind);

/* infer for element-wise kinds without parameters (activation, dropout): the output has the
 * input's shape; -1 with "has no inputs" for an empty input. */
int bp_layer_infer_same_shape (bp_shape in, bp_shape *out, size_t *n_params, size_t *n_buffers,
                               char *err, size_t errlen);
/* scratch_size for kinds that keep one value per output (batch, out_size). */
size_t bp_layer_scratch_per_output (const bp_layer *L, int batch);

extern const bp_layer_ops bp_dense_ops;
extern const bp_layer_ops bp_activation_ops;
extern const bp_layer_ops bp_dropout_ops;
extern const bp_layer_ops bp_batchnorm_ops;
extern const bp_layer_ops bp_conv2d_ops;
extern const bp_layer_ops bp_maxpool2d_ops;
extern const bp_layer_ops bp_avgpool2d_ops;
extern const bp_layer_ops bp_global_avgpool2d_ops;
extern const bp_layer_ops bp_flatten_ops;
