/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GEMM door: bp_gemm (the small-product loops below the size threshold, cblas_sgemm above)
 * against bp_gemm_naive, itself checked against a product worked out by hand, for all four
 * transpose combinations, several alpha/beta, row strides wider than the rows, odd sizes, and
 * the BLAS rules a caller relies on (beta = 0 never reads C, K = 0 scales C). */
#include "engine/blas.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>

/* Deterministic values in [-1, 1) with a few exact zeros. */
static float
value (guint32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return (float) ((double) (*state >> 8) / (double) (1u << 23) - 1.0);
}

/* One product C = alpha op(A) op(B) + beta C with every matrix stored wider than it is
 * (lda = cols + pad ...), so a kernel that confuses a stride with a width reads or writes the
 * wrong element. The padding of C must come back untouched. */
static void
check_one (bool ta, bool tb, int M, int N, int K, float alpha, float beta, int pad)
{
  int a_rows = ta ? K : M, a_cols = ta ? M : K;
  int b_rows = tb ? N : K, b_cols = tb ? K : N;
  int lda = a_cols + pad, ldb = b_cols + pad, ldc = N + pad;
  guint32 s = (guint32) (M * 7919 + N * 104729 + K * 13 + (ta ? 1 : 0) + (tb ? 2 : 0));
  float *A = g_new (float, (size_t) a_rows * lda + 1);
  float *B = g_new (float, (size_t) b_rows * ldb + 1);
  float *C = g_new (float, (size_t) M * ldc + 1);
  float *R = g_new (float, (size_t) M * ldc + 1);
  for (int i = 0; i < a_rows * lda; i++)
    A[i] = value (&s);
  for (int i = 0; i < b_rows * ldb; i++)
    B[i] = value (&s);
  for (int i = 0; i < M * ldc; i++)
    C[i] = R[i] = value (&s);

  bp_gemm (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  bp_gemm_naive (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, R, ldc);

  for (int i = 0; i < M; i++)
    {
      for (int j = 0; j < N; j++)
        {
          /* Float summation of K products carries at most about K * 2^-24 relative error of
           * sum |a b| (the classic gamma_K bound); the reference sums in double. A kernel that
           * drops, repeats or misplaces a term is off by a whole |a b| ~ 0.3 on average,
           * far above this. */
          double mag = 0.0;
          for (int k = 0; k < K; k++)
            {
              float a = ta ? A[(size_t) k * lda + i] : A[(size_t) i * lda + k];
              float b = tb ? B[(size_t) j * ldb + k] : B[(size_t) k * ldb + j];
              mag += fabs ((double) a * b);
            }
          double tol = (K + 4) * ldexp (1.0, -23) * (fabs (alpha) * mag + 2.0);
          double got = C[(size_t) i * ldc + j], want = R[(size_t) i * ldc + j];
          if (!(fabs (got - want) <= tol))
            g_error ("%c%c M=%d N=%d K=%d alpha=%g beta=%g: C[%d,%d] = %.9g, want %.9g",
                     ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, beta, i, j, got, want);
        }
      for (int j = N; j < ldc; j++) /* the padding */
        g_assert_cmpfloat (C[(size_t) i * ldc + j], ==, R[(size_t) i * ldc + j]);
    }
  g_free (A);
  g_free (B);
  g_free (C);
  g_free (R);
}

/* Shapes on both sides of the small-product threshold (M*N*K <= BP_GEMM_SMALL_MNK runs the
 * plain loops), chosen to reach every branch of the small path: full and partial panels of 8
 * columns, 4-row blocks and leftover rows, K beyond one packed chunk (256), the dot-product
 * path (A B^T with few rows or columns), the row path (A B with fewer than 4 rows), the
 * transposed write for narrow C (N < 4, M >= 8), and the 2-8-8-1 net's own products at
 * batch 10. */
static const int small_shapes[][3] = {
  { 1, 1, 1 }, { 3, 5, 7 }, { 7, 3, 5 }, { 4, 8, 8 }, { 10, 8, 2 }, { 8, 2, 10 },
  { 10, 1, 8 }, { 1, 8, 10 }, { 10, 8, 1 }, { 10, 8, 8 }, { 8, 8, 10 }, { 9, 3, 11 },
  { 13, 9, 5 }, { 5, 17, 7 }, { 16, 16, 3 }, { 2, 1, 300 }, { 1, 2, 300 }, { 2, 1, 257 },
  { 2, 11, 5 }, { 3, 17, 9 },
};

static const int blas_shapes[][3] = {
  { 13, 9, 17 }, { 33, 65, 17 }, { 64, 10, 128 }, { 1, 784, 10 }, { 17, 31, 47 },
  { 32, 128, 200 },
};

static void
run_all (float alpha, float beta, int pad)
{
  for (size_t s = 0; s < G_N_ELEMENTS (small_shapes); s++)
    {
      const int *d = small_shapes[s];
      g_assert_cmpint (d[0] * d[1] * d[2], <=, BP_GEMM_SMALL_MNK);
      for (int t = 0; t < 4; t++)
        check_one (t & 1, t & 2, d[0], d[1], d[2], alpha, beta, pad);
    }
  for (size_t s = 0; s < G_N_ELEMENTS (blas_shapes); s++)
    {
      const int *d = blas_shapes[s];
      g_assert_cmpint (d[0] * d[1] * d[2], >, BP_GEMM_SMALL_MNK);
      for (int t = 0; t < 4; t++)
        check_one (t & 1, t & 2, d[0], d[1], d[2], alpha, beta, pad);
    }
}

static void
test_plain (void)
{
  run_all (1.0f, 0.0f, 0);
}

static void
test_alpha_beta (void)
{
  run_all (0.5f, 1.0f, 0);
  run_all (-1.25f, -0.75f, 0);
  run_all (2.0f, 0.5f, 0);
}

static void
test_strided (void)
{
  run_all (1.0f, 1.0f, 3);
  run_all (-0.5f, 0.0f, 1);
}

/* The reference itself, on a product worked out by hand. */
static void
test_naive_by_hand (void)
{
  /* A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12]: A B = [58 64; 139 154] */
  const float A[6] = { 1, 2, 3, 4, 5, 6 }, B[6] = { 7, 8, 9, 10, 11, 12 };
  const float At[6] = { 1, 4, 2, 5, 3, 6 }, Bt[6] = { 7, 9, 11, 8, 10, 12 };
  const float want[4] = { 58, 64, 139, 154 };
  float C[4];
  for (int t = 0; t < 4; t++)
    {
      bool ta = t & 1, tb = t & 2;
      for (int i = 0; i < 4; i++)
        C[i] = 100.0f;
      /* C = 2 op(A) op(B) - C */
      bp_gemm_naive (ta, tb, 2, 2, 3, 2.0f, ta ? At : A, ta ? 2 : 3, tb ? Bt : B, tb ? 3 : 2,
                     -1.0f, C, 2);
      for (int i = 0; i < 4; i++)
        g_assert_cmpfloat (C[i], ==, 2.0f * want[i] - 100.0f);
      for (int i = 0; i < 4; i++)
        C[i] = 100.0f;
      bp_gemm (ta, tb, 2, 2, 3, 2.0f, ta ? At : A, ta ? 2 : 3, tb ? Bt : B, tb ? 3 : 2, -1.0f,
               C, 2);
      for (int i = 0; i < 4; i++)
        g_assert_cmpfloat (C[i], ==, 2.0f * want[i] - 100.0f);
    }
}

/* BLAS's rule: beta = 0 means C is output only, so garbage (NaN) in it must not leak; K = 0
 * leaves beta C. Both sides of the threshold. */
static void
test_blas_rules (void)
{
  /* every small path (panels, rows, dots, transposed write), then BLAS */
  const int sizes[][3] = { { 3, 5, 7 }, { 2, 11, 5 }, { 1, 3, 4 }, { 10, 2, 8 }, { 40, 50, 60 } };
  for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int t = 0; t < 4; t++)
      {
        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
        float *A = g_new (float, M * K), *B = g_new (float, K * N), *C = g_new (float, M * N);
        for (int i = 0; i < M * K; i++)
          A[i] = 1.0f;
        for (int i = 0; i < K * N; i++)
          B[i] = 0.5f;
        for (int i = 0; i < M * N; i++)
          C[i] = NAN;
        bool ta = t & 1, tb = t & 2;
        bp_gemm (ta, tb, M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, 0.0f, C, N);
        for (int i = 0; i < M * N; i++)
          g_assert_cmpfloat (C[i], ==, 0.5f * K);

        for (int i = 0; i < M * N; i++)
          C[i] = 3.0f;
        bp_gemm (ta, tb, M, N, 0, 1.0f, A, ta ? M : 1, B, tb ? 1 : N, 0.5f, C, N);
        for (int i = 0; i < M * N; i++)
          g_assert_cmpfloat (C[i], ==, 1.5f);
        g_free (A);
        g_free (B);
        g_free (C);
      }
}

static void
test_threads (void)
{
  bp_blas_set_threads (1);
  g_assert_cmpint (bp_blas_get_threads (), ==, 1);
  bp_blas_set_threads (0); /* clamped to 1 */
  g_assert_cmpint (bp_blas_get_threads (), ==, 1);
  bp_blas_set_threads (2);
  g_assert_cmpint (bp_blas_get_threads (), >=, 1);
  g_assert_cmpint (bp_blas_get_threads (), <=, 2);
  /* a product still comes out right with the pool resized */
  check_one (false, true, 32, 128, 200, 1.0f, 0.0f, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/naive-by-hand", test_naive_by_hand);
  g_test_add_func ("/blas/plain", test_plain);
  g_test_add_func ("/blas/alpha-beta", test_alpha_beta);
  g_test_add_func ("/blas/strided", test_strided);
  g_test_add_func ("/blas/blas-rules", test_blas_rules);
  g_test_add_func ("/blas/threads", test_threads);
  return g_test_run ();
}
