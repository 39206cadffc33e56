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
  uint32_t *row_line; /* (cap) each kept row's line, with opt->keep_row_lines; else NULL */

  /* Every data record is counted, also past the first bad one when not dropping, so that a
   * file whose rows mostly disagree with the header is called that (bp_csv_loader_verdict). */
  size_t first_line; /* of the header, or of the first row without one */
  size_t records;    /* data records read */
  size_t ragged;     /* of them with another number of fields than n_cols */
  size_t ragged_line; /* the first of those */
  int ragged_width[4];    /* the first few other numbers of fields seen ... */
  size_t ragged_count[4]; /* ... and how many records had each */
} bp_csv_loader;

/* A bad row at line: with drop_bad_rows recorded as dropped (returns 1), else msg is the error
 * and the row one drop_bad_rows would skip (returns -1). */
int bp_csv_loader_bad_row (bp_csv_loader *L, size_t line, const char *msg, char *err,
                           size_t errlen);
/* Counts a data record of n_fields fields (before take_record or after the first error). */
void bp_csv_loader_count (bp_csv_loader *L, int n_fields, size_t line);
/* After the last record: more than half of the records of another width than the header (or
 * first row) means the header or the delimiter is wrong, not the rows: -1 with a message
 * saying so, whether or not bad rows are dropped. Else 0. */
int bp_csv_loader_verdict (bp_csv_loader *L, char delim, char *err, size_t errlen);

/* Moves the loaded rows into a new dataset: the labels become classes (text, or few whole
 * numbers under BP_CSV_TASK_AUTO, or anything under CLASSIFICATION) or regression targets.
 * NULL with a message. */
bp_dataset *bp_csv_loader_finish (bp_csv_loader *L, char *err, size_t errlen);
