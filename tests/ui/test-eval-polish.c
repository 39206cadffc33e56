/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a new user and an auditor found on the dashboard's Evaluation part, the histograms and
 * the window (issue 8): a clicked cell's gallery shows every row of the cell as it scrolls,
 * gallery captions say what their percentages are, a run without mistakes says so, regression
 * hides the matrix's normalisation, the header's epoch count agrees with the progress bar, the
 * histogram view says when its step range hides everything and labels its step axis, and
 * Alt+1..4 and Ctrl+Page Up/Down switch pages (real keys by xdotool). */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "bp-dashboard-private.h"
#include "bp-histogram-view-math.h"
#include "bp-histogram-view.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-window-private.h"
#include "ui-test-util.h"

static void
keep_shot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkTexture) tex = ui_test_shot (widget);

  ui_test_keep_shot (tex, name);
}

static gboolean
model_evaluated (gpointer data)
{
  BpModelView *m = bp_dashboard_get_model_view (data);

  return m != NULL && m->evaluated;
}

static guint
n_children (GtkWidget *w)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

/* A dashboard in a window, on source, evaluated after `steps` steps of a new run. */
static BpDashboard *
evaluated_dashboard (const char *source, guint64 steps, GtkWidget **window)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load (source, &error);
  GtkWidget *dash = bp_dashboard_new ();

  g_assert_no_error (error);
  g_object_ref_sink (dash);
  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (*window), dash);
  gtk_window_present (GTK_WINDOW (*window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, dash, 10));
  bp_dashboard_set_source (BP_DASHBOARD (dash), src);
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  g_assert_no_error (error);
  if (steps > 0)
    {
      BpDashboardTraining *t = bp_dashboard_get_training (BP_DASHBOARD (dash));

      bp_dashboard_training_step (t, steps);
      while (bp_dashboard_training_get_status (t)->step < steps)
        {
          ui_test_spin (0.05);
          bp_dashboard_refresh (BP_DASHBOARD (dash));
        }
    }
  bp_dashboard_show_part (BP_DASHBOARD (dash), "evaluation");
  bp_dashboard_evaluate (BP_DASHBOARD (dash), NULL, NULL);
  g_assert_true (ui_test_wait (model_evaluated, dash, 60));
  ui_test_spin (0.2);
  return BP_DASHBOARD (dash);
}

static void
close_dashboard (BpDashboard *dash, GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (dash);
}

static GtkAdjustment *
gallery_adjustment (BpDashboard *dash)
{
  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_ancestor (GTK_WIDGET (dash->gallery), GTK_TYPE_SCROLLED_WINDOW)));
}

/* The most confident mistake's caption, worked out from the model's outputs; and "no mistakes"
 * once every prediction is made right. */
static void
test_mistakes_gallery (void)
{
  GtkWidget *window;
  BpDashboard *dash = evaluated_dashboard ("digits", 30, &window);
  BpModelView *m = bp_dashboard_get_model_view (dash);
  GtkWidget *first, *caption;
  g_autofree char *want = NULL, *want_tip = NULL;
  gint64 best = -1;
  guint mistakes = 0;

  for (guint32 i = 0; i < m->n_rows; i++)
    if (m->labels[i] != m->pred[i])
      {
        mistakes++;
        if (best < 0
            || m->outputs[i * m->n_outputs + m->pred[i]]
                 > m->outputs[best * m->n_outputs + m->pred[best]])
          best = i;
      }
  g_assert_cmpuint (mistakes, >, 0); /* 30 steps do not learn the digits */
  {
    const float *p = m->outputs + best * m->n_outputs;
    const char *const *names = (const char *const *) m->src->ds->class_names;
    int t = m->labels[best], y = m->pred[best];

    want = g_strdup_printf ("row %u\npredicted %s: %.0f %%\ntrue %s: %.0f %%", m->rows[best],
                            names[y], 100 * p[y], names[t], 100 * p[t]);
    want_tip = g_strdup_printf ("Test row %u, true class %s: the network predicted %s with a "
                                "probability of %.1f %% and gave the true class %.1f %%.",
                                m->rows[best], names[t], names[y], 100 * p[y], 100 * p[t]);
  }
  /* The first item is the most confident mistake; its caption names both percentages. */
  first = gtk_flow_box_child_get_child (
    GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (GTK_WIDGET (dash->gallery))));
  caption = gtk_widget_get_last_child (first);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (caption)), ==, want);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (first), ==, want_tip);
  g_free (want);
  want = g_strdup_printf ("%u of %u test rows misclassified, the most confident mistakes first",
                          mistakes, m->n_rows);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (dash->gallery_label), want));
  /* The normalisation applies to a confusion matrix: shown for classification. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dash->norm_drop)));
  keep_shot (window, "eval-mistakes.png");

  /* Every prediction right: the gallery says there is nothing to show, and is empty. */
  for (guint32 i = 0; i < m->n_rows; i++)
    m->pred[i] = m->labels[i];
  _bp_dashboard_eval_show (dash);
  g_free (want);
  want = g_strdup_printf ("All %u test rows are classified correctly: no mistakes to show. "
                          "Click a cell of the matrix to see its rows.", m->n_rows);
  g_assert_cmpstr (gtk_label_get_text (dash->gallery_label), ==, want);
  g_assert_cmpuint (n_children (GTK_WIDGET (dash->gallery)), ==, 0);
  close_dashboard (dash, window);
}

typedef struct {
  BpDashboard *dash;
  guint before;
} GrowState;

/* Scrolls the gallery to its bottom (as laid out now); TRUE once it holds more items. */
static gboolean
scrolled_and_grew (gpointer data)
{
  GrowState *g = data;
  GtkAdjustment *adj = gallery_adjustment (g->dash);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj)
                                   - gtk_adjustment_get_page_size (adj));
  return n_children (GTK_WIDGET (g->dash->gallery)) > g->before;
}

/* A cell of 360 rows: a first batch, then more as the gallery scrolls down, until all 360
 * are there and the title no longer says "the first N". */
static void
test_cell_gallery_shows_all (void)
{
  GtkWidget *window;
  BpDashboard *dash = evaluated_dashboard ("digits", 0, &window);
  BpModelView *m = bp_dashboard_get_model_view (dash);
  GtkAdjustment *adj = gallery_adjustment (dash);
  guint n;
  g_autofree char *title = NULL;
  const char *zero = m->src->ds->class_names[0];

  /* Make every test row a true 0 predicted as 0 (the digits' test set has ~36 per class). */
  g_assert_cmpuint (m->n_rows, >, 200);
  for (guint32 i = 0; i < m->n_rows; i++)
    m->labels[i] = m->pred[i] = 0;
  g_signal_emit_by_name (dash->confusion, "cell-activated", 0, 0);
  ui_test_spin (0.5);
  n = n_children (GTK_WIDGET (dash->gallery));
  /* Enough to fill the view, not all of them. */
  g_assert_cmpuint (n, >=, 36);
  g_assert_cmpuint (n, <, m->n_rows);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  title = g_strdup_printf ("True %s predicted as %s: %u rows — the first %u shown; scroll down "
                           "for more", zero, zero, m->n_rows, n);
  g_assert_cmpstr (gtk_label_get_text (dash->gallery_label), ==, title);
  /* A right answer's caption: the prediction's probability and the runner-up's. */
  {
    GtkWidget *first = gtk_flow_box_child_get_child (
      GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (GTK_WIDGET (dash->gallery))));
    const float *p = m->outputs;
    int second = -1;
    g_autofree char *want = NULL;

    /* The cell's first row is the model's row 0 (every row is in the cell now). */
    for (int k = 0; k < m->n_outputs; k++)
      if (k != 0 && (second < 0 || p[k] > p[second]))
        second = k;
    want = g_strdup_printf ("row %u\npredicted %s: %.0f %%\nrunner-up %s: %.0f %%", m->rows[0],
                            zero, 100 * p[0], m->src->ds->class_names[second], 100 * p[second]);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (first))), ==,
                     want);
  }
  keep_shot (window, "eval-cell-top.png");
  /* Scrolling to the bottom brings the next rows, until there are no more. */
  for (int round = 0; round < 40 && n < m->n_rows; round++)
    {
      GrowState g = { dash, n };

      g_assert_true (ui_test_wait (scrolled_and_grew, &g, 5));
      n = n_children (GTK_WIDGET (dash->gallery));
    }
  g_assert_cmpuint (n, ==, m->n_rows);
  g_clear_pointer (&title, g_free);
  title = g_strdup_printf ("True %s predicted as %s: %u rows", zero, zero, m->n_rows);
  g_assert_cmpstr (gtk_label_get_text (dash->gallery_label), ==, title);
  keep_shot (window, "eval-cell-bottom.png");
  /* A cell with no rows says so. */
  g_signal_emit_by_name (dash->confusion, "cell-activated", 1, 2);
  g_assert_cmpuint (n_children (GTK_WIDGET (dash->gallery)), ==, 0);
  g_clear_pointer (&title, g_free);
  title = g_strdup_printf ("No test rows of true %s were predicted as %s.",
                           m->src->ds->class_names[1], m->src->ds->class_names[2]);
  g_assert_cmpstr (gtk_label_get_text (dash->gallery_label), ==, title);
  close_dashboard (dash, window);
}

/* Regression has no confusion matrix: no "Share of each true class" either. */
static void
test_regression_hides_norm (void)
{
  GtkWidget *window;
  BpDashboard *dash = evaluated_dashboard ("reg-plane", 20, &window);

  g_assert_cmpint (bp_dashboard_get_model_view (dash)->n_classes, ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dash->norm_drop)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dash->eval_stack), ==, "regression");
  keep_shot (window, "eval-regression.png");
  close_dashboard (dash, window);
}

static void
add_entry (BpHistogramView *hv, guint64 step, float shift)
{
  bp_histogram h = { 0 };

  h.n_bins = 4;
  h.lo = -1 + shift;
  h.hi = 1 + shift;
  h.min = h.lo;
  h.max = h.hi;
  for (int i = 0; i < 4; i++)
    h.counts[i] = (uint32_t) (10 + 5 * i);
  h.n = 70;
  bp_histogram_view_append (hv, step, &h);
}

/* The note in place of histograms, and whole-step ticks for the bands' step axis. */
static void
test_histogram_notes_and_ticks (void)
{
  GtkWidget *hv = bp_histogram_view_new ();
  GtkWidget *window;
  double t[32];
  int n;

  g_object_ref_sink (hv);
  g_assert_cmpstr (bp_histogram_view_get_note (BP_HISTOGRAM_VIEW (hv)), ==,
                   "No histograms recorded yet");
  for (int k = 0; k < 25; k++)
    add_entry (BP_HISTOGRAM_VIEW (hv), 100 + 100 * (guint64) k, 0.02f * k);
  g_assert_null (bp_histogram_view_get_note (BP_HISTOGRAM_VIEW (hv)));
  bp_histogram_view_set_step_range (BP_HISTOGRAM_VIEW (hv), 3000, 4000);
  g_assert_cmpuint (bp_histogram_view_get_n_shown (BP_HISTOGRAM_VIEW (hv)), ==, 0);
  g_assert_cmpstr (bp_histogram_view_get_note (BP_HISTOGRAM_VIEW (hv)), ==,
                   "The step range (3000 to 4000) hides all 25 histograms, recorded at steps 100 "
                   "to 2500: clear the Steps boxes (from, to) to see them all");
  bp_histogram_view_set_step_range (BP_HISTOGRAM_VIEW (hv), 2600, 0);
  g_assert_cmpstr (bp_histogram_view_get_note (BP_HISTOGRAM_VIEW (hv)), ==,
                   "The step range (2600 to the newest) hides all 25 histograms, recorded at "
                   "steps 100 to 2500: clear the Steps boxes (from, to) to see them all");
  {
    char note[256];

    bp_hist_empty_note (1, 40, 40, 50, 0, note, sizeof note);
    g_assert_cmpstr (note, ==, "The step range (50 to the newest) hides the one histogram, "
                               "recorded at step 40: clear the Steps boxes (from, to) to see it");
  }
  window = ui_test_show_in_window (hv, 600, 300);
  keep_shot (window, "histogram-range-hides.png");
  bp_histogram_view_set_step_range (BP_HISTOGRAM_VIEW (hv), 0, 0);
  bp_histogram_view_set_mode (BP_HISTOGRAM_VIEW (hv), BP_HISTOGRAM_BANDS);
  ui_test_spin (0.2);
  keep_shot (window, "histogram-bands.png");

  /* Steps 100..2500 over ~6 intervals: 500, 1000, ... 2500 (nice, whole, inside). */
  n = bp_hist_step_ticks (100, 2500, 6, t, 32);
  g_assert_cmpint (n, ==, 5);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (t[i], ==, 500.0 * (i + 1));
  /* Three steps never get ticks between whole steps. */
  n = bp_hist_step_ticks (1, 3, 8, t, 32);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpfloat (t[0], ==, 1);
  g_assert_cmpfloat (t[2], ==, 3);
  /* 10..170 over 4 intervals: a step of 50 (raw 40 rounds up to 50). */
  n = bp_hist_step_ticks (10, 170, 4, t, 32);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpfloat (t[0], ==, 50);
  g_assert_cmpfloat (t[2], ==, 150);
  /* One step only: a tick at it. */
  n = bp_hist_step_ticks (40, 40, 5, t, 32);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpfloat (t[0], ==, 40);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (hv);
}

static gboolean
progress_in_epoch_2 (gpointer data)
{
  BpDashboard *dash = data;

  bp_dashboard_refresh (dash);
  return g_str_has_prefix (gtk_progress_bar_get_text (dash->progress), "epoch 2 of ");
}

/* The header counts finished epochs and says so; the progress bar names the one in progress. */
static void
test_header_epochs_agree (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  BpWindow *window = bp_window_new (NULL);
  BpDashboardTraining *t;
  const bp_session_status *st;
  guint64 spe, target;
  GtkLabel *caption;

  g_assert_no_error (error);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, window, 10));
  g_assert_true (bp_window_set_page (window, "dashboard", NULL));
  bp_dashboard_set_source (window->dashboard, src);
  g_assert_true (bp_dashboard_new_run (window->dashboard, FALSE, &error));
  g_assert_no_error (error);
  t = bp_dashboard_get_training (window->dashboard);
  /* One step tells the steps per epoch; then to the middle of the second epoch. */
  bp_dashboard_training_step (t, 1);
  while ((st = bp_dashboard_training_get_status (t))->step < 1)
    {
      ui_test_spin (0.05);
      bp_dashboard_refresh (window->dashboard);
    }
  spe = st->steps_per_epoch;
  g_assert_cmpuint (spe, >=, 2);
  target = spe + spe / 2;
  bp_dashboard_training_step (t, target - 1);
  while ((st = bp_dashboard_training_get_status (t))->step < target
         || st->state == BP_SESSION_RUNNING)
    {
      ui_test_spin (0.05);
      bp_dashboard_refresh (window->dashboard);
    }
  /* The toolbar reads the session on a timer of its own. */
  g_assert_true (ui_test_wait (progress_in_epoch_2, window->dashboard, 10));
  bp_window_update_header (window);
  caption = window->epoch_caption;
  g_assert_cmpstr (gtk_label_get_text (caption), ==, "Epochs done");
  g_assert_cmpstr (gtk_label_get_text (window->epoch_label), ==, "1");
  g_test_message ("after %" G_GUINT64_FORMAT " steps of %" G_GUINT64_FORMAT
                  " an epoch: header %s %s, progress bar \"%s\"",
                  st->step, spe, gtk_label_get_text (caption),
                  gtk_label_get_text (window->epoch_label),
                  gtk_progress_bar_get_text (window->dashboard->progress));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (
                              gtk_widget_get_parent (GTK_WIDGET (caption))),
                            "after 1 epoch done, it trains epoch 2"));
  keep_shot (GTK_WIDGET (window), "header-epochs.png");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (window);
}

/* Alt+1..4 and Ctrl+Page Up/Down, pressed for real, even with the focus in a scrolled table. */
static void
test_page_keys (void)
{
  static const struct {
    const char *key, *page;
  } presses[] = {
    { "alt+3", "dashboard" },  { "alt+4", "data" },         { "alt+2", "builder" },
    { "alt+1", "playground" }, { "ctrl+Next", "builder" },  { "ctrl+Next", "dashboard" },
    { "ctrl+Next", "data" },   { "ctrl+Next", "playground" }, { "ctrl+Prior", "data" },
    { "ctrl+Prior", "dashboard" },
  };
  BpWindow *window;
  GdkSurface *surface;
  g_autofree char *xid = NULL;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return;
    }
  window = bp_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, window, 10));
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
  ui_test_xdo ("windowraise", xid, "windowfocus", "--sync", xid, NULL);
  g_assert_cmpstr (bp_window_get_page (window), ==, "playground");
  for (guint i = 0; i < G_N_ELEMENTS (presses); i++)
    {
      ui_test_xdo ("key", "--clearmodifiers", presses[i].key, NULL);
      ui_test_spin (0.3);
      g_assert_cmpstr (bp_window_get_page (window), ==, presses[i].page);
      /* On the Dashboard, the focus goes into its runs table (a scrolled list that would
       * take Ctrl+Page Up/Down for itself). */
      if (g_str_equal (presses[i].page, "dashboard"))
        gtk_widget_grab_focus (bp_dashboard_get_part (window->dashboard, "runs"));
    }
  keep_shot (GTK_WIDGET (window), "pages-keys.png");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (window);
}

static void
collect_accels (GtkWidget *w, GString *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (c))
        {
          g_autofree char *accel = NULL, *title = NULL;

          g_object_get (c, "accelerator", &accel, "title", &title, NULL);
          g_string_append_printf (out, "%s=%s\n", title, accel != NULL ? accel : "");
        }
      collect_accels (c, out);
    }
}

/* The shortcuts window lists the page keys and the Dashboard's and Data page's mnemonics. */
static void
test_shortcuts_window (void)
{
  g_autoptr (GtkBuilder) b =
    gtk_builder_new_from_resource (BP_RESOURCE_PREFIX "/gtk/help-overlay.ui");
  GtkWidget *win = GTK_WIDGET (gtk_builder_get_object (b, "help_overlay"));
  g_autoptr (GString) all = g_string_new ("\n");
  static const char *const sections[] = { "shortcuts", "builder", "dashboard" };
  static const char *const want[] = {
    "\nPlayground=<Alt>1\n", "\nBuilder=<Alt>2\n", "\nDashboard=<Alt>3\n", "\nData=<Alt>4\n",
    "\nPrevious / next page=<Control>Page_Up <Control>Page_Down\n",
    "\nNew run=<Alt>n\n", "\nEvaluate the network (Evaluation tab)=<Alt>e\n",
    "\nOpen a data file=<Alt>o\n", "\nTrain on this data (on the Dashboard)=<Alt>t\n",
  };

  g_assert_nonnull (win);
  collect_accels (win, all);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_nonnull (strstr (all->str, want[i]));
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (ui_test_wait (ui_test_is_mapped, win, 10));
  /* Each section fits one page: no page switcher (GTK 4.8's warns of a negative width). */
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *name = g_strdup_printf ("shortcuts-%s.png", sections[i]);

      g_object_set (win, "section-name", sections[i], NULL);
      ui_test_spin (0.3);
      g_assert_cmpint (gtk_widget_get_height (win), <=, 800);
      keep_shot (win, name);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/eval-polish/mistakes-gallery", test_mistakes_gallery);
  g_test_add_func ("/eval-polish/cell-gallery-shows-all", test_cell_gallery_shows_all);
  g_test_add_func ("/eval-polish/regression-hides-norm", test_regression_hides_norm);
  g_test_add_func ("/eval-polish/histogram-notes-and-ticks", test_histogram_notes_and_ticks);
  g_test_add_func ("/eval-polish/header-epochs-agree", test_header_epochs_agree);
  g_test_add_func ("/eval-polish/page-keys", test_page_keys);
  g_test_add_func ("/eval-polish/shortcuts-window", test_shortcuts_window);
  return g_test_run ();
}
