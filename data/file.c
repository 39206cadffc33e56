/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounded whole-file reads. */
#include "data/file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/internal.h"

const char *
bp_data_basename (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

char *
bp_data_read_file (const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      bp_data_err (err, errlen, "%s: %s", path, strerror (errno));
      return NULL;
    }
  struct stat st;
  if (fstat (fileno (f), &st) != 0)
    {
      bp_data_err (err, errlen, "%s: %s", path, strerror (errno));
      fclose (f);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      bp_data_err (err, errlen, "%s: %s", path,
                   S_ISDIR (st.st_mode) ? "is a directory" : "not a regular file");
      fclose (f);
      return NULL;
    }
  if ((unsigned long long) st.st_size > max)
    {
      char words[32];
      bp_data_err (err, errlen, "%s: %lld bytes: larger than the %s allowed", path,
                   (long long) st.st_size, bp_data_size_words (max, words, sizeof words));
      fclose (f);
      return NULL;
    }
  size_t size = (size_t) st.st_size;
  char *data = malloc (size + 1);
  if (data == NULL)
    {
      bp_data_err (err, errlen, "%s: out of memory for %zu bytes", path, size);
      fclose (f);
      return NULL;
    }
  size_t got = fread (data, 1, size, f);
  bool failed = ferror (f);
  fclose (f);
  if (failed || got != size)
    {
      bp_data_err (err, errlen, "%s: read error (%zu of %zu bytes)", path, got, size);
      free (data);
      return NULL;
    }
  data[size] = '\0';
  *len = size;
  return data;
}
