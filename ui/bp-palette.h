/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The colours every playground view shares: orange for negative / class 0, blue for
 * positive / class 1 (as TensorFlow Playground, so its users read ours at once), more hues
 * for more classes, and a neutral middle that follows the light or dark style. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_PALETTE_MAX_CLASSES 8

typedef enum {
  BP_GRID_SIGNED,       /* one value in [-1, 1] per cell (regression, neuron outputs) */
  BP_GRID_PROBABILITY,  /* one probability of class 1 per cell (binary classification) */
  BP_GRID_CLASSES,      /* k >= 2 class probabilities per cell (softmax) */
} BpGridKind;

/* Colour of class c (c wraps past BP_PALETTE_MAX_CLASSES). */
void bp_palette_class_color (int c, GdkRGBA *out);

/* The diverging map: v in [-1, 1] (clamped) from orange through the middle to blue. */
void bp_palette_signed_color (double v, gboolean dark, GdkRGBA *out);

/* Fills rgb (size * size * 3 bytes, top row first) from a grid of `size` cells per side whose
 * row 0 is at the bottom (the snapshot's layout). values: (size, size, k) floats.
 * scale divides BP_GRID_SIGNED values (1 for tanh-range data). discretize shows only the
 * winning side/class. Background colours are toned down so points stay visible. */
void bp_palette_fill_grid (guint8 *rgb, const float *values, int size, int k, BpGridKind kind,
                           double scale, gboolean discretize, gboolean dark);

/* The grid drawn to fill bounds (bilinear between cell centres, or nearest cell when
 * discretize) at the widget's scale factor, as a node that only composites an image. */
GskRenderNode *bp_palette_grid_node (GtkWidget *widget, const float *values, int size, int k,
                                     BpGridKind kind, double scale, gboolean discretize,
                                     const graphene_rect_t *bounds);

/* A cairo image surface for drawing width x height logical pixels of widget at its scale
 * factor, and a node showing it at bounds. GTK 4.8's cairo nodes record their drawing and
 * replay it at every render, and its cairo renderer converts textures at every render: a
 * node that paints one prepared image surface costs a single composite instead. */
cairo_surface_t *bp_palette_surface_new (GtkWidget *widget, int width, int height);
GskRenderNode *bp_palette_surface_node (cairo_surface_t *surface, const graphene_rect_t *bounds);

/* Is the application in its dark style? */
gboolean bp_palette_is_dark (void);

G_END_DECLS

G_BEGIN_DECLS
/* The widget's CSS foreground colour (GTK 4.8 has no gtk_widget_get_color). */
void bp_palette_widget_fg (GtkWidget *widget, GdkRGBA *out);
G_END_DECLS
