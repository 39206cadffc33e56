/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard: the evaluation and histogram numbers on sets worked by hand, then the page on
 * real data: Fashion-MNIST when it is installed (else the 8x8 digits) trained for a few hundred
 * steps, its curves, histograms, weights, evaluation, runs and drawing pad checked against
 * what the session logged; and a regression set's evaluation. Every part is rendered; with
 * BP_TEST_SHOTS=DIR the pictures are kept there to look at. */
#include "bp-config.h"

#include <adwaita.h>
#include <math.h>

#include "bp-dashboard.h"
#include "bp-draw-pad.h"
#include "bp-histogram-view-math.h"
#include "bp-histogram-view.h"
#include "bp-runs-view.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-weight-heatmap.h"
#include "bp-confusion.h"
#include "bp-cpu-share.h"
#include "data/builtin.h"
#include "engine/eval.h"
#include "bp-window.h"
#include "bp-playground.h"
#include "bp-data-explorer.h"
#include "ui-test-util.h"

/* ---- numbers by hand ---- */

static void
test_confusion_exact (void)
{
  /* 10 rows, 3 classes:
   *   true 0: predicted 0, 0, 1        -> row 0 = 2 1 0
   *   true 1: predicted 1, 1, 1, 2     -> row 1 = 0 3 1
   *   true 2: predicted 0, 2, 2        -> row 2 = 1 0 2
   * plus one row with label 3 (outside k) that must be skipped. */
  const gint32 labels[] = { 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3 };
  const gint32 pred[] = { 0, 0, 1, 1, 1, 1, 2, 0, 2, 2, 0 };
  const gint64 expect[9] = { 2, 1, 0, 0, 3, 1, 1, 0, 2 };
  gint64 cm[9] = { 0 };
  bp_class_scores s[3];
  bp_class_report r;
  double norm[9];
  guint32 rows[4];

  bp_eval_confusion (cm, 3, labels, pred, G_N_ELEMENTS (labels));
  g_assert_cmpmem (cm, sizeof cm, expect, sizeof expect);

  bp_eval_class_report (cm, 3, s, &r);
  /* class 0: tp 2, predicted 0 three times (2 + 0 + 1), true 0 three times */
  g_assert_cmpfloat_with_epsilon (s[0].precision, 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (s[0].recall, 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (s[0].f1, 2.0 / 3, 1e-12);
  /* class 1: tp 3, column 1 + 3 + 0 = 4, row 4 */
  g_assert_cmpfloat_with_epsilon (s[1].precision, 3.0 / 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (s[1].recall, 3.0 / 4, 1e-12);
  /* class 2: tp 2, column 0 + 1 + 2 = 3, row 3; F1 = 2/3 */
  g_assert_cmpfloat_with_epsilon (s[2].precision, 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (s[2].f1, 2.0 / 3, 1e-12);
  g_assert_cmpint (s[1].support, ==, 4);
  g_assert_cmpint (r.total, ==, 10);
  g_assert_cmpfloat_with_epsilon (r.accuracy, 0.7, 1e-12);
  /* sklearn: macro F1 = (2/3 + 3/4 + 2/3) / 3, weighted = (3 * 2/3 + 4 * 3/4 + 3 * 2/3) / 10 */
  g_assert_cmpfloat_with_epsilon (r.macro.f1, (2.0 / 3 + 0.75 + 2.0 / 3) / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.weighted.f1, (2.0 + 3.0 + 2.0) / 10, 1e-12);

  bp_eval_confusion_normalize (cm, 3, BP_CM_NORM_TRUE, norm);
  g_assert_cmpfloat_with_epsilon (norm[4], 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (norm[5], 0.25, 1e-12);
  bp_eval_confusion_normalize (cm, 3, BP_CM_NORM_PRED, norm);
  g_assert_cmpfloat_with_epsilon (norm[0], 2.0 / 3, 1e-12); /* column 0: 2, 0, 1 */
  g_assert_cmpfloat_with_epsilon (norm[6], 1.0 / 3, 1e-12);
  bp_eval_confusion_normalize (cm, 3, BP_CM_NORM_ALL, norm);
  g_assert_cmpfloat_with_epsilon (norm[4], 0.3, 1e-12);

  /* The rows behind cell (1, 2) and (0, 0). */
  g_assert_cmpuint (bp_eval_cell_rows (labels, pred, 11, 1, 2, rows, 4), ==, 1);
  g_assert_cmpuint (rows[0], ==, 6);
  g_assert_cmpuint (bp_eval_cell_rows (labels, pred, 11, 0, 0, rows, 1), ==, 2);
  g_assert_cmpuint (rows[0], ==, 0);

  /* A class never predicted: precision 0 (zero_division=0), not NaN. */
  {
    const gint64 cm2[4] = { 3, 0, 2, 0 };
    bp_class_scores s2[2];
    bp_class_report r2;

    bp_eval_class_report (cm2, 2, s2, &r2);
    g_assert_cmpfloat (s2[1].precision, ==, 0);
    g_assert_cmpfloat (s2[1].f1, ==, 0);
    g_assert_cmpfloat_with_epsilon (s2[0].precision, 0.6, 1e-12);
  }
  /* Argmax, and a single sigmoid output. */
  g_assert_cmpint (bp_eval_predicted_class ((float[]) { 0.1f, 0.7f, 0.2f }, 3), ==, 1);
  g_assert_cmpint (bp_eval_predicted_class ((float[]) { 0.3f, 0.3f }, 2), ==, 0);
  g_assert_cmpint (bp_eval_predicted_class ((float[]) { 0.51f }, 1), ==, 1);
  g_assert_cmpint (bp_eval_predicted_class ((float[]) { 0.5f }, 1), ==, 0);
}

static void
test_regression_report (void)
{
  /* targets 1 2 3 4, predictions 1 2 2 5: residuals 0 0 1 -1,
   * RMSE = sqrt (2 / 4), MAE = 0.5, R² = 1 - 2 / 5 (SS_tot about the mean 2.5 = 5). */
  const float t[] = { 1, 2, 3, 4 }, p[] = { 1, 2, 2, 5 };
  float res[4];
  bp_regression_report r;

  bp_eval_regression (t, p, 4, res, &r);
  g_assert_cmpfloat_with_epsilon (r.rmse, sqrt (0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon (r.mae, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.r2, 0.6, 1e-12);
  g_assert_cmpfloat (res[2], ==, 1);
  g_assert_cmpfloat (res[3], ==, -1);
}

static void
test_histogram_math (void)
{
  bp_histogram h = { 0 };
  double out[4], total = 0;

  /* 4 bins on [0, 4): counts 1 2 3 4 (min 0.1, max 3.9). */
  h.n_bins = 4;
  h.lo = 0;
  h.hi = 4;
  h.min = 0.1f;
  h.max = 3.9f;
  h.counts[0] = 1;
  h.counts[1] = 2;
  h.counts[2] = 3;
  h.counts[3] = 4;
  h.n = 10;

  /* Onto 2 bins of [0, 4): 1 + 2 and 3 + 4. */
  bp_hist_rebin (&h, 0, 4, 2, out);
  g_assert_cmpfloat_with_epsilon (out[0], 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 7, 1e-12);
  /* Onto 4 bins of [1, 3): [1, 1.5) gets half of bin 1 plus the part of bin 0 below 1 ... :
   * bin 0 (below the range) -> 1 into the first; bin 1 -> 1 and 1; bin 2 -> 1.5 and 1.5;
   * bin 3 (above) -> 4 into the last. */
  bp_hist_rebin (&h, 1, 3, 4, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1 + 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[2], 1.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[3], 1.5 + 4, 1e-12);
  for (int i = 0; i < 4; i++)
    total += out[i];
  g_assert_cmpfloat_with_epsilon (total, 10, 1e-12);

  /* Percentiles: the median (5 of 10) is 2 of bin 2's 3 values in: 2 + 2/3; the extremes are
   * min and max; 0.05 (half a value) sits halfway into bin 0, clamped to min 0.1 -> 0.5. */
  g_assert_cmpfloat_with_epsilon (bp_hist_percentile (&h, 0.5), 2 + 2.0 / 3, 1e-9);
  g_assert_cmpfloat (bp_hist_percentile (&h, 0), ==, h.min);
  g_assert_cmpfloat (bp_hist_percentile (&h, 1), ==, h.max);
  g_assert_cmpfloat_with_epsilon (bp_hist_percentile (&h, 0.05), 0.5, 1e-6);
}

/* ---- the page on real data ---- */

/* A page that redraws every frame has a picture only between a frame and the next change:
 * ui_test_shot tries until one is caught. */
static void
keep_shot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkTexture) tex = ui_test_shot (widget);

  ui_test_keep_shot (tex, name);
}

typedef struct {
  BpDashboard *dash;
  guint64 steps;
} Settled;

/* The session has done the steps, stopped, and the dashboard has read them all. */
static gboolean
is_settled (gpointer data)
{
  Settled *s = data;
  BpDashboardTraining *t = bp_dashboard_get_training (s->dash);
  const bp_session_status *st;
  BpRun *run;

  bp_dashboard_refresh (s->dash);
  st = bp_dashboard_training_get_status (t);
  run = bp_dashboard_training_get_current_run (t);
  return st->state != BP_SESSION_RUNNING && st->step >= s->steps && run != NULL
         && bp_run_get_n_steps (run) >= s->steps;
}

static void
wait_steps (BpDashboard *dash, guint64 steps)
{
  Settled s = { dash, steps };

  g_assert_true (ui_test_wait (is_settled, &s, 300));
}

static gboolean
model_evaluated (gpointer data)
{
  BpModelView *m = bp_dashboard_get_model_view (data);

  return m != NULL && m->evaluated;
}

static gboolean
model_present (gpointer data)
{
  return bp_dashboard_get_model_view (data) != NULL;
}

static void
test_dashboard_images (void)
{
  gboolean fashion = g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
                                  G_FILE_TEST_EXISTS);
  const char *name = fashion ? "fashion-mnist" : "digits";
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load (name, &error);
  GtkWidget *dash = bp_dashboard_new ();
  GtkWidget *window = gtk_window_new ();
  BpDashboardTraining *training;
  BpRun *run;
  const guint64 steps = 240;
  BpModelView *m;

  g_test_message ("dashboard on %s", name);
  g_assert_no_error (error);
  g_object_ref_sink (dash);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_set_child (GTK_WINDOW (window), dash);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, dash, 10));

  bp_dashboard_set_source (BP_DASHBOARD (dash), src);
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  g_assert_no_error (error);
  training = bp_dashboard_get_training (BP_DASHBOARD (dash));
  if (fashion)
    {
      /* The benchmark's network: 784-256-128-10 ReLU, Adam 1e-3, batch 64. */
      const BpTrainSettings *s = bp_dashboard_training_get_settings (training);

      g_assert_cmpint (s->n_hidden, ==, 2);
      g_assert_cmpint (s->hidden[0], ==, 256);
      g_assert_cmpint (s->batch_size, ==, 64);
    }
  bp_dashboard_training_step (training, steps);
  wait_steps (BP_DASHBOARD (dash), steps);
  run = bp_dashboard_training_get_current_run (training);

  /* The loss curve holds every logged step, as logged. */
  {
    BpChart *loss = bp_dashboard_get_loss_chart (BP_DASHBOARD (dash));
    double x0, x1;

    g_assert_cmpuint (bp_run_get_n_steps (run), ==, steps);
    /* series 1 is the run's training loss (the first series added) */
    g_assert_cmpuint (bp_chart_series_get_n_points (loss, 1), ==, steps);
    /* The automatic view spans the planned run from step 0, rounded out to whole ticks,
     * however far it has come: a live curve grows into a fixed frame. */
    bp_chart_get_view (loss, &x0, &x1, NULL, NULL);
    g_assert_cmpfloat (x0, ==, 0);
    g_assert_cmpuint (bp_run_get_info (run)->planned_steps, >, steps);
    g_assert_cmpfloat (x1, >=, (double) bp_run_get_info (run)->planned_steps);
    g_assert_cmpfloat (x1, <, 1.5 * (double) bp_run_get_info (run)->planned_steps);
    /* Learning happened: the last 20 steps' loss is below the first 20's. */
    {
      const bp_step_record *r = bp_run_get_steps (run);
      double a = 0, b = 0;

      for (int i = 0; i < 20; i++)
        {
          a += r[i].loss;
          b += r[steps - 1 - i].loss;
        }
      g_assert_cmpfloat (b, <, a * 0.8);
    }
  }
  /* Histograms were recorded along the way and the view has them. */
  {
    GtkWidget *hv = bp_dashboard_get_part (BP_DASHBOARD (dash), "histograms");
    guint64 step;
    double lo, hi, counts[256], total = 0;
    int bins;

    g_assert_cmpuint (bp_histogram_view_get_n_entries (BP_HISTOGRAM_VIEW (hv)), >=, 4);
    g_assert_true (bp_histogram_view_get_shown (BP_HISTOGRAM_VIEW (hv), 0, &step, &lo, &hi, &bins,
                                                counts));
    g_assert_cmpint (bins, ==, 30);
    for (int i = 0; i < bins; i++)
      total += counts[i];
    /* Re-binned onto the common range, the first layer's weight histogram keeps every value
     * the trainer counted (a sample of 2^14 of the 784 x 256 weights). */
    {
      bp_histogram rec;
      uint64_t rec_step;
      double rec_total = 0;

      g_assert_true (bp_hist_history_get (bp_dashboard_training_get_history (training), 0, 0,
                                          BP_HIST_WEIGHTS, &rec, &rec_step, NULL));
      g_assert_cmpuint (rec_step, ==, step);
      for (int i = 0; i < rec.n_bins; i++)
        rec_total += rec.counts[i];
      g_assert_cmpfloat (rec_total, >, 1000);
      g_assert_cmpfloat_with_epsilon (total, rec_total, 1e-6 * rec_total);
    }
  }
  /* A copy of the weights for the heatmap. */
  bp_dashboard_refresh_model (BP_DASHBOARD (dash));
  g_assert_true (ui_test_wait (model_present, dash, 60));
  m = bp_dashboard_get_model_view (BP_DASHBOARD (dash));
  g_assert_cmpint (m->n_dense, ==, 3);
  g_assert_cmpint (m->dense[0].in, ==, src->ds->n_features);
  g_assert_true (isfinite (m->dense[0].dead_share));
  g_assert_cmpfloat (bp_weight_heatmap_get_scale (BP_WEIGHT_HEATMAP (
                       bp_dashboard_get_part (BP_DASHBOARD (dash), "weights"))),
                     >, 0.0);
  ui_test_spin (0.3);
  keep_shot (window, "dashboard-training.png");

  /* The evaluation: a confusion matrix over every test row. */
  bp_dashboard_show_part (BP_DASHBOARD (dash), "evaluation");
  bp_dashboard_evaluate (BP_DASHBOARD (dash), NULL, NULL);
  g_assert_true (ui_test_wait (model_evaluated, dash, 120));
  m = bp_dashboard_get_model_view (BP_DASHBOARD (dash));
  {
    gint64 sum = 0;
    BpConfusion *conf = BP_CONFUSION (bp_dashboard_get_part (BP_DASHBOARD (dash), "confusion"));

    g_assert_cmpuint (m->n_rows, ==, src->split.n_test);
    for (int i = 0; i < m->n_classes * m->n_classes; i++)
      sum += m->cm[i];
    g_assert_cmpint (sum, ==, src->split.n_test);
    g_test_message ("test accuracy after %" G_GUINT64_FORMAT " steps: %.3f", steps,
                    m->report.accuracy);
    g_assert_cmpfloat (m->report.accuracy, >, 0.6);
    g_assert_cmpfloat (bp_confusion_get_value (conf, 0, 0), ==, (double) m->cm[0]);
  }
  ui_test_spin (0.3);
  keep_shot (window, "dashboard-evaluation.png");

  /* The drawing pad: a stroke, and the probabilities of the latest copy add up to 1. */
  if (bp_data_source_is_28x28 (src))
    {
      BpDrawPad *pad = BP_DRAW_PAD (bp_dashboard_get_part (BP_DASHBOARD (dash), "draw-pad"));
      float out[10], sum = 0;

      bp_dashboard_show_part (BP_DASHBOARD (dash), "draw");
      bp_draw_pad_stroke (pad, 14, 4, 14, 24);
      bp_draw_pad_stroke (pad, 8, 6, 20, 6);
      g_assert_cmpfloat (bp_draw_pad_get_pixels (pad)[14 * 28 + 14], ==, 1.0f);
      g_assert_cmpfloat (bp_draw_pad_get_pixels (pad)[27 * 28 + 0], ==, 0.0f);
      g_assert_true (bp_model_view_predict (bp_dashboard_get_model_view (BP_DASHBOARD (dash)),
                                            bp_draw_pad_get_pixels (pad), out));
      for (int k = 0; k < 10; k++)
        sum += out[k];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
      ui_test_spin (0.3);
      keep_shot (window, "dashboard-draw.png");
    }

  /* A second run with another learning rate: two runs, both in the table. */
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  bp_dashboard_training_step (training, 60);
  wait_steps (BP_DASHBOARD (dash), 60);
  {
    GListModel *runs = bp_dashboard_training_get_runs (training);
    BpRunsView *rv = BP_RUNS_VIEW (bp_dashboard_get_part (BP_DASHBOARD (dash), "runs"));
    g_autoptr (BpRun) first = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
    g_assert_true (bp_runs_view_sort_by (rv, "Steps", TRUE));
    first = g_list_model_get_item (bp_runs_view_get_model (rv), 0);
    g_assert_cmpuint (bp_run_get_n_steps (first), ==, steps); /* the longer run first */
    bp_run_set_name (first, "baseline");
    g_assert_cmpstr (bp_run_get_name (first), ==, "baseline");
  }
  bp_dashboard_show_part (BP_DASHBOARD (dash), "runs");
  ui_test_spin (0.3);
  keep_shot (window, "dashboard-runs.png");

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (dash);
}

static void
test_dashboard_regression (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("reg-plane", &error);
  GtkWidget *dash = bp_dashboard_new ();
  GtkWidget *window = gtk_window_new ();
  BpModelView *m;

  g_assert_no_error (error);
  g_object_ref_sink (dash);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_set_child (GTK_WINDOW (window), dash);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, dash, 10));
  bp_dashboard_set_source (BP_DASHBOARD (dash), src);
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  bp_dashboard_training_step (bp_dashboard_get_training (BP_DASHBOARD (dash)), 300);
  wait_steps (BP_DASHBOARD (dash), 300);
  bp_dashboard_show_part (BP_DASHBOARD (dash), "evaluation");
  bp_dashboard_evaluate (BP_DASHBOARD (dash), NULL, NULL);
  g_assert_true (ui_test_wait (model_evaluated, dash, 60));
  m = bp_dashboard_get_model_view (BP_DASHBOARD (dash));
  g_assert_cmpint (m->n_classes, ==, 0);
  g_assert_cmpuint (m->n_rows, ==, src->split.n_test);
  g_test_message ("reg-plane after 300 steps: RMSE %.4f, R² %.4f", m->regression.rmse,
                  m->regression.r2);
  /* A plane is easy: the fit explains most of the variance. */
  g_assert_cmpfloat (m->regression.r2, >, 0.8);
  g_assert_cmpuint (bp_chart_series_get_n_points (BP_CHART (bp_dashboard_get_part (
                                                    BP_DASHBOARD (dash), "scatter")),
                                                  1),
                    ==, m->n_rows);
  ui_test_spin (0.3);
  keep_shot (window, "dashboard-regression.png");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (dash);
}

static void
count_emission (guint *n)
{
  (*n)++;
}

/* How many times `object` emits `signal` in `seconds` (the counter ignores the signal's
 * arguments: it is connected swapped, and gets only its own). */
static guint
emissions_in (gpointer object, const char *signal, double seconds)
{
  guint n = 0;
  gulong id = g_signal_connect_swapped (object, signal, G_CALLBACK (count_emission), &n);

  ui_test_spin (seconds);
  g_signal_handler_disconnect (object, id);
  return n;
}

/* Frames the window's clock makes in `seconds`. */
static guint
frames_in (GtkWidget *window, double seconds)
{
  return emissions_in (gtk_widget_get_frame_clock (window), "after-paint", seconds);
}

/* Trains Iris on the page's own session, for longer than any test lasts. */
static BpDashboardTraining *
train_iris (GtkWidget *dash, BpDataSource *src)
{
  g_autoptr (GError) error = NULL;
  BpDashboardTraining *t = bp_dashboard_get_training (BP_DASHBOARD (dash));
  BpTrainSettings s;

  bp_dashboard_set_source (BP_DASHBOARD (dash), src);
  bp_train_settings_defaults (&s, src);
  s.epochs = 1000000;
  g_assert_true (bp_dashboard_training_start (t, src, &s, &error));
  g_assert_no_error (error);
  bp_dashboard_training_play (t);
  return t;
}

/* The page follows the session on a timer, not by ticking through frames with nothing to
 * draw: an idle page makes (nearly) no frames, a training one a few per refresh (one per
 * view that changed), far below the display's 60 a second. */
static void
test_dashboard_no_idle_frames (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  GtkWidget *dash = bp_dashboard_new ();
  GtkWidget *window;
  BpDashboardTraining *t;
  guint idle, training;

  g_assert_no_error (error);
  window = ui_test_show_in_window (dash, 1200, 800);
  ui_test_spin (1.5); /* the first refresh's frames are over, even on a loaded machine */
  idle = frames_in (window, 2.0);
  t = train_iris (dash, src);
  ui_test_spin (0.3);
  training = frames_in (window, 1.0);
  g_assert_cmpint (bp_dashboard_training_get_status (t)->state, ==, BP_SESSION_RUNNING);
  bp_dashboard_training_pause (t);
  g_test_message ("frames: %u idle in 2 s, %u training in 1 s", idle, training);
  /* Idle: the reads of the session set nothing that did not change (a progress bar set to
   * the fraction it has is laid out again, a tooltip set again is redrawn: 8 frames in the
   * two seconds, when they were set anyway); a tick kept all along would make ~120. */
  g_assert_cmpuint (idle, <=, 2);
  /* It does follow the run: a refresh or two a second within the views' CPU budget, one
   * frame per view that changed (3 seen at load 8). */
  g_assert_cmpuint (training, >=, 2);
  g_assert_cmpuint (training, <=, 36); /* 4 refreshes of up to 6 views, and some slack */
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.3);
}

/* A fifth of a core on the UI thread: 20 ms of CPU every 100 ms. */
static gboolean
burn_ui (gpointer data)
{
  gint64 end = bp_cpu_share_thread_cpu_us () + 20000;

  while (bp_cpu_share_thread_cpu_us () < end)
    ;
  return G_SOURCE_CONTINUE;
}

/* The views give way when the UI thread is busy: with a fifth of a core taken (far over
 * BP_CPU_SHARE_VIEW_BUDGET), a training page refreshes about once a second instead of four
 * times, and still does once a second. The status line changes once per refresh while the
 * run moves. (Without the budget: 11 changes in the 3 s.) */
static void
test_dashboard_refresh_gives_way (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  GtkWidget *dash = bp_dashboard_new ();
  GtkWidget *window, *status;
  BpDashboardTraining *t;
  guint free_changes, busy_changes, burn;

  g_assert_no_error (error);
  window = ui_test_show_in_window (dash, 1200, 800);
  status = bp_dashboard_get_part (BP_DASHBOARD (dash), "status");
  t = train_iris (dash, src);
  ui_test_spin (1.0); /* past the first refresh, which draws every view */
  free_changes = emissions_in (status, "notify::label", 2.0);
  burn = g_timeout_add (100, burn_ui, NULL);
  ui_test_spin (1.2); /* a refresh under the old rate may still be on its way */
  busy_changes = emissions_in (status, "notify::label", 3.0);
  g_source_remove (burn);
  g_assert_cmpint (bp_dashboard_training_get_status (t)->state, ==, BP_SESSION_RUNNING);
  bp_dashboard_training_pause (t);
  g_test_message ("status changes: %u in 2 s free, %u in 3 s with the UI thread busy",
                  free_changes, busy_changes);
  /* Free, the rate depends on what a refresh costs on this machine (Iris finishes epochs
   * by the thousand, and every view redraws whole each refresh): from 1 to 4 a second. */
  g_assert_cmpuint (free_changes, >=, 1);
  g_assert_cmpuint (busy_changes, >=, 2); /* at least one a second */
  g_assert_cmpuint (busy_changes, <=, 5); /* 11-12 at four a second */
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.3);
}

/* The centre pixel of cell (row, col) of a weight heatmap as drawn. */
static void
cell_pixel (GtkWidget *heatmap, int row, int col, int rgb[3])
{
  graphene_rect_t r;
  GdkTexture *shot = ui_test_shot (heatmap);

  g_assert_true (bp_weight_heatmap_cell_rect (BP_WEIGHT_HEATMAP (heatmap), row, col, &r));
  ui_test_pixel (shot, (int) (r.origin.x + r.size.width / 2), (int) (r.origin.y + r.size.height / 2),
                 rgb);
  g_object_unref (shot);
}

/* Hinton squares: white for a positive weight, black for a negative one, on grey; a matrix
 * too big for 3 px a cell shows as colours and the view says so (it once kept the box ticked
 * and showed the colours without a word). */
static void
test_weights_hinton (void)
{
  GtkWidget *map = bp_weight_heatmap_new ();
  GtkWidget *window = ui_test_show_in_window (map, 700, 420);
  const float w[6] = { 1.0f, -1.0f, 0.0f, 0.5f, -0.25f, 1.0f }; /* 2 units x 3 inputs */
  g_autofree float *big = g_new (float, 256 * 784);
  int rgb[3];

  for (int i = 0; i < 256 * 784; i++)
    big[i] = (i % 7) - 3.0f;
  bp_weight_heatmap_set_matrix (BP_WEIGHT_HEATMAP (map), w, 2, 3);
  bp_weight_heatmap_set_hinton (BP_WEIGHT_HEATMAP (map), TRUE);
  ui_test_spin (0.2);
  g_assert_true (bp_weight_heatmap_shows_hinton (BP_WEIGHT_HEATMAP (map)));
  cell_pixel (map, 0, 0, rgb);
  g_assert_cmpint (MIN (rgb[0], MIN (rgb[1], rgb[2])), >=, 250); /* +1: white */
  cell_pixel (map, 0, 1, rgb);
  g_assert_cmpint (MAX (rgb[0], MAX (rgb[1], rgb[2])), <=, 5); /* -1: black */
  cell_pixel (map, 0, 2, rgb);
  g_assert_cmpint (abs (rgb[0] - 128), <=, 2); /* 0: the grey ground */
  g_assert_cmpint (rgb[0], ==, rgb[2]);

  bp_weight_heatmap_set_matrix (BP_WEIGHT_HEATMAP (map), big, 256, 784);
  ui_test_spin (0.2);
  g_assert_true (bp_weight_heatmap_get_hinton (BP_WEIGHT_HEATMAP (map)));
  g_assert_false (bp_weight_heatmap_shows_hinton (BP_WEIGHT_HEATMAP (map)));
  cell_pixel (map, 0, 0, rgb); /* -3: a colour, not black or grey */
  g_assert_cmpint (MAX (abs (rgb[0] - rgb[1]), abs (rgb[1] - rgb[2])), >, 30);
  {
    GdkTexture *shot = ui_test_shot (window);

    ui_test_keep_shot (shot, "weights-hinton-too-small.png");
    g_object_unref (shot);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
own_run_trains (gpointer data)
{
  const bp_session_status *st = bp_dashboard_training_get_status (data);

  return st->state == BP_SESSION_RUNNING && st->step > 0;
}

static gboolean
follows_playground (gpointer data)
{
  return bp_dashboard_training_is_following (bp_dashboard_get_training (data));
}

/* The Dashboard shows what is training, and keeps its data: after its own run has stopped, a
 * run started on the Playground is followed (the own run stays in Runs), while its own run
 * trains it is not; and once it has trained, other data on the Data page leave it alone. */
static void
test_dashboard_follows_new_playground_run (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  BpWindow *window = bp_window_new (NULL);
  BpDashboard *dash;
  BpPlayground *pg;
  BpDashboardTraining *t;
  BpTrainSettings s;

  g_assert_no_error (error);
  g_object_ref_sink (window);
  dash = BP_DASHBOARD (gtk_widget_get_template_child (GTK_WIDGET (window), BP_TYPE_WINDOW,
                                                      "dashboard"));
  pg = BP_PLAYGROUND (gtk_widget_get_template_child (GTK_WIDGET (window), BP_TYPE_WINDOW,
                                                     "playground"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, window, 10));
  g_assert_true (bp_window_set_page (window, "dashboard", &error));
  g_assert_no_error (error);
  t = bp_dashboard_get_training (dash);
  bp_dashboard_set_source (dash, src);
  bp_train_settings_defaults (&s, src);
  s.epochs = 100000;
  g_assert_true (bp_dashboard_training_start (t, src, &s, &error));
  bp_dashboard_training_play (t);
  g_assert_true (ui_test_wait (own_run_trains, t, 20));

  /* Its own run trains: a Playground run started now does not take the page. */
  g_test_message ("own run: %s at step %" G_GUINT64_FORMAT,
                  bp_session_state_name (bp_dashboard_training_get_status (t)->state),
                  bp_dashboard_training_get_status (t)->step);
  g_assert_cmpint (bp_dashboard_training_get_status (t)->state, ==, BP_SESSION_RUNNING);
  bp_playground_set_running (pg, TRUE);
  ui_test_spin (0.8);
  g_assert_true (bp_dashboard_training_has_session (t));
  g_assert_false (bp_dashboard_training_is_following (t));
  bp_playground_set_running (pg, FALSE);

  /* Its own run paused, the Playground starts again: the page follows it. */
  bp_dashboard_training_pause (t);
  ui_test_spin (0.5);
  g_assert_false (bp_dashboard_training_is_following (t));
  bp_playground_set_running (pg, TRUE);
  g_assert_true (ui_test_wait (follows_playground, dash, 5));
  g_assert_cmpuint (g_list_model_get_n_items (bp_dashboard_training_get_runs (t)), >=, 2);
  bp_playground_set_running (pg, FALSE);

  /* Other data shown on the Data page leaves a dashboard that has trained alone (a new user's
   * dashboard turned into an Iris one by opening that page). */
  {
    g_autoptr (BpDataSource) other = bp_data_source_load ("moons", &error);
    BpDataExplorer *explorer = BP_DATA_EXPLORER (
      gtk_widget_get_template_child (GTK_WIDGET (window), BP_TYPE_WINDOW, "data_explorer"));

    g_assert_no_error (error);
    bp_dashboard_new_run (dash, FALSE, &error); /* an own run again, not training */
    g_assert_no_error (error);
    bp_data_explorer_set_source (explorer, other);
    ui_test_spin (0.2);
    g_assert_true (bp_dashboard_get_source (dash) == src);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_object_unref (window);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/dashboard/eval/confusion", test_confusion_exact);
  g_test_add_func ("/dashboard/eval/regression", test_regression_report);
  g_test_add_func ("/dashboard/histogram-math", test_histogram_math);
  g_test_add_func ("/dashboard/page/images", test_dashboard_images);
  g_test_add_func ("/dashboard/page/regression", test_dashboard_regression);
  g_test_add_func ("/dashboard/page/no-idle-frames", test_dashboard_no_idle_frames);
  g_test_add_func ("/dashboard/page/refresh-gives-way", test_dashboard_refresh_gives_way);
  g_test_add_func ("/dashboard/weights/hinton", test_weights_hinton);
  g_test_add_func ("/dashboard/page/follows-new-playground-run",
                   test_dashboard_follows_new_playground_run);
  return g_test_run ();
}
