/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data side of the command-line tools: loading --data SOURCE (a built-in name or a CSV/IDX
 * path) with its options, and printing --describe. */
#pragma once

#include <stdbool.h>
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

/* Rows, features, task, per-feature statistics with a small histogram, class balance. */
void bp_cli_describe (const bp_dataset *ds, FILE *out);

/* The built-in names with one line each, for --help. */
void bp_cli_list_builtins (FILE *out);
