/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-data-explorer-images.h"

#include "bp-palette.h"

#include <math.h>

#define NAME_W 96.0
#define GAP 4.0
#define HEADER_H 26.0
#define FILTER_ROWS 8 /* rows of images when one class is shown */

struct _BpDataExplorerImages {
  GtkWidget parent_instance;

  const bp_dataset *ds;
  const guint32 *candidates; /* the rows shown are picked from these (NULL: every row) */
  gsize n_candidates;
  int per_class;
  int filter;   /* the class shown alone, or -1 for one row of each class */
  gint64 *rows; /* (n_classes, per_class), -1 where a class has fewer */
  gint64 *class_rows; /* (FILTER_ROWS * per_class) of class `filter`, -1 past its count */
  gsize class_count;  /* rows of class `filter` among the candidates */
  GskRenderNode *node;
  int node_w;
};

enum { PROP_0, PROP_CLASS, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpDataExplorerImages, bp_data_explorer_images, GTK_TYPE_WIDGET)

GdkTexture *
bp_dataset_row_texture (const bp_dataset *ds, size_t row, int scale)
{
  int w = ds->image_width, h = ds->image_height, ch = ds->image_channels;
  int tw, th;
  guint8 *rgb;
  g_autoptr (GBytes) bytes = NULL;

  if (w <= 0 || h <= 0 || (ch != 1 && ch != 3) || row >= ds->n_rows || scale < 1)
    return NULL;
  tw = w * scale;
  th = h * scale;
  rgb = g_malloc ((gsize) tw * th * 3);
  for (int y = 0; y < th; y++)
    for (int x = 0; x < tw; x++)
      for (int c = 0; c < 3; c++)
        {
          int src_c = ch == 1 ? 0 : c;
          /* NCHW: channel planes one after the other. */
          float v = bp_dataset_feature (ds, row, (src_c * h + y / scale) * w + x / scale);

          rgb[((gsize) y * tw + x) * 3 + c] = (guint8) lrintf (CLAMP (v, 0.f, 1.f) * 255);
        }
  bytes = g_bytes_new_take (rgb, (gsize) tw * th * 3);
  return gdk_memory_texture_new (tw, th, GDK_MEMORY_R8G8B8, bytes, (gsize) tw * 3);
}

static double
cell_size (BpDataExplorerImages *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)) - NAME_W;

  if (self->per_class <= 0)
    return 0;
  return MAX (8, floor (w / self->per_class) - GAP);
}

static void
append_text (GtkSnapshot *snapshot, PangoLayout *layout, double x, double y, const GdkRGBA *fg)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, fg);
  gtk_snapshot_restore (snapshot);
}

/* The line above the grid: how to filter, or what the filter shows and the way back. */
static void
snapshot_header (BpDataExplorerImages *self, GtkSnapshot *snapshot, const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *markup = NULL;
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  GdkRGBA dim = { fg->red, fg->green, fg->blue, 0.6f };

  if (self->filter < 0)
    markup = g_strdup ("Click a class name to see more of its images only.");
  else
    {
      g_autofree char *name = g_markup_escape_text (self->ds->class_names[self->filter], -1);
      gsize shown = MIN (self->class_count, (gsize) FILTER_ROWS * self->per_class);

      markup = g_strdup_printf ("<u>‹ All classes</u>   %s: %zu of its %zu images", name, shown,
                                self->class_count);
    }
  pango_layout_set_markup (layout, markup, -1);
  append_text (snapshot, layout, 0, 4, self->filter < 0 ? &dim : fg);
}

static void
snapshot_row (BpDataExplorerImages *self, GtkSnapshot *snapshot, const gint64 *rows,
              const char *name, double y, double cs, int scale, const GdkRGBA *fg)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if (name != NULL)
    {
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, name);
      int tw, th;

      pango_layout_set_width (layout, (int) (NAME_W - 8) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &tw, &th);
      append_text (snapshot, layout, 0, y + cs / 2 - th / 2.0, fg);
    }
  for (int i = 0; i < self->per_class; i++)
    {
      g_autoptr (GdkTexture) tex = NULL;

      if (rows[i] < 0)
        continue;
      tex = bp_dataset_row_texture (self->ds, (size_t) rows[i], scale);
      if (tex != NULL)
        gtk_snapshot_append_texture (snapshot, tex,
                                     &GRAPHENE_RECT_INIT ((float) (NAME_W + i * (cs + GAP)),
                                                          (float) y, (float) cs, (float) cs));
    }
}

static void
snapshot_content (BpDataExplorerImages *self, GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double cs = cell_size (self);
  int scale = MAX (1, (int) floor (cs / MAX (self->ds->image_width, 1)));
  GdkRGBA fg;

  bp_palette_widget_fg (widget, &fg);
  snapshot_header (self, snapshot, &fg);
  if (self->filter >= 0)
    for (int r = 0; r < FILTER_ROWS; r++)
      snapshot_row (self, snapshot, self->class_rows + (gsize) r * self->per_class,
                    r == 0 ? self->ds->class_names[self->filter] : NULL,
                    HEADER_H + r * (cs + GAP), cs, scale, &fg);
  else
    for (int c = 0; c < self->ds->n_classes; c++)
      snapshot_row (self, snapshot, self->rows + (gsize) c * self->per_class,
                    self->ds->class_names[c], HEADER_H + c * (cs + GAP), cs, scale, &fg);
}

/* The class whose name is at (x, y) in the one-row-per-class grid, or -1. */
static int
class_at (BpDataExplorerImages *self, double x, double y)
{
  double cs = cell_size (self);
  int c;

  if (self->ds == NULL || self->filter >= 0 || x >= NAME_W || y < HEADER_H || cs <= 0)
    return -1;
  c = (int) floor ((y - HEADER_H) / (cs + GAP));
  return c >= 0 && c < self->ds->n_classes ? c : -1;
}

static gboolean
on_back_link (BpDataExplorerImages *self, double x, double y)
{
  return self->ds != NULL && self->filter >= 0 && y < HEADER_H && x < 120;
}

static void
on_released (GtkGestureClick *click, int n_press, double x, double y,
             BpDataExplorerImages *self)
{
  int c = class_at (self, x, y);

  if (c >= 0)
    bp_data_explorer_images_set_class (self, c);
  else if (on_back_link (self, x, y) || (self->filter >= 0 && x < NAME_W))
    bp_data_explorer_images_set_class (self, -1);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, BpDataExplorerImages *self)
{
  gboolean link = class_at (self, x, y) >= 0 || on_back_link (self, x, y)
                  || (self->filter >= 0 && x < NAME_W && y >= HEADER_H);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), link ? "pointer" : NULL);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  BpDataExplorerImages *self = BP_DATA_EXPLORER_IMAGES (widget);
  int c = class_at (self, x, y);
  g_autofree char *text = NULL;

  if (c >= 0)
    text = g_strdup_printf ("Show only %s", self->ds->class_names[c]);
  else if (on_back_link (self, x, y) || (self->filter >= 0 && x < NAME_W && y >= HEADER_H))
    text = g_strdup ("Show every class again");
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
bp_data_explorer_images_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpDataExplorerImages *self = BP_DATA_EXPLORER_IMAGES (widget);

  if (self->ds == NULL || self->rows == NULL || gtk_widget_get_width (widget) <= 0)
    return;
  if (self->node != NULL && self->node_w != gtk_widget_get_width (widget))
    g_clear_pointer (&self->node, gsk_render_node_unref);
  if (self->node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();

      snapshot_content (self, sub);
      self->node = gtk_snapshot_free_to_node (sub);
      self->node_w = gtk_widget_get_width (widget);
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
}

static GtkSizeRequestMode
bp_data_explorer_images_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bp_data_explorer_images_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                                 int *minimum, int *natural, int *minimum_baseline,
                                 int *natural_baseline)
{
  BpDataExplorerImages *self = BP_DATA_EXPLORER_IMAGES (widget);
  int k = self->ds != NULL ? self->ds->n_classes : 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) NAME_W + 100;
      *natural = MAX (*minimum, (int) NAME_W + self->per_class * 60);
      return;
    }
  {
    double w = for_size > 0 ? for_size : NAME_W + MAX (self->per_class, 1) * 60;
    double cs = self->per_class > 0 ? MAX (8, floor ((w - NAME_W) / self->per_class) - GAP) : 0;
    int rows = self->filter >= 0 ? FILTER_ROWS : k;

    *minimum = *natural = (int) ceil (HEADER_H + rows * (cs + GAP));
  }
}


static void
bp_data_explorer_images_dispose (GObject *object)
{
  g_clear_pointer (&BP_DATA_EXPLORER_IMAGES (object)->node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_data_explorer_images_parent_class)->dispose (object);
}

static void
bp_data_explorer_images_finalize (GObject *object)
{
  g_free (BP_DATA_EXPLORER_IMAGES (object)->rows);
  g_free (BP_DATA_EXPLORER_IMAGES (object)->class_rows);
  G_OBJECT_CLASS (bp_data_explorer_images_parent_class)->finalize (object);
}

static void
bp_data_explorer_images_get_property (GObject *object, guint prop_id, GValue *value,
                                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CLASS:
      g_value_set_int (value, BP_DATA_EXPLORER_IMAGES (object)->filter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_data_explorer_images_set_property (GObject *object, guint prop_id, const GValue *value,
                                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CLASS:
      bp_data_explorer_images_set_class (BP_DATA_EXPLORER_IMAGES (object),
                                         g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_data_explorer_images_class_init (BpDataExplorerImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_explorer_images_dispose;
  object_class->finalize = bp_data_explorer_images_finalize;
  object_class->get_property = bp_data_explorer_images_get_property;
  object_class->set_property = bp_data_explorer_images_set_property;
  widget_class->snapshot = bp_data_explorer_images_snapshot;
  widget_class->measure = bp_data_explorer_images_measure;
  widget_class->get_request_mode = bp_data_explorer_images_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "samplegrid");

  /* The class shown alone (more of its images), or -1 for a row of each class. */
  properties[PROP_CLASS]
    = g_param_spec_int ("class", NULL, NULL, -1, G_MAXINT, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_data_explorer_images_init (BpDataExplorerImages *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->filter = -1;
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}

GtkWidget *
bp_data_explorer_images_new (void)
{
  return g_object_new (BP_TYPE_DATA_EXPLORER_IMAGES, NULL);
}

void
bp_data_explorer_images_set_dataset (BpDataExplorerImages *self, const bp_dataset *ds,
                                     const guint32 *rows, gsize n, int per_class)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER_IMAGES (self));

  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->class_rows, g_free);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  self->ds = NULL;
  self->candidates = NULL;
  self->n_candidates = 0;
  self->per_class = 0;
  if (self->filter != -1)
    {
      self->filter = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASS]);
    }
  if (ds != NULL && ds->task == BP_TASK_CLASSIFICATION && ds->image_width > 0 && per_class > 0)
    {
      g_autofree int *found = g_new0 (int, ds->n_classes);
      gsize total = rows != NULL ? n : ds->n_rows;

      self->ds = ds;
      self->candidates = rows;
      self->n_candidates = total;
      self->per_class = per_class;
      self->rows = g_new (gint64, (gsize) ds->n_classes * per_class);
      for (gsize i = 0; i < (gsize) ds->n_classes * per_class; i++)
        self->rows[i] = -1;
      for (gsize i = 0; i < total; i++)
        {
          gsize row = rows != NULL ? rows[i] : i;
          int c = ds->labels[row];

          if (c >= 0 && c < ds->n_classes && found[c] < per_class)
            self->rows[(gsize) c * per_class + found[c]++] = (gint64) row;
        }
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gint64
bp_data_explorer_images_get_row (BpDataExplorerImages *self, int c, int i)
{
  g_return_val_if_fail (BP_IS_DATA_EXPLORER_IMAGES (self), -1);
  if (self->rows == NULL || c < 0 || c >= self->ds->n_classes || i < 0)
    return -1;
  if (c == self->filter)
    return i < FILTER_ROWS * self->per_class ? self->class_rows[i] : -1;
  if (i >= self->per_class)
    return -1;
  return self->rows[(gsize) c * self->per_class + i];
}

void
bp_data_explorer_images_set_class (BpDataExplorerImages *self, int c)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER_IMAGES (self));

  if (self->ds == NULL || c < -1 || c >= self->ds->n_classes)
    c = -1;
  if (c == self->filter)
    return;
  self->filter = c;
  g_clear_pointer (&self->class_rows, g_free);
  self->class_count = 0;
  if (c >= 0)
    {
      gsize room = (gsize) FILTER_ROWS * self->per_class;

      self->class_rows = g_new (gint64, room);
      for (gsize i = 0; i < room; i++)
        self->class_rows[i] = -1;
      for (gsize i = 0; i < self->n_candidates; i++)
        {
          gsize row = self->candidates != NULL ? self->candidates[i] : i;

          if (self->ds->labels[row] != c)
            continue;
          if (self->class_count < room)
            self->class_rows[self->class_count] = (gint64) row;
          self->class_count++;
        }
    }
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLASS]);
}

int
bp_data_explorer_images_get_class (BpDataExplorerImages *self)
{
  g_return_val_if_fail (BP_IS_DATA_EXPLORER_IMAGES (self), -1);
  return self->filter;
}
