/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The chart's data through the public API: series added, removed and appended to, and how
 * each one is drawn (name, colour, dashes, markers, bar width). */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

/* Distinct hues that read on light and dark backgrounds (Tableau 10, as TensorBoard's runs). */
static const GdkRGBA palette[] = {
  { 0.122f, 0.467f, 0.706f, 1 }, { 1.000f, 0.498f, 0.055f, 1 }, { 0.173f, 0.627f, 0.173f, 1 },
  { 0.839f, 0.153f, 0.157f, 1 }, { 0.580f, 0.404f, 0.741f, 1 }, { 0.549f, 0.337f, 0.294f, 1 },
  { 0.890f, 0.467f, 0.761f, 1 }, { 0.498f, 0.498f, 0.498f, 1 }, { 0.737f, 0.741f, 0.133f, 1 },
  { 0.090f, 0.745f, 0.812f, 1 },
};

void
bp_chart_palette_color (guint index, GdkRGBA *out)
{
  g_return_if_fail (out != NULL);
  *out = palette[index % G_N_ELEMENTS (palette)];
}

guint
bp_chart_add_series (BpChart *self, const char *name, const GdkRGBA *color, BpChartStyle style)
{
  BpChartSeries *s;

  g_return_val_if_fail (BP_IS_CHART (self), 0);

  if (color == NULL)
    color = &palette[self->next_color++ % G_N_ELEMENTS (palette)];
  s = _bp_chart_series_new (self->next_id++, name, color, style);
  s->smooth_weight = self->smoothing;
  g_ptr_array_add (self->series, s);
  _bp_chart_invalidate (self, TRUE);
  return s->id;
}

void
bp_chart_remove_series (BpChart *self, guint id)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  s = _bp_chart_find (self, id);
  if (s == NULL)
    return;
  g_ptr_array_remove (self->series, s);
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_clear (BpChart *self)
{
  g_return_if_fail (BP_IS_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  self->next_color = 0;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_clear (BpChart *self, guint id)
{
  BpChartSeries *s;
  gboolean had_points;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  had_points = s->x->len > 0;
  _bp_chart_series_clear (s);
  /* Without points it leaves the legend: the frame is laid out again. */
  _bp_chart_invalidate (self, had_points);
}

void
bp_chart_series_append (BpChart *self, guint id, const double *x, const float *y, gsize n)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  if ((s = _bp_chart_find (self, id)) == NULL || n == 0)
    return;
  if (s->x->len == 0)
    {
      /* Its first points: it enters the legend, so the frame is laid out again. */
      _bp_chart_series_append (s, x, y, n, self->smoothing);
      _bp_chart_invalidate (self, TRUE);
      return;
    }
  /* A growing line changes the picture only from its last point on (its smoothed values
   * before stay as they were): that strip is all that needs painting again. Not a sparse
   * one: its markers go when its points come closer than they allow, along the whole line
   * (it grows once an epoch: a whole picture then costs little). */
  if (s->style == BP_CHART_LINE && s->sorted && !s->dashed && !s->sparse)
    {
      double from = s->x->len > 0 ? g_array_index (s->x, double, s->x->len - 1) : x[0];

      _bp_chart_series_append (s, x, y, n, self->smoothing);
      _bp_chart_invalidate_from (self, s->sorted ? _bp_chart_axis_x (self, from) : -INFINITY);
      return;
    }
  _bp_chart_series_append (s, x, y, n, self->smoothing);
  _bp_chart_invalidate (self, FALSE);
}

gsize
bp_chart_series_get_n_points (BpChart *self, guint id)
{
  BpChartSeries *s;

  g_return_val_if_fail (BP_IS_CHART (self), 0);

  s = _bp_chart_find (self, id);
  return s != NULL ? s->x->len : 0;
}

guint
bp_chart_get_series (BpChart *self, guint *ids, guint max)
{
  g_return_val_if_fail (BP_IS_CHART (self), 0);

  for (guint i = 0; i < self->series->len && i < max; i++)
    ids[i] = ((BpChartSeries *) g_ptr_array_index (self->series, i))->id;
  return self->series->len;
}

void
bp_chart_series_set_visible (BpChart *self, guint id, gboolean visible)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL || s->visible == !!visible)
    return;
  s->visible = !!visible;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_set_name (BpChart *self, guint id, const char *name)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  g_free (s->name);
  s->name = g_strdup (name != NULL ? name : "");
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_set_color (BpChart *self, guint id, const GdkRGBA *color)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));
  g_return_if_fail (color != NULL);

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  s->color = *color;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_set_dashed (BpChart *self, guint id, gboolean dashed)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  s->dashed = !!dashed;
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_set_sparse (BpChart *self, guint id, gboolean sparse)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL || s->sparse == !!sparse)
    return;
  s->sparse = !!sparse;
  _bp_chart_series_resmooth (s, self->smoothing);
  _bp_chart_invalidate (self, TRUE);
}

void
bp_chart_series_set_bar_width (BpChart *self, guint id, double width)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  s->bar_width = MAX (width, 0);
  _bp_chart_invalidate (self, TRUE);
}

const float *
bp_chart_series_get_smoothed (BpChart *self, guint id, gsize *n)
{
  BpChartSeries *s;

  g_return_val_if_fail (BP_IS_CHART (self), NULL);

  s = _bp_chart_find (self, id);
  if (s == NULL || s->ys->len == 0 || s->ys->len != s->y->len)
    {
      if (n != NULL)
        *n = 0;
      return NULL;
    }
  if (n != NULL)
    *n = s->ys->len;
  return (const float *) (gpointer) s->ys->data;
}
