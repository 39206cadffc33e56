/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What one CSV cell holds, and the table that turns label text into class numbers (private to
 * data/). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bp_csv_cell {
  BP_CSV_CELL_NUMBER,
  BP_CSV_CELL_MISSING, /* empty, or a marker such as NA, N/A, null, ? */
  BP_CSV_CELL_NAN,
  BP_CSV_CELL_INF,
  BP_CSV_CELL_RANGE, /* finite but beyond float32 */
  BP_CSV_CELL_TEXT,
} bp_csv_cell;

/* Classifies s (surrounding blanks ignored) and stores the number in *v. strtod follows
 * LC_NUMERIC, which the window sets from the user's locale: callers switch the thread to the C
 * locale around a load (bp_csv_load_* do) so "1.5" is always one and a half. With
 * decimal_comma (files delimited by ';', as European spreadsheets write them), "1,5" is read
 * as 1.5 too. */
bp_csv_cell bp_csv_parse_cell (const char *s, bool decimal_comma, double *v);

/* A copy of s without leading and trailing blanks; NULL when out of memory. */
char *bp_csv_trimmed_copy (const char *s);

/* Distinct strings -> dense ids in order of first appearance. */
typedef struct bp_csv_interner {
  char **strs; /* (n) */
  int n, cap;
  int32_t *slots; /* (n_slots) open addressing, -1 = empty */
  size_t n_slots;
  int max; /* more distinct strings than this are refused */
} bp_csv_interner;

void bp_csv_interner_init (bp_csv_interner *t, int max);
void bp_csv_interner_clear (bp_csv_interner *t);
/* The id of s (trimmed), adding it when new: >= 0, -1 when max is reached, -2 out of memory. */
int bp_csv_interner_get (bp_csv_interner *t, const char *s);
