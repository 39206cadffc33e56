/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A BpChart from the keyboard: + / = and - zoom about the centre, the arrow keys pan, 0 or
 * Home resets the view, Menu or Shift+F10 opens the context menu; and the focus ring that
 * says which chart the keys go to. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

/* One key press zooms by a quarter and pans by a tenth of the view: small enough to aim,
 * large enough that a few presses get somewhere. */
#define ZOOM_STEP 1.25
#define PAN_STEP 0.1

/* Zooms both axes about the middle of the view by f (below 1: in). */
static void
zoom_centre (BpChart *self, double f)
{
  double cx, cy;

  _bp_chart_take_view (self);
  cx = (self->ux0 + self->ux1) / 2;
  cy = (self->uy0 + self->uy1) / 2;
  self->ux0 = cx + (self->ux0 - cx) * f;
  self->ux1 = cx + (self->ux1 - cx) * f;
  self->uy0 = cy + (self->uy0 - cy) * f;
  self->uy1 = cy + (self->uy1 - cy) * f;
  self->user_x = self->user_y = TRUE;
  _bp_chart_invalidate (self, TRUE);
}

/* Moves the view by fx of its width and fy of its height (positive: right, up). */
static void
pan (BpChart *self, double fx, double fy)
{
  double dx, dy;

  _bp_chart_take_view (self);
  dx = (self->ux1 - self->ux0) * fx;
  dy = (self->uy1 - self->uy0) * fy;
  self->ux0 += dx;
  self->ux1 += dx;
  self->uy0 += dy;
  self->uy1 += dy;
  self->user_x = self->user_x || fx != 0;
  self->user_y = self->user_y || fy != 0;
  _bp_chart_invalidate (self, TRUE);
}

/* The context menu, pointing at the middle of the plot (there is no pointer to point at). */
static void
popup_menu (BpChart *self)
{
  const graphene_rect_t *r = &self->geo.plot;

  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) (r->origin.x + r->size.width / 2),
                                                 (int) (r->origin.y + r->size.height / 2), 1,
                                                 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static gboolean
on_key_pressed (GtkEventControllerKey *c, guint keyval, guint keycode, GdkModifierType state,
                BpChart *self)
{
  if (!self->key_focus)
    {
      self->key_focus = TRUE; /* the ring: keys come here */
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  /* Shift is part of "+" on most layouts; Control and Alt belong to the window's keys. */
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || !self->geo.valid)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      zoom_centre (self, 1 / ZOOM_STEP);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_underscore:
    case GDK_KEY_KP_Subtract:
      zoom_centre (self, ZOOM_STEP);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      pan (self, -PAN_STEP, 0);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      pan (self, PAN_STEP, 0);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      pan (self, 0, PAN_STEP);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      pan (self, 0, -PAN_STEP);
      return TRUE;
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      bp_chart_reset_view (self);
      return TRUE;
    case GDK_KEY_Menu:
      popup_menu (self);
      return TRUE;
    case GDK_KEY_F10:
      if ((state & GDK_SHIFT_MASK) == 0)
        return FALSE;
      popup_menu (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_focus_leave (GtkEventControllerFocus *c, BpChart *self)
{
  self->key_focus = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_chart_init_keys (BpChart *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               "Scroll to zoom, drag a box to zoom to it, Shift+drag to pan, "
                               "double-click to reset, right-click for log axes and exports.\n"
                               "Keys, once the chart is focused (click it or Tab to it): + and - "
                               "zoom, the arrow keys pan, 0 or Home resets, Menu or Shift+F10 "
                               "opens the menu.");
}

/* A ring inside the chart's edge while it has the keyboard focus and the keyboard is in use
 * (:focus-visible, or a key has reached the chart since it took the focus: a click gives it
 * the focus, the first key then shows where the keys go), in the blue of Adwaita's own focus
 * rings. No ring for the mouse alone, as GTK's own widgets do. */
void
_bp_chart_snapshot_focus (GtkWidget *widget, GtkSnapshot *snapshot)
{
  const GdkRGBA ring = { 0.21f, 0.52f, 0.89f, 0.7f };
  float w = (float) gtk_widget_get_width (widget), h = (float) gtk_widget_get_height (widget);
  GtkStateFlags state = gtk_widget_get_state_flags (widget);
  GskRoundedRect rr;

  if ((state & GTK_STATE_FLAG_FOCUSED) == 0 || w < 4 || h < 4
      || ((state & GTK_STATE_FLAG_FOCUS_VISIBLE) == 0 && !BP_CHART (widget)->key_focus))
    return;
  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (1, 1, w - 2, h - 2), 6);
  gtk_snapshot_append_border (snapshot, &rr, (float[]) { 2, 2, 2, 2 },
                              (GdkRGBA[]) { ring, ring, ring, ring });
}
