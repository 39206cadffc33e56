/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conv2d's passes: im2col + GEMM, one sample at a time, the batch split over a few workers.
 *
 * Per sample, im2col lays the patches in col (K, P), K = C*kh*kw, P = OH*OW, and
 * y_n (F, P) = W (F, K) col is one GEMM straight into the sample's NCHW output, followed by the
 * bias and activation pass over y_n in place. col (about 110 KB for W3's second convolution)
 * stays in L2 between im2col writing it and the GEMM reading it. Measured on the W3 shapes,
 * one thread: per-sample GEMMs beat one GEMM over the whole batch (whose col is megabytes and
 * leaves the cache) by 2-4x. The parallelism is ours: each worker takes whole samples
 * (workers.h) and issues its GEMMs in its own thread, so im2col, col2im and the activation
 * pass run in parallel too, which OpenBLAS's threads never did (W3 train step on 2 cores:
 * 15.4 ms with OpenBLAS's 2 threads and one worker, 9.4 ms with 2 workers and OpenBLAS on 1).
 *
 * Backward, per sample: dz = dy * f'(z) (dy itself when f is linear), im2col again (cheaper
 * than keeping a batch of col around), dW^T += col dz^T and db += row sums of dz into the
 * worker's own accumulator (summed into the gradients in worker order after the pass, so a
 * run is reproducible for a given number of threads), and dcol = W^T dz into col's memory,
 * which col2im adds into dx_n. */
#include "engine/conv2d_private.h"

#include "engine/activation.h"
#include "engine/simd.h"
#include "engine/workers.h"
#include <string.h>

/* Below this many multiply-adds per pass, one thread: starting threads would cost more. */
#define MIN_PARALLEL_MACS 2e5

typedef struct conv_pass {
  bp_layer *L;
  bp_window_geom g;
  int F, K;
  size_t P;        /* output positions per sample, OH*OW */
  size_t per_worker; /* floats of scratch per worker */
  float *keep;     /* (batch, F, P) pre-activations when f' needs them, else NULL */
} conv_pass;

/* Scratch per worker: col (K, P), dz (F, P), and the gradient accumulator: dW^T (K, F), db (F).
 * Then, when the activation's derivative needs it, the pre-activation of the whole batch,
 * (batch, F, P) like y. Sized for BP_MAX_WORKERS whatever the current thread count, which may
 * change after the network is compiled. */
static conv_pass
conv_pass_of (bp_layer *L)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  conv_pass p = { .L = L, .g = bp_conv2d_geom (c, L->in), .F = c->filters };
  p.K = p.g.c * p.g.kh * p.g.kw;
  p.P = (size_t) p.g.oh * (size_t) p.g.ow;
  size_t fk = (size_t) p.F * (size_t) p.K;
  p.per_worker = (size_t) p.K * p.P + (size_t) p.F * p.P + fk + (size_t) p.F;
  /* (scratch_size asks before there is any scratch) */
  p.keep = bp_act_needs_input (c->activation) && L->scratch != NULL
             ? L->scratch + BP_MAX_WORKERS * p.per_worker : NULL;
  return p;
}

size_t
bp_conv2d_scratch_size (const bp_layer *L, int batch)
{
  conv_pass p = conv_pass_of ((bp_layer *) L);
  size_t keep = bp_act_needs_input (L->spec->u.conv2d.activation)
                  ? (size_t) batch * L->out_size : 0;
  return BP_MAX_WORKERS * p.per_worker + keep;
}

/* y[0..n) = f(y + b) in place; keep (or NULL) receives y + b when f's derivative needs it.
 * ReLU and linear, the common cases, get their own four-wide loops. */
static void
bias_act (bp_act act, float alpha, float b, float *restrict y, float *restrict keep, size_t n)
{
  size_t i = 0;
  const bp_v4f vb = bp_v4f_splat (b), zero = bp_v4f_splat (0.0f);
  switch (act)
    {
    case BP_ACT_RELU:
      /* "t < 0 ? 0 : t" lets a NaN through, as the activation layer does */
      for (; i + 4 <= n; i += 4)
        {
          bp_v4f t = bp_v4f_load (y + i) + vb;
          bp_v4f_store (y + i, bp_v4f_select (t < 0.0f, zero, t));
        }
      for (; i < n; i++)
        y[i] = y[i] + b < 0.0f ? 0.0f : y[i] + b;
      break;
    case BP_ACT_LINEAR:
      if (b != 0.0f)
        for (; i < n; i++)
          y[i] += b;
      break;
    default:
      for (; i < n; i++)
        y[i] += b;
      if (keep != NULL)
        memcpy (keep, y, n * sizeof *y);
      bp_act_forward (act, alpha, y, y, n);
    }
}

/* The sum of r[0..n), four lanes at a time. */
static inline float
row_sum (const float *r, size_t n)
{
  bp_v4f acc = bp_v4f_splat (0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    acc += bp_v4f_load (r + i);
  float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; i < n; i++)
    s += r[i];
  return s;
}

/* For one sample: dz (F, P) = dy * f'(z) from z (when f needs it) and y = f(z), and, when db
 * is not NULL, db[f] += the sum of dz's row f. Returns dz: dy itself when f is linear. ReLU's
 * derivative and the sums share one pass. */
static const float *
act_grad (bp_act act, float alpha, const float *z, const float *restrict y,
          const float *restrict dy, float *restrict dzbuf, float *restrict db, int F, size_t P)
{
  size_t n = (size_t) F * P;
  if (act == BP_ACT_RELU)
    {
      /* derivative 0 at 0, as torch's threshold_backward */
      const bp_v4f zero = bp_v4f_splat (0.0f);
      for (int f = 0; f < F; f++)
        {
          const float *yr = y + (size_t) f * P, *dyr = dy + (size_t) f * P;
          float *dzr = dzbuf + (size_t) f * P;
          bp_v4f acc = zero;
          size_t i = 0;
          for (; i + 4 <= P; i += 4)
            {
              bp_v4f d = bp_v4f_select (bp_v4f_load (yr + i) > 0.0f, bp_v4f_load (dyr + i), zero);
              bp_v4f_store (dzr + i, d);
              acc += d;
            }
          float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
          for (; i < P; i++)
            {
              dzr[i] = yr[i] > 0.0f ? dyr[i] : 0.0f;
              s += dzr[i];
            }
          if (db)
            db[f] += s;
        }
      return dzbuf;
    }
  const float *dz = dy;
  if (act != BP_ACT_LINEAR)
    {
      bp_act_backward (act, alpha, z, y, dy, dzbuf, n);
      dz = dzbuf;
    }
  if (db)
    for (int f = 0; f < F; f++)
      db[f] += row_sum (dz + (size_t) f * P, P);
  return dz;
}

static void
forward_samples (void *ctx, int w, int begin, int end)
{
  const conv_pass *p = ctx;
  bp_layer *L = p->L;
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  const float *W = L->params;                                          /* (F, K) */
  const float *b = c->use_bias ? W + (size_t) p->F * (size_t) p->K : NULL; /* (F) */
  float *col = L->scratch + (size_t) w * p->per_worker;               /* (K, P) */
  for (int n = begin; n < end; n++)
    {
      float *y = L->y + (size_t) n * L->out_size; /* (F, P) */
      bp_im2col (&p->g, L->x + (size_t) n * L->in_size, col, p->P);
      bp_gemm_in_thread (false, false, p->F, (int) p->P, p->K, W, p->K, col, (int) p->P, 0.0f,
                         y, (int) p->P);
      for (int f = 0; f < p->F; f++)
        bias_act (c->activation, c->alpha, b ? b[f] : 0.0f, y + (size_t) f * p->P,
                  p->keep ? p->keep + (size_t) n * L->out_size + (size_t) f * p->P : NULL,
                  p->P);
    }
}

void
bp_conv2d_forward (bp_layer *L, int batch, bool train)
{
  conv_pass p = conv_pass_of (L);
  double macs = (double) p.F * (double) p.K * (double) p.P;
  bp_workers_run (bp_workers_for (batch, macs, MIN_PARALLEL_MACS), batch, forward_samples, &p);
}

static void
backward_samples (void *ctx, int w, int begin, int end)
{
  const conv_pass *p = ctx;
  bp_layer *L = p->L;
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  const size_t P = p->P, fk = (size_t) p->F * (size_t) p->K;
  const float *W = L->params;                                     /* (F, K) */
  float *col = L->scratch + (size_t) w * p->per_worker;          /* (K, P) */
  float *dzbuf = col + (size_t) p->K * P;                        /* (F, P) */
  float *dWt = dzbuf + (size_t) p->F * P;                        /* (K, F) */
  float *db = dWt + fk;                                          /* (F) */
  memset (dWt, 0, (fk + (size_t) p->F) * sizeof *dWt);
  for (int n = begin; n < end; n++)
    {
      size_t yo = (size_t) n * L->out_size;
      const float *dz = act_grad (c->activation, c->alpha, p->keep ? p->keep + yo : NULL,
                                  L->y + yo, L->dy + yo, dzbuf, c->use_bias ? db : NULL, p->F,
                                  P); /* (F, P) */
      bp_im2col (&p->g, L->x + (size_t) n * L->in_size, col, P);
      /* dW^T += col dz^T: K rows, cut in blocks of 32, run faster than dW's F rows and
       * K-long blocks of columns */
      bp_gemm_in_thread (false, true, p->K, p->F, (int) P, col, (int) P, dz, (int) P, 1.0f, dWt,
                         p->F);
      if (L->dx)
        {
          /* dcol = W^T dz, into col (its patches are used), then dx_n += col2im (dcol) */
          bp_gemm_in_thread (true, false, p->K, (int) P, p->F, W, p->K, dz, (int) P, 0.0f, col,
                             (int) P);
          bp_col2im (&p->g, col, P, L->dx + (size_t) n * L->in_size);
        }
    }
}

void
bp_conv2d_backward (bp_layer *L, int batch)
{
  conv_pass p = conv_pass_of (L);
  double macs = 2.0 * (double) p.F * (double) p.K * (double) p.P;
  int workers = bp_workers_for (batch, macs, MIN_PARALLEL_MACS);
  bp_workers_run (workers, batch, backward_samples, &p);
  /* the workers' sums into the gradients, in worker order: dW (F, K) from their dW^T (K, F) */
  const size_t fk = (size_t) p.F * (size_t) p.K;
  float *db = L->spec->u.conv2d.use_bias ? L->grads + fk : NULL;
  for (int w = 0; w < workers; w++)
    {
      const float *acc = L->scratch + (size_t) w * p.per_worker + ((size_t) p.K + p.F) * p.P;
      for (int k = 0; k < p.K; k++)
        for (int f = 0; f < p.F; f++)
          L->grads[(size_t) f * p.K + k] += acc[(size_t) k * p.F + f];
      if (db)
        for (int f = 0; f < p.F; f++)
          db[f] += acc[fk + f];
    }
}
