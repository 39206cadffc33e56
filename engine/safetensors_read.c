/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors: the validating reader (float32 only; every length, offset and shape checked). */
#include "engine/safetensors_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
      bp_st_fail (err, errlen, "%s: __metadata__ is not an object", what);
      return -1;
    }
  int n = cJSON_GetArraySize (meta);
  st->meta_keys = calloc ((size_t) n + 1, sizeof (char *));
  st->meta_values = calloc ((size_t) n + 1, sizeof (char *));
  if (st->meta_keys == NULL || st->meta_values == NULL)
    {
      bp_st_fail (err, errlen, "%s: out of memory", what);
      return -1;
    }
  for (const cJSON *m = meta->child; m != NULL; m = m->next)
    {
      if (!cJSON_IsString (m) || m->string == NULL)
        {
          bp_st_fail (err, errlen, "%s: metadata '%s' is not a string", what,
                m->string ? m->string : "?");
          return -1;
        }
      st->meta_keys[st->n_meta] = strdup (m->string);
      st->meta_values[st->n_meta] = strdup (m->valuestring);
      st->n_meta++;
      if (st->meta_keys[st->n_meta - 1] == NULL || st->meta_values[st->n_meta - 1] == NULL)
        {
          bp_st_fail (err, errlen, "%s: out of memory", what);
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
      bp_st_fail (err, errlen, "%s: tensor '%s' is not an object", what, name);
      return -1;
    }
  for (int j = 0; j < i; j++)
    if (strcmp (st->names[j], name) == 0)
      {
        bp_st_fail (err, errlen, "%s: tensor '%s' appears twice", what, name);
        return -1;
      }
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive (e, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive (e, "shape");
  const cJSON *off = cJSON_GetObjectItemCaseSensitive (e, "data_offsets");
  if (!cJSON_IsString (dtype) || !cJSON_IsArray (shape) || !cJSON_IsArray (off)
      || cJSON_GetArraySize (off) != 2)
    {
      bp_st_fail (err, errlen, "%s: tensor '%s' needs dtype, shape and data_offsets [begin, end]",
            what, name);
      return -1;
    }
  if (strcmp (dtype->valuestring, "F32") != 0)
    {
      bp_st_fail (err, errlen, "%s: tensor '%s' has dtype %s; only F32 is supported", what, name,
            dtype->valuestring);
      return -1;
    }
  bp_st_tensor *t = &st->tensors[i];
  t->rank = cJSON_GetArraySize (shape);
  if (t->rank > BP_ST_MAX_RANK)
    {
      bp_st_fail (err, errlen, "%s: tensor '%s' has %d dimensions (at most %d)", what, name, t->rank,
            BP_ST_MAX_RANK);
      return -1;
    }
  int d = 0;
  for (const cJSON *x = shape->child; x != NULL; x = x->next, d++)
    {
      uint64_t v;
      if (!json_u64 (x, &v) || v > (uint64_t) INT64_MAX / 8)
        {
          bp_st_fail (err, errlen, "%s: tensor '%s': dimension %d is not a size", what, name, d);
          return -1;
        }
      t->dims[d] = (int64_t) v;
    }
  int64_t numel = bp_st_numel (t->rank, t->dims);
  uint64_t b, en;
  if (!json_u64 (off->child, &b) || !json_u64 (off->child->next, &en) || b > en
      || en > data_len)
    {
      bp_st_fail (err, errlen, "%s: tensor '%s': data_offsets out of the file's %llu data bytes",
            what, name, (unsigned long long) data_len);
      return -1;
    }
  if (numel < 0 || en - b != (uint64_t) numel * 4)
    {
      bp_st_fail (err, errlen, "%s: tensor '%s': %llu bytes for a shape of %lld floats", what, name,
            (unsigned long long) (en - b), (long long) numel);
      return -1;
    }
  st->names[i] = strdup (name);
  if (st->names[i] == NULL)
    {
      bp_st_fail (err, errlen, "%s: out of memory", what);
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
      bp_st_fail (err, errlen, "%s: out of memory", what);
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
              bp_st_fail (err, errlen, "%s: __metadata__ appears twice", what);
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
              bp_st_fail (err, errlen, "%s: tensor '%s' %s", what, st->names[spans[i].index],
                    spans[i].begin < at ? "overlaps another" : "leaves a gap before it");
              rc = -1;
            }
          at = spans[i].end;
        }
      if (rc == 0 && at != data_len)
        {
          bp_st_fail (err, errlen, "%s: %llu bytes after the last tensor", what,
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
          bp_st_fail (err, errlen, "%s: out of memory", what);
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
              bp_st_fail (err, errlen, "%s: out of memory for tensor '%s'", what, st->names[i]);
              rc = -1;
              break;
            }
          memcpy (st->data[i], data + spans[i].begin, bytes);
          if (!bp_st_host_le ())
            bp_st_swap32 (st->data[i], bytes / 4);
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
      bp_st_fail (err, errlen, "%s: %zu bytes is too short for a safetensors file", what, len);
      return NULL;
    }
  uint64_t hlen = 0;
  for (int i = 0; i < 8; i++)
    hlen |= (uint64_t) b[i] << (8 * i);
  if (hlen < 2 || hlen > BP_ST_MAX_HEADER || hlen > len - 8)
    {
      bp_st_fail (err, errlen, "%s: header length %llu does not fit a file of %zu bytes", what,
            (unsigned long long) hlen, len);
      return NULL;
    }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts ((const char *) b + 8, (size_t) hlen, &end, 0);
  if (root == NULL || !cJSON_IsObject (root))
    {
      size_t at = end ? (size_t) (end - (const char *) b) : 8;
      bp_st_fail (err, errlen, "%s: the header is not a JSON object (near byte %zu)", what, at);
      cJSON_Delete (root);
      return NULL;
    }
  /* Only trailing spaces may follow the JSON inside the header. */
  for (const char *p = end; p != NULL && p < (const char *) b + 8 + hlen; p++)
    if (*p != ' ' && *p != '\0')
      {
        bp_st_fail (err, errlen, "%s: unexpected bytes after the JSON header", what);
        cJSON_Delete (root);
        return NULL;
      }
  bp_safetensors *st = calloc (1, sizeof *st);
  if (st == NULL)
    {
      cJSON_Delete (root);
      bp_st_fail (err, errlen, "%s: out of memory", what);
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
      bp_st_fail (err, errlen, "%s: %s", path, strerror (errno));
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
              bp_st_fail (err, errlen, "%s: out of memory", path);
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
      bp_st_fail (err, errlen, "%s: read error", path);
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
