/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-builder-rows.h"

#include <math.h>

GtkWidget *
bp_row_spin (const char *title, const char *range, double min, double max, double step,
             int digits, GtkSpinButton **spin)
{
  GtkWidget *row = adw_action_row_new ();
  GtkAdjustment *adj = gtk_adjustment_new (min, min, max, step, step * 10, 0);
  GtkWidget *button = gtk_spin_button_new (adj, step, (guint) digits);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (range != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), range);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (button), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (button), digits > 3 ? 9 : 7);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  *spin = GTK_SPIN_BUTTON (button);
  return row;
}

GtkWidget *
bp_row_switch (const char *title, const char *subtitle, GtkSwitch **sw)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *s = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (s, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), s);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), s);
  *sw = GTK_SWITCH (s);
  return row;
}

GtkWidget *
bp_row_combo (const char *title, const char *subtitle, const char *const *titles, int n)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *list = gtk_string_list_new (NULL);

  for (int i = 0; i < n; i++)
    gtk_string_list_append (list, titles[i]);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  g_object_unref (list);
  return row;
}

void
bp_spin_set (GtkSpinButton *spin, double value)
{
  if (fabs (gtk_spin_button_get_value (spin) - value) > 1e-12 * MAX (1.0, fabs (value)))
    gtk_spin_button_set_value (spin, value);
}
