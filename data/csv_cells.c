/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV cells: numbers in the C locale, missing-value markers, label interning, and the words
 * for the rows dropped for bad cells. */
#include "data/csv_cells.h"

#include "data/csv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/internal.h"

static bool
blank (char c)
{
  return c == ' ' || c == '\t';
}

char *
bp_csv_trimmed_copy (const char *s)
{
  while (blank (*s))
    s++;
  size_t n = strlen (s);
  while (n > 0 && blank (s[n - 1]))
    n--;
  return bp_data_strndup (s, n);
}

bp_csv_cell
bp_csv_parse_cell (const char *s, bool decimal_comma, double *v)
{
  *v = 0.0;
  while (blank (*s))
    s++;
  size_t n = strlen (s);
  while (n > 0 && blank (s[n - 1]))
    n--;
  if (n == 0)
    return BP_CSV_CELL_MISSING;
  static const char *const missing[] = { "NA", "N/A", "null", "none", "?", "-" };
  for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
    if (strlen (missing[i]) == n && strncasecmp (s, missing[i], n) == 0)
      return BP_CSV_CELL_MISSING;
  if (n > 400)
    return BP_CSV_CELL_TEXT; /* no number needs that many characters */

  char buf[408];
  memcpy (buf, s, n);
  buf[n] = '\0';
  if (decimal_comma)
    {
      char *comma = strchr (buf, ',');
      if (comma != NULL && strchr (comma + 1, ',') == NULL && strchr (buf, '.') == NULL)
        *comma = '.';
    }
  char *end;
  errno = 0;
  double x = strtod (buf, &end);
  int e = errno;
  if (end == buf || *end != '\0')
    return BP_CSV_CELL_TEXT;
  *v = x;
  if (isnan (x))
    return BP_CSV_CELL_NAN;
  if (isinf (x))
    return e == ERANGE ? BP_CSV_CELL_RANGE : BP_CSV_CELL_INF;
  if (fabs (x) > FLT_MAX)
    return BP_CSV_CELL_RANGE;
  return BP_CSV_CELL_NUMBER;
}

void
bp_csv_interner_init (bp_csv_interner *t, int max)
{
  memset (t, 0, sizeof *t);
  t->max = max;
}

void
bp_csv_interner_clear (bp_csv_interner *t)
{
  for (int i = 0; i < t->n; i++)
    free (t->strs[i]);
  free (t->strs);
  free (t->slots);
  memset (t, 0, sizeof *t);
}

static uint64_t
hash (const char *s)
{
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ull;
  return h;
}

static int
rehash (bp_csv_interner *t, size_t n_slots)
{
  int32_t *slots = malloc (n_slots * sizeof *slots);
  if (slots == NULL)
    return -1;
  for (size_t i = 0; i < n_slots; i++)
    slots[i] = -1;
  for (int id = 0; id < t->n; id++)
    {
      size_t i = hash (t->strs[id]) & (n_slots - 1);
      while (slots[i] >= 0)
        i = (i + 1) & (n_slots - 1);
      slots[i] = id;
    }
  free (t->slots);
  t->slots = slots;
  t->n_slots = n_slots;
  return 0;
}

int
bp_csv_interner_get (bp_csv_interner *t, const char *s)
{
  char *key = bp_csv_trimmed_copy (s);
  if (key == NULL)
    return -2;
  if (t->n_slots == 0 && rehash (t, 64) != 0)
    {
      free (key);
      return -2;
    }
  size_t i = hash (key) & (t->n_slots - 1);
  for (; t->slots[i] >= 0; i = (i + 1) & (t->n_slots - 1))
    if (strcmp (t->strs[t->slots[i]], key) == 0)
      {
        free (key);
        return t->slots[i];
      }
  if (t->n >= t->max)
    {
      free (key);
      return -1;
    }
  if (t->n == t->cap)
    {
      int cap = t->cap ? t->cap * 2 : 16;
      char **strs = realloc (t->strs, (size_t) cap * sizeof *strs);
      if (strs == NULL)
        {
          free (key);
          return -2;
        }
      t->strs = strs;
      t->cap = cap;
    }
  int id = t->n++;
  t->strs[id] = key;
  t->slots[i] = id;
  /* Keep the table at most half full so probes stay short. */
  if ((size_t) t->n * 2 > t->n_slots && rehash (t, t->n_slots * 2) != 0)
    return -2;
  return id;
}

void
bp_csv_drop_summary (const bp_csv_info *info, char *buf, size_t len)
{
  if (buf == NULL || len == 0)
    return;
  buf[0] = '\0';
  if (info == NULL || info->rows_dropped == 0)
    return;
  size_t shown = info->rows_dropped < BP_CSV_DROP_LINES ? info->rows_dropped : BP_CSV_DROP_LINES;
  char lines[BP_CSV_DROP_LINES * 24 + 32] = "";
  size_t at = 0;
  for (size_t i = 0; i < shown; i++)
    {
      const char *sep = i == 0 ? "" : (i + 1 == shown && shown == info->rows_dropped ? " and "
                                                                                      : ", ");
      at += (size_t) snprintf (lines + at, sizeof lines - at, "%s%zu", sep, info->drop_lines[i]);
    }
  if (info->rows_dropped > shown)
    snprintf (lines + at, sizeof lines - at, " and %zu more", info->rows_dropped - shown);
  /* Ragged rows are named apart when some cells were bad too: they say something else about
   * the file (a stray delimiter, a cut line). */
  char ragged[64] = "";
  if (info->rows_ragged > 0 && info->rows_ragged < info->rows_dropped)
    snprintf (ragged, sizeof ragged, ", %zu of them with the wrong number of fields",
              info->rows_ragged);
  snprintf (buf, len, "%zu bad row%s left out (line%s %s)%s; the first: %s", info->rows_dropped,
            info->rows_dropped == 1 ? "" : "s", info->rows_dropped == 1 ? "" : "s", lines,
            ragged, info->first_drop);
}
