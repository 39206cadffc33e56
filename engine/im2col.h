/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The geometry of a 2-D sliding window (convolution or pooling) over one NCHW sample, and the
 * im2col / col2im pair that turns a convolution into one matrix product. Engine-internal. */
#pragma once

#include <stddef.h>

typedef struct bp_window_geom {
  int c, h, w;      /* input (channels, height, width) */
  int kh, kw;       /* window */
  int sh, sw;       /* strides */
  int pad_top, pad_left; /* zeros before the first row/column; the bottom/right padding is
                          * whatever the output size needs */
  int oh, ow;       /* output height, width */
} bp_window_geom;

/* Output size and padding for one axis of length n, window k, stride s. valid: no padding,
 * out = (n - k) / s + 1 (the last positions that do not fit are dropped, as PyTorch's floor).
 * same (the Keras/TensorFlow rule): out = ceil(n / s), pad_total = max((out - 1) s + k - n, 0),
 * pad_before = pad_total / 2, the odd one goes after. For stride 1 and an odd kernel that is
 * PyTorch's padding = k / 2 on both sides. Returns out, or 0 when the window does not fit. */
int bp_window_axis (int n, int k, int s, int same, int *pad_before);

/* col (c*kh*kw, oh*ow), row stride ldcol: row (ci, ki, kj), column (oy, ox) holds
 * x[ci, oy*sh - pad_top + ki, ox*sw - pad_left + kj], or 0 in the padding.
 * x is one sample (c, h, w). Rows are strided so a batch can sit side by side: sample n's
 * columns start at col + n * oh*ow with ldcol = batch * oh*ow. */
void bp_im2col (const bp_window_geom *g, const float *x, float *col, size_t ldcol);

/* The adjoint of bp_im2col: x += col2im(col); every column entry adds to the input value it
 * was copied from (padding entries are dropped). col is workspace: the entries that fall on
 * the padding may be set to zero on the way. */
void bp_col2im (const bp_window_geom *g, float *col, size_t ldcol, float *x);
