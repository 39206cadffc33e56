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

/* The same Fisher-Yates as engine/rng.c's bp_rng_shuffle_u32 (j = next % (i + 1), i from n-1
 * down to 1): data/ does not link the engine, but a seed must mean the same order in both. */
static inline void
bp_data_shuffle_u32 (bp_rng *r, uint32_t *idx, uint32_t n)
{
  if (n < 2)
    return;
  for (uint32_t i = n - 1; i > 0; i--)
    {
      uint32_t j = (uint32_t) (bp_rng_next (r) % ((uint64_t) i + 1));
      uint32_t t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
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
