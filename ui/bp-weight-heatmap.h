/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpWeightHeatmap: a dense layer's weight matrix, one row per unit (output) and one column per
 * input, in the diverging colours of the playground (orange negative, blue positive, the
 * middle for zero, scaled to the largest |w|), or as a Hinton diagram (a square per weight,
 * its area the magnitude, white positive and black negative). Hover reads out a weight; units
 * marked dead (ReLU units that never fire) get a red tick on the left. Large matrices are
 * averaged down to the pixels they cover, so a 784-wide layer still draws in one texture. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_WEIGHT_HEATMAP (bp_weight_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (BpWeightHeatmap, bp_weight_heatmap, BP, WEIGHT_HEATMAP, GtkWidget)

GtkWidget *bp_weight_heatmap_new (void);

/* w: (rows, cols), copied; NULL clears. */
void bp_weight_heatmap_set_matrix (BpWeightHeatmap *self, const float *w, int rows, int cols);
void bp_weight_heatmap_set_title (BpWeightHeatmap *self, const char *title);
/* "hinton" property. */
void bp_weight_heatmap_set_hinton (BpWeightHeatmap *self, gboolean hinton);
gboolean bp_weight_heatmap_get_hinton (BpWeightHeatmap *self);
/* TRUE when the squares are drawn: asked for, and each cell at least 3 px wide and high at
 * the present size (otherwise the matrix shows as colours, and the view says why). */
gboolean bp_weight_heatmap_shows_hinton (BpWeightHeatmap *self);
/* dead: (rows) or NULL. */
void bp_weight_heatmap_set_dead (BpWeightHeatmap *self, const gboolean *dead, int rows);

/* The largest |w|, which the colours run to. */
double bp_weight_heatmap_get_scale (BpWeightHeatmap *self);
/* The cell under widget point (x, y); FALSE outside the matrix. */
gboolean bp_weight_heatmap_cell_at (BpWeightHeatmap *self, double x, double y, int *row,
                                    int *col);
/* Where cell (row, col) is drawn, in widget coordinates. */
gboolean bp_weight_heatmap_cell_rect (BpWeightHeatmap *self, int row, int col,
                                      graphene_rect_t *out);

G_END_DECLS
