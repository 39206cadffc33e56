/* SPDX-License-Identifier: GPL-3.0-or-later */
/* W4 "tiny": the TensorFlow Playground two spirals on a 2-8-8-1 tanh net, SGD, batch 10.
 * Data, shuffling and the initial weights follow WORKLOADS.md exactly, so the final loss
 * can be compared with the peers' to several digits. */
#define _POSIX_C_SOURCE 200809L
#include "bench/workloads.h"
#include "data/synth.h"
#include "engine/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* WORKLOADS.md: SplitMix64(seed + 2), layer by layer, per output neuron its fan_in weights
 * then its bias, each U(+-1/sqrt(fan_in)). Our dense layout is weight (out, in), bias (out). */
static void
init_like_peers (bp_net *net, uint64_t seed)
{
  bp_rng r;
  bp_rng_seed (&r, seed + 2);
  for (int l = 0; l < bp_net_n_layers (net); l++)
    {
      bp_layer *L = bp_net_layer (net, l);
      bp_param_view v[BP_MAX_PARAM_VIEWS];
      int nv = L->ops->param_views (L, v);
      if (nv < 2)
        continue;
      int out = v[0].dims[0], in = v[0].dims[1];
      double b = 1.0 / sqrt ((double) in);
      for (int j = 0; j < out; j++)
        {
          for (int i = 0; i < in; i++)
            v[0].value[j * in + i] = (float) ((bp_rng_uniform (&r) * 2.0 - 1.0) * b);
          v[1].value[j] = (float) ((bp_rng_uniform (&r) * 2.0 - 1.0) * b);
        }
    }
}

#define TINY_RUNS 5

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

int
bp_run_tiny (const bp_workload *w, const bp_bench_args *a)
{
  char err[512];
  bp_dataset *ds = bp_synth_two_spirals (500, 0.1, a->seed, err, sizeof err);
  bp_net *net = ds ? bp_workload_net (w, a->seed, err, sizeof err) : NULL;
  if (!net)
    {
      fprintf (stderr, "backprop-bench: %s\n", err);
      bp_dataset_free (ds);
      return 2;
    }
  const int batch = w->batch;
  const uint32_t n = (uint32_t) ds->n_rows;
  uint32_t perm[500];
  float x[2 * 500], t[500];
  int32_t lab[500];
  long steps = a->steps, tail = steps / 10 > 0 ? steps / 10 : 1;
  double tail_loss = 0;

  /* As fann_tiny does: the whole run TINY_RUNS times from the same start, and the median
   * time (one run is a tenth of a second: one slice given to another program changes it by
   * half). The runs are the same to the bit, so the losses are the last run's. */
  double dts[TINY_RUNS];
  for (int run = 0; run < TINY_RUNS; run++)
    {
      bp_net_reset (net, a->seed);
      init_like_peers (net, a->seed);
      for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
      bp_rng shuffle;
      bp_rng_seed (&shuffle, a->seed + 1);
      long step = 0;
      tail_loss = 0;
      double t0 = now_s ();
      while (step < steps)
        {
          bp_rng_shuffle_u32 (&shuffle, perm, n);
          for (uint32_t k = 0; k < n && step < steps; k += (uint32_t) batch, step++)
            {
              int nb = (int) (n - k < (uint32_t) batch ? n - k : (uint32_t) batch);
              /* Labels 1/0 become BCE's float targets, inside the timed loop like the
               * peers'. */
              bp_dataset_gather (ds, NULL, perm + k, nb, x, lab, NULL);
              for (int i = 0; i < nb; i++)
                t[i] = (float) lab[i];
              bp_batch b = { .x = x, .targets = t, .n = nb };
              bp_step_stats st;
              bp_net_train_step (net, &b, &st);
              if (step >= steps - tail)
                tail_loss += st.loss;
            }
        }
      dts[run] = now_s () - t0;
    }
  qsort (dts, TINY_RUNS, sizeof dts[0], cmp_double);
  double dt = dts[TINY_RUNS / 2];

  uint32_t all[500];
  for (uint32_t i = 0; i < n; i++)
    all[i] = i;
  bp_dataset_gather (ds, NULL, all, (int) n, x, lab, NULL);
  for (uint32_t i = 0; i < n; i++)
    t[i] = (float) lab[i];
  double loss = 0;
  int correct = 0;
  for (uint32_t k = 0; k < n; k += (uint32_t) batch)
    {
      int c = 0;
      bp_batch b = { .x = x + 2 * k, .targets = t + k, .n = batch };
      loss += bp_net_eval_batch (net, &b, &c);
      correct += c;
    }
  printf ("RESULT name=backprop_tiny peer=backprop workload=tiny threads=%d loss_fn=bce "
          "steps=%ld samples=%ld seconds=%.6g steps_per_s=%.6g samples_per_s=%.6g gflops=%.6g "
          "last10pct_batch_loss=%.6g final_train_loss=%.6g train_acc=%.6g\n",
          a->threads, steps, steps * batch, dt, steps / dt, steps * batch / dt,
          w->flop_per_sample * (double) (steps * batch) / dt / 1e9, tail_loss / (double) tail,
          loss / n, (double) correct / n);
  bp_net_free (net);
  bp_dataset_free (ds);
  return 0;
}
