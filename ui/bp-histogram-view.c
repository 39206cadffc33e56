/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-histogram-view.h"

#include "bp-chart-math.h"
#include "bp-chart.h"
#include "bp-histogram-view-math.h"
#include "bp-palette.h"

#include <math.h>

#define MAX_SHOWN 40 /* ridges drawn at most: more do not read */
#define MARGIN_LEFT 12.0
#define MARGIN_RIGHT 64.0
#define MARGIN_TOP 24.0
#define MARGIN_BOTTOM 22.0

typedef struct {
  guint64 step;
  bp_histogram h;
} Entry;

struct _BpHistogramView {
  GtkWidget parent_instance;

  GArray *entries; /* Entry */
  char *title;
  BpHistogramMode mode;
  int bins;
  guint64 first, last;

  /* What is drawn, worked out before drawing (see update_shown). */
  GArray *shown;    /* guint: indices into entries */
  double lo, hi;    /* common value range */
  int n_bins;
  double *counts;   /* (shown, n_bins) */
  double max_count;
  gboolean dirty;
  char note[256];   /* what is drawn when no entry is shown */

  GskRenderNode *node;
  int node_w, node_h; /* the size the node was drawn for */
};

enum { PROP_0, PROP_MODE, PROP_BINS, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpHistogramView, bp_histogram_view, GTK_TYPE_WIDGET)

static void
invalidate (BpHistogramView *self)
{
  self->dirty = TRUE;
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Picks the entries to draw, a common range and re-binned counts. */
static void
update_shown (BpHistogramView *self)
{
  guint a = 0, b = 0, n;

  self->dirty = FALSE;
  g_array_set_size (self->shown, 0);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);

      if (e->step < self->first || (self->last > 0 && e->step > self->last))
        continue;
      if (b == 0)
        a = i;
      b = i + 1;
    }
  n = b > a ? b - a : 0;
  /* Evenly spread over the range, always with its first and last entry. */
  for (guint k = 0; k < MIN (n, MAX_SHOWN); k++)
    {
      guint idx = a + (n <= MAX_SHOWN ? k : (guint) llround ((double) k * (n - 1) / (MAX_SHOWN - 1)));

      g_array_append_val (self->shown, idx);
    }
  self->lo = INFINITY;
  self->hi = -INFINITY;
  self->n_bins = self->bins > 0 ? self->bins : BP_HIST_DEFAULT_BINS;
  for (guint k = 0; k < self->shown->len; k++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, g_array_index (self->shown, guint, k));

      if (e->h.n == e->h.n_nonfinite)
        continue;
      self->lo = MIN (self->lo, e->h.min);
      self->hi = MAX (self->hi, e->h.max);
      if (self->bins <= 0)
        self->n_bins = e->h.n_bins;
    }
  if (!(self->lo <= self->hi))
    self->lo = self->hi = 0;
  if (self->hi - self->lo < 1e-12)
    {
      double d = MAX (fabs (self->hi) * 0.05, 1e-3);

      self->lo -= d;
      self->hi += d;
    }
  g_free (self->counts);
  self->counts = g_new0 (double, (gsize) MAX (self->shown->len, 1) * self->n_bins);
  self->max_count = 0;
  for (guint k = 0; k < self->shown->len; k++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, g_array_index (self->shown, guint, k));
      double *c = self->counts + (gsize) k * self->n_bins;

      bp_hist_rebin (&e->h, self->lo, self->hi, self->n_bins, c);
      for (int j = 0; j < self->n_bins; j++)
        self->max_count = MAX (self->max_count, c[j]);
    }
}

static void
empty_note (BpHistogramView *self)
{
  guint n = self->entries->len;

  bp_hist_empty_note (n, n > 0 ? g_array_index (self->entries, Entry, 0).step : 0,
                      n > 0 ? g_array_index (self->entries, Entry, n - 1).step : 0, self->first,
                      self->last, self->note, sizeof self->note);
}

static void
ridge_color (double t, gboolean dark, GdkRGBA *out)
{
  /* Light and pale for the oldest, deep for the newest (TensorBoard's time colouring). */
  double l = dark ? 0.35 + 0.45 * t : 0.85 - 0.55 * t;

  *out = (GdkRGBA) { (float) (l * 0.55), (float) (l * 0.75 + 0.05), (float) MIN (1.0, l + 0.25),
                     1 };
}

static void
append_text (cairo_t *cr, GtkWidget *widget, const char *text, double x, double y,
             const GdkRGBA *c, double xalign)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  gdk_cairo_set_source_rgba (cr, c);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* One ridge's outline, from the baseline at the left to the baseline at the right, `drop`
 * pixels lower than the counts say. */
static void
ridge_path (BpHistogramView *self, cairo_t *cr, const graphene_rect_t *r, const double *c,
            double base, double peak, double drop)
{
  double bw = r->size.width / self->n_bins;

  cairo_move_to (cr, r->origin.x, base);
  for (int j = 0; j < self->n_bins; j++)
    cairo_line_to (cr, r->origin.x + (j + 0.5) * bw,
                   base + drop - (self->max_count > 0 ? c[j] / self->max_count : 0) * peak);
  cairo_line_to (cr, r->origin.x + r->size.width, base);
}

static void
draw_ridges (BpHistogramView *self, cairo_t *cr, const graphene_rect_t *r, gboolean dark)
{
  guint n = self->shown->len;
  gboolean offset = self->mode == BP_HISTOGRAM_OFFSET;
  double peak = offset ? r->size.height * (n > 1 ? 0.45 : 0.9) : r->size.height * 0.95;
  double dy = n > 1 && offset ? (r->size.height - peak) / (n - 1) : 0;

  cairo_set_line_width (cr, 1);
  for (guint k = 0; k < n; k++)
    {
      const double *c = self->counts + (gsize) k * self->n_bins;
      double base = r->origin.y + peak + k * dy + (offset ? 0 : r->size.height - peak);
      GdkRGBA col, edge;

      ridge_color (n > 1 ? (double) k / (n - 1) : 1, dark, &col);
      edge = (GdkRGBA) { col.red * 0.7f, col.green * 0.7f, col.blue * 0.8f, 1 };
      if (offset)
        {
          /* Filled, so later (lower, nearer) ridges hide the ones behind them; opaque, which
           * pixman fills without blending. The edge is the ridge filled in its darker colour
           * with the body filled over it a pixel lower: two fills take ~60 % of the time of a
           * fill and a stroke (40 ridges at 937x417: 7.5 against 11.9 ms), and this view is
           * repainted whole whenever a histogram arrives. */
          ridge_path (self, cr, r, c, base, peak, 0);
          cairo_close_path (cr);
          gdk_cairo_set_source_rgba (cr, &edge);
          cairo_fill (cr);
          ridge_path (self, cr, r, c, base, peak, 1);
          cairo_close_path (cr);
          gdk_cairo_set_source_rgba (cr, &col);
          cairo_fill (cr);
        }
      else
        {
          ridge_path (self, cr, r, c, base, peak, 0);
          gdk_cairo_set_source_rgba (cr, &edge);
          cairo_stroke (cr);
        }
    }
}

static void
draw_bands (BpHistogramView *self, cairo_t *cr, const graphene_rect_t *r, gboolean dark,
            double s0, double s1)
{
  guint n = self->shown->len;
  g_autofree double *q = g_new (double, (gsize) MAX (n, 1) * BP_HIST_N_BANDS);
  static const float alpha[4] = { 0.15f, 0.3f, 0.45f, 0.6f };
  GdkRGBA base;

  ridge_color (1, dark, &base);
  for (guint k = 0; k < n; k++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, g_array_index (self->shown, guint, k));

      for (int b = 0; b < BP_HIST_N_BANDS; b++)
        q[k * BP_HIST_N_BANDS + b] = bp_hist_percentile (&e->h, bp_hist_band_q[b]);
    }
#define BX(k) (r->origin.x + (s1 > s0 ? ((double) g_array_index (self->entries, Entry, \
  g_array_index (self->shown, guint, k)).step - s0) / (s1 - s0) : 0.5) * r->size.width)
#define BY(v) (r->origin.y + r->size.height - ((v) - self->lo) / (self->hi - self->lo) \
  * r->size.height)
  for (int band = 0; band < 4; band++)
    {
      for (guint k = 0; k < n; k++)
        cairo_line_to (cr, BX (k), BY (q[k * BP_HIST_N_BANDS + band]));
      for (guint k = n; k-- > 0;)
        cairo_line_to (cr, BX (k), BY (q[k * BP_HIST_N_BANDS + 8 - band]));
      cairo_close_path (cr);
      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { base.red, base.green, base.blue, alpha[band] });
      cairo_fill (cr);
    }
  for (guint k = 0; k < n; k++)
    cairo_line_to (cr, BX (k), BY (q[k * BP_HIST_N_BANDS + 4]));
  gdk_cairo_set_source_rgba (cr, &base);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
#undef BX
#undef BY
}

/* Everything, with cairo: it is rasterised once per change (see bp_chart_paint_surface). */
static void
paint_content (BpHistogramView *self, cairo_t *cr, int w, int h)
{
  GtkWidget *widget = GTK_WIDGET (self);
  graphene_rect_t r = GRAPHENE_RECT_INIT (MARGIN_LEFT, MARGIN_TOP,
                                          MAX (w - MARGIN_LEFT - MARGIN_RIGHT, 10),
                                          MAX (h - MARGIN_TOP - MARGIN_BOTTOM, 10));
  gboolean bands = self->mode == BP_HISTOGRAM_BANDS;
  GdkRGBA fg, dim;
  double ticks[32], step, s0 = 0, s1 = 0;
  int nt;
  gboolean dark;

  bp_palette_widget_fg (widget, &fg);
  dark = fg.red > 0.5f;
  dim = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.65f };
  if (self->title != NULL)
    append_text (cr, widget, self->title, 4, 10, &fg, 0);
  if (self->shown->len == 0)
    {
      g_autoptr (PangoLayout) layout = NULL;

      empty_note (self);
      layout = gtk_widget_create_pango_layout (widget, self->note);
      pango_layout_set_width (layout, (int) (r.size.width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
      gdk_cairo_set_source_rgba (cr, &dim);
      cairo_move_to (cr, r.origin.x, r.origin.y + 10);
      pango_cairo_show_layout (cr, layout);
      return;
    }
  if (bands)
    {
      s0 = (double) g_array_index (self->entries, Entry, g_array_index (self->shown, guint, 0)).step;
      s1 = (double) g_array_index (self->entries, Entry,
                                   g_array_index (self->shown, guint, self->shown->len - 1)).step;
      r.origin.x = 52;
      r.size.width = MAX (w - 52 - 16, 10);
    }
  cairo_save (cr);
  cairo_rectangle (cr, r.origin.x, r.origin.y, r.size.width, r.size.height);
  cairo_clip (cr);
  if (bands)
    draw_bands (self, cr, &r, dark, s0, s1);
  else
    draw_ridges (self, cr, &r, dark);
  cairo_restore (cr);
  /* The value axis: along the bottom for histograms, up the side for bands. */
  nt = bp_linear_ticks (self->lo, self->hi, MAX (2, (int) ((bands ? r.size.height : r.size.width)
                                                           / (bands ? 40 : 90))),
                        ticks, 32, &step);
  for (int i = 0; i < nt; i++)
    {
      char buf[32];
      double t = (ticks[i] - self->lo) / (self->hi - self->lo);

      bp_format_tick (ticks[i], step, buf, sizeof buf);
      if (bands)
        append_text (cr, widget, buf, r.origin.x - 6,
                     r.origin.y + r.size.height * (1 - t), &dim, 1);
      else
        append_text (cr, widget, buf, r.origin.x + t * r.size.width - 8,
                     r.origin.y + r.size.height + 11, &dim, 0);
    }
  if (bands)
    {
      /* The step axis: whole steps at a nice spacing, a label about every 80 pixels. */
      double st[32];
      int ns = bp_hist_step_ticks (s0, s1, MAX (1, (int) (r.size.width / 80)), st, 32);

      for (int i = 0; i < ns; i++)
        {
          char buf[32];
          double x = r.origin.x + (s1 > s0 ? (st[i] - s0) / (s1 - s0) : 0.5) * r.size.width;

          cairo_rectangle (cr, x - 0.5, r.origin.y + r.size.height, 1, 4);
          gdk_cairo_set_source_rgba (cr, &dim);
          cairo_fill (cr);
          bp_format_tick (st[i], ns > 1 ? st[1] - st[0] : 1, buf, sizeof buf);
          /* Centred, but kept inside the widget at the ends. */
          append_text (cr, widget, buf, x, r.origin.y + r.size.height + 12, &dim,
                       x - r.origin.x < 12 ? 0 : r.origin.x + r.size.width - x < 12 ? 1 : 0.5);
        }
      append_text (cr, widget, "step", 4, r.origin.y + r.size.height + 12, &dim, 0);
    }
  else if (self->mode == BP_HISTOGRAM_OFFSET)
    {
      /* Step labels by a few ridges, down the right side. */
      guint n = self->shown->len, every = MAX (1, n / 6);
      double peak = r.size.height * (n > 1 ? 0.45 : 0.9);
      double dy = n > 1 ? (r.size.height - peak) / (n - 1) : 0;

      for (guint k = 0; k < n; k++)
        if (k % every == 0 || k == n - 1)
          {
            char buf[40];

            g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT,
                        g_array_index (self->entries, Entry,
                                       g_array_index (self->shown, guint, k)).step);
            append_text (cr, widget, buf, r.origin.x + r.size.width + 6,
                         r.origin.y + peak + k * dy, &dim, 0);
          }
    }
}

static void
paint_cb (cairo_t *cr, gpointer data)
{
  BpHistogramView *self = data;

  paint_content (self, cr, gtk_widget_get_width (GTK_WIDGET (self)),
                 gtk_widget_get_height (GTK_WIDGET (self)));
}

static void
bp_histogram_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpHistogramView *self = BP_HISTOGRAM_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (w <= 0 || h <= 0)
    return;
  if (self->dirty)
    update_shown (self);
  /* Parents reallocate whenever a neighbour resizes: only a new size redraws. */
  if (self->node != NULL && (self->node_w != w || self->node_h != h))
    g_clear_pointer (&self->node, gsk_render_node_unref);
  if (self->node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();

      cairo_surface_t *surface = bp_chart_paint_surface (w, h, gtk_widget_get_scale_factor (widget),
                                                         paint_cb, self);

      bp_chart_append_surface (sub, surface, &GRAPHENE_RECT_INIT (0, 0, w, h));
      cairo_surface_destroy (surface);
      self->node = gtk_snapshot_free_to_node (sub);
      self->node_w = w;
      self->node_h = h;
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
}


static void
bp_histogram_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 140;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 260;
}

static void
bp_histogram_view_dispose (GObject *object)
{
  BpHistogramView *self = BP_HISTOGRAM_VIEW (object);

  g_clear_pointer (&self->node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_histogram_view_parent_class)->dispose (object);
}

static void
bp_histogram_view_finalize (GObject *object)
{
  BpHistogramView *self = BP_HISTOGRAM_VIEW (object);

  g_array_unref (self->entries);
  g_array_unref (self->shown);
  g_free (self->counts);
  g_free (self->title);
  G_OBJECT_CLASS (bp_histogram_view_parent_class)->finalize (object);
}

static void
bp_histogram_view_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  BpHistogramView *self = BP_HISTOGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE: g_value_set_int (value, self->mode); break;
    case PROP_BINS: g_value_set_int (value, self->bins); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_histogram_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  BpHistogramView *self = BP_HISTOGRAM_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE: bp_histogram_view_set_mode (self, g_value_get_int (value)); break;
    case PROP_BINS: bp_histogram_view_set_bins (self, g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_histogram_view_class_init (BpHistogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_histogram_view_dispose;
  object_class->finalize = bp_histogram_view_finalize;
  object_class->get_property = bp_histogram_view_get_property;
  object_class->set_property = bp_histogram_view_set_property;
  widget_class->snapshot = bp_histogram_view_snapshot;
  widget_class->measure = bp_histogram_view_measure;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, BP_HISTOGRAM_OFFSET, BP_HISTOGRAM_BANDS,
                      BP_HISTOGRAM_OFFSET,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BINS] =
    g_param_spec_int ("bins", NULL, NULL, 0, BP_HIST_MAX_BINS, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "histogramview");
}

static void
bp_histogram_view_init (BpHistogramView *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dirty = TRUE;
}

GtkWidget *
bp_histogram_view_new (void)
{
  return g_object_new (BP_TYPE_HISTOGRAM_VIEW, NULL);
}

void
bp_histogram_view_clear (BpHistogramView *self)
{
  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));
  g_array_set_size (self->entries, 0);
  invalidate (self);
}

void
bp_histogram_view_append (BpHistogramView *self, guint64 step, const bp_histogram *h)
{
  Entry e;

  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));
  g_return_if_fail (h != NULL);

  e.step = step;
  e.h = *h;
  g_array_append_val (self->entries, e);
  invalidate (self);
}

guint
bp_histogram_view_get_n_entries (BpHistogramView *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), 0);
  return self->entries->len;
}

void
bp_histogram_view_set_title (BpHistogramView *self, const char *title)
{
  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));
  g_free (self->title);
  self->title = g_strdup (title);
  invalidate (self);
}

void
bp_histogram_view_set_mode (BpHistogramView *self, BpHistogramMode mode)
{
  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

BpHistogramMode
bp_histogram_view_get_mode (BpHistogramView *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), 0);
  return self->mode;
}

void
bp_histogram_view_set_bins (BpHistogramView *self, int bins)
{
  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));

  bins = CLAMP (bins, 0, BP_HIST_MAX_BINS);
  if (self->bins == bins)
    return;
  self->bins = bins;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BINS]);
}

int
bp_histogram_view_get_bins (BpHistogramView *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), 0);
  return self->bins;
}

void
bp_histogram_view_set_step_range (BpHistogramView *self, guint64 first, guint64 last)
{
  g_return_if_fail (BP_IS_HISTOGRAM_VIEW (self));
  self->first = first;
  self->last = last;
  invalidate (self);
}

guint
bp_histogram_view_get_n_shown (BpHistogramView *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), 0);
  if (self->dirty)
    update_shown (self);
  return self->shown->len;
}

gboolean
bp_histogram_view_get_shown (BpHistogramView *self, guint i, guint64 *step, double *lo,
                             double *hi, int *n_bins, double *counts)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), FALSE);

  if (self->dirty)
    update_shown (self);
  if (i >= self->shown->len)
    return FALSE;
  *step = g_array_index (self->entries, Entry, g_array_index (self->shown, guint, i)).step;
  *lo = self->lo;
  *hi = self->hi;
  *n_bins = self->n_bins;
  memcpy (counts, self->counts + (gsize) i * self->n_bins, sizeof (double) * self->n_bins);
  return TRUE;
}

const char *
bp_histogram_view_get_note (BpHistogramView *self)
{
  g_return_val_if_fail (BP_IS_HISTOGRAM_VIEW (self), NULL);

  if (self->dirty)
    update_shown (self);
  if (self->shown->len > 0)
    return NULL;
  empty_note (self);
  return self->note;
}
