/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gemm-split: the dense layers' products of W1 and W2 (forward x W^T, dW = dz^T x, dx = dz W),
 * timed three ways: OpenBLAS on one thread with the engine's team cutting C (bp_team_gemm),
 * OpenBLAS on one thread, and OpenBLAS on --threads threads, the reps of one way in a row (the
 * OpenBLAS pool spins for ~0.1 s after its last product and would slow the team's helper if
 * the ways took turns). Prints each way's best and median GFLOP/s per shape. The best is what
 * the code does when it has the cores; on a machine shared with other work the median tells
 * more about the load (chrt -f 10 keeps the other work away, bench/README.md).
 *   usage: gemm-split [--threads N] [--reps N] */
#define _POSIX_C_SOURCE 200809L
#include "engine/blas.h"
#include "engine/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct shape {
  const char *name;
  bool ta, tb;
  int M, N, K;
  float beta;
} shape;

static const shape shapes[] = {
  { "W2 L1 forward  256x1024x784", false, true, 256, 1024, 784, 0.0f },
  { "W2 L1 dW      1024x784x256", true, false, 1024, 784, 256, 1.0f },
  { "W2 L2 forward 256x1024x1024", false, true, 256, 1024, 1024, 0.0f },
  { "W2 L2 dW     1024x1024x256", true, false, 1024, 1024, 256, 1.0f },
  { "W2 L2 dx     256x1024x1024", false, false, 256, 1024, 1024, 1.0f },
  { "W1 L1 forward    64x256x784", false, true, 64, 256, 784, 0.0f },
  { "W1 L1 dW        256x784x64", true, false, 256, 784, 64, 1.0f },
  { "W1 L2 forward    64x128x256", false, true, 64, 128, 256, 0.0f },
  { "W1 L2 dW        128x256x64", true, false, 128, 256, 64, 1.0f },
  { "W1 L2 dx        64x256x128", false, false, 64, 256, 128, 1.0f },
  { "square         1024x1024x1024", false, false, 1024, 1024, 1024, 0.0f },
};

static double
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  int threads = 2, reps = 30;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!strcmp (argv[i], "--threads"))
      threads = atoi (argv[i + 1]);
    else if (!strcmp (argv[i], "--reps"))
      reps = atoi (argv[i + 1]);
  if (threads < 1 || reps < 1)
    {
      fprintf (stderr, "usage: gemm-split [--threads N] [--reps N]\n");
      return 2;
    }
  size_t big = (size_t) 1024 * 1024;
  float *A = malloc (big * sizeof *A), *B = malloc (big * sizeof *B), *C = malloc (big * sizeof *C);
  double *t[3];
  for (int w = 0; w < 3; w++)
    t[w] = malloc ((size_t) reps * sizeof *t[w]);
  for (size_t i = 0; i < big; i++)
    {
      A[i] = (float) (i % 7) * 0.1f;
      B[i] = (float) (i % 5) * 0.1f;
      C[i] = 0.0f;
    }
  bp_team *team = bp_team_new (threads - 1);
  static const char *const way[3] = { "team", "openblas 1 thread", "openblas threaded" };
  printf ("%d threads, %d reps; GFLOP/s best / median\n", threads, reps);
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    {
      const shape *h = &shapes[s];
      int lda = h->ta ? h->M : h->K, ldb = h->tb ? h->K : h->N;
      double flop = 2.0 * h->M * h->N * h->K;
      for (int w = 0; w < 3; w++)
        for (int r = 0; r < reps; r++)
          {
            bp_blas_set_threads (w == 2 ? threads : 1);
            double t0 = now_s ();
            if (w == 0)
              bp_team_gemm (team, threads, h->ta, h->tb, h->M, h->N, h->K, A, lda, B, ldb,
                            h->beta, C, h->N);
            else
              bp_gemm (h->ta, h->tb, h->M, h->N, h->K, 1.0f, A, lda, B, ldb, h->beta, C, h->N);
            t[w][r] = now_s () - t0;
          }
      printf ("%-30s", h->name);
      for (int w = 0; w < 3; w++)
        {
          qsort (t[w], (size_t) reps, sizeof *t[w], cmp_double);
          printf ("  %s %6.1f / %6.1f", way[w], flop / t[w][0] / 1e9,
                  flop / t[w][reps / 2] / 1e9);
        }
      printf ("\n");
    }
  bp_team_free (team);
  for (int w = 0; w < 3; w++)
    free (t[w]);
  free (A);
  free (B);
  free (C);
  return 0;
}
