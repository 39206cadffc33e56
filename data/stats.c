/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-feature statistics, histograms and class counts. */
#include "data/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t
row_at (const uint32_t *rows, size_t r)
{
  return rows != NULL ? rows[r] : r;
}

/* uint8 storage: integer sums are exact and fast (Fashion-MNIST: 47 M bytes). */
static int
stats_u8 (const bp_dataset *ds, const uint32_t *rows, size_t n, bp_feature_stats *out)
{
  const size_t nf = (size_t) ds->n_features;
  uint64_t *acc = calloc (nf * 2, sizeof *acc);
  uint8_t *mm = malloc (nf * 2);
  if (acc == NULL || mm == NULL)
    {
      free (acc);
      free (mm);
      return -1;
    }
  uint64_t *sum = acc, *sq = acc + nf;
  uint8_t *lo = mm, *hi = mm + nf;
  memset (lo, 0xff, nf);
  memset (hi, 0, nf);
  for (size_t r = 0; r < n; r++)
    {
      const uint8_t *x = ds->x_u8 + row_at (rows, r) * nf; /* (nf) */
      for (size_t j = 0; j < nf; j++)
        {
          sum[j] += x[j];
          sq[j] += (uint32_t) x[j] * x[j];
          lo[j] = x[j] < lo[j] ? x[j] : lo[j];
          hi[j] = x[j] > hi[j] ? x[j] : hi[j];
        }
    }
  const double s = ds->u8_scale;
  for (size_t j = 0; j < nf; j++)
    {
      double mean = (double) sum[j] / (double) n;
      /* The integer sums are exact; in double they stay exact below 2^53 (255^2 * 2^37 rows). */
      double var = ((double) sq[j] - (double) sum[j] * mean) / (double) n;
      out[j].min = lo[j] * s;
      out[j].max = hi[j] * s;
      out[j].mean = mean * s;
      out[j].std = var > 0 ? sqrt (var) * s : 0.0;
    }
  free (acc);
  free (mm);
  return 0;
}

/* values(i, j) for float matrices: two passes in double (no catastrophic cancellation). */
static int
stats_f32 (const float *v, size_t stride, size_t nf, const uint32_t *rows, size_t n,
           bp_feature_stats *out)
{
  double *acc = calloc (nf * 2, sizeof *acc);
  if (acc == NULL)
    return -1;
  double *sum = acc, *ss = acc + nf;
  for (size_t j = 0; j < nf; j++)
    {
      out[j].min = INFINITY;
      out[j].max = -INFINITY;
    }
  for (size_t r = 0; r < n; r++)
    {
      const float *x = v + row_at (rows, r) * stride; /* (nf) */
      for (size_t j = 0; j < nf; j++)
        {
          sum[j] += x[j];
          out[j].min = x[j] < out[j].min ? x[j] : out[j].min;
          out[j].max = x[j] > out[j].max ? x[j] : out[j].max;
        }
    }
  for (size_t j = 0; j < nf; j++)
    out[j].mean = sum[j] / (double) n;
  for (size_t r = 0; r < n; r++)
    {
      const float *x = v + row_at (rows, r) * stride;
      for (size_t j = 0; j < nf; j++)
        ss[j] += (x[j] - out[j].mean) * (x[j] - out[j].mean);
    }
  for (size_t j = 0; j < nf; j++)
    out[j].std = sqrt (ss[j] / (double) n);
  free (acc);
  return 0;
}

int
bp_dataset_feature_stats (const bp_dataset *ds, const uint32_t *rows, size_t n,
                          bp_feature_stats *out)
{
  if (rows == NULL)
    n = ds->n_rows;
  memset (out, 0, (size_t) ds->n_features * sizeof *out);
  if (n == 0)
    return 0;
  if (ds->storage == BP_FEATURES_U8)
    return stats_u8 (ds, rows, n, out);
  return stats_f32 (ds->x_f32, (size_t) ds->n_features, (size_t) ds->n_features, rows, n, out);
}

int
bp_dataset_target_stats (const bp_dataset *ds, const uint32_t *rows, size_t n,
                         bp_feature_stats *out)
{
  if (ds->task != BP_TASK_REGRESSION)
    return -1;
  if (rows == NULL)
    n = ds->n_rows;
  memset (out, 0, (size_t) ds->n_targets * sizeof *out);
  if (n == 0)
    return 0;
  return stats_f32 (ds->targets, (size_t) ds->n_targets, (size_t) ds->n_targets, rows, n, out);
}

void
bp_dataset_histogram (const bp_dataset *ds, int j, const uint32_t *rows, size_t n, double lo,
                      double hi, int n_bins, uint32_t *counts)
{
  if (rows == NULL)
    n = ds->n_rows;
  memset (counts, 0, (size_t) n_bins * sizeof *counts);
  const double width = (hi - lo) / n_bins;
  for (size_t r = 0; r < n; r++)
    {
      double v = bp_dataset_feature (ds, row_at (rows, r), j);
      int b = width > 0 ? (int) floor ((v - lo) / width) : 0;
      b = b < 0 ? 0 : b >= n_bins ? n_bins - 1 : b;
      counts[b]++;
    }
}

size_t
bp_dataset_class_counts (const bp_dataset *ds, const uint32_t *rows, size_t n, size_t *counts)
{
  if (ds->task != BP_TASK_CLASSIFICATION)
    return 0;
  if (rows == NULL)
    n = ds->n_rows;
  memset (counts, 0, (size_t) ds->n_classes * sizeof *counts);
  size_t total = 0;
  for (size_t r = 0; r < n; r++)
    {
      int32_t c = ds->labels[row_at (rows, r)];
      if (c >= 0 && c < ds->n_classes)
        {
          counts[c]++;
          total++;
        }
    }
  return total;
}
