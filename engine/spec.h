/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network spec: what the editor, the files, the command line and the tests all speak.
 * Parsed from JSON (docs/spec-format.md) and checked by shape inference before any memory is
 * given to a network. The model is a graph (each layer names its inputs); today every layer
 * has exactly one input, the previous one unless it says otherwise. */
#pragma once

#include "engine/activation.h"
#include "engine/init.h"
#include "engine/shape.h"
#include <stdbool.h>
#include <stddef.h>

#define BP_NAME_MAX 64
#define BP_MAX_LAYERS 256
#define BP_MAX_UNITS (1 << 20)             /* per dense layer */
#define BP_MAX_PARAMS ((size_t) 1 << 30)   /* whole network, 4 GiB of float32 */

typedef enum bp_layer_kind {
  BP_LAYER_DENSE,
  BP_LAYER_ACTIVATION,
  BP_LAYER_DROPOUT,
  BP_LAYER_BATCHNORM,
  BP_LAYER_CONV2D,
  BP_LAYER_MAXPOOL2D,
  BP_LAYER_AVGPOOL2D,
  BP_LAYER_GLOBAL_AVGPOOL2D, /* (C, H, W) -> (C) */
  BP_LAYER_FLATTEN,          /* (C, H, W) -> (C*H*W), NCHW order */
  BP_LAYER_KIND_COUNT
} bp_layer_kind;

typedef struct bp_dense_cfg {
  int units;
  int in_units;      /* inputs this layer expects (flattened); 0 = whatever it is fed */
  bool use_bias;
  bp_act activation; /* fused into the layer; BP_ACT_LINEAR for none */
  float alpha;       /* leaky ReLU slope / ELU alpha */
  bp_init weight_init, bias_init;
} bp_dense_cfg;

typedef struct bp_activation_cfg {
  bp_act fn;
  float alpha;
} bp_activation_cfg;

typedef struct bp_dropout_cfg {
  float rate; /* probability of dropping, [0, 1) */
} bp_dropout_cfg;

typedef struct bp_batchnorm_cfg {
  float momentum; /* PyTorch's: running = (1 - m) * running + m * batch; default 0.1 */
  float eps;      /* default 1e-5 */
} bp_batchnorm_cfg;

typedef enum bp_padding {
  BP_PADDING_VALID, /* no padding: out = (in - k) / stride + 1 */
  BP_PADDING_SAME,  /* Keras's rule: out = ceil(in / stride), zeros split evenly, the odd one
                     * after; stride 1 and odd k is PyTorch's padding = k / 2 */
} bp_padding;

/* PyTorch's nn.Conv2d layout: weight (filters, in_channels, kernel_h, kernel_w), bias
 * (filters). */
typedef struct bp_conv2d_cfg {
  int filters;
  int in_channels; /* channels this layer expects; 0 = whatever it is fed */
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  bp_padding padding;
  bool use_bias;
  bp_act activation; /* fused into the layer as in dense; BP_ACT_LINEAR for none */
  float alpha;
  bp_init weight_init, bias_init;
} bp_conv2d_cfg;

/* Max and average pooling, no padding (PyTorch's defaults, floor mode). */
typedef struct bp_pool_cfg {
  int size_h, size_w;
  int stride_h, stride_w; /* the reader sets them to the pool size when absent */
} bp_pool_cfg;

typedef struct bp_layer_spec {
  bp_layer_kind kind;
  char name[BP_NAME_MAX];
  char input[BP_NAME_MAX]; /* name of the layer feeding this one; "" = the previous layer */
  float l1, l2;            /* Keras penalties on this layer's weights (not biases) */
  union {
    bp_dense_cfg dense;
    bp_activation_cfg activation;
    bp_dropout_cfg dropout;
    bp_batchnorm_cfg batchnorm;
    bp_conv2d_cfg conv2d;
    bp_pool_cfg pool; /* maxpool2d, avgpool2d */
  } u;
} bp_layer_spec;

typedef enum bp_loss_kind {
  BP_LOSS_MSE,           /* mean over batch and outputs of (y - t)^2 */
  BP_LOSS_BCE_LOGITS,    /* binary cross-entropy on logits, targets in [0, 1] */
  BP_LOSS_CROSS_ENTROPY, /* softmax fused with cross-entropy, integer labels */
  BP_LOSS_HUBER,         /* delta (default 1), mean over batch and outputs */
  BP_LOSS_KIND_COUNT
} bp_loss_kind;

typedef enum bp_optim_kind {
  BP_OPTIM_SGD, /* momentum, dampening, nesterov, weight_decay */
  BP_OPTIM_RMSPROP,
  BP_OPTIM_ADAGRAD,
  BP_OPTIM_ADAM,
  BP_OPTIM_ADAMW,
  BP_OPTIM_KIND_COUNT
} bp_optim_kind;

/* Hyperparameters with torch.optim's names and defaults. */
typedef struct bp_optim_cfg {
  bp_optim_kind kind;
  float lr;
  float momentum;     /* SGD, RMSprop */
  float dampening;    /* SGD */
  bool nesterov;      /* SGD */
  float beta1, beta2; /* Adam, AdamW */
  float alpha;        /* RMSprop smoothing (default 0.99) */
  float eps;          /* Adam 1e-8, RMSprop 1e-8, Adagrad 1e-10 */
  float weight_decay; /* L2 added to the gradient, or decoupled for AdamW (default 0.01) */
  float lr_decay;     /* Adagrad */
  float initial_accumulator; /* Adagrad */
  bool centered;      /* RMSprop */
  bool amsgrad;       /* Adam, AdamW */
  float clip_norm;    /* clip the global gradient norm to this; 0 = off */
} bp_optim_cfg;

typedef struct bp_spec {
  bp_shape input;
  int n_layers;
  bp_layer_spec *layers;
  bp_loss_kind loss;
  float huber_delta;
  bp_optim_cfg optim;
  int batch_size; /* default 32 */
  int epochs;     /* default 10 */
  unsigned long long seed;
  char *meta; /* JSON text of the top-level "meta" object kept for tools, or NULL; owned */
} bp_spec;

/* What shape inference learned about one layer. */
typedef struct bp_layer_info {
  bp_shape in, out;
  size_t n_params;
  int input_index; /* index of the feeding layer, -1 for the network input */
} bp_layer_info;

/* Parses a JSON spec. Returns NULL and writes a message in words into err on failure
 * (unknown layer kind, missing or mistyped field, bad value, shape mismatch, cycle ...). */
bp_spec *bp_spec_parse (const char *json, size_t len, char *err, size_t errlen);
bp_spec *bp_spec_parse_file (const char *path, char *err, size_t errlen);

/* JSON text of the spec (caller frees); parse(to_json(s)) gives s back. */
char *bp_spec_to_json (const bp_spec *spec);

bp_spec *bp_spec_copy (const bp_spec *spec);
void bp_spec_free (bp_spec *spec);

/* Fills the spec's defaults for a fresh layer of that kind. */
void bp_layer_spec_defaults (bp_layer_spec *ls, bp_layer_kind kind);
void bp_optim_cfg_defaults (bp_optim_cfg *cfg, bp_optim_kind kind);

/* Shape inference over the whole spec. info has spec->n_layers entries (may be NULL).
 * Returns 0, or -1 with the first bad layer named in err, e.g.
 * "layer 3 'dense_2' expects 128 inputs, but 'dense_1' gives 64". */
int bp_spec_infer (const bp_spec *spec, bp_layer_info *info, char *err, size_t errlen);

size_t bp_spec_param_count (const bp_spec *spec); /* 0 if inference fails */

const char *bp_layer_kind_name (bp_layer_kind kind);
bool bp_layer_kind_from_name (const char *name, bp_layer_kind *out);
const char *bp_loss_name (bp_loss_kind kind);
bool bp_loss_from_name (const char *name, bp_loss_kind *out);
const char *bp_optim_name (bp_optim_kind kind);
bool bp_optim_from_name (const char *name, bp_optim_kind *out);
