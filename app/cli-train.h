/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The training side of backprop-train: an experiment (or --spec and --data) run headless in a
 * bp_session, with a progress bar or one line per epoch, CSV metrics and safetensors weights. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/cli-data.h"

#define BP_EXIT_INTERRUPTED 130 /* Ctrl+C: stopped after the current step, files written */

typedef struct bp_cli_train_options {
  const char *experiment;   /* EXPERIMENT.json (positional) */
  const char *spec;         /* --spec */
  long epochs;              /* --epochs; -1: not given */
  int64_t steps;            /* --steps; -1: not given */
  bool have_seed;
  uint64_t seed;            /* --seed */
  int batch_size;           /* --batch-size; 0: not given */
  double lr;                /* --lr; 0: not given */
  double val_ratio;         /* --val-ratio; < 0: not given (default 0.2) */
  double test_ratio;        /* --test-ratio; < 0: not given (default 0) */
  const char *scaling;      /* --scale none|standard|minmax; NULL: not given */
  int threads;              /* --threads; 0: not given */
  const char *metrics_csv;  /* --metrics-csv */
  const char *save_weights; /* --save-weights */
  bool quiet;               /* --quiet */
} bp_cli_train_options;

void bp_cli_train_options_init (bp_cli_train_options *o);

/* Trains; data->source may be NULL when the experiment names the data. Returns an exit
 * status: 0, 1 (diverged, or a file could not be written), 2 (bad arguments or files) or
 * 130 (interrupted). Messages are one line on err; progress goes to out. */
int bp_cli_train (const bp_cli_train_options *o, bp_cli_data_options *data, FILE *out,
                  FILE *err);
