/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the IDX reader and the images + labels pairing on arbitrary bytes (plain or
 * gzip). The first two bytes give the length of the images part; the rest is the labels part.
 * Build and run with tests/fuzz/run.sh idx SECONDS. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/idx.h"
#include "data/stats.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (int ok)
{
  if (!ok)
    abort ();
}

/* A small bound: a gzip bomb or a lying header must fail long before it matters. */
#define FUZZ_MAX_BYTES ((size_t) 16 << 20)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  size_t first = (size_t) data[0] << 8 | data[1];
  data += 2;
  size -= 2;
  if (first > size)
    first = size;
  char err[512];
  bp_idx_array images, labels;
  if (bp_idx_read_buffer (data, first, "images", FUZZ_MAX_BYTES, &images, err, sizeof err) != 0)
    {
      check (strncmp (err, "images: ", 8) == 0 && images.data == NULL);
      return 0;
    }
  check (images.ndim >= 1 && images.ndim <= BP_IDX_MAX_DIMS && images.data != NULL);
  check (images.count * images.elem_size <= FUZZ_MAX_BYTES);
  if (bp_idx_read_buffer (data + first, size - first, "labels", FUZZ_MAX_BYTES, &labels, err,
                          sizeof err)
      != 0)
    {
      check (strncmp (err, "labels: ", 8) == 0);
      bp_idx_array_clear (&images);
      return 0;
    }
  bp_dataset *ds = bp_idx_dataset (&images, &labels, "images", "labels", err, sizeof err);
  check (images.data == NULL && labels.data == NULL); /* moved or freed either way */
  if (ds == NULL)
    return 0;
  if (ds->task == BP_TASK_CLASSIFICATION)
    for (size_t i = 0; i < ds->n_rows; i++)
      check (ds->labels[i] >= 0 && ds->labels[i] < ds->n_classes);
  bp_feature_stats *st = calloc ((size_t) ds->n_features, sizeof *st);
  check (st != NULL && bp_dataset_feature_stats (ds, NULL, 0, st) == 0);
  for (int j = 0; j < ds->n_features; j++)
    check (isfinite (st[j].mean) && st[j].min <= st[j].max);
  free (st);
  float x[64];
  uint32_t row = (uint32_t) (ds->n_rows - 1);
  if (ds->n_features <= 64)
    bp_dataset_gather (ds, NULL, &row, 1, x, NULL, NULL);
  bp_dataset_free (ds);
  return 0;
}
