/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one door to BLAS. Every matrix product of the engine goes through bp_gemm, which calls
 * OpenBLAS's cblas_sgemm, or a plain loop for products too small to be worth a BLAS call (and
 * when the naive mode is forced, so tests can compare the two). Row-major throughout. */
#pragma once

#include <stdbool.h>

/* Products of at most this many multiply-adds (M*N*K) run bp_gemm's own loops, larger ones
 * cblas_sgemm (the measurement behind the number is in blas.c). */
#define BP_GEMM_SMALL_MNK 768

/* C(M,N) = alpha * op(A) * op(B) + beta * C, row-major; op(X) = X or X^T.
 * lda/ldb/ldc are the row strides of A, B, C as stored. */
void bp_gemm (bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float *A,
              int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* The reference triple loop, always available. */
void bp_gemm_naive (bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                    const float *A, int lda, const float *B, int ldb, float beta, float *C,
                    int ldc);

/* OpenBLAS keeps one process-wide thread pool; this sets its size (n >= 1). */
void bp_blas_set_threads (int n);
int bp_blas_get_threads (void);
