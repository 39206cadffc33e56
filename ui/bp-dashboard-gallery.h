/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Evaluation part's gallery (bp-dashboard-gallery.c), for bp-dashboard-eval.c. */
#pragma once

#include "bp-dashboard.h"

G_BEGIN_DECLS

/* Fills the gallery with the rows of cell (t, p) of the dashboard's evaluation, or with its
 * mistakes when t < 0; more come as it scrolls down. */
void _bp_dashboard_gallery_fill (BpDashboard *self, int t, int p);
void _bp_dashboard_gallery_init (BpDashboard *self);
void _bp_dashboard_gallery_dispose (BpDashboard *self);

/* Removes every child of a box, grid or flow box (bp-dashboard-eval.c). */
void _bp_dashboard_clear_children (GtkWidget *w);

G_END_DECLS
