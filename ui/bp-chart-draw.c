/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Painting a BpChart: axis space to pixels, and the two cached pictures, the frame
 * (bp-chart-frame.c) and the curves (bp-chart-curves.c), each rasterised into an image surface
 * and kept as a render node until the data, the view or the size change. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

double
_bp_chart_px (const BpChartGeometry *g, double ax)
{
  return g->plot.origin.x + (ax - g->vx0) / (g->vx1 - g->vx0) * g->plot.size.width;
}

double
_bp_chart_py (const BpChartGeometry *g, double ay)
{
  return g->plot.origin.y + g->plot.size.height
         - (ay - g->vy0) / (g->vy1 - g->vy0) * g->plot.size.height;
}

double
_bp_chart_ax (const BpChartGeometry *g, double px)
{
  return g->vx0 + (px - g->plot.origin.x) / g->plot.size.width * (g->vx1 - g->vx0);
}

double
_bp_chart_ay (const BpChartGeometry *g, double py)
{
  return g->vy0 + (g->plot.origin.y + g->plot.size.height - py) / g->plot.size.height
                    * (g->vy1 - g->vy0);
}

/* ---- entry points ---- */

cairo_surface_t *
bp_chart_paint_surface (int width, int height, int scale, void (*paint) (cairo_t *, gpointer),
                        gpointer data)
{
  cairo_surface_t *surface;
  cairo_t *cr;

  scale = MAX (scale, 1);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1) * scale,
                                        MAX (height, 1) * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  paint (cr, data);
  cairo_destroy (cr);
  return surface;
}

void
bp_chart_append_surface (GtkSnapshot *snapshot, cairo_surface_t *surface,
                         const graphene_rect_t *bounds)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, bounds);

  cairo_set_source_surface (cr, surface, bounds->origin.x, bounds->origin.y);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
paint_node (cairo_t *cr, gpointer data)
{
  gsk_render_node_draw (data, cr);
}

GskRenderNode *
bp_chart_flatten_node (GskRenderNode *node, int width, int height, int scale)
{
  GtkSnapshot *snapshot;
  cairo_surface_t *surface;

  if (node == NULL)
    return NULL;
  surface = bp_chart_paint_surface (width, height, scale, paint_node, node);
  gsk_render_node_unref (node);
  snapshot = gtk_snapshot_new ();
  bp_chart_append_surface (snapshot, surface, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_surface_destroy (surface);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
paint_frame_cairo (cairo_t *cr, gpointer data)
{
  _bp_chart_paint_frame (data, cr);
}

static void
paint_curves_cairo (cairo_t *cr, gpointer data)
{
  BpChart *self = data;

  /* The surface starts at the plot's corner. */
  cairo_translate (cr, -self->geo.plot.origin.x, -self->geo.plot.origin.y);
  _bp_chart_paint_curves (self, cr, -INFINITY);
}

/* Brings curves_surface up to date when only appended points changed it: the strip right of
 * curves_from is cleared and painted again. A growing run costs the pixels it added, not a
 * whole new picture: stroking ~1000 points of a noisy curve takes cairo milliseconds.
 * Returns the pixel column (from the plot's left) the strip starts at, or -1 when the whole
 * picture must be painted. */
static double
repaint_strip (BpChart *self, int pw, int ph, int scale)
{
  const graphene_rect_t *r = &self->geo.plot;
  double x0;
  cairo_t *cr;

  if (self->curves_surface == NULL || !isfinite (self->curves_from)
      || cairo_image_surface_get_width (self->curves_surface) != pw * scale
      || cairo_image_surface_get_height (self->curves_surface) != ph * scale)
    return -1;
  /* Two pixels of margin: the round join at the last old point reaches half a line width
   * back, and its column bar one pixel. */
  x0 = floor (_bp_chart_px (&self->geo, self->curves_from) - r->origin.x) - 2;
  if (x0 >= pw)
    return pw;
  x0 = MAX (x0, 0);
  cr = cairo_create (self->curves_surface);
  cairo_rectangle (cr, x0, 0, pw - x0, ph);
  cairo_clip (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_translate (cr, -r->origin.x, -r->origin.y);
  _bp_chart_paint_curves (self, cr, _bp_chart_ax (&self->geo, r->origin.x + x0));
  cairo_destroy (cr);
  return x0;
}

/* The pixel column (from the plot's left) right of which no series draws anything: the
 * last x of every visible series, plus the reach of a line's join or a lone point's dot. */
static double
data_right_px (BpChart *self)
{
  double right = -INFINITY;

  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);

      if (!s->visible || !(s->x_min <= s->x_max))
        continue; /* draws nothing */
      if (s->style != BP_CHART_LINE)
        return INFINITY; /* bars and points reach further: leave it to the whole width */
      right = MAX (right, _bp_chart_px (&self->geo, _bp_chart_axis_x (self, s->x_max)));
    }
  return isfinite (right) ? right - self->geo.plot.origin.x + 4 : right;
}

/* curves_node from curves_surface, as a row of tiles: GTK 4.8 redraws (and sends to the
 * display) the whole of any node that is not the one of the last frame, so one node for the
 * plot made each update repaint the whole plot. Tiles left of `from_px` (pixels from the
 * plot's left) are kept, and those right of the data, which were empty and still are: only
 * the strip the new points touched is drawn again. */
static void
make_curves_node (BpChart *self, int pw, int ph, double from_px)
{
  const graphene_rect_t *r = &self->geo.plot;
  guint n = (guint) (pw + BP_CHART_TILE_PX - 1) / BP_CHART_TILE_PX;
  double to_px = from_px >= 0 ? data_right_px (self) : INFINITY;

  if (self->curve_tiles == NULL || self->curve_tiles->len != n || from_px < 0)
    {
      g_clear_pointer (&self->curve_tiles, g_ptr_array_unref);
      self->curve_tiles = g_ptr_array_new_full (n, (GDestroyNotify) gsk_render_node_unref);
      g_ptr_array_set_size (self->curve_tiles, (int) n);
      from_px = 0;
    }
  for (guint k = 0; k < n; k++)
    {
      int x = (int) k * BP_CHART_TILE_PX, w = MIN (BP_CHART_TILE_PX, pw - x);
      graphene_rect_t tile = GRAPHENE_RECT_INIT (r->origin.x + x, r->origin.y, w, ph);
      GskRenderNode **slot = (GskRenderNode **) &g_ptr_array_index (self->curve_tiles, k);
      GtkSnapshot *sub;
      cairo_t *cr;

      if (*slot != NULL && (x + w <= from_px || x > to_px))
        continue;
      sub = gtk_snapshot_new ();
      cr = gtk_snapshot_append_cairo (sub, &tile);
      cairo_set_source_surface (cr, self->curves_surface, r->origin.x, r->origin.y);
      cairo_paint (cr);
      cairo_destroy (cr);
      g_clear_pointer (slot, gsk_render_node_unref);
      *slot = gtk_snapshot_free_to_node (sub);
    }
  self->curves_node = gsk_container_node_new ((GskRenderNode **) self->curve_tiles->pdata, n);
}

void
_bp_chart_paint_cairo (BpChart *self, cairo_t *cr, const GdkRGBA *background)
{
  if (background != NULL)
    {
      gdk_cairo_set_source_rgba (cr, background);
      cairo_paint (cr);
    }
  _bp_chart_paint_frame (self, cr);
  _bp_chart_paint_curves (self, cr, -INFINITY);
}

void
_bp_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpChart *self = BP_CHART (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (w <= 0 || h <= 0)
    return;
  if (!self->geo.valid || self->geo.width != w || self->geo.height != h)
    {
      g_clear_pointer (&self->frame_node, gsk_render_node_unref);
      g_clear_pointer (&self->curves_node, gsk_render_node_unref);
      self->curves_from = -INFINITY;
      _bp_chart_layout (self, w, h);
      self->layout_stale = FALSE;
    }
  else if (self->layout_stale && _bp_chart_relayout (self, w, h))
    {
      g_clear_pointer (&self->curves_node, gsk_render_node_unref);
      self->curves_from = -INFINITY; /* the view moved: every point moved */
    }
  /* Both parts are rasterised once into image surfaces (see bp_chart_paint_surface for why):
   * the frame when the ticks move, the curves when the data or the view change. */
  if (self->frame_node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();
      cairo_surface_t *surface = bp_chart_paint_surface (w, h, gtk_widget_get_scale_factor (widget),
                                                         paint_frame_cairo, self);

      bp_chart_append_surface (sub, surface, &GRAPHENE_RECT_INIT (0, 0, w, h));
      cairo_surface_destroy (surface);
      self->frame_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->curves_node == NULL)
    {
      const graphene_rect_t *r = &self->geo.plot;
      int pw = (int) ceilf (r->size.width), ph = (int) ceilf (r->size.height);
      int scale = MAX (gtk_widget_get_scale_factor (widget), 1);
      double from_px = repaint_strip (self, pw, ph, scale);

      /* The tiles hold copies of the surface's pixels: painting the surface again later
       * leaves them as they were. */
      if (from_px < 0)
        {
          g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
          self->curves_surface = bp_chart_paint_surface (pw, ph, scale, paint_curves_cairo, self);
        }
      self->curves_from = INFINITY;
      make_curves_node (self, pw, ph, from_px);
    }
  if (self->frame_node != NULL)
    gtk_snapshot_append_node (snapshot, self->frame_node);
  if (self->curves_node != NULL)
    gtk_snapshot_append_node (snapshot, self->curves_node);
  _bp_chart_snapshot_overlay (self, snapshot);
}
