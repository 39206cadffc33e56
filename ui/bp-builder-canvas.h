/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's canvas: draws the graph's blocks, ports and wires with what the live shape
 * report says about each block (output shape, parameters, red with the engine's message), and
 * turns pointer gestures into edit requests: a palette kind dropped (GtkDropTarget), blocks
 * moved, a wire dragged from port to port, selection by click, Shift/Ctrl+click and Shift+drag,
 * Del, Ctrl+scroll zoom, pan by dragging the background (or scrolling).
 *
 * The canvas never edits the graph: it emits a signal and its owner (the page) makes the edit,
 * records it for undo, and hands the new graph back with bp_builder_canvas_set_graph. */
#pragma once

#include <gtk/gtk.h>

#include "bp-graph-report.h"
#include "bp-graph.h"

G_BEGIN_DECLS

#define BP_TYPE_BUILDER_CANVAS (bp_builder_canvas_get_type ())
G_DECLARE_FINAL_TYPE (BpBuilderCanvas, bp_builder_canvas, BP, BUILDER_CANVAS, GtkWidget)

/* Signals:
 *  "drop-block" (int kind, double x, double y): a palette kind (bp_layer_kind, or
 *     BP_BLOCK_INPUT) dropped with its top-left corner at (x, y) in canvas units.
 *  "wire" (int from, int to, int port, int old_to, int old_port): a wire dragged from from's
 *     output to port `port` of to; to is 0 when it was dropped on nothing. old_to/old_port
 *     name the port it was pulled out of (old_to 0 for a new wire).
 *  "move-selection" (double dx, double dy): the selected blocks dragged by (dx, dy) canvas
 *     units.
 *  "delete-selection" (): Del or BackSpace.
 *  "selection-changed" ().
 *  "view-changed" (): zoomed or panned. */

GtkWidget *bp_builder_canvas_new (void);

/* Shows g as r describes it. Both are borrowed: keep them alive and unchanged until the next
 * call (or dispose). Selected blocks no longer in g are dropped from the selection. */
void bp_builder_canvas_set_graph (BpBuilderCanvas *self, const bp_graph *g,
                                  const bp_graph_report *r);

/* Selection (block ids) */
gboolean bp_builder_canvas_is_selected (BpBuilderCanvas *self, int id);
int bp_builder_canvas_get_selection (BpBuilderCanvas *self, int *ids, int max);
/* Selects id (0: nothing); with add, adds it to the selection instead. */
void bp_builder_canvas_select (BpBuilderCanvas *self, int id, gboolean add);
void bp_builder_canvas_select_all (BpBuilderCanvas *self);

/* The view: widget = canvas * zoom + offset. Zoom is 0.25 to 2.5. */
double bp_builder_canvas_get_zoom (BpBuilderCanvas *self);
/* Zooms keeping the canvas point under widget point (wx, wy) in place. */
void bp_builder_canvas_set_zoom (BpBuilderCanvas *self, double zoom, double wx, double wy);
/* Shows every block, at zoom 1 at most (at the next size allocation if there is none yet). */
void bp_builder_canvas_zoom_to_fit (BpBuilderCanvas *self);
void bp_builder_canvas_to_widget (BpBuilderCanvas *self, double x, double y, double *wx,
                                  double *wy);
void bp_builder_canvas_to_canvas (BpBuilderCanvas *self, double wx, double wy, double *x,
                                  double *y);

/* The block under a widget point, or 0. */
int bp_builder_canvas_block_at (BpBuilderCanvas *self, double wx, double wy);
/* A block's rectangle and its ports' centres in widget coordinates; FALSE for no such block. */
gboolean bp_builder_canvas_block_rect (BpBuilderCanvas *self, int id, graphene_rect_t *out);
gboolean bp_builder_canvas_in_port (BpBuilderCanvas *self, int id, int port, double *wx,
                                    double *wy);
gboolean bp_builder_canvas_out_port (BpBuilderCanvas *self, int id, double *wx, double *wy);

/* The fill colour a block is drawn with (red for a bad block). */
void bp_builder_canvas_block_color (BpBuilderCanvas *self, int id, GdkRGBA *out);

G_END_DECLS
