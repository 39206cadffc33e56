/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-cached-view.h"

typedef struct {
  GskRenderNode *node; /* what the last snapshot drew, for node_w x node_h */
  int node_w, node_h;
} BpCachedViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (BpCachedView, bp_cached_view, GTK_TYPE_WIDGET)

void
bp_cached_view_invalidate (BpCachedView *self)
{
  BpCachedViewPrivate *priv;

  g_return_if_fail (BP_IS_CACHED_VIEW (self));
  priv = bp_cached_view_get_instance_private (self);
  g_clear_pointer (&priv->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
bp_cached_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpCachedView *self = BP_CACHED_VIEW (widget);
  BpCachedViewPrivate *priv = bp_cached_view_get_instance_private (self);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (w <= 0 || h <= 0)
    return;
  if (priv->node != NULL && (priv->node_w != w || priv->node_h != h))
    g_clear_pointer (&priv->node, gsk_render_node_unref);
  if (priv->node == NULL)
    {
      priv->node = BP_CACHED_VIEW_GET_CLASS (self)->render (self, w, h);
      priv->node_w = w;
      priv->node_h = h;
    }
  if (priv->node != NULL)
    gtk_snapshot_append_node (snapshot, priv->node);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  BpCachedView *self = BP_CACHED_VIEW (widget);
  BpCachedViewClass *klass = BP_CACHED_VIEW_GET_CLASS (self);
  g_autofree char *text = klass->describe_at != NULL ? klass->describe_at (self, x, y) : NULL;

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static GtkSizeRequestMode
bp_cached_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* Colours come from the style (light or dark, the foreground for text): a new style draws anew. */
static void
bp_cached_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_cached_view_parent_class)->css_changed (widget, change);
  bp_cached_view_invalidate (BP_CACHED_VIEW (widget));
}

static void
bp_cached_view_dispose (GObject *object)
{
  BpCachedViewPrivate *priv = bp_cached_view_get_instance_private (BP_CACHED_VIEW (object));

  g_clear_pointer (&priv->node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_cached_view_parent_class)->dispose (object);
}

static void
bp_cached_view_class_init (BpCachedViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_cached_view_dispose;
  widget_class->snapshot = bp_cached_view_snapshot;
  widget_class->get_request_mode = bp_cached_view_get_request_mode;
  widget_class->css_changed = bp_cached_view_css_changed;
}

static void
bp_cached_view_init (BpCachedView *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
