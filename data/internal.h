/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the files of data/ (not installed, not for other modules). */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/rng.h"

/* Writes a message into the caller's buffer (which may be NULL or empty). */
static inline void __attribute__ ((format (printf, 3, 4)))
bp_data_err (char *err, size_t errlen, const char *fmt, ...)
{
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

/* A size for messages: "1 GiB", "64 MiB" or "10 bytes". */
static inline const char *
bp_data_size_words (size_t bytes, char *buf, size_t len)
{
  if (bytes >= ((size_t) 1 << 30) && bytes % ((size_t) 1 << 30) == 0)
    snprintf (buf, len, "%zu GiB", bytes >> 30);
  else if (bytes >= ((size_t) 1 << 20) && bytes % ((size_t) 1 << 20) == 0)
    snprintf (buf, len, "%zu MiB", bytes >> 20);
  else
    snprintf (buf, len, "%zu bytes", bytes);
  return buf;
}

/* a * b without overflow; returns 0 and sets *out, or -1 when it would overflow. */
static inline int
bp_data_mul (size_t a, size_t b, size_t *out)
{
  if (a != 0 && b > SIZE_MAX / a)
    return -1;
  *out = a * b;
  return 0;
}

/* Uniform in [a, b), as the Playground's randUniform. */
static inline double
bp_data_uniform (bp_rng *r, double a, double b)
{
  return bp_rng_uniform (r) * (b - a) + a;
}

char *bp_data_strdup (const char *s);
/* strtod in the C locale whatever LC_NUMERIC says (the window sets the user's locale). */
double bp_data_strtod_c (const char *s, char **end);
char *bp_data_strndup (const char *s, size_t n);
/* "a" then "b": natural order, so "class_2" < "class_10" and "9" < "10". */
int bp_data_natural_cmp (const char *a, const char *b);
