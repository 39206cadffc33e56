/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the builder says about each kind of block: its title, icon and one line for the
 * palette, what it computes with its formula for the inspector, and a table of its settings
 * with their allowed ranges (the ranges of docs/spec-format.md) and how to read and write
 * them in a bp_layer_spec. Plain C, so the tests check the table against the engine. */
#pragma once

#include "engine/spec.h"
#include <stdbool.h>

/* The palette's entries: every layer kind, and the input (BP_BLOCK_INPUT). */
#define BP_BLOCK_INPUT BP_LAYER_KIND_COUNT
#define BP_BLOCK_COUNT (BP_LAYER_KIND_COUNT + 1)

typedef struct bp_block_kind_info {
  const char *title;     /* "Dense" */
  const char *icon_name; /* a symbolic icon of the program's resources */
  const char *summary;   /* one line for the palette */
  const char *explain;   /* what it computes, a few sentences */
  const char *formula;   /* the formula in plain Unicode */
  const char *params;    /* how its parameters are counted, or NULL */
  int hue;               /* colour family: 0 input, 1 dense, 2 activation, 3 regularise,
                            4 convolution, 5 pooling, 6 reshape */
} bp_block_kind_info;

/* kind is a bp_layer_kind or BP_BLOCK_INPUT; NULL beyond. */
const bp_block_kind_info *bp_block_kind_info_get (int kind);
/* The formula of an activation function ("max(0, x)"). */
const char *bp_act_formula (bp_act act);
/* A title for an activation ("Leaky ReLU"). */
const char *bp_act_title (bp_act act);

typedef enum bp_setting {
  BP_SET_UNITS,
  BP_SET_FILTERS,
  BP_SET_KERNEL_H,
  BP_SET_KERNEL_W,
  BP_SET_STRIDE_H,
  BP_SET_STRIDE_W,
  BP_SET_PADDING,
  BP_SET_POOL_H,
  BP_SET_POOL_W,
  BP_SET_ACTIVATION, /* fused into dense and conv2d */
  BP_SET_FUNCTION,   /* the activation layer's */
  BP_SET_ALPHA,
  BP_SET_USE_BIAS,
  BP_SET_WEIGHT_INIT,
  BP_SET_WEIGHT_A,
  BP_SET_WEIGHT_B,
  BP_SET_BIAS_INIT,
  BP_SET_BIAS_A,
  BP_SET_BIAS_B,
  BP_SET_L1,
  BP_SET_L2,
  BP_SET_RATE,
  BP_SET_MOMENTUM,
  BP_SET_EPS,
  BP_SET_IN_UNITS,
  BP_SET_IN_CHANNELS,
  BP_SET_COUNT
} bp_setting;

typedef enum bp_setting_type {
  BP_SETTING_INT,
  BP_SETTING_FLOAT,
  BP_SETTING_BOOL,
  BP_SETTING_CHOICE, /* an enum: activation, initializer or padding */
} bp_setting_type;

typedef struct bp_setting_info {
  bp_setting id;
  const char *key;   /* the spec's field ("units", "kernel_size[0]" for kernel_h) */
  const char *title; /* "Units" */
  const char *range; /* the allowed values in words: "1 to 1,048,576" */
  bp_setting_type type;
  double min, max;   /* what an entry widget allows (open bounds are nudged inside) */
  double step;
  int digits;        /* decimals shown */
} bp_setting_info;

/* The settings of a layer kind, in the inspector's order. */
const bp_setting *bp_kind_settings (bp_layer_kind kind, int *n);
const bp_setting_info *bp_setting_info_get (bp_setting s);

/* Is the setting in use for this layer as it is (alpha only for leaky ReLU and ELU, an
 * initializer's a and b only for constant and uniform)? */
bool bp_setting_applies (const bp_layer_spec *ls, bp_setting s);

double bp_setting_get (const bp_layer_spec *ls, bp_setting s);
/* Sets the value (clamped to the setting's range, rounded for whole numbers). Choosing an
 * activation or initializer also sets alpha / a / b to that choice's defaults. */
void bp_setting_set (bp_layer_spec *ls, bp_setting s, double value);

/* The choices of a CHOICE setting for this layer kind: values and titles; returns how many
 * (at most max). */
int bp_setting_choices (bp_layer_kind kind, bp_setting s, int *values, const char **titles,
                        int max);

/* Layer kinds in palette order, the input first (BP_BLOCK_COUNT entries). */
const int *bp_block_palette_order (void);
