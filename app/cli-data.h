/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data side of the command-line tools: loading --data SOURCE (a built-in name or a CSV/IDX
 * path) with its options, and printing --describe. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "data/csv.h"

/* Exit statuses of the command-line tools. */
enum {
  BP_EXIT_OK = 0,
  BP_EXIT_FAILURE = 1, /* anything else: out of memory, cannot write */
  BP_EXIT_USAGE = 2,   /* bad options, bad data file: the message says which */
};

typedef struct bp_cli_data_options {
  const char *source;     /* --data */
  const char *label;      /* --label: CSV label column, name or 1-based number */
  const char *idx_labels; /* --idx-labels: labels file for an IDX images file */
  bp_csv_task task;       /* --task classification|regression */
  bool drop_bad_rows;     /* --drop-bad-rows */
} bp_cli_data_options;

/* Parses a --task value; false when it is neither "classification" nor "regression". */
bool bp_cli_parse_task (const char *arg, bp_csv_task *task);

/* Loads the dataset. On failure prints the loader's message ("FILE:LINE:COLUMN: problem") to
 * err and returns NULL; dropped rows are reported on err too. */
bp_dataset *bp_cli_load_data (const bp_cli_data_options *o, FILE *err);

/* What follows a CSV load, on err: after a refusal info->failed_on_bad_cell says, the hint
 * that --drop-bad-rows loads the file; after a load, the bp_csv_drop_summary sentence of the
 * rows left out ("SOURCE: 3 bad rows left out (lines ...)"). Nothing otherwise. */
void bp_cli_report_csv (const char *source, const bp_csv_info *info, bool loaded, FILE *err);

/* The split backprop-train would make, for --describe. */
typedef struct bp_cli_split {
  double val_ratio, test_ratio;
  uint64_t seed;
  const char *given; /* the options that set it, in words ("--test-ratio 0.2"); "" for none */
} bp_cli_split;

/* Rows, features, task, the split (sp's and the window's), per-feature statistics with a
 * small histogram, class balance. Returns 0, or -1 when sp cannot split ds (message on
 * err, nothing on out). */
int bp_cli_describe (const bp_dataset *ds, const bp_cli_split *sp, FILE *out, FILE *err);

/* The built-in names with one line each, for --help. */
void bp_cli_list_builtins (FILE *out);
