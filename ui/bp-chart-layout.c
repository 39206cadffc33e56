/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where things go: the automatic view that follows the data, the ticks and their labels, and
 * the plot area they leave (self->geo). */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>
#include <string.h>

gboolean
_bp_chart_relayout (BpChart *self, int width, int height)
{
  BpChartGeometry old = self->geo;
  const BpChartGeometry *g = &self->geo;
  gboolean same;

  self->layout_stale = FALSE;
  _bp_chart_layout (self, width, height);
  same = old.valid && old.width == g->width && old.height == g->height
         && graphene_rect_equal (&old.plot, &g->plot) && old.vx0 == g->vx0 && old.vx1 == g->vx1
         && old.vy0 == g->vy0 && old.vy1 == g->vy1 && old.n_xticks == g->n_xticks
         && old.n_yticks == g->n_yticks && old.empty == g->empty
         && memcmp (old.xticks, g->xticks, sizeof (double) * (gsize) g->n_xticks) == 0
         && memcmp (old.yticks, g->yticks, sizeof (double) * (gsize) g->n_yticks) == 0;
  if (!same)
    g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  return !same;
}

/* Widens [lo, hi] outwards to whole steps of about a fifth of it, so that a growing series
 * moves the axes only when it crosses a step: the frame (grid, labels) stays cached, and the
 * eye has a steady scale to read a live curve against. */
static void
round_out (double *lo, double *hi)
{
  double step = bp_nice_step (*hi - *lo, 5);

  if (!(step > 0) || !isfinite (*lo) || !isfinite (*hi))
    return;
  *lo = floor (*lo / step + 1e-9) * step;
  *hi = ceil (*hi / step - 1e-9) * step;
}

/* ---- the view ---- */

static void
auto_x (BpChart *self, double *x0, double *x1)
{
  double lo = INFINITY, hi = -INFINITY, pad = 0;

  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);
      double smin = self->log_x ? s->x_min_pos : s->x_min;

      if (!s->visible || s->x->len == 0 || !(smin <= s->x_max))
        continue;
      lo = MIN (lo, _bp_chart_axis_x (self, smin));
      hi = MAX (hi, _bp_chart_axis_x (self, s->x_max));
      if (s->style == BP_CHART_BARS && !self->log_x)
        pad = MAX (pad, (s->bar_width > 0 ? s->bar_width : isfinite (s->min_gap) ? s->min_gap : 1)
                          / 2);
      if (s->style == BP_CHART_POINTS)
        pad = -1; /* scatter plots get a margin so edge points are whole */
    }
  if (!self->log_x && isfinite (self->x_floor_lo))
    lo = MIN (lo, self->x_floor_lo);
  if (!self->log_x && isfinite (self->x_floor_hi))
    hi = MAX (hi, self->x_floor_hi);
  if (!(lo <= hi))
    {
      lo = 0;
      hi = 1;
    }
  else if (pad == 0 && !self->log_x && hi > lo)
    round_out (&lo, &hi);
  if (pad < 0)
    pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  if (hi - lo < 1e-12 * MAX (1, fabs (hi)))
    {
      double d = self->log_x ? 0.5 : MAX (fabs (hi) * 0.1, 0.5);

      lo -= d;
      hi += d;
    }
  *x0 = lo;
  *x1 = hi;
}

/* Keeps [*lo, *hi] inside the natural bounds that the data [dlo, dhi] respect (axis space):
 * the padding and rounding that make an axis readable never show a loss below 0 or an
 * accuracy above 1. */
static void
clamp_to_bounds (BpChart *self, double dlo, double dhi, double *lo, double *hi)
{
  double blo = _bp_chart_axis_y (self, self->y_bound_lo);
  double bhi = _bp_chart_axis_y (self, self->y_bound_hi);

  if (isfinite (blo) && dlo >= blo && *lo < blo)
    *lo = blo;
  if (isfinite (bhi) && dhi <= bhi && *hi > bhi)
    *hi = bhi;
}

static void
auto_y (BpChart *self, double x0, double x1, double *y0, double *y1)
{
  double lo = INFINITY, hi = -INFINITY, dlo, dhi;
  gboolean bars = FALSE;

  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);
      double a, b;

      if (!s->visible)
        continue;
      if (_bp_chart_series_y_range (s, self->log_x, self->log_y, FALSE, x0, x1, &a, &b))
        {
          lo = MIN (lo, a);
          hi = MAX (hi, b);
        }
      bars |= s->style == BP_CHART_BARS;
    }
  if (!(lo <= hi) && !isfinite (self->y_floor_lo) && !isfinite (self->y_floor_hi))
    {
      /* Nothing to show: the natural range when there is one, else 0 to 1, as it is. */
      double blo = _bp_chart_axis_y (self, self->y_bound_lo);
      double bhi = _bp_chart_axis_y (self, self->y_bound_hi);

      *y0 = isfinite (blo) ? blo : isfinite (bhi) ? bhi - 1 : self->log_y ? -1 : 0;
      *y1 = isfinite (bhi) ? bhi : *y0 + 1;
      return;
    }
  if (bars && !self->log_y)
    {
      lo = MIN (lo, 0);
      hi = MAX (hi, 0);
    }
  if (isfinite (self->y_floor_lo))
    lo = MIN (lo, _bp_chart_axis_y (self, self->y_floor_lo));
  if (isfinite (self->y_floor_hi))
    hi = MAX (hi, _bp_chart_axis_y (self, self->y_floor_hi));
  if (!(lo <= hi))
    {
      lo = self->log_y ? -1 : 0;
      hi = self->log_y ? 0 : 1;
    }
  dlo = lo;
  dhi = hi;
  if (hi - lo < 1e-9 * MAX (fabs (lo), fabs (hi)) || hi == lo)
    {
      /* A constant (a learning rate, say): 10 % around it, so its own scale shows. */
      double d = self->log_y ? 0.5 : hi != 0 ? fabs (hi) * 0.1 : 0.5;

      lo -= d;
      hi += d;
    }
  else
    {
      double pad = (hi - lo) * 0.05;

      /* Bars stand on zero: no margin below them. */
      lo = bars && !self->log_y && lo == 0 ? 0 : lo - pad;
      hi += pad;
      if (!self->log_y && !bars)
        round_out (&lo, &hi);
    }
  clamp_to_bounds (self, dlo, dhi, &lo, &hi);
  if (!(hi > lo))
    hi = lo + 1; /* a constant sitting on both bounds cannot happen unless they are equal */
  *y0 = lo;
  *y1 = hi;
}

static void
make_ticks (gboolean log, double lo, double hi, int target, double *ticks, char labels[][24],
            int *n)
{
  double step = 0;

  if (log)
    {
      double v[32];
      int k = bp_log_ticks (pow (10.0, lo), pow (10.0, hi), v, 32);

      for (int i = 0; i < k; i++)
        {
          ticks[i] = log10 (v[i]);
          bp_format_tick (v[i], v[i], labels[i], 24);
        }
      *n = k;
      if (k >= 2)
        return;
      /* Less than a decade: linear ticks on the log axis read better than none. */
      {
        double lin[32];
        int m = bp_linear_ticks (pow (10.0, lo), pow (10.0, hi), MIN (target, 4), lin, 32, &step);

        for (int i = 0; i < m; i++)
          {
            ticks[i] = log10 (lin[i]);
            bp_format_tick (lin[i], step, labels[i], 24);
          }
        *n = m;
      }
      return;
    }
  *n = bp_linear_ticks (lo, hi, target, ticks, 32, &step);
  for (int i = 0; i < *n; i++)
    bp_format_tick (ticks[i], step, labels[i], 24);
}

/* A label as the chart draws it (small type), laid out once per text and kept: a live chart
 * lays out and paints its frame again whenever its axes move, mostly with the same labels,
 * and shaping text is most of the cost of a frame. Borrowed: valid until the style changes. */
PangoLayout *
_bp_chart_small_text (BpChart *self, const char *text)
{
  PangoLayout *layout = g_hash_table_lookup (self->text_sizes, text);

  if (layout == NULL)
    {
      layout = _bp_chart_layout_text (self, text, TRUE);
      if (g_hash_table_size (self->text_sizes) > 1024)
        g_hash_table_remove_all (self->text_sizes); /* a long zoom session: start over */
      g_hash_table_insert (self->text_sizes, g_strdup (text), layout);
    }
  return layout;
}

/* The size of a tick label. */
static int
text_width (BpChart *self, const char *text, int *height)
{
  int w, h;

  pango_layout_get_pixel_size (_bp_chart_small_text (self, text), &w, &h);
  if (height != NULL)
    *height = h;
  return w;
}

void
_bp_chart_layout (BpChart *self, int width, int height)
{
  BpChartGeometry *g = &self->geo;
  double top, bottom, left, right = 14, plot_w, plot_h;
  int th;

  g->width = width;
  g->height = height;
  if (self->user_x)
    {
      g->vx0 = self->ux0;
      g->vx1 = self->ux1;
    }
  else
    auto_x (self, &g->vx0, &g->vx1);
  if (self->user_y)
    {
      g->vy0 = self->uy0;
      g->vy1 = self->uy1;
    }
  else
    auto_y (self, g->vx0, g->vx1, &g->vy0, &g->vy1);

  text_width (self, "0", &th);
  g->empty = TRUE;
  for (guint i = 0; i < self->series->len && g->empty; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);

      g->empty = !s->visible || s->x->len == 0;
    }
  /* The legend wraps onto more rows rather than drop names; at most a third of the height. */
  g->legend_rows = _bp_chart_layout_legend (self, width, MAX (1, height / 3 / (th + 4)));
  top = th + 12 + (g->legend_rows > 1 ? (g->legend_rows - 1) * (th + 4) : 0);
  bottom = th + 10 + (self->x_label != NULL ? th + 2 : 0);
  plot_h = MAX (height - top - bottom, 10);
  /* Targets that the rounding up of bp_nice_step brings to about one label per 50 px. */
  make_ticks (self->log_y, g->vy0, g->vy1, MAX (2, (int) (plot_h / 32)), g->yticks, g->ylabels,
              &g->n_yticks);
  left = 0;
  for (int i = 0; i < g->n_yticks; i++)
    left = MAX (left, text_width (self, g->ylabels[i], NULL));
  left += 12;
  plot_w = MAX (width - left - right, 10);
  make_ticks (self->log_x, g->vx0, g->vx1, MAX (2, (int) (plot_w / 70)), g->xticks, g->xlabels,
              &g->n_xticks);
  g->plot = GRAPHENE_RECT_INIT ((float) left, (float) top, (float) plot_w, (float) plot_h);
  g->valid = TRUE;
}
