/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 8's leftovers around runs: deleting the followed Playground run on the Dashboard
 * leaves the header showing no run until another is followed; the shortcuts window lists
 * Ctrl+Z there; a chart series without points gets no legend entry; a run put back by Undo
 * is listed in the legends where it was. */
#include "bp-config.h"

#include <adwaita.h>
#include <math.h>

#include "bp-chart-private.h"
#include "bp-dashboard-private.h"
#include "bp-ui.h"
#include "bp-window-private.h"
#include "ui-test-page.h"
#include "ui-test-util.h"

/* The window on its Dashboard page (ui-test-page.h); the caller destroys it. */
static BpWindow *
open_dashboard (void)
{
  UiTestPage p;

  ui_test_page_open (&p, 1280, 800);
  return p.window;
}

/* Following the playground with a row for its run, and the header past step 0. */
static gboolean
following_with_steps (gpointer data)
{
  BpWindow *window = data;
  BpDashboardTraining *t = bp_dashboard_get_training (window->dashboard);

  bp_dashboard_refresh (window->dashboard);
  return bp_dashboard_training_is_following (t)
         && g_list_model_get_n_items (bp_dashboard_training_get_runs (t)) > 0
         && g_strcmp0 (gtk_label_get_text (window->step_label), "0") != 0;
}

static gboolean
header_at_zero (gpointer data)
{
  BpWindow *window = data;

  bp_dashboard_refresh (window->dashboard);
  return g_strcmp0 (gtk_label_get_text (window->step_label), "0") == 0;
}

/* The playground's run deleted on the dashboard: the header's counters go back to no run
 * (they showed its paused values) and play is no longer the playground's; a new playground
 * run is followed again and shown. */
static void
test_delete_followed_header (void)
{
  BpWindow *window = open_dashboard ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  bp_session *pg = bp_window_get_followed_session (window, NULL);
  bp_session_status st;
  BpRun *run;

  g_assert_nonnull (pg);
  bp_session_step (pg, 1000000);
  g_assert_true (ui_test_wait (following_with_steps, window, 20));
  g_test_message ("following: epoch %s step %s rate %s",
                  gtk_label_get_text (window->epoch_label),
                  gtk_label_get_text (window->step_label),
                  gtk_label_get_text (window->rate_label));

  run = bp_dashboard_training_get_current_run (t);
  g_assert_nonnull (run);
  _bp_dashboard_runs_delete (dash, run);
  g_assert_cmpint (bp_session_wait (pg, 5), !=, BP_SESSION_RUNNING);
  bp_session_get_status (pg, &st);
  g_assert_cmpuint (st.step, >, 0); /* paused where it was: the header hides that */
  for (int i = 0; i < 5; i++)
    {
      ui_test_spin (0.1);
      bp_dashboard_refresh (dash);
    }
  g_test_message ("after delete: epoch %s step %s rate %s",
                  gtk_label_get_text (window->epoch_label),
                  gtk_label_get_text (window->step_label),
                  gtk_label_get_text (window->rate_label));
  g_assert_cmpstr (gtk_label_get_text (window->epoch_label), ==, "0");
  g_assert_cmpstr (gtk_label_get_text (window->step_label), ==, "0");
  g_assert_cmpstr (gtk_label_get_text (window->rate_label), ==, "–");
  g_assert_cmpstr (gtk_button_get_icon_name (window->play_button), ==,
                   "media-playback-start-symbolic");

  /* A new playground run: followed, and the header shows it again. */
  bp_playground_reset (window->playground);
  pg = bp_window_get_followed_session (window, NULL);
  bp_session_step (pg, 1000000);
  g_assert_true (ui_test_wait (following_with_steps, window, 20));
  g_assert_false (header_at_zero (window));
  bp_session_pause (pg);
  bp_session_wait (pg, 5);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (window);
}

/* The shortcuts window's Dashboard group names Ctrl+Z, the undo of a delete. */
static void
test_shortcuts_undo (void)
{
  g_autoptr (GtkBuilder) b =
    gtk_builder_new_from_resource (BP_RESOURCE_PREFIX "/gtk/help-overlay.ui");
  g_autoptr (GSList) objects = gtk_builder_get_objects (b);
  gboolean found = FALSE;

  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL, *title = NULL;
        GtkWidget *group;
        g_autofree char *group_title = NULL;

        g_object_get (l->data, "accelerator", &accel, "title", &title, NULL);
        if (g_strcmp0 (accel, "<Control>z") != 0 || g_strcmp0 (title, "Undo deleting a run") != 0)
          continue;
        group = gtk_widget_get_ancestor (l->data, GTK_TYPE_SHORTCUTS_GROUP);
        g_assert_nonnull (group);
        g_object_get (group, "title", &group_title, NULL);
        g_assert_cmpstr (group_title, ==, "Dashboard");
        found = TRUE;
      }
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (b, "help_overlay")));
}

/* A series with no points has no legend entry; its first point gives it one, and clearing it
 * takes it away again. */
static void
test_legend_skips_empty (void)
{
  BpChart *chart = BP_CHART (bp_chart_new ());
  GtkWidget *win = ui_test_show_in_window (GTK_WIDGET (chart), 600, 300);
  static const double x[] = { 1, 2, 3 };
  static const float y[] = { 0.9f, 0.6f, 0.4f };
  guint train, val;

  train = bp_chart_add_series (chart, "run 1", NULL, BP_CHART_LINE);
  val = bp_chart_add_series (chart, "run 1 val", NULL, BP_CHART_LINE);
  bp_chart_series_append (chart, train, x, y, 3);
  g_object_unref (ui_test_shot (GTK_WIDGET (chart)));
  g_assert_cmpuint (bp_chart_get_legend_count (chart, NULL), ==, 1);
  g_assert_cmpuint (g_array_index (chart->legend, BpChartLegendSlot, 0).series, ==, 0);

  bp_chart_series_append (chart, val, x + 2, y + 2, 1);
  g_object_unref (ui_test_shot (GTK_WIDGET (chart)));
  g_assert_cmpuint (bp_chart_get_legend_count (chart, NULL), ==, 2);

  bp_chart_series_clear (chart, val);
  g_object_unref (ui_test_shot (GTK_WIDGET (chart)));
  g_assert_cmpuint (bp_chart_get_legend_count (chart, NULL), ==, 1);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The series names of a chart, in its order, joined by '|'. */
static char *
series_names (BpChart *chart)
{
  guint ids[16], n = bp_chart_get_series (chart, ids, 16);
  GString *names = g_string_new ("");

  for (guint i = 0; i < n && i < 16; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "|" : "",
                            _bp_chart_find (chart, ids[i])->name);
  return g_string_free (names, FALSE);
}

/* A run deleted from the middle and put back by Undo: its curves are listed where they were,
 * between the runs before and after it, not after the last one. */
static void
test_undo_keeps_legend_order (void)
{
  BpWindow *window = open_dashboard ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  g_autofree char *before = NULL, *runs_before = NULL, *after = NULL, *runs_after = NULL;
  BpRun *middle;

  g_assert_no_error (error);
  bp_dashboard_set_source (dash, src);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (bp_dashboard_new_run (dash, FALSE, &error));
      g_assert_no_error (error);
    }
  bp_dashboard_refresh (dash);
  before = series_names (dash->loss_chart);
  runs_before = series_names (dash->runs_chart);
  g_test_message ("before: %s / %s", before, runs_before);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, NULL, 0), ==, 6);

  middle = g_list_model_get_item (bp_dashboard_training_get_runs (t), 1);
  _bp_dashboard_runs_delete (dash, middle);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, NULL, 0), ==, 4);
  g_assert_true (_bp_dashboard_runs_undo (dash));
  bp_dashboard_refresh (dash);
  after = series_names (dash->loss_chart);
  runs_after = series_names (dash->runs_chart);
  g_test_message ("after undo: %s / %s", after, runs_after);
  g_assert_true (g_list_model_get_item (bp_dashboard_training_get_runs (t), 1)
                 == (gpointer) middle);
  g_object_unref (middle); /* the reference get_item took */
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (runs_after, ==, runs_before);
  g_object_unref (middle);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/run-polish/delete-followed-header", test_delete_followed_header);
  g_test_add_func ("/run-polish/shortcuts-undo", test_shortcuts_undo);
  g_test_add_func ("/run-polish/legend-skips-empty", test_legend_skips_empty);
  g_test_add_func ("/run-polish/undo-keeps-legend-order", test_undo_keeps_legend_order);
  return g_test_run ();
}
