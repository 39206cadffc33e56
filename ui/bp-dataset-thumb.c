/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-dataset-thumb.h"

#include "bp-palette.h"

#define THUMB_SIZE 44

struct _BpDatasetThumb {
  GtkWidget parent_instance;

  char *name;
  GskRenderNode *node; /* the points, drawn once */
  GArray *points;      /* BpHeatmapPoint */
};

G_DEFINE_FINAL_TYPE (BpDatasetThumb, bp_dataset_thumb, GTK_TYPE_WIDGET)

static void
bp_dataset_thumb_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpDatasetThumb *self = BP_DATASET_THUMB (widget);
  float w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  float side = MIN (w, h);
  graphene_rect_t r = GRAPHENE_RECT_INIT ((w - side) / 2, (h - side) / 2, side, side);

  if (self->node == NULL)
    {
      GtkSnapshot *s = gtk_snapshot_new ();
      gboolean dark = bp_palette_is_dark ();
      GdkRGBA bg;
      cairo_t *cr;

      bp_palette_signed_color (0, dark, &bg);
      gtk_snapshot_append_color (s, &bg, &r);
      cairo_surface_t *surface = bp_palette_surface_new (widget, (int) side, (int) side);
      GskRenderNode *points;

      cr = cairo_create (surface);
      cairo_translate (cr, -r.origin.x, -r.origin.y);
      for (guint i = 0; i < self->points->len; i++)
        {
          const BpHeatmapPoint *p = &g_array_index (self->points, BpHeatmapPoint, i);
          GdkRGBA c;

          if (p->label >= 0)
            bp_palette_class_color (p->label, &c);
          else
            bp_palette_signed_color (p->target, dark, &c);
          cairo_set_source_rgb (cr, c.red, c.green, c.blue);
          cairo_arc (cr, r.origin.x + (p->x + 6) / 12 * side,
                     r.origin.y + side - (p->y + 6) / 12 * side, 1.3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      cairo_destroy (cr);
      points = bp_palette_surface_node (surface, &r);
      gtk_snapshot_append_node (s, points);
      gsk_render_node_unref (points);
      self->node = gtk_snapshot_free_to_node (s);
    }
  if (self->node != NULL)
    gtk_snapshot_append_node (snapshot, self->node);
}

static void
bp_dataset_thumb_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                          int *minimum, int *natural, int *minimum_baseline,
                          int *natural_baseline)
{
  *minimum = *natural = THUMB_SIZE;
}

static void
bp_dataset_thumb_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  g_clear_pointer (&BP_DATASET_THUMB (widget)->node, gsk_render_node_unref);
}

static void
bp_dataset_thumb_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_dataset_thumb_parent_class)->css_changed (widget, change);
  g_clear_pointer (&BP_DATASET_THUMB (widget)->node, gsk_render_node_unref);
}

static void
bp_dataset_thumb_finalize (GObject *object)
{
  BpDatasetThumb *self = BP_DATASET_THUMB (object);

  g_free (self->name);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_array_unref (self->points);
  G_OBJECT_CLASS (bp_dataset_thumb_parent_class)->finalize (object);
}

static void
bp_dataset_thumb_class_init (BpDatasetThumbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bp_dataset_thumb_finalize;
  widget_class->snapshot = bp_dataset_thumb_snapshot;
  widget_class->measure = bp_dataset_thumb_measure;
  widget_class->size_allocate = bp_dataset_thumb_size_allocate;
  widget_class->css_changed = bp_dataset_thumb_css_changed;
  gtk_widget_class_set_css_name (widget_class, "datasetthumb");
}

static void
bp_dataset_thumb_init (BpDatasetThumb *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (BpHeatmapPoint));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
bp_dataset_thumb_new (const char *name)
{
  BpDatasetThumb *self = g_object_new (BP_TYPE_DATASET_THUMB, NULL);

  self->name = g_strdup (name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), name);
  return GTK_WIDGET (self);
}

const char *
bp_dataset_thumb_get_name (BpDatasetThumb *self)
{
  g_return_val_if_fail (BP_IS_DATASET_THUMB (self), NULL);
  return self->name;
}

void
bp_dataset_thumb_set_points (BpDatasetThumb *self, const BpHeatmapPoint *points, guint n)
{
  g_return_if_fail (BP_IS_DATASET_THUMB (self));

  g_array_set_size (self->points, 0);
  if (n > 0)
    g_array_append_vals (self->points, points, n);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
