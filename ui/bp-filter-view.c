/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-filter-view.h"

#include "bp-palette.h"

#include <math.h>

#define TILE_TARGET 56.0 /* a filter's side in pixels, about */
#define GAP 10.0
#define LABEL_H 16.0
#define KEY_H 36.0 /* the bar and its labels */
#define KEY_NOTE_H 14.0 /* per-filter scales: a line that says what max |w| is */
#define KEY_W 220.0

struct _BpFilterView {
  BpCachedView parent_instance;

  char *name;
  int n_out, n_in, kh, kw;
  float *weights;   /* (n_out, n_in, kh, kw) */
  float *bias;      /* (n_out) or NULL */
  float *shown;     /* (n_out, planes, kh, kw): what is drawn; planes = 3 for RGB, else 1 */
  int planes;
  float *scale;     /* (n_out): the |value| drawn at full colour */
  gboolean shared;
};

enum { PROP_0, PROP_SHARED_SCALE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpFilterView, bp_filter_view, BP_TYPE_CACHED_VIEW)

/* ---- geometry ---- */

static double
cell_px (BpFilterView *self)
{
  return CLAMP (floor (TILE_TARGET / MAX (MAX (self->kh, self->kw), 1)), 4, 24);
}

/* Filters per row: as many as fit, spread evenly over the rows needed (10 filters that do not
 * fit in one row make two of 5, not 8 and 2). */
static int
columns_for (BpFilterView *self, double width)
{
  double tw = cell_px (self) * self->kw;
  int n = MAX (self->n_out, 1);
  int fit = CLAMP ((int) floor ((width + GAP) / (tw + GAP)), 1, n);
  int rows = (n + fit - 1) / fit;

  return (n + rows - 1) / rows;
}

/* The colour key's height: a shared scale has numbers at its ends, per-filter scales a note
 * (the side column is short at 1280x800: no line is spent on what the numbers say). */
static double
key_h (BpFilterView *self)
{
  return self->shared ? KEY_H : KEY_H + KEY_NOTE_H;
}

static double
height_for (BpFilterView *self, double width)
{
  int cols, rows;

  if (self->n_out <= 0)
    return 0;
  cols = columns_for (self, width);
  rows = (self->n_out + cols - 1) / cols;
  return rows * (cell_px (self) * self->kh + LABEL_H + GAP) + key_h (self);
}

gboolean
bp_filter_view_get_tile (BpFilterView *self, int i, graphene_rect_t *out)
{
  int cols;
  double c, tw, th;

  g_return_val_if_fail (BP_IS_FILTER_VIEW (self), FALSE);

  if (i < 0 || i >= self->n_out)
    return FALSE;
  cols = columns_for (self, gtk_widget_get_width (GTK_WIDGET (self)));
  c = cell_px (self);
  tw = c * self->kw;
  th = c * self->kh;
  graphene_rect_init (out, (float) ((i % cols) * (tw + GAP)),
                      (float) ((i / cols) * (th + LABEL_H + GAP)), (float) tw, (float) th);
  return TRUE;
}

/* ---- values and scales ---- */

/* What each tile shows: the kernel itself for one or three input channels, else its mean
 * over the input channels. */
static void
compute_shown (BpFilterView *self)
{
  gsize plane = (gsize) self->kh * self->kw;

  self->planes = self->n_in == 3 ? 3 : 1;
  g_free (self->shown);
  self->shown = g_new0 (float, (gsize) self->n_out * self->planes * plane);
  for (int o = 0; o < self->n_out; o++)
    for (int c = 0; c < self->n_in; c++)
      {
        const float *w = self->weights + ((gsize) o * self->n_in + c) * plane;
        float *dst = self->shown + ((gsize) o * self->planes + (self->planes == 3 ? c : 0)) * plane;

        for (gsize k = 0; k < plane; k++)
          dst[k] += self->planes == 3 ? w[k] : w[k] / self->n_in;
      }
}

static void
compute_scales (BpFilterView *self)
{
  gsize per = (gsize) self->planes * self->kh * self->kw;
  float all = 0;

  g_free (self->scale);
  self->scale = g_new0 (float, MAX (self->n_out, 1));
  for (int o = 0; o < self->n_out; o++)
    {
      float m = 0;

      for (gsize k = 0; k < per; k++)
        m = MAX (m, fabsf (self->shown[o * per + k]));
      self->scale[o] = m > 0 ? m : 1;
      all = MAX (all, m);
    }
  if (self->shared)
    for (int o = 0; o < self->n_out; o++)
      self->scale[o] = all > 0 ? all : 1;
}

static void
invalidate (BpFilterView *self)
{
  bp_cached_view_invalidate (BP_CACHED_VIEW (self));
}

/* ---- drawing ---- */

static void
set_rgba (cairo_t *cr, const GdkRGBA *c)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha);
}

static void
cell_color (BpFilterView *self, int o, int y, int x, gboolean dark, GdkRGBA *out)
{
  gsize plane = (gsize) self->kh * self->kw;
  const float *v = self->shown + (gsize) o * self->planes * plane + (gsize) y * self->kw + x;
  double s = self->scale[o];

  if (self->planes == 3)
    {
      *out = (GdkRGBA) { CLAMP (0.5f + 0.5f * v[0] / (float) s, 0.f, 1.f),
                         CLAMP (0.5f + 0.5f * v[plane] / (float) s, 0.f, 1.f),
                         CLAMP (0.5f + 0.5f * v[2 * plane] / (float) s, 0.f, 1.f), 1.f };
      return;
    }
  bp_palette_signed_color (v[0] / s, dark, out);
}

static void
draw_text (BpFilterView *self, cairo_t *cr, const char *text, double x, double y, double align,
           const GdkRGBA *color)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int tw, th;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &tw, &th);
  set_rgba (cr, color);
  /* Kept inside the widget: the key's "+max |w| of each filter", centred on the end of a bar
   * as wide as the view, would run past its right edge and be cut. */
  x = MAX (0, MIN (x - align * tw, gtk_widget_get_width (GTK_WIDGET (self)) - 1.0 - tw));
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_key (BpFilterView *self, cairo_t *cr, double y, gboolean dark, const GdkRGBA *dim)
{
  double w = MIN (KEY_W, gtk_widget_get_width (GTK_WIDGET (self)) - 4.0);
  char lo[32], hi[32];
  const int steps = 44;

  for (int i = 0; i < steps; i++)
    {
      GdkRGBA c;

      bp_palette_signed_color (2.0 * (i + 0.5) / steps - 1.0, dark, &c);
      set_rgba (cr, &c);
      cairo_rectangle (cr, 1 + w * i / steps, y, w / steps + 0.5, 10);
      cairo_fill (cr);
    }
  if (self->shared)
    {
      g_snprintf (lo, sizeof lo, "−%.3g", self->scale[0]);
      g_snprintf (hi, sizeof hi, "+%.3g", self->scale[0]);
    }
  else
    {
      g_strlcpy (lo, "−max |w|", sizeof lo);
      g_strlcpy (hi, "+max |w|", sizeof hi);
    }
  /* The ends' labels end with the bar, the 0 in its middle; what max |w| is goes on a line
   * of its own (beside them it ran into the 0 and past a narrow view's edge). */
  draw_text (self, cr, lo, 1, y + 12, 0, dim);
  draw_text (self, cr, "0", 1 + w / 2, y + 12, 0.5, dim);
  draw_text (self, cr, hi, 1 + w, y + 12, 1, dim);
  if (!self->shared) /* the shared scale's ends are numbers, and its check box says so */
    draw_text (self, cr, "max |w|: each filter's own largest weight", 1, y + 26, 0, dim);
}

static GskRenderNode *
render (BpCachedView *view, int width, int height)
{
  BpFilterView *self = (BpFilterView *) view;

  if (self->n_out <= 0)
    return NULL;

  GtkWidget *widget = GTK_WIDGET (self);
  cairo_surface_t *surface = bp_palette_surface_new (widget, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean dark = bp_palette_is_dark ();
  double c = cell_px (self);
  GdkRGBA fg, dim, edge;
  graphene_rect_t r = GRAPHENE_RECT_INIT (0, 0, 0, 0);

  bp_palette_widget_fg (widget, &fg);
  dim = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.65f };
  edge = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.25f };
  for (int o = 0; o < self->n_out; o++)
    {
      char label[16];

      bp_filter_view_get_tile (self, o, &r);
      for (int y = 0; y < self->kh; y++)
        for (int x = 0; x < self->kw; x++)
          {
            GdkRGBA col;

            cell_color (self, o, y, x, dark, &col);
            set_rgba (cr, &col);
            cairo_rectangle (cr, r.origin.x + x * c, r.origin.y + y * c, c, c);
            cairo_fill (cr);
          }
      set_rgba (cr, &edge);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, r.origin.x + 0.5, r.origin.y + 0.5, r.size.width - 1,
                       r.size.height - 1);
      cairo_stroke (cr);
      g_snprintf (label, sizeof label, "%d", o + 1);
      draw_text (self, cr, label, r.origin.x + r.size.width / 2, r.origin.y + r.size.height + 1,
                 0.5, &dim);
    }
  draw_key (self, cr, height - key_h (self) + 6, dark, &dim);
  cairo_destroy (cr);
  return bp_palette_surface_node (surface, &GRAPHENE_RECT_INIT (0, 0, (float) width,
                                                                (float) height));
}

/* ---- tooltips ---- */

char *
bp_filter_view_describe_at (BpFilterView *self, double x, double y)
{
  g_return_val_if_fail (BP_IS_FILTER_VIEW (self), NULL);

  for (int o = 0; o < self->n_out; o++)
    {
      graphene_rect_t r;
      gsize per = (gsize) self->n_in * self->kh * self->kw;
      const float *w = self->weights + o * per;
      float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
      int cx, cy;
      GString *s;

      if (!bp_filter_view_get_tile (self, o, &r)
          || !graphene_rect_contains_point (&r, &GRAPHENE_POINT_INIT ((float) x, (float) y)))
        continue;
      cx = CLAMP ((int) ((x - r.origin.x) / cell_px (self)), 0, self->kw - 1);
      cy = CLAMP ((int) ((y - r.origin.y) / cell_px (self)), 0, self->kh - 1);
      for (gsize k = 0; k < per; k++)
        {
          lo = MIN (lo, w[k]);
          hi = MAX (hi, w[k]);
        }
      s = g_string_new (NULL);
      g_string_append_printf (s, "Filter %d of %s, row %d, column %d: ", o + 1, self->name,
                              cy + 1, cx + 1);
      if (self->n_in == 1)
        g_string_append_printf (s, "w = %.4g", w[cy * self->kw + cx]);
      else if (self->planes == 3)
        g_string_append_printf (s, "w = %.3g (red), %.3g (green), %.3g (blue)",
                                w[cy * self->kw + cx],
                                w[(gsize) self->kh * self->kw + cy * self->kw + cx],
                                w[2 * (gsize) self->kh * self->kw + cy * self->kw + cx]);
      else
        g_string_append_printf (s, "mean w over %d input channels = %.4g", self->n_in,
                                self->shown[(gsize) o * self->kh * self->kw + cy * self->kw + cx]);
      g_string_append_printf (s, "\nIts weights go from %.3g to %.3g", lo, hi);
      if (self->bias != NULL)
        g_string_append_printf (s, "; bias %.3g", self->bias[o]);
      g_string_append_printf (s, ".\nColours: orange below 0, blue above; full colour at "
                                 "|w| = %.3g, %s.",
                              self->scale[o],
                              self->shared ? "one scale shared by all filters, to compare them"
                                           : "this filter's own largest |w|, to see its pattern");
      return g_string_free (s, FALSE);
    }
  return NULL;
}

static char *
describe_at (BpCachedView *view, double x, double y)
{
  return bp_filter_view_describe_at ((BpFilterView *) view, x, y);
}

/* ---- GtkWidget ---- */

static void
bp_filter_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  BpFilterView *self = BP_FILTER_VIEW (widget);
  double tw = cell_px (self) * MAX (self->kw, 1);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) MAX (tw, KEY_W / 2);
      *natural = (int) MAX (MIN (MAX (self->n_out, 1), 5) * (tw + GAP) - GAP, KEY_W + 2);
      return;
    }
  *minimum = *natural
    = (int) ceil (height_for (self, for_size > 0 ? for_size : MIN (self->n_out, 5) * (tw + GAP)));
}

/* ---- GObject ---- */

static void
bp_filter_view_finalize (GObject *object)
{
  BpFilterView *self = BP_FILTER_VIEW (object);

  g_free (self->name);
  g_free (self->weights);
  g_free (self->bias);
  g_free (self->shown);
  g_free (self->scale);
  G_OBJECT_CLASS (bp_filter_view_parent_class)->finalize (object);
}

static void
bp_filter_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpFilterView *self = BP_FILTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHARED_SCALE:
      g_value_set_boolean (value, self->shared);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_filter_view_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  BpFilterView *self = BP_FILTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHARED_SCALE:
      bp_filter_view_set_shared_scale (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_filter_view_class_init (BpFilterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_filter_view_finalize;
  object_class->get_property = bp_filter_view_get_property;
  object_class->set_property = bp_filter_view_set_property;
  widget_class->measure = bp_filter_view_measure;
  BP_CACHED_VIEW_CLASS (klass)->render = render;
  BP_CACHED_VIEW_CLASS (klass)->describe_at = describe_at;

  properties[PROP_SHARED_SCALE]
    = g_param_spec_boolean ("shared-scale", NULL, NULL, TRUE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "filterview");
}

static void
bp_filter_view_init (BpFilterView *self)
{
  self->shared = TRUE;
  self->name = g_strdup ("");
}

/* ---- public API ---- */

GtkWidget *
bp_filter_view_new (void)
{
  return g_object_new (BP_TYPE_FILTER_VIEW, NULL);
}

void
bp_filter_view_set_kernels (BpFilterView *self, const char *name, const float *weights,
                            const float *bias, int n_out, int n_in, int kh, int kw)
{
  gboolean same_shape;
  gsize n;

  g_return_if_fail (BP_IS_FILTER_VIEW (self));

  if (weights == NULL || n_out <= 0 || n_in <= 0 || kh <= 0 || kw <= 0)
    {
      bp_filter_view_clear (self);
      return;
    }
  same_shape = self->n_out == n_out && self->kh == kh && self->kw == kw;
  n = (gsize) n_out * n_in * kh * kw;
  g_free (self->name);
  self->name = g_strdup (name != NULL ? name : "");
  g_free (self->weights);
  self->weights = g_memdup2 (weights, n * sizeof (float));
  g_free (self->bias);
  self->bias = bias != NULL ? g_memdup2 (bias, (gsize) n_out * sizeof (float)) : NULL;
  self->n_out = n_out;
  self->n_in = n_in;
  self->kh = kh;
  self->kw = kw;
  compute_shown (self);
  compute_scales (self);
  invalidate (self);
  if (!same_shape)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bp_filter_view_clear (BpFilterView *self)
{
  g_return_if_fail (BP_IS_FILTER_VIEW (self));

  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->bias, g_free);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->scale, g_free);
  self->n_out = self->n_in = self->kh = self->kw = 0;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
bp_filter_view_get_n_filters (BpFilterView *self)
{
  g_return_val_if_fail (BP_IS_FILTER_VIEW (self), 0);
  return self->n_out;
}

void
bp_filter_view_set_shared_scale (BpFilterView *self, gboolean shared)
{
  g_return_if_fail (BP_IS_FILTER_VIEW (self));

  shared = !!shared;
  if (self->shared == shared)
    return;
  self->shared = shared;
  if (self->weights != NULL)
    compute_scales (self);
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self)); /* the key's note comes or goes */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARED_SCALE]);
}

gboolean
bp_filter_view_get_shared_scale (BpFilterView *self)
{
  g_return_val_if_fail (BP_IS_FILTER_VIEW (self), TRUE);
  return self->shared;
}

double
bp_filter_view_get_scale (BpFilterView *self, int i)
{
  g_return_val_if_fail (BP_IS_FILTER_VIEW (self), 0);
  return self->scale != NULL && i >= 0 && i < self->n_out ? self->scale[i] : 0;
}
