/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-palette.h"

#include <adwaita.h>
#include <math.h>

/* orange, blue, green, purple, red, yellow, brown, teal */
static const guint32 class_rgb[BP_PALETTE_MAX_CLASSES] = {
  0xf59322, 0x0877bd, 0x2ec27e, 0x9141ac, 0xe01b24, 0xe5a50a, 0x865e3c, 0x1c9aa0,
};

/* How far background cells go towards a full colour: points must stand out on them. */
#define BACKGROUND_STRENGTH 0.72

static void
rgb_from_hex (guint32 hex, float *r, float *g, float *b)
{
  *r = ((hex >> 16) & 0xff) / 255.f;
  *g = ((hex >> 8) & 0xff) / 255.f;
  *b = (hex & 0xff) / 255.f;
}

static void
middle_rgb (gboolean dark, float *r, float *g, float *b)
{
  if (dark)
    *r = 0.19f, *g = 0.19f, *b = 0.20f;
  else
    *r = 0.96f, *g = 0.96f, *b = 0.96f;
}

void
bp_palette_class_color (int c, GdkRGBA *out)
{
  float r, g, b;

  if (c < 0)
    c = 0;
  rgb_from_hex (class_rgb[c % BP_PALETTE_MAX_CLASSES], &r, &g, &b);
  *out = (GdkRGBA) { r, g, b, 1.f };
}

static void
mix (float t, float r0, float g0, float b0, float r1, float g1, float b1, float *r, float *g,
     float *b)
{
  *r = r0 + t * (r1 - r0);
  *g = g0 + t * (g1 - g0);
  *b = b0 + t * (b1 - b0);
}

static void
signed_rgb (double v, gboolean dark, double strength, float *r, float *g, float *b)
{
  float mr, mg, mb, cr, cg, cb;

  if (!isfinite (v))
    v = 0;
  v = CLAMP (v, -1.0, 1.0);
  middle_rgb (dark, &mr, &mg, &mb);
  rgb_from_hex (class_rgb[v < 0 ? 0 : 1], &cr, &cg, &cb);
  mix ((float) (fabs (v) * strength), mr, mg, mb, cr, cg, cb, r, g, b);
}

void
bp_palette_signed_color (double v, gboolean dark, GdkRGBA *out)
{
  float r, g, b;

  signed_rgb (v, dark, 1.0, &r, &g, &b);
  *out = (GdkRGBA) { r, g, b, 1.f };
}

static void
cell_rgb (const float *cell, int k, BpGridKind kind, double scale, gboolean discretize,
          gboolean dark, float *r, float *g, float *b)
{
  double v;

  switch (kind)
    {
    case BP_GRID_PROBABILITY:
      v = 2.0 * cell[0] - 1.0;
      if (discretize)
        v = v > 0 ? 1 : -1;
      signed_rgb (v, dark, BACKGROUND_STRENGTH, r, g, b);
      return;
    case BP_GRID_CLASSES:
      {
        int best = 0;
        double t;
        float mr, mg, mb, cr, cg, cb;

        for (int c = 1; c < k; c++)
          if (cell[c] > cell[best])
            best = c;
        /* Confidence above chance, 0 at 1/k, 1 at certainty. */
        t = k > 1 ? (cell[best] - 1.0 / k) / (1.0 - 1.0 / k) : 1.0;
        if (discretize || !isfinite (t))
          t = 1.0;
        middle_rgb (dark, &mr, &mg, &mb);
        rgb_from_hex (class_rgb[best % BP_PALETTE_MAX_CLASSES], &cr, &cg, &cb);
        mix ((float) (CLAMP (t, 0.0, 1.0) * BACKGROUND_STRENGTH), mr, mg, mb, cr, cg, cb, r, g,
             b);
        return;
      }
    case BP_GRID_SIGNED:
    default:
      v = scale > 0 ? cell[0] / scale : cell[0];
      if (discretize)
        v = v > 0 ? 1 : -1;
      signed_rgb (v, dark, BACKGROUND_STRENGTH, r, g, b);
      return;
    }
}

void
bp_palette_fill_grid (guint8 *rgb, const float *values, int size, int k, BpGridKind kind,
                      double scale, gboolean discretize, gboolean dark)
{
  for (int i = 0; i < size; i++)
    {
      /* Row i of the grid is i rows up from the bottom; images go top down. */
      guint8 *row = rgb + (size_t) (size - 1 - i) * size * 3;

      for (int j = 0; j < size; j++)
        {
          float r, g, b;

          cell_rgb (values + ((size_t) i * size + j) * k, k, kind, scale, discretize, dark, &r,
                    &g, &b);
          row[3 * j + 0] = (guint8) lrintf (r * 255.f);
          row[3 * j + 1] = (guint8) lrintf (g * 255.f);
          row[3 * j + 2] = (guint8) lrintf (b * 255.f);
        }
    }
}

cairo_surface_t *
bp_palette_surface_new (GtkWidget *widget, int width, int height)
{
  int scale = MAX (gtk_widget_get_scale_factor (widget), 1);
  cairo_surface_t *surface
    = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1) * scale,
                                  MAX (height, 1) * scale);

  cairo_surface_set_device_scale (surface, scale, scale);
  return surface;
}

GskRenderNode *
bp_palette_surface_node (cairo_surface_t *surface, const graphene_rect_t *bounds)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, bounds);

  cairo_set_source_surface (cr, surface, bounds->origin.x, bounds->origin.y);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface); /* the recording keeps its own reference */
  return gtk_snapshot_free_to_node (snapshot);
}

GskRenderNode *
bp_palette_grid_node (GtkWidget *widget, const float *values, int size, int k, BpGridKind kind,
                      double scale, gboolean discretize, const graphene_rect_t *bounds)
{
  g_autofree guint8 *cells = NULL;
  cairo_surface_t *surface;
  cairo_pattern_t *pattern;
  cairo_matrix_t m;
  GtkSnapshot *snapshot;
  cairo_t *cr;
  guint8 *data;
  int stride;

  if (size <= 0 || values == NULL || bounds->size.width <= 0 || bounds->size.height <= 0)
    return NULL;
  cells = g_malloc ((size_t) size * size * 3);
  bp_palette_fill_grid (cells, values, size, k, kind, scale, discretize, bp_palette_is_dark ());
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < size; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (data + (size_t) y * stride);
      const guint8 *c = cells + (size_t) y * size * 3;

      for (int x = 0; x < size; x++)
        row[x] = 0xff000000u | (guint32) c[3 * x] << 16 | (guint32) c[3 * x + 1] << 8
                 | c[3 * x + 2];
    }
  cairo_surface_mark_dirty (surface);

  /* One cell per pixel of the image, stretched over bounds when drawn: bilinear between cell
   * centres (pixman's fast path), or hard cell edges when discretized. */
  snapshot = gtk_snapshot_new ();
  cr = gtk_snapshot_append_cairo (snapshot, bounds);
  pattern = cairo_pattern_create_for_surface (surface);
  cairo_matrix_init_scale (&m, size / bounds->size.width, size / bounds->size.height);
  cairo_matrix_translate (&m, -bounds->origin.x, -bounds->origin.y);
  cairo_pattern_set_matrix (pattern, &m);
  cairo_pattern_set_filter (pattern, discretize ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width,
                   bounds->size.height);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (surface);
  cairo_destroy (cr);
  (void) widget;
  return gtk_snapshot_free_to_node (snapshot);
}

gboolean
bp_palette_is_dark (void)
{
  return adw_is_initialized () && adw_style_manager_get_dark (adw_style_manager_get_default ());
}

void
bp_palette_widget_fg (GtkWidget *widget, GdkRGBA *out)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
}
