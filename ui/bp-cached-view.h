/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpCachedView: the base of the views that draw their whole content into one render node and
 * show that node until something changes (new data, a new size, a style change). With GTK 4.8's
 * cairo renderer a view that changes rarely then costs one composite per frame, however much
 * it draws (bench/UI.md).
 *
 * A subclass implements `render` (the content at a size: a node, or NULL for nothing to show)
 * and, for tooltips, `describe_at`; it calls bp_cached_view_invalidate when its data changes.
 * The base class keeps the node, drops it when the size or the style changes, answers
 * `query-tooltip` with describe_at's text, and asks for height-for-width layout (the views'
 * heights follow how many tiles fit a row). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_CACHED_VIEW (bp_cached_view_get_type ())
G_DECLARE_DERIVABLE_TYPE (BpCachedView, bp_cached_view, BP, CACHED_VIEW, GtkWidget)

struct _BpCachedViewClass {
  GtkWidgetClass parent_class;

  /* The content drawn for a width x height widget (both > 0); NULL draws nothing. */
  GskRenderNode *(*render) (BpCachedView *self, int width, int height);
  /* The tooltip for widget point (x, y), newly allocated, or NULL for none. */
  char *(*describe_at) (BpCachedView *self, double x, double y);
};

/* Drops the kept node and queues a draw: the next frame renders again. */
void bp_cached_view_invalidate (BpCachedView *self);

G_END_DECLS
