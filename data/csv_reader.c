/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV tokenizer: RFC 4180 quoting ("" inside quotes is a quote, delimiters and newlines may be
 * quoted), LF, CRLF or CR line ends, UTF-8 BOM, and binary junk reported instead of parsed. */
#include "data/csv_reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

void
bp_csv_reader_init (bp_csv_reader *r, const char *name, const char *data, size_t len, char delim,
                    int max_fields)
{
  memset (r, 0, sizeof *r);
  r->name = name;
  r->p = data;
  r->end = data + len;
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r->p += 3;
  r->delim = delim;
  r->line = 1;
  r->max_fields = max_fields;
}

void
bp_csv_reader_clear (bp_csv_reader *r)
{
  free (r->text);
  free (r->fields);
  r->text = NULL;
  r->fields = NULL;
}

static bool
is_binary (unsigned char c)
{
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

static bool
is_blank (const bp_csv_reader *r, char c)
{
  return c == ' ' || (c == '\t' && r->delim != '\t');
}

static int
text_append (bp_csv_reader *r, const char *s, size_t n)
{
  if (r->text_len + n + 1 > r->text_cap)
    {
      size_t cap = r->text_cap ? r->text_cap : 256;
      while (cap < r->text_len + n + 1)
        cap *= 2;
      char *t = realloc (r->text, cap);
      if (t == NULL)
        return -1;
      r->text = t;
      r->text_cap = cap;
    }
  memcpy (r->text + r->text_len, s, n);
  r->text_len += n;
  return 0;
}

/* Consumes one line end at p (CRLF, LF or CR) if there is one. */
static bool
eat_newline (bp_csv_reader *r)
{
  if (r->p < r->end && *r->p == '\r')
    {
      r->p++;
      if (r->p < r->end && *r->p == '\n')
        r->p++;
      r->line++;
      return true;
    }
  if (r->p < r->end && *r->p == '\n')
    {
      r->p++;
      r->line++;
      return true;
    }
  return false;
}

/* Skips lines that hold nothing but blanks. */
static void
skip_blank_lines (bp_csv_reader *r)
{
  for (;;)
    {
      const char *q = r->p;
      while (q < r->end && is_blank (r, *q))
        q++;
      if (q >= r->end)
        {
          r->p = q;
          return;
        }
      if (*q != '\n' && *q != '\r')
        return;
      r->p = q;
      eat_newline (r);
    }
}

static int
add_field (bp_csv_reader *r, size_t off, size_t line, bool quoted, char *err, size_t errlen)
{
  if (r->n_fields >= r->max_fields)
    {
      bp_data_err (err, errlen, "%s:%zu: more than %d columns", r->name, line, r->max_fields);
      return -1;
    }
  if (r->n_fields == r->fields_cap)
    {
      int cap = r->fields_cap ? r->fields_cap * 2 : 16;
      bp_csv_field *f = realloc (r->fields, (size_t) cap * sizeof *f);
      if (f == NULL)
        goto oom;
      r->fields = f;
      r->fields_cap = cap;
    }
  r->fields[r->n_fields++] = (bp_csv_field) {
    .off = off, .len = r->text_len - off, .line = line, .quoted = quoted
  };
  if (text_append (r, "", 1) != 0) /* the NUL after the field */
    goto oom;
  return 0;
oom:
  bp_data_err (err, errlen, "%s:%zu: out of memory", r->name, line);
  return -1;
}

static int
binary_error (const bp_csv_reader *r, unsigned char c, size_t line, int col, char *err,
              size_t errlen)
{
  bp_data_err (err, errlen, "%s:%zu:%d: binary data (byte 0x%02x): this is not a text CSV file",
               r->name, line, col, c);
  return -1;
}

/* A quoted field; r->p is just past the opening quote. */
static int
read_quoted (bp_csv_reader *r, size_t line, int col, char *err, size_t errlen)
{
  for (;;)
    {
      const char *s = r->p;
      while (r->p < r->end && *r->p != '"' && *r->p != '\n' && *r->p != '\r'
             && !is_binary ((unsigned char) *r->p))
        r->p++;
      if (text_append (r, s, (size_t) (r->p - s)) != 0)
        goto oom;
      if (r->p >= r->end)
        {
          bp_data_err (err, errlen, "%s:%zu:%d: quoted field never closed (it opens here)",
                       r->name, line, col);
          return -1;
        }
      unsigned char c = (unsigned char) *r->p;
      if (is_binary (c))
        return binary_error (r, c, r->line, col, err, errlen);
      if (c == '\n' || c == '\r')
        {
          /* A newline inside quotes belongs to the field (kept as one LF). */
          eat_newline (r);
          if (text_append (r, "\n", 1) != 0)
            goto oom;
          continue;
        }
      /* c is a quote: doubled means a literal quote, single closes the field. */
      if (r->p + 1 < r->end && r->p[1] == '"')
        {
          if (text_append (r, "\"", 1) != 0)
            goto oom;
          r->p += 2;
          continue;
        }
      r->p++;
      break;
    }
  while (r->p < r->end && is_blank (r, *r->p))
    r->p++;
  if (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
    {
      unsigned char c = (unsigned char) *r->p;
      if (is_binary (c))
        return binary_error (r, c, r->line, col, err, errlen);
      bp_data_err (err, errlen, "%s:%zu:%d: unexpected '%c' after the closing quote", r->name,
                   r->line, col, c >= 0x20 && c < 0x7f ? c : '?');
      return -1;
    }
  return 0;
oom:
  bp_data_err (err, errlen, "%s:%zu: out of memory", r->name, line);
  return -1;
}

int
bp_csv_reader_next (bp_csv_reader *r, char *err, size_t errlen)
{
  r->n_fields = 0;
  r->text_len = 0;
  skip_blank_lines (r);
  if (r->p >= r->end)
    return 0;
  for (;;)
    {
      const int col = r->n_fields + 1;
      const size_t line = r->line, off = r->text_len;
      const char *q = r->p;
      while (q < r->end && is_blank (r, *q))
        q++;
      bool quoted = q < r->end && *q == '"';
      if (quoted)
        {
          r->p = q + 1;
          if (read_quoted (r, line, col, err, errlen) != 0)
            return -1;
        }
      else
        {
          const char *s = r->p;
          while (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
            {
              if (is_binary ((unsigned char) *r->p))
                return binary_error (r, (unsigned char) *r->p, line, col, err, errlen);
              r->p++;
            }
          if (text_append (r, s, (size_t) (r->p - s)) != 0)
            {
              bp_data_err (err, errlen, "%s:%zu: out of memory", r->name, line);
              return -1;
            }
        }
      if (add_field (r, off, line, quoted, err, errlen) != 0)
        return -1;
      if (r->p < r->end && *r->p == r->delim)
        {
          r->p++;
          continue;
        }
      eat_newline (r);
      return 1;
    }
}

char
bp_csv_sniff_delimiter (const char *data, size_t len)
{
  static const char cand[3] = { ',', ';', '\t' };
  enum { MAX_LINES = 20 };
  size_t counts[MAX_LINES][3];
  int lines = 0;
  size_t cur[3] = { 0, 0, 0 };
  bool in_quote = false, any = false;
  size_t limit = len < 65536 ? len : 65536;

  if (limit >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      limit -= 3;
      len -= 3;
    }
  for (size_t i = 0; i <= limit && lines < MAX_LINES; i++)
    {
      if (i == limit && limit < len)
        break; /* the sample ends inside a line: leave that line out */
      char c = i < limit ? data[i] : '\n';
      if (c == '"')
        in_quote = !in_quote; /* "" toggles twice: fine for counting */
      else if (!in_quote && (c == '\n' || c == '\r'))
        {
          if (any)
            memcpy (counts[lines++], cur, sizeof cur);
          memset (cur, 0, sizeof cur);
          any = false;
        }
      else if (!in_quote)
        {
          for (int k = 0; k < 3; k++)
            cur[k] += c == cand[k];
          any = any || c != ' ';
        }
    }
  int best = -1;
  size_t best_count = 0;
  for (int k = 0; k < 3; k++)
    {
      if (lines == 0 || counts[0][k] == 0)
        continue;
      bool same = true;
      for (int l = 1; l < lines; l++)
        same = same && counts[l][k] == counts[0][k];
      if (same && counts[0][k] > best_count)
        {
          best = k;
          best_count = counts[0][k];
        }
    }
  if (best < 0)
    {
      /* Nothing is consistent (ragged file): take the most frequent on the first line, so the
       * error that follows speaks of the delimiter the file most likely uses. */
      for (int k = 0; k < 3 && lines > 0; k++)
        if (counts[0][k] > best_count)
          {
            best = k;
            best_count = counts[0][k];
          }
    }
  return best < 0 ? ',' : cand[best];
}
