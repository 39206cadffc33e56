/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One series of a BpChart: its points, their smoothed copy and the min/max pyramids that let a
 * long series be drawn and fitted in O(pixels · log points). */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

BpChartSeries *
_bp_chart_series_new (guint id, const char *name, const GdkRGBA *color, BpChartStyle style)
{
  BpChartSeries *s = g_new0 (BpChartSeries, 1);

  s->id = id;
  s->name = g_strdup (name != NULL ? name : "");
  s->color = *color;
  s->style = style;
  s->visible = TRUE;
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (float));
  s->ys = g_array_new (FALSE, FALSE, sizeof (float));
  _bp_chart_series_clear (s);
  return s;
}

void
_bp_chart_series_free (gpointer data)
{
  BpChartSeries *s = data;

  bp_pyramid_clear (&s->pyr);
  bp_pyramid_clear (&s->pyr_s);
  g_array_unref (s->x);
  g_array_unref (s->y);
  g_array_unref (s->ys);
  g_free (s->name);
  g_free (s);
}

gboolean
_bp_chart_series_in_legend (const BpChartSeries *s)
{
  return s->visible && s->name[0] != '\0' && s->x->len > 0;
}

void
_bp_chart_series_clear (BpChartSeries *s)
{
  g_array_set_size (s->x, 0);
  g_array_set_size (s->y, 0);
  g_array_set_size (s->ys, 0);
  bp_pyramid_clear (&s->pyr);
  bp_pyramid_clear (&s->pyr_s);
  s->smooth = (bp_smooth_state) { 0 };
  s->sorted = TRUE;
  s->x_min = INFINITY;
  s->x_max = -INFINITY;
  s->x_min_pos = INFINITY;
  s->min_gap = INFINITY;
}

static gboolean
wants_smoothing (const BpChartSeries *s, double smoothing)
{
  return s->style == BP_CHART_LINE && !s->sparse && smoothing > 0;
}

void
_bp_chart_series_append (BpChartSeries *s, const double *x, const float *y, gsize n,
                         double smoothing)
{
  guint old = s->x->len;

  for (gsize i = 0; i < n; i++)
    {
      double prev = s->x->len > 0 ? g_array_index (s->x, double, s->x->len - 1) : NAN;

      if (!isfinite (x[i]))
        continue; /* a point without a place on the x axis cannot be drawn */
      if (x[i] < prev)
        s->sorted = FALSE;
      else if (x[i] > prev)
        s->min_gap = MIN (s->min_gap, x[i] - prev);
      s->x_min = MIN (s->x_min, x[i]);
      s->x_max = MAX (s->x_max, x[i]);
      if (x[i] > 0)
        s->x_min_pos = MIN (s->x_min_pos, x[i]);
      g_array_append_val (s->x, x[i]);
      g_array_append_val (s->y, y[i]);
    }
  if (s->sorted)
    bp_pyramid_update (&s->pyr, (const float *) (gpointer) s->y->data, s->y->len);
  if (wants_smoothing (s, smoothing) && s->smooth_weight == smoothing)
    {
      guint added = s->y->len - old;

      g_array_set_size (s->ys, s->y->len);
      bp_smooth_debiased (&s->smooth, smoothing, &g_array_index (s->y, float, old), added,
                          &g_array_index (s->ys, float, old));
      if (s->sorted)
        bp_pyramid_update (&s->pyr_s, (const float *) (gpointer) s->ys->data, s->ys->len);
    }
  else
    _bp_chart_series_resmooth (s, smoothing);
}

void
_bp_chart_series_resmooth (BpChartSeries *s, double smoothing)
{
  s->smooth_weight = smoothing;
  s->smooth = (bp_smooth_state) { 0 };
  bp_pyramid_clear (&s->pyr_s);
  if (!wants_smoothing (s, smoothing))
    {
      g_array_set_size (s->ys, 0);
      return;
    }
  g_array_set_size (s->ys, s->y->len);
  bp_smooth_debiased (&s->smooth, smoothing, (const float *) (gpointer) s->y->data, s->y->len,
                      (float *) (gpointer) s->ys->data);
  if (s->sorted)
    bp_pyramid_update (&s->pyr_s, (const float *) (gpointer) s->ys->data, s->ys->len);
}

const float *
_bp_chart_series_line (const BpChartSeries *s, const bp_pyramid **pyr)
{
  gboolean smoothed = s->ys->len == s->y->len && s->ys->len > 0;

  if (pyr != NULL)
    *pyr = !s->sorted ? NULL : smoothed ? &s->pyr_s : &s->pyr;
  return (const float *) (gpointer) (smoothed ? s->ys->data : s->y->data);
}

static double
to_axis (double v, gboolean log)
{
  if (!log)
    return v;
  return v > 0 ? log10 (v) : NAN;
}

static double
from_axis (double a, gboolean log)
{
  return log ? pow (10.0, a) : a;
}

gboolean
_bp_chart_series_y_range (const BpChartSeries *s, gboolean log_x, gboolean log_y,
                          gboolean use_line, double x0, double x1, double *lo, double *hi)
{
  const double *x = (const double *) (gpointer) s->x->data;
  const bp_pyramid *pyr = NULL;
  const float *y = (const float *) (gpointer) s->y->data;
  gsize n = s->x->len;
  double mn = INFINITY, mx = -INFINITY;

  if (use_line)
    y = _bp_chart_series_line (s, &pyr);
  else
    pyr = s->sorted ? &s->pyr : NULL;
  if (n == 0)
    return FALSE;
  if (s->sorted)
    {
      double dx0 = from_axis (x0, log_x), dx1 = from_axis (x1, log_x);
      gsize a = bp_lower_bound (x, n, dx0), b = bp_lower_bound (x, n, dx1);
      float fmn, fmx;

      /* Include the points at x1 itself. */
      while (b < n && x[b] <= dx1)
        b++;
      bp_pyramid_minmax (pyr, y, n, a, b, &fmn, &fmx);
      if (!log_y || fmn > 0 || !(fmx > 0))
        {
          mn = to_axis (fmn, log_y);
          mx = to_axis (fmx, log_y);
          goto done;
        }
      /* Log y over values that cross zero: the smallest positive one needs a scan. */
    }
  for (gsize i = 0; i < n; i++)
    {
      double ax = to_axis (x[i], log_x), ay = to_axis (y[i], log_y);

      if (!(ax >= x0 && ax <= x1) || !isfinite (ay))
        continue;
      mn = MIN (mn, ay);
      mx = MAX (mx, ay);
    }
done:
  if (!(mn <= mx) || !isfinite (mn) || !isfinite (mx))
    return FALSE;
  *lo = mn;
  *hi = mx;
  return TRUE;
}

gssize
_bp_chart_series_nearest (const BpChartSeries *s, gboolean log_x, double ax)
{
  const double *x = (const double *) (gpointer) s->x->data;
  gsize n = s->x->len, i;
  double v = from_axis (ax, log_x);

  if (n == 0 || !s->sorted)
    return -1;
  i = bp_lower_bound (x, n, v);
  if (i == n)
    return (gssize) n - 1;
  if (i > 0 && fabs (x[i - 1] - v) <= fabs (x[i] - v))
    return (gssize) i - 1;
  return (gssize) i;
}
