/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpBuilderCanvas's insides, shared by its drawing (bp-builder-canvas-draw.c) and its
 * gestures (bp-builder-canvas-input.c). */
#pragma once

#include "bp-builder-canvas.h"

G_BEGIN_DECLS

#define BP_CANVAS_ZOOM_MIN 0.25
#define BP_CANVAS_ZOOM_MAX 2.5
#define BP_CANVAS_PORT_R 6.0     /* port radius, canvas units */
#define BP_CANVAS_PORT_HIT 11.0  /* hit radius around a port, widget pixels at least */

typedef enum {
  BP_DRAG_NONE,
  BP_DRAG_MOVE,   /* the selection follows the pointer */
  BP_DRAG_WIRE,   /* a wire from an output port (or to an input port) follows it */
  BP_DRAG_PAN,    /* the view follows it */
  BP_DRAG_BAND,   /* a selection rectangle */
} BpDragMode;

enum {
  BP_CANVAS_SIGNAL_DROP_BLOCK,
  BP_CANVAS_SIGNAL_WIRE,
  BP_CANVAS_SIGNAL_MOVE_SELECTION,
  BP_CANVAS_SIGNAL_DELETE_SELECTION,
  BP_CANVAS_SIGNAL_SELECTION_CHANGED,
  BP_CANVAS_SIGNAL_VIEW_CHANGED,
  BP_CANVAS_N_SIGNALS
};

extern guint _bp_canvas_signals[BP_CANVAS_N_SIGNALS];

struct _BpBuilderCanvas {
  GtkWidget parent_instance;

  const bp_graph *graph;          /* borrowed */
  const bp_graph_report *report;  /* borrowed */
  GHashTable *selection;          /* block id -> itself */

  double zoom, offset_x, offset_y; /* widget = canvas * zoom + offset */
  gboolean fit_pending;

  /* The drag in progress */
  BpDragMode drag;
  double drag_x0, drag_y0;  /* where it began, widget */
  double drag_dx, drag_dy;  /* how far it went, widget */
  double pan_x0, pan_y0;    /* offset when a pan began */
  int wire_from;            /* WIRE: the block whose output the wire leaves, or 0 */
  int wire_to, wire_port;   /* WIRE backwards: the input port it is pulled from (to, port) */
  int old_to, old_port;     /* WIRE: the port a wire was pulled out of */
  int hover_to, hover_port; /* WIRE: the port under the pointer that would take it */
  int click_block;          /* MOVE: the block pressed; toggled off on a click with Ctrl */
  gboolean click_toggle;
  double pointer_x, pointer_y; /* last pointer position over the canvas, widget */
  gboolean drop_hover;      /* a palette kind is being dragged over the canvas */
  double drop_x, drop_y;

  PangoLayout *layout;      /* reused for all text */
};

/* bp-builder-canvas-draw.c */
void _bp_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot);
void _bp_canvas_state_color (BpBuilderCanvas *self, int index, GdkRGBA *fill, GdkRGBA *border);
gboolean _bp_canvas_is_dark (BpBuilderCanvas *self);

/* bp-builder-canvas.c */
void _bp_canvas_view_changed (BpBuilderCanvas *self);

/* bp-builder-canvas-input.c */
void _bp_canvas_setup_input (BpBuilderCanvas *self);
/* The output port (*is_out TRUE) or input port near widget point (wx, wy); 0 when none. */
int _bp_canvas_port_at (BpBuilderCanvas *self, double wx, double wy, gboolean *is_out, int *port);

G_END_DECLS
