/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Seeing convolutions: the filter view draws known weights in the expected colours, on a shared
 * or a per-filter scale; the data explorer's image grid shows one class alone; the Convolutions part shows a one-pixel picture through a known kernel
 * (set in a live session) as the expected bright pixel in the conv and pool maps; and the
 * dashboard trains a CNN (Fashion-MNIST when installed, else the 8x8 digits) and shows its
 * filters and feature maps live, for a picked test image and for a drawing. With
 * BP_TEST_SHOTS=DIR the pictures are kept there (1280x800 and 1920x1080) to look at. */
#include "bp-config.h"

#include <adwaita.h>
#include <math.h>

#include "bp-conv-panel.h"
#include "bp-dashboard.h"
#include "bp-data-explorer-images.h"
#include "bp-palette.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "data/builtin.h"
#include "engine/layer.h"
#include "engine/net.h"
#include "ui-test-util.h"

/* The pixel at the centre of r, against the palette's colour for v (within 2 of 255). */
static void
assert_signed_at (GdkTexture *tex, const graphene_rect_t *r, double fx, double fy, double v)
{
  GdkRGBA want;
  int rgb[3];

  bp_palette_signed_color (v, bp_palette_is_dark (), &want);
  ui_test_pixel (tex, (int) (r->origin.x + fx * r->size.width),
                 (int) (r->origin.y + fy * r->size.height), rgb);
  g_assert_cmpint (abs (rgb[0] - (int) lrint (want.red * 255)), <=, 2);
  g_assert_cmpint (abs (rgb[1] - (int) lrint (want.green * 255)), <=, 2);
  g_assert_cmpint (abs (rgb[2] - (int) lrint (want.blue * 255)), <=, 2);
}

/* ---- the filter view ---- */

static void
test_filter_pixels (void)
{
  /* Two 3x3 filters over one channel: a vertical edge detector (+1, 0, -1 across every row)
   * and the same at half strength. */
  const float w[18] = { 1, 0, -1, 1, 0, -1, 1, 0, -1,
                        0.5f, 0, -0.5f, 0.5f, 0, -0.5f, 0.5f, 0, -0.5f };
  const float b[2] = { 0.25f, -0.125f };
  GtkWidget *view = g_object_ref_sink (bp_filter_view_new ());
  GtkWidget *window = ui_test_show_in_window (view, 400, 200);
  BpFilterView *fv = BP_FILTER_VIEW (view);
  graphene_rect_t r0, r1;
  g_autofree char *tip = NULL;

  bp_filter_view_set_kernels (fv, "conv1", w, b, 2, 1, 3, 3);
  g_assert_cmpint (bp_filter_view_get_n_filters (fv), ==, 2);
  g_assert_true (bp_filter_view_get_shared_scale (fv));
  ui_test_spin (0.1);
  g_assert_true (bp_filter_view_get_tile (fv, 0, &r0));
  g_assert_true (bp_filter_view_get_tile (fv, 1, &r1));
  g_assert_cmpfloat (r0.size.width, ==, r0.size.height);
  g_assert_cmpfloat (r1.origin.x, >, r0.origin.x + r0.size.width); /* side by side */

  /* Shared scale: the largest |w| of all, 1. Cell centres at 1/6, 3/6, 5/6 of the tile. */
  {
    g_autoptr (GdkTexture) tex = ui_test_shot (view);

    g_assert_cmpfloat (bp_filter_view_get_scale (fv, 1), ==, 1);
    assert_signed_at (tex, &r0, 1 / 6.0, 1 / 6.0, 1);     /* +1: full blue */
    assert_signed_at (tex, &r0, 3 / 6.0, 3 / 6.0, 0);     /* 0: the neutral middle */
    assert_signed_at (tex, &r0, 5 / 6.0, 5 / 6.0, -1);    /* -1: full orange */
    assert_signed_at (tex, &r1, 1 / 6.0, 3 / 6.0, 0.5);   /* +0.5 of 1: half blue */
    assert_signed_at (tex, &r1, 5 / 6.0, 1 / 6.0, -0.5);
    ui_test_keep_shot (tex, "filters-shared.png");
  }
  /* Per filter: the weak filter gets its own scale, 0.5, and full colours. */
  bp_filter_view_set_shared_scale (fv, FALSE);
  {
    g_autoptr (GdkTexture) tex = ui_test_shot (view);

    g_assert_cmpfloat (bp_filter_view_get_scale (fv, 1), ==, 0.5);
    assert_signed_at (tex, &r1, 1 / 6.0, 3 / 6.0, 1);
    assert_signed_at (tex, &r1, 5 / 6.0, 1 / 6.0, -1);
    assert_signed_at (tex, &r0, 1 / 6.0, 1 / 6.0, 1);
  }
  /* The tooltip names the weight under the pointer, the bias and the scale in force. */
  tip = bp_filter_view_describe_at (fv, r1.origin.x + r1.size.width * 5 / 6.0,
                                    r1.origin.y + r1.size.height / 6.0);
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "Filter 2 of conv1, row 1, column 3: w = -0.5"));
  g_assert_nonnull (strstr (tip, "bias -0.125"));
  g_assert_nonnull (strstr (tip, "own largest |w|"));
  g_assert_null (bp_filter_view_describe_at (fv, r1.origin.x + r1.size.width + 5, 1));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* ---- a known kernel through the Convolutions part ---- */

/* The one conv kernel becomes a single 1 at its top-left corner, bias 0: the map is the
 * picture moved one pixel down and right (a cross-correlation reads up and left). */
static int
set_shift_kernel (bp_net *net, void *user)
{
  bp_layer *L = bp_net_layer (net, 0);
  bp_param_view v[BP_MAX_PARAM_VIEWS];
  int k = L->ops->param_views (L, v);

  g_assert_cmpint (v[0].rank, ==, 4);
  memset (v[0].value, 0, sizeof (float) * 9);
  v[0].value[0] = 1;
  if (k > 1)
    v[1].value[0] = 0;
  return 0;
}

static void
test_known_kernel (void)
{
  static const char json[] =
    "{ \"input\": { \"shape\": [1, 8, 8] }, \"layers\": ["
    "{ \"type\": \"conv2d\", \"name\": \"conv1\", \"filters\": 1, \"kernel_size\": 3, "
    "  \"padding\": \"same\" },"
    "{ \"type\": \"maxpool2d\", \"name\": \"pool1\", \"pool_size\": 2 },"
    "{ \"type\": \"flatten\" }, { \"type\": \"dense\", \"units\": 10 } ],"
    "\"loss\": \"cross_entropy\", \"optimizer\": { \"type\": \"sgd\", \"lr\": 0.01 } }";
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("digits", &error);
  char err[256] = "";
  bp_spec *spec = bp_spec_parse (json, strlen (json), err, sizeof err);
  bp_session_config cfg;
  bp_session *s;
  GtkWidget *panel = g_object_ref_sink (bp_conv_panel_new ());
  GtkWidget *window;
  BpFeatureMaps *fm;
  guint32 row;
  const bp_snapshot *sn;
  graphene_rect_t r;

  g_assert_no_error (error);
  g_assert_nonnull (spec);
  g_assert_true (bp_spec_has_conv (spec));
  g_assert_cmpint (src->ds->storage, ==, BP_FEATURES_U8);
  /* A test row made into one lit pixel at row 2, column 3. */
  row = src->split.test[0];
  memset (src->ds->x_u8 + (gsize) row * 64, 0, 64);
  src->ds->x_u8[(gsize) row * 64 + 2 * 8 + 3] = 16; /* 16 / 16 = 1 */

  bp_session_config_defaults (&cfg, spec);
  s = bp_session_new (spec, src->ds, &src->split, NULL, &cfg, err, sizeof err);
  g_assert_nonnull (s);
  g_assert_cmpint (bp_session_with_net (s, set_shift_kernel, NULL), ==, 0);

  window = ui_test_show_in_window (panel, 1100, 700);
  bp_conv_panel_set_network (BP_CONV_PANEL (panel), src, spec);
  /* The strip holds one test image per class; it picks the first. */
  g_assert_cmpint (bp_conv_panel_get_row (BP_CONV_PANEL (panel)), >=, 0);
  bp_conv_panel_set_row (BP_CONV_PANEL (panel), row);
  g_assert_cmpint (bp_conv_panel_get_row (BP_CONV_PANEL (panel)), ==, row);
  bp_session_set_sample_row (s, row);
  bp_session_request_snapshot (s);
  bp_session_wait (s, 10);
  sn = bp_session_snapshot (s, NULL);
  g_assert_nonnull (sn);
  g_assert_cmpint (sn->sample_row, ==, row);
  bp_conv_panel_show_snapshot (BP_CONV_PANEL (panel), sn);

  /* The filter view got the kernel; the maps got conv1 and pool1. */
  g_assert_cmpint (bp_filter_view_get_n_filters (bp_conv_panel_get_filter_view (BP_CONV_PANEL (panel))),
                   ==, 1);
  fm = bp_conv_panel_get_feature_maps (BP_CONV_PANEL (panel));
  g_assert_cmpint (bp_feature_maps_get_n_layers (fm), ==, 2);
  g_assert_cmpfloat (bp_feature_maps_get_scale (fm, 0), ==, 1);
  g_assert_cmpint (bp_feature_maps_get_n_zero (fm, 0), ==, 0);
  g_assert_nonnull (strstr (bp_conv_panel_get_input_text (BP_CONV_PANEL (panel)), "says"));
  ui_test_spin (0.2);
  {
    g_autoptr (GdkTexture) tex = ui_test_shot (window);
    int rgb[3];
    graphene_point_t p;

    /* Coordinates of the feature maps widget in the window. */
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (fm), window,
                                             &GRAPHENE_POINT_INIT (0, 0), &p));
    /* The input: white at (2, 3), black beside it. */
    g_assert_true (bp_feature_maps_get_tile (fm, -1, 0, &r));
    graphene_rect_offset (&r, p.x, p.y);
    ui_test_pixel (tex, (int) (r.origin.x + 3.5 * r.size.width / 8),
                   (int) (r.origin.y + 2.5 * r.size.height / 8), rgb);
    g_assert_cmpint (rgb[0], ==, 255);
    ui_test_pixel (tex, (int) (r.origin.x + 4.5 * r.size.width / 8),
                   (int) (r.origin.y + 2.5 * r.size.height / 8), rgb);
    g_assert_cmpint (rgb[0], ==, 0);
    /* conv1: the bright pixel moved to (3, 4), full blue; zero elsewhere. */
    g_assert_true (bp_feature_maps_get_tile (fm, 0, 0, &r));
    graphene_rect_offset (&r, p.x, p.y);
    assert_signed_at (tex, &r, 4.5 / 8, 3.5 / 8, 1);
    assert_signed_at (tex, &r, 3.5 / 8, 2.5 / 8, 0);
    assert_signed_at (tex, &r, 0.5 / 8, 7.5 / 8, 0);
    /* pool1 (4x4): the block holding (3, 4) is block (1, 2). */
    g_assert_true (bp_feature_maps_get_tile (fm, 1, 0, &r));
    graphene_rect_offset (&r, p.x, p.y);
    assert_signed_at (tex, &r, 2.5 / 4, 1.5 / 4, 1);
    assert_signed_at (tex, &r, 1.5 / 4, 1.5 / 4, 0);
    ui_test_keep_shot (tex, "known-kernel.png");
  }
  /* The tooltip reads the value under the pointer. */
  {
    g_autofree char *tip = NULL;

    bp_feature_maps_get_tile (fm, 0, 0, &r);
    tip = bp_feature_maps_describe_at (fm, r.origin.x + 4.5 * r.size.width / 8,
                                       r.origin.y + 3.5 * r.size.height / 8);
    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, "conv1, map 1 of 1 (8×8), row 4, column 5: 1\n"));
  }

  /* A map that is zero everywhere is counted (a ReLU filter that found nothing); the scale is
   * the layer's largest |value|, negative ones too. */
  {
    const float two[2 * 4] = { 0, 0, 0, 0, 0.5f, -2, 0, 1 };
    BpFeatureLayer l = { "conv9", NULL, 2, 2, 2, two };

    bp_feature_maps_set_layers (fm, &l, 1);
    g_assert_cmpint (bp_feature_maps_get_n_layers (fm), ==, 1);
    g_assert_cmpint (bp_feature_maps_get_n_zero (fm, 0), ==, 1);
    g_assert_cmpfloat (bp_feature_maps_get_scale (fm, 0), ==, 2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (panel);
  bp_session_free (s);
  bp_spec_free (spec);
}

/* ---- the image grid filtered by class ---- */

static void
test_images_filter (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("digits", &error);
  GtkWidget *grid = g_object_ref_sink (bp_data_explorer_images_new ());
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *window;
  BpDataExplorerImages *im = BP_DATA_EXPLORER_IMAGES (grid);
  const bp_dataset *ds = src->ds;
  guint32 count = 0, notified = 0;
  gint64 last = -1;

  g_assert_no_error (error);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  window = ui_test_show_in_window (scroller, 900, 700);
  g_signal_connect_swapped (grid, "notify::class", G_CALLBACK (g_atomic_int_inc), &notified);
  bp_data_explorer_images_set_dataset (im, ds, src->split.train, src->split.n_train, 12);
  g_assert_cmpint (bp_data_explorer_images_get_class (im), ==, -1);
  /* One row of each class: 12 samples of class 3, none past them. */
  g_assert_cmpint (ds->labels[bp_data_explorer_images_get_row (im, 3, 11)], ==, 3);
  g_assert_cmpint (bp_data_explorer_images_get_row (im, 3, 12), ==, -1);

  /* Class 3 alone: 8 rows of 12, all of class 3, in the order of the training rows. */
  bp_data_explorer_images_set_class (im, 3);
  g_assert_cmpint (bp_data_explorer_images_get_class (im), ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  for (guint32 i = 0; i < src->split.n_train; i++)
    if (ds->labels[src->split.train[i]] == 3)
      {
        if (count < 96)
          g_assert_cmpint (bp_data_explorer_images_get_row (im, 3, (int) count), ==,
                           src->split.train[i]);
        last = src->split.train[i];
        count++;
      }
  g_assert_cmpuint (count, >, 96);
  g_assert_cmpint (bp_data_explorer_images_get_row (im, 3, 96), ==, -1);
  g_assert_cmpint (bp_data_explorer_images_get_row (im, 4, 0), >=, 0); /* others still known */
  g_assert_cmpint (last, >=, 0);
  ui_test_spin (0.2);
  {
    g_autoptr (GdkTexture) tex = ui_test_shot (window);

    ui_test_keep_shot (tex, "images-class-3.png");
  }
  /* Out of range is every class again; a new dataset too. */
  bp_data_explorer_images_set_class (im, 99);
  g_assert_cmpint (bp_data_explorer_images_get_class (im), ==, -1);
  bp_data_explorer_images_set_class (im, 5);
  bp_data_explorer_images_set_dataset (im, ds, NULL, 0, 4);
  g_assert_cmpint (bp_data_explorer_images_get_class (im), ==, -1);
  g_assert_cmpuint (notified, ==, 4);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (grid);
}

/* ---- the dashboard trains a CNN ---- */

typedef struct {
  BpDashboard *dash;
  guint64 steps;
} Settled;

static gboolean
is_settled (gpointer data)
{
  Settled *s = data;
  const bp_session_status *st;

  bp_dashboard_refresh (s->dash);
  st = bp_dashboard_training_get_status (bp_dashboard_get_training (s->dash));
  return st->state != BP_SESSION_RUNNING && st->step >= s->steps;
}

static gboolean
maps_shown (gpointer data)
{
  BpConvPanel *panel = data;

  return bp_feature_maps_get_n_layers (bp_conv_panel_get_feature_maps (panel)) > 0
         && bp_filter_view_get_n_filters (bp_conv_panel_get_filter_view (panel)) > 0;
}

typedef struct {
  BpConvPanel *panel;
  const char *want;
} TextWait;

static gboolean
text_has (gpointer data)
{
  TextWait *t = data;

  return strstr (bp_conv_panel_get_input_text (t->panel), t->want) != NULL;
}

static void
test_dashboard_cnn (void)
{
  gboolean fashion = g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
                                  G_FILE_TEST_EXISTS);
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load (fashion ? "fashion-mnist" : "digits",
                                                      &error);
  GtkWidget *dash = g_object_ref_sink (bp_dashboard_new ());
  GtkWidget *window = ui_test_show_in_window (dash, 1280, 760);
  BpDashboardTraining *training = bp_dashboard_get_training (BP_DASHBOARD (dash));
  BpConvPanel *panel = BP_CONV_PANEL (bp_dashboard_get_part (BP_DASHBOARD (dash), "conv-panel"));
  BpFilterView *fv = bp_conv_panel_get_filter_view (panel);
  GtkDropDown *network = GTK_DROP_DOWN (bp_dashboard_get_part (BP_DASHBOARD (dash), "network"));
  Settled settled = { BP_DASHBOARD (dash), 40 };
  const BpTrainSettings *set;
  graphene_rect_t r;
  float before[3];

  g_assert_no_error (error);
  bp_dashboard_set_source (BP_DASHBOARD (dash), src);
  /* Images offer the CNN; choosing it brings LeNet's dense layers. */
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (network))));
  gtk_drop_down_set_selected (network, 1);
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  g_assert_no_error (error);
  set = bp_dashboard_training_get_settings (training);
  g_assert_true (set->conv);
  g_assert_cmpint (set->n_hidden, ==, 2);
  g_assert_cmpint (set->hidden[0], ==, 120);
  g_assert_cmpint (set->hidden[1], ==, 84);
  g_assert_cmpint (bp_dashboard_training_get_spec (training)->layers[0].kind, ==,
                   BP_LAYER_CONV2D);

  bp_dashboard_show_part (BP_DASHBOARD (dash), "convolutions");
  g_assert_true (ui_test_wait (ui_test_is_mapped, panel, 10));
  bp_dashboard_training_step (training, settled.steps);
  g_assert_true (ui_test_wait (is_settled, &settled, 120));
  g_assert_true (ui_test_wait (maps_shown, panel, 20));

  /* The LeNet template's shapes: 10 filters of 5x5; conv1, pool1, conv2, pool2 (digits: 8 of
   * 3x3, and conv1, pool1, conv2). */
  g_assert_cmpint (bp_filter_view_get_n_filters (fv), ==, fashion ? 10 : 8);
  g_assert_cmpint (bp_feature_maps_get_n_layers (bp_conv_panel_get_feature_maps (panel)), ==,
                   fashion ? 4 : 3);
  {
    TextWait tw = { panel, "At step 40 the network says" };

    g_assert_true (ui_test_wait (text_has, &tw, 10));
  }
  for (int i = 0; i < 3; i++)
    before[i] = (float) bp_filter_view_get_scale (fv, i);
  g_assert_true (bp_filter_view_get_tile (fv, 0, &r));
  {
    g_autoptr (GdkTexture) tex = ui_test_shot (window);

    ui_test_keep_shot (tex, "dashboard-cnn-1280.png");
  }
  /* What a live update costs the window: the snapshot read into the part, and the part drawn
   * once (its views draw into images; the frame then composites them). */
  {
    bp_session *s = bp_dashboard_training_get_session (training);
    GtkWidget *views[2] = { GTK_WIDGET (fv), GTK_WIDGET (bp_conv_panel_get_feature_maps (panel)) };
    gint64 spent = 0;

    for (int i = 0; i < 10; i++)
      {
        gint64 t0;

        bp_session_request_snapshot (s);
        bp_session_wait (s, 10);
        t0 = g_get_monotonic_time ();
        bp_conv_panel_show_snapshot (panel, bp_session_snapshot (s, NULL));
        for (int v = 0; v < 2; v++)
          {
            GtkSnapshot *snapshot = gtk_snapshot_new ();
            GskRenderNode *node;

            GTK_WIDGET_GET_CLASS (views[v])->snapshot (views[v], snapshot);
            node = gtk_snapshot_free_to_node (snapshot);
            g_assert_nonnull (node);
            gsk_render_node_unref (node);
          }
        spent += g_get_monotonic_time () - t0;
      }
    g_test_message ("a live update of the Convolutions part: %.1f ms (read and draw)",
                    spent / 1e4);
  }

  /* Live: more training changes the filters the part shows. */
  bp_filter_view_set_shared_scale (fv, FALSE);
  settled.steps = 80;
  bp_dashboard_training_step (training, 40);
  g_assert_true (ui_test_wait (is_settled, &settled, 120));
  {
    TextWait tw = { panel, "At step 80 the network says" };

    g_assert_true (ui_test_wait (text_has, &tw, 10));
  }
  g_assert_true (bp_filter_view_get_scale (fv, 0) != before[0]
                 || bp_filter_view_get_scale (fv, 1) != before[1]
                 || bp_filter_view_get_scale (fv, 2) != before[2]);

  /* Another test image: its class shows in the line and the session follows the row. */
  {
    const bp_dataset *ds = src->ds;
    guint32 row = 0;
    g_autofree char *want = NULL;

    for (guint32 i = 0; i < src->split.n_test; i++)
      if (ds->labels[src->split.test[i]] == 1)
        {
          row = src->split.test[i];
          break;
        }
    bp_conv_panel_set_row (panel, row);
    want = g_strdup_printf ("a %s.", ds->class_names[1]);
    {
      TextWait tw = { panel, want };

      g_assert_true (ui_test_wait (text_has, &tw, 10));
    }
  }

  /* A drawing goes through a copy of the network. */
  if (fashion)
    {
      TextWait tw = { panel, "The copy of the network from step 80" };

      bp_draw_pad_stroke (bp_conv_panel_get_draw_pad (panel), 8, 6, 20, 22);
      g_assert_cmpint (bp_conv_panel_get_row (panel), ==, -1);
      g_assert_true (ui_test_wait (text_has, &tw, 30));
      g_assert_cmpint (bp_feature_maps_get_n_layers (bp_conv_panel_get_feature_maps (panel)), ==,
                       4);
      gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1040);
      ui_test_spin (0.5);
      {
        g_autoptr (GdkTexture) tex = ui_test_shot (window);

        ui_test_keep_shot (tex, "dashboard-cnn-1920-drawing.png");
      }
    }

  /* Back to an MLP: the part goes away. */
  gtk_drop_down_set_selected (network, 0);
  g_assert_true (bp_dashboard_new_run (BP_DASHBOARD (dash), FALSE, &error));
  g_assert_false (bp_dashboard_training_get_settings (training)->conv);
  g_assert_cmpint (bp_dashboard_training_get_settings (training)->hidden[0], ==, 256);
  ui_test_spin (0.1);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (panel)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (dash);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();
  g_test_add_func ("/conv-views/filter-pixels", test_filter_pixels);
  g_test_add_func ("/conv-views/known-kernel", test_known_kernel);
  g_test_add_func ("/conv-views/images-filter", test_images_filter);
  g_test_add_func ("/conv-views/dashboard-cnn", test_dashboard_cnn);
  return g_test_run ();
}
