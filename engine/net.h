/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network: layers built from a spec, with one arena each for parameters, gradients,
 * optimizer state and activations. Compiled once for a largest batch size; a step never
 * allocates. Not thread-safe: one thread drives a network at a time (the session's trainer). */
#pragma once

#include "engine/layer.h"
#include "engine/loss.h"
#include "engine/optim.h"
#include "engine/spec.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct bp_net bp_net;

/* One mini-batch: x is (n, input size); targets (n, output size) or labels (n). */
typedef struct bp_batch {
  const float *x;
  const float *targets;
  const int32_t *labels;
  int n;
} bp_batch;

typedef enum bp_step_status {
  BP_STEP_OK = 0,
  BP_STEP_NONFINITE_LOSS,    /* loss NaN/Inf, or gradient NaN/Inf with clipping on: the
                              * update was not applied */
  BP_STEP_NONFINITE_WEIGHTS, /* the update made a weight NaN/Inf */
} bp_step_status;

typedef struct bp_step_stats {
  double loss;      /* mean batch loss, data term only */
  double penalty;   /* L1/L2 term added to the loss */
  int correct;      /* -1 for regression */
  double grad_norm; /* before clipping */
} bp_step_stats;

/* Builds the network: checks the spec (shape inference), allocates parameter, gradient and
 * optimizer arenas, initialises weights with spec->seed. NULL + message on error. */
bp_net *bp_net_create (const bp_spec *spec, char *err, size_t errlen);
void bp_net_free (bp_net *net);

/* Sizes the activation arena for batches of up to max_batch rows. Only grows; returns -1 with
 * a message when the memory cannot be had. */
int bp_net_compile (bp_net *net, int max_batch, char *err, size_t errlen);
int bp_net_max_batch (const bp_net *net);

/* Re-initialises weights, buffers and optimizer state from seed (dropout stream too): init
 * draws from SplitMix64(seed + 2), dropout from seed + 3 (the trainer's shuffle may use
 * seed + 1, as W4 does). The spec copy's seed becomes seed. */
void bp_net_reset (bp_net *net, uint64_t seed);

/* Forward, loss, backward, penalties, clipping, optimizer step. batch->n <= max batch (a
 * larger batch is refused as BP_STEP_NONFINITE_LOSS, nothing changed). On
 * BP_STEP_NONFINITE_WEIGHTS the weights that would have become NaN/Inf keep their values and
 * the optimizer state starts over, so the weights stay finite and training may go on with a
 * smaller learning rate. Without clipping a NaN/Inf gradient ends so too (the norm is taken in
 * the update's own pass; stats->grad_norm is then NaN/Inf). */
bp_step_status bp_net_train_step (bp_net *net, const bp_batch *batch, bp_step_stats *stats);

/* Forward pass and loss without training (eval mode). Returns the summed (not mean) loss;
 * *correct gets the count of right answers (or -1). Batches larger than the compiled size
 * are evaluated in slices. */
double bp_net_eval_batch (bp_net *net, const bp_batch *batch, int *correct);

/* Eval-mode forward; returns the output (n, out) inside the activation arena, valid until
 * the next call. With probabilities, a fused softmax (cross-entropy) or sigmoid (BCE) is
 * applied so the values are what the model predicts. NULL when n exceeds the compiled size. */
const float *bp_net_predict (bp_net *net, const float *x, int n, bool probabilities);

/* The forward pass of the last call: layer i's output (n, out_size of layer i). */
const float *bp_net_layer_output (const bp_net *net, int i);

const bp_spec *bp_net_spec (const bp_net *net);
int bp_net_n_layers (const bp_net *net);
bp_layer *bp_net_layer (bp_net *net, int i);
size_t bp_net_input_size (const bp_net *net);
size_t bp_net_output_size (const bp_net *net);
size_t bp_net_param_count (const bp_net *net);

/* The flat parameter and gradient vectors (same layout; layer by layer, views in order). */
float *bp_net_params (bp_net *net);
float *bp_net_grads (bp_net *net);

/* A parameter or persistent buffer of the network under its file name "<layer>.<suffix>"
 * (PyTorch's names and shapes: safetensors files and experiment files use them). */
typedef struct bp_named_tensor {
  char name[2 * BP_NAME_MAX + 16];
  bp_param_view view;
} bp_named_tensor;

/* Every parameter, then every buffer, of each layer in layer order; *n_out gets the count.
 * The caller frees the array; NULL when out of memory. */
bp_named_tensor *bp_net_named_tensors (bp_net *net, int *n_out);

bp_optim *bp_net_optim (bp_net *net);
/* Live settings, applied from the next step. */
void bp_net_set_lr (bp_net *net, float lr);
void bp_net_set_dropout_rate (bp_net *net, float rate); /* every dropout layer */
void bp_net_set_penalties (bp_net *net, float l1, float l2); /* every penalised layer */
long bp_net_steps (const bp_net *net);
