/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Train/validation/test splits (stratified for classes) and scalers fitted on the train part. */
#include "data/split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"
#include "data/stats.h"

void
bp_split_free (bp_split *s)
{
  if (s == NULL)
    return;
  free (s->train);
  free (s->val);
  free (s->test);
  memset (s, 0, sizeof *s);
}

/* Largest-remainder apportionment: class c wants size[c] * ratio rows, at most cap[c]; the
 * counts are rounded so they add up to round(total * ratio). Ties go to the lower class. */
static void
apportion (const uint32_t *size, const uint32_t *cap, int k, double ratio, uint32_t total,
           uint32_t *take)
{
  uint64_t goal = (uint64_t) llround ((double) total * ratio), sum = 0;
  for (int c = 0; c < k; c++)
    {
      take[c] = (uint32_t) floor ((double) size[c] * ratio);
      if (take[c] > cap[c])
        take[c] = cap[c];
      sum += take[c];
    }
  while (sum < goal)
    {
      int best = -1;
      double best_frac = -1.0;
      for (int c = 0; c < k; c++)
        {
          if (take[c] >= cap[c])
            continue;
          double frac = (double) size[c] * ratio - (double) take[c];
          if (frac > best_frac)
            {
              best_frac = frac;
              best = c;
            }
        }
      if (best < 0)
        break;
      take[best]++;
      sum++;
    }
}

int
bp_split_make (const bp_dataset *ds, double val_ratio, double test_ratio, uint64_t seed,
               bp_split *out, char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  if (!(val_ratio >= 0.0 && val_ratio < 1.0 && test_ratio >= 0.0 && test_ratio < 1.0
        && val_ratio + test_ratio < 1.0))
    {
      bp_data_err (err, errlen,
                   "split ratios must be in [0, 1) and add up to less than 1 (val %g, test %g)",
                   val_ratio, test_ratio);
      return -1;
    }
  if (ds->n_rows > UINT32_MAX)
    {
      bp_data_err (err, errlen, "%zu rows: splits index at most 2^32-1 rows", ds->n_rows);
      return -1;
    }
  const uint32_t n = (uint32_t) ds->n_rows;
  const bool strat = ds->task == BP_TASK_CLASSIFICATION;
  const int k = strat ? ds->n_classes : 1;
  const size_t n1 = n > 0 ? n : 1;

  uint32_t *order = malloc (n1 * sizeof *order);
  /* Per class: size, start in order, test count, val count, what test left, fill cursor. */
  uint32_t *counts = calloc ((size_t) k * 6, sizeof *counts);
  out->train = malloc (n1 * sizeof *out->train);
  out->val = malloc (n1 * sizeof *out->val);
  out->test = malloc (n1 * sizeof *out->test);
  if (order == NULL || counts == NULL || out->train == NULL || out->val == NULL
      || out->test == NULL)
    {
      free (order);
      free (counts);
      bp_split_free (out);
      bp_data_err (err, errlen, "out of memory");
      return -1;
    }
  uint32_t *size = counts, *start = counts + k, *n_test = counts + 2 * k,
           *n_val = counts + 3 * k, *left = counts + 4 * k, *fill = counts + 5 * k;

  /* Group rows by class (a counting sort keeps each class in row order), then shuffle each
   * group, so the same seed gives the same split. */
  for (uint32_t i = 0; i < n; i++)
    size[strat ? ds->labels[i] : 0]++;
  for (int c = 1; c < k; c++)
    start[c] = start[c - 1] + size[c - 1];
  memcpy (fill, start, (size_t) k * sizeof *fill);
  for (uint32_t i = 0; i < n; i++)
    order[fill[strat ? ds->labels[i] : 0]++] = i;
  bp_rng rng;
  bp_rng_seed (&rng, seed);
  for (int c = 0; c < k; c++)
    bp_rng_shuffle_u32 (&rng, order + start[c], size[c]);

  apportion (size, size, k, test_ratio, n, n_test);
  for (int c = 0; c < k; c++)
    left[c] = size[c] - n_test[c];
  apportion (size, left, k, val_ratio, n, n_val);

  for (int c = 0; c < k; c++)
    {
      const uint32_t *g = order + start[c];
      memcpy (out->test + out->n_test, g, n_test[c] * sizeof *g);
      out->n_test += n_test[c];
      memcpy (out->val + out->n_val, g + n_test[c], n_val[c] * sizeof *g);
      out->n_val += n_val[c];
      uint32_t rest = size[c] - n_test[c] - n_val[c];
      memcpy (out->train + out->n_train, g + n_test[c] + n_val[c], rest * sizeof *g);
      out->n_train += rest;
    }
  /* Classes must not come in blocks: mix each part once more. */
  bp_rng_shuffle_u32 (&rng, out->train, out->n_train);
  bp_rng_shuffle_u32 (&rng, out->val, out->n_val);
  bp_rng_shuffle_u32 (&rng, out->test, out->n_test);
  free (order);
  free (counts);
  return 0;
}

void
bp_scaler_free (bp_scaler *sc)
{
  if (sc == NULL)
    return;
  free (sc->shift);
  free (sc->scale);
  memset (sc, 0, sizeof *sc);
}

int
bp_scaler_fit (const bp_dataset *ds, const uint32_t *rows, uint32_t n, bp_scaling how,
               bp_scaler *out)
{
  const int nf = ds->n_features;
  memset (out, 0, sizeof *out);
  out->n_features = nf;
  out->shift = calloc ((size_t) nf, sizeof *out->shift);
  out->scale = malloc ((size_t) nf * sizeof *out->scale);
  bp_feature_stats *st = calloc ((size_t) nf, sizeof *st);
  if (out->shift == NULL || out->scale == NULL || st == NULL)
    {
      free (st);
      bp_scaler_free (out);
      return -1;
    }
  for (int j = 0; j < nf; j++)
    out->scale[j] = 1.0f;
  /* Statistics of the given rows only (rows == NULL would mean all of them: not here). */
  if (how == BP_SCALING_NONE || n == 0 || rows == NULL)
    {
      free (st);
      return 0;
    }
  if (bp_dataset_feature_stats (ds, rows, n, st) != 0)
    {
      free (st);
      bp_scaler_free (out);
      return -1;
    }
  for (int j = 0; j < nf; j++)
    {
      /* A constant feature keeps scale 1: dividing by 0 would make it NaN. */
      double spread = how == BP_SCALING_STANDARD ? st[j].std : st[j].max - st[j].min;
      out->shift[j] = (float) (how == BP_SCALING_STANDARD ? st[j].mean : st[j].min);
      out->scale[j] = spread > 0.0 ? (float) (1.0 / spread) : 1.0f;
    }
  free (st);
  return 0;
}
