/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-bench: the workloads of ../shared/bench/WORKLOADS.md, run by Backprop's engine and
 * reported with the same RESULT keys as the peers (torch_bench.py, fann_tiny.c), so that the
 * figures compare one to one. The timed region is the training loop only: the per-epoch
 * shuffle, the batch gather (uint8 -> float), forward, backward and the optimizer step. */
#define _POSIX_C_SOURCE 200809L
#include "bench/workloads.h"
#include "engine/blas.h"
#include "engine/net.h"
#include "engine/rng.h"
#include "engine/workers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void
usage (FILE *f)
{
  fprintf (f,
           "usage: backprop-bench --workload {mlp,mlp-wide,cnn,tiny} [--threads N] [--seed S]\n"
           "                      [--samples N] [--steps N] [--epochs N] [--eval 0|1]\n"
           "                      [--trace PREFIX]\n"
           "Runs one workload of ../shared/bench/WORKLOADS.md and prints one RESULT line.\n"
           "--epochs and --eval 0 are for profiling the training loop alone (the benchmark is\n"
           "one epoch, evaluated). --trace writes PREFIX.init.safetensors,\n"
           "PREFIX.order.safetensors, PREFIX.loss.txt and PREFIX.final.safetensors, for\n"
           "bench/w3-same-init.py.\n");
}

/* W1-W3: one epoch (or --samples) of Fashion-MNIST with Adam, then evaluation. */
static int
run_fmnist (const bp_workload *w, const bp_bench_args *a)
{
  char err[512];
  bp_fmnist fm;
  if (bp_fmnist_load (&fm, err, sizeof err) != 0)
    {
      fprintf (stderr, "backprop-bench: %s\n", err);
      return 2;
    }
  bp_net *net = bp_workload_net (w, a->seed, err, sizeof err);
  if (!net)
    {
      fprintf (stderr, "backprop-bench: %s\n", err);
      bp_fmnist_clear (&fm);
      return 2;
    }
  const int batch = w->batch;
  const int in = (int) bp_net_input_size (net);
  size_t n_train = fm.train->n_rows;
  size_t n = a->samples > 0 && (size_t) a->samples < n_train ? (size_t) a->samples : n_train;

  uint32_t *perm = malloc (n_train * sizeof *perm);
  float *x = malloc ((size_t) batch * (size_t) in * sizeof *x);
  int32_t *labels = malloc ((size_t) batch * sizeof *labels);
  for (size_t i = 0; i < n_train; i++)
    perm[i] = (uint32_t) i;
  bp_rng shuffle;
  bp_rng_seed (&shuffle, a->seed + 1);

  double loss_sum = 0;
  long steps = 0;
  bool diverged = false;
  /* Each step's time too: on a machine shared with other work, the fast steps (p10) tell
   * what the code does when it has the cores, where the mean tells about the load. */
  size_t max_steps = ((n + (size_t) batch - 1) / (size_t) batch) * (size_t) a->epochs;
  double *step_s = malloc ((max_steps > 0 ? max_steps : 1) * sizeof *step_s);
  /* --trace: the initial weights, each epoch's order and each step's loss */
  uint32_t *order = a->trace ? malloc ((size_t) a->epochs * n_train * sizeof *order) : NULL;
  double *step_loss
    = a->trace ? malloc ((max_steps > 0 ? max_steps : 1) * sizeof *step_loss) : NULL;
  if (a->trace && bp_trace_save_net (a->trace, "init", net, err, sizeof err) != 0)
    fprintf (stderr, "backprop-bench: %s\n", err);
  double t0 = now_s (), t_prev = t0;
  for (int e = 0; e < a->epochs && !diverged; e++)
    {
      bp_rng_shuffle_u32 (&shuffle, perm, (uint32_t) n_train);
      if (order)
        memcpy (order + (size_t) e * n_train, perm, n_train * sizeof *perm);
      for (size_t i = 0; i < n; i += (size_t) batch)
        {
          int nb = (int) (n - i < (size_t) batch ? n - i : (size_t) batch);
          bp_dataset_gather (fm.train, NULL, perm + i, nb, x, labels, NULL);
          bp_batch b = { .x = x, .labels = labels, .n = nb };
          bp_step_stats st;
          if (bp_net_train_step (net, &b, &st) != BP_STEP_OK)
            {
              fprintf (stderr, "backprop-bench: training diverged at step %ld\n", steps);
              diverged = true;
              break;
            }
          loss_sum += st.loss * nb;
          if (step_loss)
            step_loss[steps] = st.loss;
          double t = now_s ();
          step_s[steps++] = t - t_prev;
          t_prev = t;
        }
    }
  double dt = now_s () - t0;
  if (a->trace
      && (bp_trace_save_run (a->trace, order, a->epochs, n_train, step_loss, steps, err,
                             sizeof err) != 0
          || bp_trace_save_net (a->trace, "final", net, err, sizeof err) != 0))
    fprintf (stderr, "backprop-bench: %s\n", err);
  free (order);
  free (step_loss);
  /* samples trained, over all epochs; the losses are per sample */
  n *= (size_t) a->epochs;

  double train_loss = NAN, test_acc = NAN;
  if (a->eval)
    {
      train_loss = bp_eval_dataset (net, fm.train, x, labels, batch, NULL);
      bp_eval_dataset (net, fm.test, x, labels, batch, &test_acc);
    }

  qsort (step_s, (size_t) steps, sizeof *step_s, cmp_double);
  double p10 = steps > 0 ? step_s[steps / 10] : NAN, p50 = steps > 0 ? step_s[steps / 2] : NAN;
  printf ("RESULT name=backprop_%s peer=backprop workload=%s threads=%d samples=%zu steps=%ld "
          "seconds=%.6g samples_per_s=%.6g steps_per_s=%.6g gflops=%.6g epoch_avg_loss=%.6g "
          "final_train_loss=%.6g test_acc=%.6g step_ms_p10=%.4g step_ms_p50=%.4g "
          "p10_samples_per_s=%.6g\n",
          w->result_name, w->name, a->threads, n, steps, dt, (double) n / dt, steps / dt,
          w->flop_per_sample * (double) n / dt / 1e9, loss_sum / (double) n, train_loss,
          test_acc, p10 * 1e3, p50 * 1e3, batch / p10);
  free (step_s);
  free (perm);
  free (x);
  free (labels);
  bp_net_free (net);
  bp_fmnist_clear (&fm);
  return 0;
}

int
main (int argc, char **argv)
{
  bp_bench_args a = { .workload = NULL, .threads = 2, .seed = 1, .samples = 0, .steps = 20000,
                       .epochs = 1, .eval = true, .trace = NULL };
  for (int i = 1; i < argc; i++)
    {
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h"))
        {
          usage (stdout);
          return 0;
        }
      else if (!v)
        {
          usage (stderr);
          return 2;
        }
      else if (!strcmp (argv[i], "--workload"))
        a.workload = v;
      else if (!strcmp (argv[i], "--threads"))
        a.threads = atoi (v);
      else if (!strcmp (argv[i], "--seed"))
        a.seed = strtoull (v, NULL, 10);
      else if (!strcmp (argv[i], "--samples"))
        a.samples = atol (v);
      else if (!strcmp (argv[i], "--steps"))
        a.steps = atol (v);
      else if (!strcmp (argv[i], "--epochs"))
        a.epochs = atoi (v);
      else if (!strcmp (argv[i], "--eval"))
        a.eval = atoi (v) != 0;
      else if (!strcmp (argv[i], "--trace"))
        a.trace = v;
      else
        {
          usage (stderr);
          return 2;
        }
      i++;
    }
  const bp_workload *w = a.workload ? bp_workload_find (a.workload) : NULL;
  if (!w || a.threads < 1 || a.epochs < 1)
    {
      usage (stderr);
      return 2;
    }
  /* OpenBLAS on one thread, the engine's own threads (workers.h) at --threads: the dense
   * layers cut their products over the network's team (bp_team_gemm), the convolution and
   * pooling layers split the batch, the optimizer pass its chunks. OpenBLAS's pool threads
   * spin in sched_yield for ~0.1 s after every product they share, and on a machine with no
   * spare core they take turns with everything else of the step (W3, 2 cores: 16 ms a step
   * with both at 2 threads, 9.4 ms with OpenBLAS at 1; W1: see bench/README.md). Still at
   * most --threads threads at work. */
  bp_blas_set_threads (1);
  bp_workers_set_threads (a.threads);
  if (!strcmp (w->name, "tiny"))
    return bp_run_tiny (w, &a);
  return run_fmnist (w, &a);
}
