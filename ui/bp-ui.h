/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry points of the UI library that do not belong to one widget. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the compiled resources (templates, CSS, icons) and the widget types the
 * templates name. Safe to call more than once; call before building any Bp widget. */
void bp_ui_init (void);

G_END_DECLS

G_BEGIN_DECLS
/* Unparents every child of a widget that lays out its own children (GtkWidget subclasses
 * with a layout manager must do this in dispose). */
void bp_widget_unparent_children (GtkWidget *widget);
G_END_DECLS
