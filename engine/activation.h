/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Element-wise activation functions, shared by the activation layer and dense's fused loop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum bp_act {
  BP_ACT_LINEAR,
  BP_ACT_RELU,
  BP_ACT_LEAKY_RELU, /* slope alpha for x < 0 (default 0.01) */
  BP_ACT_ELU,        /* alpha * (exp(x) - 1) for x < 0 (default alpha 1) */
  BP_ACT_GELU,       /* exact, x * Phi(x) (erf form, as PyTorch's default) */
  BP_ACT_SILU,       /* x * sigmoid(x), also called swish */
  BP_ACT_SOFTPLUS,   /* log(1 + exp(x)), stable */
  BP_ACT_SIGMOID,
  BP_ACT_TANH,
  BP_ACT_SOFTMAX,    /* row-wise over the features; only as a layer of its own */
  BP_ACT_COUNT
} bp_act;

/* "relu", "tanh", ...; returns false for an unknown name. */
bool bp_act_from_name (const char *name, bp_act *out);
const char *bp_act_name (bp_act act);

/* y = f(x) over n values (x and y may alias), except softmax: see bp_act_softmax_rows. */
void bp_act_forward (bp_act act, float alpha, const float *x, float *y, size_t n);

/* dx = dy * f'(x) given both x (pre-activation) and y = f(x); dx may alias dy. x may be NULL
 * when !bp_act_needs_input (act). */
void bp_act_backward (bp_act act, float alpha, const float *x, const float *y,
                      const float *dy, float *dx, size_t n);

/* Does the derivative need the pre-activation x (or is y enough)? */
bool bp_act_needs_input (bp_act act);

void bp_act_softmax_rows (const float *x, float *y, int rows, int cols);
void bp_act_softmax_rows_backward (const float *y, const float *dy, float *dx, int rows,
                                   int cols);
