/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpChart from the keyboard (issue 8): real key presses by xdotool on a focused chart zoom
 * about the centre (+, =, -), pan (arrows), reset (0, Home) and open the context menu (Menu,
 * Shift+F10); a focus ring shows which chart has the keys; the tooltip and the shortcuts
 * window say so. And the Dashboard toolbar next to the charts: its play button after a run
 * finished, its status line whole at 1280x800. */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>
#include <string.h>

#include "bp-chart.h"
#include "bp-chart-private.h" /* the context menu's popover */
#include "bp-dashboard-private.h" /* the toolbar's play button and status line */
#include "bp-dashboard-training.h"
#include "bp-dashboard.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "ui-test-util.h"
#include "ui-test-page.h"

static const GdkRGBA red = { 1, 0, 0, 1 };

typedef struct {
  GtkWidget *window, *chart;
  char *xid;
} Fixture;

/* A chart of the line (0, 0)-(10, 10) alone in a window that has the keyboard focus, the
 * chart focused. FALSE (the test skipped) without xdotool or X11. */
static gboolean
fixture_open (Fixture *f)
{
  double x[] = { 0, 10 };
  float y[] = { 0, 10 };
  guint id;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return FALSE;
    }
  f->chart = bp_chart_new ();
  g_object_ref_sink (f->chart);
  id = bp_chart_add_series (BP_CHART (f->chart), "line", &red, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (f->chart), id, x, y, 2);
  f->window = ui_test_show_in_window (f->chart, 500, 320);
  if (!GDK_IS_X11_SURFACE (gtk_native_get_surface (GTK_NATIVE (f->window))))
    {
      g_test_skip ("not an X11 display");
      gtk_window_destroy (GTK_WINDOW (f->window));
      g_clear_object (&f->chart);
      return FALSE;
    }
  f->xid = g_strdup_printf (
    "%lu", (unsigned long) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (f->window))));
  ui_test_xdo ("windowraise", f->xid, "windowfocus", "--sync", f->xid, NULL);
  ui_test_spin (0.3);
  g_assert_true (gtk_widget_grab_focus (f->chart));
  ui_test_spin (0.1);
  return TRUE;
}

static void
fixture_close (Fixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->chart);
  g_free (f->xid);
}

/* Presses key (xdotool's name) and lets the chart take it. */
static void
press (Fixture *f, const char *key)
{
  ui_test_xdo ("key", "--clearmodifiers", key, NULL);
  ui_test_spin (0.2);
}

static void
assert_view (Fixture *f, double x0, double x1, double y0, double y1)
{
  double v[4];

  bp_chart_get_view (BP_CHART (f->chart), &v[0], &v[1], &v[2], &v[3]);
  g_test_message ("view x %g … %g, y %g … %g", v[0], v[1], v[2], v[3]);
  g_assert_cmpfloat_with_epsilon (v[0], x0, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[1], x1, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[2], y0, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[3], y1, 1e-6);
}

/* From the view 0 … 10 both ways: + zooms by 1.25 about 5 (1 … 9), - back out, = as +;
 * Right moves it a tenth of its width (0.8), Up a tenth of its height, Left and Down back;
 * 0 and Home give back the automatic view. */
static void
test_zoom_pan_reset (void)
{
  Fixture f;
  double auto_v[4];

  if (!fixture_open (&f))
    return;
  bp_chart_get_view (BP_CHART (f.chart), &auto_v[0], &auto_v[1], &auto_v[2], &auto_v[3]);
  bp_chart_set_view (BP_CHART (f.chart), 0, 10, 0, 10);
  ui_test_spin (0.1);
  press (&f, "plus");
  assert_view (&f, 1, 9, 1, 9);
  press (&f, "minus");
  assert_view (&f, 0, 10, 0, 10);
  press (&f, "equal");
  assert_view (&f, 1, 9, 1, 9);
  press (&f, "Right");
  assert_view (&f, 1.8, 9.8, 1, 9);
  press (&f, "Up");
  assert_view (&f, 1.8, 9.8, 1.8, 9.8);
  press (&f, "Left");
  press (&f, "Down");
  assert_view (&f, 1, 9, 1, 9);
  press (&f, "0");
  assert_view (&f, auto_v[0], auto_v[1], auto_v[2], auto_v[3]);
  press (&f, "KP_Add"); /* about the middle of the automatic view, by 1.25 */
  {
    double cx = (auto_v[0] + auto_v[1]) / 2, cy = (auto_v[2] + auto_v[3]) / 2;

    assert_view (&f, cx + (auto_v[0] - cx) / 1.25, cx + (auto_v[1] - cx) / 1.25,
                 cy + (auto_v[2] - cy) / 1.25, cy + (auto_v[3] - cy) / 1.25);
  }
  press (&f, "Home");
  assert_view (&f, auto_v[0], auto_v[1], auto_v[2], auto_v[3]);
  /* Keys with Control are the window's (Ctrl+plus zooms the Builder's canvas). */
  press (&f, "ctrl+plus");
  assert_view (&f, auto_v[0], auto_v[1], auto_v[2], auto_v[3]);
  fixture_close (&f);
}

static gboolean
menu_shown (gpointer chart)
{
  return gtk_widget_get_visible (BP_CHART (chart)->menu);
}

static gboolean
menu_hidden (gpointer chart)
{
  return !gtk_widget_get_visible (BP_CHART (chart)->menu);
}

/* Menu and Shift+F10 open the context menu (F10 alone does not); Escape closes it. */
static void
test_menu_keys (void)
{
  Fixture f;

  if (!fixture_open (&f))
    return;
  g_assert_false (menu_shown (f.chart));
  press (&f, "F10");
  g_assert_false (menu_shown (f.chart));
  press (&f, "Menu");
  g_assert_true (ui_test_wait (menu_shown, f.chart, 5));
  ui_test_xdo ("key", "--clearmodifiers", "Escape", NULL);
  g_assert_true (ui_test_wait (menu_hidden, f.chart, 5));
  gtk_widget_grab_focus (f.chart);
  press (&f, "shift+F10");
  g_assert_true (ui_test_wait (menu_shown, f.chart, 5));
  ui_test_xdo ("key", "--clearmodifiers", "Escape", NULL);
  g_assert_true (ui_test_wait (menu_hidden, f.chart, 5));
  fixture_close (&f);
}

/* The focused chart shows a blue ring at its edge once a key reached it, which is not there
 * before (focus by the mouse or by code alone) nor without the focus. */
static gboolean
ring_at (GdkTexture *shot, int x, int y)
{
  int rgb[3];

  ui_test_pixel (shot, x, y, rgb);
  g_test_message ("(%d, %d): %d %d %d", x, y, rgb[0], rgb[1], rgb[2]);
  return rgb[2] > 120 && rgb[2] > rgb[0] + 60;
}

static void
test_focus_ring (void)
{
  Fixture f;
  g_autoptr (GdkTexture) focused = NULL, unfocused = NULL;
  GtkWidget *other;
  int h;

  if (!fixture_open (&f))
    return;
  g_assert_true (gtk_widget_has_focus (f.chart));
  {
    g_autoptr (GdkTexture) before = ui_test_shot (f.chart);

    g_assert_false (ring_at (before, 2, gdk_texture_get_height (before) / 2));
  }
  press (&f, "Home");
  g_assert_true (gtk_widget_has_focus (f.chart));
  focused = ui_test_shot (f.chart);
  ui_test_keep_shot (focused, "chart-focus-ring.png");
  h = gdk_texture_get_height (focused);
  g_assert_true (ring_at (focused, 2, h / 2));
  g_assert_true (ring_at (focused, gdk_texture_get_width (focused) - 3, h / 2));

  /* Another focusable widget takes the focus: no ring. */
  other = gtk_button_new_with_label ("other");
  gtk_window_set_child (GTK_WINDOW (f.window), NULL);
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_widget_set_vexpand (f.chart, TRUE);
    gtk_box_append (GTK_BOX (box), f.chart);
    gtk_box_append (GTK_BOX (box), other);
    gtk_window_set_child (GTK_WINDOW (f.window), box);
  }
  ui_test_spin (0.3);
  gtk_widget_grab_focus (other);
  ui_test_spin (0.3);
  g_assert_false (gtk_widget_has_focus (f.chart));
  unfocused = ui_test_shot (f.chart);
  g_assert_false (ring_at (unfocused, 2, gdk_texture_get_height (unfocused) / 2));
  fixture_close (&f);
}

/* The tooltip names the keys; so does the shortcuts window's Dashboard group. */
static void
test_keys_documented (void)
{
  g_autoptr (GtkWidget) chart = g_object_ref_sink (bp_chart_new ());
  g_autofree char *tip = gtk_widget_get_tooltip_text (chart) != NULL
                           ? g_strdup (gtk_widget_get_tooltip_text (chart)) : NULL;
  g_autoptr (GtkBuilder) b =
    gtk_builder_new_from_resource (BP_RESOURCE_PREFIX "/gtk/help-overlay.ui");
  g_autoptr (GSList) objects = gtk_builder_get_objects (b);
  g_autoptr (GString) accels = g_string_new ("\n");
  static const char *const want[] = {
    "\nZoom a focused chart in / out=plus equal minus\n",
    "\nPan a focused chart=Left Right Up Down\n",
    "\nReset a focused chart’s view=0 Home\n",
    "\nA focused chart’s menu: log axes, exports=Menu <Shift>F10\n",
  };
  GtkWidget *win;

  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "+ and -"));
  g_assert_nonnull (strstr (tip, "arrow keys"));
  g_assert_nonnull (strstr (tip, "Home"));
  g_assert_nonnull (strstr (tip, "Shift+F10"));
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL, *title = NULL;

        g_object_get (l->data, "accelerator", &accel, "title", &title, NULL);
        if (accel != NULL)
          g_string_append_printf (accels, "%s=%s\n", title, accel);
      }
  g_test_message ("%s", accels->str);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_nonnull (strstr (accels->str, want[i]));
  win = GTK_WIDGET (gtk_builder_get_object (b, "help_overlay"));
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
run_finished (gpointer dash)
{
  return bp_dashboard_training_get_status (bp_dashboard_get_training (dash))->state
         == BP_SESSION_FINISHED;
}

static gboolean
run_has_eta (gpointer dash)
{
  const bp_session_status *st =
    bp_dashboard_training_get_status (bp_dashboard_get_training (dash));

  return st->state == BP_SESSION_RUNNING && st->steps_per_s > 0 && st->step > 50;
}

/* After a run finished, the toolbar's play button starts the next run, as the header's does
 * (it did nothing); while that run trains at 1280x800, its status line is whole. */
static void
test_toolbar_play_after_finish (void)
{
  UiTestPage p;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("digits", &error);
  g_autoptr (GdkTexture) shot = NULL;
  BpDashboardTraining *training;
  GListModel *runs;
  guint n;

  g_assert_no_error (error);
  ui_test_page_open (&p, 1280, 800);
  training = bp_dashboard_get_training (p.dash);
  bp_dashboard_set_source (p.dash, src);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (bp_dashboard_get_part (p.dash, "epochs")), 0);
  g_assert_true (bp_dashboard_new_run (p.dash, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (run_finished, p.dash, 60));
  bp_dashboard_refresh (p.dash);
  ui_test_spin (0.3);
  runs = bp_dashboard_training_get_runs (training);
  n = g_list_model_get_n_items (runs);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (p.dash->play_button)));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (p.dash->play_button)),
                            "new run"));

  /* 1000 epochs: the next run trains while the line is read. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (bp_dashboard_get_part (p.dash, "epochs")), 9);
  g_signal_emit_by_name (p.dash->play_button, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, n + 1);
  g_assert_true (ui_test_wait (run_has_eta, p.dash, 30));
  bp_dashboard_refresh (p.dash);
  ui_test_spin (0.5);
  g_test_message ("status: %s", gtk_label_get_text (p.dash->status_label));
  g_assert_nonnull (strstr (gtk_label_get_text (p.dash->status_label), "batch loss"));
  g_assert_nonnull (strstr (gtk_label_get_text (p.dash->status_label), "ETA"));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (p.dash->status_label)));
  shot = ui_test_shot (GTK_WIDGET (p.window));
  ui_test_keep_shot (shot, "toolbar-1280.png");
  bp_dashboard_training_pause (training);
  ui_test_page_close (&p);
}

/* In the window, on the Dashboard page, Right on a focused chart pans it; it does not step the
 * run (the window sends Space and Right to training unless the focus uses them). */
static void
test_right_pans_in_window (void)
{
  UiTestPage p;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  BpDashboardTraining *t;
  BpChart *loss;
  g_autofree char *xid = NULL;
  guint64 step;
  double v[4];

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return;
    }
  g_assert_no_error (error);
  ui_test_page_open (&p, 1280, 800);
  t = bp_dashboard_get_training (p.dash);
  bp_dashboard_set_source (p.dash, src);
  g_assert_true (bp_dashboard_new_run (p.dash, FALSE, &error));
  g_assert_no_error (error);
  bp_dashboard_training_step (t, 5);
  ui_test_spin (0.5);
  step = bp_session_get_step (bp_dashboard_training_get_session (t));
  loss = bp_dashboard_get_loss_chart (p.dash);
  bp_chart_set_view (loss, 0, 10, 0, 3);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (
                                  gtk_native_get_surface (GTK_NATIVE (p.window))));
  ui_test_xdo ("windowraise", xid, "windowfocus", "--sync", xid, NULL);
  ui_test_spin (0.2);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (loss)));
  ui_test_spin (0.1);
  ui_test_xdo ("key", "--clearmodifiers", "Right", NULL);
  ui_test_spin (0.3);
  bp_chart_get_view (loss, &v[0], &v[1], &v[2], &v[3]);
  g_test_message ("after Right: view x %g … %g; step %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT,
                  v[0], v[1], step, bp_session_get_step (bp_dashboard_training_get_session (t)));
  g_assert_cmpfloat_with_epsilon (v[0], 1, 1e-6);
  g_assert_cmpfloat_with_epsilon (v[1], 11, 1e-6);
  g_assert_cmpuint (bp_session_get_step (bp_dashboard_training_get_session (t)), ==, step);
  ui_test_page_close (&p);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/chart-keys/zoom-pan-reset", test_zoom_pan_reset);
  g_test_add_func ("/chart-keys/menu", test_menu_keys);
  g_test_add_func ("/chart-keys/focus-ring", test_focus_ring);
  g_test_add_func ("/chart-keys/documented", test_keys_documented);
  g_test_add_func ("/chart-keys/right-pans-in-window", test_right_pans_in_window);
  g_test_add_func ("/dashboard-toolbar/play-after-finish", test_toolbar_play_after_finish);
  return g_test_run ();
}
