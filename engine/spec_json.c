/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading JSON that may be hostile: checks the raw text before cJSON sees it (size, UTF-8,
 * nesting, number of values), then reads fields by name with their type and range, and says
 * what is wrong in words. */
#include "engine/spec_private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64 /* a spec nests 4 deep; meta gets the rest */

void
bp_spec_say (bp_spec_reader *r, const char *fmt, ...)
{
  if (r->err == NULL || r->errlen == 0)
    return;
  int n = snprintf (r->err, r->errlen, "%s", r->prefix);
  if (n < 0 || (size_t) n >= r->errlen)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (r->err + n, r->errlen - (size_t) n, fmt, ap);
  va_end (ap);
}

void
bp_spec_say_field (bp_spec_reader *r, const char *key, const char *fmt, ...)
{
  if (r->err == NULL || r->errlen == 0)
    return;
  int n = r->section != NULL
            ? snprintf (r->err, r->errlen, "%s\"%s\".\"%s\" ", r->prefix, r->section, key)
            : snprintf (r->err, r->errlen, "%s\"%s\" ", r->prefix, key);
  if (n < 0 || (size_t) n >= r->errlen)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (r->err + n, r->errlen - (size_t) n, fmt, ap);
  va_end (ap);
}

/* "text" quoted for a message: control characters become '?', long text is cut at a character
 * boundary (the whole text was checked to be UTF-8) and ends with "...". */
static const char *
quote (const char *s, char *buf, size_t len)
{
  const size_t keep = 40;
  size_t n = strlen (s), cut = n > keep ? keep : n;
  while (cut < n && cut > 0 && ((unsigned char) s[cut] & 0xC0) == 0x80)
    cut--;
  char body[48];
  for (size_t i = 0; i < cut; i++)
    body[i] = (unsigned char) s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
  body[cut] = '\0';
  snprintf (buf, len, "\"%s%s\"", body, cut < n ? "..." : "");
  return buf;
}

const char *
bp_spec_describe (const cJSON *v, char *buf, size_t len)
{
  if (v == NULL)
    snprintf (buf, len, "nothing");
  else if (cJSON_IsNumber (v))
    {
      double d = v->valuedouble;
      if (isfinite (d) && d == floor (d) && fabs (d) < 1e15)
        snprintf (buf, len, "%.0f", d);
      else
        snprintf (buf, len, "%.9g", d);
    }
  else if (cJSON_IsString (v) && v->valuestring != NULL)
    quote (v->valuestring, buf, len);
  else if (cJSON_IsBool (v))
    snprintf (buf, len, "%s", cJSON_IsTrue (v) ? "true" : "false");
  else if (cJSON_IsNull (v))
    snprintf (buf, len, "null");
  else if (cJSON_IsArray (v))
    snprintf (buf, len, "an array of %d", cJSON_GetArraySize (v));
  else if (cJSON_IsObject (v))
    snprintf (buf, len, "an object");
  else
    snprintf (buf, len, "something else");
  return buf;
}

/* Edit distance, capped: names are short and only distances up to 2 matter. */
static int
distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  if (la > 32 || lb > 32)
    return 99;
  int row[33];
  for (size_t j = 0; j <= lb; j++)
    row[j] = (int) j;
  for (size_t i = 1; i <= la; i++)
    {
      int diag = row[0];
      row[0] = (int) i;
      for (size_t j = 1; j <= lb; j++)
        {
          int up = row[j];
          int best = diag + (a[i - 1] != b[j - 1]);
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diag = up;
        }
    }
  return row[lb];
}

void
bp_spec_suggest (const char *got, const char *const *known, int n, char *buf, size_t len)
{
  int best = -1, best_d = 3;
  for (int i = 0; i < n; i++)
    {
      int d = distance (got, known[i]);
      if (d < best_d && (size_t) d < strlen (got))
        best = i, best_d = d;
    }
  if (best >= 0)
    {
      snprintf (buf, len, "did you mean \"%s\"?", known[best]);
      return;
    }
  size_t o = (size_t) snprintf (buf, len, "known: ");
  for (int i = 0; i < n && o < len; i++)
    o += (size_t) snprintf (buf + o, len - o, "%s%s", i ? ", " : "", known[i]);
}

/* Finds got among the first n values; on failure says "unknown <what> "got" (known: ...)". */
int
bp_spec_read_enum (bp_spec_reader *r, const char *what, const char *got, bp_spec_name_of name_of,
                   int n, int *out)
{
  const char *known[32];
  if (n > (int) (sizeof known / sizeof known[0]))
    n = (int) (sizeof known / sizeof known[0]);
  for (int i = 0; i < n; i++)
    {
      known[i] = name_of (i);
      if (known[i] != NULL && strcmp (got, known[i]) == 0)
        {
          *out = i;
          return 0;
        }
    }
  char hint[512], q[96];
  cJSON tmp = { .type = cJSON_String, .valuestring = (char *) got };
  bp_spec_suggest (got, known, n, hint, sizeof hint);
  bp_spec_say (r, "unknown %s %s (%s)", what, bp_spec_describe (&tmp, q, sizeof q), hint);
  return -1;
}

int
bp_spec_read_keys (bp_spec_reader *r, const cJSON *obj, const char *const *allowed, int n)
{
  unsigned seen = 0;
  for (const cJSON *c = obj->child; c != NULL; c = c->next)
    {
      const char *key = c->string != NULL ? c->string : "";
      int k = -1;
      for (int i = 0; i < n && i < 32; i++)
        if (strcmp (key, allowed[i]) == 0)
          k = i;
      if (k < 0)
        {
          char q[64], hint[512];
          bp_spec_suggest (key, allowed, n, hint, sizeof hint);
          if (r->section != NULL)
            bp_spec_say (r, "\"%s\": unknown field %s (%s)", r->section,
                         quote (key, q, sizeof q), hint);
          else
            bp_spec_say (r, "unknown field %s (%s)", quote (key, q, sizeof q), hint);
          return -1;
        }
      if (seen & (1u << k))
        {
          bp_spec_say_field (r, key, "appears twice");
          return -1;
        }
      seen |= 1u << k;
    }
  return 0;
}

static const char *
range_words (float lo, float hi, int lo_open, int hi_open, char *buf, size_t len)
{
  /* %.9g: limits such as 1e6 read as 1000000, not 1e+06. */
  if (isinf (hi))
    snprintf (buf, len, "%s %.9g", lo_open ? ">" : ">=", (double) lo);
  else if (!lo_open && !hi_open)
    snprintf (buf, len, "from %.9g to %.9g", (double) lo, (double) hi);
  else
    snprintf (buf, len, "%s %.9g and %s %.9g", lo_open ? ">" : ">=", (double) lo,
              hi_open ? "<" : "<=", (double) hi);
  return buf;
}

static bool
in_range (double v, float lo, float hi, int lo_open, int hi_open)
{
  if (!isfinite (v))
    return false;
  if (lo_open ? !(v > lo) : !(v >= lo))
    return false;
  if (isinf (hi))
    return true;
  return hi_open ? v < hi : v <= hi;
}

int
bp_spec_read_float (bp_spec_reader *r, const cJSON *obj, const char *key, float lo, float hi,
                    int lo_open, int hi_open, float *out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  /* The range must hold for the double as written and for the float it becomes (1e-50 is > 0,
   * its float is not; 1e300 is finite, its float is not). */
  if (cJSON_IsNumber (v) && in_range (v->valuedouble, lo, hi, lo_open, hi_open)
      && in_range ((float) v->valuedouble, lo, hi, lo_open, hi_open))
    {
      *out = (float) v->valuedouble;
      return 1;
    }
  char range[96], got[96];
  bp_spec_say_field (r, key, "must be a number %s, got %s",
                     range_words (lo, hi, lo_open, hi_open, range, sizeof range),
                     bp_spec_describe (v, got, sizeof got));
  return -1;
}

int
bp_spec_read_int (bp_spec_reader *r, const cJSON *obj, const char *key, int lo, int hi, int *out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  if (cJSON_IsNumber (v) && isfinite (v->valuedouble) && v->valuedouble == floor (v->valuedouble)
      && v->valuedouble >= lo && v->valuedouble <= hi)
    {
      *out = (int) v->valuedouble;
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be a whole number from %d to %d, got %s", lo, hi,
                     bp_spec_describe (v, got, sizeof got));
  return -1;
}

int
bp_spec_read_bool (bp_spec_reader *r, const cJSON *obj, const char *key, bool *out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  if (cJSON_IsBool (v))
    {
      *out = cJSON_IsTrue (v);
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be true or false, got %s",
                     bp_spec_describe (v, got, sizeof got));
  return -1;
}

int
bp_spec_read_string (bp_spec_reader *r, const cJSON *obj, const char *key, const char **out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  if (cJSON_IsString (v) && v->valuestring != NULL)
    {
      *out = v->valuestring;
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be a string, got %s", bp_spec_describe (v, got, sizeof got));
  return -1;
}

/* ---- the raw text ---- */

static void
line_column (const char *text, size_t off, int *line, int *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++)
    if (text[i] == '\n')
      ++*line, *col = 1;
    else if (((unsigned char) text[i] & 0xC0) != 0x80)
      ++*col;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), 0 if it is not valid. */
static size_t
utf8_char (const unsigned char *s, size_t n)
{
  if (s[0] < 0x80)
    return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    len = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    {
      len = 3;
      lo = s[0] == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
      hi = s[0] == 0xED ? 0x9F : 0xBF; /* no surrogates */
    }
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    {
      len = 4;
      lo = s[0] == 0xF0 ? 0x90 : 0x80;
      hi = s[0] == 0xF4 ? 0x8F : 0xBF;
    }
  else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return len;
}

/* Text checks before cJSON allocates anything: one pass, no allocation. Sets *cut_short when
 * a string or bracket is still open at the end. */
static int
check_text (const char *text, size_t len, bool *cut_short, char *err, size_t errlen)
{
  const unsigned char *s = (const unsigned char *) text;
  bool in_string = false, escaped = false, blank = true;
  int depth = 0, line, col;
  size_t values = 1;
  for (size_t i = 0; i < len;)
    {
      if (s[i] == 0)
        {
          line_column (text, i, &line, &col);
          snprintf (err, errlen, "the spec has a NUL byte at line %d, column %d: it is not text",
                    line, col);
          return -1;
        }
      size_t n = utf8_char (s + i, len - i);
      if (n == 0)
        {
          line_column (text, i, &line, &col);
          snprintf (err, errlen, "the spec is not UTF-8 text: byte 0x%02x at line %d, column %d",
                    s[i], line, col);
          return -1;
        }
      if (in_string)
        {
          if (escaped)
            escaped = false;
          else if (s[i] == '\\')
            escaped = true;
          else if (s[i] == '"')
            in_string = false;
        }
      else if (s[i] == '"')
        in_string = true;
      else if (s[i] == '[' || s[i] == '{')
        {
          values++;
          if (++depth > MAX_DEPTH)
            {
              line_column (text, i, &line, &col);
              snprintf (err, errlen,
                        "the JSON nests deeper than %d levels at line %d, column %d", MAX_DEPTH,
                        line, col);
              return -1;
            }
        }
      else if (s[i] == ']' || s[i] == '}')
        depth--;
      else if (s[i] == ',')
        values++;
      if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
        blank = false;
      if (values > BP_SPEC_MAX_VALUES)
        {
          char count[32];
          snprintf (err, errlen, "the spec has more than %s JSON values; a spec has a few "
                    "thousand at most",
                    bp_spec_format_count (BP_SPEC_MAX_VALUES, count, sizeof count));
          return -1;
        }
      i += n;
    }
  if (blank)
    {
      snprintf (err, errlen, "the spec is empty");
      return -1;
    }
  *cut_short = in_string || depth > 0;
  return 0;
}

cJSON *
bp_spec_parse_json (const char *text, size_t len, char *err, size_t errlen)
{
  if (text == NULL || len == 0)
    {
      snprintf (err, errlen, "the spec is empty");
      return NULL;
    }
  if (len > BP_SPEC_MAX_BYTES)
    {
      snprintf (err, errlen, "the spec is larger than %zu MiB", BP_SPEC_MAX_BYTES >> 20);
      return NULL;
    }
  /* Editors on some systems start UTF-8 files with a byte-order mark; JSON does not. */
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    text += 3, len -= 3;
  bool cut_short = false;
  if (check_text (text, len, &cut_short, err, errlen) < 0)
    return NULL;

  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts (text, len, &end, false);
  int line, col;
  if (root == NULL)
    {
      if (cut_short)
        snprintf (err, errlen, "the JSON ends before all its strings, arrays and objects are "
                  "closed (is the text cut short?)");
      else
        {
          size_t off = end != NULL && end >= text && end <= text + len ? (size_t) (end - text)
                                                                      : 0;
          line_column (text, off, &line, &col);
          snprintf (err, errlen, "not valid JSON at line %d, column %d", line, col);
        }
      return NULL;
    }
  size_t off = (size_t) (end - text);
  while (off < len && strchr (" \t\r\n", text[off]) != NULL)
    off++;
  if (off < len)
    {
      line_column (text, off, &line, &col);
      snprintf (err, errlen, "unexpected text after the end of the JSON at line %d, column %d",
                line, col);
      cJSON_Delete (root);
      return NULL;
    }
  return root;
}
