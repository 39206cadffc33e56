/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What one CSV load accumulates before the dataset is made (private to data/csv_*.c). */
#pragma once

#include "data/csv.h"
#include "data/csv_cells.h"

/* Everything one load accumulates before the dataset is made. */
typedef struct bp_csv_loader {
  const char *name;
  const bp_csv_options *opt;
  int n_cols, label_col;
  char **header; /* (n_cols) or NULL */

  float *x; /* (rows, n_cols - 1) */
  double *label_value; /* (rows) NaN for text labels */
  int32_t *label_id;   /* (rows) interned label text */
  size_t rows, cap;
  bp_csv_interner labels;
  bool any_text_label;
  bool labels_full; /* more distinct label texts than classes allowed */
  size_t full_line;
  size_t text_line; /* where the first text label is, for the regression error */
  int text_col;
  char text_label[64];
  size_t dropped;
  char first_drop[256];
  size_t drop_lines[BP_CSV_DROP_LINES]; /* (min (dropped, BP_CSV_DROP_LINES)) */
  bool failed_on_bad_cell;
} bp_csv_loader;

/* Moves the loaded rows into a new dataset: the labels become classes (text, or few whole
 * numbers under BP_CSV_TASK_AUTO, or anything under CLASSIFICATION) or regression targets.
 * NULL with a message. */
bp_dataset *bp_csv_loader_finish (bp_csv_loader *L, char *err, size_t errlen);
