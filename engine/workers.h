/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Splitting a layer's batch over a few threads. The convolution and pooling layers do most of
 * their work outside BLAS (im2col, col2im, pooling, the bias and activation pass), and their
 * GEMMs are fastest one sample at a time in one thread; so they run whole samples on
 * BP_MAX_WORKERS threads at most, as many as bp_workers_set_threads says (by default as many
 * as BLAS is allowed, bp_blas_get_threads). The threads live for one call: a few tens of
 * microseconds, against milliseconds of work. */
#pragma once

#include <stdbool.h>

#define BP_MAX_WORKERS 4

/* How many threads the conv and pooling layers may split a batch over, process-wide like BLAS's
 * own setting: n >= 1, or 0 (the default) to follow bp_blas_get_threads ().
 * Why apart from BLAS: OpenBLAS's pool threads spin (sched_yield) for about 0.1 s after each
 * product they share, and when there are no more cores than threads they then take turns
 * with the workers. W3 on 2 cores, a train step: BLAS 2 threads + workers 2: 16 ms; BLAS 1 +
 * workers 2: 9.4 ms; BLAS 2 + workers 2 with OPENBLAS_THREAD_TIMEOUT=4 in the environment
 * (the pool sleeps at once): 11.3 ms. */
void bp_workers_set_threads (int n);
int bp_workers_get_threads (void);

/* How a program that trains should use n threads (n <= 0: every core, at most
 * BP_MAX_WORKERS): OpenBLAS on one thread and the engine's own threads (this file's workers
 * and the networks' teams) at n. This is what backprop-bench has always measured, and it
 * trains every workload of bench/README.md faster than OpenBLAS's own pool (W1 on 2 cores:
 * ~60k samples/s against ~40-48k), and it gives ground gracefully: a team hands out chunks,
 * so when another program (the window drawing) takes a core for a few milliseconds, the
 * other thread takes that core's chunks instead of waiting for it. Returns the count set. */
int bp_workers_use_for_training (int n);

/* How many workers a pass over n items should use: min(bp_workers_get_threads, BP_MAX_WORKERS, n),
 * and 1 when the whole pass is smaller than `min_work` (in any unit the caller likes, given
 * as work_per_item * n). */
int bp_workers_for (int n, double work_per_item, double min_work);

/* Runs fn (ctx, w, begin, end) for w = 0 .. workers-1 on the contiguous ranges
 * [n*w/workers, n*(w+1)/workers) of [0, n): worker 0 in the calling thread, the others in new
 * threads, and returns when all are done. A thread that cannot be started has its range run in
 * the calling thread instead, with the same w. */
void bp_workers_run (int workers, int n, void (*fn) (void *ctx, int w, int begin, int end),
                     void *ctx);

/* C = op(A) op(B) + beta C, row-major, as bp_gemm with alpha 1, for GEMMs issued from inside
 * a worker: when BLAS may use several threads, cut into pieces small enough that OpenBLAS
 * computes each in the calling thread (it wakes its own threads only above 2^18
 * multiply-adds). */
void bp_gemm_in_thread (bool trans_a, bool trans_b, int M, int N, int K, const float *A, int lda,
                        const float *B, int ldb, float beta, float *C, int ldc);

/* A team of helper threads that outlive a pass, for passes run at every training step (the
 * dense layers' products and elementwise passes, the optimizer's), where starting threads each
 * time would cost as much as a small pass. A pass is cut into chunks that the calling thread
 * and the helpers take one at a time, so a helper that wakes late (its core busy with another
 * program) only takes fewer chunks. Between passes a helper spins for BP_TEAM_SPIN_US (with
 * pause, not sched_yield), so that the passes of a training step, a few to a few hundred
 * microseconds apart, cost no wake-up; then it sleeps. (W2: spinning 30 us, a third of the
 * products found the helper asleep and the caller waited up to 1 ms a step; 200 us, a tenth,
 * and steps 2-4% faster.) A team belongs to one caller (the network); two teams never share
 * anything. */
typedef struct bp_team bp_team;

#define BP_TEAM_SPIN_US 200

/* A team of up to `helpers` threads (0 .. BP_MAX_WORKERS - 1), started on first use. NULL when
 * out of memory; bp_team_run then runs everything in the calling thread. */
bp_team *bp_team_new (int helpers);
void bp_team_free (bp_team *team);

/* Runs fn (ctx, c) once for each chunk c in [0, n_chunks), on the calling thread and up to
 * workers - 1 helpers, and returns when every chunk is done. The calling thread takes chunks
 * from the front, the helpers from the back, so that the same thread tends to get the same
 * chunks (and their data in its cache) pass after pass; but which thread runs which chunk is
 * left to chance: results must not depend on it (give each chunk its own output). */
void bp_team_run (bp_team *team, int workers, int n_chunks, void (*fn) (void *ctx, int chunk),
                  void *ctx);

/* C = op(A) op(B) + beta C, row-major, as bp_gemm with alpha 1, computed by up to `workers`
 * threads of the team at once: C is cut along its longer side into pieces of whole 32-wide
 * tiles, each piece one bp_gemm in the thread that takes it. Only when OpenBLAS is on one
 * thread (bp_blas_get_threads () == 1) and the product is large enough to pay for the hand-off;
 * otherwise one bp_gemm, which OpenBLAS may split over its own threads. Why the engine splits
 * instead of OpenBLAS: OpenBLAS's threads spin in sched_yield for ~0.1 s after each product,
 * so on a machine with no spare core they take turns with everything else of the step (the
 * optimizer pass, the activations); the team's helpers spin briefly and then sleep. Each
 * element of C is summed in the same order however C is cut (the cut is along M or N, never
 * K), so results do not depend on which thread computes which piece. */
void bp_team_gemm (bp_team *team, int workers, bool trans_a, bool trans_b, int M, int N, int K,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C,
                   int ldc);

/* One product C = op(A) op(B) + beta C for bp_team_gemms (alpha 1, row-major). */
typedef struct bp_gemm_args {
  bool trans_a, trans_b;
  int M, N, K;
  const float *A;
  int lda;
  const float *B;
  int ldb;
  float beta;
  float *C;
  int ldc;
} bp_gemm_args;

#define BP_TEAM_MAX_GEMMS 4

/* Up to BP_TEAM_MAX_GEMMS independent products (no C is another's A or B): the large ones one
 * after the other, each cut as bp_team_gemm cuts it; the small ones (below 8M multiply-adds)
 * whole, side by side, one per thread, in one pass (a dense layer's dW and dx: W2's output
 * layer spends less time so than cutting each of its skinny products in two). */
void bp_team_gemms (bp_team *team, int workers, const bp_gemm_args *g, int n);
