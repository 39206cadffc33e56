/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The runs' lifecycle on the Dashboard, as a new-user tester and an auditor found it (issue 8),
 * each in a real window: deleting the run in training stops it and clears what showed it; a
 * delete can be undone (the toast's Undo, Ctrl+Z by xdotool) with the run's curves, name,
 * colour and place; a blank name is refused and the legend follows a rename; a new run starts
 * with its own histograms only, no step range and no zoom left from the run before; a run
 * with no epoch limit (the Playground's) shows no percentage. */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>

#include "bp-chart-private.h"
#include "bp-dashboard-private.h"
#include "bp-ui.h"
#include "bp-window-private.h"
#include "ui-test-page.h"
#include "ui-test-util.h"

static void
keep_shot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkTexture) tex = ui_test_shot (widget);

  ui_test_keep_shot (tex, name);
}

/* The window on its Dashboard page (ui-test-page.h); the caller destroys it. */
static BpWindow *
open_window (void)
{
  UiTestPage p;

  ui_test_page_open (&p, 1280, 800);
  return p.window;
}

static void
close_window (BpWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (window);
}

/* A new run on the named data with `epochs` epochs, paused (or training when play). */
static void
start_run (BpDashboard *dash, const char *data, int epochs, gboolean play)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load (data, &error);
  BpTrainSettings s;

  g_assert_no_error (error);
  bp_dashboard_set_source (dash, src);
  g_assert_true (_bp_dashboard_read_settings (dash, &s, &error));
  s.epochs = epochs;
  _bp_dashboard_show_settings (dash, &s);
  g_assert_true (bp_dashboard_new_run (dash, play, &error));
  g_assert_no_error (error);
}

/* Trains the current run n more steps and waits until they are done and shown. */
static void
train_steps (BpDashboard *dash, guint64 n)
{
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  guint64 target;
  const bp_session_status *st;

  bp_dashboard_refresh (dash);
  target = bp_dashboard_training_get_status (t)->step + n;
  bp_dashboard_training_step (t, n);
  while ((st = bp_dashboard_training_get_status (t))->step < target
         && st->state != BP_SESSION_FINISHED)
    {
      ui_test_spin (0.02);
      bp_dashboard_refresh (dash);
    }
  while (bp_dashboard_training_get_status (t)->state == BP_SESSION_RUNNING)
    {
      ui_test_spin (0.02);
      bp_dashboard_refresh (dash);
    }
  bp_dashboard_refresh (dash);
}

static gboolean
is_undo_button (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), "_Undo") == 0;
}

static gboolean
undo_button_shown (gpointer window)
{
  return ui_test_find (window, is_undo_button, NULL) != NULL;
}

static gboolean
is_delete_button_of (GtkWidget *w, gconstpointer run)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (w), "item");

  return GTK_IS_BUTTON (w) && item != NULL && gtk_list_item_get_item (item) == run;
}

/* Clicks the trash button of the run's row in the Runs tab. */
static void
click_delete (BpDashboard *dash, BpRun *run)
{
  GtkWidget *button;

  bp_dashboard_show_part (dash, "runs");
  ui_test_spin (0.3);
  button = ui_test_find (GTK_WIDGET (dash->runs_view), is_delete_button_of, run);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Delete this run");
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
histograms_shown (gpointer dash)
{
  bp_dashboard_refresh (dash);
  return bp_histogram_view_get_n_entries (BP_DASHBOARD (dash)->hist_view) >= 2;
}

static gboolean
evaluated (gpointer dash)
{
  BpModelView *m = BP_DASHBOARD (dash)->model;

  return m != NULL && m->evaluated;
}

/* Deleting the run in training stops it and clears its histograms, weights, evaluation and
 * status; Undo
 * brings back its row and curves (stopped). */
static void
test_delete_training_run (void)
{
  BpWindow *window = open_window ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  BpRun *run;
  GtkWidget *undo;
  guint ids[16];
  gsize steps;

  /* 8x8 digits, 500 epochs: it trains for far longer than the test looks. */
  start_run (dash, "digits", 500, TRUE);
  run = bp_dashboard_training_get_current_run (t);
  g_assert_nonnull (run);
  g_object_ref (run);
  g_assert_true (ui_test_wait (histograms_shown, dash, 30));
  bp_dashboard_evaluate (dash, NULL, NULL);
  g_assert_true (ui_test_wait (evaluated, dash, 30));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dash->eval_stack), ==, "classification");
  bp_dashboard_refresh (dash);
  g_assert_cmpint (bp_dashboard_training_get_status (t)->state, ==, BP_SESSION_RUNNING);
  g_assert_cmpstr (bp_run_get_state (run), ==, "training");

  click_delete (dash, run);
  steps = bp_run_get_n_steps (run);
  g_test_message ("deleted at step %zu: status \"%s\", progress \"%s\"", steps,
                  gtk_label_get_text (dash->status_label),
                  gtk_progress_bar_get_text (dash->progress));
  /* Stopped: no session of its own trains on out of sight. */
  g_assert_false (bp_dashboard_training_has_session (t));
  g_assert_cmpstr (bp_run_get_state (run), ==, "stopped");
  g_assert_cmpuint (g_list_model_get_n_items (bp_dashboard_training_get_runs (t)), ==, 0);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, ids, 16), ==, 0);
  /* What showed it is cleared. */
  g_assert_cmpuint (bp_histogram_view_get_n_entries (dash->hist_view), ==, 0);
  g_assert_null (dash->model);
  g_assert_cmpstr (gtk_label_get_text (dash->dead_label), ==, "");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dash->eval_stack), ==, "empty");
  g_assert_null (strstr (gtk_label_get_text (dash->status_label), "batch loss"));
  ui_test_spin (0.5);
  bp_dashboard_refresh (dash);
  g_assert_cmpuint (bp_run_get_n_steps (run), ==, steps);
  g_assert_cmpuint (bp_histogram_view_get_n_entries (dash->hist_view), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (window->step_label), !=, "");
  g_assert_cmpuint (g_ascii_strtoull (gtk_label_get_text (window->step_label), NULL, 10), <,
                    steps);
  keep_shot (GTK_WIDGET (window), "runs-deleted-training.png");

  /* The toast's Undo puts the row back, curves and all. */
  g_assert_true (ui_test_wait (undo_button_shown, window, 5));
  undo = ui_test_find (GTK_WIDGET (window), is_undo_button, NULL);
  g_signal_emit_by_name (undo, "clicked");
  ui_test_spin (0.2);
  g_assert_cmpuint (g_list_model_get_n_items (bp_dashboard_training_get_runs (t)), ==, 1);
  g_assert_true (g_list_model_get_item (bp_dashboard_training_get_runs (t), 0) == (gpointer) run);
  g_object_unref (run); /* the reference get_item took */
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, ids, 16), ==, 2);
  g_assert_cmpuint (bp_chart_series_get_n_points (dash->loss_chart, ids[0]), ==, steps);
  g_assert_false (bp_dashboard_training_has_session (t));
  g_object_unref (run);
  close_window (window);
}

/* Ctrl+Z, pressed for real. */
static gboolean
press_ctrl_z (BpWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = NULL;

  if (g_find_program_in_path ("xdotool") == NULL || !GDK_IS_X11_SURFACE (surface))
    return FALSE;
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  ui_test_xdo ("windowraise", xid, "windowfocus", "--sync", xid, NULL);
  ui_test_spin (0.2);
  ui_test_xdo ("key", "--clearmodifiers", "ctrl+z", NULL);
  ui_test_spin (0.3);
  return TRUE;
}

/* A finished run deleted comes back with its curves, name, colour and place: by the toast's
 * Undo, and by Ctrl+Z. */
static void
test_undo_delete (void)
{
  BpWindow *window = open_window ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  GListModel *runs = bp_dashboard_training_get_runs (t);
  BpRun *first, *second;
  GtkWidget *undo;
  guint ids[16];
  gsize steps;

  start_run (dash, "iris", 1, FALSE);
  first = g_object_ref (bp_dashboard_training_get_current_run (t));
  train_steps (dash, 1000); /* to the end of its one epoch */
  start_run (dash, "iris", 1, FALSE);
  second = bp_dashboard_training_get_current_run (t);
  train_steps (dash, 3);
  bp_run_set_name (first, "first");
  bp_run_set_visible (second, FALSE);
  steps = bp_run_get_n_steps (first);
  g_assert_cmpuint (steps, >, 0);
  g_assert_cmpuint (bp_run_get_color_index (first), ==, 0);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, ids, 16), ==, 4);

  click_delete (dash, first);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 1);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, ids, 16), ==, 2);
  g_assert_true (bp_dashboard_training_has_session (t)); /* not the current run: nothing stops */
  g_assert_true (ui_test_wait (undo_button_shown, window, 5));
  keep_shot (GTK_WIDGET (window), "runs-undo-toast.png");
  undo = ui_test_find (GTK_WIDGET (window), is_undo_button, NULL);
  g_signal_emit_by_name (undo, "clicked");
  ui_test_spin (0.2);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  g_assert_true (g_list_model_get_item (runs, 0) == (gpointer) first);
  g_object_unref (first);
  g_assert_cmpstr (bp_run_get_name (first), ==, "first");
  g_assert_cmpuint (bp_run_get_color_index (first), ==, 0);
  g_assert_cmpuint (bp_run_get_n_steps (first), ==, steps);
  g_assert_cmpuint (bp_chart_get_series (dash->loss_chart, ids, 16), ==, 4);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < 4; i++)
      if (g_strcmp0 (_bp_chart_find (dash->loss_chart, ids[i])->name, "first") == 0)
        {
          GdkRGBA c;

          bp_chart_palette_color (0, &c);
          g_assert_true (gdk_rgba_equal (&c, &_bp_chart_find (dash->loss_chart, ids[i])->color));
          g_assert_cmpuint (bp_chart_series_get_n_points (dash->loss_chart, ids[i]), ==, steps);
          found = TRUE;
        }
    g_assert_true (found);
  }

  /* Ctrl+Z brings back the last one deleted. */
  click_delete (dash, first);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 1);
  if (press_ctrl_z (window))
    {
      g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
      g_assert_true (g_list_model_get_item (runs, 0) == (gpointer) first);
      g_object_unref (first);
      /* Nothing more to undo: the key does nothing. */
      ui_test_xdo ("key", "--clearmodifiers", "ctrl+z", NULL);
      ui_test_spin (0.2);
      g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
    }
  else
    g_test_message ("no xdotool or not X11: Ctrl+Z not pressed");
  g_object_unref (first);
  close_window (window);
}

static gboolean
is_editable_label (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_EDITABLE_LABEL (w);
}

/* Whether the loss chart has a series named name. */
static gboolean
legend_has (BpChart *chart, const char *name)
{
  guint ids[16], n = bp_chart_get_series (chart, ids, 16);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (_bp_chart_find (chart, ids[i])->name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
rename_in_table (GtkEditableLabel *label, const char *text)
{
  gtk_editable_label_start_editing (label);
  ui_test_spin (0.05);
  gtk_editable_set_text (GTK_EDITABLE (label), text);
  gtk_editable_label_stop_editing (label, TRUE);
  ui_test_spin (0.1);
}

/* A blank name is refused and the old one shows again; a rename reaches the legend. */
static void
test_rename (void)
{
  BpWindow *window = open_window ();
  BpDashboard *dash = window->dashboard;
  BpRun *run;
  GtkEditableLabel *label;

  start_run (dash, "iris", 1, FALSE);
  train_steps (dash, 3);
  run = bp_dashboard_training_get_current_run (bp_dashboard_get_training (dash));
  bp_dashboard_show_part (dash, "runs");
  ui_test_spin (0.3);
  label = GTK_EDITABLE_LABEL (ui_test_find (GTK_WIDGET (dash->runs_view), is_editable_label,
                                            NULL));
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==, "run 1");

  rename_in_table (label, "");
  g_assert_cmpstr (bp_run_get_name (run), ==, "run 1");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==, "run 1");
  rename_in_table (label, "   ");
  g_assert_cmpstr (bp_run_get_name (run), ==, "run 1");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==, "run 1");
  g_assert_true (legend_has (dash->loss_chart, "run 1"));

  rename_in_table (label, " baseline ");
  g_assert_cmpstr (bp_run_get_name (run), ==, "baseline");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (label)), ==, "baseline");
  g_assert_true (legend_has (dash->loss_chart, "baseline"));
  g_assert_true (legend_has (dash->loss_chart, "baseline val"));
  g_assert_true (legend_has (dash->acc_chart, "baseline"));
  g_assert_false (legend_has (dash->loss_chart, "run 1"));
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  ui_test_spin (0.5);
  close_window (window);
}

/* An iris run, then a digits run (a new session, whose runs count from 1 again): the
 * histograms show the digits run's history only; the step range and a zoom set for the iris
 * run are gone. */
static void
test_new_run_resets_views (void)
{
  BpWindow *window = open_window ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  const bp_hist_history *h;
  double x0, x1, y0, y1;
  guint64 step, last = 0;
  double lo, hi, counts[256];
  int n_bins;
  guint n;

  start_run (dash, "iris", 100, FALSE);
  train_steps (dash, 300);
  bp_dashboard_refresh (dash);
  g_assert_cmpuint (bp_histogram_view_get_n_entries (dash->hist_view), >, 4);
  gtk_editable_set_text (GTK_EDITABLE (dash->from_entry), "200");
  bp_chart_set_view (dash->loss_chart, 250, 300, 5, 6);
  bp_chart_set_view (dash->acc_chart, 250, 300, 0.9, 1);
  ui_test_spin (0.1);

  start_run (dash, "digits", 10, FALSE);
  train_steps (dash, 12);
  h = bp_dashboard_training_get_history (t);
  g_assert_nonnull (h);
  bp_dashboard_refresh (dash);
  n = bp_histogram_view_get_n_entries (dash->hist_view);
  g_test_message ("digits run: %u histograms on view, %" G_GUINT64_FORMAT " recorded", n,
                  bp_hist_history_count (h));
  g_assert_cmpuint (n, ==, bp_hist_history_count (h));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (bp_histogram_view_get_n_shown (dash->hist_view), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (bp_histogram_view_get_shown (dash->hist_view, i, &step, &lo, &hi, &n_bins,
                                                  counts));
      g_assert_cmpuint (step, >=, last);
      g_assert_cmpuint (step, <=, 12);
      last = step;
    }
  g_assert_null (bp_histogram_view_get_note (dash->hist_view));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dash->from_entry)), ==, "");
  bp_chart_get_view (dash->loss_chart, &x0, &x1, &y0, &y1);
  g_test_message ("loss chart view after the new run: %g..%g x %g..%g", x0, x1, y0, y1);
  g_assert_cmpfloat (x0, <=, 1);
  g_assert_cmpfloat (y0, <, 5);
  bp_chart_get_view (dash->acc_chart, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (x0, <=, 1);
  g_assert_cmpfloat (y0, <, 0.9);
  keep_shot (GTK_WIDGET (window), "runs-new-run-views.png");
  close_window (window);
}

static gboolean
following_progress (gpointer data)
{
  BpDashboard *dash = data;

  bp_dashboard_refresh (dash);
  return bp_dashboard_training_is_following (bp_dashboard_get_training (dash))
         && g_list_model_get_n_items (bp_dashboard_training_get_runs (
              bp_dashboard_get_training (dash)))
              > 0;
}

/* The Playground's run has no epoch limit: the bar shows the epoch, no percentage. Deleted
 * from the Dashboard while it trains, it is paused and no row comes back for it. */
static void
test_open_ended_progress (void)
{
  BpWindow *window = open_window ();
  BpDashboard *dash = window->dashboard;
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  bp_session *pg = bp_window_get_followed_session (window, NULL);
  const char *text;
  BpRun *run;

  g_assert_nonnull (pg);
  bp_session_step (pg, 1000000);
  g_assert_true (ui_test_wait (following_progress, dash, 20));
  ui_test_spin (0.3);
  bp_dashboard_refresh (dash);
  text = gtk_progress_bar_get_text (dash->progress);
  g_test_message ("following the playground: progress \"%s\" (%g), status \"%s\"", text,
                  gtk_progress_bar_get_fraction (dash->progress),
                  gtk_label_get_text (dash->status_label));
  g_assert_true (g_str_has_prefix (text, "epoch "));
  g_assert_null (strchr (text, '%'));
  g_assert_null (strstr (text, " of "));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (dash->progress), ==, 0);
  g_assert_null (strstr (gtk_label_get_text (dash->status_label), "ETA"));
  keep_shot (GTK_WIDGET (window), "runs-open-ended.png");

  run = bp_dashboard_training_get_current_run (t);
  g_assert_nonnull (run);
  click_delete (dash, run);
  g_assert_cmpint (bp_session_wait (pg, 5), !=, BP_SESSION_RUNNING);
  g_assert_false (bp_dashboard_training_is_following (t));
  for (int i = 0; i < 5; i++)
    {
      ui_test_spin (0.1);
      bp_dashboard_refresh (dash);
    }
  g_assert_cmpuint (g_list_model_get_n_items (bp_dashboard_training_get_runs (t)), ==, 0);
  g_assert_cmpstr (gtk_progress_bar_get_text (dash->progress), ==, "Not training");
  close_window (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/dashboard-runs/delete-training-run", test_delete_training_run);
  g_test_add_func ("/dashboard-runs/undo-delete", test_undo_delete);
  g_test_add_func ("/dashboard-runs/rename", test_rename);
  g_test_add_func ("/dashboard-runs/new-run-resets-views", test_new_run_resets_views);
  g_test_add_func ("/dashboard-runs/open-ended-progress", test_open_ended_progress);
  return g_test_run ();
}
