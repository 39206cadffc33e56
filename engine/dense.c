/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dense (fully connected) layer, PyTorch's nn.Linear layout: weight (out, in), bias (out),
 * y = f(x W^T + b) with the activation f fused into the bias loop. A rank-3 input is read as
 * its flattened (C*H*W) features, in NCHW order. */
#include "engine/layer.h"

#include "engine/activation.h"
#include "engine/blas.h"
#include "engine/init.h"
#include "engine/simd.h"
#include "engine/workers.h"
#include <stdio.h>
#include <string.h>

/* y[0..n) += b[0..n): the bias in forward, the column sums of dz in backward. */
static inline void
add_row (float *restrict y, const float *restrict b, int n)
{
  int j = 0;
  for (; j + 4 <= n; j += 4)
    bp_v4f_store (y + j, bp_v4f_load (y + j) + bp_v4f_load (b + j));
  for (; j < n; j++)
    y[j] += b[j];
}

static int
dense_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
             size_t *n_buffers, char *err, size_t errlen)
{
  const bp_dense_cfg *c = &ls->u.dense;
  if (c->units < 1 || c->units > BP_MAX_UNITS)
    {
      snprintf (err, errlen, "has %d units; a dense layer needs between 1 and %d", c->units,
                BP_MAX_UNITS);
      return -1;
    }
  if ((int) c->activation < 0 || c->activation >= BP_ACT_COUNT)
    {
      snprintf (err, errlen, "has an unknown activation (%d)", (int) c->activation);
      return -1;
    }
  if (c->activation == BP_ACT_SOFTMAX)
    {
      snprintf (err, errlen,
                "cannot fuse softmax: add a separate activation layer for it, or leave the "
                "output linear when the loss is cross-entropy (it applies softmax itself)");
      return -1;
    }
  size_t n_in = bp_shape_size (in);
  if (in.rank < 1 || n_in == 0)
    {
      snprintf (err, errlen, "has no inputs");
      return -1;
    }
  /* n_in * units + units must fit the parameter budget; checked by division so the
   * product itself cannot overflow. */
  if (n_in > (BP_MAX_PARAMS - (size_t) c->units) / (size_t) c->units)
    {
      snprintf (err, errlen, "would have more than %zu parameters (%zu inputs x %d units)",
                BP_MAX_PARAMS, n_in, c->units);
      return -1;
    }
  *out = bp_shape_vec (c->units);
  *n_params = n_in * (size_t) c->units + (c->use_bias ? (size_t) c->units : 0);
  *n_buffers = 0;
  return 0;
}

/* Scratch: the pre-activation z (batch, out) when the derivative needs it, then dz
 * (batch, out) for backward unless the activation is linear (dz = dy then). */
static size_t
dense_scratch_size (const bp_layer *L, int batch)
{
  bp_act act = L->spec->u.dense.activation;
  size_t rows = (size_t) batch * L->out_size;
  return (bp_act_needs_input (act) ? rows : 0) + (act != BP_ACT_LINEAR ? rows : 0);
}

static void
dense_init (bp_layer *L, bp_rng *rng)
{
  const bp_dense_cfg *c = &L->spec->u.dense;
  int in = (int) L->in_size, out = (int) L->out_size;
  bp_init_fill (&c->weight_init, L->params, (size_t) out * (size_t) in, in, out, rng);
  if (c->use_bias)
    bp_init_fill (&c->bias_init, L->params + (size_t) out * (size_t) in, (size_t) out, in,
                  out, rng);
}

static void
dense_forward (bp_layer *L, int batch, bool train)
{
  const bp_dense_cfg *c = &L->spec->u.dense;
  int in = (int) L->in_size, out = (int) L->out_size;
  const float *W = L->params;                                          /* (out, in) */
  const float *b = c->use_bias ? L->params + (size_t) out * (size_t) in : NULL; /* (out) */
  float *y = L->y;                                                     /* (batch, out) */
  bool keep_z = bp_act_needs_input (c->activation);
  float *z = L->scratch;                                               /* (batch, out) */

  bp_team_gemm (L->team, bp_workers_get_threads (), false, true, batch, out, in, L->x, in, W,
                in, 0.0f, y, out);

  /* Add the bias and keep z if backward needs it, then apply f, over blocks of rows small
   * enough to stay in L1 (8 KiB) but long enough that the activation's vector loop runs
   * many iterations per call (its latency then overlaps; one call per row of a narrow layer
   * would cost more than the arithmetic). */
  int rows_per_block = out >= 2048 ? 1 : 2048 / out;
  for (int r0 = 0; r0 < batch; r0 += rows_per_block)
    {
      int nr = batch - r0 < rows_per_block ? batch - r0 : rows_per_block;
      float *yb = y + (size_t) r0 * (size_t) out;
      if (b)
        for (int r = 0; r < nr; r++)
          add_row (yb + (size_t) r * (size_t) out, b, out);
      if (keep_z)
        memcpy (z + (size_t) r0 * (size_t) out, yb, (size_t) nr * (size_t) out * sizeof *z);
      bp_act_forward (c->activation, c->alpha, yb, yb, (size_t) nr * (size_t) out);
    }
}

static void
dense_backward (bp_layer *L, int batch)
{
  const bp_dense_cfg *c = &L->spec->u.dense;
  int in = (int) L->in_size, out = (int) L->out_size;
  size_t rows = (size_t) batch * (size_t) out;
  const float *W = L->params;                                   /* (out, in) */
  float *dW = L->grads;                                         /* (out, in) */
  float *db = c->use_bias ? L->grads + (size_t) out * (size_t) in : NULL; /* (out) */
  const float *dz = L->dy;                                      /* (batch, out) */

  if (c->activation != BP_ACT_LINEAR)
    {
      bool has_z = bp_act_needs_input (c->activation);
      const float *z = has_z ? L->scratch : NULL;
      float *dzw = L->scratch + (has_z ? rows : 0);
      bp_act_backward (c->activation, c->alpha, z, L->y, L->dy, dzw, rows);
      dz = dzw;
    }

  /* dW += dz^T x (or =: then OpenBLAS clears dW piece by piece, in the threads that fill it,
   * where the network would have cleared the whole gradient arena in one thread) */
  int workers = bp_workers_get_threads ();
  float beta_w = L->grads_overwrite ? 0.0f : 1.0f;
  bp_team_gemm (L->team, workers, true, false, out, in, batch, dz, out, L->x, in, beta_w, dW,
                in);
  /* db += column sums of dz */
  if (db)
    {
      if (L->grads_overwrite)
        memset (db, 0, (size_t) out * sizeof *db);
      for (int r = 0; r < batch; r++)
        add_row (db, dz + (size_t) r * (size_t) out, out);
    }
  /* dx += dz W */
  if (L->dx)
    bp_team_gemm (L->team, workers, false, false, batch, in, out, dz, out, W, in,
                  L->dx_overwrite ? 0.0f : 1.0f, L->dx, in);
}

static int
dense_param_views (const bp_layer *L, bp_param_view *views)
{
  int in = (int) L->in_size, out = (int) L->out_size;
  views[0] = (bp_param_view) {
    .suffix = "weight", .value = L->params, .grad = L->grads,
    .rank = 2, .dims = { out, in }, .penalised = true,
  };
  if (!L->spec->u.dense.use_bias)
    return 1;
  size_t off = (size_t) out * (size_t) in;
  views[1] = (bp_param_view) {
    .suffix = "bias", .value = L->params + off, .grad = L->grads + off,
    .rank = 1, .dims = { out }, .penalised = false,
  };
  return 2;
}

static int
dense_buffer_views (const bp_layer *L, bp_buffer_view *views)
{
  return 0;
}

const bp_layer_ops bp_dense_ops = {
  .kind = BP_LAYER_DENSE,
  .infer = dense_infer,
  .scratch_size = dense_scratch_size,
  .init = dense_init,
  .forward = dense_forward,
  .backward = dense_backward,
  .param_views = dense_param_views,
  .buffer_views = dense_buffer_views,
  .can_overwrite = true,
};
