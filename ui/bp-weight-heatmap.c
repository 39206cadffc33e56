/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-weight-heatmap.h"

#include "bp-chart.h"
#include "bp-chart-math.h"
#include "bp-palette.h"

#include <math.h>

#define MARGIN_LEFT 30.0
#define MARGIN_RIGHT 64.0 /* the colour key: its bar and labels of 3 significant digits */
#define MARGIN_TOP 24.0
#define MARGIN_BOTTOM 8.0
#define HINTON_MIN_CELL 3.0

struct _BpWeightHeatmap {
  GtkWidget parent_instance;

  float *w; /* (rows, cols) */
  int rows, cols;
  double scale;
  gboolean *dead;
  char *title;
  gboolean hinton;

  GskRenderNode *node;
  int node_w, node_h; /* the size the node was drawn for */
  gboolean hover;
  double hover_x, hover_y;
};

enum { PROP_0, PROP_HINTON, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpWeightHeatmap, bp_weight_heatmap, GTK_TYPE_WIDGET)

static void
invalidate (BpWeightHeatmap *self)
{
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static graphene_rect_t
matrix_area (BpWeightHeatmap *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  return GRAPHENE_RECT_INIT (MARGIN_LEFT, MARGIN_TOP, MAX (w - MARGIN_LEFT - MARGIN_RIGHT, 1),
                             MAX (h - MARGIN_TOP - MARGIN_BOTTOM, 1));
}

/* The matrix averaged down (or repeated up) to pw x ph pixels, in the diverging colours, as
 * an image: the node that shows it then costs one blend per frame under the cairo renderer,
 * where a texture would be converted to an image again on every frame the window draws. */
static cairo_surface_t *
make_surface (BpWeightHeatmap *self, int pw, int ph, int scale, gboolean dark)
{
  enum { LEVELS = 511 }; /* odd: 0 has a level of its own */
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, pw, ph);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autofree int *c0 = g_new (int, pw), *c1 = g_new (int, pw);
  guint32 lut[LEVELS];

  /* The colour of every level once, rather than per pixel (a pixel of a 256 x 784 matrix
   * shown on 640 x 290 pixels averages a few cells; 511 levels look the same as exact ones). */
  for (int i = 0; i < LEVELS; i++)
    {
      GdkRGBA c;

      bp_palette_signed_color (2.0 * i / (LEVELS - 1) - 1, dark, &c);
      lut[i] = 0xff000000u | (guint32) lrintf (c.red * 255) << 16
               | (guint32) lrintf (c.green * 255) << 8 | (guint32) lrintf (c.blue * 255);
    }
  for (int x = 0; x < pw; x++)
    {
      c0[x] = (int) ((gint64) x * self->cols / pw);
      c1[x] = MAX ((int) ((gint64) (x + 1) * self->cols / pw), c0[x] + 1);
    }
  for (int y = 0; y < ph; y++)
    {
      int r0 = (int) ((gint64) y * self->rows / ph), r1 = (int) ((gint64) (y + 1) * self->rows / ph);
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) y * stride);

      r1 = MAX (r1, r0 + 1);
      for (int x = 0; x < pw; x++)
        {
          double sum = 0, v;

          for (int r = r0; r < r1; r++)
            for (int k = c0[x]; k < c1[x]; k++)
              sum += self->w[(gsize) r * self->cols + k];
          v = sum / ((r1 - r0) * (c1[x] - c0[x])) / self->scale;
          /* NaN lands in the middle (0), as the palette shows it. */
          v = isfinite (v) ? CLAMP (v, -1.0, 1.0) : 0.0;
          row[x] = lut[(int) lrint ((v + 1) / 2 * (LEVELS - 1))];
        }
    }
  cairo_surface_mark_dirty (surface);
  cairo_surface_set_device_scale (surface, scale, scale);
  return surface;
}

static void
append_text (GtkSnapshot *snapshot, GtkWidget *widget, const char *text, double x, double y,
             const GdkRGBA *c)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, c);
  gtk_snapshot_restore (snapshot);
}

/* A label of the colour key, right of its bar and ending before the widget's right edge
 * (a label wider than the margin moves left over the bar rather than being cut). */
static void
append_key_label (GtkSnapshot *snapshot, GtkWidget *widget, double v, double x, double y,
                  const GdkRGBA *c)
{
  char buf[32];
  g_autoptr (PangoLayout) layout = NULL;
  PangoAttrList *attrs = pango_attr_list_new ();
  int tw;

  /* Three digits read the key; the hover read-out gives a weight's exact value. */
  g_snprintf (buf, sizeof buf, "%.3g", v);
  layout = gtk_widget_create_pango_layout (widget, buf);
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &tw, NULL);
  x = MIN (x, gtk_widget_get_width (widget) - tw - 2);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, c);
  gtk_snapshot_restore (snapshot);
}

static void
draw_hinton (BpWeightHeatmap *self, GtkSnapshot *snapshot, const graphene_rect_t *a)
{
  double cw = a->size.width / self->cols, ch = a->size.height / self->rows;
  double side = MIN (cw, ch);

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.5f, 0.5f, 0.5f, 1 }, a);
  for (int r = 0; r < self->rows; r++)
    for (int c = 0; c < self->cols; c++)
      {
        double v = self->w[(gsize) r * self->cols + c];
        /* Area in proportion to |w|: the side goes with its square root. */
        double s = side * 0.9 * sqrt (fabs (v) / self->scale);
        double cx = a->origin.x + (c + 0.5) * cw, cy = a->origin.y + (r + 0.5) * ch;

        if (s < 0.5)
          continue;
        gtk_snapshot_append_color (snapshot,
                                   v > 0 ? &(GdkRGBA) { 1, 1, 1, 1 } : &(GdkRGBA) { 0, 0, 0, 1 },
                                   &GRAPHENE_RECT_INIT ((float) (cx - s / 2), (float) (cy - s / 2),
                                                        (float) s, (float) s));
      }
}

static void
snapshot_content (BpWeightHeatmap *self, GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  graphene_rect_t a = matrix_area (self);
  GdkRGBA fg, dim;
  gboolean dark;
  char buf[64];

  bp_palette_widget_fg (widget, &fg);
  dark = fg.red > 0.5f;
  dim = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.65f };
  if (self->title != NULL)
    append_text (snapshot, widget, self->title, 4, 2, &fg);
  if (self->w == NULL)
    {
      append_text (snapshot, widget, "No weights yet", a.origin.x, a.origin.y + 10, &dim);
      return;
    }
  if (bp_weight_heatmap_shows_hinton (self))
    draw_hinton (self, snapshot, &a);
  else
    {
      int scale = MAX (gtk_widget_get_scale_factor (widget), 1);
      cairo_surface_t *surface = make_surface (self, MAX (1, (int) (a.size.width * scale)),
                                               MAX (1, (int) (a.size.height * scale)), scale,
                                               dark);

      bp_chart_append_surface (snapshot, surface, &a);
      cairo_surface_destroy (surface); /* the node keeps what it needs */
    }
  /* Axis words and sizes: units down the side, inputs along the top; and why the squares
   * asked for are not there. */
  {
    g_autofree char *words = g_strdup_printf (
      "%s%d units × %d inputs",
      self->hinton && !bp_weight_heatmap_shows_hinton (self)
        ? "Hinton squares need 3 px a cell, shown as colours · " : "",
      self->rows, self->cols);
    g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, words);
    int tw;

    pango_layout_get_pixel_size (layout, &tw, NULL);
    append_text (snapshot, widget, words, MAX (a.origin.x, a.origin.x + a.size.width - tw), 4,
                 &dim);
  }
  append_text (snapshot, widget, "1", 8, a.origin.y, &dim);
  g_snprintf (buf, sizeof buf, "%d", self->rows);
  append_text (snapshot, widget, buf, 4, a.origin.y + a.size.height - 14, &dim);
  if (self->dead != NULL)
    for (int r = 0; r < self->rows; r++)
      if (self->dead[r])
        gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.88f, 0.11f, 0.14f, 1 },
                                   &GRAPHENE_RECT_INIT (a.origin.x - 5,
                                                        a.origin.y + (float) r * a.size.height
                                                                       / self->rows,
                                                        4, MAX (1, a.size.height / self->rows)));
  /* The colour key: -scale at the bottom, +scale at the top; for the squares, black (negative)
   * through their grey ground to white (positive). */
  for (int i = 0; i < 64; i++)
    {
      GdkRGBA c;
      double t = 1 - (i + 0.5) / 64;

      if (bp_weight_heatmap_shows_hinton (self))
        c = (GdkRGBA) { (float) t, (float) t, (float) t, 1 };
      else
        bp_palette_signed_color (2 * t - 1, dark, &c);
      gtk_snapshot_append_color (snapshot, &c,
                                 &GRAPHENE_RECT_INIT (a.origin.x + a.size.width + 8,
                                                      a.origin.y + i * a.size.height / 64, 10,
                                                      a.size.height / 64 + 1));
    }
  append_key_label (snapshot, widget, self->scale, a.origin.x + a.size.width + 21,
                    a.origin.y - 2, &dim);
  append_key_label (snapshot, widget, 0, a.origin.x + a.size.width + 21,
                    a.origin.y + a.size.height / 2 - 8, &dim);
  append_key_label (snapshot, widget, -self->scale, a.origin.x + a.size.width + 21,
                    a.origin.y + a.size.height - 14, &dim);
}

static void
snapshot_hover (BpWeightHeatmap *self, GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int row, col;
  graphene_rect_t cell;
  char text[96], v[32];
  g_autoptr (PangoLayout) layout = NULL;
  GdkRGBA fg;
  int tw, th;
  double bx, by;

  if (!self->hover || !bp_weight_heatmap_cell_at (self, self->hover_x, self->hover_y, &row, &col))
    return;
  bp_weight_heatmap_cell_rect (self, row, col, &cell);
  bp_palette_widget_fg (widget, &fg);
  if (cell.size.width >= 3 && cell.size.height >= 3)
    {
      GskRoundedRect rr;

      gsk_rounded_rect_init_from_rect (&rr, &cell, 0);
      gtk_snapshot_append_border (snapshot, &rr, (float[]) { 1, 1, 1, 1 },
                                  (GdkRGBA[]) { fg, fg, fg, fg });
    }
  bp_format_value (self->w[(gsize) row * self->cols + col], v, sizeof v);
  g_snprintf (text, sizeof text, "unit %d, input %d: %s%s", row + 1, col + 1, v,
              self->dead != NULL && self->dead[row] ? " (dead unit)" : "");
  layout = gtk_widget_create_pango_layout (widget, text);
  pango_layout_get_pixel_size (layout, &tw, &th);
  bx = MIN (self->hover_x + 12, gtk_widget_get_width (widget) - tw - 12);
  by = MAX (self->hover_y - th - 14, 0);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1 - fg.red, 1 - fg.green, 1 - fg.blue, 0.92f },
                             &GRAPHENE_RECT_INIT ((float) bx, (float) by, (float) tw + 10,
                                                  (float) th + 6));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) bx + 5, (float) by + 3));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

static void
bp_weight_heatmap_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpWeightHeatmap *self = BP_WEIGHT_HEATMAP (widget);

  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (w <= 0 || h <= 0)
    return;
  /* Parents reallocate whenever a neighbour resizes: only a new size redraws the matrix. */
  if (self->node != NULL && (self->node_w != w || self->node_h != h))
    g_clear_pointer (&self->node, gsk_render_node_unref);
  if (self->node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();

      snapshot_content (self, sub);
      self->node = bp_chart_flatten_node (gtk_snapshot_free_to_node (sub), w, h,
                                          gtk_widget_get_scale_factor (widget));
      self->node_w = w;
      self->node_h = h;
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
  snapshot_hover (self, snapshot);
}

static void
on_motion (GtkEventControllerMotion *c, double x, double y, BpWeightHeatmap *self)
{
  self->hover = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *c, BpWeightHeatmap *self)
{
  self->hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


static void
bp_weight_heatmap_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 260;
}

static void
bp_weight_heatmap_dispose (GObject *object)
{
  g_clear_pointer (&BP_WEIGHT_HEATMAP (object)->node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_weight_heatmap_parent_class)->dispose (object);
}

static void
bp_weight_heatmap_finalize (GObject *object)
{
  BpWeightHeatmap *self = BP_WEIGHT_HEATMAP (object);

  g_free (self->w);
  g_free (self->dead);
  g_free (self->title);
  G_OBJECT_CLASS (bp_weight_heatmap_parent_class)->finalize (object);
}

static void
bp_weight_heatmap_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  if (prop_id == PROP_HINTON)
    g_value_set_boolean (value, BP_WEIGHT_HEATMAP (object)->hinton);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_weight_heatmap_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  if (prop_id == PROP_HINTON)
    bp_weight_heatmap_set_hinton (BP_WEIGHT_HEATMAP (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_weight_heatmap_class_init (BpWeightHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_weight_heatmap_dispose;
  object_class->finalize = bp_weight_heatmap_finalize;
  object_class->get_property = bp_weight_heatmap_get_property;
  object_class->set_property = bp_weight_heatmap_set_property;
  widget_class->snapshot = bp_weight_heatmap_snapshot;
  widget_class->measure = bp_weight_heatmap_measure;

  properties[PROP_HINTON] =
    g_param_spec_boolean ("hinton", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "weightheatmap");
}

static void
bp_weight_heatmap_init (BpWeightHeatmap *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->scale = 1;
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
bp_weight_heatmap_new (void)
{
  return g_object_new (BP_TYPE_WEIGHT_HEATMAP, NULL);
}

void
bp_weight_heatmap_set_matrix (BpWeightHeatmap *self, const float *w, int rows, int cols)
{
  g_return_if_fail (BP_IS_WEIGHT_HEATMAP (self));

  g_clear_pointer (&self->w, g_free);
  if (self->rows != rows)
    g_clear_pointer (&self->dead, g_free);
  self->rows = self->cols = 0;
  self->scale = 1;
  if (w != NULL && rows > 0 && cols > 0)
    {
      double m = 0;

      self->w = g_memdup2 (w, sizeof (float) * (gsize) rows * cols);
      self->rows = rows;
      self->cols = cols;
      for (gsize i = 0; i < (gsize) rows * cols; i++)
        if (isfinite (w[i]))
          m = MAX (m, fabs (w[i]));
      self->scale = m > 0 ? m : 1;
    }
  invalidate (self);
}

void
bp_weight_heatmap_set_title (BpWeightHeatmap *self, const char *title)
{
  g_return_if_fail (BP_IS_WEIGHT_HEATMAP (self));
  g_free (self->title);
  self->title = g_strdup (title);
  invalidate (self);
}

void
bp_weight_heatmap_set_hinton (BpWeightHeatmap *self, gboolean hinton)
{
  g_return_if_fail (BP_IS_WEIGHT_HEATMAP (self));

  if (self->hinton == !!hinton)
    return;
  self->hinton = !!hinton;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HINTON]);
}

gboolean
bp_weight_heatmap_shows_hinton (BpWeightHeatmap *self)
{
  graphene_rect_t a;

  g_return_val_if_fail (BP_IS_WEIGHT_HEATMAP (self), FALSE);
  if (!self->hinton || self->w == NULL || self->rows <= 0 || self->cols <= 0)
    return FALSE;
  a = matrix_area (self);
  return MIN (a.size.width / self->cols, a.size.height / self->rows) >= HINTON_MIN_CELL;
}

gboolean
bp_weight_heatmap_get_hinton (BpWeightHeatmap *self)
{
  g_return_val_if_fail (BP_IS_WEIGHT_HEATMAP (self), FALSE);
  return self->hinton;
}

void
bp_weight_heatmap_set_dead (BpWeightHeatmap *self, const gboolean *dead, int rows)
{
  g_return_if_fail (BP_IS_WEIGHT_HEATMAP (self));

  g_clear_pointer (&self->dead, g_free);
  if (dead != NULL && rows == self->rows && rows > 0)
    self->dead = g_memdup2 (dead, sizeof (gboolean) * (gsize) rows);
  invalidate (self);
}

double
bp_weight_heatmap_get_scale (BpWeightHeatmap *self)
{
  g_return_val_if_fail (BP_IS_WEIGHT_HEATMAP (self), 1);
  return self->scale;
}

gboolean
bp_weight_heatmap_cell_at (BpWeightHeatmap *self, double x, double y, int *row, int *col)
{
  graphene_rect_t a;

  g_return_val_if_fail (BP_IS_WEIGHT_HEATMAP (self), FALSE);

  a = matrix_area (self);
  if (self->w == NULL || !graphene_rect_contains_point (&a, &GRAPHENE_POINT_INIT ((float) x,
                                                                                  (float) y)))
    return FALSE;
  *col = CLAMP ((int) ((x - a.origin.x) / a.size.width * self->cols), 0, self->cols - 1);
  *row = CLAMP ((int) ((y - a.origin.y) / a.size.height * self->rows), 0, self->rows - 1);
  return TRUE;
}

gboolean
bp_weight_heatmap_cell_rect (BpWeightHeatmap *self, int row, int col, graphene_rect_t *out)
{
  graphene_rect_t a;

  g_return_val_if_fail (BP_IS_WEIGHT_HEATMAP (self), FALSE);

  if (self->w == NULL || row < 0 || col < 0 || row >= self->rows || col >= self->cols)
    return FALSE;
  a = matrix_area (self);
  *out = GRAPHENE_RECT_INIT (a.origin.x + (float) col * a.size.width / self->cols,
                             a.origin.y + (float) row * a.size.height / self->rows,
                             a.size.width / self->cols, a.size.height / self->rows);
  return TRUE;
}
