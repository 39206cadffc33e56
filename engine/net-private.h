/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network's insides, shared by net.c (building, arenas, settings) and net-step.c (the
 * passes). Not part of the engine's public contract. */
#pragma once

#include "engine/net.h"
#include "engine/rng.h"
#include "engine/workers.h"

/* Offsets added to the seed for the network's random streams, so init and dropout never share
 * numbers (the trainer's shuffle uses seed + 1, as the W4 benchmark does). */
#define BP_NET_INIT_STREAM 2
#define BP_NET_DROPOUT_STREAM 3

/* The update pass (net-step.c) goes over the parameters in chunks of this many floats: a
 * chunk's parameters, gradients and two Adam moments, 256 KB, stay in a core's L2 cache. */
#define BP_NET_UPDATE_CHUNK 16384

/* One parameter tensor that the layer's L1/L2 penalties apply to. */
typedef struct bp_penalised {
  float *value; /* (n) */
  float *grad;  /* (n) */
  size_t n;
  int layer;
} bp_penalised;

struct bp_net {
  bp_spec *spec;    /* own copy; the live settings (lr, penalties, dropout) are kept in it */
  int n_layers;
  bp_layer *layers; /* (n_layers) */
  int *input_of;    /* (n_layers) index of the feeding layer, -1 for the network input */

  /* The training and eval passes run layers [0, n_run): all of them, or all but a final
   * softmax layer when the loss is cross-entropy (the loss applies softmax itself). */
  int n_run;
  bool fused_softmax;
  int logits_from; /* layer whose output the loss reads, -1 for the network input */
  size_t in_size, out_size;

  size_t n_params, n_buffers;
  float *params;  /* (n_params) arena, layer by layer */
  float *grads;   /* (n_params) arena, same layout */
  float *state;   /* optimizer state, sized for the hungriest kind */
  float *buffers; /* (n_buffers) arena of persistent non-trained tensors */

  int max_batch;
  float *acts;      /* activation arena: every y, then every dy, then scratch, then probs */
  float *dy_all;    /* (dy_floats) all layers' dy, contiguous */
  size_t dy_floats;
  unsigned char *clear_dy; /* (n_layers) dy must be cleared before a step: see net.c's
                            * plan_gradient_writes */
  float *probs;     /* (max_batch, out_size) what predict returns with probabilities */

  bp_penalised *penalised; /* (n_penalised) */
  int n_penalised;

  int n_chunks;          /* of the update pass: n_params / BP_NET_UPDATE_CHUNK, rounded up */
  double *chunk_sumsq;   /* (n_chunks) each chunk's sum of squared gradients */
  unsigned char *chunk_bad; /* (n_chunks) a chunk's step would have made a weight NaN/Inf */
  bp_team *team;         /* helper threads of the update pass, started when first needed */

  bp_optim optim;
  bp_rng dropout_rng;
  long steps;
};

/* The output the loss reads, for a pass whose network input was x. */
static inline const float *
bp_net_logits (const bp_net *net, const float *x)
{
  return net->logits_from < 0 ? x : net->layers[net->logits_from].y;
}
