/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-loss-chart-private.h"

#include "bp-palette.h"

#include <math.h>

G_DEFINE_FINAL_TYPE (BpLossChart, bp_loss_chart, GTK_TYPE_WIDGET)

static const char *series_names[BP_LOSS_SERIES_COUNT] = { "train", "test" };

void
_bp_loss_chart_series_color (BpLossSeries s, GdkRGBA *c)
{
  if (s == BP_LOSS_SERIES_TRAIN)
    *c = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.f };
  else
    *c = (GdkRGBA) { 0.90f, 0.38f, 0.0f, 1.f };
}

static void
series_append (BpLossData *s, double x, float y)
{
  BpLossBucket *b = s->buckets->len ? &g_array_index (s->buckets, BpLossBucket, s->buckets->len - 1) : NULL;

  if (b == NULL || b->n >= s->per_bucket)
    {
      BpLossBucket nb = { x, x, y, y, y, 0 };

      if (s->buckets->len >= BP_LOSS_MAX_BUCKETS)
        {
          /* Every bucket is full: fold pairs so each holds twice as many points. */
          guint half = s->buckets->len / 2;

          for (guint i = 0; i < half; i++)
            {
              BpLossBucket *a = &g_array_index (s->buckets, BpLossBucket, 2 * i);
              BpLossBucket *c = &g_array_index (s->buckets, BpLossBucket, 2 * i + 1);
              BpLossBucket m = { a->x0, c->x1, MIN (a->min, c->min), MAX (a->max, c->max), c->last,
                           a->n + c->n };
              g_array_index (s->buckets, BpLossBucket, i) = m;
            }
          g_array_set_size (s->buckets, half);
          s->per_bucket *= 2;
          return series_append (s, x, y);
        }
      g_array_append_val (s->buckets, nb);
      b = &g_array_index (s->buckets, BpLossBucket, s->buckets->len - 1);
    }
  b->x1 = x;
  b->min = MIN (b->min, y);
  b->max = MAX (b->max, y);
  b->last = y;
  b->n++;
  s->n_points++;
  s->last = y;
}

/* A "nice" step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over range. */
static double
nice_step (double range, int ticks)
{
  double raw = range / ticks, mag, f;

  if (!(raw > 0) || !isfinite (raw))
    return 1.0;
  mag = pow (10.0, floor (log10 (raw)));
  f = raw / mag;
  return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

static void
update_axes (BpLossChart *self)
{
  double x_max = MAX (self->x_max, 1.0);
  double y_max = self->y_max > 0 ? self->y_max : 1.0;
  double xs = nice_step (x_max, 5), ys = nice_step (y_max, 4);
  double ax = ceil (x_max / xs) * xs, ay = ceil (y_max / ys) * ys;

  if (ax != self->axis_x_max || ay != self->axis_y_max)
    {
      self->axis_x_max = ax;
      self->axis_y_max = ay;
      self->x_step = xs;
      self->y_step = ys;
      g_clear_pointer (&self->axes_node, gsk_render_node_unref);
    }
}

void
_bp_loss_chart_plot_rect (BpLossChart *self, graphene_rect_t *r)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  graphene_rect_init (r, BP_LOSS_MARGIN_LEFT, BP_LOSS_MARGIN_TOP, MAX (w - BP_LOSS_MARGIN_LEFT - BP_LOSS_MARGIN_RIGHT, 1.0),
                      MAX (h - BP_LOSS_MARGIN_TOP - BP_LOSS_MARGIN_BOTTOM, 1.0));
}

static void
format_tick (char *buf, size_t len, double v, double step)
{
  if (fabs (v) >= 1e4 || step >= 1000)
    g_snprintf (buf, len, "%.0fk", v / 1000.0);
  else if (step >= 1)
    g_snprintf (buf, len, "%.0f", v);
  else
    g_snprintf (buf, len, "%.*f", (int) CLAMP (ceil (-log10 (step)), 1, 6), v);
}

static void
append_text (BpLossChart *self, GtkSnapshot *snapshot, const char *text, double x, double y,
             double xalign, const GdkRGBA *color)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int lw, lh;

  pango_layout_get_pixel_size (layout, &lw, &lh);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) round (x - xalign * lw),
                                                          (float) round (y - lh / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static GskRenderNode *
build_axes (BpLossChart *self)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  graphene_rect_t r;
  GdkRGBA fg, grid;
  char buf[32];

  bp_palette_widget_fg (GTK_WIDGET (self), &fg);
  grid = fg;
  grid.alpha = 0.12f;
  fg.alpha = 0.7f;
  _bp_loss_chart_plot_rect (self, &r);

  for (double y = 0; y <= self->axis_y_max + 1e-9 * self->axis_y_max; y += self->y_step)
    {
      float py = r.origin.y + r.size.height * (float) (1.0 - y / self->axis_y_max);

      gtk_snapshot_append_color (snapshot, &grid,
                                 &GRAPHENE_RECT_INIT (r.origin.x, roundf (py), r.size.width, 1));
      format_tick (buf, sizeof buf, y, self->y_step);
      append_text (self, snapshot, buf, r.origin.x - 5, py, 1.0, &fg);
    }
  for (double x = 0; x <= self->axis_x_max + 1e-9 * self->axis_x_max; x += self->x_step)
    {
      float px = r.origin.x + r.size.width * (float) (x / self->axis_x_max);

      gtk_snapshot_append_color (snapshot, &grid,
                                 &GRAPHENE_RECT_INIT (roundf (px), r.origin.y, 1, r.size.height));
      format_tick (buf, sizeof buf, x, self->x_step);
      append_text (self, snapshot, buf, px, r.origin.y + r.size.height + BP_LOSS_MARGIN_BOTTOM / 2 + 1,
                   x == 0 ? 0.0 : 0.5, &fg);
    }
  return gtk_snapshot_free_to_node (snapshot);
}

static const BpLossBucket *
bucket_near (const BpLossData *s, double x)
{
  guint lo = 0, hi;

  if (s->buckets->len == 0)
    return NULL;
  hi = s->buckets->len - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (s->buckets, BpLossBucket, mid).x1 < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return &g_array_index (s->buckets, BpLossBucket, lo);
}

/* New points redraw the chart in the frame they come in: the owner chooses those frames (the
 * playground appends ~30 times a second, in frames of their own, see bp-playground-tick.c);
 * a redraw of its own in a later frame would land beside another view's change. */
static void
queue_data_redraw (BpLossChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
bp_loss_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpLossChart *self = BP_LOSS_CHART (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  graphene_rect_t r;
  GdkRGBA fg;
  double lx;

  if (w <= BP_LOSS_MARGIN_LEFT + BP_LOSS_MARGIN_RIGHT || h <= BP_LOSS_MARGIN_TOP + BP_LOSS_MARGIN_BOTTOM)
    return;
  update_axes (self);
  if (self->axes_node == NULL || self->axes_width != w || self->axes_height != h)
    {
      g_clear_pointer (&self->axes_node, gsk_render_node_unref);
      self->axes_node = build_axes (self);
      self->axes_width = w;
      self->axes_height = h;
    }
  gtk_snapshot_append_node (snapshot, self->axes_node);
  _bp_loss_chart_plot_rect (self, &r);
  bp_palette_widget_fg (widget, &fg);

  /* Legend with the latest values, top right. */
  lx = r.origin.x + 4;
  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      char buf[64];
      GdkRGBA c;
      g_autoptr (PangoLayout) layout = NULL;
      int lw, lh;

      if (self->series[i].n_points == 0)
        {
          if (i == 0)
            append_text (self, snapshot, "Loss per epoch: train and test", lx,
                         BP_LOSS_MARGIN_TOP / 2, 0.0, &fg);
          continue;
        }
      _bp_loss_chart_series_color (i, &c);
      g_snprintf (buf, sizeof buf, "%s %.4f", series_names[i], self->series[i].last);
      layout = gtk_widget_create_pango_layout (widget, buf);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_append_color (snapshot, &c,
                                 &GRAPHENE_RECT_INIT ((float) lx, BP_LOSS_MARGIN_TOP / 2 - 1, 12, 3));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT ((float) lx + 16, BP_LOSS_MARGIN_TOP / 2 - lh / 2.f));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
      lx += 16 + lw + 14;
    }

  {
    g_autoptr (GskRenderNode) curves = _bp_loss_chart_curves_node (self, &r);

    gtk_snapshot_append_node (snapshot, curves);
  }

  if (self->hover_x >= r.origin.x && self->hover_x <= r.origin.x + r.size.width)
    {
      g_autofree char *text = bp_loss_chart_readout_at (self, self->hover_x);
      GdkRGBA line = fg;

      line.alpha = 0.4f;
      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (roundf ((float) self->hover_x), r.origin.y,
                                                      1, r.size.height));
      if (text != NULL)
        {
          g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
          int lw, lh;
          float tx;
          GdkRGBA bg;

          pango_layout_get_pixel_size (layout, &lw, &lh);
          tx = (float) CLAMP (self->hover_x + 6, r.origin.x, r.origin.x + r.size.width - lw - 6);
          bg = bp_palette_is_dark () ? (GdkRGBA) { 0.1f, 0.1f, 0.1f, 0.9f }
                                     : (GdkRGBA) { 1, 1, 1, 0.9f };
          gtk_snapshot_append_color (snapshot, &bg,
                                     &GRAPHENE_RECT_INIT (tx - 3, r.origin.y + 3, lw + 6, lh + 2));
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (tx, r.origin.y + 4));
          gtk_snapshot_append_layout (snapshot, layout, &fg);
          gtk_snapshot_restore (snapshot);
        }
    }
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, BpLossChart *self)
{
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion, BpLossChart *self)
{
  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
bp_loss_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  BpLossChart *self = BP_LOSS_CHART (widget);

  GTK_WIDGET_CLASS (bp_loss_chart_parent_class)->css_changed (widget, change);
  g_clear_pointer (&self->axes_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
  gtk_widget_queue_draw (widget);
}

static void
bp_loss_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                       int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 160, *natural = 320;
  else
    *minimum = 90, *natural = 140;
}

static void
bp_loss_chart_finalize (GObject *object)
{
  BpLossChart *self = BP_LOSS_CHART (object);

  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      g_array_unref (self->series[i].buckets);
      g_array_unref (self->drawn[i]);
    }
  g_clear_pointer (&self->axes_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
  G_OBJECT_CLASS (bp_loss_chart_parent_class)->finalize (object);
}

static void
bp_loss_chart_class_init (BpLossChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_loss_chart_finalize;
  widget_class->snapshot = bp_loss_chart_snapshot;
  widget_class->measure = bp_loss_chart_measure;
  widget_class->css_changed = bp_loss_chart_css_changed;
  gtk_widget_class_set_css_name (widget_class, "losschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bp_loss_chart_init (BpLossChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      self->series[i].buckets = g_array_new (FALSE, FALSE, sizeof (BpLossBucket));
      self->drawn[i] = g_array_new (FALSE, FALSE, sizeof (BpLossColumn));
      self->series[i].per_bucket = 1;
      self->series[i].last = NAN;
    }
  self->hover_x = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
bp_loss_chart_new (void)
{
  return g_object_new (BP_TYPE_LOSS_CHART, NULL);
}

void
bp_loss_chart_append (BpLossChart *self, double x, double train, double test)
{
  double v[BP_LOSS_SERIES_COUNT] = { train, test };

  g_return_if_fail (BP_IS_LOSS_CHART (self));

  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    if (isfinite (v[i]))
      {
        series_append (&self->series[i], x, (float) v[i]);
        self->y_max = MAX (self->y_max, v[i]);
      }
  self->x_max = MAX (self->x_max, x);
  queue_data_redraw (self);
}

void
bp_loss_chart_clear (BpLossChart *self)
{
  g_return_if_fail (BP_IS_LOSS_CHART (self));

  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      g_array_set_size (self->series[i].buckets, 0);
      self->series[i].per_bucket = 1;
      self->series[i].n_points = 0;
      self->series[i].last = NAN;
    }
  self->x_max = self->y_max = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
bp_loss_chart_get_n_points (BpLossChart *self, BpLossSeries series)
{
  g_return_val_if_fail (BP_IS_LOSS_CHART (self), 0);
  g_return_val_if_fail (series < BP_LOSS_SERIES_COUNT, 0);
  return self->series[series].n_points;
}

double
bp_loss_chart_get_last (BpLossChart *self, BpLossSeries series)
{
  g_return_val_if_fail (BP_IS_LOSS_CHART (self), NAN);
  g_return_val_if_fail (series < BP_LOSS_SERIES_COUNT, NAN);
  return self->series[series].last;
}

char *
bp_loss_chart_readout_at (BpLossChart *self, double widget_x)
{
  graphene_rect_t r;
  GString *s;
  double x;
  gboolean any = FALSE;

  g_return_val_if_fail (BP_IS_LOSS_CHART (self), NULL);

  update_axes (self);
  _bp_loss_chart_plot_rect (self, &r);
  if (widget_x < r.origin.x || widget_x > r.origin.x + r.size.width)
    return NULL;
  x = (widget_x - r.origin.x) / r.size.width * self->axis_x_max;
  s = g_string_new (NULL);
  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      const BpLossBucket *b = bucket_near (&self->series[i], x);

      if (b == NULL)
        continue;
      if (!any)
        g_string_append_printf (s, "epoch %.0f", b->x1);
      g_string_append_printf (s, "  %s %.4f", series_names[i], b->last);
      any = TRUE;
    }
  if (!any)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}
