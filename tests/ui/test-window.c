/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window with a live session: it opens on the spiral, learns when played, changes
 * its network on +, draws what the model predicts, and writes screenshots; the header's play,
 * step and reset follow the page on screen. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bp-builder.h"
#include "bp-dashboard.h"
#include "bp-playground-private.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-window.h"
#include "ui-test-util.h"

typedef struct {
  BpWindow *window;
  BpPlayground *pg;
} Fixture;

static gboolean
has_snapshot (gpointer data)
{
  Fixture *f = data;

  return f->pg->snapshot_run > 0 && f->pg->tick_id == 0
         && !isnan (bp_network_view_get_weight (f->pg->network_view, 0, 0, 0));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = bp_window_new (NULL);
  g_object_ref_sink (f->window);
  f->pg = bp_window_get_playground (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, f->pg, 10));
  /* The session's first snapshot: the untrained model drawn. */
  g_assert_true (ui_test_wait (has_snapshot, f, 10));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
}

static gint64
label_count (Fixture *f, const char *name)
{
  GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                              BP_TYPE_WINDOW, name));
  const char *text = gtk_label_get_text (label);
  gint64 n = 0;

  /* Digits only: the count may be grouped by the locale. */
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      n = n * 10 + (*p - '0');
  return n;
}

static void
test_opens_on_spiral (Fixture *f, gconstpointer data)
{
  BpPgDataParams p;
  int hidden[8], batch;
  int n = bp_playground_get_hidden_layers (f->pg, hidden, 8);
  BpHyperSettings h;

  g_assert_cmpstr (bp_window_get_page (f->window), ==, "playground");
  bp_data_panel_get_params (f->pg->data_panel, &p, &batch);
  g_assert_cmpint (p.kind, ==, BP_SYNTH_SPIRAL);
  g_assert_cmpuint (f->pg->data->points->len, ==, 500);
  g_assert_cmpuint (bp_heatmap_get_n_points (f->pg->heatmap), ==, 500);
  bp_hyper_bar_get_settings (f->pg->hyper_bar, &h);
  g_assert_cmpint (h.activation, ==, BP_ACT_TANH);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpint (hidden[0], ==, 8);
  /* inputs X₁ X₂, three hidden layers, one output */
  g_assert_cmpint (bp_network_view_get_n_columns (f->pg->network_view), ==, 5);
  g_assert_cmpint (bp_network_view_get_column_size (f->pg->network_view, 0), ==, 2);
  g_assert_cmpint (bp_network_view_get_column_size (f->pg->network_view, 4), ==, 1);
  /* Ready, not running, nothing trained. */
  g_assert_false (bp_playground_get_running (f->pg));
  g_assert_cmpint (bp_playground_get_epoch (f->pg), ==, 0);
  g_assert_cmpint (label_count (f, "epoch_label"), ==, 0);

  {
    GError *error = NULL;
    g_assert_false (bp_window_set_page (f->window, "nowhere", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "playground"));
    g_clear_error (&error);
  }
}

static gboolean
trained_enough (gpointer data)
{
  Fixture *f = data;

  /* SGD at 0.03 on the spiral: the loss halves within about a thousand epochs. */
  return bp_playground_get_epoch (f->pg) >= 1500 && f->pg->epochs_read >= 1500;
}

static gboolean
not_running (gpointer data)
{
  Fixture *f = data;

  return !bp_playground_get_running (f->pg) && f->pg->tick_id == 0;
}

static void
assert_stops (Fixture *f)
{
  if (!ui_test_wait (not_running, f, 20))
    {
      bp_session_status st;

      bp_session_get_status (f->pg->session, &st);
      g_error ("did not settle: state %d step %" G_GUINT64_FORMAT " run %" G_GUINT64_FORMAT
               ", snapshot step %" G_GUINT64_FORMAT " run %" G_GUINT64_FORMAT,
               st.state, st.step, st.run, f->pg->snapshot_step, f->pg->snapshot_run);
    }
}

static gboolean
first_epochs (gpointer data)
{
  Fixture *f = data;

  return f->pg->epochs_read >= 1;
}

static void
test_play_learns (Fixture *f, gconstpointer data)
{
  double first_loss, last_loss;

  /* Space is the window's play action. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.play", NULL);
  g_assert_true (bp_playground_get_running (f->pg));
  g_assert_true (ui_test_wait (first_epochs, f, 20));
  first_loss = bp_loss_chart_get_last (f->pg->loss_chart, BP_LOSS_SERIES_TRAIN);
  g_assert_true (ui_test_wait (trained_enough, f, 60));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.play", NULL);
  assert_stops (f);

  /* The header counts what the session did; the curve went down. */
  g_assert_cmpint (label_count (f, "epoch_label"), ==, bp_playground_get_epoch (f->pg));
  g_assert_cmpint (label_count (f, "epoch_label"), >=, 1500);
  g_assert_cmpint (label_count (f, "step_label"), >=, 1500 * 25); /* 250 rows / batch 10 */
  last_loss = bp_playground_get_train_loss (f->pg);
  g_test_message ("train loss %.4f after epoch 1, %.4f after %" G_GINT64_FORMAT, first_loss,
                  last_loss, bp_playground_get_epoch (f->pg));
  g_assert_cmpfloat (first_loss, >, 0.5);
  g_assert_cmpfloat (last_loss, <, 0.5 * first_loss);
  g_assert_cmpuint (bp_loss_chart_get_n_points (f->pg->loss_chart, BP_LOSS_SERIES_TRAIN), ==,
                    f->pg->epochs_read);
  g_assert_cmpuint (bp_loss_chart_get_n_points (f->pg->loss_chart, BP_LOSS_SERIES_TEST), ==,
                    f->pg->epochs_read);

  /* Reset: counters and curve start again. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reset", NULL);
  assert_stops (f);
  ui_test_spin (0.5);
  g_assert_cmpint (bp_playground_get_epoch (f->pg), ==, 0);
  g_assert_cmpuint (bp_loss_chart_get_n_points (f->pg->loss_chart, BP_LOSS_SERIES_TRAIN), ==, 0);
}

static gboolean
layout_has_columns (gpointer data)
{
  Fixture *f = data;
  int last = bp_network_view_get_n_columns (f->pg->network_view) - 2;

  /* a snapshot of the new network has arrived: its last links have weights */
  return f->pg->tick_id == 0 && bp_network_view_get_n_columns (f->pg->network_view) == 6
         && !isnan (bp_network_view_get_weight (f->pg->network_view, last, 0, 0));
}

static void
test_plus_changes_network (Fixture *f, gconstpointer data)
{
  int hidden[8];
  GtkWidget *layer_plus = bp_network_view_get_button (f->pg->network_view, -1, TRUE);
  GtkWidget *neuron_plus = bp_network_view_get_button (f->pg->network_view, 1, TRUE);

  gtk_widget_activate (neuron_plus);
  ui_test_spin (0.4);
  g_assert_cmpint (bp_playground_get_hidden_layers (f->pg, hidden, 8), ==, 3);
  g_assert_cmpint (hidden[0], ==, 9);
  g_assert_cmpint (bp_network_view_get_column_size (f->pg->network_view, 1), ==, 9);

  gtk_widget_activate (layer_plus);
  ui_test_spin (0.4);
  g_assert_cmpint (bp_playground_get_hidden_layers (f->pg, hidden, 8), ==, 4);
  g_assert_cmpint (hidden[3], ==, 8);
  /* The session runs the new network: its snapshot has a fourth hidden layer's weights. */
  g_assert_true (ui_test_wait (layout_has_columns, f, 10));
  g_assert_cmpint (bp_network_view_get_column_size (f->pg->network_view, 4), ==, 8);
  g_assert_true (isnan (bp_network_view_get_weight (f->pg->network_view, 4, 1, 0)));
  g_assert_false (isnan (bp_network_view_get_weight (f->pg->network_view, 3, 7, 7)));
}

/* The model the network view shows, evaluated by hand at raw point (x, y): features X₁, X₂,
 * standard scaling, tanh hidden layers, sigmoid output. */
static double
predict_by_hand (Fixture *f, double x, double y)
{
  BpNetworkView *v = f->pg->network_view;
  int n_cols = bp_network_view_get_n_columns (v);
  double a[64], b[64];
  const bp_scaler *sc = &f->pg->data->scaler;

  a[0] = (x - sc->shift[0]) * sc->scale[0];
  a[1] = (y - sc->shift[1]) * sc->scale[1];
  for (int l = 0; l + 1 < n_cols; l++)
    {
      int n_in = bp_network_view_get_column_size (v, l);
      int n_out = bp_network_view_get_column_size (v, l + 1);

      for (int o = 0; o < n_out; o++)
        {
          double z = bp_network_view_get_bias (v, l, o);

          for (int i = 0; i < n_in; i++)
            z += bp_network_view_get_weight (v, l, o, i) * a[i];
          b[o] = l + 2 < n_cols ? tanh (z) : 1.0 / (1.0 + exp (-z));
        }
      memcpy (a, b, sizeof a);
    }
  return a[0];
}

static void
test_heatmap_agrees_with_model (Fixture *f, gconstpointer data)
{
  g_autoptr (GdkTexture) shot = NULL;
  int agree = 0, checked = 0, seen_blue = 0, seen_orange = 0;

  bp_playground_set_running (f->pg, TRUE);
  g_assert_true (ui_test_wait (trained_enough, f, 60));
  bp_playground_set_running (f->pg, FALSE);
  assert_stops (f);
  ui_test_spin (0.2);

  shot = bp_screenshot_widget (GTK_WIDGET (f->pg->heatmap), NULL);
  g_assert_nonnull (shot);
  /* A 9 x 9 lattice of points; those the model is sure about must have its colour. */
  for (int i = 0; i < 9; i++)
    for (int j = 0; j < 9; j++)
      {
        double x = -5 + 1.25 * j, y = -5 + 1.25 * i, wx, wy, p;
        int rgb[3];
        gboolean blue;

        p = predict_by_hand (f, x, y);
        if (fabs (p - 0.5) < 0.2)
          continue;
        g_assert_true (bp_heatmap_data_to_widget (f->pg->heatmap, x, y, &wx, &wy));
        ui_test_pixel (shot, (int) wx, (int) wy, rgb);
        /* Skip pixels under a data point (its white ring or fill). */
        if (abs (rgb[0] - rgb[2]) < 20)
          continue;
        blue = rgb[2] > rgb[0];
        checked++;
        agree += blue == (p > 0.5);
        seen_blue += blue;
        seen_orange += !blue;
      }
  g_test_message ("%d of %d confident lattice points agree", agree, checked);
  g_assert_cmpint (checked, >=, 20);
  g_assert_cmpint (seen_blue, >=, 3);
  g_assert_cmpint (seen_orange, >=, 3);
  /* Data points drawn on top may cover a lattice point in the other colour. */
  g_assert_cmpint (agree, >=, checked - 2);
}

static void
test_screenshot (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("bp-shot-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "window.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) loaded = NULL;
  GStatBuf st;

  g_assert_true (bp_screenshot_widget_to_png (GTK_WIDGET (f->window), path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 20000);
  loaded = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (loaded), ==, gtk_widget_get_width (GTK_WIDGET (f->window)));
  g_assert_cmpint (gdk_texture_get_height (loaded), ==,
                   gtk_widget_get_height (GTK_WIDGET (f->window)));
  /* Nearly the 1280 x 800 screen (less the window frame). */
  g_assert_cmpint (gdk_texture_get_width (loaded), >=, 1200);
  g_assert_cmpint (gdk_texture_get_height (loaded), >=, 740);
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct {
  Fixture *f;
  gint64 above;
} LabelAbove;

/* The header's step counter shows more than `above`. */
static gboolean
step_label_above (gpointer data)
{
  LabelAbove *a = data;

  return label_count (a->f, "step_label") > a->above;
}

static gboolean
step_label_is (Fixture *f, gint64 n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (label_count (f, "step_label") != n && g_get_monotonic_time () < end)
    ui_test_spin (0.05);
  if (label_count (f, "step_label") != n)
    g_test_message ("the header's step is %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
                    label_count (f, "step_label"), n);
  return label_count (f, "step_label") == n;
}

static gboolean
session_stopped (gpointer session)
{
  return bp_session_get_state (session) != BP_SESSION_RUNNING;
}

/* The spin button of the settings row titled title, or NULL. */
static GtkWidget *
find_spin_of_row (GtkWidget *root, const char *title)
{
  return ui_test_find (ui_test_find_row (root, title), ui_test_is_type,
                       GSIZE_TO_POINTER (GTK_TYPE_SPIN_BUTTON));
}

/* The header's play, step and reset act on the run of the page on screen, and its counters
 * show that run, also while the playground is hidden. */
static void
test_header_follows_page (Fixture *f, gconstpointer data)
{
  GtkWidget *w = GTK_WIDGET (f->window);
  BpBuilder *builder = BP_BUILDER (gtk_widget_get_template_child (w, BP_TYPE_WINDOW, "builder"));
  bp_session *pg_session = f->pg->session, *b_session;
  const char *label = NULL;
  LabelAbove above = { f, 0 };
  guint64 pg_step, b_step;
  g_autoptr (GError) error = NULL;

  /* The dashboard, with no run of its own, shows the playground's: the header plays it and
   * its counters move although the playground page is hidden. */
  g_assert_true (bp_window_set_page (f->window, "dashboard", &error));
  g_assert_true (bp_window_get_followed_session (f->window, &label) == pg_session);
  g_assert_cmpstr (label, ==, "playground");
  gtk_widget_activate_action (w, "win.play", NULL);
  g_assert_cmpint (bp_session_get_state (pg_session), !=, BP_SESSION_FINISHED);
  above.above = 200;
  g_assert_true (ui_test_wait (step_label_above, &above, 20));
  gtk_widget_activate_action (w, "win.play", NULL);
  g_assert_true (ui_test_wait (session_stopped, pg_session, 10));
  pg_step = bp_session_get_step (pg_session);
  g_assert_true (step_label_is (f, (gint64) pg_step));
  g_assert_cmpuint (bp_builder_get_session (builder) == NULL, ==, TRUE);

  /* The builder page: its own run, from nothing. Play trains the builder's network, not the
   * playground's. (A million epochs: the run must not end by itself while the test looks.) */
  g_assert_true (bp_window_set_page (f->window, "builder", &error));
  {
    GtkWidget *epochs = find_spin_of_row (GTK_WIDGET (bp_builder_get_settings (builder)),
                                          "Epochs");

    g_assert_nonnull (epochs);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs), 1e6);
    g_assert_cmpint (bp_builder_get_graph (builder)->epochs, ==, 1000000);
  }
  g_assert_true (step_label_is (f, 0));
  gtk_widget_activate_action (w, "win.play", NULL);
  g_assert_true (bp_builder_get_training (builder));
  above.above = 100;
  g_assert_true (ui_test_wait (step_label_above, &above, 20));
  b_session = bp_builder_get_session (builder);
  g_assert_nonnull (b_session);
  g_assert_cmpuint (bp_session_get_step (pg_session), ==, pg_step);
  gtk_widget_activate_action (w, "win.play", NULL);
  g_assert_false (bp_builder_get_training (builder));
  g_assert_true (ui_test_wait (session_stopped, b_session, 10));
  b_step = bp_session_get_step (b_session);
  g_assert_true (step_label_is (f, (gint64) b_step));
  /* Step: exactly one more. */
  gtk_widget_activate_action (w, "win.step", NULL);
  g_assert_true (step_label_is (f, (gint64) b_step + 1));
  g_assert_cmpuint (bp_session_get_step (b_session), ==, b_step + 1);

  /* Now the dashboard follows the builder's run, and the header there drives it. */
  g_assert_true (bp_window_get_followed_session (f->window, &label) == b_session);
  g_assert_cmpstr (label, ==, "builder");
  g_assert_true (bp_window_set_page (f->window, "dashboard", &error));
  g_assert_true (step_label_is (f, (gint64) b_step + 1));
  gtk_widget_activate_action (w, "win.reset", NULL);
  g_assert_true (step_label_is (f, 0));
  g_assert_cmpuint (bp_session_get_step (b_session), ==, 0);
  g_assert_cmpuint (bp_session_get_step (pg_session), ==, pg_step);

  /* A run of the dashboard's own (Iris): the header there plays, steps and resets it, and
   * leaves the builder's and the playground's alone. */
  {
    BpDashboard *dash = BP_DASHBOARD (gtk_widget_get_template_child (w, BP_TYPE_WINDOW,
                                                                     "dashboard"));
    BpDashboardTraining *training = bp_dashboard_get_training (dash);
    g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
    bp_session *d_session;
    guint64 d_step;

    BpTrainSettings s;

    g_assert_no_error (error);
    bp_dashboard_set_source (dash, src);
    /* Epochs enough to be still training when the test pauses it on a loaded machine: a run
     * that has finished would take Play for "start the next run" (as the header does). */
    bp_train_settings_defaults (&s, src);
    s.epochs = 100000;
    g_assert_true (bp_dashboard_training_start (training, src, &s, &error));
    d_session = bp_dashboard_training_get_session (training);
    g_assert_nonnull (d_session);
    g_assert_true (step_label_is (f, 0));
    /* (Step first, then play.) */
    gtk_widget_activate_action (w, "win.step", NULL);
    g_assert_true (step_label_is (f, 1));
    g_assert_cmpuint (bp_session_get_step (d_session), ==, 1);
    gtk_widget_activate_action (w, "win.play", NULL);
    above.above = 20;
    g_assert_true (ui_test_wait (step_label_above, &above, 20));
    gtk_widget_activate_action (w, "win.play", NULL);
    g_assert_true (ui_test_wait (session_stopped, d_session, 10));
    d_step = bp_session_get_step (d_session);
    g_assert_cmpuint (d_step, >, 20);
    g_assert_true (step_label_is (f, (gint64) d_step));
    gtk_widget_activate_action (w, "win.reset", NULL);
    g_assert_true (step_label_is (f, 0));
    g_assert_cmpuint (bp_session_get_step (b_session), ==, 0);
    g_assert_cmpuint (bp_session_get_step (pg_session), ==, pg_step);
  }

  /* Back on the playground, the header shows the playground's run again. */
  g_assert_true (bp_window_set_page (f->window, "playground", &error));
  g_assert_true (step_label_is (f, (gint64) pg_step));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add ("/window/opens-on-spiral", Fixture, NULL, fixture_setup, test_opens_on_spiral,
              fixture_teardown);
  g_test_add ("/window/play-learns", Fixture, NULL, fixture_setup, test_play_learns,
              fixture_teardown);
  g_test_add ("/window/plus-changes-network", Fixture, NULL, fixture_setup,
              test_plus_changes_network, fixture_teardown);
  g_test_add ("/window/heatmap-agrees-with-model", Fixture, NULL, fixture_setup,
              test_heatmap_agrees_with_model, fixture_teardown);
  g_test_add ("/window/screenshot", Fixture, NULL, fixture_setup, test_screenshot,
              fixture_teardown);
  g_test_add ("/window/header-follows-page", Fixture, NULL, fixture_setup,
              test_header_follows_page, fixture_teardown);
  return g_test_run ();
}
