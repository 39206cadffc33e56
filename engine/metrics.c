/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Evaluation metrics on predictions the caller already has. */
#include "engine/metrics.h"

#include <math.h>
#include <stddef.h>

int
bp_argmax (const float *v, int n)
{
  /* A NaN never compares greater, so it is never chosen unless it comes first and everything
   * else is NaN too; index 0 is returned for n <= 0 so callers can index with it. */
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

void
bp_confusion_add (int64_t *cm, int k, const float *out, const int32_t *labels, int n)
{
  /* Rows whose label is outside [0, k) are skipped: they have no row in the matrix. */
  for (int i = 0; i < n; i++)
    {
      int32_t label = labels[i];
      if (label < 0 || label >= k)
        continue;
      int pred = bp_argmax (out + (size_t) i * (size_t) k, k);
      cm[(size_t) label * (size_t) k + (size_t) pred] += 1;
    }
}

bp_regression_metrics
bp_regression_metrics_compute (const float *pred, const float *target, int n, int dim)
{
  bp_regression_metrics m = { 0.0, 0.0, 0.0 };
  if (n <= 0 || dim <= 0)
    return m;

  double se = 0.0, ae = 0.0;
  for (size_t i = 0; i < (size_t) n * (size_t) dim; i++)
    {
      double d = (double) pred[i] - (double) target[i];
      se += d * d;
      ae += fabs (d);
    }
  double count = (double) n * (double) dim;
  m.mse = se / count;
  m.mae = ae / count;

  /* R^2 per output, then the plain mean over outputs (scikit-learn's 'uniform_average').
   * A constant target has SS_tot = 0: like scikit-learn, its R^2 is 1 when the prediction is
   * exact and 0 otherwise, rather than a division by zero. */
  double r2_sum = 0.0;
  for (int j = 0; j < dim; j++)
    {
      double mean = 0.0;
      for (int i = 0; i < n; i++)
        mean += target[(size_t) i * (size_t) dim + (size_t) j];
      mean /= (double) n;
      double ss_res = 0.0, ss_tot = 0.0;
      for (int i = 0; i < n; i++)
        {
          size_t at = (size_t) i * (size_t) dim + (size_t) j;
          double r = (double) target[at] - (double) pred[at];
          double t = (double) target[at] - mean;
          ss_res += r * r;
          ss_tot += t * t;
        }
      if (ss_tot > 0.0)
        r2_sum += 1.0 - ss_res / ss_tot;
      else
        r2_sum += ss_res == 0.0 ? 1.0 : 0.0;
    }
  m.r2 = r2_sum / (double) dim;
  return m;
}
