/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors: atomic writer and validating reader (float32 only). */
#include "engine/safetensors.h"

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

struct bp_safetensors {
  int n;
  bp_st_tensor *tensors;
  char **names;
  float **data;
  int n_meta;
  char **meta_keys, **meta_values;
};

static void
fail (char *err, size_t errlen, const char *fmt, ...)
{
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

static bool
host_is_little_endian (void)
{
  const uint16_t one = 1;
  return *(const uint8_t *) &one == 1;
}

static void
swap32 (void *p, size_t n)
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

/* Element count of a shape, or -1 when it overflows what a file could hold. */
static int64_t
shape_numel (int rank, const int64_t *dims)
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
      int64_t numel = shape_numel (t[i].rank, t[i].dims);
      if (t[i].name == NULL || t[i].name[0] == '\0' || strcmp (t[i].name, "__metadata__") == 0
          || t[i].rank < 0 || t[i].rank > BP_ST_MAX_RANK || numel < 0
          || cJSON_GetObjectItemCaseSensitive (root, t[i].name) != NULL)
        {
          fail (err, errlen, "tensor %d ('%s') has a bad or duplicate name or shape", i,
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
    fail (err, errlen, "out of memory");
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
      fail (err, errlen, "%s: %s", path, msg);
      return -1;
    }
  size_t jlen = strlen (json);
  size_t padded = (jlen + 7) / 8 * 8;
  char *header = malloc (8 + padded);
  if (header == NULL)
    {
      free (json);
      fail (err, errlen, "%s: out of memory", path);
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
      fail (err, errlen, "%s: out of memory", path);
      return -1;
    }
  int fd = bp_open_temp_beside (path, tmp, plen + 32);
  if (fd < 0)
    {
      fail (err, errlen, "%s: cannot create a temporary file: %s", path, strerror (errno));
      free (header);
      free (tmp);
      return -1;
    }
  bool ok = write_all (fd, header, 8 + padded);
  free (header);
  bool le = host_is_little_endian ();
  for (int i = 0; ok && i < n_tensors; i++)
    {
      size_t count = (size_t) shape_numel (tensors[i].rank, tensors[i].dims);
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
              swap32 (buf, m);
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
      fail (err, errlen, "%s: cannot write: %s", path, strerror (saved));
    }
  free (tmp);
  return ok ? 0 : -1;
}

/* ---- Reader ---- */

void
bp_safetensors_free (bp_safetensors *st)
{
  if (st == NULL)
    return;
  for (int i = 0; i < st->n; i++)
    {
      free (st->names[i]);
      free (st->data[i]);
    }
  for (int i = 0; i < st->n_meta; i++)
    {
      free (st->meta_keys[i]);
      free (st->meta_values[i]);
    }
  free (st->tensors);
  free (st->names);
  free (st->data);
  free (st->meta_keys);
  free (st->meta_values);
  free (st);
}

typedef struct span {
  uint64_t begin, end;
  int index;
} span;

static int
span_cmp (const void *a, const void *b)
{
  const span *x = a, *y = b;
  return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end > y->end) - (x->end < y->end);
}

static bool
json_u64 (const cJSON *item, uint64_t *out)
{
  if (!cJSON_IsNumber (item))
    return false;
  double v = item->valuedouble;
  if (!(v >= 0.0 && v <= 9007199254740992.0) || v != floor (v))
    return false;
  *out = (uint64_t) v;
  return true;
}

static int
parse_meta (bp_safetensors *st, const cJSON *meta, const char *what, char *err, size_t errlen)
{
  if (!cJSON_IsObject (meta))
    {
      fail (err, errlen, "%s: __metadata__ is not an object", what);
      return -1;
    }
  int n = cJSON_GetArraySize (meta);
  st->meta_keys = calloc ((size_t) n + 1, sizeof (char *));
  st->meta_values = calloc ((size_t) n + 1, sizeof (char *));
  if (st->meta_keys == NULL || st->meta_values == NULL)
    {
      fail (err, errlen, "%s: out of memory", what);
      return -1;
    }
  for (const cJSON *m = meta->child; m != NULL; m = m->next)
    {
      if (!cJSON_IsString (m) || m->string == NULL)
        {
          fail (err, errlen, "%s: metadata '%s' is not a string", what,
                m->string ? m->string : "?");
          return -1;
        }
      st->meta_keys[st->n_meta] = strdup (m->string);
      st->meta_values[st->n_meta] = strdup (m->valuestring);
      st->n_meta++;
      if (st->meta_keys[st->n_meta - 1] == NULL || st->meta_values[st->n_meta - 1] == NULL)
        {
          fail (err, errlen, "%s: out of memory", what);
          return -1;
        }
    }
  return 0;
}

/* Checks one tensor entry and records its shape and byte span. */
static int
parse_entry (bp_safetensors *st, const cJSON *e, uint64_t data_len, span *sp, const char *what,
             char *err, size_t errlen)
{
  int i = st->n;
  const char *name = e->string;
  if (!cJSON_IsObject (e))
    {
      fail (err, errlen, "%s: tensor '%s' is not an object", what, name);
      return -1;
    }
  for (int j = 0; j < i; j++)
    if (strcmp (st->names[j], name) == 0)
      {
        fail (err, errlen, "%s: tensor '%s' appears twice", what, name);
        return -1;
      }
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive (e, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive (e, "shape");
  const cJSON *off = cJSON_GetObjectItemCaseSensitive (e, "data_offsets");
  if (!cJSON_IsString (dtype) || !cJSON_IsArray (shape) || !cJSON_IsArray (off)
      || cJSON_GetArraySize (off) != 2)
    {
      fail (err, errlen, "%s: tensor '%s' needs dtype, shape and data_offsets [begin, end]",
            what, name);
      return -1;
    }
  if (strcmp (dtype->valuestring, "F32") != 0)
    {
      fail (err, errlen, "%s: tensor '%s' has dtype %s; only F32 is supported", what, name,
            dtype->valuestring);
      return -1;
    }
  bp_st_tensor *t = &st->tensors[i];
  t->rank = cJSON_GetArraySize (shape);
  if (t->rank > BP_ST_MAX_RANK)
    {
      fail (err, errlen, "%s: tensor '%s' has %d dimensions (at most %d)", what, name, t->rank,
            BP_ST_MAX_RANK);
      return -1;
    }
  int d = 0;
  for (const cJSON *x = shape->child; x != NULL; x = x->next, d++)
    {
      uint64_t v;
      if (!json_u64 (x, &v) || v > (uint64_t) INT64_MAX / 8)
        {
          fail (err, errlen, "%s: tensor '%s': dimension %d is not a size", what, name, d);
          return -1;
        }
      t->dims[d] = (int64_t) v;
    }
  int64_t numel = shape_numel (t->rank, t->dims);
  uint64_t b, en;
  if (!json_u64 (off->child, &b) || !json_u64 (off->child->next, &en) || b > en
      || en > data_len)
    {
      fail (err, errlen, "%s: tensor '%s': data_offsets out of the file's %llu data bytes",
            what, name, (unsigned long long) data_len);
      return -1;
    }
  if (numel < 0 || en - b != (uint64_t) numel * 4)
    {
      fail (err, errlen, "%s: tensor '%s': %llu bytes for a shape of %lld floats", what, name,
            (unsigned long long) (en - b), (long long) numel);
      return -1;
    }
  st->names[i] = strdup (name);
  if (st->names[i] == NULL)
    {
      fail (err, errlen, "%s: out of memory", what);
      return -1;
    }
  t->name = st->names[i];
  sp->begin = b;
  sp->end = en;
  sp->index = i;
  st->n++;
  return 0;
}

static int
parse_header (bp_safetensors *st, const cJSON *root, const uint8_t *data, uint64_t data_len,
              const char *what, char *err, size_t errlen)
{
  int n_items = cJSON_GetArraySize (root);
  st->tensors = calloc ((size_t) n_items + 1, sizeof *st->tensors);
  st->names = calloc ((size_t) n_items + 1, sizeof *st->names);
  st->data = calloc ((size_t) n_items + 1, sizeof *st->data);
  span *spans = calloc ((size_t) n_items + 1, sizeof *spans);
  if (st->tensors == NULL || st->names == NULL || st->data == NULL || spans == NULL)
    {
      free (spans);
      fail (err, errlen, "%s: out of memory", what);
      return -1;
    }
  int rc = 0;
  bool seen_meta = false;
  for (const cJSON *e = root->child; rc == 0 && e != NULL; e = e->next)
    {
      if (e->string != NULL && strcmp (e->string, "__metadata__") == 0)
        {
          if (seen_meta)
            {
              fail (err, errlen, "%s: __metadata__ appears twice", what);
              rc = -1;
            }
          else
            rc = parse_meta (st, e, what, err, errlen);
          seen_meta = true;
        }
      else
        rc = parse_entry (st, e, data_len, &spans[st->n], what, err, errlen);
    }
  /* The data must be covered exactly: sorted spans back to back from 0 to the end. */
  if (rc == 0)
    {
      qsort (spans, (size_t) st->n, sizeof *spans, span_cmp);
      uint64_t at = 0;
      for (int i = 0; rc == 0 && i < st->n; i++)
        {
          if (spans[i].begin != at)
            {
              fail (err, errlen, "%s: tensor '%s' %s", what, st->names[spans[i].index],
                    spans[i].begin < at ? "overlaps another" : "leaves a gap before it");
              rc = -1;
            }
          at = spans[i].end;
        }
      if (rc == 0 && at != data_len)
        {
          fail (err, errlen, "%s: %llu bytes after the last tensor", what,
                (unsigned long long) (data_len - at));
          rc = -1;
        }
    }
  /* Reorder to file order and copy the data out, aligned and native-endian. */
  if (rc == 0)
    {
      bp_st_tensor *t2 = calloc ((size_t) st->n + 1, sizeof *t2);
      char **n2 = calloc ((size_t) st->n + 1, sizeof *n2);
      if (t2 == NULL || n2 == NULL)
        {
          free (t2);
          free (n2);
          fail (err, errlen, "%s: out of memory", what);
          rc = -1;
        }
      for (int i = 0; rc == 0 && i < st->n; i++)
        {
          t2[i] = st->tensors[spans[i].index];
          n2[i] = st->names[spans[i].index];
        }
      if (rc == 0)
        {
          free (st->tensors);
          free (st->names);
          st->tensors = t2;
          st->names = n2;
        }
      for (int i = 0; rc == 0 && i < st->n; i++)
        {
          size_t bytes = (size_t) (spans[i].end - spans[i].begin);
          st->data[i] = malloc (bytes ? bytes : 4);
          if (st->data[i] == NULL)
            {
              fail (err, errlen, "%s: out of memory for tensor '%s'", what, st->names[i]);
              rc = -1;
              break;
            }
          memcpy (st->data[i], data + spans[i].begin, bytes);
          if (!host_is_little_endian ())
            swap32 (st->data[i], bytes / 4);
          st->tensors[i].data = st->data[i];
        }
    }
  free (spans);
  return rc;
}

bp_safetensors *
bp_safetensors_parse (const void *buf, size_t len, const char *what, char *err, size_t errlen)
{
  const uint8_t *b = buf;
  if (len < 8)
    {
      fail (err, errlen, "%s: %zu bytes is too short for a safetensors file", what, len);
      return NULL;
    }
  uint64_t hlen = 0;
  for (int i = 0; i < 8; i++)
    hlen |= (uint64_t) b[i] << (8 * i);
  if (hlen < 2 || hlen > BP_ST_MAX_HEADER || hlen > len - 8)
    {
      fail (err, errlen, "%s: header length %llu does not fit a file of %zu bytes", what,
            (unsigned long long) hlen, len);
      return NULL;
    }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts ((const char *) b + 8, (size_t) hlen, &end, 0);
  if (root == NULL || !cJSON_IsObject (root))
    {
      size_t at = end ? (size_t) (end - (const char *) b) : 8;
      fail (err, errlen, "%s: the header is not a JSON object (near byte %zu)", what, at);
      cJSON_Delete (root);
      return NULL;
    }
  /* Only trailing spaces may follow the JSON inside the header. */
  for (const char *p = end; p != NULL && p < (const char *) b + 8 + hlen; p++)
    if (*p != ' ' && *p != '\0')
      {
        fail (err, errlen, "%s: unexpected bytes after the JSON header", what);
        cJSON_Delete (root);
        return NULL;
      }
  bp_safetensors *st = calloc (1, sizeof *st);
  if (st == NULL)
    {
      cJSON_Delete (root);
      fail (err, errlen, "%s: out of memory", what);
      return NULL;
    }
  int rc = parse_header (st, root, b + 8 + hlen, len - 8 - hlen, what, err, errlen);
  cJSON_Delete (root);
  if (rc != 0)
    {
      bp_safetensors_free (st);
      return NULL;
    }
  return st;
}

bp_safetensors *
bp_safetensors_read (const char *path, char *err, size_t errlen)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      fail (err, errlen, "%s: %s", path, strerror (errno));
      return NULL;
    }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;)
    {
      if (len == cap)
        {
          size_t ncap = cap ? cap * 2 : 1 << 16;
          char *nb = realloc (buf, ncap);
          if (nb == NULL)
            {
              free (buf);
              fclose (f);
              fail (err, errlen, "%s: out of memory", path);
              return NULL;
            }
          buf = nb;
          cap = ncap;
        }
      size_t k = fread (buf + len, 1, cap - len, f);
      len += k;
      if (k == 0)
        break;
    }
  bool bad = ferror (f);
  fclose (f);
  if (bad)
    {
      free (buf);
      fail (err, errlen, "%s: read error", path);
      return NULL;
    }
  bp_safetensors *st = bp_safetensors_parse (buf, len, path, err, errlen);
  free (buf);
  return st;
}

int
bp_safetensors_n_tensors (const bp_safetensors *st)
{
  return st->n;
}

const bp_st_tensor *
bp_safetensors_tensor (const bp_safetensors *st, int i)
{
  return i >= 0 && i < st->n ? &st->tensors[i] : NULL;
}

const bp_st_tensor *
bp_safetensors_find (const bp_safetensors *st, const char *name)
{
  for (int i = 0; i < st->n; i++)
    if (strcmp (st->names[i], name) == 0)
      return &st->tensors[i];
  return NULL;
}

const char *
bp_safetensors_meta (const bp_safetensors *st, const char *key)
{
  for (int i = 0; i < st->n_meta; i++)
    if (strcmp (st->meta_keys[i], key) == 0)
      return st->meta_values[i];
  return NULL;
}

int
bp_safetensors_n_meta (const bp_safetensors *st)
{
  return st->n_meta;
}

void
bp_safetensors_meta_at (const bp_safetensors *st, int i, const char **key, const char **value)
{
  *key = i >= 0 && i < st->n_meta ? st->meta_keys[i] : NULL;
  *value = i >= 0 && i < st->n_meta ? st->meta_values[i] : NULL;
}
