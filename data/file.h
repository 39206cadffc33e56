/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading whole files with a size bound (private to data/). */
#pragma once

#include <stddef.h>

/* The whole file in a new buffer (NUL-terminated, *len excludes the NUL), or NULL with
 * "PATH: problem" in err: missing, unreadable, a directory, or larger than max bytes (checked
 * before anything is allocated). */
char *bp_data_read_file (const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* The last component of path (a pointer into it). */
const char *bp_data_basename (const char *path);
