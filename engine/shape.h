/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-sample tensor shapes. Tensors are float32, row-major, batch first; images are NCHW. */
#pragma once

#include <stddef.h>

#define BP_MAX_RANK 3

/* The shape of one sample (the batch dimension is not part of it):
 * rank 1 = (features), rank 3 = (channels, height, width). */
typedef struct bp_shape {
  int rank;
  int dims[BP_MAX_RANK];
} bp_shape;

static inline size_t
bp_shape_size (bp_shape s)
{
  size_t n = 1;
  for (int i = 0; i < s.rank; i++)
    n *= (size_t) s.dims[i];
  return n;
}

static inline bp_shape
bp_shape_vec (int n)
{
  bp_shape s = { 1, { n, 0, 0 } };
  return s;
}

/* Writes "(a, b, c)" into buf; returns buf. */
char *bp_shape_format (bp_shape s, char *buf, size_t len);
