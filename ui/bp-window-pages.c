/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's pages by keyboard: Alt+1..4 picks one, Ctrl+Page Up/Down the previous or next
 * (wrapping), in the switcher's order, skipping hidden pages. From a capture-phase controller,
 * so a focused scrolled window or table does not keep Ctrl+Page Up/Down for itself. */
#include "bp-config.h"

#include "bp-window-private.h"

static void
show_page_at (BpWindow *self, int index, int delta)
{
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));
  g_autoptr (GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  const char *current = adw_view_stack_get_visible_child_name (self->view_stack);
  int at = 0;

  for (guint i = 0; i < n; i++)
    {
      AdwViewStackPage *page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (!adw_view_stack_page_get_visible (page))
        {
          g_object_unref (page);
          continue;
        }
      if (g_strcmp0 (adw_view_stack_page_get_name (page), current) == 0)
        at = (int) shown->len;
      g_ptr_array_add (shown, page);
    }
  if (shown->len == 0)
    return;
  if (delta != 0)
    index = ((at + delta) % (int) shown->len + (int) shown->len) % (int) shown->len;
  if (index < 0 || index >= (int) shown->len)
    return;
  adw_view_stack_set_visible_child (
    self->view_stack, adw_view_stack_page_get_child (g_ptr_array_index (shown, index)));
}

static void
action_show_page (GtkWidget *widget, const char *name, GVariant *param)
{
  show_page_at (BP_WINDOW (widget), g_variant_get_int32 (param) - 1, 0);
}

static void
action_page_step (GtkWidget *widget, const char *name, GVariant *param)
{
  show_page_at (BP_WINDOW (widget), 0, g_str_equal (name, "win.next-page") ? 1 : -1);
}

void
_bp_window_pages_init (BpWindow *self)
{
  GtkEventController *c = gtk_shortcut_controller_new ();
  static const guint digits[] = { GDK_KEY_1, GDK_KEY_2, GDK_KEY_3, GDK_KEY_4 };

  gtk_event_controller_set_propagation_phase (c, GTK_PHASE_CAPTURE);
  for (int i = 0; i < (int) G_N_ELEMENTS (digits); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (c),
      gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (digits[i], GDK_ALT_MASK),
                                       gtk_named_action_new ("win.show-page"), "i", i + 1));
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (c),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Down, GDK_CONTROL_MASK),
                      gtk_named_action_new ("win.next-page")));
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (c),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Up, GDK_CONTROL_MASK),
                      gtk_named_action_new ("win.previous-page")));
  gtk_widget_add_controller (GTK_WIDGET (self), c);
}

void
_bp_window_pages_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-page", "i", action_show_page);
  gtk_widget_class_install_action (widget_class, "win.next-page", NULL, action_page_step);
  gtk_widget_class_install_action (widget_class, "win.previous-page", NULL, action_page_step);
}
