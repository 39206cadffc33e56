/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV files in and out. The reader treats its input as hostile: every problem is reported as
 * "FILE:LINE:COLUMN: what is wrong", where LINE counts physical lines from 1 and COLUMN is the
 * 1-based field number (what a spreadsheet calls the column). */
#pragma once

#include "data/dataset.h"

typedef enum bp_csv_header {
  BP_CSV_HEADER_AUTO, /* a first row with text where the second row has numbers */
  BP_CSV_HEADER_YES,
  BP_CSV_HEADER_NO,
} bp_csv_header;

typedef enum bp_csv_task {
  BP_CSV_TASK_AUTO, /* text labels, or integer labels with few distinct values: classes */
  BP_CSV_TASK_CLASSIFICATION,
  BP_CSV_TASK_REGRESSION,
} bp_csv_task;

/* Integer labels with at most this many distinct values make classes under BP_CSV_TASK_AUTO. */
#define BP_CSV_AUTO_MAX_CLASSES 32

typedef struct bp_csv_options {
  /* ',' ';' '\t', or 0 to sniff it from the first lines. In ';' files a decimal comma is
   * accepted ("1,5" is 1.5), as European spreadsheets write them. */
  char delimiter;
  bp_csv_header header; /* BP_CSV_HEADER_AUTO by default (zeroed options) */
  /* The label column: a header name, else a 1-based column number, negative from the end
   * ("-1" is the last column). NULL or "": the last column. */
  const char *label;
  bp_csv_task task;
  /* Drop rows with a missing, NaN, Inf or non-numeric cell, or with another number of fields
   * than the header (ragged), instead of failing at the first. A file where more than half
   * the rows are ragged is refused all the same: its header or delimiter is wrong. */
  bool drop_bad_rows;
  bool keep_row_lines; /* fill bp_csv_info.row_lines */
  size_t max_bytes;    /* largest file accepted; 0: 1 GiB */
} bp_csv_options;

/* How many dropped rows' line numbers bp_csv_info keeps. */
#define BP_CSV_DROP_LINES 5

typedef struct bp_csv_info {
  char delimiter;      /* the one used */
  bool had_header;
  int label_column;    /* 0-based */
  size_t rows_dropped; /* with drop_bad_rows */
  char first_drop[256]; /* why the first dropped row was dropped ("" when none) */
  /* The LINE of the first dropped rows' bad cells, as in the messages (the file's physical
   * lines from 1, a header being line 1): min (rows_dropped, BP_CSV_DROP_LINES) are set. */
  size_t drop_lines[BP_CSV_DROP_LINES];
  /* Set also when the load fails: it failed on a row (a missing, NaN, Inf or non-numeric
   * cell, or a ragged row) that drop_bad_rows would have skipped, so the caller can say how
   * to load the file anyway. False when the file is refused with drop_bad_rows too. */
  bool failed_on_bad_cell;
  size_t rows_ragged; /* of rows_dropped, those with the wrong number of fields */
  /* (n_rows) with keep_row_lines, on success: the line each row of the dataset starts on, as
   * in the messages, so a table can show where a row is in the file. The caller free()s it. */
  uint32_t *row_lines;
} bp_csv_info;

/* Loads a CSV file, plain or gzip-compressed; name and source of the result are the file name
 * and path. opts and info may be NULL. Returns NULL with "FILE:LINE:COLUMN: problem" (or
 * "FILE: problem") in err. A file with control bytes in its first 8000 bytes (a picture, an
 * archive) is refused before parsing with "FILE does not look like a CSV text file (binary
 * data at byte N)", N counted from 0 as in the IDX messages. */
bp_dataset *bp_csv_load_file (const char *path, const bp_csv_options *opts, bp_csv_info *info,
                              char *err, size_t errlen);
/* The same from memory; name is what messages call the input. */
bp_dataset *bp_csv_load_buffer (const char *data, size_t len, const char *name,
                                const bp_csv_options *opts, bp_csv_info *info, char *err,
                                size_t errlen);

/* What a load with drop_bad_rows left out, in the words both the window and backprop-train
 * use: "3 bad rows left out (lines 3, 5 and 9); the first: FILE:3:1: missing value". "" when
 * no row was dropped. */
void bp_csv_drop_summary (const bp_csv_info *info, char *buf, size_t len);

/* Writes the dataset as CSV: a header (feature names, then the label or target names), one row
 * per sample, floats with 9 significant digits (exact round trip), class labels by name.
 * Written to a temporary file that replaces path only when complete. Returns 0 or -1. */
int bp_csv_save (const bp_dataset *ds, const char *path, char *err, size_t errlen);
