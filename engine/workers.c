/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short-lived worker threads for the batch passes of conv2d and pooling; see workers.h. */
#include "engine/workers.h"

#include "engine/blas.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* OpenBLAS 0.3 runs a GEMM in the calling thread when M*N*K <= 65536 * GEMM_MULTITHREAD_THRESHOLD
 * (4 by default, Debian's build included). Larger products would hand work to its thread pool,
 * which two workers calling at once would fight over. */
#define IN_THREAD_MNK 262144.0

/* 0 = follow BLAS. Process-wide, as the thread count of BLAS itself is. */
static atomic_int workers_threads;

void
bp_workers_set_threads (int n)
{
  atomic_store (&workers_threads, n < 0 ? 0 : n);
}

int
bp_workers_get_threads (void)
{
  int n = atomic_load (&workers_threads);
  return n > 0 ? n : bp_blas_get_threads ();
}

int
bp_workers_for (int n, double work_per_item, double min_work)
{
  int w = bp_workers_get_threads ();
  if (w > BP_MAX_WORKERS)
    w = BP_MAX_WORKERS;
  if (w > n)
    w = n;
  if (w < 1 || work_per_item * n < min_work)
    w = 1;
  return w;
}

typedef struct job {
  void (*fn) (void *ctx, int w, int begin, int end);
  void *ctx;
  int w, begin, end;
} job;

static void *
job_main (void *p)
{
  job *j = p;
  j->fn (j->ctx, j->w, j->begin, j->end);
  return NULL;
}

void
bp_workers_run (int workers, int n, void (*fn) (void *ctx, int w, int begin, int end),
                void *ctx)
{
  if (workers > BP_MAX_WORKERS)
    workers = BP_MAX_WORKERS;
  if (workers <= 1 || n <= 1)
    {
      if (n > 0)
        fn (ctx, 0, 0, n);
      return;
    }
  job jobs[BP_MAX_WORKERS];
  pthread_t tid[BP_MAX_WORKERS];
  bool started[BP_MAX_WORKERS] = { false };
  for (int w = 0; w < workers; w++)
    jobs[w] = (job) { fn, ctx, w, (int) ((long) n * w / workers),
                      (int) ((long) n * (w + 1) / workers) };
  for (int w = 1; w < workers; w++)
    started[w] = pthread_create (&tid[w], NULL, job_main, &jobs[w]) == 0;
  job_main (&jobs[0]);
  for (int w = 1; w < workers; w++)
    if (started[w])
      pthread_join (tid[w], NULL);
    else
      job_main (&jobs[w]);
}

/* n rounded down to a multiple of 32, else of 8, and at least 1. */
static int
tile_round (int n)
{
  if (n >= 32)
    return n - n % 32;
  if (n >= 8)
    return n - n % 8;
  return n < 1 ? 1 : n;
}

void
bp_gemm_in_thread (bool trans_a, bool trans_b, int M, int N, int K, const float *A, int lda,
                   const float *B, int ldb, float beta, float *C, int ldc)
{
  if (M <= 0 || N <= 0)
    return;
  /* With BLAS on one thread any product stays in the caller's thread, and whole products run
   * faster than blocks (W3's second convolution, per sample: 1.0 ms whole, 1.3 ms in
   * 56-column blocks, for the forward product of 64 samples). */
  double mnk = (double) M * (double) N * (double) (K > 0 ? K : 1);
  if (mnk <= IN_THREAD_MNK || bp_blas_get_threads () <= 1)
    {
      bp_gemm (trans_a, trans_b, M, N, K, 1.0f, A, lda, B, ldb, beta, C, ldc);
      return;
    }
  /* Cut C into row blocks when it has more than 32 rows, else into column blocks; blocks a
   * multiple of 32 (else 8) long when the budget allows: OpenBLAS's kernels work in such tiles
   * (measured on W3's products: 41-row blocks cost 25% more time than 32-row ones). */
  double budget = IN_THREAD_MNK / (double) (K > 0 ? K : 1);
  if (M > 32 || M >= N)
    {
      int rows = tile_round ((int) (budget / N));
      for (int i = 0; i < M; i += rows)
        {
          int m = M - i < rows ? M - i : rows;
          const float *a = trans_a ? A + i : A + (size_t) i * (size_t) lda;
          bp_gemm (trans_a, trans_b, m, N, K, 1.0f, a, lda, B, ldb, beta, C + (size_t) i * ldc,
                   ldc);
        }
    }
  else
    {
      int cols = tile_round ((int) (budget / M));
      for (int j = 0; j < N; j += cols)
        {
          int n = N - j < cols ? N - j : cols;
          const float *b = trans_b ? B + (size_t) j * (size_t) ldb : B + j;
          bp_gemm (trans_a, trans_b, M, n, K, 1.0f, A, lda, b, ldb, beta, C + j, ldc);
        }
    }
}
