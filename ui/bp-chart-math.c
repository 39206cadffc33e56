/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain C on purpose (see bp-chart-math.h): no GLib, no GTK. */
#include "bp-chart-math.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- smoothing ---- */

void
bp_smooth_debiased (bp_smooth_state *st, double weight, const float *y, size_t n, float *out)
{
  if (!(weight > 0) || !(weight < 1))
    {
      if (out != y)
        memmove (out, y, n * sizeof *out);
      return;
    }
  for (size_t i = 0; i < n; i++)
    {
      double v = y[i];

      if (!isfinite (v))
        {
          out[i] = (float) v;
          continue;
        }
      st->last = st->last * weight + (1 - weight) * v;
      st->n++;
      /* 1 - w^k: the weight the k values carry in total, so dividing removes the pull of the
       * average's zero start. pow() keeps it exact for large k (it tends to 1). */
      out[i] = (float) (st->last / (1 - pow (weight, (double) st->n)));
    }
}

/* ---- the min/max pyramid ---- */

static int
level_reserve (bp_pyramid_level *l, size_t need)
{
  size_t cap;
  float *mn, *mx;

  if (need <= l->cap)
    return 0;
  cap = l->cap ? l->cap : 64;
  while (cap < need)
    cap *= 2;
  mn = realloc (l->min, cap * sizeof *mn);
  if (mn == NULL)
    return -1;
  l->min = mn;
  mx = realloc (l->max, cap * sizeof *mx);
  if (mx == NULL)
    return -1;
  l->max = mx;
  l->cap = cap;
  return 0;
}

int
bp_pyramid_update (bp_pyramid *p, const float *y, size_t n)
{
  bp_pyramid_level *l0 = &p->level[0];
  size_t blocks = n >> BP_PYRAMID_BASE;

  if (level_reserve (l0, blocks) != 0)
    return -1;
  for (size_t b = l0->n; b < blocks; b++)
    {
      float mn = INFINITY, mx = -INFINITY;
      const float *v = y + (b << BP_PYRAMID_BASE);

      for (size_t i = 0; i < ((size_t) 1 << BP_PYRAMID_BASE); i++)
        if (isfinite (v[i]))
          {
            mn = v[i] < mn ? v[i] : mn;
            mx = v[i] > mx ? v[i] : mx;
          }
      l0->min[b] = mn;
      l0->max[b] = mx;
    }
  l0->n = blocks;

  for (int k = 1; k < BP_PYRAMID_LEVELS; k++)
    {
      bp_pyramid_level *below = &p->level[k - 1], *l = &p->level[k];
      size_t nb = below->n / 2;

      if (nb == l->n)
        break;
      if (level_reserve (l, nb) != 0)
        return -1;
      for (size_t b = l->n; b < nb; b++)
        {
          l->min[b] = fminf (below->min[2 * b], below->min[2 * b + 1]);
          l->max[b] = fmaxf (below->max[2 * b], below->max[2 * b + 1]);
        }
      l->n = nb;
    }
  return 0;
}

void
bp_pyramid_clear (bp_pyramid *p)
{
  for (int k = 0; k < BP_PYRAMID_LEVELS; k++)
    {
      free (p->level[k].min);
      free (p->level[k].max);
    }
  memset (p, 0, sizeof *p);
}

void
bp_pyramid_minmax (const bp_pyramid *p, const float *y, size_t n, size_t a, size_t b,
                   float *min, float *max)
{
  float mn = INFINITY, mx = -INFINITY;
  size_t i = a;

  if (b > n)
    b = n;
  while (i < b)
    {
      int best = -1;

      /* The largest block that starts at i, ends by b and is complete. */
      for (int k = 0; p != NULL && k < BP_PYRAMID_LEVELS; k++)
        {
          unsigned shift = BP_PYRAMID_BASE + (unsigned) k;
          size_t bs = (size_t) 1 << shift;

          if ((i & (bs - 1)) != 0 || i + bs > b || (i >> shift) >= p->level[k].n)
            break;
          best = k;
        }
      if (best < 0)
        {
          if (isfinite (y[i]))
            {
              mn = y[i] < mn ? y[i] : mn;
              mx = y[i] > mx ? y[i] : mx;
            }
          i++;
          continue;
        }
      {
        unsigned shift = BP_PYRAMID_BASE + (unsigned) best;
        const bp_pyramid_level *l = &p->level[best];

        mn = fminf (mn, l->min[i >> shift]);
        mx = fmaxf (mx, l->max[i >> shift]);
        i += (size_t) 1 << shift;
      }
    }
  *min = mn;
  *max = mx;
}

/* ---- decimation ---- */

size_t
bp_lower_bound (const double *x, size_t n, double v)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (x[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static size_t
upper_bound (const double *x, size_t n, double v)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (x[mid] <= v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
fill_column (bp_column *col, const float *y, size_t n, const bp_pyramid *p, size_t a, size_t b)
{
  col->n = (uint32_t) (b - a);
  col->i_first = a;
  if (b > a)
    {
      col->first = y[a];
      col->last = y[b - 1];
      bp_pyramid_minmax (p, y, n, a, b, &col->min, &col->max);
    }
  else
    {
      col->first = col->last = NAN;
      col->min = INFINITY;
      col->max = -INFINITY;
    }
}

size_t
bp_decimate_edges (const double *x, const float *y, size_t n, const bp_pyramid *p,
                   const double *edges, int columns, bp_column *out)
{
  size_t start, end, a;

  if (columns <= 0)
    return 0;
  start = bp_lower_bound (x, n, edges[0]);
  end = upper_bound (x, n, edges[columns]); /* the last column is closed */
  if (end < start)
    end = start;
  a = start;
  for (int c = 0; c < columns; c++)
    {
      size_t b = c == columns - 1 ? end : a + bp_lower_bound (x + a, end - a, edges[c + 1]);

      fill_column (&out[c], y, n, p, a, b);
      a = b;
    }
  return end - start;
}

size_t
bp_decimate (const double *x, const float *y, size_t n, const bp_pyramid *p, double x0,
             double x1, int columns, bp_column *out)
{
  size_t start, end, a;

  if (columns <= 0)
    return 0;
  start = bp_lower_bound (x, n, x0);
  end = upper_bound (x, n, x1); /* the last column is closed: x1 itself is drawn */
  if (end < start)
    end = start;
  a = start;
  for (int c = 0; c < columns; c++)
    {
      size_t b;

      if (c == columns - 1)
        b = end;
      else
        {
          double xb = x0 + (x1 - x0) * (double) (c + 1) / columns;
          b = a + bp_lower_bound (x + a, end - a, xb);
        }
      fill_column (&out[c], y, n, p, a, b);
      a = b;
    }
  return end - start;
}

/* ---- axes ---- */

double
bp_nice_step (double range, int target)
{
  double raw, mag, f;

  if (target < 1)
    target = 1;
  raw = range / target;
  if (!(raw > 0) || !isfinite (raw))
    return 1.0;
  mag = pow (10.0, floor (log10 (raw)));
  f = raw / mag;
  return (f <= 1.0 + 1e-9 ? 1.0 : f <= 2.0 + 1e-9 ? 2.0 : f <= 5.0 + 1e-9 ? 5.0 : 10.0) * mag;
}

int
bp_linear_ticks (double lo, double hi, int target, double *ticks, int cap, double *step)
{
  double s = bp_nice_step (hi - lo, target);
  double k0 = ceil (lo / s - 1e-9);
  int n = 0;

  if (step != NULL)
    *step = s;
  if (!(hi > lo) || !isfinite (lo) || !isfinite (hi))
    return 0;
  for (int i = 0; n < cap; i++)
    {
      double v = (k0 + i) * s;

      if (v > hi + s * 1e-9)
        break;
      /* Multiples of a step that is not a binary fraction land near, not on, zero. */
      ticks[n++] = fabs (v) < s * 1e-9 ? 0.0 : v;
    }
  return n;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
bp_log_ticks (double lo, double hi, double *ticks, int cap)
{
  int e0, e1, n = 0;

  if (!(lo > 0) || !(hi > lo) || !isfinite (hi))
    return 0;
  e0 = (int) ceil (log10 (lo) - 1e-9);
  e1 = (int) floor (log10 (hi) + 1e-9);
  if (e1 - e0 > 12)
    {
      /* Very wide ranges: every other power, or every third ... so labels do not collide. */
      int every = (e1 - e0 + 11) / 12;

      for (int e = e0; e <= e1 && n < cap; e += every)
        ticks[n++] = pow (10.0, e);
      return n;
    }
  for (int e = e0; e <= e1 && n < cap; e++)
    ticks[n++] = pow (10.0, e);
  if (e1 - e0 + 1 < 3)
    {
      static const double mult[] = { 2, 5 };

      for (int e = e0 - 1; e <= e1; e++)
        for (int m = 0; m < 2 && n < cap; m++)
          {
            double v = mult[m] * pow (10.0, e);

            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
              ticks[n++] = v;
          }
      qsort (ticks, (size_t) n, sizeof *ticks, cmp_double);
    }
  return n;
}

static int
decimals_for (double step)
{
  int d;

  if (!(step > 0))
    return 0;
  d = (int) ceil (-log10 (step) - 1e-9);
  return d < 0 ? 0 : d > 9 ? 9 : d;
}

void
bp_format_tick (double v, double step, char *buf, size_t len)
{
  double a = fabs (v);

  if (!isfinite (v))
    {
      snprintf (buf, len, "%g", v);
      return;
    }
  if (a < fabs (step) * 1e-6 || a == 0)
    {
      snprintf (buf, len, "0");
      return;
    }
  if (a >= 1e9 || (a < 1e-4 && step < 1e-4))
    {
      snprintf (buf, len, "%.*e", decimals_for (step / pow (10.0, floor (log10 (a)))), v);
      return;
    }
  if (a >= 1e6 && step >= 1e5)
    {
      snprintf (buf, len, "%.*fM", decimals_for (step / 1e6), v / 1e6);
      return;
    }
  if (a >= 1e4 && step >= 1e3)
    {
      snprintf (buf, len, "%.*fk", decimals_for (step / 1e3), v / 1e3);
      return;
    }
  snprintf (buf, len, "%.*f", decimals_for (step), v);
}

void
bp_format_value (double v, char *buf, size_t len)
{
  double a = fabs (v);

  if (!isfinite (v))
    snprintf (buf, len, "%s", isnan (v) ? "NaN" : v > 0 ? "∞" : "−∞");
  else if (a != 0 && (a < 1e-3 || a >= 1e7))
    snprintf (buf, len, "%.4e", v);
  else if (a == floor (a) && a < 1e7)
    snprintf (buf, len, "%.0f", v);
  else
    snprintf (buf, len, "%.5g", v);
}
