/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's widgets on their own, with made-up data: palette, frame statistics, loss
 * chart, heatmap and network view. */
#include "bp-config.h"

#include <adwaita.h>
#include <math.h>

#include "bp-frame-stats.h"
#include "bp-heatmap.h"
#include "bp-loss-chart.h"
#include "bp-network-view.h"
#include "bp-palette.h"
#include "bp-screenshot.h"
#include "bp-toast.h"
#include "bp-ui.h"
#include "ui-test-util.h"

static void
test_palette (void)
{
  GdkRGBA c;
  float grid[4] = { 0.0f, 1.0f, 0.5f, 0.9f }; /* (2, 2, 1) probabilities, row 0 at the bottom */
  guint8 rgb[12];

  bp_palette_signed_color (-1, FALSE, &c);
  g_assert_cmpint (lrintf (c.red * 255), ==, 0xf5);
  g_assert_cmpint (lrintf (c.green * 255), ==, 0x93);
  g_assert_cmpint (lrintf (c.blue * 255), ==, 0x22);
  bp_palette_signed_color (5, FALSE, &c); /* clamped to +1 */
  g_assert_cmpint (lrintf (c.red * 255), ==, 0x08);
  g_assert_cmpint (lrintf (c.blue * 255), ==, 0xbd);
  bp_palette_signed_color (0, FALSE, &c);
  g_assert_cmpfloat_with_epsilon (c.red, 0.96, 1e-6);

  /* Image rows go top down: the grid's top row (p = 0.5, 0.9) comes first. */
  bp_palette_fill_grid (rgb, grid, 2, 1, BP_GRID_PROBABILITY, 1, FALSE, FALSE);
  g_assert_cmpint (rgb[0], ==, 245); /* p = 0.5: the neutral middle, 0.96 * 255 */
  g_assert_cmpint (rgb[2], ==, 245);
  g_assert_cmpint (rgb[5], >, rgb[3]); /* p = 0.9: blue */
  g_assert_cmpint (rgb[6], >, rgb[8]); /* bottom left, p = 0: orange */
  g_assert_cmpint (rgb[11], >, rgb[9]); /* bottom right, p = 1: blue */
  /* Discretized, p = 0.9 is as blue as p = 1. */
  bp_palette_fill_grid (rgb, grid, 2, 1, BP_GRID_PROBABILITY, 1, TRUE, FALSE);
  g_assert_cmpmem (rgb + 3, 3, rgb + 9, 3);
}

static void
test_frame_stats (void)
{
  g_autoptr (BpFrameStats) fs = bp_frame_stats_new ();

  g_assert_cmpfloat (bp_frame_stats_paint_ms (fs, 95), ==, 0.0);
  /* Frames every 10 ms taking 1, 2, ... 100 ms (in a shuffled order). */
  for (int i = 0; i < 100; i++)
    {
      int ms = 1 + (i * 37) % 100;
      bp_frame_stats_record (fs, i * 10000, i * 10000 + ms * 1000);
    }
  g_assert_cmpuint (bp_frame_stats_n_frames (fs), ==, 100);
  /* numpy.percentile(range(1, 101), [50, 95, 100]) = 50.5, 95.05, 100 */
  g_assert_cmpfloat_with_epsilon (bp_frame_stats_paint_ms (fs, 50), 50.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (bp_frame_stats_paint_ms (fs, 95), 95.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (bp_frame_stats_paint_ms (fs, 100), 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (bp_frame_stats_fps (fs), 100.0, 1e-9);
}

static double
parse_after (const char *text, const char *key)
{
  const char *p = strstr (text, key);

  g_assert_nonnull (p);
  return g_ascii_strtod (p + strlen (key), NULL);
}

static void
test_loss_chart (void)
{
  GtkWidget *chart = bp_loss_chart_new ();
  GtkWidget *window;
  g_autofree char *readout = NULL;
  g_autoptr (GdkTexture) shot = NULL;
  double x, expect;
  int rgb[3];

  g_object_ref_sink (chart);
  /* 100 000 epochs of a falling curve: far more points than pixels. */
  for (int e = 1; e <= 100000; e++)
    bp_loss_chart_append (BP_LOSS_CHART (chart), e, 1.0 / (1 + 0.001 * e),
                          e % 2 ? NAN : 0.5);
  g_assert_cmpuint (bp_loss_chart_get_n_points (BP_LOSS_CHART (chart), BP_LOSS_SERIES_TRAIN), ==,
                    100000);
  g_assert_cmpuint (bp_loss_chart_get_n_points (BP_LOSS_CHART (chart), BP_LOSS_SERIES_TEST), ==,
                    50000);
  g_assert_cmpfloat_with_epsilon (bp_loss_chart_get_last (BP_LOSS_CHART (chart),
                                                          BP_LOSS_SERIES_TRAIN),
                                  1.0 / 101, 1e-6);

  window = ui_test_show_in_window (chart, 400, 200);
  /* The x axis runs 0 … 100 000 over the plot (46 px of labels on the left, 10 on the
   * right): halfway is epoch 50 000, where train = 1/51 and test = 1.2/51. */
  x = 46 + (gtk_widget_get_width (chart) - 56) / 2.0;
  readout = bp_loss_chart_readout_at (BP_LOSS_CHART (chart), x);
  g_assert_nonnull (readout);
  expect = 50000;
  g_assert_cmpfloat (fabs (parse_after (readout, "epoch ") - expect), <, 100000 / 300.0);
  g_assert_cmpfloat_with_epsilon (parse_after (readout, "train "), 1.0 / 51, 2e-4);
  g_assert_cmpfloat_with_epsilon (parse_after (readout, "test "), 0.5, 1e-6);
  g_assert_null (bp_loss_chart_readout_at (BP_LOSS_CHART (chart), 3));

  /* Both curves are drawn where their values put them on the 0 … 1 axis (22 px of legend
   * above the plot, 20 of labels below): test in orange at 0.5, train in blue at 1/51. */
  shot = bp_screenshot_widget (chart, NULL);
  g_assert_nonnull (shot);
  {
    double ph = gtk_widget_get_height (chart) - 42.0;

    ui_test_pixel (shot, (int) x, (int) lround (22 + ph * 0.5), rgb);
    g_assert_cmpint (rgb[0], >, 200); /* (0.90, 0.38, 0.0) */
    g_assert_cmpint (rgb[2], <, 60);
    ui_test_pixel (shot, (int) x, (int) lround (22 + ph * (1 - 1.0 / 51)), rgb);
    g_assert_cmpint (rgb[2], >, 180); /* (0.21, 0.52, 0.89) */
    g_assert_cmpint (rgb[0], <, 100);
  }

  bp_loss_chart_clear (BP_LOSS_CHART (chart));
  g_assert_cmpuint (bp_loss_chart_get_n_points (BP_LOSS_CHART (chart), BP_LOSS_SERIES_TRAIN), ==,
                    0);
  g_assert_null (bp_loss_chart_readout_at (BP_LOSS_CHART (chart), x));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

static void
on_point (BpHeatmap *heatmap, double x, double y, double *out)
{
  out[0] = x;
  out[1] = y;
  out[2] += 1;
}

static void
test_heatmap (void)
{
  GtkWidget *heatmap = bp_heatmap_new ();
  GtkWidget *window;
  g_autoptr (GdkTexture) shot = NULL;
  g_autofree float *grid = g_new (float, 50 * 50);
  BpHeatmapPoint pts[2] = { { -3, 4, 1, 0, FALSE }, { 3, -4, 0, 0, TRUE } };
  double wx, wy, x, y, got[3] = { 0, 0, 0 };
  int rgb[3];
  GdkRGBA c;

  g_object_ref_sink (heatmap);
  /* Probability of class 1 (blue): 0 left of x = 0, 1 right of it. */
  for (int i = 0; i < 50; i++)
    for (int j = 0; j < 50; j++)
      grid[i * 50 + j] = j < 25 ? 0.f : 1.f;
  bp_heatmap_set_grid (BP_HEATMAP (heatmap), grid, 50, 1, BP_GRID_PROBABILITY, 1);
  bp_heatmap_set_points (BP_HEATMAP (heatmap), pts, 2);
  g_assert_cmpuint (bp_heatmap_get_n_points (BP_HEATMAP (heatmap)), ==, 2);
  window = ui_test_show_in_window (heatmap, 300, 300);
  shot = bp_screenshot_widget (heatmap, NULL);
  g_assert_nonnull (shot);

  g_assert_true (bp_heatmap_data_to_widget (BP_HEATMAP (heatmap), -3, 0, &wx, &wy));
  ui_test_pixel (shot, (int) wx, (int) wy, rgb);
  g_assert_cmpint (rgb[0], >, rgb[2] + 60); /* orange */
  g_assert_true (bp_heatmap_color_at (BP_HEATMAP (heatmap), -3, 0, &c));
  g_assert_cmpint (abs ((int) lrintf (c.red * 255) - rgb[0]), <=, 2);
  g_assert_cmpint (abs ((int) lrintf (c.blue * 255) - rgb[2]), <=, 2);
  g_assert_true (bp_heatmap_data_to_widget (BP_HEATMAP (heatmap), 3, 0, &wx, &wy));
  ui_test_pixel (shot, (int) wx, (int) wy, rgb);
  g_assert_cmpint (rgb[2], >, rgb[0] + 60); /* blue */

  /* The training point at (-3, 4) is drawn in class 1's blue on orange ground; the test
   * point is hidden until show-test. */
  g_assert_true (bp_heatmap_data_to_widget (BP_HEATMAP (heatmap), -3, 4, &wx, &wy));
  ui_test_pixel (shot, (int) wx, (int) wy, rgb);
  g_assert_cmpint (rgb[2], >, 150);
  g_assert_cmpint (rgb[0], <, 60);
  g_assert_true (bp_heatmap_data_to_widget (BP_HEATMAP (heatmap), 3, -4, &wx, &wy));
  ui_test_pixel (shot, (int) wx, (int) wy, rgb);
  g_assert_cmpint (rgb[2], >, rgb[0] + 60); /* still the blue ground */

  g_assert_true (bp_heatmap_widget_to_data (BP_HEATMAP (heatmap), wx, wy, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, -4, 1e-9);
  g_assert_false (bp_heatmap_widget_to_data (BP_HEATMAP (heatmap), 1, 1, &x, &y));

  g_signal_connect (heatmap, "add-point", G_CALLBACK (on_point), got);
  g_signal_emit_by_name (heatmap, "add-point", 1.5, -2.0);
  g_assert_cmpfloat (got[2], ==, 1);
  g_assert_cmpfloat (got[0], ==, 1.5);

  bp_heatmap_set_show_test (BP_HEATMAP (heatmap), TRUE);
  bp_heatmap_set_discretize (BP_HEATMAP (heatmap), TRUE);
  g_assert_true (bp_heatmap_get_discretize (BP_HEATMAP (heatmap)));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (heatmap);
}

typedef struct {
  int add_layer, add_neuron_column, edited_layer, edited_out, edited_in;
  double edited_value;
} NvEvents;

static void
on_add_layer (BpNetworkView *view, NvEvents *ev)
{
  ev->add_layer++;
}

static void
on_add_neuron (BpNetworkView *view, int column, NvEvents *ev)
{
  ev->add_neuron_column = column;
}

static void
on_weight_edited (BpNetworkView *view, int layer, int out, int in, double value, NvEvents *ev)
{
  ev->edited_layer = layer;
  ev->edited_out = out;
  ev->edited_in = in;
  ev->edited_value = value;
}

/* In a narrow view the neurons shrink so the columns keep room between them for the links:
 * the point halfway between two columns' neurons is no neuron. At 260 pixels wide and 5
 * columns of 8, the pitch alone (60 px rows) would make them 48 px wide, 40 px apart. */
static void
test_network_view_narrow (void)
{
  GtkWidget *view = bp_network_view_new ();
  GtkWidget *window;
  static const int sizes[] = { 2, 8, 8, 8, 1 };
  double x1, y1, x2, y2;
  g_autofree char *between = NULL;

  g_object_ref_sink (view);
  bp_network_view_set_layout (BP_NETWORK_VIEW (view), 5, sizes, NULL);
  window = ui_test_show_in_window (view, 260, 700);
  g_assert_true (bp_network_view_neuron_center (BP_NETWORK_VIEW (view), 1, 3, &x1, &y1));
  g_assert_true (bp_network_view_neuron_center (BP_NETWORK_VIEW (view), 2, 3, &x2, &y2));
  g_assert_cmpfloat (x2 - x1, >, 20);
  between = bp_network_view_describe_at (BP_NETWORK_VIEW (view), (x1 + x2) / 2, y1);
  g_assert_true (between == NULL || strstr (between, "neuron") == NULL
                 || strstr (between, "→") != NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (view);
}

static void
test_network_view (void)
{
  GtkWidget *view = bp_network_view_new ();
  GtkWidget *window;
  static const int sizes[] = { 2, 3, 1 };
  static const char *names[] = { "X₁", "X₂" };
  /* layer 0: (3, 2), layer 1: (1, 3) */
  static const float w0[] = { 0.5f, -0.25f, 0.75f, 1.5f, -2.0f, 0.625f };
  static const float b0[] = { 0.1f, 0.2f, 0.3f };
  static const float w1[] = { 1.0f, -1.0f, 0.5f };
  NvEvents ev = { 0, -1, -1, -1, -1, 0 };
  double x, y;
  g_autofree char *link_text = NULL;
  g_autofree char *neuron_text = NULL;
  g_autofree char *nothing = NULL;

  g_object_ref_sink (view);
  bp_network_view_set_layout (BP_NETWORK_VIEW (view), 3, sizes, names);
  bp_network_view_set_weights (BP_NETWORK_VIEW (view), 0, w0, b0, NULL);
  bp_network_view_set_weights (BP_NETWORK_VIEW (view), 1, w1, NULL, NULL);
  g_assert_cmpfloat (bp_network_view_get_weight (BP_NETWORK_VIEW (view), 0, 1, 0), ==, 0.75f);
  g_assert_true (isnan (bp_network_view_get_weight (BP_NETWORK_VIEW (view), 0, 3, 0)));
  g_assert_cmpfloat (bp_network_view_get_bias (BP_NETWORK_VIEW (view), 0, 2), ==, 0.3f);
  g_signal_connect (view, "add-layer", G_CALLBACK (on_add_layer), &ev);
  g_signal_connect (view, "add-neuron", G_CALLBACK (on_add_neuron), &ev);
  g_signal_connect (view, "weight-edited", G_CALLBACK (on_weight_edited), &ev);
  window = ui_test_show_in_window (view, 640, 480);

  /* Hovering a link names it and gives its weight (X₂ → third neuron: no other link crosses
   * its middle); a neuron gives its bias. */
  g_assert_true (bp_network_view_link_center (BP_NETWORK_VIEW (view), 0, 2, 1, &x, &y));
  link_text = bp_network_view_describe_at (BP_NETWORK_VIEW (view), x, y + 1);
  g_assert_nonnull (link_text);
  g_assert_nonnull (strstr (link_text, "X₂ → layer 1 neuron 3"));
  g_assert_nonnull (strstr (link_text, "weight 0.6250"));
  g_assert_true (bp_network_view_neuron_center (BP_NETWORK_VIEW (view), 1, 2, &x, &y));
  neuron_text = bp_network_view_describe_at (BP_NETWORK_VIEW (view), x, y);
  g_assert_nonnull (strstr (neuron_text, "bias 0.3000"));
  nothing = bp_network_view_describe_at (BP_NETWORK_VIEW (view), 1, 479);
  g_assert_null (nothing);

  /* The + buttons ask for a layer and a neuron; − of a one-neuron layer is off. */
  /* (an activated button shows itself pressed for a moment before "clicked") */
  gtk_widget_activate (bp_network_view_get_button (BP_NETWORK_VIEW (view), -1, TRUE));
  ui_test_spin (0.4);
  g_assert_cmpint (ev.add_layer, ==, 1);
  gtk_widget_activate (bp_network_view_get_button (BP_NETWORK_VIEW (view), 1, TRUE));
  ui_test_spin (0.4);
  g_assert_cmpint (ev.add_neuron_column, ==, 1);
  g_assert_true (gtk_widget_get_sensitive (bp_network_view_get_button (BP_NETWORK_VIEW (view), 1,
                                                                       FALSE)));
  g_assert_null (bp_network_view_get_button (BP_NETWORK_VIEW (view), 2, TRUE));

  /* Editing a weight: the popover's spin button, then Enter. */
  bp_network_view_edit_weight (BP_NETWORK_VIEW (view), 0, 1, 0);
  {
    GtkWidget *popover = NULL;
    /* (the view has two popovers: the weight editor holds a spin button) */
    for (GtkWidget *c = gtk_widget_get_first_child (view); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_POPOVER (c))
        {
          GtkWidget *first = gtk_widget_get_first_child (gtk_popover_get_child (GTK_POPOVER (c)));

          if (first != NULL && GTK_IS_SPIN_BUTTON (gtk_widget_get_next_sibling (first)))
            popover = c;
        }
    g_assert_nonnull (popover);
    ui_test_spin (0.1);
    g_assert_true (gtk_widget_get_visible (popover));
    for (GtkWidget *c = gtk_widget_get_first_child (gtk_popover_get_child (GTK_POPOVER (popover)));
         c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_SPIN_BUTTON (c))
        {
          g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (c)), 0.75,
                                          1e-6);
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (c), -1.25);
          g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (c)), "activate");
        }
  }
  g_assert_cmpint (ev.edited_layer, ==, 0);
  g_assert_cmpint (ev.edited_out, ==, 1);
  g_assert_cmpint (ev.edited_in, ==, 0);
  g_assert_cmpfloat_with_epsilon (ev.edited_value, -1.25, 1e-9);

  /* Links show weights (X₂ → neuron 3: 0.625, blue), or with the toggle |∂L/∂w| in purple,
   * strongest for the largest gradient. */
  {
    static const float g0[] = { 1e-3f, 1e-3f, 1e-3f, 1e-3f, 1e-3f, 0.1f };
    g_autoptr (GdkTexture) before = NULL;
    g_autoptr (GdkTexture) after = NULL;
    int rgb[3];

    bp_network_view_set_weights (BP_NETWORK_VIEW (view), 0, w0, b0, g0);
    ui_test_spin (0.1);
    g_assert_true (bp_network_view_link_center (BP_NETWORK_VIEW (view), 0, 2, 1, &x, &y));
    before = bp_screenshot_widget (view, NULL);
    ui_test_pixel (before, (int) x, (int) y, rgb);
    g_assert_cmpint (rgb[2], >, rgb[0] + 60); /* blue */
    g_assert_cmpint (rgb[2], >, rgb[1]);
    bp_network_view_set_show_gradients (BP_NETWORK_VIEW (view), TRUE);
    g_assert_true (bp_network_view_get_show_gradients (BP_NETWORK_VIEW (view)));
    ui_test_spin (0.1);
    after = bp_screenshot_widget (view, NULL);
    ui_test_pixel (after, (int) x, (int) y, rgb);
    /* (0.75, 0.38, 0.80): red and blue both high, green low */
    g_assert_cmpint (rgb[0], >, 150);
    g_assert_cmpint (rgb[2], >, 150);
    g_assert_cmpint (rgb[1], <, 130);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* A message with markup characters (a file named "R&D <test>.bpx", an engine message with
 * '&') reaches the toast as the same text, not as broken markup that shows an empty toast. */
static void
test_toast_text (void)
{
  g_autoptr (AdwToast) toast = g_object_ref_sink (bp_toast_new_text ("Saved \"R&D <test>.bpx\""));
  g_autofree char *plain = NULL;

  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Saved &quot;R&amp;D &lt;test&gt;.bpx&quot;");
  g_assert_true (pango_parse_markup (adw_toast_get_title (toast), -1, 0, NULL, &plain, NULL,
                                     NULL));
  g_assert_cmpstr (plain, ==, "Saved \"R&D <test>.bpx\"");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/ui/palette", test_palette);
  g_test_add_func ("/ui/toast-text", test_toast_text);
  g_test_add_func ("/ui/frame-stats", test_frame_stats);
  g_test_add_func ("/ui/loss-chart", test_loss_chart);
  g_test_add_func ("/ui/heatmap", test_heatmap);
  g_test_add_func ("/ui/network-view", test_network_view);
  g_test_add_func ("/ui/network-view-narrow", test_network_view_narrow);
  return g_test_run ();
}
