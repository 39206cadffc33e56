/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Dashboard following a run started on the Builder page: a CNN trained there (its LeNet
 * template on Fashion-MNIST) shows its Convolutions here, the first layer's filters and the
 * feature maps of a picked test image, read from the Builder session's snapshots; its
 * weight heatmap, from copies its trainer makes of the layer on screen, paused and while it
 * trains; and its network in the runs table. */
#include "bp-config.h"

#include <adwaita.h>
#include <string.h>

#include "bp-builder.h"
#include "bp-conv-panel.h"
#include "bp-dashboard.h"
#include "bp-histogram-view.h"
#include "bp-playground.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-weight-heatmap.h"
#include "bp-window.h"
#include "engine/safetensors.h"
#include "ui-test-util.h"

#include <glib/gstdio.h>
#include <math.h>

#define FASHION "/usr/share/datasets/fashion-mnist"

typedef struct {
  BpWindow *window;
  BpDashboard *dash;
  BpBuilder *builder;
} Page;

static void
shoot (GtkWidget *widget, const char *name)
{
  GdkTexture *tex = NULL;
  const char *dir = g_getenv ("BP_TEST_SHOTS");

  for (int i = 0; i < 200 && tex == NULL; i++)
    {
      tex = bp_screenshot_widget (widget, NULL);
      if (tex == NULL)
        ui_test_spin (0.01);
    }
  g_assert_nonnull (tex);
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      gdk_texture_save_to_png (tex, path);
    }
  g_object_unref (tex);
}

static void
page_open (Page *p)
{
  p->window = bp_window_new (NULL);
  g_object_ref_sink (p->window);
  p->dash = BP_DASHBOARD (gtk_widget_get_template_child (GTK_WIDGET (p->window), BP_TYPE_WINDOW,
                                                         "dashboard"));
  p->builder = BP_BUILDER (gtk_widget_get_template_child (GTK_WIDGET (p->window),
                                                          BP_TYPE_WINDOW, "builder"));
  gtk_window_set_default_size (GTK_WINDOW (p->window), 1400, 900);
  gtk_window_present (GTK_WINDOW (p->window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, p->window, 10));
  ui_test_spin (0.3);
}

static void
page_close (Page *p)
{
  gtk_window_destroy (GTK_WINDOW (p->window));
  ui_test_spin (0.1);
  g_object_unref (p->window);
}

static gboolean
trained_a_little (gpointer data)
{
  bp_session *s = bp_builder_get_session (data);

  return s != NULL && bp_session_get_step (s) >= 5;
}

/* The window with the Builder's LeNet template training on Fashion-MNIST for a few steps;
 * FALSE (the test skipped) without the data. */
static gboolean
builder_lenet_training (Page *p)
{
  g_autoptr (GError) error = NULL;

  if (!g_file_test (FASHION, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no Fashion-MNIST in " FASHION);
      return FALSE;
    }
  page_open (p);
  g_assert_true (bp_window_set_page (p->window, "builder", NULL));
  g_assert_true (bp_builder_load_template (p->builder, "fashion-mnist-lenet", &error));
  g_assert_no_error (error);
  g_assert_true (bp_builder_train (p->builder, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (trained_a_little, p->builder, 60));
  return TRUE;
}

static gboolean
conv_shown (gpointer data)
{
  Page *p = data;
  BpConvPanel *panel = BP_CONV_PANEL (bp_dashboard_get_part (p->dash, "conv-panel"));

  bp_dashboard_refresh (p->dash);
  return bp_feature_maps_get_n_layers (bp_conv_panel_get_feature_maps (panel)) > 0
         && bp_filter_view_get_n_filters (bp_conv_panel_get_filter_view (panel)) > 0;
}

static gboolean
weights_shown (gpointer data)
{
  Page *p = data;
  graphene_rect_t cell;

  bp_dashboard_refresh (p->dash);
  return bp_weight_heatmap_cell_rect (BP_WEIGHT_HEATMAP (bp_dashboard_get_part (p->dash,
                                                                               "weights")),
                                      0, 0, &cell);
}

/* The weight heatmap of the followed (paused) run shows its first dense layer: the colours
 * run to that matrix's largest |w|, as the session's own saved weights say. */
static void
check_weights (Page *p, bp_session *session)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-follow.safetensors", NULL);
  bp_spec *spec = bp_builder_get_session_spec (p->builder);
  bp_safetensors *st;
  const bp_st_tensor *w = NULL;
  char err[256], name[2 * BP_NAME_MAX];
  double max = 0, shown;
  size_t n;

  g_assert_nonnull (spec);
  g_assert_cmpint (bp_session_save_weights (session, path, err, sizeof err), ==, 0);
  st = bp_safetensors_read (path, err, sizeof err);
  g_unlink (path);
  g_assert_nonnull (st);
  for (int i = 0; i < spec->n_layers && w == NULL; i++)
    if (spec->layers[i].kind == BP_LAYER_DENSE)
      {
        g_snprintf (name, sizeof name, "%s.weight", spec->layers[i].name);
        w = bp_safetensors_find (st, name);
      }
  g_assert_nonnull (w);
  n = (size_t) w->dims[0] * (size_t) w->dims[1];
  for (size_t i = 0; i < n; i++)
    max = MAX (max, fabs (w->data[i]));

  bp_dashboard_show_part (p->dash, "training");
  g_assert_true (ui_test_wait (weights_shown, p, 30));
  shown = bp_weight_heatmap_get_scale (BP_WEIGHT_HEATMAP (bp_dashboard_get_part (p->dash,
                                                                                "weights")));
  g_test_message ("%s: largest |w| %g, heatmap scale %g", name, max, shown);
  g_assert_cmpfloat_with_epsilon (shown, max, 1e-6);
  ui_test_spin (0.3);
  shoot (GTK_WIDGET (p->window), "follow-weights.png");
  bp_safetensors_free (st);
  bp_spec_free (spec);
}

/* The runs table's row for the followed run names its network and optimizer. */
static void
check_run_row (Page *p)
{
  GListModel *runs = bp_dashboard_training_get_runs (bp_dashboard_get_training (p->dash));
  g_autoptr (BpRun) run = g_list_model_get_item (runs, 0);
  bp_spec *spec = bp_builder_get_session_spec (p->builder);
  const BpRunInfo *info;

  g_assert_nonnull (run);
  info = bp_run_get_info (run);
  g_test_message ("%s: model \"%s\", optimizer \"%s\"", bp_run_get_name (run), info->model,
                  info->optimizer);
  /* The template: 1x28x28 pictures, conv1 of 10 5x5 filters, 2x2 pools, dense 120-84-10. */
  g_assert_nonnull (strstr (info->model, "1×28×28, conv 10 5×5, pool 2×2, conv 20 5×5"));
  g_assert_nonnull (strstr (info->model, "-10"));
  g_assert_cmpstr (info->optimizer, ==, bp_optim_name (spec->optim.kind));
  g_assert_cmpstr (info->optimizer, !=, "");
  bp_dashboard_show_part (p->dash, "runs");
  ui_test_spin (0.3);
  shoot (GTK_WIDGET (p->window), "follow-runs.png");
  bp_spec_free (spec);
}

/* The Builder's LeNet on Fashion-MNIST, followed: the Convolutions part shows its filters
 * and the feature maps of a test image, and picking another image asks the Builder's session
 * for that one. */
static void
test_builder_cnn_convolutions (void)
{
  Page p;
  BpConvPanel *panel;
  bp_session *session;
  const char *text;

  if (!builder_lenet_training (&p))
    return;
  bp_builder_pause (p.builder);
  session = bp_builder_get_session (p.builder);
  g_assert_nonnull (session);

  g_assert_true (bp_window_set_page (p.window, "dashboard", NULL));
  ui_test_spin (0.3);
  bp_dashboard_refresh (p.dash);
  g_assert_true (bp_dashboard_training_is_following (bp_dashboard_get_training (p.dash)));
  /* The toolbar's fields are the next New Run's, and the status line says so. */
  {
    const char *tip = gtk_widget_get_tooltip_text (bp_dashboard_get_part (p.dash, "status"));

    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, "next New Run"));
  }
  bp_dashboard_show_part (p.dash, "convolutions");
  ui_test_spin (0.3);
  panel = BP_CONV_PANEL (bp_dashboard_get_part (p.dash, "conv-panel"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (panel)));
  g_assert_true (ui_test_wait (conv_shown, &p, 30));
  /* The template's conv1 has 10 filters; maps come from its conv and pooling layers. */
  g_assert_cmpint (bp_filter_view_get_n_filters (bp_conv_panel_get_filter_view (panel)), ==, 10);
  g_assert_cmpint (bp_feature_maps_get_n_layers (bp_conv_panel_get_feature_maps (panel)), >=, 2);
  text = bp_conv_panel_get_input_text (panel);
  g_test_message ("input text: %s", text);
  g_assert_nonnull (strstr (text, "Test image 1"));
  g_assert_nonnull (strstr (text, "says"));
  /* No copies of a followed network come for a drawing to go through: no pad. */
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (bp_conv_panel_get_draw_pad (panel))));
  shoot (GTK_WIDGET (p.window), "follow-conv.png");

  /* Another test image: the Builder's session computes its maps. */
  bp_conv_panel_set_row (panel, 3);
  bp_feature_maps_clear (bp_conv_panel_get_feature_maps (panel));
  g_assert_true (ui_test_wait (conv_shown, &p, 30));
  text = bp_conv_panel_get_input_text (panel);
  g_test_message ("input text: %s", text);
  g_assert_null (strstr (text, "Test image 1,"));
  g_assert_nonnull (strstr (text, "says"));

  check_weights (&p, session);
  check_run_row (&p);
  page_close (&p);
}

/* The step the weight heatmap's caption names ("relu · step 123"), 0 when none. */
static guint64
shown_step (Page *p)
{
  GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (p->dash),
                                                              BP_TYPE_DASHBOARD, "dead_label"));
  const char *at = strstr (gtk_label_get_text (label), "step ");

  return at != NULL ? g_ascii_strtoull (at + 5, NULL, 10) : 0;
}

typedef struct {
  Page *p;
  guint64 after;
} StepWait;

static gboolean
newer_weights_shown (gpointer data)
{
  StepWait *w = data;

  bp_dashboard_refresh (w->p->dash);
  return shown_step (w->p) > w->after;
}

static gboolean
second_layer_shown (gpointer data)
{
  Page *p = data;
  BpWeightHeatmap *map = BP_WEIGHT_HEATMAP (bp_dashboard_get_part (p->dash, "weights"));
  graphene_rect_t cell;

  bp_dashboard_refresh (p->dash);
  /* The template's second dense layer: 84 units of 120 inputs. */
  return bp_weight_heatmap_cell_rect (map, 83, 119, &cell)
         && !bp_weight_heatmap_cell_rect (map, 84, 0, &cell)
         && !bp_weight_heatmap_cell_rect (map, 0, 120, &cell);
}

/* The Builder's LeNet followed while it trains: the heatmap shows newer weights every few
 * seconds, and picking another layer shows that one, all from copies its trainer made (the
 * UI thread's share of each is logged with G_MESSAGES_DEBUG=Backprop). */
static void
test_builder_weights_while_training (void)
{
  Page p;
  StepWait sw = { &p, 0 };
  GtkDropDown *drop;

  if (!builder_lenet_training (&p))
    return;
  g_assert_true (bp_window_set_page (p.window, "dashboard", NULL));
  bp_dashboard_show_part (p.dash, "training");
  g_assert_true (ui_test_wait (weights_shown, &p, 30));
  sw.after = shown_step (&p);
  g_assert_cmpuint (sw.after, >, 0);
  g_assert_true (ui_test_wait (newer_weights_shown, &sw, 30));
  g_test_message ("weights of step %" G_GUINT64_FORMAT ", then of step %" G_GUINT64_FORMAT,
                  sw.after, shown_step (&p));
  g_assert_cmpint (bp_session_get_state (bp_builder_get_session (p.builder)), ==,
                   BP_SESSION_RUNNING);
  drop = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (p.dash), BP_TYPE_DASHBOARD,
                                                       "weight_layer_drop"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (drop)), ==, 3);
  gtk_drop_down_set_selected (drop, 1);
  g_assert_true (ui_test_wait (second_layer_shown, &p, 30));
  bp_builder_pause (p.builder);
  page_close (&p);
}

static gboolean
playground_row (gpointer data)
{
  Page *p = data;
  GListModel *runs = bp_dashboard_training_get_runs (bp_dashboard_get_training (p->dash));

  bp_dashboard_refresh (p->dash);
  return g_list_model_get_n_items (runs) > 0;
}

static gboolean
histograms_fed (gpointer data)
{
  Page *p = data;

  bp_dashboard_refresh (p->dash);
  return bp_histogram_view_get_n_entries (
           BP_HISTOGRAM_VIEW (bp_dashboard_get_part (p->dash, "histograms"))) > 0;
}

/* A Playground run, followed: its row names its dense network and optimizer, its weights show
 * in the heatmap, its histograms over time in the histogram view (the playground's session
 * records a history for it), and the Convolutions part shows nothing (2-D data). */
static void
test_playground_row_and_weights (void)
{
  Page p;
  BpPlayground *pg;
  g_autoptr (BpRun) run = NULL;
  const BpRunInfo *info;
  int sizes[8], n_hidden;
  g_autofree char *chain = NULL;

  page_open (&p);
  pg = bp_window_get_playground (p.window);
  g_assert_true (bp_window_set_page (p.window, "playground", NULL));
  bp_playground_set_running (pg, TRUE);
  ui_test_spin (0.5);
  bp_playground_set_running (pg, FALSE);
  g_assert_true (bp_window_set_page (p.window, "dashboard", NULL));
  bp_dashboard_show_part (p.dash, "training");
  g_assert_true (ui_test_wait (playground_row, &p, 30));
  run = g_list_model_get_item (bp_dashboard_training_get_runs (bp_dashboard_get_training (p.dash)),
                               0);
  info = bp_run_get_info (run);
  g_test_message ("%s: model \"%s\", optimizer \"%s\"", bp_run_get_name (run), info->model,
                  info->optimizer);
  /* Its hidden layers, as the Playground says, chained between its inputs and outputs. */
  n_hidden = bp_playground_get_hidden_layers (pg, sizes, G_N_ELEMENTS (sizes));
  g_assert_cmpint (n_hidden, >, 0);
  chain = g_strdup_printf ("-%d-", sizes[0]);
  g_assert_nonnull (strstr (info->model, chain));
  g_assert_cmpstr (info->optimizer, !=, "");
  g_assert_true (ui_test_wait (weights_shown, &p, 30));
  g_assert_true (ui_test_wait (histograms_fed, &p, 30));
  g_test_message ("playground histograms: %u entries over %" G_GUINT64_FORMAT " steps",
                  bp_histogram_view_get_n_entries (
                    BP_HISTOGRAM_VIEW (bp_dashboard_get_part (p.dash, "histograms"))),
                  bp_session_get_step (bp_window_get_followed_session (p.window, NULL)));
  g_assert_cmpint (bp_filter_view_get_n_filters (bp_conv_panel_get_filter_view (
                     BP_CONV_PANEL (bp_dashboard_get_part (p.dash, "conv-panel")))), ==, 0);
  shoot (GTK_WIDGET (p.window), "follow-playground.png");
  page_close (&p);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/dashboard-follow/builder-cnn-convolutions", test_builder_cnn_convolutions);
  g_test_add_func ("/dashboard-follow/builder-weights-while-training",
                   test_builder_weights_while_training);
  g_test_add_func ("/dashboard-follow/playground-row-and-weights",
                   test_playground_row_and_weights);
  return g_test_run ();
}
