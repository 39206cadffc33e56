/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rows a CSV load leaves out: bad cells and ragged rows dropped (or the first one as the
 * error), and the verdict on a file whose rows mostly disagree with its header. */
#include <stdio.h>
#include <string.h>

#include "data/csv_loader.h"
#include "data/internal.h"

int
bp_csv_loader_bad_row (bp_csv_loader *L, size_t line, const char *msg, char *err, size_t errlen)
{
  if (!L->opt->drop_bad_rows)
    {
      bp_data_err (err, errlen, "%s", msg);
      L->failed_on_bad_cell = true;
      return -1;
    }
  if (L->dropped < BP_CSV_DROP_LINES)
    L->drop_lines[L->dropped] = line;
  if (L->dropped++ == 0)
    snprintf (L->first_drop, sizeof L->first_drop, "%s", msg);
  return 1;
}

void
bp_csv_loader_count (bp_csv_loader *L, int n_fields, size_t line)
{
  L->records++;
  if (n_fields == L->n_cols)
    return;
  if (L->ragged++ == 0)
    L->ragged_line = line;
  /* The widths are few in practice (a header one short or one long): four slots name the
   * commonest well enough. */
  for (int i = 0; i < 4; i++)
    if (L->ragged_count[i] == 0 || L->ragged_width[i] == n_fields)
      {
        L->ragged_width[i] = n_fields;
        L->ragged_count[i]++;
        return;
      }
}

int
bp_csv_loader_verdict (bp_csv_loader *L, char delim, char *err, size_t errlen)
{
  if (L->ragged * 2 <= L->records)
    return 0;
  int common = 0;
  for (int i = 1; i < 4; i++)
    if (L->ragged_count[i] > L->ragged_count[common])
      common = i;
  const char *what = L->header != NULL ? "the header" : "the first row";
  bp_data_err (err, errlen,
               "%s:%zu: %s has %d fields but %zu of %zu data rows have another number (%zu "
               "have %d, the first on line %zu): check %s and the delimiter ('%s'); bad rows "
               "are dropped only when most rows fit", L->name, L->first_line,
               what, L->n_cols, L->ragged, L->records, L->ragged_count[common],
               L->ragged_width[common], L->ragged_line, what,
               delim == '\t' ? "\\t" : (delim == ';' ? ";" : ","));
  L->failed_on_bad_cell = false;
  return -1;
}
