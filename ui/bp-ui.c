/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-ui.h"

#include "bp-resources.h"

void
bp_ui_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      /* Manual registration keeps the resource object linked in from the static library. */
      bp_register_resource ();
      g_once_init_leave (&once, 1);
    }
}

void
bp_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
