/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loss chart's curves: a band (the spread of each pixel column's losses) and a line
 * through the last values, kept as pixels and painted again only where a growing run changed
 * them. */
#include "bp-config.h"

#include "bp-loss-chart-private.h"

#include "bp-palette.h"

#include <math.h>
#include <string.h>

/* Folds a series' buckets into pixel columns (cols is emptied first): a band (the spread of
 * the noisy losses) and a line through the last values, so the drawing costs the plot's
 * width whatever the number of points. */
static void
series_columns (BpLossChart *self, BpLossSeries which, const graphene_rect_t *r, GArray *cols)
{
  BpLossData *s = &self->series[which];
  double sx = r->size.width / self->axis_x_max, ox = r->origin.x;
  int w = MAX ((int) ceilf (r->size.width), 1), prev = -1;

  g_array_set_size (cols, 0);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const BpLossBucket *b = &g_array_index (s->buckets, BpLossBucket, i);
      int px = CLAMP ((int) (sx * b->x1), 0, w);
      double lo = MIN (b->min, self->axis_y_max), hi = MIN (b->max, self->axis_y_max);
      BpLossColumn *c;

      if (px != prev)
        {
          BpLossColumn nc = { ox + sx * b->x1, lo, hi, 0 };

          g_array_append_val (cols, nc);
          prev = px;
        }
      c = &g_array_index (cols, BpLossColumn, cols->len - 1);
      c->x = ox + sx * b->x1;
      c->min = MIN (c->min, lo);
      c->max = MAX (c->max, hi);
      c->last = MIN (b->last, self->axis_y_max);
    }
}

/* Columns [from, n) of a series: the band, then the line (the line's first segment starts at
 * column from). */
static void
paint_columns (BpLossChart *self, cairo_t *cr, BpLossSeries which, const graphene_rect_t *r,
               const GArray *cols, guint from)
{
  const BpLossColumn *c = (const BpLossColumn *) (gpointer) cols->data;
  double sy = r->size.height / self->axis_y_max, oy = r->origin.y + r->size.height;
  GdkRGBA color;

  if (from >= cols->len)
    return;
  _bp_loss_chart_series_color (which, &color);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
  for (guint i = from; i < cols->len; i++)
    cairo_line_to (cr, c[i].x, oy - sy * c[i].max - 0.5);
  for (guint i = cols->len; i-- > from;)
    cairo_line_to (cr, c[i].x, oy - sy * c[i].min + 0.5);
  cairo_close_path (cr);
  cairo_fill (cr);

  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 1.0);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  for (guint i = from; i < cols->len; i++)
    cairo_line_to (cr, c[i].x, oy - sy * c[i].last);
  cairo_stroke (cr);
}

/* The first column where two drawings differ: the length of the shorter when one only
 * continues the other. */
static guint
first_change (const GArray *a, const GArray *b)
{
  guint n = MIN (a->len, b->len);

  for (guint i = 0; i < n; i++)
    if (memcmp (&g_array_index (a, BpLossColumn, i), &g_array_index (b, BpLossColumn, i), sizeof (BpLossColumn)))
      return i;
  return n;
}

/* The area the curves are drawn in: the plot, with room for the line's width. */
static graphene_rect_t
curves_area (const graphene_rect_t *r)
{
  return GRAPHENE_RECT_INIT (r->origin.x, r->origin.y - 2, r->size.width, r->size.height + 4);
}

/* Brings curves_surface up to date and returns a node showing it. */
GskRenderNode *
_bp_loss_chart_curves_node (BpLossChart *self, const graphene_rect_t *r)
{
  graphene_rect_t area = curves_area (r);
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  GArray *now[BP_LOSS_SERIES_COUNT]; /* BpLossColumn, as drawn from now on */
  gboolean whole = self->curves_surface == NULL || self->drawn_w != w || self->drawn_h != h
                   || self->drawn_axis_x != self->axis_x_max
                   || self->drawn_axis_y != self->axis_y_max;
  double strip = G_MAXDOUBLE; /* widget x from which the picture changed */
  GtkSnapshot *snapshot;
  cairo_t *cr;

  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      guint k;

      now[i] = g_array_new (FALSE, FALSE, sizeof (BpLossColumn));
      series_columns (self, i, r, now[i]);
      if (whole)
        continue;
      k = first_change (self->drawn[i], now[i]);
      if (k == self->drawn[i]->len && k == now[i]->len)
        continue; /* the same columns */
      if (k == 0)
        whole = TRUE;
      else
        /* The changed column's band and line reach back to the column before it; a pixel
         * more for the line's width and its antialiasing. */
        strip = MIN (strip, floor (g_array_index (now[i], BpLossColumn, k - 1).x) - 2);
    }
  if (whole)
    {
      g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
      self->curves_surface = bp_palette_surface_new (GTK_WIDGET (self), (int) area.size.width,
                                                     (int) area.size.height);
      strip = area.origin.x;
    }
  if (strip < G_MAXDOUBLE)
    {
      strip = MAX (strip, area.origin.x);
      cr = cairo_create (self->curves_surface);
      cairo_translate (cr, -area.origin.x, -area.origin.y);
      cairo_rectangle (cr, strip, area.origin.y, area.origin.x + area.size.width - strip,
                       area.size.height);
      cairo_clip (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_paint (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
      for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
        {
          const BpLossColumn *c = (const BpLossColumn *) (gpointer) now[i]->data;
          guint from = now[i]->len;

          /* From a column more than two pixels left of the strip: what the strip shows of
           * the shapes' start is then the same as of the whole shapes. */
          while (from > 0 && c[from - 1].x >= strip - 3)
            from--;
          if (from > 0)
            from--;
          paint_columns (self, cr, i, r, now[i], from);
        }
      cairo_destroy (cr);
    }
  for (int i = 0; i < BP_LOSS_SERIES_COUNT; i++)
    {
      g_array_unref (self->drawn[i]);
      self->drawn[i] = now[i];
    }
  self->drawn_w = w;
  self->drawn_h = h;
  self->drawn_axis_x = self->axis_x_max;
  self->drawn_axis_y = self->axis_y_max;

  /* The node keeps a copy-on-write snapshot of the surface: painting it later leaves the
   * node as it was. */
  snapshot = gtk_snapshot_new ();
  cr = gtk_snapshot_append_cairo (snapshot, &area);
  cairo_set_source_surface (cr, self->curves_surface, area.origin.x, area.origin.y);
  cairo_paint (cr);
  cairo_destroy (cr);
  return gtk_snapshot_free_to_node (snapshot);
}
