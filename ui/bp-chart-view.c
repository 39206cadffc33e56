/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The axes' label and bounds, the legend's count and the view the user or a caller chose: the
 * public API over where things go. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

void
bp_chart_set_x_label (BpChart *self, const char *label)
{
  g_return_if_fail (BP_IS_CHART (self));

  g_free (self->x_label);
  self->x_label = g_strdup (label);
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_set_x_floor (BpChart *self, double lo, double hi)
{
  g_return_if_fail (BP_IS_CHART (self));

  if ((self->x_floor_lo == lo || (isnan (lo) && isnan (self->x_floor_lo)))
      && (self->x_floor_hi == hi || (isnan (hi) && isnan (self->x_floor_hi))))
    return; /* set again at every update: no relayout for nothing */
  self->x_floor_lo = lo;
  self->x_floor_hi = hi;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_set_y_floor (BpChart *self, double lo, double hi)
{
  g_return_if_fail (BP_IS_CHART (self));

  self->y_floor_lo = lo;
  self->y_floor_hi = hi;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_set_y_bounds (BpChart *self, double lo, double hi)
{
  g_return_if_fail (BP_IS_CHART (self));

  self->y_bound_lo = lo;
  self->y_bound_hi = hi;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_set_y_whole (BpChart *self, gboolean whole)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (self->y_whole == !!whole)
    return;
  self->y_whole = !!whole;
  _bp_chart_invalidate (self, TRUE);
}

guint
bp_chart_get_legend_count (BpChart *self, guint *more)
{
  guint n = 0, m = 0;

  g_return_val_if_fail (BP_IS_CHART (self), 0);

  for (guint i = 0; i < self->legend->len; i++)
    {
      const BpChartLegendSlot *l = &g_array_index (self->legend, BpChartLegendSlot, i);

      if (l->series == G_MAXUINT)
        m += l->more;
      else
        n++;
    }
  if (more != NULL)
    *more = m;
  return n;
}

void
bp_chart_set_view (BpChart *self, double x0, double x1, double y0, double y1)
{
  double ax0, ax1, ay0, ay1;

  g_return_if_fail (BP_IS_CHART (self));

  ax0 = _bp_chart_axis_x (self, x0);
  ax1 = _bp_chart_axis_x (self, x1);
  ay0 = _bp_chart_axis_y (self, y0);
  ay1 = _bp_chart_axis_y (self, y1);
  g_return_if_fail (ax0 < ax1 && ay0 < ay1);
  self->user_x = self->user_y = TRUE;
  self->ux0 = ax0;
  self->ux1 = ax1;
  self->uy0 = ay0;
  self->uy1 = ay1;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_reset_view (BpChart *self)
{
  g_return_if_fail (BP_IS_CHART (self));

  self->user_x = self->user_y = FALSE;
  _bp_chart_invalidate (self, TRUE);
}

static gboolean
ensure_layout (BpChart *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  if (w <= 0 || h <= 0)
    return FALSE;
  if (!self->geo.valid || self->geo.width != w || self->geo.height != h)
    _bp_chart_layout (self, w, h);
  else if (self->layout_stale)
    _bp_chart_relayout (self, w, h);
  return TRUE;
}

void
bp_chart_get_view (BpChart *self, double *x0, double *x1, double *y0, double *y1)
{
  BpChartGeometry *g = &self->geo;

  g_return_if_fail (BP_IS_CHART (self));

  if (!ensure_layout (self))
    _bp_chart_layout (self, 400, 240);
  if (x0 != NULL)
    *x0 = self->log_x ? pow (10.0, g->vx0) : g->vx0;
  if (x1 != NULL)
    *x1 = self->log_x ? pow (10.0, g->vx1) : g->vx1;
  if (y0 != NULL)
    *y0 = self->log_y ? pow (10.0, g->vy0) : g->vy0;
  if (y1 != NULL)
    *y1 = self->log_y ? pow (10.0, g->vy1) : g->vy1;
}

gboolean
bp_chart_get_plot_area (BpChart *self, graphene_rect_t *out)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!ensure_layout (self))
    return FALSE;
  *out = self->geo.plot;
  return TRUE;
}

gboolean
bp_chart_data_to_widget (BpChart *self, double x, double y, double *wx, double *wy)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);

  if (!ensure_layout (self))
    return FALSE;
  *wx = _bp_chart_px (&self->geo, _bp_chart_axis_x (self, x));
  *wy = _bp_chart_py (&self->geo, _bp_chart_axis_y (self, y));
  return isfinite (*wx) && isfinite (*wy);
}
