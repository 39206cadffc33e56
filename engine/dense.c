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

/* The elementwise passes around the products go in blocks of whole rows, about
 * PASS_CHUNK_FLOATS values each, that the network's team shares: forward's bias and
 * activation, backward's f' and the bias gradient, which each block sums over its rows into a
 * slot of its own, added in block order afterwards (so the sums do not depend on the number of
 * threads). Passes smaller than PASS_MIN_FLOATS stay in one thread and sum the bias gradient
 * row after row, with no slots. (W2: 256 x 1024 values a layer, 0.2 to 0.4 ms a pass in one
 * thread, 6% of a step with both layers' passes; blocks of columns, which would need no
 * slots, ran 5x slower than rows.) */
#define PASS_CHUNK_FLOATS 16384
#define PASS_MIN_FLOATS 32768

static int
rows_per_chunk (const bp_layer *L)
{
  size_t r = PASS_CHUNK_FLOATS / L->out_size;
  return r < 1 ? 1 : (int) r;
}

/* Scratch: the pre-activation z (batch, out) when the derivative needs it, then dz
 * (batch, out) for backward unless the activation is linear (dz = dy then), then the bias
 * gradient's slots (blocks, out). */
static size_t
dense_scratch_size (const bp_layer *L, int batch)
{
  bp_act act = L->spec->u.dense.activation;
  size_t rows = (size_t) batch * L->out_size;
  size_t per = (size_t) rows_per_chunk (L), blocks = ((size_t) batch + per - 1) / per;
  bool slots = L->spec->u.dense.use_bias && rows >= PASS_MIN_FLOATS;
  return (bp_act_needs_input (act) ? rows : 0) + (act != BP_ACT_LINEAR ? rows : 0)
         + (slots ? blocks * L->out_size : 0);
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

typedef struct dense_pass {
  bp_layer *L;
  int batch;
  int per_chunk; /* rows */
  float *dz;     /* backward: where dz goes (batch, out); dy itself when f is linear */
  float *slots;  /* backward: (chunks, out) each block's bias gradient, or NULL */
} dense_pass;

/* Forward, rows [r0, r1): y = f(y + b), keeping z = y + b when f' needs it. ReLU, the common
 * case, in one pass. */
static void
forward_chunk (void *ctx, int chunk)
{
  const dense_pass *p = ctx;
  bp_layer *L = p->L;
  const bp_dense_cfg *c = &L->spec->u.dense;
  int in = (int) L->in_size, out = (int) L->out_size;
  const float *b = c->use_bias ? L->params + (size_t) out * (size_t) in : NULL; /* (out) */
  int r0 = chunk * p->per_chunk;
  int r1 = r0 + p->per_chunk < p->batch ? r0 + p->per_chunk : p->batch;
  float *y = L->y + (size_t) r0 * (size_t) out; /* (r1 - r0, out) */
  size_t n = (size_t) (r1 - r0) * (size_t) out;
  if (c->activation == BP_ACT_RELU && b)
    {
      const bp_v4f zero = bp_v4f_splat (0.0f);
      for (int r = r0; r < r1; r++, y += out)
        {
          int j = 0;
          for (; j + 4 <= out; j += 4)
            {
              /* "t < 0 ? 0 : t" lets a NaN through, as the activation does */
              bp_v4f t = bp_v4f_load (y + j) + bp_v4f_load (b + j);
              bp_v4f_store (y + j, bp_v4f_select (t < 0.0f, zero, t));
            }
          for (; j < out; j++)
            y[j] = y[j] + b[j] < 0.0f ? 0.0f : y[j] + b[j];
        }
      return;
    }
  if (b)
    for (int r = r0; r < r1; r++)
      add_row (y + (size_t) (r - r0) * (size_t) out, b, out);
  if (bp_act_needs_input (c->activation))
    memcpy (L->scratch + (size_t) r0 * (size_t) out, y, n * sizeof *y);
  bp_act_forward (c->activation, c->alpha, y, y, n);
}

/* Backward, rows [r0, r1): dz = dy f'(z), and the block's slot = the sum of its dz rows. */
static void
backward_chunk (void *ctx, int chunk)
{
  const dense_pass *p = ctx;
  bp_layer *L = p->L;
  const bp_dense_cfg *c = &L->spec->u.dense;
  int out = (int) L->out_size;
  int r0 = chunk * p->per_chunk;
  int r1 = r0 + p->per_chunk < p->batch ? r0 + p->per_chunk : p->batch;
  size_t o = (size_t) r0 * (size_t) out, n = (size_t) (r1 - r0) * (size_t) out;
  float *dz = p->dz + o;
  if (c->activation == BP_ACT_RELU)
    {
      /* derivative 0 at 0, as torch's threshold_backward */
      const float *y = L->y + o, *dy = L->dy + o;
      size_t i = 0;
      for (; i + 4 <= n; i += 4)
        bp_v4f_store (dz + i, bp_v4f_select (bp_v4f_load (y + i) > 0.0f, bp_v4f_load (dy + i),
                                             bp_v4f_splat (0.0f)));
      for (; i < n; i++)
        dz[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    }
  else if (c->activation != BP_ACT_LINEAR)
    bp_act_backward (c->activation, c->alpha,
                     bp_act_needs_input (c->activation) ? L->scratch + o : NULL, L->y + o,
                     L->dy + o, dz, n);
  if (p->slots)
    {
      float *slot = p->slots + (size_t) chunk * (size_t) out;
      memcpy (slot, dz, (size_t) out * sizeof *slot);
      for (int r = r0 + 1; r < r1; r++)
        add_row (slot, dz + (size_t) (r - r0) * (size_t) out, out);
    }
}

static void
dense_forward (bp_layer *L, int batch, bool train)
{
  int in = (int) L->in_size, out = (int) L->out_size;
  const float *W = L->params; /* (out, in) */
  float *y = L->y;            /* (batch, out) */
  int workers = bp_workers_get_threads ();

  bp_team_gemm (L->team, workers, false, true, batch, out, in, L->x, in, W, in, 0.0f, y, out);

  /* the bias and activation pass, in blocks of rows */
  int per = rows_per_chunk (L);
  dense_pass dp = { L, batch, per, NULL, NULL };
  bp_team_run (L->team, (size_t) batch * (size_t) out >= PASS_MIN_FLOATS ? workers : 1,
               (batch + per - 1) / per, forward_chunk, &dp);
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

  int workers = bp_workers_get_threads ();

  /* dz = dy f'(z) and the bias gradient, in blocks of rows: each block's sums into its slot,
   * then the slots into db in block order */
  bool has_z = bp_act_needs_input (c->activation);
  float *dzw = L->scratch + (has_z ? rows : 0);                 /* (batch, out) */
  float *slots = dzw + (c->activation != BP_ACT_LINEAR ? rows : 0); /* (chunks, out) */
  if (c->activation != BP_ACT_LINEAR)
    dz = dzw;
  int per = rows_per_chunk (L), chunks = (batch + per - 1) / per;
  bool parallel = rows >= PASS_MIN_FLOATS;
  if (c->activation != BP_ACT_LINEAR || (db && parallel))
    {
      dense_pass dp = { L, batch, per, (float *) dz, db && parallel ? slots : NULL };
      bp_team_run (L->team, parallel ? workers : 1, chunks, backward_chunk, &dp);
    }
  if (db)
    {
      if (L->grads_overwrite)
        memset (db, 0, (size_t) out * sizeof *db);
      if (parallel)
        for (int k = 0; k < chunks; k++)
          add_row (db, slots + (size_t) k * (size_t) out, out);
      else
        for (int r = 0; r < batch; r++)
          add_row (db, dz + (size_t) r * (size_t) out, out);
    }

  /* dW += dz^T x (or =: then OpenBLAS clears dW piece by piece, in the threads that fill it,
   * where the network would have cleared the whole gradient arena in one thread), and
   * dx += dz W, in one pass of the team */
  bp_gemm_args g[2] = {
    { true, false, out, in, batch, dz, out, L->x, in, L->grads_overwrite ? 0.0f : 1.0f, dW, in },
    { false, false, batch, in, out, dz, out, W, in, L->dx_overwrite ? 0.0f : 1.0f, L->dx, in },
  };
  bp_team_gemms (L->team, workers, g, L->dx ? 2 : 1);
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
