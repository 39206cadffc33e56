/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A real pointer click: xdotool moves the X server's pointer over the output plot and clicks,
 * and the point appears in the data as a training point, no other point changing sides; a
 * right-click there removes it. A click on a layer's
 * caption opens its activation menu. */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>

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

static void
test_click_adds_point (void)
{
  BpWindow *window;
  BpPlayground *pg;
  GdkSurface *surface;
  g_autofree char *xid = NULL;
  graphene_point_t in, out;
  double wx, wy, sx, sy;
  const double px = 2.5, py = -4.6; /* beyond the spiral's end: no point near it */
  const BpHeatmapPoint *last;
  g_autofree gboolean *was_test = NULL;
  Wait w;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return;
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
      return;
    }
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
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
  return g_test_run ();
}
