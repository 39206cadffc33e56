/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built-in name or file path -> dataset. */
#include "data/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "data/builtin.h"
#include "data/file.h"
#include "data/idx.h"
#include "data/internal.h"

bool
bp_source_idx_labels_path (const char *images, char *buf, size_t len)
{
  const char *base = bp_data_basename (images);
  const char *at = strstr (base, "images-idx3");
  size_t cut = 11;
  const char *with = "labels-idx1";
  if (at == NULL)
    {
      at = strstr (base, "images");
      cut = 6;
      with = "labels";
    }
  if (at == NULL)
    return false;
  int n = snprintf (buf, len, "%.*s%s%s", (int) (at - images), images, with, at + cut);
  return n >= 0 && (size_t) n < len;
}

/* The first 4 uncompressed bytes of path (through gzip when compressed). */
static int
peek (const char *path, unsigned char head[4], char *err, size_t errlen)
{
  gzFile gz = gzopen (path, "rb"); /* reads plain files transparently */
  if (gz == NULL)
    {
      bp_data_err (err, errlen, "%s: %s", path, errno ? strerror (errno) : "cannot open");
      return -1;
    }
  int n = gzread (gz, head, 4);
  gzclose (gz);
  return n < 0 ? 0 : n;
}

bp_dataset *
bp_source_load (const char *source, const bp_source_options *opts, bp_csv_info *csv_info,
                char *err, size_t errlen)
{
  if (source == NULL || source[0] == '\0')
    {
      bp_data_err (err, errlen, "no dataset given");
      return NULL;
    }
  if (bp_builtin_exists (source))
    return bp_builtin_load (source, err, errlen);

  if (access (source, F_OK) != 0)
    {
      bp_data_err (err, errlen, "%s: no such file, and not a built-in dataset name", source);
      return NULL;
    }
  unsigned char head[4] = { 0 };
  int n = peek (source, head, err, errlen);
  if (n < 0)
    return NULL;
  if (!bp_idx_sniff (head, (size_t) n))
    return bp_csv_load_file (source, opts ? &opts->csv : NULL, csv_info, err, errlen);

  char derived[4096];
  const char *labels = opts ? opts->idx_labels : NULL;
  if (labels == NULL)
    {
      if (!bp_source_idx_labels_path (source, derived, sizeof derived))
        {
          bp_data_err (err, errlen, "%s: an IDX images file needs its labels file, and its name "
                       "has no \"images\" to derive one from", source);
          return NULL;
        }
      if (access (derived, F_OK) != 0)
        {
          bp_data_err (err, errlen, "%s: an IDX images file needs its labels file; %s: %s",
                       source, derived, strerror (errno));
          return NULL;
        }
      labels = derived;
    }
  return bp_idx_load_pair (source, labels, err, errlen);
}
