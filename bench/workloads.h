/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark workloads of ../shared/bench/WORKLOADS.md as Backprop specs and data. */
#pragma once

#include "data/dataset.h"
#include "engine/net.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct bp_workload {
  const char *name;        /* as the peers spell it: "mlp", "mlp-wide", "cnn", "tiny" */
  const char *result_name; /* RESULT name suffix: "mlp", "mlp_wide", ... */
  const char *spec_json;
  int batch;
  double flop_per_sample; /* WORKLOADS.md's convention */
} bp_workload;

typedef struct bp_bench_args {
  const char *workload;
  int threads;
  uint64_t seed;
  long samples; /* <= 0: one full epoch */
  long steps;   /* tiny only */
  int epochs;   /* W1-W3: passes over the data (1 in the benchmark; more for profiling) */
  bool eval;    /* W1-W3: evaluate after training (off for profiling the training alone) */
  const char *trace; /* W1-W3: file prefix for the same-init comparison (bench/w3-same-init.py),
                        or NULL */
} bp_bench_args;

const bp_workload *bp_workload_find (const char *name);

/* The workload's network with seed; NULL + message on error. Compiled for w->batch. */
bp_net *bp_workload_net (const bp_workload *w, uint64_t seed, char *err, size_t errlen);

typedef struct bp_fmnist {
  bp_dataset *train, *test;
} bp_fmnist;

int bp_fmnist_load (bp_fmnist *fm, char *err, size_t errlen);
void bp_fmnist_clear (bp_fmnist *fm);

/* Mean loss over every row of ds in eval mode, in batches through the x/labels buffers of
 * `batch` rows; *acc (when not NULL) gets the accuracy. */
double bp_eval_dataset (bp_net *net, const bp_dataset *ds, float *x, int32_t *labels,
                        int batch, double *acc);

/* --trace: the network's parameters as "<prefix>.<what>.safetensors" (PyTorch's names and
 * shapes). 0 or -1 + message. */
int bp_trace_save_net (const char *prefix, const char *what, bp_net *net, char *err,
                       size_t errlen);

/* --trace: the run, for a peer to repeat it: "<prefix>.order.safetensors" holds the tensor
 * "order" (epochs, n_rows), each epoch's shuffled row order as float32 (exact below 2^24), and
 * "<prefix>.loss.txt" one line per step, "step loss" (the batch's mean loss). */
int bp_trace_save_run (const char *prefix, const uint32_t *order, int epochs, size_t n_rows,
                       const double *losses, long steps, char *err, size_t errlen);

/* W4: 2-8-8-1 on the two spirals, fixed init, SGD; prints its RESULT line. */
int bp_run_tiny (const bp_workload *w, const bp_bench_args *a);
