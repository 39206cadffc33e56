/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's controls on a live session: live hyperparameters, multi-class and
 * regression sets, a layer's activation, hovering a neuron, points from a CSV file; while
 * training, one area of the window changes per frame. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bp-ui.h"
#include "playground-fixture.h"

static gboolean
some_epochs (gpointer data)
{
  Fixture *f = data;

  return f->pg->epochs_read >= 50;
}

static void
test_live_learning_rate (Fixture *f, gconstpointer data)
{
  gint64 epoch_before;
  guint64 run = bp_session_run (f->pg->session);

  bp_playground_set_running (f->pg, TRUE);
  g_assert_true (ui_test_wait (some_epochs, f, 30));
  epoch_before = bp_playground_get_epoch (f->pg);
  bp_hyper_bar_set_learning_rate (f->pg->hyper_bar, 0.3);
  /* Applied to the running session: same run, training goes on, the new rate in force. */
  g_assert_cmpfloat_with_epsilon (bp_session_get_hparam (f->pg->session, BP_HPARAM_LR), 0.3,
                                  1e-6);
  ui_test_spin (0.3);
  if (!bp_playground_get_running (f->pg))
    {
      bp_session_status st;

      bp_session_get_status (f->pg->session, &st);
      g_error ("stopped: state %d reason %d step %" G_GUINT64_FORMAT " '%s'", st.state,
               st.reason, st.step, st.message);
    }
  g_assert_cmpuint (bp_session_run (f->pg->session), ==, run);
  g_assert_cmpint (bp_playground_get_epoch (f->pg), >=, epoch_before);

  /* Regularization and batch size too. */
  {
    BpHyperSettings h;
    BpPgDataParams p;
    int batch;

    bp_hyper_bar_get_settings (f->pg->hyper_bar, &h);
    h.regularization = BP_PG_REG_L2;
    h.reg_rate = 0.01;
    bp_hyper_bar_set_settings (f->pg->hyper_bar, &h);
    g_signal_emit_by_name (f->pg->hyper_bar, "changed", (guint) BP_HYPER_REGULARIZATION);
    g_assert_cmpfloat_with_epsilon (bp_session_get_hparam (f->pg->session, BP_HPARAM_L2), 0.01,
                                    1e-9);
    g_assert_cmpfloat (bp_session_get_hparam (f->pg->session, BP_HPARAM_L1), ==, 0);
    bp_data_panel_get_params (f->pg->data_panel, &p, &batch);
    bp_data_panel_set_params (f->pg->data_panel, &p, 25);
    g_signal_emit_by_name (f->pg->data_panel, "changed", (guint) BP_DATA_BATCH);
    g_assert_cmpfloat (bp_session_get_hparam (f->pg->session, BP_HPARAM_BATCH_SIZE), ==, 25);
    g_assert_cmpuint (bp_session_run (f->pg->session), ==, run);
  }
  bp_playground_set_running (f->pg, FALSE);
  wait_settled (f);
}

static void
test_multiclass_and_regression (Fixture *f, gconstpointer data)
{
  BpHyperSettings h;

  /* Three blobs: three outputs, softmax with cross-entropy, three classes to click. */
  bp_data_panel_select_kind (f->pg->data_panel, BP_SYNTH_BLOBS);
  wait_settled (f);
  g_assert_cmpint (f->pg->data->n_classes, ==, 3);
  g_assert_cmpint (f->pg->loss, ==, BP_LOSS_CROSS_ENTROPY);
  g_assert_cmpint (bp_network_view_get_column_size (f->pg->network_view,
                                                    bp_network_view_get_n_columns (
                                                      f->pg->network_view) - 1), ==, 3);
  bp_playground_run_steps (f->pg, 200, NULL, NULL);
  wait_settled (f);
  g_assert_cmpint (bp_playground_get_step (f->pg), ==, 200);

  /* The plane: one output, squared error, and the bar says regression. */
  bp_data_panel_select_kind (f->pg->data_panel, BP_SYNTH_REG_PLANE);
  wait_settled (f);
  g_assert_cmpint (f->pg->data->task, ==, BP_TASK_REGRESSION);
  g_assert_cmpint (f->pg->loss, ==, BP_LOSS_MSE);
  bp_hyper_bar_get_settings (f->pg->hyper_bar, &h);
  g_assert_cmpint (h.problem, ==, BP_PG_PROBLEM_REGRESSION);

  /* And back through the problem menu: to the blobs it had. */
  h.problem = BP_PG_PROBLEM_CLASSIFICATION;
  bp_hyper_bar_set_settings (f->pg->hyper_bar, &h);
  g_signal_emit_by_name (f->pg->hyper_bar, "changed", (guint) BP_HYPER_PROBLEM);
  wait_settled (f);
  g_assert_cmpint (f->pg->data->params.kind, ==, BP_SYNTH_BLOBS);
  g_assert_cmpint (f->pg->loss, ==, BP_LOSS_CROSS_ENTROPY);
}

static void
test_layer_activation (Fixture *f, gconstpointer data)
{
  const bp_act *acts = bp_hyper_bar_activations ();
  int relu = 0;
  guint64 run = bp_session_run (f->pg->session);

  while (acts[relu] != BP_ACT_RELU)
    relu++;
  bp_network_view_choose (f->pg->network_view, 2, relu);
  wait_settled (f);
  g_assert_cmpint (f->pg->activations[0], ==, BP_ACT_TANH);
  g_assert_cmpint (f->pg->activations[1], ==, BP_ACT_RELU);
  g_assert_cmpint (f->pg->activations[2], ==, BP_ACT_TANH);
  /* A new network (a new run) whose second hidden layer is ReLU: its thumbnails are >= 0. */
  g_assert_cmpuint (bp_session_run (f->pg->session), >, run);
  {
    int side = 0;
    const float *v = bp_network_view_get_thumbnail (f->pg->network_view, 2, 0, &side);

    g_assert_nonnull (v);
    for (int k = 0; k < side * side; k++)
      g_assert_cmpfloat (v[k], >=, 0.0f);
  }
}

static gboolean
weight_shown (gpointer data)
{
  Fixture *f = data;

  return fabsf (bp_network_view_get_weight (f->pg->network_view, 1, 2, 3) - 1.75f) < 1e-6f;
}

static void
test_edit_weight (Fixture *f, gconstpointer data)
{
  g_assert_false (weight_shown (f));
  /* What the weight editor sends: the session takes it, and the next snapshot shows it. */
  g_signal_emit_by_name (f->pg->network_view, "weight-edited", 1, 2, 3, 1.75);
  g_assert_true (ui_test_wait (weight_shown, f, 10));
  g_assert_null (bp_playground_get_last_error (f->pg));
}

static gboolean
stopped (gpointer data)
{
  Fixture *f = data;

  return !bp_playground_get_running (f->pg);
}

static void
test_divergence (Fixture *f, gconstpointer data)
{
  BpHyperSettings h;

  /* A linear network fitting the plane by squared error with plain SGD at a learning rate of
   * 10 overshoots more at every step, to infinity within a few dozen. */
  bp_data_panel_select_kind (f->pg->data_panel, BP_SYNTH_REG_PLANE);
  wait_settled (f);
  bp_hyper_bar_get_settings (f->pg->hyper_bar, &h);
  h.activation = BP_ACT_LINEAR;
  h.learning_rate = 10;
  bp_hyper_bar_set_settings (f->pg->hyper_bar, &h);
  g_signal_emit_by_name (f->pg->hyper_bar, "changed", (guint) (BP_HYPER_ACTIVATION | BP_HYPER_LR));
  wait_settled (f);
  bp_playground_set_running (f->pg, TRUE);
  g_assert_true (ui_test_wait (stopped, f, 30));
  /* Paused by the session, which says why; the banner shows it. */
  g_assert_cmpint (bp_session_get_state (f->pg->session), ==, BP_SESSION_DIVERGED);
  g_assert_true (gtk_revealer_get_reveal_child (f->pg->banner_revealer));
  g_test_message ("banner: %s", gtk_label_get_text (f->pg->banner_label));
  g_assert_cmpuint (strlen (gtk_label_get_text (f->pg->banner_label)), >, 10);
}

static void
test_layer_extremes (Fixture *f, gconstpointer data)
{
  int hidden[BP_NV_MAX_HIDDEN_LAYERS];

  /* No hidden layer: logistic regression, inputs straight to the output. */
  for (int i = 0; i < 3; i++)
    g_signal_emit_by_name (f->pg->network_view, "remove-layer");
  wait_settled (f);
  g_assert_cmpint (bp_playground_get_hidden_layers (f->pg, hidden, BP_NV_MAX_HIDDEN_LAYERS), ==,
                   0);
  g_assert_cmpint (bp_network_view_get_n_columns (f->pg->network_view), ==, 2);
  g_assert_false (gtk_widget_get_sensitive (bp_network_view_get_button (f->pg->network_view, -1,
                                                                        FALSE)));
  bp_playground_run_steps (f->pg, 50, NULL, NULL);
  wait_settled (f);
  g_assert_false (isnan (bp_network_view_get_weight (f->pg->network_view, 0, 0, 1)));

  /* Eight layers of 32: no cap below that. */
  for (int i = 0; i < 8; i++)
    g_signal_emit_by_name (f->pg->network_view, "add-layer");
  for (int c = 1; c <= 8; c++)
    for (int k = 0; k < 28; k++)
      g_signal_emit_by_name (f->pg->network_view, "add-neuron", c);
  wait_settled (f);
  g_assert_cmpint (bp_playground_get_hidden_layers (f->pg, hidden, BP_NV_MAX_HIDDEN_LAYERS), ==,
                   8);
  for (int i = 0; i < 8; i++)
    g_assert_cmpint (hidden[i], ==, 32);
  bp_playground_run_steps (f->pg, 20, NULL, NULL);
  wait_settled (f);
  g_assert_cmpint (bp_playground_get_step (f->pg), ==, 20);
  g_assert_false (isnan (bp_network_view_get_weight (f->pg->network_view, 8, 0, 31)));
}

static void
test_hover_shows_neuron (Fixture *f, gconstpointer data)
{
  g_assert_null (bp_heatmap_get_overlay_caption (f->pg->heatmap));
  g_signal_emit_by_name (f->pg->network_view, "neuron-hovered", 2, 3);
  g_assert_cmpstr (bp_heatmap_get_overlay_caption (f->pg->heatmap), ==, "layer 2, neuron 4");
  g_signal_emit_by_name (f->pg->network_view, "neuron-hovered", -1, -1);
  g_assert_null (bp_heatmap_get_overlay_caption (f->pg->heatmap));
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("bp-csv-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "points.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "three.csv", NULL);
  g_autoptr (GString) text = g_string_new ("a,b,label\n");
  g_autoptr (GError) error = NULL;

  /* 40 points on a 10 x 4 lattice, x in 10 … 19, y in -2 … 1; class = x > 14. */
  for (int i = 0; i < 40; i++)
    g_string_append_printf (text, "%d,%d,%s\n", 10 + i % 10, -2 + i / 10,
                            10 + i % 10 > 14 ? "hi" : "lo");
  g_assert_true (g_file_set_contents (good, text->str, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "a,b,c,label\n1,2,3,x\n4,5,6,y\n7,8,9,x\n1,1,1,y\n",
                                      -1, NULL));

  g_assert_true (bp_playground_load_csv (f->pg, good, &error));
  g_assert_no_error (error);
  wait_settled (f);
  g_assert_cmpuint (f->pg->data->points->len, ==, 40);
  g_assert_cmpint (f->pg->data->n_classes, ==, 2);
  /* The plane is the data's range widened by a tenth: x 10 … 19 -> 9.1 … 19.9. */
  g_assert_cmpfloat_with_epsilon (f->pg->data->plane[0], 9.1, 1e-4);
  g_assert_cmpfloat_with_epsilon (f->pg->data->plane[1], 19.9, 1e-4);
  g_assert_cmpfloat_with_epsilon (f->pg->data->plane[2], -2.3, 1e-4);
  g_assert_cmpfloat_with_epsilon (f->pg->data->plane[3], 1.3, 1e-4);
  g_assert_cmpuint (bp_heatmap_get_n_points (f->pg->heatmap), ==, 40);

  /* Three features: refused with a message naming the file; the points stay. */
  g_assert_false (bp_playground_load_csv (f->pg, bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "three.csv"));
  g_assert_nonnull (strstr (error->message, "two numeric features"));
  wait_settled (f);
  g_assert_cmpuint (f->pg->data->points->len, ==, 40);
  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

/* While training, each frame changes one area of the window (bp-playground-tick.c): the
 * output column (new epochs on the loss chart), the network (a snapshot's weights) or the
 * counters; changed together they would make each frame repaint nearly the whole window. */
typedef struct {
  Fixture *f;
  gboolean recording;
  guint64 epochs;
  float weight;
  gint64 step;
  guint frames, multi, changed[3];
} AreaWatch;

static void
on_after_paint (GdkFrameClock *clock, AreaWatch *w)
{
  BpPlayground *pg = w->f->pg;
  float weight = bp_network_view_get_weight (pg->network_view, 1, 0, 0);
  gboolean changed[3] = { pg->epochs_read != w->epochs, weight != w->weight,
                          bp_playground_get_step (pg) != w->step };

  if (w->recording)
    {
      w->frames++;
      w->multi += changed[0] + changed[1] + changed[2] > 1;
      for (int a = 0; a < 3; a++)
        w->changed[a] += changed[a];
    }
  w->epochs = pg->epochs_read;
  w->weight = weight;
  w->step = bp_playground_get_step (pg);
}

static void
test_one_area_per_frame (Fixture *f, gconstpointer data)
{
  AreaWatch w = { f, FALSE, 0, NAN, 0, 0, 0, { 0 } };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (f->window);
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &w);

  bp_playground_set_running (f->pg, TRUE);
  g_assert_true (ui_test_wait (some_epochs, f, 30));
  w.recording = TRUE;
  ui_test_spin (2.0);
  w.recording = FALSE;
  g_assert_true (bp_playground_get_running (f->pg));
  bp_playground_set_running (f->pg, FALSE);
  g_signal_handler_disconnect (clock, id);
  g_test_message ("%u frames: %u changed the output, %u the network, %u the counters; %u more "
                  "than one", w.frames, w.changed[0], w.changed[1], w.changed[2], w.multi);
  g_assert_cmpuint (w.multi, ==, 0);
  /* Each area still follows the training (~30, ~30 and 10 times a second on an idle machine;
   * the bounds leave room for a loaded one). */
  g_assert_cmpuint (w.changed[0], >=, 4);
  g_assert_cmpuint (w.changed[1], >=, 4);
  g_assert_cmpuint (w.changed[2], >=, 2);
  /* Paused, everything catches up at once: the counters show the last step, the views the
   * snapshot of it. */
  wait_settled (f);
  {
    bp_session_status st;

    bp_session_get_status (f->pg->session, &st);
    g_assert_false (f->pg->output_pending || f->pg->network_pending);
    g_assert_cmpint (bp_playground_get_step (f->pg), ==, (gint64) st.step);
    g_assert_cmpuint (f->pg->snapshot_step, ==, st.step);
  }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add ("/playground/live-learning-rate", Fixture, NULL, fixture_setup,
              test_live_learning_rate, fixture_teardown);
  g_test_add ("/playground/multiclass-and-regression", Fixture, NULL, fixture_setup,
              test_multiclass_and_regression, fixture_teardown);
  g_test_add ("/playground/layer-activation", Fixture, NULL, fixture_setup,
              test_layer_activation, fixture_teardown);
  g_test_add ("/playground/edit-weight", Fixture, NULL, fixture_setup, test_edit_weight,
              fixture_teardown);
  g_test_add ("/playground/divergence", Fixture, NULL, fixture_setup, test_divergence,
              fixture_teardown);
  g_test_add ("/playground/layer-extremes", Fixture, NULL, fixture_setup, test_layer_extremes,
              fixture_teardown);
  g_test_add ("/playground/hover-shows-neuron", Fixture, NULL, fixture_setup,
              test_hover_shows_neuron, fixture_teardown);
  g_test_add ("/playground/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);
  g_test_add ("/playground/one-area-per-frame", Fixture, NULL, fixture_setup,
              test_one_area_per_frame, fixture_teardown);
  return g_test_run ();
}
