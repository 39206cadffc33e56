/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one door to BLAS: OpenBLAS's cblas_sgemm for real work, plain loops for products so small
 * that the call itself would cost more than the arithmetic (a 2-8-8-1 network at batch 10 does
 * nothing but such products). */
#include "engine/blas.h"

#include "engine/simd.h"
#include <cblas.h>
#include <stddef.h>

/* BP_GEMM_SMALL_MNK (blas.h), by measurement: the three products of a dense layer (x W^T,
 * dz^T x, dz W) for batch 10..64 and widths 1..128, each timed with these loops and with
 * cblas_sgemm (OpenBLAS 0.3.21 on an AVX-512 Xeon, whose small-matrix kernels answer in
 * ~50 ns). Summed over the shapes, the time is flat (within 0.3%) for a threshold anywhere in
 * 128..768 and grows past it (+1% at 1024, +10% at 4096); 768 is the top of the flat range,
 * which keeps a 2-8-8-1 net's 640-MAC products here, 15-35% faster than the BLAS call. On
 * CPUs without OpenBLAS's small-matrix kernels the call costs more and the loops win further
 * up. */

/* The small path sweeps the rows of op(A) against panels of eight columns of op(B), with 4x8
 * or 1x8 blocks of accumulators held in registers (bp_v4f pairs: SIMD at -O2, see simd.h).
 * Row-major B already is such a panel (row stride ldb) except at the right edge; B^T and the
 * edge are first packed into a contiguous (k, 8) buffer on the stack, K taken in chunks so it
 * stays in L1. */
#define PANEL_W 8
#define PANEL_K 256

/* panel[k][t] = op(B)(k0 + k, j0 + t) for t < w; columns past w repeat column w - 1 (they are
 * computed and never stored). Each panel row is assembled in registers and written with two
 * vector stores: the kernel's vector loads that follow right away then read whole stores
 * (scalar stores would stall store-to-load forwarding, which costs more than the packing). */
static void
pack_panel (float *restrict panel, const float *restrict B, int ldb, bool trans_b, int k0,
            int kc, int j0, int w)
{
  size_t idx[PANEL_W];
  for (int t = 0; t < PANEL_W; t++)
    idx[t] = (size_t) (t < w ? t : w - 1);
  if (trans_b)
    {
      const float *r[PANEL_W];
      for (int t = 0; t < PANEL_W; t++)
        r[t] = B + ((size_t) j0 + idx[t]) * (size_t) ldb + (size_t) k0;
      for (int k = 0; k < kc; k++)
        {
          bp_v4f lo = { r[0][k], r[1][k], r[2][k], r[3][k] };
          bp_v4f hi = { r[4][k], r[5][k], r[6][k], r[7][k] };
          bp_v4f_store (panel + (size_t) k * PANEL_W, lo);
          bp_v4f_store (panel + (size_t) k * PANEL_W + 4, hi);
        }
    }
  else
    for (int k = 0; k < kc; k++)
      {
        const float *r = B + ((size_t) k0 + (size_t) k) * (size_t) ldb + (size_t) j0;
        bp_v4f lo = { r[idx[0]], r[idx[1]], r[idx[2]], r[idx[3]] };
        bp_v4f hi = { r[idx[4]], r[idx[5]], r[idx[6]], r[idx[7]] };
        bp_v4f_store (panel + (size_t) k * PANEL_W, lo);
        bp_v4f_store (panel + (size_t) k * PANEL_W + 4, hi);
      }
}

/* Where the kernel writes: C(i, j) = c[i * rs + j * cs]. cs is 1 except when the product was
 * computed transposed (see gemm_small). */
typedef struct out_view {
  float *c;
  size_t rs, cs;
  float alpha, beta;
} out_view;

/* C(i, j0 .. j0+w) = alpha acc + beta C, with BLAS's rule that beta == 0 never reads C (it may
 * hold garbage, even NaN). */
static inline void
store_row (const out_view *o, int i, int j0, bp_v4f lo, bp_v4f hi, int w)
{
  float alpha = o->alpha, beta = o->beta;
  float *c = o->c + (size_t) i * o->rs + (size_t) j0 * o->cs;
  lo *= alpha;
  hi *= alpha;
  if (w == PANEL_W && o->cs == 1)
    {
      if (beta != 0.0f)
        {
          lo += beta * bp_v4f_load (c);
          hi += beta * bp_v4f_load (c + 4);
        }
      bp_v4f_store (c, lo);
      bp_v4f_store (c + 4, hi);
      return;
    }
  float tmp[PANEL_W];
  bp_v4f_store (tmp, lo);
  bp_v4f_store (tmp + 4, hi);
  if (beta == 0.0f)
    for (int t = 0; t < w; t++)
      c[(size_t) t * o->cs] = tmp[t];
  else
    for (int t = 0; t < w; t++)
      c[(size_t) t * o->cs] = tmp[t] + beta * c[(size_t) t * o->cs];
}

/* One K chunk of C = alpha op(A) op(B) + beta C for the columns j0 .. j0+w, where
 * op(B)(k, j0 + t) = panel[k * ps + t] and op(A)(i, k) = A[i * a_rs + k * a_ks] (which covers
 * both A and A^T). */
static void
gemm_panel (int M, int kc, const float *restrict A, size_t a_rs, size_t a_ks,
            const float *restrict panel, size_t ps, const out_view *o, int j0, int w)
{
  int i = 0;
  for (; i + 4 <= M; i += 4)
    {
      bp_v4f c0l = { 0 }, c0h = { 0 }, c1l = { 0 }, c1h = { 0 };
      bp_v4f c2l = { 0 }, c2h = { 0 }, c3l = { 0 }, c3h = { 0 };
      const float *a = A + (size_t) i * a_rs;
      for (int k = 0; k < kc; k++)
        {
          bp_v4f bl = bp_v4f_load (panel + (size_t) k * ps);
          bp_v4f bh = bp_v4f_load (panel + (size_t) k * ps + 4);
          const float *ak = a + (size_t) k * a_ks;
          float a0 = ak[0], a1 = ak[a_rs], a2 = ak[2 * a_rs], a3 = ak[3 * a_rs];
          c0l += a0 * bl;
          c0h += a0 * bh;
          c1l += a1 * bl;
          c1h += a1 * bh;
          c2l += a2 * bl;
          c2h += a2 * bh;
          c3l += a3 * bl;
          c3h += a3 * bh;
        }
      store_row (o, i, j0, c0l, c0h, w);
      store_row (o, i + 1, j0, c1l, c1h, w);
      store_row (o, i + 2, j0, c2l, c2h, w);
      store_row (o, i + 3, j0, c3l, c3h, w);
    }
  for (; i < M; i++)
    {
      bp_v4f cl = { 0 }, ch = { 0 };
      const float *a = A + (size_t) i * a_rs;
      for (int k = 0; k < kc; k++)
        {
          float ak = a[(size_t) k * a_ks];
          cl += ak * bp_v4f_load (panel + (size_t) k * ps);
          ch += ak * bp_v4f_load (panel + (size_t) k * ps + 4);
        }
      store_row (o, i, j0, cl, ch, w);
    }
}

/* Dot product of two contiguous rows, eight lanes wide. */
static inline float
dot (const float *restrict a, const float *restrict b, int n)
{
  bp_v4f s0 = { 0 }, s1 = { 0 };
  int k = 0;
  for (; k + 8 <= n; k += 8)
    {
      s0 += bp_v4f_load (a + k) * bp_v4f_load (b + k);
      s1 += bp_v4f_load (a + k + 4) * bp_v4f_load (b + k + 4);
    }
  s0 += s1;
  float s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
  for (; k < n; k++)
    s += a[k] * b[k];
  return s;
}

/* C = alpha A B^T + beta C as dot products of two contiguous rows (dense's forward x W^T for
 * one sample, or into a layer of one or two units). */
static void
gemm_small_nt_dots (int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                    int ldb, float beta, float *C, int ldc)
{
  for (int i = 0; i < M; i++)
    {
      const float *a = A + (size_t) i * (size_t) lda;
      float *c = C + (size_t) i * (size_t) ldc;
      for (int j = 0; j < N; j++)
        {
          float s = alpha * dot (a, B + (size_t) j * (size_t) ldb, K);
          c[j] = beta == 0.0f ? s : s + beta * c[j];
        }
    }
}

/* C = alpha op(A) B + beta C for a few rows (dense's dx = dz W for one sample): eight columns
 * at a time summed over all of K in registers, straight from the rows of B. The panel path
 * would pay its set-up per eight columns for a single row's worth of work. */
static void
gemm_small_rows (bool trans_a, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc)
{
  size_t a_rs = trans_a ? 1 : (size_t) lda, a_ks = trans_a ? (size_t) lda : 1;
  for (int i = 0; i < M; i++)
    {
      const float *a = A + (size_t) i * a_rs;
      float *c = C + (size_t) i * (size_t) ldc;
      int j = 0;
      for (; j + PANEL_W <= N; j += PANEL_W)
        {
          bp_v4f lo = { 0 }, hi = { 0 };
          for (int k = 0; k < K; k++)
            {
              const float *b = B + (size_t) k * (size_t) ldb + (size_t) j;
              float ak = a[(size_t) k * a_ks];
              lo += ak * bp_v4f_load (b);
              hi += ak * bp_v4f_load (b + 4);
            }
          lo *= alpha;
          hi *= alpha;
          if (beta != 0.0f)
            {
              lo += beta * bp_v4f_load (c + j);
              hi += beta * bp_v4f_load (c + j + 4);
            }
          bp_v4f_store (c + j, lo);
          bp_v4f_store (c + j + 4, hi);
        }
      for (; j < N; j++)
        {
          float acc = 0.0f;
          for (int k = 0; k < K; k++)
            acc += a[(size_t) k * a_ks] * B[(size_t) k * (size_t) ldb + (size_t) j];
          c[j] = beta == 0.0f ? alpha * acc : alpha * acc + beta * c[j];
        }
    }
}

static void
gemm_small (bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A,
            int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  if (K <= 0)
    {
      /* C = beta C; alpha times an empty sum is zero. */
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          {
            float *c = C + (size_t) i * (size_t) ldc + j;
            *c = beta == 0.0f ? 0.0f : beta * *c;
          }
      return;
    }
  /* Few rows or few columns: packing B^T, or filling mostly padding lanes, would cost more
   * than the dot products. */
  if (!trans_a && trans_b && (M < 4 || N < 4))
    {
      gemm_small_nt_dots (M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }

  /* A few rows of C, unless their width would leave a full panel mostly padding anyway */
  if (!trans_b && M < 4 && (N >= PANEL_W || N < 4))
    {
      gemm_small_rows (trans_a, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }

  out_view o = { C, (size_t) ldc, 1, alpha, beta };
  /* A narrow C (dense's dW for a layer with one or two inputs) would leave most panel lanes
   * idle: compute C^T = op(B)^T op(A)^T instead, whose panels run along M, and write it
   * transposed. */
  if (N < 4 && M >= PANEL_W)
    {
      const float *t = A;
      int ti = lda, tm = M;
      bool tt = trans_a;
      A = B, lda = ldb, trans_a = !trans_b;
      B = t, ldb = ti, trans_b = !tt;
      M = N, N = tm;
      o.rs = 1, o.cs = (size_t) ldc;
    }

  float panel[PANEL_K * PANEL_W];
  size_t a_rs = trans_a ? 1 : (size_t) lda;
  size_t a_ks = trans_a ? (size_t) lda : 1;
  for (int j0 = 0; j0 < N; j0 += PANEL_W)
    {
      int w = N - j0 < PANEL_W ? N - j0 : PANEL_W;
      for (int k0 = 0; k0 < K; k0 += PANEL_K)
        {
          int kc = K - k0 < PANEL_K ? K - k0 : PANEL_K;
          const float *p = panel;
          size_t ps = PANEL_W;
          if (!trans_b && w == PANEL_W)
            {
              /* rows of B are the panel already */
              p = B + (size_t) k0 * (size_t) ldb + (size_t) j0;
              ps = (size_t) ldb;
            }
          else
            pack_panel (panel, B, ldb, trans_b, k0, kc, j0, w);
          /* later K chunks add to what the first one wrote */
          o.beta = k0 == 0 ? beta : 1.0f;
          gemm_panel (M, kc, A + (size_t) k0 * a_ks, a_rs, a_ks, p, ps, &o, j0, w);
        }
    }
}

void
bp_gemm (bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A, int lda,
         const float *B, int ldb, float beta, float *C, int ldc)
{
  if (M <= 0 || N <= 0)
    return;
  double mnk = (double) M * (double) N * (double) K;
  if (mnk > BP_GEMM_SMALL_MNK)
    {
      cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                   trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta,
                   C, ldc);
      return;
    }
  gemm_small (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void
bp_gemm_naive (bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A,
               int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  /* The reference: one element at a time, summed in double, read through the transposes by
   * index arithmetic alone. Slow on purpose; it is what the fast paths are checked against. */
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++)
      {
        double s = 0.0;
        for (int k = 0; k < K; k++)
          {
            float a = trans_a ? A[(size_t) k * (size_t) lda + i] : A[(size_t) i * (size_t) lda + k];
            float b = trans_b ? B[(size_t) j * (size_t) ldb + k] : B[(size_t) k * (size_t) ldb + j];
            s += (double) a * (double) b;
          }
        float *c = C + (size_t) i * (size_t) ldc + j;
        double old = beta == 0.0f ? 0.0 : (double) beta * (double) *c;
        *c = (float) ((double) alpha * s + old);
      }
}

void
bp_blas_set_threads (int n)
{
  openblas_set_num_threads (n < 1 ? 1 : n);
}

int
bp_blas_get_threads (void)
{
  return openblas_get_num_threads ();
}
