/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the live session costs: the same training as a bare engine loop (shuffle, gather,
 * bp_net_train_step) and as a bp_session with a reader draining the metric log and taking
 * snapshots at 30 Hz (histograms; for tiny also the 100x100 decision grid and the neuron
 * thumbnails). Runs alternate bare/session and the medians are compared: samples/s (wall
 * time, what the issue asks) and CPU time of the process (the work, whatever the load).
 * usage: session-overhead [mlp|tiny|all] [REPS] [bare-session]
 * (OPENBLAS_NUM_THREADS=2 recommended). "bare-session": no snapshots, no history, no reader,
 * to tell the per-step cost of the session from the snapshots'. */
#define _POSIX_C_SOURCE 200809L
#include "bench/workloads.h"
#include "data/synth.h"
#include "engine/rng.h"
#include "engine/session.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TINY_STEPS 100000 /* 5x W4's 20,000, so one run lasts long enough to time */

static bool no_snapshots; /* set once from argv before any thread starts */

static double
now_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

/* CPU time of the whole process (every thread): on a busy machine wall time also measures
 * the scheduler; CPU time measures the work. Both are reported. */
static double
cpu_s (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

typedef struct job {
  const bp_workload *w;
  bp_spec *spec;
  const bp_dataset *ds;
  bp_split split; /* every row trains */
  uint64_t steps;
} job;

/* The engine alone, doing what the trainer does per step. Returns seconds. */
static double
bare_run (const job *j, double *cpu)
{
  char err[256];
  bp_net *net = bp_net_create (j->spec, err, sizeof err);
  if (net == NULL || bp_net_compile (net, j->w->batch, err, sizeof err) != 0)
    {
      fprintf (stderr, "session-overhead: %s\n", err);
      exit (1);
    }
  uint32_t n = j->split.n_train;
  int in = (int) bp_net_input_size (net), out = (int) bp_net_output_size (net);
  uint32_t *order = malloc (sizeof *order * n);
  memcpy (order, j->split.train, sizeof *order * n);
  float *x = malloc (sizeof (float) * (size_t) j->w->batch * (size_t) in);
  int32_t *labels = malloc (sizeof (int32_t) * (size_t) j->w->batch);
  float *targets = malloc (sizeof (float) * (size_t) j->w->batch * (size_t) out);
  bool ce = j->spec->loss == BP_LOSS_CROSS_ENTROPY;
  bp_rng rng;
  bp_rng_seed (&rng, j->spec->seed + 1);
  uint32_t pos = 0;
  double t0 = now_s (), c0 = cpu_s ();
  for (uint64_t s = 0; s < j->steps; s++)
    {
      if (pos == 0)
        bp_rng_shuffle_u32 (&rng, order, n);
      int k = n - pos < (uint32_t) j->w->batch ? (int) (n - pos) : j->w->batch;
      bp_dataset_gather (j->ds, NULL, order + pos, k, x, labels, NULL);
      bp_batch b = { .x = x, .n = k };
      if (ce)
        b.labels = labels;
      else
        {
          for (int i = 0; i < k; i++)
            targets[i] = (float) labels[i];
          b.targets = targets;
        }
      bp_step_stats st;
      bp_net_train_step (net, &b, &st);
      pos += (uint32_t) k;
      if (pos == n)
        pos = 0;
    }
  double t = now_s () - t0;
  *cpu = cpu_s () - c0;
  free (order);
  free (x);
  free (labels);
  free (targets);
  bp_net_free (net);
  return t;
}

typedef struct reader {
  bp_session *s;
  atomic_bool done;
  uint64_t records, snapshots;
  double snapshot_ms;
} reader;

/* A window's frame clock: every 33 ms, read the new records and the newest snapshot. */
static void *
reader_main (void *arg)
{
  reader *r = arg;
  bp_step_record buf[4096];
  const bp_metric_log *log = bp_session_metric_log (r->s);
  while (!atomic_load (&r->done))
    {
      size_t got;
      while ((got = bp_metric_log_read_steps (log, r->records, buf, 4096)) > 0)
        r->records += got;
      bool fresh;
      const bp_snapshot *sn = bp_session_snapshot (r->s, &fresh);
      if (sn != NULL && fresh)
        {
          r->snapshots++;
          r->snapshot_ms += sn->cost_ms;
        }
      struct timespec ts = { 0, 33 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return NULL;
}

static double
session_run (const job *j, reader *r, double *cpu)
{
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, j->spec);
  cfg.max_epochs = 0;
  cfg.max_steps = j->steps;
  if (no_snapshots)
    {
      cfg.snapshots.interval_s = 1e9;
      cfg.history_every = 0;
    }
  char err[256];
  bp_session *s = bp_session_new (j->spec, j->ds, &j->split, NULL, &cfg, err, sizeof err);
  if (s == NULL)
    {
      fprintf (stderr, "session-overhead: %s\n", err);
      exit (1);
    }
  memset (r, 0, sizeof *r);
  r->s = s;
  atomic_init (&r->done, false);
  pthread_t th;
  if (!no_snapshots)
    pthread_create (&th, NULL, reader_main, r);
  double t0 = now_s (), c0 = cpu_s ();
  bp_session_play (s);
  bp_session_wait (s, -1);
  double t = now_s () - t0;
  *cpu = cpu_s () - c0;
  atomic_store (&r->done, true);
  if (!no_snapshots)
    pthread_join (th, NULL);
  if (bp_session_get_step (s) != j->steps)
    {
      fprintf (stderr, "session-overhead: the session stopped early\n");
      exit (1);
    }
  bp_session_free (s);
  return t;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
measure (const char *name, job *j, int reps)
{
  double bare[32], sess[32], bare_cpu[32], sess_cpu[32];
  reader r = { 0 };
  uint64_t snaps = 0;
  double snap_ms = 0;
  /* Alternate which goes first, so drifts in the machine's load favour neither. */
  for (int i = 0; i < reps; i++)
    {
      if (i % 2 == 0)
        bare[i] = bare_run (j, &bare_cpu[i]);
      sess[i] = session_run (j, &r, &sess_cpu[i]);
      if (i % 2 == 1)
        bare[i] = bare_run (j, &bare_cpu[i]);
      snaps += r.snapshots;
      snap_ms += r.snapshot_ms;
    }
  /* Pairwise ratios (a run and its neighbour in time see about the same load), and the
   * fastest runs (noise only ever adds time). */
  double ratio[32];
  for (int i = 0; i < reps; i++)
    ratio[i] = bare[i] / sess[i];
  qsort (ratio, (size_t) reps, sizeof (double), cmp_double);
  qsort (bare, (size_t) reps, sizeof (double), cmp_double);
  qsort (sess, (size_t) reps, sizeof (double), cmp_double);
  qsort (bare_cpu, (size_t) reps, sizeof (double), cmp_double);
  qsort (sess_cpu, (size_t) reps, sizeof (double), cmp_double);
  double tb = bare[reps / 2], ts = sess[reps / 2];
  double cb = bare_cpu[reps / 2], cs = sess_cpu[reps / 2];
  /* Samples of j->steps steps (the last batch of an epoch may be short). */
  uint64_t per_epoch = (j->split.n_train + (uint64_t) j->w->batch - 1) / (uint64_t) j->w->batch;
  uint64_t full = j->steps / per_epoch, rest = j->steps % per_epoch;
  double samples = (double) full * j->split.n_train + (double) rest * j->w->batch;
  printf ("RESULT name=session_%s steps=%llu reps=%d bare_samples_per_s=%.0f "
          "session_samples_per_s=%.0f bare_steps_per_s=%.0f session_steps_per_s=%.0f "
          "overhead_pct=%.2f pair_overhead_pct=%.2f best_overhead_pct=%.2f "
          "cpu_overhead_pct=%.2f snapshots_per_run=%.1f snapshot_ms=%.3f\n",
          name, (unsigned long long) j->steps, reps, samples / tb, samples / ts,
          (double) j->steps / tb, (double) j->steps / ts, (1.0 - tb / ts) * 100.0,
          (1.0 - ratio[reps / 2]) * 100.0, (1.0 - bare[0] / sess[0]) * 100.0,
          (cs / cb - 1.0) * 100.0, (double) snaps / reps, snaps ? snap_ms / (double) snaps : 0.0);
  fflush (stdout);
}

static void
all_rows (job *j)
{
  j->split.n_train = (uint32_t) j->ds->n_rows;
  j->split.train = malloc (sizeof (uint32_t) * j->ds->n_rows);
  for (uint32_t i = 0; i < j->split.n_train; i++)
    j->split.train[i] = i;
}

int
main (int argc, char **argv)
{
  const char *which = argc > 1 ? argv[1] : "all";
  int reps = argc > 2 ? atoi (argv[2]) : 3;
  if (reps < 1 || reps > 31)
    reps = 3;
  no_snapshots = argc > 3 && !strcmp (argv[3], "bare-session");
  char err[512];
  if (!strcmp (which, "tiny") || !strcmp (which, "all"))
    {
      job j = { .w = bp_workload_find ("tiny"), .steps = TINY_STEPS };
      bp_dataset *ds = bp_synth_two_spirals (500, 0.1, 1, err, sizeof err);
      j.spec = bp_spec_parse (j.w->spec_json, strlen (j.w->spec_json), err, sizeof err);
      if (ds == NULL || j.spec == NULL)
        {
          fprintf (stderr, "session-overhead: %s\n", err);
          return 1;
        }
      j.spec->batch_size = j.w->batch;
      j.ds = ds;
      all_rows (&j);
      measure ("tiny", &j, reps);
      free (j.split.train);
      bp_spec_free (j.spec);
      bp_dataset_free (ds);
    }
  if (!strcmp (which, "mlp") || !strcmp (which, "all"))
    {
      bp_fmnist fm = { 0 };
      job j = { .w = bp_workload_find ("mlp") };
      if (bp_fmnist_load (&fm, err, sizeof err) != 0
          || (j.spec = bp_spec_parse (j.w->spec_json, strlen (j.w->spec_json), err,
                                      sizeof err)) == NULL)
        {
          fprintf (stderr, "session-overhead: %s\n", err);
          return 1;
        }
      j.spec->batch_size = j.w->batch;
      j.ds = fm.train;
      all_rows (&j);
      j.steps = (j.split.n_train + (uint64_t) j.w->batch - 1) / (uint64_t) j.w->batch;
      measure ("mlp", &j, reps);
      free (j.split.train);
      bp_spec_free (j.spec);
      bp_fmnist_clear (&fm);
    }
  return 0;
}
