/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Histogram bins chosen for the values (see bp-chart-math.h). Plain C: no GLib, no GTK. */
#include "bp-chart-math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The values lie on a grid min + k * step: writes the step and the number of its points
 * between the least and the greatest value. Grids of more than 4 points per distinct value are
 * not taken (a continuous feature's smallest gap makes a grid that fine). */
static bool
on_grid (const double *s, size_t n, double *step, long *points)
{
  double min = s[0], max = s[n - 1], d = INFINITY;
  size_t distinct = 1;
  long m;

  for (size_t i = 1; i < n; i++)
    if (s[i] > s[i - 1])
      {
        distinct++;
        d = fmin (d, s[i] - s[i - 1]);
      }
  if (distinct < 2 || distinct > 4096)
    return false;
  if ((max - min) / d > 4.0 * (double) distinct + 8)
    return false;
  m = lround ((max - min) / d) + 1;
  /* Stored as float, 0.1 steps or k / 255 are a step only to about 1e-6: a hundredth of a
   * step is the tolerance. */
  for (size_t i = 0; i < n; i++)
    {
      double t = (s[i] - min) / d;

      if (fabs (t - nearbyint (t)) > 0.01)
        return false;
    }
  *step = d;
  *points = m;
  return true;
}

int
bp_hist_bins (const double *v, size_t n, int min_bins, int max_bins, double *lo, double *hi)
{
  double *s, step, min, max;
  size_t m = 0;
  long points;
  int bins;

  if (max_bins < 1)
    max_bins = 1;
  min_bins = min_bins < 1 ? 1 : min_bins > max_bins ? max_bins : min_bins;
  s = malloc ((n > 0 ? n : 1) * sizeof *s);
  if (s == NULL)
    {
      *lo = 0;
      *hi = 1;
      return min_bins;
    }
  for (size_t i = 0; i < n; i++)
    if (isfinite (v[i]))
      s[m++] = v[i];
  if (m == 0)
    {
      free (s);
      *lo = 0;
      *hi = 1;
      return min_bins;
    }
  qsort (s, m, sizeof *s, cmp_double);
  min = s[0];
  max = s[m - 1];
  if (max <= min)
    {
      /* One value: one bin a unit wide about it. */
      free (s);
      *lo = min - 0.5;
      *hi = min + 0.5;
      return 1;
    }
  {
    /* Freedman–Diaconis: width 2 IQR / cbrt(n), robust to outliers; Sturges (log2 n + 1 bins)
     * when a quarter or more of the values are one value and the IQR is 0. A grid's range
     * counts the half step beyond each end. */
    double iqr = s[(3 * m) / 4] - s[m / 4];
    bool grid = on_grid (s, m, &step, &points);
    double range = grid ? (double) points * step : max - min;
    double want = iqr > 0 ? ceil (range / (2 * iqr / cbrt ((double) m)))
                          : ceil (log2 ((double) m)) + 1;

    bins = want > max_bins ? max_bins : want < min_bins ? min_bins : (int) want;
    if (grid)
      {
        /* Each bin holds the same whole number of grid points, centred on them: bins that
         * hold one value next to bins that hold two make a comb of a smooth distribution. */
        long per = (points + bins - 1) / bins;

        bins = (int) ((points + per - 1) / per);
        *lo = min - step / 2;
        *hi = *lo + (double) bins * (double) per * step;
        free (s);
        return bins;
      }
  }
  free (s);
  *lo = min;
  *hi = max;
  return bins;
}
