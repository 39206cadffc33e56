/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pooling over NCHW images: max and average over a window without padding (PyTorch's
 * MaxPool2d / AvgPool2d defaults, floor mode), and global average pooling (C, H, W) -> (C).
 * Max pooling keeps, in its scratch, where each maximum came from, so backward routes the
 * gradient there without searching again. */
#include "engine/layer.h"

#include "engine/im2col.h"
#include "engine/simd.h"
#include "engine/workers.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Below this many input values per pass, one thread: starting threads would cost more. */
#define MIN_PARALLEL_FLOATS 2e5

static bp_window_geom
pool_geom (const bp_pool_cfg *p, bp_shape in)
{
  bp_window_geom g = {
    .c = in.dims[0], .h = in.dims[1], .w = in.dims[2],
    .kh = p->size_h, .kw = p->size_w, .sh = p->stride_h, .sw = p->stride_w,
  };
  g.oh = bp_window_axis (g.h, g.kh, g.sh, 0, &g.pad_top);
  g.ow = bp_window_axis (g.w, g.kw, g.sw, 0, &g.pad_left);
  return g;
}

static int
need_image (bp_shape in, char *err, size_t errlen)
{
  if (in.rank == 3 && in.dims[0] > 0 && in.dims[1] > 0 && in.dims[2] > 0)
    return 0;
  char s[64];
  snprintf (err, errlen,
            "needs an image input (channels, height, width), but gets %s",
            bp_shape_format (in, s, sizeof s));
  return -1;
}

static int
pool_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
            size_t *n_buffers, char *err, size_t errlen)
{
  const bp_pool_cfg *p = &ls->u.pool;
  if (need_image (in, err, errlen) < 0)
    return -1;
  if (p->size_h < 1 || p->size_w < 1)
    {
      snprintf (err, errlen, "has a %dx%d pool; both sides must be at least 1", p->size_h,
                p->size_w);
      return -1;
    }
  if (p->stride_h < 1 || p->stride_w < 1)
    {
      snprintf (err, errlen, "has stride %dx%d; a stride must be at least 1", p->stride_h,
                p->stride_w);
      return -1;
    }
  bp_window_geom g = pool_geom (p, in);
  if (g.oh == 0 || g.ow == 0)
    {
      snprintf (err, errlen, "has a %dx%d pool, larger than its %dx%d input", p->size_h,
                p->size_w, g.h, g.w);
      return -1;
    }
  *out = (bp_shape) { 3, { g.c, g.oh, g.ow } };
  *n_params = 0;
  *n_buffers = 0;
  return 0;
}

/* ---- max ---- */

/* Scratch: one int32 per output value, the index in the sample's (C, H, W) input of the
 * value that won. */
static size_t
maxpool_scratch_size (const bp_layer *L, int batch)
{
  return (size_t) batch * L->out_size;
}

/* One (H, W) plane, any window: the first largest value wins, a NaN always wins (PyTorch's
 * rule). Written without branches on the data: with random activations a branch per
 * comparison would be mispredicted half the time. */
static void
maxpool_plane (const bp_window_geom *g, const float *xp, float *yp, int32_t *ap, int32_t base)
{
  for (int oy = 0; oy < g->oh; oy++)
    for (int ox = 0; ox < g->ow; ox++)
      {
        int first = oy * g->sh * g->w + ox * g->sw;
        int best_i = first;
        float best = xp[first];
        for (int ki = 0; ki < g->kh; ki++)
          for (int kj = 0; kj < g->kw; kj++)
            {
              int i = first + ki * g->w + kj;
              float v = xp[i];
              int take = (v > best) | (v != v);
              best = take ? v : best;
              best_i = take ? i : best_i;
            }
        yp[oy * g->ow + ox] = best;
        ap[oy * g->ow + ox] = base + best_i;
      }
}

/* Lane by lane: where c beats best (or is NaN), take it and its index. */
static inline void
take_if_larger (bp_v4f c, bp_v4i ci, bp_v4f *best, bp_v4i *best_i)
{
  bp_v4i take = (c > *best) | (c != c);
  *best = bp_v4f_select (take, c, *best);
  *best_i = (take & ci) | (~take & *best_i);
}

/* The usual 2x2 window at stride 2, four outputs at a time (rows of at least 4 outputs): the
 * even and odd columns of the two input rows are pulled apart with shuffles and compared lane
 * by lane, in the same order as maxpool_plane (row 0 even, row 0 odd, row 1 even, row 1 odd).
 * A row's last group of four is aligned to its end and may overlap the one before, which it
 * then recomputes to the same values: no partial loads, no scalar tail. */
static void
maxpool_plane_2x2 (const bp_window_geom *g, const float *xp, float *yp, int32_t *ap,
                   int32_t base)
{
  const bp_v4i even = { 0, 2, 4, 6 }, odd = { 1, 3, 5, 7 }, step = { 0, 2, 4, 6 };
  const int w = g->w, ow = g->ow;
  for (int oy = 0; oy < g->oh; oy++)
    {
      const float *r0 = xp + 2 * oy * w, *r1 = r0 + w;
      float *y = yp + oy * ow;
      int32_t *a = ap + oy * ow;
      for (int ox0 = 0; ox0 < ow; ox0 += 4)
        {
          int ox = ox0 + 4 <= ow ? ox0 : ow - 4;
          bp_v4f p0 = bp_v4f_load (r0 + 2 * ox), p1 = bp_v4f_load (r0 + 2 * ox + 4);
          bp_v4f q0 = bp_v4f_load (r1 + 2 * ox), q1 = bp_v4f_load (r1 + 2 * ox + 4);
          bp_v4i i0 = base + 2 * oy * w + 2 * ox + step;
          bp_v4f best = __builtin_shuffle (p0, p1, even);
          bp_v4i best_i = i0;
          take_if_larger (__builtin_shuffle (p0, p1, odd), i0 + 1, &best, &best_i);
          take_if_larger (__builtin_shuffle (q0, q1, even), i0 + w, &best, &best_i);
          take_if_larger (__builtin_shuffle (q0, q1, odd), i0 + w + 1, &best, &best_i);
          bp_v4f_store (y + ox, best);
          memcpy (a + ox, &best_i, sizeof best_i);
        }
    }
}

static void
maxpool_forward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  bp_window_geom g = pool_geom (&L->spec->u.pool, L->in);
  const size_t hw = (size_t) g.h * (size_t) g.w, ohw = (size_t) g.oh * (size_t) g.ow;
  const bool two = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ow >= 4;
  int32_t *arg = (int32_t *) L->scratch; /* (batch, C, OH, OW) */
  for (int n = begin; n < end; n++)
    for (int ch = 0; ch < g.c; ch++)
      {
        const float *xp = L->x + (size_t) n * L->in_size + (size_t) ch * hw; /* (H, W) */
        size_t o = (size_t) n * L->out_size + (size_t) ch * ohw;
        int32_t base = (int32_t) ((size_t) ch * hw);
        if (two)
          maxpool_plane_2x2 (&g, xp, L->y + o, arg + o, base);
        else
          maxpool_plane (&g, xp, L->y + o, arg + o, base);
      }
}

static void
maxpool_forward (bp_layer *L, int batch, bool train)
{
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  maxpool_forward_samples, L);
}

static void
maxpool_backward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  const int32_t *arg = (const int32_t *) L->scratch; /* (batch, C, OH, OW) */
  for (int n = begin; n < end; n++)
    {
      float *dxs = L->dx + (size_t) n * L->in_size;
      const float *dys = L->dy + (size_t) n * L->out_size;
      const int32_t *as = arg + (size_t) n * L->out_size;
      for (size_t o = 0; o < L->out_size; o++)
        dxs[as[o]] += dys[o];
    }
}

static void
maxpool_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  maxpool_backward_samples, L);
}

/* ---- average ---- */

static size_t
no_scratch (const bp_layer *L, int batch)
{
  return 0;
}

static void
avgpool_forward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  bp_window_geom g = pool_geom (&L->spec->u.pool, L->in);
  const size_t hw = (size_t) g.h * (size_t) g.w;
  const float scale = 1.0f / (float) (g.kh * g.kw);
  for (int n = begin; n < end; n++)
    for (int ch = 0; ch < g.c; ch++)
      {
        const float *xp = L->x + (size_t) n * L->in_size + (size_t) ch * hw; /* (H, W) */
        size_t o = (size_t) n * L->out_size + (size_t) ch * (size_t) g.oh * (size_t) g.ow;
        for (int oy = 0; oy < g.oh; oy++)
          for (int ox = 0; ox < g.ow; ox++, o++)
            {
              const float *w0 = xp + (size_t) (oy * g.sh) * (size_t) g.w + (size_t) (ox * g.sw);
              float s = 0.0f;
              for (int ki = 0; ki < g.kh; ki++)
                for (int kj = 0; kj < g.kw; kj++)
                  s += w0[(size_t) ki * (size_t) g.w + (size_t) kj];
              L->y[o] = s * scale;
            }
      }
}

static void
avgpool_forward (bp_layer *L, int batch, bool train)
{
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  avgpool_forward_samples, L);
}

static void
avgpool_backward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  bp_window_geom g = pool_geom (&L->spec->u.pool, L->in);
  const size_t hw = (size_t) g.h * (size_t) g.w;
  const float scale = 1.0f / (float) (g.kh * g.kw);
  for (int n = begin; n < end; n++)
    for (int ch = 0; ch < g.c; ch++)
      {
        float *dxp = L->dx + (size_t) n * L->in_size + (size_t) ch * hw; /* (H, W) */
        size_t o = (size_t) n * L->out_size + (size_t) ch * (size_t) g.oh * (size_t) g.ow;
        for (int oy = 0; oy < g.oh; oy++)
          for (int ox = 0; ox < g.ow; ox++, o++)
            {
              float *w0 = dxp + (size_t) (oy * g.sh) * (size_t) g.w + (size_t) (ox * g.sw);
              float d = L->dy[o] * scale;
              for (int ki = 0; ki < g.kh; ki++)
                for (int kj = 0; kj < g.kw; kj++)
                  w0[(size_t) ki * (size_t) g.w + (size_t) kj] += d;
            }
      }
}

static void
avgpool_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  avgpool_backward_samples, L);
}

/* ---- global average: (C, H, W) -> (C) ---- */

static int
gap_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
           size_t *n_buffers, char *err, size_t errlen)
{
  if (need_image (in, err, errlen) < 0)
    return -1;
  *out = bp_shape_vec (in.dims[0]);
  *n_params = 0;
  *n_buffers = 0;
  return 0;
}

static void
gap_forward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  const int C = L->in.dims[0];
  const size_t hw = (size_t) L->in.dims[1] * (size_t) L->in.dims[2];
  const float scale = 1.0f / (float) hw;
  for (int n = begin; n < end; n++)
    for (int ch = 0; ch < C; ch++)
      {
        const float *xp = L->x + (size_t) n * L->in_size + (size_t) ch * hw;
        float s = 0.0f;
        for (size_t i = 0; i < hw; i++)
          s += xp[i];
        L->y[(size_t) n * (size_t) C + (size_t) ch] = s * scale;
      }
}

static void
gap_forward (bp_layer *L, int batch, bool train)
{
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  gap_forward_samples, L);
}

static void
gap_backward_samples (void *ctx, int w, int begin, int end)
{
  bp_layer *L = ctx;
  const int C = L->in.dims[0];
  const size_t hw = (size_t) L->in.dims[1] * (size_t) L->in.dims[2];
  const float scale = 1.0f / (float) hw;
  for (int n = begin; n < end; n++)
    for (int ch = 0; ch < C; ch++)
      {
        float *dxp = L->dx + (size_t) n * L->in_size + (size_t) ch * hw;
        float d = L->dy[(size_t) n * (size_t) C + (size_t) ch] * scale;
        for (size_t i = 0; i < hw; i++)
          dxp[i] += d;
      }
}

static void
gap_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  bp_workers_run (bp_workers_for (batch, (double) L->in_size, MIN_PARALLEL_FLOATS), batch,
                  gap_backward_samples, L);
}

/* ---- no parameters ---- */

static void
no_init (bp_layer *L, bp_rng *rng)
{
}

static int
no_views (const bp_layer *L, bp_param_view *views)
{
  return 0;
}

const bp_layer_ops bp_maxpool2d_ops = {
  .kind = BP_LAYER_MAXPOOL2D,
  .infer = pool_infer,
  .scratch_size = maxpool_scratch_size,
  .init = no_init,
  .forward = maxpool_forward,
  .backward = maxpool_backward,
  .param_views = no_views,
  .buffer_views = no_views,
};

const bp_layer_ops bp_avgpool2d_ops = {
  .kind = BP_LAYER_AVGPOOL2D,
  .infer = pool_infer,
  .scratch_size = no_scratch,
  .init = no_init,
  .forward = avgpool_forward,
  .backward = avgpool_backward,
  .param_views = no_views,
  .buffer_views = no_views,
};

const bp_layer_ops bp_global_avgpool2d_ops = {
  .kind = BP_LAYER_GLOBAL_AVGPOOL2D,
  .infer = gap_infer,
  .scratch_size = no_scratch,
  .init = no_init,
  .forward = gap_forward,
  .backward = gap_backward,
  .param_views = no_views,
  .buffer_views = no_views,
};
