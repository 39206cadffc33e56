/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 2-D convolution, PyTorch's nn.Conv2d layout: x (batch, C, H, W), weight (F, C, kh, kw),
 * bias (F), y (batch, F, OH, OW) = f(conv(x, W) + b) with the activation f fused as in dense.
 *
 * im2col + GEMM, a few samples at a time. im2col lays the patches of a chunk of g samples side
 * by side in col (K, g*P), K = C*kh*kw, P = OH*OW, and z (F, g*P) = W (F, K) col is one GEMM.
 * The chunk is sized so that col stays in the L2 cache between im2col writing it and the GEMM
 * reading it: one GEMM over the whole batch (N = batch*P) packs a col of megabytes and runs at
 * a quarter of the speed on the W3 shapes, and one GEMM per sample is too small a call for
 * OpenBLAS to split over two threads. z is channel-major, (F, g, P); moving it to NCHW only
 * permutes rows of P floats, done in the pass that adds the bias and applies f.
 * Backward, per chunk: dz = dy * f' (permuted back), im2col again (cheaper than keeping a
 * batch-sized col around), dW += dz col^T, and dcol = W^T dz into col's memory, which col2im
 * scatters into dx. */
#include "engine/layer.h"

#include "engine/activation.h"
#include "engine/blas.h"
#include "engine/im2col.h"
#include "engine/init.h"
#include "engine/simd.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bp_window_geom
conv_geom (const bp_conv2d_cfg *c, bp_shape in)
{
  bp_window_geom g = {
    .c = in.dims[0], .h = in.dims[1], .w = in.dims[2],
    .kh = c->kernel_h, .kw = c->kernel_w, .sh = c->stride_h, .sw = c->stride_w,
  };
  bool same = c->padding == BP_PADDING_SAME;
  g.oh = bp_window_axis (g.h, g.kh, g.sh, same, &g.pad_top);
  g.ow = bp_window_axis (g.w, g.kw, g.sw, same, &g.pad_left);
  return g;
}

/* y[0..n) = f(z + b). keep (or NULL) receives the pre-activation z + b when f's derivative needs
 * it. ReLU and linear, the common cases, get their own four-wide loops. */
static void
bias_act_row (bp_act act, float alpha, float b, const float *restrict z, float *restrict keep,
              float *restrict y, size_t n)
{
  size_t i = 0;
  const bp_v4f vb = bp_v4f_splat (b), zero = bp_v4f_splat (0.0f);
  switch (act)
    {
    case BP_ACT_RELU:
      /* "t < 0 ? 0 : t" lets a NaN through, as the activation layer does */
      for (; i + 4 <= n; i += 4)
        {
          bp_v4f t = bp_v4f_load (z + i) + vb;
          bp_v4f_store (y + i, bp_v4f_select (t < 0.0f, zero, t));
        }
      for (; i < n; i++)
        y[i] = z[i] + b < 0.0f ? 0.0f : z[i] + b;
      break;
    case BP_ACT_LINEAR:
      for (; i + 4 <= n; i += 4)
        bp_v4f_store (y + i, bp_v4f_load (z + i) + vb);
      for (; i < n; i++)
        y[i] = z[i] + b;
      break;
    default:
      if (keep != NULL)
        {
          for (; i < n; i++)
            keep[i] = z[i] + b;
          bp_act_forward (act, alpha, keep, y, n);
        }
      else
        {
          for (; i < n; i++)
            y[i] = z[i] + b;
          bp_act_forward (act, alpha, y, y, n);
        }
    }
}

/* dz[0..n) = dy * f'(z), from z (when f needs it) and y = f(z). */
static void
act_grad_row (bp_act act, float alpha, const float *z, const float *restrict y,
              const float *restrict dy, float *restrict dz, size_t n)
{
  size_t i = 0;
  const bp_v4f zero = bp_v4f_splat (0.0f);
  switch (act)
    {
    case BP_ACT_RELU:
      /* derivative 0 at 0, as torch's threshold_backward */
      for (; i + 4 <= n; i += 4)
        bp_v4f_store (dz + i, bp_v4f_select (bp_v4f_load (y + i) > 0.0f, bp_v4f_load (dy + i),
                                             zero));
      for (; i < n; i++)
        dz[i] = y[i] > 0.0f ? dy[i] : 0.0f;
      break;
    case BP_ACT_LINEAR:
      memcpy (dz, dy, n * sizeof *dz);
      break;
    default:
      bp_act_backward (act, alpha, z, y, dy, dz, n);
    }
}

static int
conv_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
            size_t *n_buffers, char *err, size_t errlen)
{
  const bp_conv2d_cfg *c = &ls->u.conv2d;
  char s[64];
  if (in.rank != 3)
    {
      snprintf (err, errlen,
                "needs an image input (channels, height, width), but gets %s; give the network "
                "input an image shape such as [1, 28, 28]",
                bp_shape_format (in, s, sizeof s));
      return -1;
    }
  if (c->filters < 1 || c->filters > BP_MAX_UNITS)
    {
      snprintf (err, errlen, "has %d filters; a conv2d layer needs between 1 and %d",
                c->filters, BP_MAX_UNITS);
      return -1;
    }
  if (c->kernel_h < 1 || c->kernel_w < 1)
    {
      snprintf (err, errlen, "has a %dx%d kernel; both sides must be at least 1", c->kernel_h,
                c->kernel_w);
      return -1;
    }
  if (c->stride_h < 1 || c->stride_w < 1)
    {
      snprintf (err, errlen, "has stride %dx%d; a stride must be at least 1", c->stride_h,
                c->stride_w);
      return -1;
    }
  if (c->padding != BP_PADDING_VALID && c->padding != BP_PADDING_SAME)
    {
      snprintf (err, errlen, "has an unknown padding (%d)", (int) c->padding);
      return -1;
    }
  if ((int) c->activation < 0 || c->activation >= BP_ACT_COUNT)
    {
      snprintf (err, errlen, "has an unknown activation (%d)", (int) c->activation);
      return -1;
    }
  if (c->activation == BP_ACT_SOFTMAX)
    {
      snprintf (err, errlen, "cannot fuse softmax: add a separate activation layer for it");
      return -1;
    }
  if (c->in_channels != 0 && c->in_channels != in.dims[0])
    {
      snprintf (err, errlen, "expects %d input channel%s, but its input %s has %d",
                c->in_channels, c->in_channels == 1 ? "" : "s", bp_shape_format (in, s, sizeof s),
                in.dims[0]);
      return -1;
    }
  bp_window_geom g = conv_geom (c, in);
  if (g.oh == 0 || g.ow == 0)
    {
      snprintf (err, errlen,
                "has a %dx%d kernel, larger than its %dx%d input (padding 'valid'); use a "
                "smaller kernel or padding 'same'",
                c->kernel_h, c->kernel_w, g.h, g.w);
      return -1;
    }
  if ((size_t) c->filters * (size_t) g.oh * (size_t) g.ow > (size_t) INT32_MAX)
    {
      snprintf (err, errlen, "would give %d x %d x %d = too many values per sample",
                c->filters, g.oh, g.ow);
      return -1;
    }
  /* K * F + F within the parameter budget, by division so nothing overflows. */
  size_t K = (size_t) g.c * (size_t) g.kh * (size_t) g.kw;
  size_t F = (size_t) c->filters;
  if (K > (BP_MAX_PARAMS - F) / F)
    {
      snprintf (err, errlen, "would have more than %zu parameters (%d filters of %dx%dx%d)",
                BP_MAX_PARAMS, c->filters, g.c, g.kh, g.kw);
      return -1;
    }
  *out = (bp_shape) { 3, { c->filters, g.oh, g.ow } };
  *n_params = K * F + (c->use_bias ? F : 0);
  *n_buffers = 0;
  return 0;
}

/* Columns (samples x output positions) per GEMM: col (K, chunk) should stay in L2 beside the
 * GEMM's own packed panels. Measured on the W3 shapes (OpenBLAS 0.3.21, 2 threads). */
#define CONV_CHUNK_COLS 2048

/* The sizes a pass works with. */
typedef struct conv_dims {
  bp_window_geom g;
  int F, K;
  size_t P;  /* output positions per sample, OH*OW */
  int chunk; /* samples per GEMM */
} conv_dims;

static conv_dims
conv_dims_of (const bp_layer *L, int batch)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  conv_dims d = { .g = conv_geom (c, L->in), .F = c->filters };
  d.K = d.g.c * d.g.kh * d.g.kw;
  d.P = (size_t) d.g.oh * (size_t) d.g.ow;
  size_t per = CONV_CHUNK_COLS / d.P;
  d.chunk = per < 1 ? 1 : per > (size_t) batch ? batch : (int) per;
  return d;
}

/* Scratch: col (K, chunk*P) and z (F, chunk*P) for one chunk, then, when the activation's
 * derivative needs it, the pre-activation of the whole batch, (batch, F, P) like y. */
static size_t
conv_scratch_size (const bp_layer *L, int batch)
{
  conv_dims d = conv_dims_of (L, batch);
  size_t cols = (size_t) d.chunk * d.P;
  size_t keep = bp_act_needs_input (L->spec->u.conv2d.activation)
                  ? (size_t) batch * L->out_size : 0;
  return ((size_t) d.K + (size_t) d.F) * cols + keep;
}

static void
conv_init (bp_layer *L, bp_rng *rng)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  int area = c->kernel_h * c->kernel_w;
  int fan_in = L->in.dims[0] * area, fan_out = c->filters * area;
  size_t nw = (size_t) c->filters * (size_t) fan_in;
  bp_init_fill (&c->weight_init, L->params, nw, fan_in, fan_out, rng);
  if (c->use_bias)
    bp_init_fill (&c->bias_init, L->params + nw, (size_t) c->filters, fan_in, fan_out, rng);
}

static void
conv_forward (bp_layer *L, int batch, bool train)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  conv_dims d = conv_dims_of (L, batch);
  const size_t P = d.P;
  const float *W = L->params;                                             /* (F, K) */
  const float *b = c->use_bias ? W + (size_t) d.F * (size_t) d.K : NULL;  /* (F) */
  float *col = L->scratch;                                  /* (K, chunk, P) */
  float *z = col + (size_t) d.K * (size_t) d.chunk * P;     /* (F, chunk, P) */
  float *keep = bp_act_needs_input (c->activation)
                  ? z + (size_t) d.F * (size_t) d.chunk * P : NULL; /* (batch, F, P) */

  for (int n0 = 0; n0 < batch; n0 += d.chunk)
    {
      int m = batch - n0 < d.chunk ? batch - n0 : d.chunk;
      int cols = (int) ((size_t) m * P);
      for (int j = 0; j < m; j++)
        bp_im2col (&d.g, L->x + (size_t) (n0 + j) * L->in_size, col + (size_t) j * P,
                   (size_t) cols);
      bp_gemm (false, false, d.F, cols, d.K, 1.0f, W, d.K, col, cols, 0.0f, z, cols);
      /* z (F, m, P) -> y (m, F, P), adding the bias and applying f on the way */
      for (int f = 0; f < d.F; f++)
        for (int j = 0; j < m; j++)
          {
            size_t yo = (size_t) (n0 + j) * L->out_size + (size_t) f * P;
            bias_act_row (c->activation, c->alpha, b ? b[f] : 0.0f,
                          z + (size_t) f * (size_t) cols + (size_t) j * P,
                          keep ? keep + yo : NULL, L->y + yo, P);
          }
    }
}

static void
conv_backward (bp_layer *L, int batch)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  conv_dims d = conv_dims_of (L, batch);
  const size_t P = d.P;
  const float *W = L->params;                                            /* (F, K) */
  float *dW = L->grads;                                                  /* (F, K) */
  float *db = c->use_bias ? dW + (size_t) d.F * (size_t) d.K : NULL;     /* (F) */
  float *col = L->scratch;                                   /* (K, chunk, P) */
  float *dz = col + (size_t) d.K * (size_t) d.chunk * P;     /* (F, chunk, P) */
  const float *keep = bp_act_needs_input (c->activation)
                        ? dz + (size_t) d.F * (size_t) d.chunk * P : NULL; /* (batch, F, P) */

  for (int n0 = 0; n0 < batch; n0 += d.chunk)
    {
      int m = batch - n0 < d.chunk ? batch - n0 : d.chunk;
      int cols = (int) ((size_t) m * P);
      /* dy (m, F, P) through f' -> dz (F, m, P) */
      for (int f = 0; f < d.F; f++)
        for (int j = 0; j < m; j++)
          {
            size_t yo = (size_t) (n0 + j) * L->out_size + (size_t) f * P;
            act_grad_row (c->activation, c->alpha, keep ? keep + yo : NULL, L->y + yo,
                          L->dy + yo, dz + (size_t) f * (size_t) cols + (size_t) j * P, P);
          }
      for (int j = 0; j < m; j++)
        bp_im2col (&d.g, L->x + (size_t) (n0 + j) * L->in_size, col + (size_t) j * P,
                   (size_t) cols);

      /* dW += dz col^T, db += row sums of dz */
      bp_gemm (false, true, d.F, d.K, cols, 1.0f, dz, cols, col, cols, 1.0f, dW, d.K);
      if (db)
        for (int f = 0; f < d.F; f++)
          {
            const float *r = dz + (size_t) f * (size_t) cols;
            bp_v4f acc = bp_v4f_splat (0.0f);
            int i = 0;
            for (; i + 4 <= cols; i += 4)
              acc += bp_v4f_load (r + i);
            float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
            for (; i < cols; i++)
              s += r[i];
            db[f] += s;
          }

      if (L->dx)
        {
          /* dcol = W^T dz, into col (its patches are used), then dx += col2im (dcol) */
          bp_gemm (true, false, d.K, cols, d.F, 1.0f, W, d.K, dz, cols, 0.0f, col, cols);
          for (int j = 0; j < m; j++)
            bp_col2im (&d.g, col + (size_t) j * P, (size_t) cols,
                       L->dx + (size_t) (n0 + j) * L->in_size);
        }
    }
}

static int
conv_param_views (const bp_layer *L, bp_param_view *views)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  views[0] = (bp_param_view) {
    .suffix = "weight", .value = L->params, .grad = L->grads,
    .rank = 4, .dims = { c->filters, L->in.dims[0], c->kernel_h, c->kernel_w },
    .penalised = true,
  };
  if (!c->use_bias)
    return 1;
  size_t off = (size_t) c->filters * (size_t) L->in.dims[0] * (size_t) c->kernel_h
               * (size_t) c->kernel_w;
  views[1] = (bp_param_view) {
    .suffix = "bias", .value = L->params + off, .grad = L->grads + off,
    .rank = 1, .dims = { c->filters }, .penalised = false,
  };
  return 2;
}

static int
no_buffer_views (const bp_layer *L, bp_buffer_view *views)
{
  return 0;
}

const bp_layer_ops bp_conv2d_ops = {
  .kind = BP_LAYER_CONV2D,
  .infer = conv_infer,
  .scratch_size = conv_scratch_size,
  .init = conv_init,
  .forward = conv_forward,
  .backward = conv_backward,
  .param_views = conv_param_views,
  .buffer_views = no_buffer_views,
};
