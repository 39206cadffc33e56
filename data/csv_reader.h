/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV tokenizer behind data/csv.h (private to data/): records of unescaped fields with the
 * line each field starts on. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct bp_csv_field {
  size_t off;  /* into bp_csv_reader.text; the field is NUL-terminated there */
  size_t len;
  size_t line; /* 1-based physical line the field starts on */
  bool quoted;
} bp_csv_field;

typedef struct bp_csv_reader {
  const char *name; /* for messages */
  const char *p, *end;
  char delim;
  size_t line;

  char *text; /* unescaped text of the current record's fields */
  size_t text_len, text_cap;
  bp_csv_field *fields; /* (n_fields) of the current record */
  int n_fields, fields_cap;
  int max_fields;
} bp_csv_reader;

/* data[0..len) must stay alive while the reader is used. A UTF-8 byte order mark is skipped. */
void bp_csv_reader_init (bp_csv_reader *r, const char *name, const char *data, size_t len,
                         char delim, int max_fields);
void bp_csv_reader_clear (bp_csv_reader *r);

/* Reads the next record, skipping blank lines. Returns 1 for a record, 0 at the end, -1 with
 * "NAME:LINE:COLUMN: problem" in err. */
int bp_csv_reader_next (bp_csv_reader *r, char *err, size_t errlen);

static inline const char *
bp_csv_reader_field (const bp_csv_reader *r, int i)
{
  return r->text + r->fields[i].off;
}

/* Picks ',', ';' or '\t' from the first lines of data: the candidate that appears the same
 * (non-zero) number of times on every sampled line, the most often; ',' when none does. */
char bp_csv_sniff_delimiter (const char *data, size_t len);
