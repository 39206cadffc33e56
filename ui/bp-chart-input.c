/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pointer on a BpChart: hover read-out, scroll zoom, box zoom, pan, double-click reset and
 * the context menu (reset, log axes, exports). */
#include "bp-config.h"

#include "bp-chart-private.h"

#include "bp-palette.h"

#include <math.h>

void _bp_chart_export_action (GtkWidget *widget, const char *name, GVariant *param);

static gboolean
in_plot (BpChart *self, double x, double y)
{
  const graphene_rect_t *r = &self->geo.plot;

  return self->geo.valid && x >= r->origin.x && x <= r->origin.x + r->size.width
         && y >= r->origin.y && y <= r->origin.y + r->size.height;
}

/* Fixes the current view as the user's, so zoom and pan start from what is on screen. */
void
_bp_chart_take_view (BpChart *self)
{
  self->ux0 = self->geo.vx0;
  self->ux1 = self->geo.vx1;
  self->uy0 = self->geo.vy0;
  self->uy1 = self->geo.vy1;
}

static void
on_motion (GtkEventControllerMotion *c, double x, double y, BpChart *self)
{
  self->hover = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *c, BpChart *self)
{
  self->hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *c, double dx, double dy, BpChart *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (c));
  gboolean zoom_x = !(mods & GDK_SHIFT_MASK) || (mods & GDK_CONTROL_MASK);
  gboolean zoom_y = (mods & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  double f = pow (1.15, dy), ax, ay;

  if (!in_plot (self, self->hover_x, self->hover_y) || dy == 0)
    return FALSE;
  _bp_chart_take_view (self);
  ax = _bp_chart_ax (&self->geo, self->hover_x);
  ay = _bp_chart_ay (&self->geo, self->hover_y);
  /* Zoom about the pointer: the value under it stays under it. */
  if (zoom_x)
    {
      self->ux0 = ax + (self->ux0 - ax) * f;
      self->ux1 = ax + (self->ux1 - ax) * f;
      self->user_x = TRUE;
    }
  if (zoom_y)
    {
      self->uy0 = ay + (self->uy0 - ay) * f;
      self->uy1 = ay + (self->uy1 - ay) * f;
      self->user_y = TRUE;
    }
  _bp_chart_invalidate (self, TRUE);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, BpChart *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType mods =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (!in_plot (self, x, y) || button == GDK_BUTTON_SECONDARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->dragging = TRUE;
  self->panning = button == GDK_BUTTON_MIDDLE || (mods & GDK_SHIFT_MASK) != 0;
  self->drag_x0 = x;
  self->drag_y0 = y;
  self->drag_dx = self->drag_dy = 0;
  self->pan_vx0 = self->geo.vx0;
  self->pan_vx1 = self->geo.vx1;
  self->pan_vy0 = self->geo.vy0;
  self->pan_vy1 = self->geo.vy1;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, BpChart *self)
{
  const graphene_rect_t *r = &self->geo.plot;

  if (!self->dragging)
    return;
  self->drag_dx = dx;
  self->drag_dy = dy;
  if (!self->panning)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  {
    double sx = (self->pan_vx1 - self->pan_vx0) / r->size.width;
    double sy = (self->pan_vy1 - self->pan_vy0) / r->size.height;

    self->ux0 = self->pan_vx0 - dx * sx;
    self->ux1 = self->pan_vx1 - dx * sx;
    self->uy0 = self->pan_vy0 + dy * sy;
    self->uy1 = self->pan_vy1 + dy * sy;
    self->user_x = self->user_y = TRUE;
    _bp_chart_invalidate (self, TRUE);
  }
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, BpChart *self)
{
  const BpChartGeometry *g = &self->geo;
  const graphene_rect_t *r = &g->plot;
  double x0, x1, y0, y1;

  if (!self->dragging)
    return;
  self->dragging = FALSE;
  if (self->panning)
    return;
  x0 = CLAMP (MIN (self->drag_x0, self->drag_x0 + dx), r->origin.x, r->origin.x + r->size.width);
  x1 = CLAMP (MAX (self->drag_x0, self->drag_x0 + dx), r->origin.x, r->origin.x + r->size.width);
  y0 = CLAMP (MIN (self->drag_y0, self->drag_y0 + dy), r->origin.y, r->origin.y + r->size.height);
  y1 = CLAMP (MAX (self->drag_y0, self->drag_y0 + dy), r->origin.y, r->origin.y + r->size.height);
  _bp_chart_take_view (self);
  /* A box zooms both ways; a flat or narrow one zooms only along its long side. */
  if (x1 - x0 >= 5)
    {
      self->ux0 = _bp_chart_ax (g, x0);
      self->ux1 = _bp_chart_ax (g, x1);
      self->user_x = TRUE;
    }
  if (y1 - y0 >= 5)
    {
      self->uy0 = _bp_chart_ay (g, y1);
      self->uy1 = _bp_chart_ay (g, y0);
      self->user_y = TRUE;
    }
  _bp_chart_invalidate (self, TRUE);
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, BpChart *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (button == GDK_BUTTON_SECONDARY)
    {
      gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                                   &(GdkRectangle) { (int) x, (int) y, 1, 1 });
      gtk_popover_popup (GTK_POPOVER (self->menu));
      return;
    }
  if (button == GDK_BUTTON_PRIMARY && n_press == 2)
    bp_chart_reset_view (self);
}

static void
action_reset_view (GtkWidget *widget, const char *name, GVariant *param)
{
  bp_chart_reset_view (BP_CHART (widget));
}

void
_bp_chart_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chart.reset-view", NULL, action_reset_view);
  gtk_widget_class_install_property_action (widget_class, "chart.log-x", "log-x");
  gtk_widget_class_install_property_action (widget_class, "chart.log-y", "log-y");
  gtk_widget_class_install_action (widget_class, "chart.export-png", NULL,
                                   _bp_chart_export_action);
  gtk_widget_class_install_action (widget_class, "chart.export-svg", NULL,
                                   _bp_chart_export_action);
  gtk_widget_class_install_action (widget_class, "chart.export-csv", NULL,
                                   _bp_chart_export_action);
}

static GMenuModel *
make_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenu) view = g_menu_new ();
  g_autoptr (GMenu) export = g_menu_new ();

  g_menu_append (view, "Reset View", "chart.reset-view");
  g_menu_append (view, "Logarithmic Y", "chart.log-y");
  g_menu_append (view, "Logarithmic X", "chart.log-x");
  g_menu_append (export, "Export Image as PNG…", "chart.export-png");
  g_menu_append (export, "Export Image as SVG…", "chart.export-svg");
  g_menu_append (export, "Export Data as CSV…", "chart.export-csv");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (view));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (export));
  return G_MENU_MODEL (menu);
}

void
_bp_chart_init_input (BpChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  g_autoptr (GMenuModel) model = make_menu ();

  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  _bp_chart_init_keys (self);

  self->menu = gtk_popover_menu_new_from_model (model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, widget);
}

/* ---- the overlay ---- */

static void
append_dot (GtkSnapshot *snapshot, const GdkRGBA *c, double x, double y)
{
  GskRoundedRect rr;

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT ((float) x - 3.5f, (float) y - 3.5f,
                                                             7, 7), 3.5f);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, c, &rr.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
color_hex (const GdkRGBA *c, char *buf, gsize len)
{
  g_snprintf (buf, len, "#%02x%02x%02x", (int) (c->red * 255), (int) (c->green * 255),
              (int) (c->blue * 255));
}

/* Lines of the read-out for the series under the pointer; dots on the points it reads. */
static void
readout (BpChart *self, GtkSnapshot *snapshot, GString *text)
{
  const BpChartGeometry *g = &self->geo;
  double ax = _bp_chart_ax (g, self->hover_x);
  gboolean header = FALSE;

  for (guint k = 0; k < self->series->len; k++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, k);
      const double *x = (const double *) (gpointer) s->x->data;
      const float *y = (const float *) (gpointer) s->y->data;
      char hex[8], vx[32], vy[32];
      gssize i = -1;
      double px = 0, py = 0;

      if (!s->visible || s->x->len == 0)
        continue;
      if (s->style == BP_CHART_POINTS)
        {
          double best = 12 * 12;

          for (guint j = 0; j < s->x->len; j++)
            {
              double qx = _bp_chart_px (g, _bp_chart_axis_x (self, x[j]));
              double qy = _bp_chart_py (g, _bp_chart_axis_y (self, y[j]));
              double d = (qx - self->hover_x) * (qx - self->hover_x)
                         + (qy - self->hover_y) * (qy - self->hover_y);

              if (d < best)
                {
                  best = d;
                  i = j;
                  px = qx;
                  py = qy;
                }
            }
          if (i < 0)
            continue;
        }
      else
        {
          i = _bp_chart_series_nearest (s, self->log_x, ax);
          if (i < 0)
            continue;
          px = _bp_chart_px (g, _bp_chart_axis_x (self, x[i]));
          py = _bp_chart_py (g, _bp_chart_axis_y (self, s->ys->len > (guint) i
                                                         ? g_array_index (s->ys, float, i)
                                                         : y[i]));
          if (fabs (px - self->hover_x) > 40)
            continue; /* nothing of this series near the pointer */
        }
      g_autofree char *esc = g_markup_escape_text (s->name, -1);

      color_hex (&s->color, hex, sizeof hex);
      bp_format_value (x[i], vx, sizeof vx);
      bp_format_value (y[i], vy, sizeof vy);
      if (!header && s->style != BP_CHART_POINTS)
        {
          g_string_append_printf (text, "<b>%s</b>", vx);
          header = TRUE;
        }
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (s->style == BP_CHART_POINTS)
        g_string_append_printf (text, "<span foreground='%s'>●</span> %s  (%s, %s)", hex,
                                esc, vx, vy);
      else if (s->ys->len > (guint) i)
        {
          char vs[32];

          bp_format_value (g_array_index (s->ys, float, i), vs, sizeof vs);
          g_string_append_printf (text, "<span foreground='%s'>●</span> %s  <b>%s</b>  (%s)",
                                  hex, esc, vs, vy);
        }
      else
        g_string_append_printf (text, "<span foreground='%s'>●</span> %s  <b>%s</b>", hex,
                                esc, vy);
      if (isfinite (px) && isfinite (py) && in_plot (self, px, py))
        append_dot (snapshot, &s->color, px, py);
    }
}

void
_bp_chart_snapshot_overlay (BpChart *self, GtkSnapshot *snapshot)
{
  const graphene_rect_t *r = &self->geo.plot;
  GdkRGBA fg, bg;
  g_autoptr (GString) text = NULL;
  g_autoptr (PangoLayout) layout = NULL;
  int w, h;
  double bx, by;

  bp_palette_widget_fg (GTK_WIDGET (self), &fg);
  if (self->dragging && !self->panning)
    {
      double x0 = MIN (self->drag_x0, self->drag_x0 + self->drag_dx);
      double y0 = MIN (self->drag_y0, self->drag_y0 + self->drag_dy);
      graphene_rect_t box = GRAPHENE_RECT_INIT ((float) x0, (float) y0,
                                                (float) fabs (self->drag_dx),
                                                (float) fabs (self->drag_dy));

      graphene_rect_intersection (&box, r, &box);
      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.21f, 0.52f, 0.89f, 0.18f }, &box);
      return;
    }
  if (!self->hover || !in_plot (self, self->hover_x, self->hover_y) || self->dragging)
    return;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.35f },
                             &GRAPHENE_RECT_INIT ((float) round (self->hover_x) - 0.5f,
                                                  r->origin.y, 1, r->size.height));
  text = g_string_new (NULL);
  readout (self, snapshot, text);
  if (text->len == 0)
    return;
  layout = _bp_chart_layout_text (self, NULL, TRUE);
  pango_layout_set_markup (layout, text->str, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  bx = self->hover_x + 14;
  if (bx + w + 12 > r->origin.x + r->size.width)
    bx = self->hover_x - 14 - w - 12;
  by = CLAMP (self->hover_y - h / 2.0 - 6, 0, MAX (0, self->geo.height - h - 12));
  /* The box takes the opposite of the text colour, so it reads in light and dark styles. */
  bg = (GdkRGBA) { 1 - fg.red, 1 - fg.green, 1 - fg.blue, 0.93f };
  {
    GskRoundedRect rr;

    gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT ((float) bx, (float) by,
                                                               (float) w + 12, (float) h + 12),
                                     5);
    gtk_snapshot_push_rounded_clip (snapshot, &rr);
    gtk_snapshot_append_color (snapshot, &bg, &rr.bounds);
    gtk_snapshot_pop (snapshot);
    gtk_snapshot_append_border (snapshot, &rr, (float[]) { 1, 1, 1, 1 },
                                (GdkRGBA[]) { { fg.red, fg.green, fg.blue, 0.2f },
                                              { fg.red, fg.green, fg.blue, 0.2f },
                                              { fg.red, fg.green, fg.blue, 0.2f },
                                              { fg.red, fg.green, fg.blue, 0.2f } });
  }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) bx + 6, (float) by + 6));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}
