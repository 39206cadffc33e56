/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small row makers shared by the builder's inspector and settings panel: a titled row with
 * its allowed range as subtitle and a spin button, switch or drop-down for the value. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* An AdwActionRow with a spin button as suffix (returned in *spin). */
GtkWidget *bp_row_spin (const char *title, const char *range, double min, double max,
                        double step, int digits, GtkSpinButton **spin);
/* An AdwActionRow with a switch (activating the row flips it). */
GtkWidget *bp_row_switch (const char *title, const char *subtitle, GtkSwitch **sw);
/* An AdwComboRow over n titles. */
GtkWidget *bp_row_combo (const char *title, const char *subtitle, const char *const *titles,
                         int n);
/* Sets a spin button's value without running its value-changed handlers' edits: callers
 * guard with their own flag; this only avoids a redundant set. */
void bp_spin_set (GtkSpinButton *spin, double value);

G_END_DECLS
