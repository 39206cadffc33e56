/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-data-explorer-images.h"

#include "bp-palette.h"

#include <math.h>

#define NAME_W 96.0
#define GAP 4.0

struct _BpDataExplorerImages {
  GtkWidget parent_instance;

  const bp_dataset *ds;
  int per_class;
  gint64 *rows; /* (n_classes, per_class), -1 where a class has fewer */
  GskRenderNode *node;
  int node_w;
};

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
snapshot_content (BpDataExplorerImages *self, GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double cs = cell_size (self);
  int scale = MAX (1, (int) floor (cs / MAX (self->ds->image_width, 1)));
  GdkRGBA fg;

  bp_palette_widget_fg (widget, &fg);
  for (int c = 0; c < self->ds->n_classes; c++)
    {
      double y = c * (cs + GAP);
      g_autoptr (PangoLayout) layout =
        gtk_widget_create_pango_layout (widget, self->ds->class_names[c]);
      int tw, th;

      pango_layout_set_width (layout, (int) (NAME_W - 8) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (float) (y + cs / 2 - th / 2.0)));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
      for (int i = 0; i < self->per_class; i++)
        {
          gint64 row = self->rows[(gsize) c * self->per_class + i];
          g_autoptr (GdkTexture) tex = NULL;

          if (row < 0)
            continue;
          tex = bp_dataset_row_texture (self->ds, (size_t) row, scale);
          if (tex != NULL)
            gtk_snapshot_append_texture (snapshot, tex,
                                         &GRAPHENE_RECT_INIT ((float) (NAME_W + i * (cs + GAP)),
                                                              (float) y, (float) cs, (float) cs));
        }
    }
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

    *minimum = *natural = (int) ceil (k * (cs + GAP));
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
  G_OBJECT_CLASS (bp_data_explorer_images_parent_class)->finalize (object);
}

static void
bp_data_explorer_images_class_init (BpDataExplorerImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_explorer_images_dispose;
  object_class->finalize = bp_data_explorer_images_finalize;
  widget_class->snapshot = bp_data_explorer_images_snapshot;
  widget_class->measure = bp_data_explorer_images_measure;
  widget_class->get_request_mode = bp_data_explorer_images_get_request_mode;
  gtk_widget_class_set_css_name (widget_class, "samplegrid");
}

static void
bp_data_explorer_images_init (BpDataExplorerImages *self)
{
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
  g_clear_pointer (&self->node, gsk_render_node_unref);
  self->ds = NULL;
  self->per_class = 0;
  if (ds != NULL && ds->task == BP_TASK_CLASSIFICATION && ds->image_width > 0 && per_class > 0)
    {
      g_autofree int *found = g_new0 (int, ds->n_classes);
      gsize total = rows != NULL ? n : ds->n_rows;

      self->ds = ds;
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
  if (self->rows == NULL || c < 0 || c >= self->ds->n_classes || i < 0 || i >= self->per_class)
    return -1;
  return self->rows[(gsize) c * self->per_class + i];
}
