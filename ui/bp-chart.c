/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>
#include <string.h>

enum {
  PROP_0,
  PROP_SMOOTHING,
  PROP_LOG_X,
  PROP_LOG_Y,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpChart, bp_chart, GTK_TYPE_WIDGET)

/* Distinct hues that read on light and dark backgrounds (Tableau 10, as TensorBoard's runs). */
static const GdkRGBA palette[] = {
  { 0.122f, 0.467f, 0.706f, 1 }, { 1.000f, 0.498f, 0.055f, 1 }, { 0.173f, 0.627f, 0.173f, 1 },
  { 0.839f, 0.153f, 0.157f, 1 }, { 0.580f, 0.404f, 0.741f, 1 }, { 0.549f, 0.337f, 0.294f, 1 },
  { 0.890f, 0.467f, 0.761f, 1 }, { 0.498f, 0.498f, 0.498f, 1 }, { 0.737f, 0.741f, 0.133f, 1 },
  { 0.090f, 0.745f, 0.812f, 1 },
};

BpChartSeries *
_bp_chart_find (BpChart *self, guint id)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->id == id)
        return s;
    }
  return NULL;
}

double
_bp_chart_axis_x (BpChart *self, double x)
{
  return !self->log_x ? x : x > 0 ? log10 (x) : NAN;
}

double
_bp_chart_axis_y (BpChart *self, double y)
{
  return !self->log_y ? y : y > 0 ? log10 (y) : NAN;
}

void
_bp_chart_invalidate (BpChart *self, gboolean frame)
{
  g_clear_pointer (&self->curves_node, gsk_render_node_unref);
  self->curves_from = -INFINITY;
  if (frame)
    {
      g_clear_pointer (&self->frame_node, gsk_render_node_unref);
      self->geo.valid = FALSE;
    }
  else if (!self->user_x || !self->user_y)
    {
      /* New data may move an automatic view; the next drawing lays out again and keeps the
       * frame if its ticks did not move (see auto_x: they rarely do). */
      self->layout_stale = TRUE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_chart_invalidate_from (BpChart *self, double from_ax)
{
  double from = self->curves_from;

  _bp_chart_invalidate (self, FALSE);
  self->curves_from = MIN (from, isnan (from_ax) ? -INFINITY : from_ax);
}

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

/* ---- GObject ---- */

static void
bp_chart_dispose (GObject *object)
{
  BpChart *self = BP_CHART (object);

  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_chart_parent_class)->dispose (object);
}

static void
bp_chart_finalize (GObject *object)
{
  BpChart *self = BP_CHART (object);

  g_ptr_array_unref (self->series);
  g_hash_table_unref (self->text_sizes);
  g_free (self->title);
  g_free (self->x_label);
  g_array_unref (self->legend);
  G_OBJECT_CLASS (bp_chart_parent_class)->finalize (object);
}

static void
bp_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpChart *self = BP_CHART (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING: g_value_set_double (value, self->smoothing); break;
    case PROP_LOG_X: g_value_set_boolean (value, self->log_x); break;
    case PROP_LOG_Y: g_value_set_boolean (value, self->log_y); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BpChart *self = BP_CHART (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING: bp_chart_set_smoothing (self, g_value_get_double (value)); break;
    case PROP_LOG_X: bp_chart_set_log_x (self, g_value_get_boolean (value)); break;
    case PROP_LOG_Y: bp_chart_set_log_y (self, g_value_get_boolean (value)); break;
    case PROP_TITLE: bp_chart_set_title (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_chart_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BpChart *self = BP_CHART (widget);

  /* Containers reallocate on every resize of a neighbour: only a new size drops the caches. */
  if (width != self->geo.width || height != self->geo.height)
    _bp_chart_invalidate (self, TRUE);
}

static void
bp_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                  int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 110;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 240;
}

static void
bp_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_chart_parent_class)->css_changed (widget, change);
  g_hash_table_remove_all (BP_CHART (widget)->text_sizes); /* the font may have changed */
  BP_CHART (widget)->title_w = -1;
  _bp_chart_invalidate (BP_CHART (widget), TRUE);
}

static void
bp_chart_class_init (BpChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_chart_dispose;
  object_class->finalize = bp_chart_finalize;
  object_class->get_property = bp_chart_get_property;
  object_class->set_property = bp_chart_set_property;
  widget_class->snapshot = _bp_chart_snapshot;
  widget_class->size_allocate = bp_chart_size_allocate;
  widget_class->measure = bp_chart_measure;
  widget_class->css_changed = bp_chart_css_changed;

  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, 0.999, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_X] =
    g_param_spec_boolean ("log-x", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _bp_chart_class_init_actions (widget_class);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
bp_chart_init (BpChart *self)
{
  self->series = g_ptr_array_new_with_free_func (_bp_chart_series_free);
  self->text_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->next_id = 1;
  self->y_floor_lo = self->y_floor_hi = NAN;
  self->y_bound_lo = self->y_bound_hi = NAN;
  self->title_w = -1;
  self->legend = g_array_new (FALSE, FALSE, sizeof (BpChartLegendSlot));
  self->curves_from = -INFINITY;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  _bp_chart_init_input (self);
}

/* ---- public API ---- */

GtkWidget *
bp_chart_new (void)
{
  return g_object_new (BP_TYPE_CHART, NULL);
}

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

  g_return_if_fail (BP_IS_CHART (self));

  if ((s = _bp_chart_find (self, id)) == NULL)
    return;
  _bp_chart_series_clear (s);
  _bp_chart_invalidate (self, FALSE);
}

void
bp_chart_series_append (BpChart *self, guint id, const double *x, const float *y, gsize n)
{
  BpChartSeries *s;

  g_return_if_fail (BP_IS_CHART (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  if ((s = _bp_chart_find (self, id)) == NULL || n == 0)
    return;
  /* A growing line changes the picture only from its last point on (its smoothed values
   * before stay as they were): that strip is all that needs painting again. */
  if (s->style == BP_CHART_LINE && s->sorted && !s->dashed)
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

void
bp_chart_set_smoothing (BpChart *self, double weight)
{
  g_return_if_fail (BP_IS_CHART (self));

  weight = CLAMP (weight, 0, 0.999);
  if (self->smoothing == weight)
    return;
  self->smoothing = weight;
  for (guint i = 0; i < self->series->len; i++)
    _bp_chart_series_resmooth (g_ptr_array_index (self->series, i), weight);
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

double
bp_chart_get_smoothing (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), 0);
  return self->smoothing;
}

void
bp_chart_set_log_x (BpChart *self, gboolean log_x)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (self->log_x == !!log_x)
    return;
  self->log_x = !!log_x;
  self->user_x = FALSE; /* a view in the other space means nothing here */
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_X]);
}

gboolean
bp_chart_get_log_x (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  return self->log_x;
}

void
bp_chart_set_log_y (BpChart *self, gboolean log_y)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (self->log_y == !!log_y)
    return;
  self->log_y = !!log_y;
  self->user_y = FALSE;
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

gboolean
bp_chart_get_log_y (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  return self->log_y;
}

void
bp_chart_set_title (BpChart *self, const char *title)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  self->title_w = -1;
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
bp_chart_set_x_label (BpChart *self, const char *label)
{
  g_return_if_fail (BP_IS_CHART (self));

  g_free (self->x_label);
  self->x_label = g_strdup (label);
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
