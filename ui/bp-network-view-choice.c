/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network view's per-layer choice (the activation of a hidden layer): a click on the
 * caption under a column opens a list of the choices next to it. */
#include "bp-config.h"

#include "bp-network-view-private.h"

static void
on_choice_clicked (GtkButton *button, BpNetworkView *self)
{
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "bp-choice"));
  int column = self->choice_column;

  gtk_popover_popdown (GTK_POPOVER (self->choice_popover));
  if (column >= 1 && column < self->n_columns - 1)
    bp_network_view_choose (self, column, index);
}

void
_bp_nv_choice_init (BpNetworkView *self)
{
  self->choice_popover = gtk_popover_new ();
  self->choice_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_popover_set_child (GTK_POPOVER (self->choice_popover), self->choice_box);
  gtk_widget_add_css_class (self->choice_popover, "menu");
  gtk_widget_set_parent (self->choice_popover, GTK_WIDGET (self));
  self->choice_column = -1;
}

void
_bp_nv_choice_dispose (BpNetworkView *self)
{
  g_clear_pointer (&self->choice_popover, gtk_widget_unparent);
  g_clear_pointer (&self->choices, g_strfreev);
}

/* The caption area of hidden column c: below its neurons, around its name. */
static gboolean
caption_at (BpNetworkView *self, double x, double y, int *column)
{
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->choices == NULL || y < h - BP_NV_FOOTER_H - 4)
    return FALSE;
  for (int c = 1; c < self->n_columns - 1; c++)
    {
      double cx, cy;

      if (_bp_nv_neuron_pos (self, c, 0, &cx, &cy) && x >= cx - 32 && x <= cx + 32)
        {
          *column = c;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
_bp_nv_choice_pressed (BpNetworkView *self, double x, double y)
{
  int column, h = gtk_widget_get_height (GTK_WIDGET (self));
  double cx, cy;
  GtkWidget *child;

  if (!caption_at (self, x, y, &column))
    return FALSE;
  while ((child = gtk_widget_get_first_child (self->choice_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->choice_box), child);
  for (int i = 0; self->choices[i] != NULL; i++)
    {
      GtkWidget *b = gtk_button_new_with_label (self->choices[i]);

      gtk_widget_add_css_class (b, "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (b))), 0);
      g_object_set_data (G_OBJECT (b), "bp-choice", GINT_TO_POINTER (i));
      g_signal_connect (b, "clicked", G_CALLBACK (on_choice_clicked), self);
      gtk_box_append (GTK_BOX (self->choice_box), b);
    }
  self->choice_column = column;
  _bp_nv_neuron_pos (self, column, 0, &cx, &cy);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->choice_popover),
                               &(GdkRectangle) { (int) cx - 20, h - (int) BP_NV_FOOTER_H, 40,
                                                 (int) BP_NV_FOOTER_H });
  gtk_popover_set_position (GTK_POPOVER (self->choice_popover), GTK_POS_TOP);
  gtk_popover_popup (GTK_POPOVER (self->choice_popover));
  return TRUE;
}

void
bp_network_view_set_choices (BpNetworkView *self, const char *const *choices)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));

  g_strfreev (self->choices);
  self->choices = g_strdupv ((char **) choices);
}

void
bp_network_view_choose (BpNetworkView *self, int column, int index)
{
  g_return_if_fail (BP_IS_NETWORK_VIEW (self));
  g_return_if_fail (self->choices != NULL);
  g_return_if_fail (column >= 1 && column < self->n_columns - 1);
  g_return_if_fail (index >= 0 && index < (int) g_strv_length (self->choices));

  bp_network_view_set_column_caption (self, column, self->choices[index]);
  _bp_nv_emit_choice (self, column, index);
}
