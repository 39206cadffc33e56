/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors: the atomic writer and the helpers the reader (safetensors_read.c) shares. */
#include "engine/safetensors_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
bp_st_fail (char *err, size_t errlen, const char *fmt, ...)
{
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

bool
bp_st_host_le (void)
{
  const uint16_t one = 1;
  return *(const uint8_t *) &one == 1;
}

void
bp_st_swap32 (void *p, size_t n)
{
  uint8_t *b = p;
  for (size_t i = 0; i < n; i++, b += 4)
    {
      uint8_t t = b[0];
      b[0] = b[3];
      b[3] = t;
      t = b[1];
      b[1] = b[2];
      b[2] = t;
    }
}

int64_t
bp_st_numel (int rank, const int64_t *dims)
{
  int64_t n = 1;
  for (int i = 0; i < rank; i++)
    {
      if (dims[i] < 0)
        return -1;
      if (dims[i] != 0 && n > (INT64_MAX / 4) / dims[i])
        return -1;
      n *= dims[i];
    }
  return n;
}

/* ---- Writer ---- */

static char *
header_json (const bp_st_tensor *t, int n, const char *const *mk, const char *const *mv,
             int n_meta, char *err, size_t errlen)
{
  cJSON *root = cJSON_CreateObject ();
  if (root == NULL)
    return NULL;
  if (n_meta > 0)
    {
      cJSON *meta = cJSON_AddObjectToObject (root, "__metadata__");
      for (int i = 0; meta != NULL && i < n_meta; i++)
        cJSON_AddStringToObject (meta, mk[i], mv[i]);
    }
  uint64_t offset = 0;
  for (int i = 0; i < n; i++)
    {
      int64_t numel = bp_st_numel (t[i].rank, t[i].dims);
      if (t[i].name == NULL || t[i].name[0] == '\0' || strcmp (t[i].name, "__metadata__") == 0
          || t[i].rank < 0 || t[i].rank > BP_ST_MAX_RANK || numel < 0
          || cJSON_GetObjectItemCaseSensitive (root, t[i].name) != NULL)
        {
          bp_st_fail (err, errlen, "tensor %d ('%s') has a bad or duplicate name or shape", i,
                t[i].name ? t[i].name : "");
          cJSON_Delete (root);
          return NULL;
        }
      cJSON *o = cJSON_AddObjectToObject (root, t[i].name);
      cJSON_AddStringToObject (o, "dtype", "F32");
      cJSON *shape = cJSON_AddArrayToObject (o, "shape");
      for (int d = 0; d < t[i].rank; d++)
        cJSON_AddItemToArray (shape, cJSON_CreateNumber ((double) t[i].dims[d]));
      cJSON *off = cJSON_AddArrayToObject (o, "data_offsets");
      cJSON_AddItemToArray (off, cJSON_CreateNumber ((double) offset));
      offset += (uint64_t) numel * 4;
      cJSON_AddItemToArray (off, cJSON_CreateNumber ((double) offset));
    }
  char *json = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  if (json == NULL)
    bp_st_fail (err, errlen, "out of memory");
  return json;
}

static bool
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t k = write (fd, p, len);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        return false;
      p += k;
      len -= (size_t) k;
    }
  return true;
}

int
bp_open_temp_beside (const char *path, char *tmp, size_t len)
{
  /* O_EXCL with mode 0666: the umask applies as for any new file (mkstemp would force 0600). */
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  uint64_t x = (uint64_t) ts.tv_nsec ^ ((uint64_t) getpid () << 32) ^ (uint64_t) (uintptr_t) tmp;
  for (int attempt = 0; attempt < 100; attempt++)
    {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      snprintf (tmp, len, "%s.tmp-%06x", path, (unsigned) (x >> 40));
      int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0 || errno != EEXIST)
        return fd;
    }
  return -1;
}

int
bp_safetensors_write (const char *path, const bp_st_tensor *tensors, int n_tensors,
                      const char *const *meta_keys, const char *const *meta_values, int n_meta,
                      char *err, size_t errlen)
{
  char msg[200] = "";
  char *json = header_json (tensors, n_tensors, meta_keys, meta_values, n_meta, msg,
                            sizeof msg);
  if (json == NULL)
    {
      bp_st_fail (err, errlen, "%s: %s", path, msg);
      return -1;
    }
  size_t jlen = strlen (json);
  size_t padded = (jlen + 7) / 8 * 8;
  char *header = malloc (8 + padded);
  if (header == NULL)
    {
      free (json);
      bp_st_fail (err, errlen, "%s: out of memory", path);
      return -1;
    }
  uint64_t n = padded;
  for (int i = 0; i < 8; i++)
    header[i] = (char) (n >> (8 * i));
  memcpy (header + 8, json, jlen);
  memset (header + 8 + jlen, ' ', padded - jlen);
  free (json);

  size_t plen = strlen (path);
  char *tmp = malloc (plen + 32);
  if (tmp == NULL)
    {
      free (header);
      bp_st_fail (err, errlen, "%s: out of memory", path);
      return -1;
    }
  int fd = bp_open_temp_beside (path, tmp, plen + 32);
  if (fd < 0)
    {
      bp_st_fail (err, errlen, "%s: cannot create a temporary file: %s", path, strerror (errno));
      free (header);
      free (tmp);
      return -1;
    }
  bool ok = write_all (fd, header, 8 + padded);
  free (header);
  bool le = bp_st_host_le ();
  for (int i = 0; ok && i < n_tensors; i++)
    {
      size_t count = (size_t) bp_st_numel (tensors[i].rank, tensors[i].dims);
      if (le)
        ok = write_all (fd, tensors[i].data, count * 4);
      else
        {
          /* Big-endian hosts: swap through a small buffer. */
          float buf[1024];
          for (size_t k = 0; ok && k < count; k += 1024)
            {
              size_t m = count - k < 1024 ? count - k : 1024;
              memcpy (buf, tensors[i].data + k, m * 4);
              bp_st_swap32 (buf, m);
              ok = write_all (fd, buf, m * 4);
            }
        }
    }
  int saved = errno;
  if (ok && fsync (fd) != 0)
    {
      ok = false;
      saved = errno;
    }
  if (close (fd) != 0 && ok)
    {
      ok = false;
      saved = errno;
    }
  if (ok && rename (tmp, path) != 0)
    {
      ok = false;
      saved = errno;
    }
  if (!ok)
    {
      unlink (tmp);
      bp_st_fail (err, errlen, "%s: cannot write: %s", path, strerror (saved));
    }
  free (tmp);
  return ok ? 0 : -1;
}
