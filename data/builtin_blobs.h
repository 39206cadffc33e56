/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The files of data/builtin/, compiled into the program by data/builtin/embed.c (private). */
#pragma once

#include <stddef.h>

typedef struct bp_builtin_blob {
  const char *name;
  const unsigned char *data; /* length bytes, then a NUL */
  size_t length;
} bp_builtin_blob;

extern const bp_builtin_blob bp_builtin_blobs[]; /* ends with a NULL name */
