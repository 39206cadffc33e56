/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dataset type: allocation with bounded sizes, names, and the per-batch gather. */
#include "data/dataset.h"

#include <ctype.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

char *
bp_data_strndup (const char *s, size_t n)
{
  char *d = malloc (n + 1);
  if (d == NULL)
    return NULL;
  memcpy (d, s, n);
  d[n] = '\0';
  return d;
}

char *
bp_data_strdup (const char *s)
{
  return bp_data_strndup (s, strlen (s));
}

double
bp_data_strtod_c (const char *s, char **end)
{
  locale_t c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  locale_t old = c_locale != (locale_t) 0 ? uselocale (c_locale) : (locale_t) 0;
  double v = strtod (s, end);
  if (c_locale != (locale_t) 0)
    {
      uselocale (old);
      freelocale (c_locale);
    }
  return v;
}

int
bp_data_natural_cmp (const char *a, const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (isdigit ((unsigned char) *a) && isdigit ((unsigned char) *b))
        {
          /* Compare digit runs by value: skip leading zeros, then the longer run is larger,
           * then the first differing digit decides. */
          while (*a == '0')
            a++;
          while (*b == '0')
            b++;
          size_t la = 0, lb = 0;
          while (isdigit ((unsigned char) a[la]))
            la++;
          while (isdigit ((unsigned char) b[lb]))
            lb++;
          if (la != lb)
            return la < lb ? -1 : 1;
          int c = memcmp (a, b, la);
          if (c != 0)
            return c;
          a += la;
          b += lb;
          continue;
        }
      if (*a != *b)
        return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
      a++;
      b++;
    }
  return (*a != '\0') - (*b != '\0');
}

static void
free_names (char **names, int n)
{
  if (names == NULL)
    return;
  for (int i = 0; i < n; i++)
    free (names[i]);
  free (names);
}

/* n strings prefix1, prefix2, ... (or 0, 1, ... when start is 0 and prefix is ""). */
static char **
default_names (int n, const char *prefix, int start)
{
  char **names = calloc (n > 0 ? (size_t) n : 1, sizeof *names);
  if (names == NULL)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "%s%d", prefix, i + start);
      names[i] = bp_data_strdup (buf);
      if (names[i] == NULL)
        {
          free_names (names, n);
          return NULL;
        }
    }
  return names;
}

static int replace (char **slot, const char *text);

static size_t
row_bytes (const bp_dataset *ds)
{
  size_t elem = ds->storage == BP_FEATURES_U8 ? 1 : sizeof (float);
  size_t out = (size_t) ds->n_features * elem;
  out += ds->task == BP_TASK_CLASSIFICATION ? sizeof (int32_t)
                                            : (size_t) ds->n_targets * sizeof (float);
  return out;
}

bp_dataset *
bp_dataset_new (size_t n_rows, int n_features, bp_feature_storage storage, bp_task task,
                int n_classes_or_targets, char *err, size_t errlen)
{
  if (n_features < 1 || n_features > BP_DATASET_MAX_FEATURES)
    {
      bp_data_err (err, errlen, "%d features: must be between 1 and %d", n_features,
                   BP_DATASET_MAX_FEATURES);
      return NULL;
    }
  if (task == BP_TASK_CLASSIFICATION
      && (n_classes_or_targets < 1 || n_classes_or_targets > BP_DATASET_MAX_CLASSES))
    {
      bp_data_err (err, errlen, "%d classes: must be between 1 and %d", n_classes_or_targets,
                   BP_DATASET_MAX_CLASSES);
      return NULL;
    }
  if (task == BP_TASK_REGRESSION
      && (n_classes_or_targets < 1 || n_classes_or_targets > BP_DATASET_MAX_FEATURES))
    {
      bp_data_err (err, errlen, "%d regression targets: must be between 1 and %d",
                   n_classes_or_targets, BP_DATASET_MAX_FEATURES);
      return NULL;
    }

  bp_dataset *ds = calloc (1, sizeof *ds);
  if (ds == NULL)
    goto oom;
  ds->n_features = n_features;
  ds->storage = storage;
  ds->u8_scale = 1.0f;
  ds->task = task;
  if (task == BP_TASK_CLASSIFICATION)
    ds->n_classes = n_classes_or_targets;
  else
    ds->n_targets = n_classes_or_targets;

  size_t total;
  if (bp_data_mul (n_rows, row_bytes (ds), &total) != 0 || total > BP_DATASET_MAX_BYTES)
    {
      bp_data_err (err, errlen, "%zu rows of %d features need more than the %zu GiB allowed",
                   n_rows, n_features, (size_t) (BP_DATASET_MAX_BYTES >> 30));
      free (ds);
      return NULL;
    }

  ds->name = bp_data_strdup ("dataset");
  ds->source = bp_data_strdup ("");
  ds->feature_names = default_names (n_features, "x", 1);
  if (task == BP_TASK_CLASSIFICATION)
    ds->class_names = default_names (ds->n_classes, "", 0);
  else
    ds->target_names = default_names (ds->n_targets, "y", 1);
  if (ds->n_targets == 1 && ds->target_names != NULL && replace (&ds->target_names[0], "y") != 0)
    goto oom;
  if (ds->name == NULL || ds->source == NULL || ds->feature_names == NULL
      || (ds->class_names == NULL && ds->target_names == NULL))
    goto oom;
  if (n_rows > 0 && bp_dataset_reserve (ds, n_rows, err, errlen) != 0)
    {
      bp_dataset_free (ds);
      return NULL;
    }
  ds->n_rows = n_rows;
  return ds;

oom:
  bp_dataset_free (ds);
  bp_data_err (err, errlen, "out of memory");
  return NULL;
}

void
bp_dataset_free (bp_dataset *ds)
{
  if (ds == NULL)
    return;
  free (ds->name);
  free (ds->source);
  free (ds->x_f32);
  free (ds->x_u8);
  free_names (ds->feature_names, ds->n_features);
  free_names (ds->class_names, ds->n_classes);
  free (ds->labels);
  free (ds->targets);
  free_names (ds->target_names, ds->n_targets);
  free (ds);
}

static int
replace (char **slot, const char *text)
{
  char *copy = bp_data_strdup (text);
  if (copy == NULL)
    return -1;
  free (*slot);
  *slot = copy;
  return 0;
}

int
bp_dataset_set_text (bp_dataset *ds, const char *name, const char *source)
{
  if (name != NULL && replace (&ds->name, name) != 0)
    return -1;
  if (source != NULL && replace (&ds->source, source) != 0)
    return -1;
  return 0;
}

int
bp_dataset_set_feature_name (bp_dataset *ds, int j, const char *name)
{
  if (j < 0 || j >= ds->n_features)
    return -1;
  return replace (&ds->feature_names[j], name);
}

int
bp_dataset_set_class_name (bp_dataset *ds, int k, const char *name)
{
  if (ds->task != BP_TASK_CLASSIFICATION || k < 0 || k >= ds->n_classes)
    return -1;
  return replace (&ds->class_names[k], name);
}

int
bp_dataset_set_target_name (bp_dataset *ds, int k, const char *name)
{
  if (ds->task != BP_TASK_REGRESSION || k < 0 || k >= ds->n_targets)
    return -1;
  return replace (&ds->target_names[k], name);
}

/* Grows *p from old to new elements of size elem, zeroing the new part. */
static int
grow (void **p, size_t old, size_t new, size_t elem)
{
  size_t bytes;
  if (bp_data_mul (new, elem, &bytes) != 0)
    return -1;
  void *q = realloc (*p, bytes > 0 ? bytes : 1);
  if (q == NULL)
    return -1;
  memset ((char *) q + old * elem, 0, (new - old) * elem);
  *p = q;
  return 0;
}

int
bp_dataset_reserve (bp_dataset *ds, size_t capacity, char *err, size_t errlen)
{
  if (capacity <= ds->capacity_rows)
    return 0;
  size_t total;
  if (bp_data_mul (capacity, row_bytes (ds), &total) != 0 || total > BP_DATASET_MAX_BYTES)
    {
      bp_data_err (err, errlen, "%zu rows of %d features are more than the %zu GiB allowed",
                   capacity, ds->n_features, BP_DATASET_MAX_BYTES >> 30);
      return -1;
    }
  size_t old = ds->capacity_rows, nf = (size_t) ds->n_features;
  int rc = 0;
  if (ds->storage == BP_FEATURES_U8)
    rc |= grow ((void **) &ds->x_u8, old * nf, capacity * nf, 1);
  else
    rc |= grow ((void **) &ds->x_f32, old * nf, capacity * nf, sizeof (float));
  if (rc == 0 && ds->task == BP_TASK_CLASSIFICATION)
    rc |= grow ((void **) &ds->labels, old, capacity, sizeof (int32_t));
  else if (rc == 0)
    rc |= grow ((void **) &ds->targets, old * (size_t) ds->n_targets,
                capacity * (size_t) ds->n_targets, sizeof (float));
  if (rc != 0)
    {
      /* Whatever grew stays valid and larger; capacity stays the old one. */
      bp_data_err (err, errlen, "out of memory for %zu rows", capacity);
      return -1;
    }
  ds->capacity_rows = capacity;
  return 0;
}

float
bp_dataset_feature (const bp_dataset *ds, size_t i, int j)
{
  size_t at = i * (size_t) ds->n_features + (size_t) j;
  if (ds->storage == BP_FEATURES_U8)
    return (float) ds->x_u8[at] * ds->u8_scale;
  return ds->x_f32[at];
}

void
bp_dataset_gather (const bp_dataset *ds, const bp_scaler *scaler, const uint32_t *rows, int n,
                   float *x, int32_t *labels, float *targets)
{
  const size_t nf = (size_t) ds->n_features;
  for (int r = 0; r < n; r++)
    {
      const size_t row = rows[r];
      float *restrict out = x + (size_t) r * nf; /* (nf) */
      if (ds->storage == BP_FEATURES_U8)
        {
          const uint8_t *restrict in = ds->x_u8 + row * nf; /* (nf) */
          const float s = ds->u8_scale;
          if (scaler != NULL)
            {
              const float *restrict shift = scaler->shift, *restrict scale = scaler->scale;
              for (size_t j = 0; j < nf; j++)
                out[j] = ((float) in[j] * s - shift[j]) * scale[j];
            }
          else
            for (size_t j = 0; j < nf; j++)
              out[j] = (float) in[j] * s;
        }
      else
        {
          const float *restrict in = ds->x_f32 + row * nf; /* (nf) */
          if (scaler != NULL)
            {
              const float *restrict shift = scaler->shift, *restrict scale = scaler->scale;
              for (size_t j = 0; j < nf; j++)
                out[j] = (in[j] - shift[j]) * scale[j];
            }
          else
            memcpy (out, in, nf * sizeof (float));
        }
      if (labels != NULL && ds->task == BP_TASK_CLASSIFICATION)
        labels[r] = ds->labels[row];
      if (targets != NULL && ds->task == BP_TASK_REGRESSION)
        memcpy (targets + (size_t) r * (size_t) ds->n_targets,
                ds->targets + row * (size_t) ds->n_targets,
                (size_t) ds->n_targets * sizeof (float));
    }
}
