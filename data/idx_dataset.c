/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IDX arrays -> dataset: images keep their uint8 bytes, labels become classes or targets. */
#include "data/idx.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/file.h"
#include "data/internal.h"

static double
element (const bp_idx_array *a, size_t i)
{
  switch (a->type)
    {
    case BP_IDX_U8: return ((const uint8_t *) a->data)[i];
    case BP_IDX_I8: return ((const int8_t *) a->data)[i];
    case BP_IDX_I16: return ((const int16_t *) a->data)[i];
    case BP_IDX_I32: return ((const int32_t *) a->data)[i];
    case BP_IDX_F32: return ((const float *) a->data)[i];
    case BP_IDX_F64: return ((const double *) a->data)[i];
    }
  return 0.0;
}

static bool
is_float (const bp_idx_array *a)
{
  return a->type == BP_IDX_F32 || a->type == BP_IDX_F64;
}

bp_dataset *
bp_idx_dataset (bp_idx_array *images, bp_idx_array *labels, const char *images_name,
                const char *labels_name, char *err, size_t errlen)
{
  const char *name = images_name;
  bp_dataset *ds = NULL;
  const size_t n = images->dims[0];
  size_t nf = 1;
  for (int d = 1; d < images->ndim; d++)
    nf *= images->dims[d]; /* cannot overflow: count did not */
  if (labels->dims[0] != n)
    {
      bp_data_err (err, errlen, "%s: %zu rows, but %s has %u labels", images_name, n,
                   labels_name, labels->dims[0]);
      goto out;
    }
  if (nf > BP_DATASET_MAX_FEATURES)
    {
      bp_data_err (err, errlen, "%s: %zu features per row: more than the %d allowed", name, nf,
                   BP_DATASET_MAX_FEATURES);
      goto out;
    }
  const bool regression = is_float (labels);
  if (labels->ndim > (regression ? 2 : 1))
    {
      bp_data_err (err, errlen, "%s: %d dimensions; %s", labels_name, labels->ndim,
                   regression ? "targets must be (n) or (n, targets)" : "labels must be (n)");
      goto out;
    }
  int n_classes = 0;
  if (!regression)
    for (size_t i = 0; i < n; i++)
      {
        double v = element (labels, i);
        if (v < 0 || v >= BP_DATASET_MAX_CLASSES)
          {
            bp_data_err (err, errlen, "%s: byte %zu: label %.0f out of range (0 to %d)",
                         labels_name,
                         labels->data_offset + i * labels->elem_size, v,
                         BP_DATASET_MAX_CLASSES - 1);
            goto out;
          }
        if ((int) v + 1 > n_classes)
          n_classes = (int) v + 1;
      }
  const bool bytes = images->type == BP_IDX_U8;
  ds = bp_dataset_new (0, (int) nf, bytes ? BP_FEATURES_U8 : BP_FEATURES_F32,
                       regression ? BP_TASK_REGRESSION : BP_TASK_CLASSIFICATION,
                       regression ? (labels->ndim == 2 ? (int) labels->dims[1] : 1) : n_classes,
                       err, errlen);
  if (ds == NULL)
    goto out;
  if (images->ndim >= 3)
    {
      ds->image_channels = images->ndim == 4 ? (int) images->dims[1] : 1;
      ds->image_height = (int) images->dims[images->ndim - 2];
      ds->image_width = (int) images->dims[images->ndim - 1];
    }
  if (bytes)
    {
      ds->x_u8 = images->data; /* the buffer the file was read into, no copy */
      images->data = NULL;
      ds->u8_scale = images->ndim >= 3 ? 1.0f / 255.0f : 1.0f;
    }
  else if (images->type == BP_IDX_F32)
    {
      ds->x_f32 = images->data;
      images->data = NULL;
    }
  else
    {
      ds->x_f32 = malloc (images->count * sizeof (float));
      if (ds->x_f32 == NULL)
        goto oom;
      for (size_t i = 0; i < images->count; i++)
        {
          double v = element (images, i);
          if (fabs (v) > FLT_MAX)
            {
              bp_data_err (err, errlen, "%s: byte %zu: %g is too large for 32-bit floats", name,
                           images->data_offset + i * images->elem_size, v);
              goto fail;
            }
          ds->x_f32[i] = (float) v;
        }
    }
  if (regression)
    {
      ds->targets = malloc (labels->count * sizeof (float));
      if (ds->targets == NULL)
        goto oom;
      for (size_t i = 0; i < labels->count; i++)
        {
          double v = element (labels, i);
          if (fabs (v) > FLT_MAX)
            {
              bp_data_err (err, errlen, "%s: byte %zu: %g is too large for 32-bit floats",
                           labels_name, labels->data_offset + i * labels->elem_size, v);
              goto fail;
            }
          ds->targets[i] = (float) v;
        }
    }
  else
    {
      ds->labels = malloc ((n > 0 ? n : 1) * sizeof (int32_t));
      if (ds->labels == NULL)
        goto oom;
      for (size_t i = 0; i < n; i++)
        ds->labels[i] = (int32_t) element (labels, i);
    }
  ds->n_rows = ds->capacity_rows = n;
  goto out;
oom:
  bp_data_err (err, errlen, "%s: out of memory", name);
fail:
  bp_dataset_free (ds);
  ds = NULL;
out:
  bp_idx_array_clear (images);
  bp_idx_array_clear (labels);
  return ds;
}

bp_dataset *
bp_idx_load_pair (const char *images_path, const char *labels_path, char *err, size_t errlen)
{
  bp_idx_array images, labels;
  if (bp_idx_read_file (images_path, 0, &images, err, errlen) != 0)
    return NULL;
  if (bp_idx_read_file (labels_path, 0, &labels, err, errlen) != 0)
    {
      bp_idx_array_clear (&images);
      return NULL;
    }
  bp_dataset *ds = bp_idx_dataset (&images, &labels, images_path, labels_path, err, errlen);
  if (ds == NULL)
    return NULL;
  const char *base = bp_data_basename (images_path);
  size_t len = strlen (images_path) + strlen (labels_path) + 4;
  char *source = malloc (len);
  if (source == NULL || bp_dataset_set_text (ds, base, NULL) != 0)
    goto oom;
  snprintf (source, len, "%s + %s", images_path, labels_path);
  if (bp_dataset_set_text (ds, NULL, source) != 0)
    goto oom;
  free (source);
  return ds;
oom:
  free (source);
  bp_dataset_free (ds);
  bp_data_err (err, errlen, "%s: out of memory", images_path);
  return NULL;
}
