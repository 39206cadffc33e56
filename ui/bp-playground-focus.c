/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keeping the keys that drive training: a click does not leave the focus in a spin button's
 * + and − or a drop-down, and a slider clicked takes the arrow keys but not Space (see
 * _bp_pg_no_focus_on_click). */
#include "bp-config.h"

#include "bp-playground.h"

#include "bp-ui.h"

#include "bp-playground-private.h"

/* Where the focus was before a press on a control that takes it anyway. */
typedef struct {
  GtkWidget *before; /* owned; NULL when nothing had the focus */
  gboolean armed;    /* a press is being handled: give the focus back */
} FocusBack;

static void
focus_back_free (gpointer data)
{
  FocusBack *fb = data;

  g_clear_object (&fb->before);
  g_free (fb);
}

static gboolean
give_focus_back (gpointer data)
{
  GtkWidget *control = data;
  FocusBack *fb = g_object_get_data (G_OBJECT (control), "bp-focus-back");
  GtkRoot *root = gtk_widget_get_root (control);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (fb != NULL && fb->armed && root != NULL
      && (focus == NULL || focus == control || gtk_widget_is_ancestor (focus, control)))
    gtk_root_set_focus (root, fb->before != NULL && gtk_widget_get_root (fb->before) == root
                                ? fb->before : NULL);
  if (fb != NULL)
    {
      fb->armed = FALSE;
      g_clear_object (&fb->before);
    }
  g_object_unref (control);
  return G_SOURCE_REMOVE;
}

/* A spin button's + and − take the focus on any press, and a drop-down's menu gives it to the
 * drop-down when it closes, whatever focus-on-click says: the focus goes back where it was
 * once the press (+ or −) or the menu (a drop-down) is done with. */
static void
on_control_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  GtkWidget *control = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  FocusBack *fb;
  GtkRoot *root = gtk_widget_get_root (control);
  GtkWidget *before = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* The + and − buttons: the spin button is the control. */
  if (!GTK_IS_DROP_DOWN (control))
    control = gtk_widget_get_parent (control);
  fb = g_object_get_data (G_OBJECT (control), "bp-focus-back");
  if (fb == NULL || (before != NULL && (before == control
                                        || gtk_widget_is_ancestor (before, control))))
    return;
  g_set_object (&fb->before, before);
  fb->armed = TRUE;
  if (!GTK_IS_DROP_DOWN (control))
    g_idle_add (give_focus_back, g_object_ref (control));
}

static void
watch_presses (GtkWidget *widget)
{
  GtkGesture *press = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_control_pressed), NULL);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (press));
}

static void
on_menu_closed (GtkPopover *popover, GtkWidget *drop)
{
  g_idle_add (give_focus_back, g_object_ref (drop));
}

static GtkWidget *
find_popover (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *p = GTK_IS_POPOVER (c) ? c : find_popover (c);

      if (p != NULL)
        return p;
    }
  return NULL;
}

/* Space on a focused slider: the window leaves the keys of a focused slider to it (its arrows
 * and Page Up/Down move it, and Right must not step training then), but a slider has no use
 * for Space, which keeps starting and pausing training. */
static gboolean
on_slider_key (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
               gpointer data)
{
  GtkWidget *slider = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (keys));

  if (keyval != GDK_KEY_space && keyval != GDK_KEY_KP_Space)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  /* Alone in a test window there is no win.play: then Space is not ours either. */
  return gtk_widget_activate_action (slider, "win.play", NULL);
}

/* A press on a slider focuses it, as Tab would, so that the keys go to it next. */
static void
on_slider_pressed (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  gtk_widget_grab_focus (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));
}

static void
keys_to_slider (GtkWidget *slider)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *press = gtk_gesture_click_new ();

  gtk_widget_set_focus_on_click (slider, TRUE);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_slider_key), NULL);
  gtk_widget_add_controller (slider, keys);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_slider_pressed), NULL);
  gtk_widget_add_controller (slider, GTK_EVENT_CONTROLLER (press));
}

/* Space, Right and Ctrl+R drive training (bp-window.c) unless the focus is in a control that
 * uses those keys. A menu picked or a + clicked with the mouse must not keep the focus, or the
 * next Space would open the menu again or press + again: as in other desktop programs, a
 * click does not focus these controls; Tab still does. A slider clicked does keep it, so its
 * arrow keys and Page Up/Down work at once (the learning rate is nudged a step at a time),
 * and Space on it still trains (on_slider_key). Text being typed in (the spin buttons'
 * entries) is left alone: a click there focuses it and it gets the keys. */
void
_bp_pg_no_focus_on_click (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) || GTK_IS_EDITABLE_LABEL (widget))
    return;
  if (GTK_IS_RANGE (widget))
    {
      keys_to_slider (widget);
      return;
    }
  if (GTK_IS_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_CHECK_BUTTON (widget)
      || GTK_IS_FLOW_BOX_CHILD (widget) || GTK_IS_SPIN_BUTTON (widget))
    gtk_widget_set_focus_on_click (widget, FALSE);
  if (GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget))
    {
      GtkWidget *menu = GTK_IS_DROP_DOWN (widget) ? find_popover (widget) : NULL;

      g_object_set_data_full (G_OBJECT (widget), "bp-focus-back", g_new0 (FocusBack, 1),
                              focus_back_free);
      if (GTK_IS_DROP_DOWN (widget))
        watch_presses (widget);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        if (GTK_IS_SPIN_BUTTON (widget) && GTK_IS_BUTTON (c))
          watch_presses (c);
      if (menu != NULL)
        g_signal_connect_object (menu, "closed", G_CALLBACK (on_menu_closed), widget, 0);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    _bp_pg_no_focus_on_click (c);
}
