/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-screenshot.h"

GdkTexture *
bp_screenshot_widget (GtkWidget *widget, GError **error)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  if (!gtk_widget_get_realized (widget) || renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "the window is not shown yet (%d×%d), nothing to capture", width, height);
      return NULL;
    }

  /* A widget paintable draws the widget's current snapshot at its allocated size. */
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window drew nothing");
      return NULL;
    }
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

gboolean
bp_screenshot_widget_to_png (GtkWidget *widget, const char *path, GError **error)
{
  g_autoptr (GdkTexture) texture = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  texture = bp_screenshot_widget (widget, error);
  if (texture == NULL)
    return FALSE;
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write the PNG to %s", path);
      return FALSE;
    }
  return TRUE;
}
