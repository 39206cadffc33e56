/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-heatmap.h"

#include <math.h>

#define MARGIN_LEFT 24.0
#define MARGIN_BOTTOM 18.0
#define MARGIN_TOP 4.0
#define MARGIN_RIGHT 4.0
#define POINT_RADIUS 3.5

struct _BpHeatmap {
  GtkWidget parent_instance;

  double x_min, x_max, y_min, y_max;

  float *grid; /* (grid_size, grid_size, grid_k) */
  int grid_size, grid_k;
  BpGridKind grid_kind;
  double grid_scale;
  GskRenderNode *grid_node; /* the grid drawn over the plot; dropped when the grid, the
                               colours or the plot's size change */
  float *overlay;           /* (overlay_size, overlay_size) */
  int overlay_size;
  double overlay_scale;

  GskRenderNode *overlay_node;
  graphene_rect_t node_rect; /* where the two nodes were made for */
  char *overlay_caption;

  GArray *points; /* BpHeatmapPoint */
  GskRenderNode *points_node; /* cached for points_size; dropped when points change */
  double points_size;

  gboolean discretize, show_test;
};

enum {
  PROP_0,
  PROP_DISCRETIZE,
  PROP_SHOW_TEST,
  N_PROPS
};

enum {
  SIGNAL_ADD_POINT,
  SIGNAL_REMOVE_POINT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpHeatmap, bp_heatmap, GTK_TYPE_WIDGET)

/* The square plot area: as large as fits beside the axis labels, centred. */
static gboolean
plot_rect (BpHeatmap *self, graphene_rect_t *r)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)) - MARGIN_LEFT - MARGIN_RIGHT;
  double h = gtk_widget_get_height (GTK_WIDGET (self)) - MARGIN_TOP - MARGIN_BOTTOM;
  double side = floor (MIN (w, h));

  if (side < 8)
    return FALSE;
  graphene_rect_init (r, (float) floor (MARGIN_LEFT + (w - side) / 2),
                      (float) floor (MARGIN_TOP + (h - side) / 2), (float) side, (float) side);
  return TRUE;
}

static void
drop_textures (BpHeatmap *self)
{
  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  g_clear_pointer (&self->overlay_node, gsk_render_node_unref);
}

static void
append_label (BpHeatmap *self, GtkSnapshot *snapshot, const char *text, double x, double y,
              double xalign, double yalign, const GdkRGBA *color)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int lw, lh;

  pango_layout_get_pixel_size (layout, &lw, &lh);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) round (x - xalign * lw),
                                                          (float) round (y - yalign * lh)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static GskRenderNode *
build_points (BpHeatmap *self, const graphene_rect_t *r)
{
  /* Drawn once into an image (a margin wide enough for the edge points), then composited. */
  const float m = POINT_RADIUS + 1;
  graphene_rect_t area = GRAPHENE_RECT_INIT (r->origin.x - m, r->origin.y - m,
                                             r->size.width + 2 * m, r->size.height + 2 * m);
  cairo_surface_t *surface = bp_palette_surface_new (GTK_WIDGET (self), (int) area.size.width,
                                                     (int) area.size.height);
  gboolean dark = bp_palette_is_dark ();
  cairo_t *cr = cairo_create (surface);
  double sx = r->size.width / (self->x_max - self->x_min);
  double sy = r->size.height / (self->y_max - self->y_min);

  cairo_translate (cr, -area.origin.x, -area.origin.y);

  cairo_set_line_width (cr, 1.0);
  /* Training points first, test points on top so the few of them are not hidden. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->points->len; i++)
      {
        const BpHeatmapPoint *p = &g_array_index (self->points, BpHeatmapPoint, i);
        double px = r->origin.x + (p->x - self->x_min) * sx;
        double py = r->origin.y + r->size.height - (p->y - self->y_min) * sy;
        GdkRGBA c;

        if (p->test != (pass == 1) || (p->test && !self->show_test))
          continue;
        if (p->label >= 0)
          bp_palette_class_color (p->label, &c);
        else
          bp_palette_signed_color (p->target, dark, &c);
        cairo_new_sub_path (cr);
        cairo_arc (cr, px, py, POINT_RADIUS, 0, 2 * G_PI);
        cairo_set_source_rgb (cr, c.red, c.green, c.blue);
        cairo_fill_preserve (cr);
        if (p->test)
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
        else
          cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_stroke (cr);
      }
  cairo_destroy (cr);
  return bp_palette_surface_node (surface, &area);
}

static void
bp_heatmap_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpHeatmap *self = BP_HEATMAP (widget);
  graphene_rect_t r;
  GdkRGBA fg, frame;
  char buf[32];
  GskRenderNode *node;

  if (!plot_rect (self, &r))
    return;
  bp_palette_widget_fg (widget, &fg);

  if (!graphene_rect_equal (&r, &self->node_rect))
    {
      drop_textures (self);
      self->node_rect = r;
    }
  if (self->grid_node == NULL && self->grid != NULL)
    self->grid_node = bp_palette_grid_node (widget, self->grid, self->grid_size, self->grid_k,
                                            self->grid_kind, self->grid_scale, self->discretize,
                                            &r);
  if (self->overlay_node == NULL && self->overlay != NULL)
    self->overlay_node = bp_palette_grid_node (widget, self->overlay, self->overlay_size, 1,
                                               BP_GRID_SIGNED, self->overlay_scale, FALSE, &r);
  node = self->overlay != NULL ? self->overlay_node : self->grid_node;
  if (node != NULL)
    gtk_snapshot_append_node (snapshot, node);
  else
    {
      GdkRGBA empty = fg;
      empty.alpha = 0.06f;
      gtk_snapshot_append_color (snapshot, &empty, &r);
    }

  if (self->points_node == NULL || self->points_size != r.size.width)
    {
      g_clear_pointer (&self->points_node, gsk_render_node_unref);
      self->points_node = build_points (self, &r);
      self->points_size = r.size.width;
    }
  gtk_snapshot_append_node (snapshot, self->points_node);

  frame = fg;
  frame.alpha = 0.25f;
  {
    float wd[4] = { 1, 1, 1, 1 };
    GdkRGBA fc[4] = { frame, frame, frame, frame };
    gtk_snapshot_append_border (snapshot, &GSK_ROUNDED_RECT_INIT (r.origin.x, r.origin.y,
                                                                  r.size.width, r.size.height),
                                wd, fc);
  }

  /* Ticks at the ends and the middle of each axis. */
  fg.alpha = 0.7f;
  for (int t = 0; t <= 2; t++)
    {
      double fx = t / 2.0;
      double vx = self->x_min + fx * (self->x_max - self->x_min);
      double vy = self->y_min + fx * (self->y_max - self->y_min);

      g_snprintf (buf, sizeof buf, "%g", round (vx * 10) / 10);
      append_label (self, snapshot, buf, r.origin.x + fx * r.size.width,
                    r.origin.y + r.size.height + 2, t == 0 ? 0.0 : t == 2 ? 1.0 : 0.5, 0.0, &fg);
      g_snprintf (buf, sizeof buf, "%g", round (vy * 10) / 10);
      append_label (self, snapshot, buf, r.origin.x - 4, r.origin.y + (1 - fx) * r.size.height,
                    1.0, t == 0 ? 1.0 : t == 2 ? 0.0 : 0.5, &fg);
    }

  if (self->overlay != NULL && self->overlay_caption != NULL)
    {
      GdkRGBA bg = { 0, 0, 0, 0.55f }, white = { 1, 1, 1, 1 };
      g_autoptr (PangoLayout) layout
        = gtk_widget_create_pango_layout (widget, self->overlay_caption);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_append_color (snapshot, &bg,
                                 &GRAPHENE_RECT_INIT (r.origin.x + 4, r.origin.y + 4, lw + 8, lh + 4));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (r.origin.x + 8, r.origin.y + 6));
      gtk_snapshot_append_layout (snapshot, layout, &white);
      gtk_snapshot_restore (snapshot);
    }
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double wx, double wy, BpHeatmap *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state
    = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  double x, y;

  if (!bp_heatmap_widget_to_data (self, wx, wy, &x, &y))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (button == GDK_BUTTON_SECONDARY || (state & GDK_SHIFT_MASK) != 0)
    g_signal_emit (self, signals[SIGNAL_REMOVE_POINT], 0, x, y);
  else if (button == GDK_BUTTON_PRIMARY)
    g_signal_emit (self, signals[SIGNAL_ADD_POINT], 0, x, y);
}

static void
bp_heatmap_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  BpHeatmap *self = BP_HEATMAP (widget);

  GTK_WIDGET_CLASS (bp_heatmap_parent_class)->css_changed (widget, change);
  /* The neutral middle colour follows light/dark. */
  drop_textures (self);
  g_clear_pointer (&self->points_node, gsk_render_node_unref);
}

static void
bp_heatmap_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                    int *natural, int *minimum_baseline, int *natural_baseline)
{
  /* Square plot plus the labels: ask for a square, take what comes. */
  *minimum = 120;
  *natural = 300;
}

static void
bp_heatmap_finalize (GObject *object)
{
  BpHeatmap *self = BP_HEATMAP (object);

  g_free (self->grid);
  drop_textures (self);
  g_free (self->overlay);
  g_free (self->overlay_caption);
  g_array_unref (self->points);
  g_clear_pointer (&self->points_node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_heatmap_parent_class)->finalize (object);
}

static void
bp_heatmap_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpHeatmap *self = BP_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_DISCRETIZE:
      g_value_set_boolean (value, self->discretize);
      break;
    case PROP_SHOW_TEST:
      g_value_set_boolean (value, self->show_test);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_heatmap_set_property (GObject *object, guint prop_id, const GValue *value,
                         GParamSpec *pspec)
{
  BpHeatmap *self = BP_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_DISCRETIZE:
      bp_heatmap_set_discretize (self, g_value_get_boolean (value));
      break;
    case PROP_SHOW_TEST:
      bp_heatmap_set_show_test (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_heatmap_class_init (BpHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_heatmap_finalize;
  object_class->get_property = bp_heatmap_get_property;
  object_class->set_property = bp_heatmap_set_property;
  widget_class->snapshot = bp_heatmap_snapshot;
  widget_class->measure = bp_heatmap_measure;
  widget_class->css_changed = bp_heatmap_css_changed;

  properties[PROP_DISCRETIZE] = g_param_spec_boolean (
    "discretize", NULL, NULL, FALSE,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_TEST] = g_param_spec_boolean (
    "show-test", NULL, NULL, FALSE,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (x, y) in data coordinates. */
  signals[SIGNAL_ADD_POINT] = g_signal_new ("add-point", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIGNAL_REMOVE_POINT] = g_signal_new ("remove-point", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bp_heatmap_init (BpHeatmap *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->x_min = self->y_min = -6;
  self->x_max = self->y_max = 6;
  self->points = g_array_new (FALSE, FALSE, sizeof (BpHeatmapPoint));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               "Click: add a point of the chosen class. "
                               "Right-click or Shift+click: remove the nearest point.");
}

GtkWidget *
bp_heatmap_new (void)
{
  return g_object_new (BP_TYPE_HEATMAP, NULL);
}

void
bp_heatmap_set_bounds (BpHeatmap *self, double x_min, double x_max, double y_min, double y_max)
{
  g_return_if_fail (BP_IS_HEATMAP (self));
  g_return_if_fail (x_max > x_min && y_max > y_min);

  if (self->x_min == x_min && self->x_max == x_max && self->y_min == y_min
      && self->y_max == y_max)
    return;
  self->x_min = x_min;
  self->x_max = x_max;
  self->y_min = y_min;
  self->y_max = y_max;
  g_clear_pointer (&self->points_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bp_heatmap_set_grid (BpHeatmap *self, const float *values, int size, int k, BpGridKind kind,
                     double scale)
{
  size_t n;

  g_return_if_fail (BP_IS_HEATMAP (self));

  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  if (values == NULL || size <= 0 || k <= 0)
    {
      g_clear_pointer (&self->grid, g_free);
      self->grid_size = 0;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  n = (size_t) size * size * k;
  if (self->grid == NULL || (size_t) self->grid_size * self->grid_size * self->grid_k != n)
    {
      g_free (self->grid);
      self->grid = g_new (float, n);
    }
  memcpy (self->grid, values, n * sizeof (float));
  self->grid_size = size;
  self->grid_k = k;
  self->grid_kind = kind;
  self->grid_scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bp_heatmap_set_overlay (BpHeatmap *self, const float *values, int size, double scale,
                        const char *caption)
{
  g_return_if_fail (BP_IS_HEATMAP (self));

  g_clear_pointer (&self->overlay_node, gsk_render_node_unref);
  g_clear_pointer (&self->overlay_caption, g_free);
  g_clear_pointer (&self->overlay, g_free);
  if (values != NULL && size > 0)
    {
      self->overlay = g_memdup2 (values, (gsize) size * size * sizeof (float));
      self->overlay_size = size;
      self->overlay_scale = scale;
      self->overlay_caption = g_strdup (caption);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
bp_heatmap_get_overlay_caption (BpHeatmap *self)
{
  g_return_val_if_fail (BP_IS_HEATMAP (self), NULL);
  return self->overlay != NULL ? self->overlay_caption : NULL;
}

void
bp_heatmap_set_points (BpHeatmap *self, const BpHeatmapPoint *points, guint n)
{
  g_return_if_fail (BP_IS_HEATMAP (self));
  g_return_if_fail (n == 0 || points != NULL);

  g_array_set_size (self->points, 0);
  if (n > 0)
    g_array_append_vals (self->points, points, n);
  g_clear_pointer (&self->points_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
bp_heatmap_get_n_points (BpHeatmap *self)
{
  g_return_val_if_fail (BP_IS_HEATMAP (self), 0);
  return self->points->len;
}

void
bp_heatmap_set_discretize (BpHeatmap *self, gboolean discretize)
{
  g_return_if_fail (BP_IS_HEATMAP (self));

  discretize = !!discretize;
  if (self->discretize == discretize)
    return;
  self->discretize = discretize;
  drop_textures (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISCRETIZE]);
}

gboolean
bp_heatmap_get_discretize (BpHeatmap *self)
{
  g_return_val_if_fail (BP_IS_HEATMAP (self), FALSE);
  return self->discretize;
}

void
bp_heatmap_set_show_test (BpHeatmap *self, gboolean show_test)
{
  g_return_if_fail (BP_IS_HEATMAP (self));

  show_test = !!show_test;
  if (self->show_test == show_test)
    return;
  self->show_test = show_test;
  g_clear_pointer (&self->points_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_TEST]);
}

gboolean
bp_heatmap_get_show_test (BpHeatmap *self)
{
  g_return_val_if_fail (BP_IS_HEATMAP (self), FALSE);
  return self->show_test;
}

gboolean
bp_heatmap_data_to_widget (BpHeatmap *self, double x, double y, double *wx, double *wy)
{
  graphene_rect_t r;

  g_return_val_if_fail (BP_IS_HEATMAP (self), FALSE);

  if (!plot_rect (self, &r))
    return FALSE;
  *wx = r.origin.x + (x - self->x_min) / (self->x_max - self->x_min) * r.size.width;
  *wy = r.origin.y + r.size.height - (y - self->y_min) / (self->y_max - self->y_min) * r.size.height;
  return TRUE;
}

gboolean
bp_heatmap_widget_to_data (BpHeatmap *self, double wx, double wy, double *x, double *y)
{
  graphene_rect_t r;

  g_return_val_if_fail (BP_IS_HEATMAP (self), FALSE);

  if (!plot_rect (self, &r) || wx < r.origin.x || wy < r.origin.y
      || wx > r.origin.x + r.size.width || wy > r.origin.y + r.size.height)
    return FALSE;
  *x = self->x_min + (wx - r.origin.x) / r.size.width * (self->x_max - self->x_min);
  *y = self->y_min + (r.origin.y + r.size.height - wy) / r.size.height * (self->y_max - self->y_min);
  return TRUE;
}

gboolean
bp_heatmap_color_at (BpHeatmap *self, double x, double y, GdkRGBA *out)
{
  guint8 rgb[3];
  int i, j;

  g_return_val_if_fail (BP_IS_HEATMAP (self), FALSE);

  if (self->grid == NULL)
    return FALSE;
  j = (int) floor ((x - self->x_min) / (self->x_max - self->x_min) * self->grid_size);
  i = (int) floor ((y - self->y_min) / (self->y_max - self->y_min) * self->grid_size);
  j = CLAMP (j, 0, self->grid_size - 1);
  i = CLAMP (i, 0, self->grid_size - 1);
  bp_palette_fill_grid (rgb, self->grid + ((size_t) i * self->grid_size + j) * self->grid_k, 1,
                        self->grid_k, self->grid_kind, self->grid_scale, self->discretize,
                        bp_palette_is_dark ());
  *out = (GdkRGBA) { rgb[0] / 255.f, rgb[1] / 255.f, rgb[2] / 255.f, 1.f };
  return TRUE;
}
