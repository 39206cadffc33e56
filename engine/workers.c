/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Short-lived worker threads for the batch passes of conv2d and pooling, and the persistent
 * team of the optimizer pass; see workers.h. */
#include "engine/workers.h"

#include "engine/blas.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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
bp_workers_use_for_training (int n)
{
  if (n <= 0)
    {
      long cores = sysconf (_SC_NPROCESSORS_ONLN);
      n = cores < 1 ? 1 : (int) cores;
    }
  if (n > BP_MAX_WORKERS)
    n = BP_MAX_WORKERS;
  bp_blas_set_threads (1);
  bp_workers_set_threads (n);
  return n;
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

/* ---- bp_team ---- */

/* The ticket of a pass packs everything a helper must see at once into one atomic word: the
 * pass's generation (24 bits) and the chunks not yet taken, [lo, hi) (20 bits each). The
 * calling thread takes chunks from the front, the helpers from the back, so that when the
 * threads keep pace each runs the same chunks pass after pass: the same half of the
 * parameters, gradients and moments stays in the same core's cache from step to step (W1's
 * fit in two L2 caches), and a late helper only leaves more chunks to the caller. A chunk is
 * taken by a compare-and-swap that also checks the generation, so a helper that wakes late
 * can never take a chunk of a newer pass with an older job in hand. */
#define GEN_BITS 24
#define COUNT_BITS 20
#define COUNT_MASK ((UINT64_C (1) << COUNT_BITS) - 1)
#define GEN_MASK ((UINT64_C (1) << GEN_BITS) - 1)
#define TEAM_MAX_CHUNKS ((int) COUNT_MASK)

typedef struct helper_arg {
  bp_team *team;
  unsigned seen; /* generation at start */
} helper_arg;

struct bp_team {
  int max_helpers, started;
  pthread_t tid[BP_MAX_WORKERS];
  helper_arg args[BP_MAX_WORKERS];
  pthread_mutex_t lock;
  pthread_cond_t wake;
  /* The job of the pass in progress, written before its ticket is published and read by a
   * helper only after it has taken a chunk of that pass (which keeps the pass open). */
  void (*fn) (void *ctx, int chunk);
  void *ctx;
  unsigned next_gen;          /* the caller's count of passes */
  _Atomic uint64_t ticket;    /* gen | chunks | next, see above */
  atomic_uint generation;     /* passes posted; helpers wait for it to change */
  atomic_int done;            /* chunks finished in the pass in progress */
  atomic_int sleeping;        /* helpers waiting on `wake` */
  atomic_bool stop;
};

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static double
now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec * 1e6 + (double) t.tv_nsec * 1e-3;
}

/* Takes and runs chunks of pass `gen` until none is left (or a newer pass has begun): from
 * the front for the calling thread, from the back for a helper. */
static void
team_work (bp_team *t, uint64_t gen, bool front)
{
  uint64_t tk = atomic_load (&t->ticket);
  for (;;)
    {
      if ((tk >> (2 * COUNT_BITS)) != gen)
        return;
      uint64_t lo = (tk >> COUNT_BITS) & COUNT_MASK, hi = tk & COUNT_MASK;
      if (lo >= hi)
        return;
      uint64_t next = front ? tk + (UINT64_C (1) << COUNT_BITS) : tk - 1;
      if (!atomic_compare_exchange_weak (&t->ticket, &tk, next))
        continue; /* tk now holds the current ticket */
      t->fn (t->ctx, (int) (front ? lo : hi - 1));
      atomic_fetch_add_explicit (&t->done, 1, memory_order_release);
      tk = atomic_load (&t->ticket);
    }
}

/* Waits until the generation differs from seen (or the team stops): spinning for
 * BP_TEAM_SPIN_US, then asleep. Returns the new generation. */
static unsigned
team_wait (bp_team *t, unsigned seen)
{
  double until = 0;
  for (int i = 0;; i++)
    {
      unsigned g = atomic_load (&t->generation);
      if (g != seen || atomic_load (&t->stop))
        return g;
      if ((i & 63) == 0)
        {
          double now = now_us ();
          if (until == 0)
            until = now + BP_TEAM_SPIN_US;
          else if (now > until)
            break;
        }
      cpu_relax ();
    }
  pthread_mutex_lock (&t->lock);
  /* sleeping is raised before generation is read again, and the poster raises generation
   * before it reads sleeping (both sequentially consistent): one of the two sees the other,
   * and the lock keeps the wake-up from falling between the check and the wait. */
  atomic_fetch_add (&t->sleeping, 1);
  unsigned g;
  while ((g = atomic_load (&t->generation)) == seen && !atomic_load (&t->stop))
    pthread_cond_wait (&t->wake, &t->lock);
  atomic_fetch_sub (&t->sleeping, 1);
  pthread_mutex_unlock (&t->lock);
  return g;
}

static void *
helper_main (void *p)
{
  helper_arg *a = p;
  bp_team *t = a->team;
  unsigned seen = a->seen;
  for (;;)
    {
      seen = team_wait (t, seen);
      if (atomic_load (&t->stop))
        return NULL;
      team_work (t, seen & GEN_MASK, false);
    }
}

bp_team *
bp_team_new (int helpers)
{
  bp_team *t = calloc (1, sizeof *t);
  if (t == NULL)
    return NULL;
  t->max_helpers = helpers < 0 ? 0 : helpers > BP_MAX_WORKERS - 1 ? BP_MAX_WORKERS - 1 : helpers;
  pthread_mutex_init (&t->lock, NULL);
  pthread_cond_init (&t->wake, NULL);
  atomic_init (&t->ticket, 0);
  atomic_init (&t->generation, 0);
  atomic_init (&t->done, 0);
  atomic_init (&t->sleeping, 0);
  atomic_init (&t->stop, false);
  return t;
}

void
bp_team_free (bp_team *t)
{
  if (t == NULL)
    return;
  pthread_mutex_lock (&t->lock);
  atomic_store (&t->stop, true);
  pthread_cond_broadcast (&t->wake);
  pthread_mutex_unlock (&t->lock);
  for (int i = 0; i < t->started; i++)
    pthread_join (t->tid[i], NULL);
  pthread_cond_destroy (&t->wake);
  pthread_mutex_destroy (&t->lock);
  free (t);
}

void
bp_team_run (bp_team *t, int workers, int n_chunks, void (*fn) (void *ctx, int chunk), void *ctx)
{
  if (t != NULL && n_chunks > 1)
    while (t->started < workers - 1 && t->started < t->max_helpers)
      {
        helper_arg *a = &t->args[t->started];
        *a = (helper_arg) { t, atomic_load (&t->generation) };
        if (pthread_create (&t->tid[t->started], NULL, helper_main, a) != 0)
          {
            t->max_helpers = t->started; /* no more tries */
            break;
          }
        t->started++;
      }
  if (t == NULL || t->started == 0 || workers <= 1 || n_chunks <= 1
      || n_chunks > TEAM_MAX_CHUNKS)
    {
      for (int c = 0; c < n_chunks; c++)
        fn (ctx, c);
      return;
    }
  /* Helpers beyond `workers - 1` may join too when they happen to be awake; harmless, and
   * rare (the count only changes with bp_workers_set_threads). */
  t->fn = fn;
  t->ctx = ctx;
  atomic_store (&t->done, 0);
  uint64_t gen = ++t->next_gen & GEN_MASK;
  atomic_store (&t->ticket, gen << (2 * COUNT_BITS) | (uint64_t) n_chunks);
  atomic_store (&t->generation, t->next_gen);
  if (atomic_load (&t->sleeping) > 0)
    {
      pthread_mutex_lock (&t->lock);
      pthread_cond_broadcast (&t->wake);
      pthread_mutex_unlock (&t->lock);
    }
  team_work (t, gen, true);
  while (atomic_load_explicit (&t->done, memory_order_acquire) < n_chunks)
    cpu_relax ();
}

/* ---- bp_team_gemm ---- */

/* Products of fewer multiply-adds than this run whole in the calling thread: a piece must
 * outweigh the hand-off to a helper (a few microseconds when it is awake). OpenBLAS's own
 * threshold for threading is the same. */
#define TEAM_GEMM_MIN_MNK 262144.0
/* Beside another product, one of fewer multiply-adds than this runs whole in one thread while
 * another thread takes the other product: cut in pieces, such a product (W2's output layer,
 * 1024 x 10 x 256) spends more time packing and going over C than multiplying. Large products
 * still go one at a time, each cut over all threads: side by side they ran 15% slower in W2
 * (the threads no longer share the operand they both read). */
#define TEAM_GEMM_WHOLE_MNK 8e6
#define TEAM_GEMM_TILE 32

typedef struct gemm_piece_job {
  const bp_gemm_args *g;
  bool split_n;
  int first, pieces, step; /* this product's chunks: [first, first + pieces) */
} gemm_piece_job;

typedef struct gemm_job {
  gemm_piece_job p[BP_TEAM_MAX_GEMMS];
  int n;
} gemm_job;

static void
gemm_whole (const bp_gemm_args *g)
{
  bp_gemm (g->trans_a, g->trans_b, g->M, g->N, g->K, 1.0f, g->A, g->lda, g->B, g->ldb, g->beta,
           g->C, g->ldc);
}

static void
gemm_piece (void *ctx, int c)
{
  const gemm_job *job = ctx;
  int k = 0;
  while (c >= job->p[k].first + job->p[k].pieces)
    k++;
  const gemm_piece_job *p = &job->p[k];
  const bp_gemm_args *g = p->g;
  if (p->pieces == 1)
    {
      gemm_whole (g);
      return;
    }
  int D = p->split_n ? g->N : g->M;
  int b = (c - p->first) * p->step, e = b + p->step < D ? b + p->step : D;
  if (b >= e)
    return;
  if (p->split_n) /* columns b..e of C: of op(B) */
    bp_gemm (g->trans_a, g->trans_b, g->M, e - b, g->K, 1.0f, g->A, g->lda,
             g->trans_b ? g->B + (size_t) b * (size_t) g->ldb : g->B + b, g->ldb, g->beta,
             g->C + b, g->ldc);
  else /* rows b..e of C: of op(A) */
    bp_gemm (g->trans_a, g->trans_b, e - b, g->N, g->K, 1.0f,
             g->trans_a ? g->A + b : g->A + (size_t) b * (size_t) g->lda, g->lda, g->B, g->ldb,
             g->beta, g->C + (size_t) b * (size_t) g->ldc, g->ldc);
}

/* One pass of the team over products g[0..n): each cut in `workers` pieces, or whole when
 * `whole` (then the products run side by side, one per thread). */
static void
team_gemm_pass (bp_team *team, int workers, const bp_gemm_args *g, int n, bool whole)
{
  gemm_job job = { .n = n };
  int chunks = 0;
  for (int k = 0; k < n; k++)
    {
      gemm_piece_job *p = &job.p[k];
      /* Each thread packs the whole of the operand along the side that is not cut: cut N
       * (C's columns, so op(B)) when op(A) is the smaller, else M (C's rows), which also gives
       * each thread a contiguous block of C (a tie, W2's 1024 x 1024 dW, goes to rows). */
      p->g = &g[k];
      p->split_n = g[k].M < g[k].N;
      int D = p->split_n ? g[k].N : g[k].M;
      p->pieces = whole || D / TEAM_GEMM_TILE < 1 ? 1
                  : D / TEAM_GEMM_TILE < workers ? D / TEAM_GEMM_TILE : workers;
      int tiles = (D + TEAM_GEMM_TILE - 1) / TEAM_GEMM_TILE;
      p->step = (tiles + p->pieces - 1) / p->pieces * TEAM_GEMM_TILE;
      p->first = chunks;
      chunks += p->pieces;
    }
  if (chunks == 1)
    gemm_whole (&g[0]);
  else
    bp_team_run (team, chunks < workers ? chunks : workers, chunks, gemm_piece, &job);
}

void
bp_team_gemms (bp_team *team, int workers, const bp_gemm_args *g, int n)
{
  if (workers > BP_MAX_WORKERS)
    workers = BP_MAX_WORKERS;
  double total = 0;
  for (int k = 0; k < n; k++)
    total += (double) g[k].M * (double) g[k].N * (double) g[k].K;
  if (team == NULL || workers <= 1 || total < TEAM_GEMM_MIN_MNK || n > BP_TEAM_MAX_GEMMS
      || bp_blas_get_threads () > 1)
    {
      for (int k = 0; k < n; k++)
        gemm_whole (&g[k]);
      return;
    }
  /* The large products one after the other, each cut over the threads (so that the threads
   * share the operand that is not cut, in the cache they share); the small ones together,
   * whole, side by side (one alone: whole in the calling thread). */
  bp_gemm_args small[BP_TEAM_MAX_GEMMS];
  int n_small = 0;
  double small_mnk = 0;
  for (int k = 0; k < n; k++)
    {
      double mnk = (double) g[k].M * (double) g[k].N * (double) g[k].K;
      if (mnk < TEAM_GEMM_MIN_MNK || (n > 1 && mnk < TEAM_GEMM_WHOLE_MNK))
        {
          small[n_small++] = g[k];
          small_mnk += mnk;
        }
      else
        team_gemm_pass (team, workers, &g[k], 1, false);
    }
  /* (all of them too small to pay for waking a helper: in the calling thread) */
  if (n_small > 0)
    team_gemm_pass (team, small_mnk < TEAM_GEMM_MIN_MNK ? 1 : workers, small, n_small, true);
}

void
bp_team_gemm (bp_team *team, int workers, bool trans_a, bool trans_b, int M, int N, int K,
              const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
  bp_gemm_args g = { trans_a, trans_b, M, N, K, A, lda, B, ldb, beta, C, ldc };
  bp_team_gemms (team, workers, &g, 1);
}
