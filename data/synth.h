/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic 2-D datasets: the TensorFlow Playground definitions (circle, xor, gauss, spiral,
 * reg-plane, reg-gauss) plus moons, k gaussian blobs and a k-arm spiral. Every random number
 * comes from one SplitMix64 stream seeded with the seed, so the same parameters give the same
 * points. Features are "x1", "x2"; classes are "0", "1", ...: the Playground's label +1 is class
 * 1 and -1 is class 0; regression targets lie in [-1, 1]. */
#pragma once

#include "data/dataset.h"

typedef enum bp_synth_kind {
  BP_SYNTH_CIRCLE,
  BP_SYNTH_XOR,
  BP_SYNTH_GAUSS,
  BP_SYNTH_SPIRAL,
  BP_SYNTH_REG_PLANE,
  BP_SYNTH_REG_GAUSS,
  BP_SYNTH_MOONS,
  BP_SYNTH_BLOBS,
  BP_SYNTH_SPIRALS, /* k arms, one class each */
  BP_SYNTH_N_KINDS
} bp_synth_kind;

typedef struct bp_synth_params {
  bp_synth_kind kind;
  size_t n;      /* points (classes get n / k each; the remainder goes to the first classes) */
  double noise;  /* 0 to 0.5, the Playground's 0-50 % */
  uint64_t seed;
  int k;         /* classes for blobs and spirals (2 to 16); ignored by the others */
} bp_synth_params;

#define BP_SYNTH_MAX_POINTS 1000000
#define BP_SYNTH_MAX_CLASSES 16

/* Returns NULL with a message when a parameter is out of range. */
bp_dataset *bp_synth_generate (const bp_synth_params *p, char *err, size_t errlen);

/* "circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "moons", "blobs", "spirals". */
const char *bp_synth_kind_name (bp_synth_kind kind);
/* The kind with that name, or -1. */
int bp_synth_kind_from_name (const char *name);

/* The Playground's two spirals exactly as the W4 benchmark defines them (WORKLOADS.md): for arm
 * s in {0: dt = 0, class 1; 1: dt = pi, class 0}, i < n/2: r = i/(n/2)*5,
 * t = 1.75*i/(n/2)*2*pi + dt, x1 = r sin t + (2u-1)*noise, x2 = r cos t + (2u-1)*noise, with u
 * from SplitMix64(seed), x1's u before x2's; computed in double, stored as float. noise is in
 * coordinate units (0.1 for W4). Rows come in that order (arm 0 first). */
bp_dataset *bp_synth_two_spirals (size_t n, double noise, uint64_t seed, char *err,
                                  size_t errlen);
