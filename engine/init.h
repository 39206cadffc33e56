/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Weight initializers (Keras names and formulas). fan_in/fan_out as PyTorch computes them:
 * dense (out, in): fan_in = in, fan_out = out; conv (out, in, kh, kw): fan_in = in*kh*kw. */
#pragma once

#include "engine/rng.h"
#include <stdbool.h>
#include <stddef.h>

typedef enum bp_init_kind {
  BP_INIT_DEFAULT,        /* PyTorch's Linear/Conv default: U(+-1/sqrt(fan_in)) */
  BP_INIT_GLOROT_UNIFORM, /* U(+-sqrt(6/(fan_in+fan_out))) */
  BP_INIT_GLOROT_NORMAL,  /* N(0, 2/(fan_in+fan_out)) */
  BP_INIT_HE_UNIFORM,     /* U(+-sqrt(6/fan_in)) */
  BP_INIT_HE_NORMAL,      /* N(0, 2/fan_in) */
  BP_INIT_LECUN_UNIFORM,  /* U(+-sqrt(3/fan_in)) */
  BP_INIT_LECUN_NORMAL,   /* N(0, 1/fan_in) */
  BP_INIT_ZEROS,
  BP_INIT_CONSTANT,       /* a */
  BP_INIT_UNIFORM,        /* U(a, b) */
  BP_INIT_COUNT
} bp_init_kind;

typedef struct bp_init {
  bp_init_kind kind;
  float a, b;
} bp_init;

bool bp_init_from_name (const char *name, bp_init_kind *out);
const char *bp_init_name (bp_init_kind kind);

/* Fills w[0..n) according to init. Normal variants are not truncated. */
void bp_init_fill (const bp_init *init, float *w, size_t n, int fan_in, int fan_out,
                   bp_rng *rng);
