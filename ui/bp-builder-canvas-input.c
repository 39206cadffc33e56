/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canvas's gestures. One drag gesture on the primary button decides what a press means by
 * what is under it: an output port starts a wire; a wired input port pulls its wire out (drop it
 * on another port to move it, on nothing to remove it); a free input port starts a wire
 * backwards; a block selects and moves (Shift or Ctrl adds to the selection); the background
 * pans (Shift: a selection rectangle; a click clears the selection). The middle button always
 * pans; Ctrl+scroll zooms around the pointer, plain scrolling pans. Palette kinds arrive as
 * strings ("dense") through a GtkDropTarget. */
#include "bp-config.h"

#include "bp-builder-canvas-private.h"
#include "bp-builder-kinds.h"

#include <math.h>
#include <string.h>

#define CLICK_SLOP 3.0 /* pixels a press may wander and still be a click */

int
_bp_canvas_port_at (BpBuilderCanvas *self, double wx, double wy, gboolean *is_out, int *port)
{
  const bp_graph *g = self->graph;
  double hit = MAX (BP_CANVAS_PORT_HIT, (BP_CANVAS_PORT_R + 4) * self->zoom);

  if (g == NULL)
    return 0;
  for (int i = g->n_nodes - 1; i >= 0; i--)
    {
      const bp_graph_node *n = &g->nodes[i];
      double x, y;

      bp_graph_out_port_pos (n, &x, &y);
      bp_builder_canvas_to_widget (self, x, y, &x, &y);
      if (hypot (x - wx, y - wy) <= hit)
        {
          *is_out = TRUE;
          *port = 0;
          return n->id;
        }
      for (int p = 0; p < bp_graph_n_in_ports (n); p++)
        {
          bp_graph_in_port_pos (n, p, &x, &y);
          bp_builder_canvas_to_widget (self, x, y, &x, &y);
          if (hypot (x - wx, y - wy) <= hit)
            {
              *is_out = FALSE;
              *port = p;
              return n->id;
            }
        }
    }
  return 0;
}

/* Where a wire being dragged would go: for a forward wire an input port (or any block with
 * one, meaning its first port), for a backward wire an output. Loops are not offered. */
static void
update_wire_target (BpBuilderCanvas *self, double wx, double wy)
{
  gboolean is_out;
  int port = 0, id = _bp_canvas_port_at (self, wx, wy, &is_out, &port);

  self->hover_to = self->hover_port = 0;
  if (self->wire_from != 0)
    {
      if (id != 0 && is_out)
        id = 0;
      if (id == 0)
        {
          const bp_graph_node *n;
          id = bp_builder_canvas_block_at (self, wx, wy);
          n = id != 0 ? bp_graph_find (self->graph, id) : NULL;
          if (n == NULL || bp_graph_n_in_ports (n) == 0)
            id = 0;
          port = 0;
        }
      if (id != 0 && !bp_graph_reaches (self->graph, self->wire_from, id))
        {
          self->hover_to = id;
          self->hover_port = port;
        }
    }
  else
    {
      if (id != 0 && !is_out)
        id = 0;
      if (id == 0)
        id = bp_builder_canvas_block_at (self, wx, wy);
      if (id != 0 && !bp_graph_reaches (self->graph, id, self->wire_to))
        self->hover_to = id;
    }
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, BpBuilderCanvas *self)
{
  GdkModifierType mods =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (mods & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  gboolean is_out = FALSE;
  int port = 0, id;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x0 = x;
  self->drag_y0 = y;
  self->drag_dx = self->drag_dy = 0;
  self->hover_to = self->hover_port = 0;
  self->old_to = self->old_port = 0;
  self->wire_from = self->wire_to = self->wire_port = 0;
  if (self->graph == NULL)
    {
      self->drag = BP_DRAG_NONE;
      return;
    }

  id = _bp_canvas_port_at (self, x, y, &is_out, &port);
  if (id != 0)
    {
      self->drag = BP_DRAG_WIRE;
      if (is_out)
        self->wire_from = id;
      else if ((self->wire_from = bp_graph_source_of (self->graph, id, port)) != 0)
        {
          self->old_to = id;
          self->old_port = port;
        }
      else
        {
          self->wire_to = id;
          self->wire_port = port;
        }
      update_wire_target (self, x, y);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  id = bp_builder_canvas_block_at (self, x, y);
  if (id != 0)
    {
      self->drag = BP_DRAG_MOVE;
      self->click_block = id;
      self->click_toggle = FALSE;
      if (extend && bp_builder_canvas_is_selected (self, id))
        self->click_toggle = TRUE;
      else if (!bp_builder_canvas_is_selected (self, id))
        bp_builder_canvas_select (self, id, extend);
      return;
    }
  if (extend)
    self->drag = BP_DRAG_BAND;
  else
    {
      self->drag = BP_DRAG_PAN;
      self->pan_x0 = self->offset_x;
      self->pan_y0 = self->offset_y;
    }
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, BpBuilderCanvas *self)
{
  self->drag_dx = dx;
  self->drag_dy = dy;
  switch (self->drag)
    {
    case BP_DRAG_PAN:
      self->offset_x = self->pan_x0 + dx;
      self->offset_y = self->pan_y0 + dy;
      self->fit_pending = FALSE;
      break;
    case BP_DRAG_WIRE:
      update_wire_target (self, self->drag_x0 + dx, self->drag_y0 + dy);
      break;
    default:
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
select_band (BpBuilderCanvas *self)
{
  double x0, y0, x1, y1;

  bp_builder_canvas_to_canvas (self, MIN (self->drag_x0, self->drag_x0 + self->drag_dx),
                               MIN (self->drag_y0, self->drag_y0 + self->drag_dy), &x0, &y0);
  bp_builder_canvas_to_canvas (self, MAX (self->drag_x0, self->drag_x0 + self->drag_dx),
                               MAX (self->drag_y0, self->drag_y0 + self->drag_dy), &x1, &y1);
  for (int i = 0; i < self->graph->n_nodes; i++)
    {
      const bp_graph_node *n = &self->graph->nodes[i];
      if (n->x < x1 && n->x + BP_GRAPH_BLOCK_W > x0 && n->y < y1 && n->y + BP_GRAPH_BLOCK_H > y0)
        g_hash_table_add (self->selection, GINT_TO_POINTER (n->id));
    }
  g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_SELECTION_CHANGED], 0);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, BpBuilderCanvas *self)
{
  BpDragMode mode = self->drag;
  gboolean click = hypot (dx, dy) < CLICK_SLOP;

  self->drag_dx = dx;
  self->drag_dy = dy;
  self->drag = BP_DRAG_NONE;
  switch (mode)
    {
    case BP_DRAG_MOVE:
      if (!click)
        g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_MOVE_SELECTION], 0,
                       round (dx / self->zoom), round (dy / self->zoom));
      else if (self->click_toggle)
        {
          g_hash_table_remove (self->selection, GINT_TO_POINTER (self->click_block));
          g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_SELECTION_CHANGED], 0);
        }
      break;
    case BP_DRAG_WIRE:
      update_wire_target (self, self->drag_x0 + dx, self->drag_y0 + dy);
      if (self->wire_from != 0)
        {
          gboolean same = self->hover_to == self->old_to && self->hover_port == self->old_port;
          if (!same && (self->hover_to != 0 || self->old_to != 0))
            g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_WIRE], 0, self->wire_from,
                           self->hover_to, self->hover_port, self->old_to, self->old_port);
        }
      else if (self->hover_to != 0)
        g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_WIRE], 0, self->hover_to,
                       self->wire_to, self->wire_port, 0, 0);
      break;
    case BP_DRAG_PAN:
      if (click && g_hash_table_size (self->selection) > 0)
        bp_builder_canvas_select (self, 0, FALSE);
      else if (!click)
        _bp_canvas_view_changed (self);
      break;
    case BP_DRAG_BAND:
      select_band (self);
      break;
    case BP_DRAG_NONE:
    default:
      break;
    }
  self->hover_to = self->hover_port = 0;
  self->old_to = self->old_port = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pan_begin (GtkGestureDrag *gesture, double x, double y, BpBuilderCanvas *self)
{
  self->pan_x0 = self->offset_x;
  self->pan_y0 = self->offset_y;
}

static void
on_pan_update (GtkGestureDrag *gesture, double dx, double dy, BpBuilderCanvas *self)
{
  self->offset_x = self->pan_x0 + dx;
  self->offset_y = self->pan_y0 + dy;
  self->fit_pending = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pan_end (GtkGestureDrag *gesture, double dx, double dy, BpBuilderCanvas *self)
{
  _bp_canvas_view_changed (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, BpBuilderCanvas *self)
{
  GdkModifierType mods =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (mods & GDK_CONTROL_MASK)
    {
      bp_builder_canvas_set_zoom (self, self->zoom * exp (-dy * (wheel ? 0.15 : 0.01)),
                                  self->pointer_x, self->pointer_y);
      return TRUE;
    }
  if (mods & GDK_SHIFT_MASK && dx == 0)
    dx = dy, dy = 0;
  self->offset_x -= dx * (wheel ? 40 : 1);
  self->offset_y -= dy * (wheel ? 40 : 1);
  _bp_canvas_view_changed (self);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, BpBuilderCanvas *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static gboolean
kind_from_string (const char *s, int *kind)
{
  bp_layer_kind k;

  if (s == NULL)
    return FALSE;
  if (strcmp (s, "input") == 0)
    {
      *kind = BP_BLOCK_INPUT;
      return TRUE;
    }
  if (!bp_layer_kind_from_name (s, &k))
    return FALSE;
  *kind = (int) k;
  return TRUE;
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, BpBuilderCanvas *self)
{
  double cx, cy;
  int kind;

  self->drop_hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!G_VALUE_HOLDS_STRING (value) || !kind_from_string (g_value_get_string (value), &kind))
    return FALSE;
  bp_builder_canvas_to_canvas (self, x, y, &cx, &cy);
  g_signal_emit (self, _bp_canvas_signals[BP_CANVAS_SIGNAL_DROP_BLOCK], 0, kind,
                 round (cx - BP_GRAPH_BLOCK_W / 2), round (cy - BP_GRAPH_BLOCK_H / 2));
  gtk_widget_grab_focus (GTK_WIDGET (self));
  return TRUE;
}

static GdkDragAction
on_drop_motion (GtkDropTarget *target, double x, double y, BpBuilderCanvas *self)
{
  self->drop_hover = TRUE;
  self->drop_x = x;
  self->drop_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return GDK_ACTION_COPY;
}

static void
on_drop_leave (GtkDropTarget *target, BpBuilderCanvas *self)
{
  self->drop_hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_canvas_setup_input (BpBuilderCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new (), *pan = gtk_gesture_drag_new ();
  GtkEventController *scroll, *motion;
  GtkDropTarget *drop;

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (pan), GDK_BUTTON_MIDDLE);
  g_signal_connect (pan, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (pan, "drag-update", G_CALLBACK (on_pan_update), self);
  g_signal_connect (pan, "drag-end", G_CALLBACK (on_pan_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pan));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect (drop, "motion", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (drop, "enter", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (drop, "leave", G_CALLBACK (on_drop_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
