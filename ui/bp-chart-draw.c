/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Painting a BpChart. The frame (grid, ticks, labels, title, legend) goes through a small
 * painter that either appends snapshot nodes (the widget) or draws with cairo (the exports), so
 * both pictures come from one piece of code; the curves are cairo paths either way. Both are
 * cached as render nodes until the data, the view or the size change. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include "bp-palette.h"

#include <math.h>

typedef struct {
  GtkSnapshot *snapshot; /* one of the two */
  cairo_t *cr;
} Painter;

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

PangoLayout *
_bp_chart_layout_text (BpChart *self, const char *text, gboolean small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static void
paint_rect (Painter *p, const GdkRGBA *c, double x, double y, double w, double h)
{
  if (p->snapshot != NULL)
    {
      gtk_snapshot_append_color (p->snapshot, c, &GRAPHENE_RECT_INIT ((float) x, (float) y,
                                                                      (float) w, (float) h));
      return;
    }
  gdk_cairo_set_source_rgba (p->cr, c);
  cairo_rectangle (p->cr, x, y, w, h);
  cairo_fill (p->cr);
}

static void
paint_text (Painter *p, PangoLayout *layout, const GdkRGBA *c, double x, double y)
{
  if (p->snapshot != NULL)
    {
      gtk_snapshot_save (p->snapshot);
      gtk_snapshot_translate (p->snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
      gtk_snapshot_append_layout (p->snapshot, layout, c);
      gtk_snapshot_restore (p->snapshot);
      return;
    }
  gdk_cairo_set_source_rgba (p->cr, c);
  cairo_move_to (p->cr, x, y);
  pango_cairo_show_layout (p->cr, layout);
}

static GdkRGBA
with_alpha (const GdkRGBA *c, float a)
{
  return (GdkRGBA) { c->red, c->green, c->blue, c->alpha * a };
}

/* The title in bold, as drawn (a new layout). */
static PangoLayout *
title_layout (BpChart *self)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->title);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* Legend entries: a 14-pixel swatch, 4 pixels, the name; 12 pixels between entries. Rows fill
 * in the series' order and each row sits against the right edge of the plot, as one row
 * always did; a name wider than a whole row is elided, and when the rows run out the last
 * entries give way to a "+N more" note, so no series goes unmentioned. */
#define SWATCH 18
#define GAP 12

int
_bp_chart_layout_legend (BpChart *self, int width, int max_rows)
{
  g_autoptr (GArray) row = g_array_new (FALSE, FALSE, sizeof (BpChartLegendSlot));
  double right = width - 14, left, row_left, used = 0;
  int th, rows = 0, n_named = 0, placed = 0;

  g_array_set_size (self->legend, 0);
  pango_layout_get_pixel_size (_bp_chart_small_text (self, "0"), NULL, &th);
  if (self->title != NULL && self->title_w < 0)
    {
      g_autoptr (PangoLayout) layout = title_layout (self);

      pango_layout_get_pixel_size (layout, &self->title_w, NULL);
    }
  /* Where the plot will start is not known yet: the title's place assumes a 40-pixel axis. */
  left = 10;
  row_left = self->title != NULL ? left + MAX (self->title_w, 0) + GAP : left;
  for (guint k = 0; k < self->series->len; k++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, k);

      n_named += s->visible && s->name[0] != '\0';
    }
  for (guint k = 0; k <= self->series->len; k++)
    {
      BpChartSeries *s = k < self->series->len ? g_ptr_array_index (self->series, k) : NULL;
      BpChartLegendSlot slot = { k, 0, 0, 0, 0 };
      int w = 0;
      gboolean last_row = rows + 1 >= max_rows;

      if (s != NULL && (!s->visible || s->name[0] == '\0'))
        continue;
      if (s != NULL)
        pango_layout_get_pixel_size (_bp_chart_small_text (self, s->name), &w, NULL);
      /* Close the row when this entry does not fit (or at the end). */
      if (s == NULL || (row->len > 0 && used + GAP + SWATCH + w > right - row_left))
        {
          if (s != NULL && last_row)
            {
              /* No row left: this entry and the rest become the note, made room for. */
              char note[32];
              int nw;

              g_snprintf (note, sizeof note, "+%d more", n_named - placed);
              pango_layout_get_pixel_size (_bp_chart_small_text (self, note), &nw, NULL);
              while (row->len > 0 && used + GAP + nw > right - row_left)
                {
                  BpChartLegendSlot *l = &g_array_index (row, BpChartLegendSlot, row->len - 1);

                  used -= l->text_w + SWATCH + (row->len > 1 ? GAP : 0);
                  g_array_set_size (row, row->len - 1);
                  placed--;
                  g_snprintf (note, sizeof note, "+%d more", n_named - placed);
                }
              slot.series = G_MAXUINT;
              slot.more = (guint) (n_named - placed);
              slot.text_w = nw;
              used += (row->len > 0 ? GAP : 0) + nw;
              g_array_append_val (row, slot);
            }
          if (row->len > 0)
            {
              /* Right-aligned: entries from right - used on. */
              double x = right - used;
              double y = 4 + rows * (th + 4);

              for (guint i = 0; i < row->len; i++)
                {
                  BpChartLegendSlot *l = &g_array_index (row, BpChartLegendSlot, i);

                  l->x = x;
                  l->y = y;
                  x += (l->series == G_MAXUINT ? 0 : SWATCH) + l->text_w + GAP;
                }
              g_array_append_vals (self->legend, row->data, row->len);
              rows++;
            }
          g_array_set_size (row, 0);
          used = 0;
          row_left = left;
          if (s == NULL || slot.series == G_MAXUINT)
            break;
        }
      slot.text_w = MIN (w, (int) (right - row_left) - SWATCH);
      slot.text_w = MAX (slot.text_w, 1);
      used += (row->len > 0 ? GAP : 0) + SWATCH + slot.text_w;
      g_array_append_val (row, slot);
      placed++;
    }
  return MAX (rows, 1);
}

static void
paint_legend (BpChart *self, Painter *p, const GdkRGBA *fg)
{
  GdkRGBA text = with_alpha (fg, 0.8f);

  for (guint i = 0; i < self->legend->len; i++)
    {
      const BpChartLegendSlot *l = &g_array_index (self->legend, BpChartLegendSlot, i);
      BpChartSeries *s;
      g_autoptr (PangoLayout) cut = NULL;
      PangoLayout *layout;
      double x = l->x;
      int w, h;

      if (l->series == G_MAXUINT)
        {
          char note[32];

          g_snprintf (note, sizeof note, "+%u more", l->more);
          paint_text (p, _bp_chart_small_text (self, note), &text, x, l->y);
          continue;
        }
      s = g_ptr_array_index (self->series, l->series);
      layout = _bp_chart_small_text (self, s->name);
      pango_layout_get_pixel_size (layout, &w, &h);
      if (w > l->text_w)
        {
          /* A private copy: the cached layout is shared by every use of the name. */
          cut = pango_layout_copy (layout);
          pango_layout_set_width (cut, l->text_w * PANGO_SCALE);
          pango_layout_set_ellipsize (cut, PANGO_ELLIPSIZE_MIDDLE);
          layout = cut;
        }
      if (s->style == BP_CHART_LINE)
        {
          paint_rect (p, &s->color, x, l->y + h / 2.0 - 1.5, s->dashed ? 5 : 14, 3);
          if (s->dashed)
            paint_rect (p, &s->color, x + 9, l->y + h / 2.0 - 1.5, 5, 3);
        }
      else
        paint_rect (p, &s->color, x + 3, l->y + h / 2.0 - 4, 8, 8);
      paint_text (p, layout, &text, x + SWATCH, l->y);
    }
}

static void
paint_frame (BpChart *self, Painter *p)
{
  const BpChartGeometry *g = &self->geo;
  const graphene_rect_t *r = &g->plot;
  GdkRGBA fg, grid, axis, label;
  double last_right = -G_MAXDOUBLE;

  bp_palette_widget_fg (GTK_WIDGET (self), &fg);
  grid = with_alpha (&fg, 0.09f);
  axis = with_alpha (&fg, 0.35f);
  label = with_alpha (&fg, 0.7f);

  for (int i = 0; i < g->n_yticks; i++)
    {
      double y = _bp_chart_py (g, g->yticks[i]);
      PangoLayout *layout = _bp_chart_small_text (self, g->ylabels[i]);
      int w, h;

      if (y < r->origin.y - 0.5 || y > r->origin.y + r->size.height + 0.5)
        continue;
      paint_rect (p, &grid, r->origin.x, round (y) - 0.5, r->size.width, 1);
      pango_layout_get_pixel_size (layout, &w, &h);
      paint_text (p, layout, &label, r->origin.x - 6 - w, y - h / 2.0);
    }
  for (int i = 0; i < g->n_xticks; i++)
    {
      double x = _bp_chart_px (g, g->xticks[i]);
      PangoLayout *layout = _bp_chart_small_text (self, g->xlabels[i]);
      int w, h;

      if (x < r->origin.x - 0.5 || x > r->origin.x + r->size.width + 0.5)
        continue;
      paint_rect (p, &grid, round (x) - 0.5, r->origin.y, 1, r->size.height);
      pango_layout_get_pixel_size (layout, &w, &h);
      /* Keep labels apart and inside the widget. */
      {
        double lx = CLAMP (x - w / 2.0, 0, g->width - w);

        if (lx > last_right + 6)
          {
            paint_text (p, layout, &label, lx, r->origin.y + r->size.height + 4);
            last_right = lx + w;
          }
      }
    }
  paint_rect (p, &axis, r->origin.x - 1, r->origin.y, 1, r->size.height);
  paint_rect (p, &axis, r->origin.x - 1, r->origin.y + r->size.height, r->size.width + 1, 1);

  if (self->title != NULL)
    {
      g_autoptr (PangoLayout) layout = title_layout (self);

      paint_text (p, layout, &fg, 10, 3);
    }
  if (g->empty)
    {
      PangoLayout *layout = _bp_chart_small_text (self, "No data yet");
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      paint_text (p, layout, &label, r->origin.x + (r->size.width - w) / 2,
                  r->origin.y + (r->size.height - h) / 2);
    }
  if (self->x_label != NULL)
    {
      PangoLayout *layout = _bp_chart_small_text (self, self->x_label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      paint_text (p, layout, &label, r->origin.x + r->size.width - w, g->height - h - 2);
    }
  paint_legend (self, p, &fg);
}

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
  double prev = NAN, bar_w = MAX (1, ceil (w));
  g_autofree double *edges = NULL;
  g_autofree bp_column *col = NULL;

  gdk_cairo_set_source_rgba (cr, c);
  cairo_set_line_width (cr, w);
  a = s->sorted ? bp_lower_bound (x, n, dx0) : 0;
  b = s->sorted ? bp_lower_bound (x, n, dx1) : n;
  while (s->sorted && b < n && x[b] <= dx1)
    b++;
  if (!s->sorted || b - a <= (gsize) (cols * dense))
    {
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
  for (int k = 0; k < cols; k++)
    {
      double lo, hi, top, bottom;

      /* Columns left of the strip painted again: only their last value is needed. */
      if (k + 2 < (from_ax - g->vx0) / (g->vx1 - g->vx0) * cols)
        {
          if (col[k].n > 0 && col[k].min <= col[k].max)
            prev = isfinite (col[k].last) ? col[k].last : prev;
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
      if (isfinite (prev))
        {
          lo = MIN (lo, prev);
          hi = MAX (hi, prev);
        }
      prev = isfinite (col[k].last) ? col[k].last : prev;
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
}

static void
paint_points (BpChart *self, cairo_t *cr, const BpChartSeries *s)
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
      cairo_rectangle (cr, px - 1.5, py - 1.5, 3, 3);
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
static void
paint_curves (BpChart *self, cairo_t *cr, double from_ax)
{
  const graphene_rect_t *r = &self->geo.plot;

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
          paint_points (self, cr, s);
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
  Painter p = { NULL, cr };

  paint_frame (data, &p);
}

static void
paint_curves_cairo (cairo_t *cr, gpointer data)
{
  BpChart *self = data;

  /* The surface starts at the plot's corner. */
  cairo_translate (cr, -self->geo.plot.origin.x, -self->geo.plot.origin.y);
  paint_curves (self, cr, -INFINITY);
}

/* Brings curves_surface up to date when only appended points changed it: the strip right of
 * curves_from is cleared and painted again. A growing run costs the pixels it added, not a
 * whole new picture: stroking ~1000 points of a noisy curve takes cairo milliseconds. FALSE
 * when the whole picture must be painted. */
static gboolean
repaint_strip (BpChart *self, int pw, int ph, int scale)
{
  const graphene_rect_t *r = &self->geo.plot;
  double x0;
  cairo_t *cr;

  if (self->curves_surface == NULL || !isfinite (self->curves_from)
      || cairo_image_surface_get_width (self->curves_surface) != pw * scale
      || cairo_image_surface_get_height (self->curves_surface) != ph * scale)
    return FALSE;
  /* Two pixels of margin: the round join at the last old point reaches half a line width
   * back, and its column bar one pixel. */
  x0 = floor (_bp_chart_px (&self->geo, self->curves_from) - r->origin.x) - 2;
  if (x0 >= pw)
    return TRUE;
  x0 = MAX (x0, 0);
  cr = cairo_create (self->curves_surface);
  cairo_rectangle (cr, x0, 0, pw - x0, ph);
  cairo_clip (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_translate (cr, -r->origin.x, -r->origin.y);
  paint_curves (self, cr, _bp_chart_ax (&self->geo, r->origin.x + x0));
  cairo_destroy (cr);
  return TRUE;
}

void
_bp_chart_paint_cairo (BpChart *self, cairo_t *cr, const GdkRGBA *background)
{
  Painter p = { NULL, cr };

  if (background != NULL)
    {
      gdk_cairo_set_source_rgba (cr, background);
      cairo_paint (cr);
    }
  paint_frame (self, &p);
  paint_curves (self, cr, -INFINITY);
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
      GtkSnapshot *sub = gtk_snapshot_new ();

      /* The node below holds a copy-on-write snapshot of the surface: painting the surface
       * again later leaves the node as it was. */
      if (!repaint_strip (self, pw, ph, scale))
        {
          g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
          self->curves_surface = bp_chart_paint_surface (pw, ph, scale, paint_curves_cairo, self);
        }
      self->curves_from = INFINITY;
      bp_chart_append_surface (sub, self->curves_surface,
                               &GRAPHENE_RECT_INIT (r->origin.x, r->origin.y, pw, ph));
      self->curves_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->frame_node != NULL)
    gtk_snapshot_append_node (snapshot, self->frame_node);
  if (self->curves_node != NULL)
    gtk_snapshot_append_node (snapshot, self->curves_node);
  _bp_chart_snapshot_overlay (self, snapshot);
}
