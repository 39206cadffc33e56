/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A real pointer click: xdotool moves the X server's pointer over the output plot and clicks,
 * and the point appears in the data as a training point, no other point changing sides; a
 * right-click there removes it. A click on a layer's
 * caption opens its activation menu. */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "bp-playground-private.h"
#include "bp-ui.h"
#include "bp-window.h"
#include "ui-test-util.h"

typedef struct {
  BpPlayground *pg;
  guint want;
} Wait;

static gboolean
has_snapshot (gpointer data)
{
  BpPlayground *pg = data;

  return pg->snapshot_run > 0 && pg->tick_id == 0;
}

static gboolean
n_points_is (gpointer data)
{
  Wait *w = data;

  return w->pg->data->points->len == w->want && w->pg->tick_id == 0;
}

static gboolean
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (GTK_WIDGET (widget)) && gtk_widget_get_mapped (widget);
}

static void
xdotool (const char *window_id, double x, double y, int button)
{
  g_autofree char *sx = g_strdup_printf ("%d", (int) lround (x));
  g_autofree char *sy = g_strdup_printf ("%d", (int) lround (y));
  g_autofree char *sb = g_strdup_printf ("%d", button);
  /* On top first: other windows on the same display must not take the click. */
  const char *argv[] = { "xdotool", "windowraise", window_id, "mousemove", "--window",
                         window_id, sx, sy, "click", sb, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The first widget of type under root whose tooltip starts with prefix, or whose label is
 * label (NULL: any). */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *prefix, const char *label)
{
  const char *tip = gtk_widget_get_tooltip_text (root);

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (prefix == NULL || (tip != NULL && g_str_has_prefix (tip, prefix)))
      && (label == NULL || g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), label) == 0))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *w = find_widget (c, type, prefix, label);

      if (w != NULL)
        return w;
    }
  return NULL;
}

/* Where (x, y) of widget is on the X server's window, as two strings for xdotool. */
static void
screen_point (GtkWidget *widget, double x, double y, char **sx, char **sy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t in = GRAPHENE_POINT_INIT ((float) x, (float) y), out;
  double ox, oy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &ox, &oy);
  *sx = g_strdup_printf ("%d", (int) lround (out.x + ox));
  *sy = g_strdup_printf ("%d", (int) lround (out.y + oy));
}

static void
click_widget (const char *xid, GtkWidget *widget)
{
  g_autofree char *sx = NULL, *sy = NULL;
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  g_autofree char *wid = g_strdup_printf ("%lu",
                                          (unsigned long) gdk_x11_surface_get_xid (surface));

  screen_point (widget, gtk_widget_get_width (widget) / 2.0,
                gtk_widget_get_height (widget) / 2.0, &sx, &sy);
  /* Popovers are windows of their own: move within the one the widget is in. */
  ui_test_xdo ("mousemove", "--window", GDK_IS_X11_SURFACE (surface) ? wid : xid, sx, sy, "click", "1",
       NULL);
}

static gboolean
running (gpointer data)
{
  return bp_playground_get_running (data);
}

static gboolean
paused (gpointer data)
{
  return !bp_playground_get_running (data) && BP_PLAYGROUND (data)->tick_id == 0;
}

static gboolean
popover_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
relu_built (gpointer data)
{
  BpPlayground *pg = data;

  return pg->activations[0] == BP_ACT_RELU && pg->snapshot_run == bp_session_run (pg->session)
         && pg->tick_id == 0;
}

/* A window on the playground, shown, with a first snapshot drawn, on an X11 display with
 * xdotool at hand: its X window id, or NULL after marking the test skipped (the window then
 * closed). */
static char *
open_playground_on_x11 (BpWindow **out_window, BpPlayground **out_pg)
{
  BpWindow *window;
  BpPlayground *pg;
  GdkSurface *surface;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return NULL;
    }
  window = bp_window_new (NULL);
  g_object_ref_sink (window);
  pg = bp_window_get_playground (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, pg, 10));
  g_assert_true (ui_test_wait (has_snapshot, pg, 10));
  ui_test_spin (0.3);
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  if (!GDK_IS_X11_SURFACE (surface))
    {
      g_test_skip ("not an X11 display");
      gtk_window_destroy (GTK_WINDOW (window));
      g_object_unref (window);
      return NULL;
    }
  *out_window = window;
  *out_pg = pg;
  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

/* Space starts and stops training after a slider dragged, a menu picked and a spin button's
 * + clicked with the mouse. The slider keeps the keyboard focus for its arrow keys (Space is
 * still training's); the menu and the + do not keep it. Tab still reaches them. */
static void
test_space_after_mouse_edits (void)
{
  BpWindow *window;
  BpPlayground *pg;
  GtkWidget *scale, *drop, *popover, *item, *spin, *plus = NULL;
  g_autofree char *xid = NULL, *sx = NULL, *sy = NULL, *ex = NULL;
  double lr_before;
  int knob_start, knob_end;

  xid = open_playground_on_x11 (&window, &pg);
  if (xid == NULL)
    return;
  ui_test_xdo ("windowraise", xid, "windowfocus", "--sync", xid, NULL);

  /* Drag the learning rate slider a third of its length to the right. */
  scale = find_widget (GTK_WIDGET (pg->hyper_bar), GTK_TYPE_SCALE, "Learning rate", NULL);
  g_assert_nonnull (scale);
  lr_before = bp_session_get_hparam (pg->session, BP_HPARAM_LR);
  /* Press on the knob itself: a press beside it would first move the knob there. */
  gtk_range_get_slider_range (GTK_RANGE (scale), &knob_start, &knob_end);
  screen_point (scale, (knob_start + knob_end) / 2.0, gtk_widget_get_height (scale) / 2.0, &sx,
                &sy);
  ex = g_strdup_printf ("%d", atoi (sx) + gtk_widget_get_width (scale) / 3);
  ui_test_xdo ("windowraise", xid, "mousemove", "--window", xid, sx, sy, NULL);
  ui_test_spin (0.1);
  ui_test_xdo ("mousedown", "1", NULL);
  ui_test_spin (0.1);
  for (int k = 1; k <= 6; k++)
    {
      g_autofree char *mx = g_strdup_printf ("%d", atoi (sx) + k * (atoi (ex) - atoi (sx)) / 6);

      ui_test_xdo ("mousemove", "--window", xid, mx, sy, NULL);
      ui_test_spin (0.05);
    }
  ui_test_xdo ("mouseup", "1", NULL);
  ui_test_spin (0.2);
  g_assert_cmpfloat (bp_session_get_hparam (pg->session, BP_HPARAM_LR), >, lr_before);
  /* The slider clicked has the focus: its keys move it a rung (Right, Left) or four (Page Up,
   * Page Down) of the learning-rate ladder, and the session gets each rate; Space still
   * trains (below). */
  g_assert_true (gtk_widget_has_focus (scale));
  {
    static const struct {
      const char *key;
      int rungs;
    } keys[] = { { "Right", 1 }, { "Left", -1 }, { "Left", -1 }, { "Page_Up", 4 },
                 { "Page_Down", -4 } };
    double value = gtk_range_get_value (GTK_RANGE (scale));

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        double lr = bp_session_get_hparam (pg->session, BP_HPARAM_LR);

        ui_test_xdo ("key", "--clearmodifiers", keys[i].key, NULL);
        ui_test_spin (0.2);
        g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, value + keys[i].rungs);
        value += keys[i].rungs;
        if (keys[i].rungs > 0)
          g_assert_cmpfloat (bp_session_get_hparam (pg->session, BP_HPARAM_LR), >, lr);
        else
          g_assert_cmpfloat (bp_session_get_hparam (pg->session, BP_HPARAM_LR), <, lr);
      }
    g_assert_false (bp_playground_get_running (pg)); /* Right moved the slider, not a step */
  }

  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (running, pg, 10));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (paused, pg, 10));

  /* Pick "relu" in the Activation menu with the mouse, then Space trains; the menu stays
   * closed. */
  drop = find_widget (GTK_WIDGET (pg->hyper_bar), GTK_TYPE_DROP_DOWN, "Activation", NULL);
  g_assert_nonnull (drop);
  popover = find_widget (drop, GTK_TYPE_POPOVER, NULL, NULL);
  g_assert_nonnull (popover);
  click_widget (xid, drop);
  g_assert_true (ui_test_wait (popover_shown, popover, 10));
  ui_test_spin (0.3);
  item = find_widget (popover, GTK_TYPE_LABEL, NULL, "relu");
  g_assert_nonnull (item);
  click_widget (xid, item);
  g_assert_true (ui_test_wait (relu_built, pg, 10));
  ui_test_spin (0.3);
  g_assert_false (gtk_widget_get_mapped (popover));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (running, pg, 10));
  ui_test_spin (0.3);
  g_assert_false (gtk_widget_get_mapped (popover));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (paused, pg, 10));

  /* The batch size's + button: the batch grows, Space still trains. */
  spin = find_widget (GTK_WIDGET (pg->data_panel), GTK_TYPE_SPIN_BUTTON, NULL, NULL);
  g_assert_nonnull (spin);
  for (GtkWidget *c = gtk_widget_get_first_child (spin); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_BUTTON (c))
      plus = c;
  g_assert_nonnull (plus);
  click_widget (xid, plus);
  ui_test_spin (0.3);
  g_assert_cmpint (pg->batch_size, ==, 11);
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (running, pg, 10));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (paused, pg, 10));

  /* A click in the entry of a spin button focuses it: typed keys go there, Space does not
   * train. */
  for (GtkWidget *c = gtk_widget_get_first_child (spin); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_TEXT (c))
      click_widget (xid, c);
  ui_test_spin (0.3);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), spin));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  ui_test_spin (0.5);
  g_assert_false (bp_playground_get_running (pg));

  /* Keyboard users still reach the slider with Tab, and then it takes the arrow keys. */
  g_assert_true (gtk_widget_get_focusable (scale));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (pg->hyper_bar), GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_has_focus (scale));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_click_adds_point (void)
{
  BpWindow *window;
  BpPlayground *pg;
  g_autofree char *xid = NULL;
  graphene_point_t in, out;
  double wx, wy, sx, sy;
  const double px = 2.5, py = -4.6; /* beyond the spiral's end: no point near it */
  const BpHeatmapPoint *last;
  g_autofree gboolean *was_test = NULL;
  Wait w;

  xid = open_playground_on_x11 (&window, &pg);
  if (xid == NULL)
    return;
  g_assert_cmpuint (pg->data->points->len, ==, 500);
  was_test = g_new (gboolean, 500);
  for (guint i = 0; i < 500; i++)
    was_test[i] = g_array_index (pg->data->points, BpHeatmapPoint, i).test;
  for (guint i = 0; i < pg->data->points->len; i++)
    {
      const BpHeatmapPoint *p = &g_array_index (pg->data->points, BpHeatmapPoint, i);
      g_assert_cmpfloat (hypot (p->x - px, p->y - py), >, 0.4);
    }

  /* Where (px, py) is on the X window: plot -> window widget -> surface. */
  g_assert_true (bp_heatmap_data_to_widget (pg->heatmap, px, py, &wx, &wy));
  in = GRAPHENE_POINT_INIT ((float) wx, (float) wy);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (pg->heatmap), GTK_WIDGET (window), &in,
                                           &out));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &sx, &sy);

  xdotool (xid, out.x + sx, out.y + sy, 1);
  w = (Wait) { pg, 501 };
  g_assert_true (ui_test_wait (n_points_is, &w, 10));
  last = &g_array_index (pg->data->points, BpHeatmapPoint, 500);
  /* Within a pixel of where it was clicked (12 units over ~300 px). */
  g_assert_cmpfloat (fabs (last->x - px), <, 0.06);
  g_assert_cmpfloat (fabs (last->y - py), <, 0.06);
  g_assert_cmpint (last->label, ==, 0); /* "Click adds" starts on class 0 */
  g_assert_cmpuint (bp_heatmap_get_n_points (pg->heatmap), ==, 501);
  /* The new session trains on it: 501 rows split between train and test, the new one in
   * training (a test point is hidden: the click would seem to do nothing), and no other point
   * changed sides (the plot would jump). */
  g_assert_cmpuint (pg->data->split.n_train + pg->data->split.n_val, ==, 501);
  g_assert_false (last->test);
  g_assert_cmpuint (pg->data->split.train[pg->data->split.n_train - 1], ==, 500);
  for (guint i = 0; i < 500; i++)
    g_assert_cmpint (g_array_index (pg->data->points, BpHeatmapPoint, i).test, ==, was_test[i]);
  for (guint i = 0; i < pg->data->split.n_val; i++)
    g_assert_true (was_test[pg->data->split.val[i]]);
  g_assert_cmpuint (pg->data->split.n_val, ==, 250);

  xdotool (xid, out.x + sx, out.y + sy, 3);
  w = (Wait) { pg, 500 };
  g_assert_true (ui_test_wait (n_points_is, &w, 10));
  for (guint i = 0; i < pg->data->points->len; i++)
    {
      const BpHeatmapPoint *p = &g_array_index (pg->data->points, BpHeatmapPoint, i);
      g_assert_cmpfloat (hypot (p->x - px, p->y - py), >, 0.4);
      g_assert_cmpint (p->test, ==, was_test[i]);
    }

  /* A click on a hidden layer's caption ("tanh" under the column) offers the activations. */
  {
    BpNetworkView *view = pg->network_view;
    GtkWidget *choices = NULL;
    double cx, cy;

    g_assert_true (bp_network_view_neuron_center (view, 2, 0, &cx, &cy));
    in = GRAPHENE_POINT_INIT ((float) cx, (float) (gtk_widget_get_height (GTK_WIDGET (view)) - 10));
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (view), GTK_WIDGET (window), &in, &out));
    for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (view)); c != NULL;
         c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_POPOVER (c) && gtk_widget_has_css_class (c, "menu"))
        choices = c;
    g_assert_nonnull (choices);
    g_assert_false (gtk_widget_get_visible (choices));
    xdotool (xid, out.x + sx, out.y + sy, 1);
    g_assert_true (ui_test_wait (is_visible, choices, 10));
    /* one button per activation the bar offers */
    {
      int n = 0;
      for (GtkWidget *b = gtk_widget_get_first_child (gtk_popover_get_child (GTK_POPOVER (choices)));
           b != NULL; b = gtk_widget_get_next_sibling (b))
        n++;
      g_assert_cmpint (n, ==, 8);
    }
    gtk_popover_popdown (GTK_POPOVER (choices));
    ui_test_spin (0.2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/click/adds-and-removes-point", test_click_adds_point);
  g_test_add_func ("/click/space-after-mouse-edits", test_space_after_mouse_edits);
  return g_test_run ();
}
