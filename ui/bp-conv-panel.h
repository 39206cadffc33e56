/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpConvPanel: the dashboard's Convolutions part, for networks that have conv layers. On the
 * left a strip of test images (one per class) to pick from, a small drawing pad, what the
 * network predicts for the picture, and the first conv layer's filters (BpFilterView); on the
 * right the picture's feature maps through every conv and pooling layer (BpFeatureMaps).
 *
 * It never touches the session: its owner feeds it snapshots (the filters, and the feature
 * maps of the picked test image, which the owner asks the session for by row) and copies of
 * the network (BpModelView: the feature maps of a drawing, computed here on that copy). Each
 * view redraws into one image per update, so a live update costs little. */
#pragma once

#include <gtk/gtk.h>

#include "bp-dashboard-model.h"
#include "bp-data-explorer-source.h"
#include "bp-draw-pad.h"
#include "bp-feature-maps.h"
#include "bp-filter-view.h"
#include "engine/snapshot.h"
#include "engine/spec.h"

G_BEGIN_DECLS

#define BP_TYPE_CONV_PANEL (bp_conv_panel_get_type ())
G_DECLARE_FINAL_TYPE (BpConvPanel, bp_conv_panel, BP, CONV_PANEL, GtkWidget)

GtkWidget *bp_conv_panel_new (void);

/* TRUE when spec has a conv2d layer: the part is worth showing. */
gboolean bp_spec_has_conv (const bp_spec *spec);

/* The data the network trains on (the strip shows one test image per class, the first one
 * picked) and its network (for the layers' descriptions; copied). NULLs clear. */
void bp_conv_panel_set_network (BpConvPanel *self, BpDataSource *src, const bp_spec *spec);

/* Whether the drawing pad is offered (TRUE by default; FALSE when no copies of the network
 * will come to draw through, as for a run the dashboard follows). Applies at once and to the
 * next set_network. */
void bp_conv_panel_set_drawing_allowed (BpConvPanel *self, gboolean allowed);

/* The dataset row whose feature maps are wanted, or -1 while the input is a drawing. Changes
 * are announced by "input-changed". */
gint64 bp_conv_panel_get_row (BpConvPanel *self);
/* Picks dataset row `row` as the input (as a click on the strip does). */
void bp_conv_panel_set_row (BpConvPanel *self, gint64 row);

/* A snapshot of the training (copied, not kept): the first conv layer's filters, and the
 * picked row's feature maps and prediction when the snapshot carries that row. */
void bp_conv_panel_show_snapshot (BpConvPanel *self, const bp_snapshot *sn);
/* A copy of the network: drawings go through it (NULL: none yet). */
void bp_conv_panel_set_model (BpConvPanel *self, BpModelView *model);

/* The parts, for tests. */
BpFilterView *bp_conv_panel_get_filter_view (BpConvPanel *self);
BpFeatureMaps *bp_conv_panel_get_feature_maps (BpConvPanel *self);
BpDrawPad *bp_conv_panel_get_draw_pad (BpConvPanel *self);
/* The line under the inputs: what the picture is and what the network says. */
const char *bp_conv_panel_get_input_text (BpConvPanel *self);

G_END_DECLS
