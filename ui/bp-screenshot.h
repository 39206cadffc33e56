/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rendering a realized widget (a whole window, usually) to a PNG file, for --screenshot and the
 * tests: no compositor, no screen grab, the same render nodes the window draws. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The widget as it would draw now, width x height of its allocation, as a texture. NULL with
 * an error when the widget is not realized or has no size. */
GdkTexture *bp_screenshot_widget (GtkWidget *widget, GError **error);

/* bp_screenshot_widget() saved as PNG at path. */
gboolean bp_screenshot_widget_to_png (GtkWidget *widget, const char *path, GError **error);

G_END_DECLS
