/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The output view: what the model predicts over the input plane as a colour map, with the
 * data points on top. A click adds a point (the "add-point" signal), a right-click or a
 * Shift+click removes the nearest one ("remove-point"); the receiver changes the data. */
#pragma once

#include <gtk/gtk.h>

#include "bp-palette.h"

G_BEGIN_DECLS

#define BP_TYPE_HEATMAP (bp_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (BpHeatmap, bp_heatmap, BP, HEATMAP, GtkWidget)

typedef struct {
  float x, y;    /* raw input coordinates */
  int label;     /* class, or -1 for regression */
  float target;  /* regression target (coloured as a signed value) */
  gboolean test; /* drawn only with show-test, with a dark ring */
} BpHeatmapPoint;

GtkWidget *bp_heatmap_new (void);

/* The input plane shown, in data units (default -6 … 6 on both axes). */
void bp_heatmap_set_bounds (BpHeatmap *self, double x_min, double x_max, double y_min,
                            double y_max);

/* The model over the plane: (size, size, k) values, row 0 at the bottom (the session's grid
 * layout). The values are copied. NULL clears it. */
void bp_heatmap_set_grid (BpHeatmap *self, const float *values, int size, int k,
                          BpGridKind kind, double scale);

/* A neuron's output drawn instead of the model's while set (hovering a neuron): (size, size)
 * signed values, copied; NULL goes back to the model's grid. */
void bp_heatmap_set_overlay (BpHeatmap *self, const float *values, int size, double scale,
                             const char *caption);

/* The caption of the neuron shown instead of the model, NULL when none is. */
const char *bp_heatmap_get_overlay_caption (BpHeatmap *self);

void bp_heatmap_set_points (BpHeatmap *self, const BpHeatmapPoint *points, guint n);
guint bp_heatmap_get_n_points (BpHeatmap *self);

void bp_heatmap_set_discretize (BpHeatmap *self, gboolean discretize);
gboolean bp_heatmap_get_discretize (BpHeatmap *self);
void bp_heatmap_set_show_test (BpHeatmap *self, gboolean show_test);
gboolean bp_heatmap_get_show_test (BpHeatmap *self);

/* Between data coordinates and widget pixels; FALSE when the widget has no size yet (or the
 * pixel is outside the plot, for widget_to_data). */
gboolean bp_heatmap_data_to_widget (BpHeatmap *self, double x, double y, double *wx,
                                    double *wy);
gboolean bp_heatmap_widget_to_data (BpHeatmap *self, double wx, double wy, double *x,
                                    double *y);

/* The colour the model's grid gives the cell under data point (x, y); FALSE without a grid. */
gboolean bp_heatmap_color_at (BpHeatmap *self, double x, double y, GdkRGBA *out);

G_END_DECLS
