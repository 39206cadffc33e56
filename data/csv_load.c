/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV -> dataset: header detection, the label column, and a message naming the line and column
 * for every cell that is not a finite number. csv_labels.c turns the labels into classes or
 * targets. */
#include "data/csv.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/csv_loader.h"
#include "data/csv_reader.h"
#include "data/internal.h"

static void
loader_clear (bp_csv_loader *L)
{
  if (L->header != NULL)
    for (int j = 0; j < L->n_cols; j++)
      free (L->header[j]);
  free (L->header);
  free (L->x);
  free (L->label_value);
  free (L->label_id);
  free (L->row_line);
  bp_csv_interner_clear (&L->labels);
}

static int
loader_grow (bp_csv_loader *L)
{
  size_t cap = L->cap ? L->cap * 2 : 256, nf = (size_t) L->n_cols - 1, bytes;
  if (bp_data_mul (cap, nf * sizeof (float), &bytes) != 0 || bytes > BP_DATASET_MAX_BYTES)
    return -1;
  float *x = realloc (L->x, bytes);
  if (x == NULL)
    return -1;
  L->x = x;
  double *v = realloc (L->label_value, cap * sizeof *v);
  if (v == NULL)
    return -1;
  L->label_value = v;
  int32_t *id = realloc (L->label_id, cap * sizeof *id);
  if (id == NULL)
    return -1;
  L->label_id = id;
  if (L->opt->keep_row_lines)
    {
      uint32_t *line = realloc (L->row_line, cap * sizeof *line);
      if (line == NULL)
        return -1;
      L->row_line = line;
    }
  L->cap = cap;
  return 0;
}

/* A bad cell: either the error (returns -1) or, with drop_bad_rows, a dropped row (returns 1). */
static int
bad_cell (bp_csv_loader *L, const bp_csv_field *f, int col, const char *what, const char *text,
          char *err, size_t errlen)
{
  char msg[256];
  snprintf (msg, sizeof msg, "%s:%zu:%d: %s%s%.40s%s", L->name, f->line, col + 1, what,
            text[0] ? " '" : "", text, text[0] ? "'" : "");
  return bp_csv_loader_bad_row (L, f->line, msg, err, errlen);
}

static const char *
kind_words (bp_csv_cell kind)
{
  switch (kind)
    {
    case BP_CSV_CELL_MISSING: return "missing value";
    case BP_CSV_CELL_NAN: return "NaN is not a usable value:";
    case BP_CSV_CELL_INF: return "infinite value";
    case BP_CSV_CELL_RANGE: return "number too large for 32-bit floats";
    case BP_CSV_CELL_TEXT: return "not a number:";
    default: return "bad cell";
    }
}

/* One data record into the loader. Returns 0 (kept), 1 (dropped) or -1 (error). */
static int
take_record (bp_csv_loader *L, const bp_csv_reader *r, char *err, size_t errlen)
{
  if (r->n_fields != L->n_cols)
    {
      /* Ragged: a bad row like one with a bad cell, named by its line alone. */
      char msg[256];
      snprintf (msg, sizeof msg, "%s:%zu: %d field%s, expected %d (as in the %s)", L->name,
                r->fields[0].line, r->n_fields, r->n_fields == 1 ? "" : "s", L->n_cols,
                L->header ? "header" : "first row");
      return bp_csv_loader_bad_row (L, r->fields[0].line, msg, err, errlen);
    }
  if (L->rows == L->cap && loader_grow (L) != 0)
    {
      bp_data_err (err, errlen, "%s:%zu: out of memory after %zu rows", L->name,
                   r->fields[0].line, L->rows);
      return -1;
    }
  float *row = L->x + L->rows * (size_t) (L->n_cols - 1); /* (n_cols - 1) */
  int k = 0;
  /* Features first: a row dropped for a bad feature must not leave its label behind as a
   * class without rows. */
  for (int j = 0; j < L->n_cols; j++)
    {
      if (j == L->label_col)
        continue;
      double v;
      const char *s = bp_csv_reader_field (r, j);
      bp_csv_cell kind = bp_csv_parse_cell (s, r->delim == ';', &v);
      if (kind != BP_CSV_CELL_NUMBER)
        return bad_cell (L, &r->fields[j], j, kind_words (kind),
                         kind == BP_CSV_CELL_MISSING ? "" : s, err, errlen);
      row[k++] = (float) v;
    }

  const int j = L->label_col;
  const bp_csv_field *f = &r->fields[j];
  const char *s = bp_csv_reader_field (r, j);
  double v;
  bp_csv_cell kind = bp_csv_parse_cell (s, r->delim == ';', &v);
  if (kind == BP_CSV_CELL_MISSING && f->len > 0 && strspn (s, " \t") < f->len)
    kind = BP_CSV_CELL_TEXT; /* "none" or "NA" can be a class name */
  if (kind == BP_CSV_CELL_MISSING)
    return bad_cell (L, f, j, "missing label", "", err, errlen);
  if (kind == BP_CSV_CELL_NAN || kind == BP_CSV_CELL_INF || kind == BP_CSV_CELL_RANGE)
    return bad_cell (L, f, j, kind_words (kind), s, err, errlen);
  int id = bp_csv_interner_get (&L->labels, s);
  if (id == -2)
    {
      bp_data_err (err, errlen, "%s:%zu: out of memory", L->name, f->line);
      return -1;
    }
  if (id == -1 && !L->labels_full)
    {
      L->labels_full = true; /* only a problem if the labels turn out to be classes */
      L->full_line = f->line;
    }
  if (kind == BP_CSV_CELL_TEXT && !L->any_text_label)
    {
      L->any_text_label = true;
      L->text_line = f->line;
      L->text_col = j + 1;
      snprintf (L->text_label, sizeof L->text_label, "%.40s", s);
    }
  if (L->row_line != NULL)
    L->row_line[L->rows] = (uint32_t) (r->fields[0].line <= UINT32_MAX ? r->fields[0].line
                                                                       : UINT32_MAX);
  L->label_value[L->rows] = kind == BP_CSV_CELL_TEXT ? NAN : v;
  L->label_id[L->rows] = id;
  L->rows++;
  return 0;
}

/* Finds the label column from opt->label (see csv.h). Returns 0 or -1 with a message. */
static int
pick_label (bp_csv_loader *L, char *err, size_t errlen)
{
  const char *want = L->opt->label;
  if (want == NULL || want[0] == '\0')
    {
      L->label_col = L->n_cols - 1;
      return 0;
    }
  if (L->header != NULL)
    {
      for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < L->n_cols; j++)
          if ((pass == 0 ? strcmp : strcasecmp) (L->header[j], want) == 0)
            {
              L->label_col = j;
              return 0;
            }
    }
  char *end;
  errno = 0;
  long c = strtol (want, &end, 10);
  if (end != want && *end == '\0' && errno == 0 && c != 0 && c >= -L->n_cols && c <= L->n_cols)
    {
      L->label_col = c > 0 ? (int) c - 1 : L->n_cols + (int) c;
      return 0;
    }
  if (L->header != NULL)
    {
      char list[200] = "";
      for (int j = 0; j < L->n_cols && strlen (list) < sizeof list - 40; j++)
        snprintf (list + strlen (list), sizeof list - strlen (list), "%s%.30s", j ? ", " : "",
                  L->header[j]);
      bp_data_err (err, errlen, "%s: no column '%s' for the label (columns: %s%s)", L->name,
                   want, list, strlen (list) >= sizeof list - 40 ? ", ..." : "");
    }
  else
    bp_data_err (err, errlen,
                 "%s: the label column '%s' is neither a column number from 1 to %d nor a "
                 "name (the file has no header row)", L->name, want, L->n_cols);
  return -1;
}

/* AUTO header: a first record with text in some column where the second record has a number
 * (or no second record at all: then the file is header-only). */
static bool
looks_like_header (const bp_csv_cell *first, int n_first, const bp_csv_cell *second,
                   int n_second)
{
  for (int j = 0; j < n_first; j++)
    if (first[j] == BP_CSV_CELL_TEXT
        && (second == NULL || j >= n_second || second[j] != BP_CSV_CELL_TEXT))
      return true;
  return false;
}

static bp_csv_cell *
record_kinds (const bp_csv_reader *r)
{
  bp_csv_cell *k = malloc ((size_t) r->n_fields * sizeof *k);
  for (int j = 0; k != NULL && j < r->n_fields; j++)
    {
      double v;
      k[j] = bp_csv_parse_cell (bp_csv_reader_field (r, j), r->delim == ';', &v);
    }
  return k;
}

/* The load proper, in the C numeric locale. */
static bp_dataset *
load (bp_csv_loader *L, const char *data, size_t len, bp_csv_info *info, char *err, size_t errlen)
{
  const bp_csv_options *opt = L->opt;
  char delim = opt->delimiter ? opt->delimiter : bp_csv_sniff_delimiter (data, len);
  bp_csv_reader r;
  bp_csv_reader_init (&r, L->name, data, len, delim, BP_DATASET_MAX_FEATURES + 1);
  bp_dataset *ds = NULL;
  bp_csv_cell *first = NULL, *second = NULL;
  const char *start_p = r.p;

  int rc = bp_csv_reader_next (&r, err, errlen);
  if (rc <= 0)
    {
      if (rc == 0)
        bp_data_err (err, errlen, "%s: empty file (no rows)", L->name);
      goto out;
    }
  const size_t first_line = L->first_line = r.fields[0].line;
  L->n_cols = r.n_fields;
  if (L->n_cols < 2)
    {
      bp_data_err (err, errlen,
                   "%s:%zu: only one column: a dataset needs feature columns and a label "
                   "(delimiter '%s')", L->name, first_line,
                   delim == '\t' ? "\\t" : (delim == ';' ? ";" : ","));
      goto out;
    }
  L->header = calloc ((size_t) L->n_cols, sizeof *L->header);
  first = record_kinds (&r);
  if (L->header == NULL || first == NULL)
    goto oom;
  for (int j = 0; j < L->n_cols; j++)
    if ((L->header[j] = bp_csv_trimmed_copy (bp_csv_reader_field (&r, j))) == NULL)
      goto oom;
  const char *after_first_p = r.p;
  const size_t after_first_line = r.line;

  bool header = opt->header == BP_CSV_HEADER_YES;
  if (opt->header == BP_CSV_HEADER_AUTO)
    {
      rc = bp_csv_reader_next (&r, err, errlen);
      if (rc < 0)
        goto out;
      if (rc > 0 && (second = record_kinds (&r)) == NULL)
        goto oom;
      header = looks_like_header (first, L->n_cols, second, rc > 0 ? r.n_fields : 0);
    }
  if (!header)
    {
      for (int j = 0; j < L->n_cols; j++)
        free (L->header[j]);
      free (L->header);
      L->header = NULL;
    }
  if (pick_label (L, err, errlen) != 0)
    goto out;

  /* Read the data from its first record: back to the start, or just past the header. */
  r.p = header ? after_first_p : start_p;
  r.line = header ? after_first_line : 1;
  /* Without drop_bad_rows the first bad row is the error, but the rest are still counted:
   * a file whose rows mostly have another width is refused for its header instead, since
   * dropping them would not help. */
  bool stopped = false;
  while ((rc = bp_csv_reader_next (&r, err, errlen)) > 0)
    {
      bp_csv_loader_count (L, r.n_fields, r.fields[0].line);
      if (!stopped && take_record (L, &r, err, errlen) < 0)
        {
          if (!L->failed_on_bad_cell)
            goto out;
          stopped = true;
        }
    }
  if (rc < 0)
    {
      L->failed_on_bad_cell = false; /* the reader's error stands with dropping too */
      goto out;
    }
  if (bp_csv_loader_verdict (L, delim, err, errlen) != 0 || stopped)
    goto out;
  if (L->rows == 0)
    {
      if (L->dropped > 0)
        bp_data_err (err, errlen, "%s: all %zu rows were dropped; the first: %s", L->name,
                     L->dropped, L->first_drop);
      else
        bp_data_err (err, errlen, "%s:%zu: header only, no data rows", L->name, first_line);
      goto out;
    }
  ds = bp_csv_loader_finish (L, err, errlen);
  if (ds != NULL && info != NULL)
    {
      info->delimiter = delim;
      info->had_header = header;
      info->label_column = L->label_col;
      info->rows_dropped = L->dropped;
      info->rows_ragged = L->ragged;
      info->row_lines = L->row_line;
      L->row_line = NULL;
      snprintf (info->first_drop, sizeof info->first_drop, "%s", L->first_drop);
      memcpy (info->drop_lines, L->drop_lines, sizeof info->drop_lines);
    }
  goto out;
oom:
  bp_data_err (err, errlen, "%s: out of memory", L->name);
out:
  if (ds == NULL && info != NULL)
    info->failed_on_bad_cell = L->failed_on_bad_cell;
  free (first);
  free (second);
  bp_csv_reader_clear (&r);
  return ds;
}

/* A PNG, a zip or a compressed file picked by mistake: said in one sentence before any
 * parsing, rather than as a puzzling error about the first line's columns. Only the start is
 * looked at (as git and file(1) do); a stray control byte further on is reported by the reader
 * with its line and column. Returns 0, or -1 with the message. */
static int
check_text (const char *name, const unsigned char *data, size_t len, char *err, size_t errlen)
{
  if (len >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
    {
      bp_data_err (err, errlen, "%s is UTF-16 text: save it as UTF-8 to load it as CSV", name);
      return -1;
    }
  const size_t n = len < 8000 ? len : 8000;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = data[i];
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        {
          bp_data_err (err, errlen, "%s does not look like a CSV text file (binary data at byte "
                       "%zu)", name, i);
          return -1;
        }
    }
  return 0;
}

bp_dataset *
bp_csv_load_buffer (const char *data, size_t len, const char *name, const bp_csv_options *opts,
                    bp_csv_info *info, char *err, size_t errlen)
{
  char dummy[1];
  if (err == NULL || errlen == 0)
    {
      err = dummy;
      errlen = sizeof dummy;
    }
  err[0] = '\0';
  static const bp_csv_options defaults = { 0 };
  bp_csv_loader L = { .name = name ? name : "(buffer)", .opt = opts ? opts : &defaults };
  bp_csv_interner_init (&L.labels, BP_DATASET_MAX_CLASSES);
  if (info != NULL)
    memset (info, 0, sizeof *info);
  const size_t max = L.opt->max_bytes ? L.opt->max_bytes : (size_t) 1 << 30;
  if (len > max)
    {
      char words[32];
      bp_data_err (err, errlen, "%s: %zu bytes: larger than the %s allowed", L.name, len,
                   bp_data_size_words (max, words, sizeof words));
      return NULL;
    }

  if (check_text (L.name, (const unsigned char *) data, len, err, errlen) != 0)
    return NULL;

  locale_t c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  if (c_locale == (locale_t) 0)
    {
      bp_data_err (err, errlen, "%s: cannot create the C locale for reading numbers", L.name);
      return NULL;
    }
  locale_t old = uselocale (c_locale);
  bp_dataset *ds = load (&L, data, len, info, err, errlen);
  uselocale (old);
  freelocale (c_locale);
  loader_clear (&L);
  return ds;
}
