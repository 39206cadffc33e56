/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The curves of a BpChart as cairo paths: lines (decimated to pixel columns when dense),
 * points and bars. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

/* ---- curves ---- */

static void
path_raw (BpChart *self, cairo_t *cr, const double *x, const float *y, gsize a, gsize b)
{
  const BpChartGeometry *g = &self->geo;
  gboolean pen = FALSE;

  for (gsize i = a; i < b; i++)
    {
      double ax = _bp_chart_axis_x (self, x[i]), ay = _bp_chart_axis_y (self, y[i]);

      if (!isfinite (ax) || !isfinite (ay))
        {
          pen = FALSE; /* a gap, not a line through it */
          continue;
        }
      if (pen)
        cairo_line_to (cr, _bp_chart_px (g, ax), _bp_chart_py (g, ay));
      else
        cairo_move_to (cr, _bp_chart_px (g, ax), _bp_chart_py (g, ay));
      pen = TRUE;
    }
}

/* A point with no finite neighbour draws no line (a run's single validation epoch, a value
 * between two gaps): a dot of the line's colour shows it. */
static void
paint_lone_points (BpChart *self, cairo_t *cr, const double *x, const float *y, gsize n,
                   gsize a, gsize b, double w)
{
  const BpChartGeometry *g = &self->geo;

  for (gsize i = a; i < b; i++)
    {
      double ax = _bp_chart_axis_x (self, x[i]), ay = _bp_chart_axis_y (self, y[i]);

      if (!isfinite (ax) || !isfinite (ay)
          || (i > 0 && isfinite (_bp_chart_axis_x (self, x[i - 1]))
              && isfinite (_bp_chart_axis_y (self, y[i - 1])))
          || (i + 1 < n && isfinite (_bp_chart_axis_x (self, x[i + 1]))
              && isfinite (_bp_chart_axis_y (self, y[i + 1]))))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, _bp_chart_px (g, ax), _bp_chart_py (g, ay), MAX (2.5, w * 1.8), 0,
                 2 * G_PI);
    }
  cairo_fill (cr);
}

/* A sparse series (validation once an epoch) marks every point it has: a handful of dots
 * reads at a glance where a dashed line between them does not. Their radius keeps within the
 * 4 pixels right of the last point that a live repaint leaves to the line. */
static void
paint_markers (BpChart *self, cairo_t *cr, const double *x, const float *y, gsize a, gsize b)
{
  const BpChartGeometry *g = &self->geo;

  for (gsize i = a; i < b; i++)
    {
      double ax = _bp_chart_axis_x (self, x[i]), ay = _bp_chart_axis_y (self, y[i]);

      if (!isfinite (ax) || !isfinite (ay))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, _bp_chart_px (g, ax), _bp_chart_py (g, ay), 3.5, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

/* The points [a, b) of a sorted series lie 8 px or more apart on average. */
static gboolean
marks_apart (BpChart *self, const double *x, gsize a, gsize b)
{
  const BpChartGeometry *g = &self->geo;
  double first = _bp_chart_px (g, _bp_chart_axis_x (self, x[a]));
  double last = _bp_chart_px (g, _bp_chart_axis_x (self, x[b - 1]));

  return isfinite (first) && isfinite (last) && last - first >= 8.0 * (double) (b - a - 1);
}

/* Stroked segments (x0, y0, x1, y1 in data space, n of them) joining the columns that stand
 * apart: from the last point of one to the first of the next. */
static void
paint_joins (BpChart *self, cairo_t *cr, const double *seg, gsize n)
{
  const BpChartGeometry *g = &self->geo;

  for (gsize i = 0; i < n; i++, seg += 4)
    {
      double ax0 = _bp_chart_axis_x (self, seg[0]), ay0 = _bp_chart_axis_y (self, seg[1]);
      double ax1 = _bp_chart_axis_x (self, seg[2]), ay1 = _bp_chart_axis_y (self, seg[3]);

      if (!isfinite (ax0) || !isfinite (ay0) || !isfinite (ax1) || !isfinite (ay1))
        continue;
      cairo_move_to (cr, _bp_chart_px (g, ax0), _bp_chart_py (g, ay0));
      cairo_line_to (cr, _bp_chart_px (g, ax1), _bp_chart_py (g, ay1));
    }
  cairo_stroke (cr);
}

/* A line series in the colour c and width w. With more points than twice the pixel columns,
 * each column becomes a bar from its lowest to its highest value, stretched to meet the
 * previous column's last value, which is the area a polyline through every point would cover:
 * every extreme shows, the cost follows the width, not the data, and whole-pixel bars fill
 * without antialiasing work. (Stroking the per-column zig-zag of a noisy curve costs ten
 * times more in cairo's stroker.) */
static void
paint_line (BpChart *self, cairo_t *cr, const BpChartSeries *s, const float *y,
            const bp_pyramid *pyr, const GdkRGBA *c, double w, double dense, double from_ax)
{
  const BpChartGeometry *g = &self->geo;
  const double *x = (const double *) (gpointer) s->x->data;
  gsize n = s->x->len, a, b;
  int cols = MAX (1, (int) ceil (g->plot.size.width));
  double dx0 = self->log_x ? pow (10.0, g->vx0) : g->vx0;
  double dx1 = self->log_x ? pow (10.0, g->vx1) : g->vx1;
  double prev = NAN, prev_x = NAN, bar_w = MAX (1, ceil (w));
  int prev_k = -1;
  g_autofree double *edges = NULL;
  g_autofree bp_column *col = NULL;
  g_autoptr (GArray) joins = NULL;

  gdk_cairo_set_source_rgba (cr, c);
  cairo_set_line_width (cr, w);
  a = s->sorted ? bp_lower_bound (x, n, dx0) : 0;
  b = s->sorted ? bp_lower_bound (x, n, dx1) : n;
  while (s->sorted && b < n && x[b] <= dx1)
    b++;
  if (!s->sorted || b - a <= (gsize) (cols * dense))
    {
      /* Markers while they stand apart (8 px or more on average): a long run's hundreds of
       * epochs, or its first few crowded at the start of a long planned run, read as a line,
       * not a string of beads. */
      gboolean marks = s->sparse && (b - a < 2 || (s->sorted && marks_apart (self, x, a, b)));

      /* Few points: draw them all, with one more on each side so the line reaches the edge.
       * When only the strip right of from_ax is painted again, the path starts at a point
       * at least two pixels left of it, so that what the strip shows of the line's start is
       * a round join as in the whole line, not a butt cap (a dashed line starts at its
       * start, to keep its dashes in step). */
      if (s->sorted && !s->dashed && from_ax > g->vx0)
        {
          double from = from_ax - 2 * (g->vx1 - g->vx0) / g->plot.size.width;

          a = MAX (a, bp_lower_bound (x, n, self->log_x ? pow (10.0, from) : from));
        }
      path_raw (self, cr, x, y, a > 0 ? a - 1 : 0, MIN (b + 1, n));
      cairo_stroke (cr);
      if (marks)
        paint_markers (self, cr, x, y, a > 0 ? a - 1 : 0, MIN (b + 1, n));
      else
        paint_lone_points (self, cr, x, y, n, a, MIN (b + 1, n), w);
      return;
    }
  edges = g_new (double, cols + 1);
  col = g_new (bp_column, cols);
  for (int k = 0; k <= cols; k++)
    {
      double ax = g->vx0 + (g->vx1 - g->vx0) * k / cols;

      edges[k] = self->log_x ? pow (10.0, ax) : ax;
    }
  bp_decimate_edges (x, y, n, pyr, edges, cols, col);
  joins = g_array_new (FALSE, FALSE, sizeof (double));
  for (int k = 0; k < cols; k++)
    {
      double lo, hi, top, bottom;
      gboolean skipped;

      /* Columns left of the strip painted again: only their last value is needed. */
      if (k + 2 < (from_ax - g->vx0) / (g->vx1 - g->vx0) * cols)
        {
          if (col[k].n > 0 && col[k].min <= col[k].max)
            {
              prev = isfinite (col[k].last) ? col[k].last : prev;
              prev_x = x[col[k].i_first + col[k].n - 1];
              prev_k = k;
            }
          else if (col[k].n > 0)
            prev = NAN;
          continue;
        }
      if (col[k].n == 0)
        continue; /* an empty column: the next bar reaches back to the last value */
      if (!(col[k].min <= col[k].max))
        {
          prev = NAN; /* only NaN/Inf here: a gap */
          continue;
        }
      lo = col[k].min;
      hi = col[k].max;
      /* Empty columns between this one and the last: on a log x axis the early points stand
       * columns apart while the later ones crowd. A bar reaching back to the last value would
       * stand alone as a vertical tick; a stroked segment from the last point to this
       * column's first joins them as the polyline would. */
      skipped = prev_k >= 0 && k - prev_k > 1;
      if (isfinite (prev) && skipped && isfinite (col[k].first))
        {
          double seg[4] = { prev_x, prev, x[col[k].i_first], col[k].first };

          g_array_append_vals (joins, seg, 4);
        }
      else if (isfinite (prev))
        {
          lo = MIN (lo, prev);
          hi = MAX (hi, prev);
        }
      prev = isfinite (col[k].last) ? col[k].last : prev;
      prev_x = x[col[k].i_first + col[k].n - 1];
      prev_k = k;
      hi = _bp_chart_axis_y (self, hi);
      lo = _bp_chart_axis_y (self, lo);
      if (!isfinite (hi))
        continue;
      if (!isfinite (lo))
        lo = g->vy0; /* log axis: values at or below 0 reach the bottom */
      /* Whole pixels: cairo fills pixel-aligned boxes on a fast path, while a few hundred
       * boxes with fractional edges go through its polygon rasteriser (ten times slower). */
      top = floor (_bp_chart_py (g, hi) - w / 2);
      bottom = ceil (_bp_chart_py (g, lo) + w / 2);
      cairo_rectangle (cr, floor (g->plot.origin.x + k + 0.5 - bar_w / 2), top, bar_w,
                       bottom - top);
    }
  cairo_fill (cr);
  paint_joins (self, cr, (const double *) (gpointer) joins->data, joins->len / 4);
}

/* The size of a scatter's markers: the plot's area shared among every point shown (a few
 * hundred get 8 px dots, tens of thousands 3 px squares that still let the crowd's shape
 * through), so that a small dataset reads at a glance and a large one does not turn into one
 * blot. */
static double
point_size (BpChart *self)
{
  const graphene_rect_t *r = &self->geo.plot;
  gsize n = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      const BpChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->visible && s->style == BP_CHART_POINTS)
        n += s->x->len;
    }
  return CLAMP (0.6 * sqrt (r->size.width * r->size.height / (double) MAX (n, 1)), 3, 8);
}

static void
paint_points (BpChart *self, cairo_t *cr, const BpChartSeries *s, double d)
{
  const BpChartGeometry *g = &self->geo;
  const double *x = (const double *) (gpointer) s->x->data;
  const float *y = (const float *) (gpointer) s->y->data;
  int w = MAX (1, (int) g->plot.size.width), h = MAX (1, (int) g->plot.size.height);
  g_autofree guint8 *seen = g_malloc0 ((gsize) w * h);

  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { s->color.red, s->color.green, s->color.blue,
                                              0.75f * s->color.alpha });
  for (guint i = 0; i < s->x->len; i++)
    {
      double px = _bp_chart_px (g, _bp_chart_axis_x (self, x[i]));
      double py = _bp_chart_py (g, _bp_chart_axis_y (self, y[i]));
      int ix = (int) floor (px - g->plot.origin.x), iy = (int) floor (py - g->plot.origin.y);

      if (!isfinite (px) || !isfinite (py) || ix < 0 || iy < 0 || ix >= w || iy >= h)
        continue;
      /* Many points on one pixel draw as one: a 60 000-point scatter stays quick. */
      if (seen[(gsize) iy * w + ix])
        continue;
      seen[(gsize) iy * w + ix] = 1;
      if (d < 4)
        cairo_rectangle (cr, px - d / 2, py - d / 2, d, d); /* a dot too small to be round */
      else
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, px, py, d / 2, 0, 2 * G_PI);
        }
    }
  cairo_fill (cr);
}

static void
paint_bars (BpChart *self, cairo_t *cr, const BpChartSeries *s)
{
  const BpChartGeometry *g = &self->geo;
  const double *x = (const double *) (gpointer) s->x->data;
  const float *y = (const float *) (gpointer) s->y->data;
  double bw = s->bar_width > 0 ? s->bar_width : isfinite (s->min_gap) ? s->min_gap * 0.8 : 0.8;
  double base = self->log_y ? g->plot.origin.y + g->plot.size.height
                            : _bp_chart_py (g, 0);

  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { s->color.red, s->color.green, s->color.blue,
                                              0.85f * s->color.alpha });
  for (guint i = 0; i < s->x->len; i++)
    {
      double x0 = _bp_chart_px (g, _bp_chart_axis_x (self, x[i] - bw / 2));
      double x1 = _bp_chart_px (g, _bp_chart_axis_x (self, x[i] + bw / 2));
      double top = _bp_chart_py (g, _bp_chart_axis_y (self, y[i]));

      if (!isfinite (x0) || !isfinite (x1) || !isfinite (top))
        continue;
      cairo_rectangle (cr, x0, MIN (top, base), MAX (x1 - x0, 1), fabs (base - top));
    }
  cairo_fill (cr);
}

/* The curves; those parts right of axis-space x from_ax at least (-INFINITY: all). */
void
_bp_chart_paint_curves (BpChart *self, cairo_t *cr, double from_ax)
{
  const graphene_rect_t *r = &self->geo.plot;
  double dot = point_size (self);

  cairo_save (cr);
  cairo_rectangle (cr, r->origin.x, r->origin.y, r->size.width, r->size.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);
      const bp_pyramid *pyr = NULL;

      if (!s->visible || s->x->len == 0)
        continue;
      if (s->style == BP_CHART_POINTS)
        {
          paint_points (self, cr, s, dot);
          continue;
        }
      if (s->style == BP_CHART_BARS)
        {
          paint_bars (self, cr, s);
          continue;
        }
      if (s->dashed)
        cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
      else
        cairo_set_dash (cr, NULL, 0, 0);
      if (s->ys->len > 0)
        {
          /* TensorBoard's look: the raw values faint behind the smoothed line. */
          GdkRGBA faint = { s->color.red, s->color.green, s->color.blue, 0.25f };

          /* Raw training values zig-zag: from one point per two pixels on, columns cost far
           * less than cairo stroking every turn, and a faint line looks the same. */
          paint_line (self, cr, s, (const float *) (gpointer) s->y->data,
                      s->sorted ? &s->pyr : NULL, &faint, 1, 0.5, from_ax);
        }
      {
        const float *y = _bp_chart_series_line (s, &pyr);

        paint_line (self, cr, s, y, pyr, &s->color, 1.6, 2, from_ax);
      }
    }
  cairo_restore (cr);
}
