/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-feature-maps.h"

#include "bp-palette.h"

#include <math.h>

/* A map's side in pixels, about: a fourteenth of the width, within these bounds, so the four
 * stages of a LeNet fit a 1280x800 window and fill a 1920x1080 one. */
#define TILE_MIN 56.0
#define TILE_MAX 96.0
#define TILE_ROW_MIN 30.0
#define GAP 6.0
#define CAPTION_H 24.0
#define BLOCK_GAP 10.0

typedef struct {
  char *name, *detail;
  int c, h, w;      /* c: channels drawn (at most BP_FEATURE_MAPS_MAX_MAPS) */
  int c_total;
  int n_zero;       /* drawn maps that are 0 everywhere (a ReLU filter that found nothing) */
  float *values;    /* (c, h, w) */
  float scale;      /* largest |value| over the drawn maps (1 when all are 0) */
} Layer;

struct _BpFeatureMaps {
  BpCachedView parent_instance;

  Layer input;      /* name = caption; c 0 when none */
  GArray *layers;   /* Layer */
};

G_DEFINE_FINAL_TYPE (BpFeatureMaps, bp_feature_maps, BP_TYPE_CACHED_VIEW)

static void
layer_clear (gpointer data)
{
  Layer *l = data;

  g_clear_pointer (&l->name, g_free);
  g_clear_pointer (&l->detail, g_free);
  g_clear_pointer (&l->values, g_free);
  l->c = l->c_total = 0;
}

/* ---- geometry ---- */

/* The blocks from the top: -1 the input (when there is one), then the layers. */
static const Layer *
block (BpFeatureMaps *self, int b)
{
  return b < 0 ? &self->input : &g_array_index (self->layers, Layer, b);
}

/* Whole screen pixels per map pixel, the same for every map of a layer. A layer whose maps
 * would take two rows or more gets one row of smaller maps while they stay TILE_ROW_MIN wide
 * (the 20 maps of a LeNet's conv2 in a 1280 px window): the whole network then fits on screen. */
static double
tile_px (const Layer *l, double width, double *pixel)
{
  double target = CLAMP (width / 14, TILE_MIN, TILE_MAX);
  int side = MAX (MAX (l->h, l->w), 1);
  double p = MAX (1.0, floor (target / side));

  if (l->c * (p * l->w + GAP) - GAP > width)
    {
      double one_row = floor (((width + GAP) / MAX (l->c, 1) - GAP) / side);

      if (one_row * side >= TILE_ROW_MIN)
        p = one_row;
    }
  if (pixel != NULL)
    *pixel = p;
  return p * l->w;
}

/* Maps per row: as many as fit, spread evenly over the rows needed (16 maps that do not fit
 * in one row make two of 8, not 15 and 1). */
static int
columns (const Layer *l, double width)
{
  int fit = MAX ((int) floor ((width + GAP) / (tile_px (l, width, NULL) + GAP)), 1);
  int rows = (MAX (l->c, 1) + fit - 1) / fit;

  return (MAX (l->c, 1) + rows - 1) / rows;
}

/* The top of block `want` (its caption) for a widget `width` wide, or with want past the last
 * block, the total height. */
static double
block_top (BpFeatureMaps *self, double width, int want)
{
  double y = 0;

  for (int b = self->input.c > 0 ? -1 : 0; b < (int) self->layers->len; b++)
    {
      const Layer *l = block (self, b);
      int rows = (l->c + columns (l, width) - 1) / columns (l, width);
      double pixel;

      if (b == want)
        return y;
      tile_px (l, width, &pixel);
      y += CAPTION_H + rows * (l->h * pixel + GAP) + BLOCK_GAP;
    }
  return y;
}

gboolean
bp_feature_maps_get_tile (BpFeatureMaps *self, int layer, int map, graphene_rect_t *out)
{
  double width, pixel, tw, th, top;
  const Layer *l;
  int cols;

  g_return_val_if_fail (BP_IS_FEATURE_MAPS (self), FALSE);

  if (layer < -1 || layer >= (int) self->layers->len || (layer == -1 && self->input.c == 0))
    return FALSE;
  l = block (self, layer);
  if (map < 0 || map >= (layer < 0 ? 1 : l->c))
    return FALSE;
  width = gtk_widget_get_width (GTK_WIDGET (self));
  tw = tile_px (l, width, &pixel);
  th = pixel * l->h;
  cols = columns (l, width);
  top = block_top (self, width, layer) + CAPTION_H;
  graphene_rect_init (out, (float) ((map % cols) * (tw + GAP)),
                      (float) (top + (map / cols) * (th + GAP)), (float) tw, (float) th);
  return TRUE;
}

/* ---- drawing ---- */

static void
fill_map (cairo_surface_t *img, const Layer *l, int map, gboolean is_input, gboolean dark)
{
  guint32 *data = (guint32 *) cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img) / 4;
  gsize plane = (gsize) l->h * l->w;
  float lo = 0, hi = 1;

  if (is_input)
    {
      /* Pixels in [0, 1] as they are; anything else (scaled inputs) stretched to its range. */
      for (gsize k = 0; k < plane * (gsize) l->c; k++)
        if (l->values[k] < 0 || l->values[k] > 1)
          {
            lo = G_MAXFLOAT;
            hi = -G_MAXFLOAT;
            for (gsize j = 0; j < plane * (gsize) l->c; j++)
              {
                lo = MIN (lo, l->values[j]);
                hi = MAX (hi, l->values[j]);
              }
            break;
          }
    }
  cairo_surface_flush (img);
  for (int y = 0; y < l->h; y++)
    for (int x = 0; x < l->w; x++)
      {
        gsize at = (gsize) y * l->w + x;
        float r, g, b;

        if (is_input)
          {
            int cc = l->c == 3 ? 3 : 1;
            float v[3];

            for (int k = 0; k < 3; k++)
              v[k] = (l->values[(cc == 3 ? k : 0) * plane + at] - lo) / MAX (hi - lo, 1e-12f);
            r = CLAMP (v[0], 0, 1);
            g = CLAMP (v[1], 0, 1);
            b = CLAMP (v[2], 0, 1);
          }
        else
          {
            GdkRGBA c;

            bp_palette_signed_color (l->values[(gsize) map * plane + at] / l->scale, dark, &c);
            r = c.red;
            g = c.green;
            b = c.blue;
          }
        data[y * stride + x] = ((guint32) lrintf (r * 255) << 16)
                               | ((guint32) lrintf (g * 255) << 8) | (guint32) lrintf (b * 255);
      }
  cairo_surface_mark_dirty (img);
}

static void
draw_caption (BpFeatureMaps *self, cairo_t *cr, const Layer *l, gboolean is_input, double y,
              double width, const GdkRGBA *fg)
{
  g_autoptr (GString) markup = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (l->name != NULL ? l->name : "", -1);
  g_autoptr (PangoLayout) layout = NULL;

  if (is_input)
    g_string_append_printf (markup, "<b>%s</b>", name);
  else
    {
      g_string_append_printf (markup, "<b>%s</b>  <span alpha=\"70%%\">%d map%s of %d×%d", name,
                              l->c_total, l->c_total == 1 ? "" : "s", l->h, l->w);
      if (l->detail != NULL && l->detail[0] != '\0')
        {
          g_autofree char *detail = g_markup_escape_text (l->detail, -1);

          g_string_append_printf (markup, " · %s", detail);
        }
      if (l->n_zero > 0)
        g_string_append_printf (markup, " · %d all zero", l->n_zero);
      if (l->c < l->c_total)
        g_string_append_printf (markup, " · the first %d shown", l->c);
      g_string_append (markup, "</span>");
    }
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  pango_layout_set_markup (layout, markup->str, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  cairo_move_to (cr, 0, y + 2);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_block (BpFeatureMaps *self, cairo_t *cr, int b, double width, gboolean dark,
            const GdkRGBA *fg)
{
  const Layer *l = block (self, b);
  int n = b < 0 ? 1 : l->c;

  draw_caption (self, cr, l, b < 0, block_top (self, width, b), width, fg);
  for (int m = 0; m < n; m++)
    {
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, l->w, l->h);
      graphene_rect_t r;
      cairo_pattern_t *pattern;

      bp_feature_maps_get_tile (self, b, m, &r);
      fill_map (img, l, m, b < 0, dark);
      cairo_save (cr);
      cairo_translate (cr, r.origin.x, r.origin.y);
      cairo_scale (cr, r.size.width / l->w, r.size.height / l->h);
      cairo_set_source_surface (cr, img, 0, 0);
      pattern = cairo_get_source (cr);
      cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (img);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.2);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, r.origin.x + 0.5, r.origin.y + 0.5, r.size.width - 1,
                       r.size.height - 1);
      cairo_stroke (cr);
    }
}

static GskRenderNode *
render (BpCachedView *view, int width, int height)
{
  BpFeatureMaps *self = (BpFeatureMaps *) view;

  if (self->input.c == 0 && self->layers->len == 0)
    return NULL;

  GtkWidget *widget = GTK_WIDGET (self);
  cairo_surface_t *surface = bp_palette_surface_new (widget, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean dark = bp_palette_is_dark ();
  GdkRGBA fg;

  bp_palette_widget_fg (widget, &fg);
  for (int b = self->input.c > 0 ? -1 : 0; b < (int) self->layers->len; b++)
    draw_block (self, cr, b, width, dark, &fg);
  cairo_destroy (cr);
  return bp_palette_surface_node (surface, &GRAPHENE_RECT_INIT (0, 0, (float) width,
                                                                (float) height));
}

static void
invalidate (BpFeatureMaps *self)
{
  bp_cached_view_invalidate (BP_CACHED_VIEW (self));
}

/* ---- tooltips ---- */

char *
bp_feature_maps_describe_at (BpFeatureMaps *self, double x, double y)
{
  g_return_val_if_fail (BP_IS_FEATURE_MAPS (self), NULL);

  for (int b = self->input.c > 0 ? -1 : 0; b < (int) self->layers->len; b++)
    {
      const Layer *l = block (self, b);

      for (int m = 0; m < (b < 0 ? 1 : l->c); m++)
        {
          graphene_rect_t r;
          gsize plane = (gsize) l->h * l->w;
          const float *v = l->values + (b < 0 ? 0 : (gsize) m * plane);
          float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
          double mean = 0;
          int px, py;

          if (!bp_feature_maps_get_tile (self, b, m, &r)
              || !graphene_rect_contains_point (&r, &GRAPHENE_POINT_INIT ((float) x, (float) y)))
            continue;
          px = CLAMP ((int) ((x - r.origin.x) * l->w / r.size.width), 0, l->w - 1);
          py = CLAMP ((int) ((y - r.origin.y) * l->h / r.size.height), 0, l->h - 1);
          if (b < 0)
            return g_strdup_printf ("%s: the picture the network reads, %d×%d pixels.\n"
                                    "Pixel at row %d, column %d: %.3g",
                                    l->name, l->h, l->w, py + 1, px + 1, v[py * l->w + px]);
          for (gsize k = 0; k < plane; k++)
            {
              lo = MIN (lo, v[k]);
              hi = MAX (hi, v[k]);
              mean += v[k];
            }
          return g_strdup_printf (
            "%s, map %d of %d (%d×%d), row %d, column %d: %.4g\n"
            "This map goes from %.3g to %.3g (mean %.3g).\n"
            "Blue above 0, orange below; full colour at %.3g, the largest |value| of the "
            "layer's maps, so its maps compare with each other.",
            l->name, m + 1, l->c_total, l->h, l->w, py + 1, px + 1, v[py * l->w + px], lo, hi,
            mean / (double) plane, l->scale);
        }
    }
  return NULL;
}

static char *
describe_at (BpCachedView *view, double x, double y)
{
  return bp_feature_maps_describe_at ((BpFeatureMaps *) view, x, y);
}

/* ---- GtkWidget ---- */

static void
bp_feature_maps_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline,
                         int *natural_baseline)
{
  BpFeatureMaps *self = BP_FEATURE_MAPS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) TILE_MIN + 20;
      *natural = (int) (8 * (TILE_MIN + GAP));
      return;
    }
  *minimum = *natural = (int) ceil (block_top (self, for_size > 0 ? for_size
                                                                   : 8 * (TILE_MIN + GAP),
                                               G_MAXINT));
}

/* ---- GObject ---- */

static void
bp_feature_maps_finalize (GObject *object)
{
  BpFeatureMaps *self = BP_FEATURE_MAPS (object);

  layer_clear (&self->input);
  g_array_unref (self->layers);
  G_OBJECT_CLASS (bp_feature_maps_parent_class)->finalize (object);
}

static void
bp_feature_maps_class_init (BpFeatureMapsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_feature_maps_finalize;
  widget_class->measure = bp_feature_maps_measure;
  BP_CACHED_VIEW_CLASS (klass)->render = render;
  BP_CACHED_VIEW_CLASS (klass)->describe_at = describe_at;
  gtk_widget_class_set_css_name (widget_class, "featuremaps");
}

static void
bp_feature_maps_init (BpFeatureMaps *self)
{
  self->layers = g_array_new (FALSE, TRUE, sizeof (Layer));
  g_array_set_clear_func (self->layers, layer_clear);
}

/* ---- public API ---- */

GtkWidget *
bp_feature_maps_new (void)
{
  return g_object_new (BP_TYPE_FEATURE_MAPS, NULL);
}

/* A height-for-width widget changes height when its blocks change shape. */
static char *
shape_key (BpFeatureMaps *self)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%d:%dx%d", self->input.c, self->input.h, self->input.w);
  for (guint i = 0; i < self->layers->len; i++)
    {
      const Layer *l = &g_array_index (self->layers, Layer, i);

      g_string_append_printf (s, ";%d:%dx%d", l->c, l->h, l->w);
    }
  return g_string_free (s, FALSE);
}

static void
changed (BpFeatureMaps *self, const char *old_key)
{
  g_autofree char *key = shape_key (self);

  invalidate (self);
  if (g_strcmp0 (key, old_key) != 0)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bp_feature_maps_set_input (BpFeatureMaps *self, const char *caption, const float *pixels, int c,
                           int h, int w)
{
  g_autofree char *key = NULL;

  g_return_if_fail (BP_IS_FEATURE_MAPS (self));

  key = shape_key (self);
  layer_clear (&self->input);
  if (pixels != NULL && c > 0 && h > 0 && w > 0)
    {
      self->input.name = g_strdup (caption != NULL ? caption : "Input");
      self->input.c = self->input.c_total = c;
      self->input.h = h;
      self->input.w = w;
      self->input.values = g_memdup2 (pixels, sizeof (float) * c * h * w);
      self->input.scale = 1;
    }
  changed (self, key);
}

void
bp_feature_maps_set_layers (BpFeatureMaps *self, const BpFeatureLayer *layers, int n)
{
  g_autofree char *key = NULL;

  g_return_if_fail (BP_IS_FEATURE_MAPS (self));
  g_return_if_fail (n == 0 || layers != NULL);

  key = shape_key (self);
  g_array_set_size (self->layers, 0);
  for (int i = 0; i < n; i++)
    {
      const BpFeatureLayer *src = &layers[i];
      Layer l = { 0 };
      gsize count;

      if (src->values == NULL || src->c <= 0 || src->h <= 0 || src->w <= 0)
        continue;
      l.name = g_strdup (src->name != NULL ? src->name : "");
      l.detail = g_strdup (src->detail);
      l.c_total = src->c;
      l.c = MIN (src->c, BP_FEATURE_MAPS_MAX_MAPS);
      l.h = src->h;
      l.w = src->w;
      count = (gsize) l.c * l.h * l.w;
      l.values = g_memdup2 (src->values, count * sizeof (float));
      for (gsize k = 0; k < count; k++)
        if (isfinite (l.values[k]))
          l.scale = MAX (l.scale, fabsf (l.values[k]));
      for (int m = 0; m < l.c; m++)
        {
          gsize plane = (gsize) l.h * l.w, k = 0;

          while (k < plane && l.values[m * plane + k] == 0)
            k++;
          l.n_zero += k == plane;
        }
      if (l.scale <= 0)
        l.scale = 1;
      g_array_append_val (self->layers, l);
    }
  changed (self, key);
}

void
bp_feature_maps_clear (BpFeatureMaps *self)
{
  g_return_if_fail (BP_IS_FEATURE_MAPS (self));

  bp_feature_maps_set_input (self, NULL, NULL, 0, 0, 0);
  bp_feature_maps_set_layers (self, NULL, 0);
}

int
bp_feature_maps_get_n_layers (BpFeatureMaps *self)
{
  g_return_val_if_fail (BP_IS_FEATURE_MAPS (self), 0);
  return (int) self->layers->len;
}

int
bp_feature_maps_get_n_zero (BpFeatureMaps *self, int layer)
{
  g_return_val_if_fail (BP_IS_FEATURE_MAPS (self), 0);
  if (layer < 0 || layer >= (int) self->layers->len)
    return 0;
  return g_array_index (self->layers, Layer, layer).n_zero;
}

double
bp_feature_maps_get_scale (BpFeatureMaps *self, int layer)
{
  g_return_val_if_fail (BP_IS_FEATURE_MAPS (self), 0);
  if (layer < 0 || layer >= (int) self->layers->len)
    return 0;
  return g_array_index (self->layers, Layer, layer).scale;
}
