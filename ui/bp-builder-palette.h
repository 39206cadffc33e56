/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's palette: one row per block kind (icon, title, one line). Drag a row onto the
 * canvas (GtkDragSource carrying the kind's spec name as a string: "dense", "input") to add a
 * block there; activate a row (Enter, double-click) to add one after the selection:
 * "activate-kind" (int kind). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_BUILDER_PALETTE (bp_builder_palette_get_type ())
G_DECLARE_FINAL_TYPE (BpBuilderPalette, bp_builder_palette, BP, BUILDER_PALETTE, GtkWidget)

GtkWidget *bp_builder_palette_new (void);

/* The row of a kind (bp_layer_kind, or BP_BLOCK_INPUT), for tests that drag it. */
GtkWidget *bp_builder_palette_get_row (BpBuilderPalette *self, int kind);

/* Makes the program's icons (bp-layer-*-symbolic) findable by the display's icon theme, for
 * windows made without the application (which adds them itself). */
void bp_builder_ensure_icons (GdkDisplay *display);

G_END_DECLS
