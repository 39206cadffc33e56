/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frame of a BpChart: grid, ticks, labels, title and legend. It goes through a small
 * painter that either appends snapshot nodes or draws with cairo, so that every picture of it
 * comes from one piece of code. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include "bp-palette.h"

#include <math.h>

typedef struct {
  GtkSnapshot *snapshot; /* one of the two */
  cairo_t *cr;
} Painter;

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

      n_named += _bp_chart_series_in_legend (s);
    }
  for (guint k = 0; k <= self->series->len; k++)
    {
      BpChartSeries *s = k < self->series->len ? g_ptr_array_index (self->series, k) : NULL;
      BpChartLegendSlot slot = { k, 0, 0, 0, 0 };
      int w = 0;
      gboolean last_row = rows + 1 >= max_rows;

      if (s != NULL && !_bp_chart_series_in_legend (s))
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
          if (s->sparse)
            paint_rect (p, &s->color, x + 4, l->y + h / 2.0 - 3, 6, 6); /* its markers */
        }
      else
        paint_rect (p, &s->color, x + 3, l->y + h / 2.0 - 4, 8, 8);
      paint_text (p, layout, &text, x + SWATCH, l->y);
    }
}

/* The layout's ticks follow a nice step, which below 1 (0.5, 0.2, 0.1) divides 1: on a
 * whole-number axis, keeping the whole ones leaves the ticks of step 1. */
gboolean
_bp_chart_y_tick_label (BpChart *self, int i, char *buf, gsize len)
{
  double v = self->geo.yticks[i];

  if (!self->y_whole || self->log_y)
    {
      g_strlcpy (buf, self->geo.ylabels[i], len);
      return TRUE;
    }
  if (fabs (v - round (v)) > 1e-6 * MAX (1, fabs (v)))
    return FALSE;
  /* "1.0" at a step of 0.5 reads "1"; large values keep their "12k". */
  if (fabs (v) < 1e4)
    g_snprintf (buf, len, "%.0f", round (v) == 0 ? 0.0 : round (v));
  else
    g_strlcpy (buf, self->geo.ylabels[i], len);
  return TRUE;
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
      PangoLayout *layout;
      char text[24];
      int w, h;

      if (y < r->origin.y - 0.5 || y > r->origin.y + r->size.height + 0.5
          || !_bp_chart_y_tick_label (self, i, text, sizeof text))
        continue;
      layout = _bp_chart_small_text (self, text);
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

/* The frame with cairo (the widget's cached picture and the exports). */
void
_bp_chart_paint_frame (BpChart *self, cairo_t *cr)
{
  Painter p = { NULL, cr };

  paint_frame (self, &p);
}
