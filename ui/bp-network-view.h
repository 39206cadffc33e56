/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network as columns of neurons: inputs on the left, hidden layers, outputs on the right.
 * Links are drawn with width by |w| and colour by sign, or by |dL/dw| when show-gradients is
 * on; every hidden neuron shows a thumbnail of its output over the input plane. The + / −
 * buttons ask for more or fewer layers and neurons through signals; the receiver changes the
 * network and calls bp_network_view_set_layout() back. Hover shows values; a click on a link
 * opens an editor for its weight ("weight-edited"). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_NETWORK_VIEW (bp_network_view_get_type ())
G_DECLARE_FINAL_TYPE (BpNetworkView, bp_network_view, BP, NETWORK_VIEW, GtkWidget)

#define BP_NETWORK_VIEW_MAX_COLUMNS 34 /* inputs, up to 32 hidden layers, outputs */

GtkWidget *bp_network_view_new (void);

/* n_columns >= 2 columns of sizes[c] neurons: column 0 the inputs (named by input_names),
 * the last the outputs. Clears weights and thumbnails. */
void bp_network_view_set_layout (BpNetworkView *self, int n_columns, const int *sizes,
                                 const char *const *input_names);
int bp_network_view_get_n_columns (BpNetworkView *self);
int bp_network_view_get_column_size (BpNetworkView *self, int column);

/* The links from column `layer` to column layer + 1: weights (out, in), biases (out) or
 * NULL, |dL/dw| (out, in) or NULL. Copied. */
void bp_network_view_set_weights (BpNetworkView *self, int layer, const float *weights,
                                  const float *biases, const float *grads);
/* Value of one weight as last set (NaN when unknown). */
float bp_network_view_get_weight (BpNetworkView *self, int layer, int out, int in);

/* Bias of neuron `out` of column layer + 1 as last set (NaN when unknown). */
float bp_network_view_get_bias (BpNetworkView *self, int layer, int out);

/* Thumbnails of column `column` (not the output): (size of column, side, side) values over
 * the plane, row 0 at the bottom. Copied. NULL clears them. */
void bp_network_view_set_thumbnails (BpNetworkView *self, int column, const float *values,
                                     int side);
/* A neuron's thumbnail values (side x side) or NULL; *side receives the side. */
const float *bp_network_view_get_thumbnail (BpNetworkView *self, int column, int index,
                                            int *side);

/* Activation name shown under each hidden column ("tanh"). */
void bp_network_view_set_column_caption (BpNetworkView *self, int column, const char *caption);

/* What a click on a hidden column's caption offers (NULL-terminated, e.g. activation names);
 * picking one sets the caption and emits "choice-changed" (column, index). */
void bp_network_view_set_choices (BpNetworkView *self, const char *const *choices);
/* Picks choice index for a hidden column, as the user would. */
void bp_network_view_choose (BpNetworkView *self, int column, int index);

void bp_network_view_set_show_gradients (BpNetworkView *self, gboolean show);
gboolean bp_network_view_get_show_gradients (BpNetworkView *self);
/* With L1 on, weights at zero are drawn as dead links. */
void bp_network_view_set_show_dead (BpNetworkView *self, gboolean show);

/* Paced: new weights and thumbnails mark parts of the drawing stale, and they are redrawn only
 * in the frame after bp_network_view_refresh (): the owner chooses the frames in which the
 * view changes (the playground gives each frame one area of the window). Unpaced (the
 * default), the view brings them up to date over the next frames by itself. */
void bp_network_view_set_paced (BpNetworkView *self, gboolean paced);
/* Paced: the next frame redraws up to `units` stale parts (a part of a layer's links, or a
 * column's thumbnails). Returns whether any was stale (FALSE: nothing to do). */
gboolean bp_network_view_refresh (BpNetworkView *self, int units);

/* Geometry, for tests and pointer scripts: the centre of a neuron and of a link, in widget
 * coordinates. FALSE when out of range or not allocated yet. */
gboolean bp_network_view_neuron_center (BpNetworkView *self, int column, int index, double *x,
                                        double *y);
gboolean bp_network_view_link_center (BpNetworkView *self, int layer, int out, int in,
                                      double *x, double *y);
/* The + or − button of a hidden column (column in 1 .. n_columns - 2), or of the layer count
 * (column -1). */
GtkWidget *bp_network_view_get_button (BpNetworkView *self, int column, gboolean plus);

/* What hovering at (x, y) shows: the tooltip text, or NULL over nothing. */
char *bp_network_view_describe_at (BpNetworkView *self, double x, double y);

/* Opens the weight editor on a link, as a click on it does. */
void bp_network_view_edit_weight (BpNetworkView *self, int layer, int out, int in);

G_END_DECLS
