/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-draw-pad.h"

#include <math.h>

#define N BP_DRAW_PAD_SIZE
#define BRUSH_RADIUS 1.4 /* pixels: about the width of a pen stroke in MNIST */

struct _BpDrawPad {
  GtkWidget parent_instance;

  float px[N * N];
  double last_x, last_y; /* pixel units, of the drag in progress */
  double drag_x0, drag_y0;
};

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpDrawPad, bp_draw_pad, GTK_TYPE_WIDGET)

static graphene_rect_t
canvas (BpDrawPad *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double side = floor (MIN (w, h) / N) * N;

  return GRAPHENE_RECT_INIT ((float) ((w - side) / 2), (float) ((h - side) / 2), (float) side,
                             (float) side);
}

/* Ink at one point: full inside the radius, fading over one more pixel. */
static void
dab (BpDrawPad *self, double cx, double cy)
{
  for (int y = MAX (0, (int) (cy - 3)); y < MIN (N, (int) (cy + 4)); y++)
    for (int x = MAX (0, (int) (cx - 3)); x < MIN (N, (int) (cx + 4)); x++)
      {
        double d = hypot (x + 0.5 - cx, y + 0.5 - cy);
        double ink = CLAMP (BRUSH_RADIUS + 1 - d, 0, 1);

        self->px[y * N + x] = MAX (self->px[y * N + x], (float) ink);
      }
}

void
bp_draw_pad_stroke (BpDrawPad *self, double x0, double y0, double x1, double y1)
{
  double len;
  int steps;

  g_return_if_fail (BP_IS_DRAW_PAD (self));

  len = hypot (x1 - x0, y1 - y0);
  steps = MAX (1, (int) ceil (len / 0.25));
  for (int i = 0; i <= steps; i++)
    dab (self, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
to_pixels (BpDrawPad *self, double wx, double wy, double *x, double *y)
{
  graphene_rect_t c = canvas (self);

  *x = (wx - c.origin.x) / c.size.width * N;
  *y = (wy - c.origin.y) / c.size.height * N;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, BpDrawPad *self)
{
  self->drag_x0 = x;
  self->drag_y0 = y;
  to_pixels (self, x, y, &self->last_x, &self->last_y);
  bp_draw_pad_stroke (self, self->last_x, self->last_y, self->last_x, self->last_y);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, BpDrawPad *self)
{
  double x, y;

  to_pixels (self, self->drag_x0 + dx, self->drag_y0 + dy, &x, &y);
  bp_draw_pad_stroke (self, self->last_x, self->last_y, x, y);
  self->last_x = x;
  self->last_y = y;
}

static void
on_right_click (GtkGestureClick *gesture, int n_press, double x, double y, BpDrawPad *self)
{
  bp_draw_pad_clear (self);
}

static void
bp_draw_pad_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpDrawPad *self = BP_DRAW_PAD (widget);
  graphene_rect_t c = canvas (self);
  float cell = c.size.width / N;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 }, &c);
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      {
        float v = self->px[y * N + x];

        if (v <= 0)
          continue;
        gtk_snapshot_append_color (snapshot, &(GdkRGBA) { v, v, v, 1 },
                                   &GRAPHENE_RECT_INIT (c.origin.x + x * cell,
                                                        c.origin.y + y * cell, cell, cell));
      }
}

static void
bp_draw_pad_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                     int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = N * 4;
  *natural = N * 10;
}

static void
bp_draw_pad_class_init (BpDrawPadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = bp_draw_pad_snapshot;
  widget_class->measure = bp_draw_pad_measure;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "drawpad");
}

static void
bp_draw_pad_init (BpDrawPad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_right_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

GtkWidget *
bp_draw_pad_new (void)
{
  return g_object_new (BP_TYPE_DRAW_PAD, NULL);
}

const float *
bp_draw_pad_get_pixels (BpDrawPad *self)
{
  g_return_val_if_fail (BP_IS_DRAW_PAD (self), NULL);
  return self->px;
}

void
bp_draw_pad_set_pixels (BpDrawPad *self, const float *pixels)
{
  g_return_if_fail (BP_IS_DRAW_PAD (self));
  g_return_if_fail (pixels != NULL);

  memcpy (self->px, pixels, sizeof self->px);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
bp_draw_pad_clear (BpDrawPad *self)
{
  g_return_if_fail (BP_IS_DRAW_PAD (self));

  memset (self->px, 0, sizeof self->px);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}
