/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDrawPad: a 28x28 canvas to draw on with the mouse (a soft round brush, white on black as
 * MNIST-style images are), for asking a trained model what it sees. "changed" is emitted as
 * the drawing changes; right click clears. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_DRAW_PAD_SIZE 28

#define BP_TYPE_DRAW_PAD (bp_draw_pad_get_type ())
G_DECLARE_FINAL_TYPE (BpDrawPad, bp_draw_pad, BP, DRAW_PAD, GtkWidget)

GtkWidget *bp_draw_pad_new (void);

/* The pixels, row by row from the top, in [0, 1]: 28 * 28 values. */
const float *bp_draw_pad_get_pixels (BpDrawPad *self);
void bp_draw_pad_set_pixels (BpDrawPad *self, const float *pixels);
void bp_draw_pad_clear (BpDrawPad *self);
/* Draws a stroke from (x0, y0) to (x1, y1) in pixel units (0 … 28), as the mouse does. */
void bp_draw_pad_stroke (BpDrawPad *self, double x0, double y0, double x1, double y1);

G_END_DECLS
