/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV files on disk: bounded reads, atomic writes. */
#include "data/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "data/file.h"
#include "data/internal.h"

/* data[0..len) unpacked when it is gzip (file.csv.gz, as --help and the open dialog offer),
 * into a new NUL-terminated buffer of at most max bytes; data itself otherwise. NULL with a
 * message. */
static char *
gunzip_if_gzip (const char *path, char *data, size_t *len, size_t max, char *err, size_t errlen)
{
  if (*len < 2 || (unsigned char) data[0] != 0x1f || (unsigned char) data[1] != 0x8b)
    return data;
  z_stream z = { 0 };
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK) /* 16: a gzip header, not zlib's */
    {
      bp_data_err (err, errlen, "%s: out of memory", path);
      return NULL;
    }
  size_t cap = *len * 4 + 4096, used = 0;
  char *out = NULL;
  int rc = Z_OK;
  z.next_in = (unsigned char *) data;
  z.avail_in = (uInt) (*len < UINT32_MAX ? *len : UINT32_MAX);
  while (rc == Z_OK)
    {
      if (cap > max + 1)
        cap = max + 1;
      char *grown = realloc (out, cap + 1);
      if (grown == NULL)
        {
          rc = Z_MEM_ERROR;
          break;
        }
      out = grown;
      z.next_out = (unsigned char *) out + used;
      z.avail_out = (uInt) (cap - used);
      rc = inflate (&z, Z_NO_FLUSH);
      used = cap - z.avail_out;
      if (rc == Z_OK && used > max)
        break;
      if (rc == Z_OK && z.avail_out == 0)
        cap *= 2;
      else if (rc == Z_OK)
        rc = Z_DATA_ERROR; /* input used up before the end of the stream */
    }
  inflateEnd (&z);
  char words[32];
  if (rc == Z_STREAM_END && used <= max)
    {
      out[used] = '\0';
      *len = used;
      return out;
    }
  if (used > max)
    bp_data_err (err, errlen, "%s: unpacked, larger than the %s allowed", path,
                 bp_data_size_words (max, words, sizeof words));
  else if (rc == Z_MEM_ERROR)
    bp_data_err (err, errlen, "%s: out of memory unpacking it", path);
  else
    bp_data_err (err, errlen, "%s: damaged gzip data after %zu unpacked bytes", path, used);
  free (out);
  return NULL;
}

bp_dataset *
bp_csv_load_file (const char *path, const bp_csv_options *opts, bp_csv_info *info, char *err,
                  size_t errlen)
{
  const size_t max = opts != NULL && opts->max_bytes ? opts->max_bytes : (size_t) 1 << 30;
  size_t len;
  char *data = bp_data_read_file (path, max, &len, err, errlen);
  if (data == NULL)
    return NULL;
  char *text = gunzip_if_gzip (path, data, &len, max, err, errlen);
  if (text != data)
    free (data);
  if (text == NULL)
    return NULL;
  data = text;
  bp_dataset *ds = bp_csv_load_buffer (data, len, path, opts, info, err, errlen);
  free (data);
  if (ds != NULL && bp_dataset_set_text (ds, bp_data_basename (path), path) != 0)
    {
      bp_dataset_free (ds);
      bp_data_err (err, errlen, "%s: out of memory", path);
      return NULL;
    }
  return ds;
}

/* A name or class as one CSV field: quoted when it holds a delimiter, quote, newline, or
 * would be read back as a number or a missing value where text was meant. */
static void
put_text (FILE *f, const char *s)
{
  bool quote = s[0] == '\0' || strpbrk (s, ",;\t\"\r\n") != NULL || s[0] == ' '
               || s[strlen (s) - 1] == ' ';
  if (!quote)
    {
      fputs (s, f);
      return;
    }
  fputc ('"', f);
  for (; *s; s++)
    {
      if (*s == '"')
        fputc ('"', f);
      fputc (*s, f);
    }
  fputc ('"', f);
}

static int
write_rows (FILE *f, const bp_dataset *ds)
{
  for (int j = 0; j < ds->n_features; j++)
    {
      put_text (f, ds->feature_names[j]);
      fputc (',', f);
    }
  if (ds->task == BP_TASK_CLASSIFICATION)
    fputs ("label", f);
  else
    for (int t = 0; t < ds->n_targets; t++)
      {
        if (t > 0)
          fputc (',', f);
        put_text (f, ds->target_names[t]);
      }
  fputc ('\n', f);
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      for (int j = 0; j < ds->n_features; j++)
        fprintf (f, "%.9g,", (double) bp_dataset_feature (ds, i, j));
      if (ds->task == BP_TASK_CLASSIFICATION)
        put_text (f, ds->class_names[ds->labels[i]]);
      else
        for (int t = 0; t < ds->n_targets; t++)
          fprintf (f, t > 0 ? ",%.9g" : "%.9g",
                   (double) ds->targets[i * (size_t) ds->n_targets + (size_t) t]);
      if (fputc ('\n', f) == EOF)
        return -1;
    }
  return ferror (f) ? -1 : 0;
}

int
bp_csv_save (const bp_dataset *ds, const char *path, char *err, size_t errlen)
{
  size_t n = strlen (path);
  char *tmp = malloc (n + 16);
  if (tmp == NULL)
    {
      bp_data_err (err, errlen, "%s: out of memory", path);
      return -1;
    }
  memcpy (tmp, path, n);
  memcpy (tmp + n, ".tmp-XXXXXX", 12);
  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      bp_data_err (err, errlen, "%s: cannot create a temporary file: %s", path, strerror (errno));
      free (tmp);
      return -1;
    }
  FILE *f = fdopen (fd, "w");
  if (f == NULL)
    {
      close (fd);
      unlink (tmp);
      free (tmp);
      bp_data_err (err, errlen, "%s: %s", path, strerror (errno));
      return -1;
    }
  /* "%.9g" follows LC_NUMERIC: write in the C locale so the file reads back anywhere. */
  locale_t c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  locale_t old = c_locale != (locale_t) 0 ? uselocale (c_locale) : (locale_t) 0;
  int rc = write_rows (f, ds);
  if (c_locale != (locale_t) 0)
    {
      uselocale (old);
      freelocale (c_locale);
    }
  int saved = errno;
  if (fflush (f) != 0 || fsync (fileno (f)) != 0)
    rc = -1, saved = errno;
  if (fclose (f) != 0 && rc == 0)
    rc = -1, saved = errno;
  if (rc == 0 && rename (tmp, path) != 0)
    rc = -1, saved = errno;
  if (rc != 0)
    {
      unlink (tmp);
      bp_data_err (err, errlen, "%s: cannot write: %s", path, strerror (saved));
    }
  free (tmp);
  return rc;
}
