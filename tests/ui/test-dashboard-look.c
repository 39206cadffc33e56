/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a new user still found hard to read on the Dashboard page (issue 8), each checked in
 * the pixels or the layout of a real window: validation curves marked point by point and not
 * smoothed, scatter dots sized to the crowd, colour keys whose labels are not cut at the edge
 * (weight heatmap, conv filters), the "Next run:" caption while another page's run is shown,
 * the runs table whole at 1280x800, and panels that keep their width while a run trains.
 * BP_TEST_SHOTS=folder keeps the screenshots. */
#include "bp-config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "bp-chart.h"
#include "data/builtin.h"
#include "bp-conv-panel.h"
#include "bp-dashboard.h"
#include "bp-filter-view.h"
#include "bp-playground.h"
#include "bp-ui.h"
#include "bp-weight-heatmap.h"
#include "bp-window.h"
#include "ui-test-page.h"
#include "ui-test-util.h"

static GdkTexture *
shoot (GtkWidget *widget, const char *name)
{
  GdkTexture *tex = ui_test_shot (widget);

  ui_test_keep_shot (tex, name);
  return tex;
}

/* The texture's pixels as premultiplied ARGB32 words (cairo's layout), row by row. */
static guint32 *
pixels (GdkTexture *tex)
{
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex);
  guint32 *data = g_new (guint32, (gsize) w * h);

  gdk_texture_download (tex, (guchar *) data, (gsize) w * 4);
  return data;
}

/* Pixels in [x0, x1) x [y0, y1) at least alpha opaque (the widgets are shot on a transparent
 * background: what they paint is what is opaque). */
static int
count_opaque (GdkTexture *tex, int x0, int y0, int x1, int y1, int alpha)
{
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex), n = 0;
  g_autofree guint32 *px = pixels (tex);

  for (int y = MAX (y0, 0); y < MIN (y1, h); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, w); x++)
      n += (int) (px[(gsize) y * w + x] >> 24) >= alpha;
  return n;
}

/* Pixels in the box within tol (per channel) of colour c at full opacity. */
static int
count_color (GdkTexture *tex, int x0, int y0, int x1, int y1, const GdkRGBA *c, int tol)
{
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex), n = 0;
  g_autofree guint32 *px = pixels (tex);

  for (int y = MAX (y0, 0); y < MIN (y1, h); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, w); x++)
      {
        guint32 p = px[(gsize) y * w + x];

        n += (p >> 24) == 0xff
             && abs ((int) ((p >> 16) & 0xff) - (int) lround (c->red * 255)) <= tol
             && abs ((int) ((p >> 8) & 0xff) - (int) lround (c->green * 255)) <= tol
             && abs ((int) (p & 0xff) - (int) lround (c->blue * 255)) <= tol;
      }
  return n;
}

/* ---- validation curves ---- */

/* A chart as the dashboard's loss chart: smoothing 0.6, a noisy training loss of 300 steps
 * and a dashed validation loss of 5 epochs, sparse (marked, unsmoothed) when asked. */
static GtkWidget *
validation_chart (gboolean sparse, guint *val, GdkRGBA *val_color, const double *vx,
                  const float *vy)
{
  GtkWidget *chart = bp_chart_new ();
  double x[300];
  float y[300];
  guint train;

  bp_chart_set_smoothing (BP_CHART (chart), 0.6);
  bp_chart_palette_color (0, val_color); /* blue: the validation line of run 1 */
  train = bp_chart_add_series (BP_CHART (chart), "run 1", &(GdkRGBA) { 0.2f, 0.6f, 0.2f, 1 },
                               BP_CHART_LINE);
  *val = bp_chart_add_series (BP_CHART (chart), "run 1 val", val_color, BP_CHART_LINE);
  bp_chart_series_set_dashed (BP_CHART (chart), *val, TRUE);
  if (sparse)
    bp_chart_series_set_sparse (BP_CHART (chart), *val, TRUE);
  for (int i = 0; i < 300; i++)
    {
      x[i] = i;
      y[i] = (float) (2.0 * exp (-i / 80.0) + 0.3 * ((i * 7919) % 13) / 13.0);
    }
  bp_chart_series_append (BP_CHART (chart), train, x, y, 300);
  bp_chart_series_append (BP_CHART (chart), *val, vx, vy, 5);
  bp_chart_set_view (BP_CHART (chart), 0, 300, 0, 2.5);
  return chart;
}

/* Pixels of the validation colour within 2 px of each validation point, the fewest of the 5. */
static int
fewest_at_points (GtkWidget *chart, GdkTexture *tex, const GdkRGBA *c, const double *vx,
                  const float *vy)
{
  int fewest = G_MAXINT;

  for (int i = 0; i < 5; i++)
    {
      double wx, wy;

      g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), vx[i], vy[i], &wx, &wy));
      fewest = MIN (fewest, count_color (tex, (int) floor (wx) - 2, (int) floor (wy) - 2,
                                         (int) floor (wx) + 3, (int) floor (wy) + 3, c, 40));
    }
  return fewest;
}

/* Validation figures (one point an epoch) are drawn as measured, a full-strength dot on each
 * point, under the training curve's smoothing 0.6: every 5x5 box around a point is nearly all
 * the validation colour. A plain dashed line (as before) leaves most of each box empty. */
static void
test_validation_points (void)
{
  const double vx[5] = { 60, 120, 180, 240, 290 };
  const float vy[5] = { 1.9f, 0.4f, 1.4f, 0.6f, 1.1f }; /* zig-zag: smoothing would bend it */
  GdkRGBA c;
  guint val;
  gsize n = 1;
  int marked, plain;

  {
    GtkWidget *chart = validation_chart (TRUE, &val, &c, vx, vy);
    GtkWidget *window = ui_test_show_in_window (chart, 700, 360);
    g_autoptr (GdkTexture) tex = shoot (chart, "validation-sparse.png");

    /* Not smoothed: the line is the raw values (a debiased EMA of 0.6 would give 1.15 for
     * the second point, not 0.4). */
    g_assert_null (bp_chart_series_get_smoothed (BP_CHART (chart), val, &n));
    g_assert_cmpuint (n, ==, 0);
    marked = fewest_at_points (chart, tex, &c, vx, vy);
    gtk_window_destroy (GTK_WINDOW (window));
  }
  {
    GtkWidget *chart = validation_chart (FALSE, &val, &c, vx, vy);
    GtkWidget *window = ui_test_show_in_window (chart, 700, 360);
    g_autoptr (GdkTexture) tex = shoot (chart, "validation-plain.png");

    g_assert_nonnull (bp_chart_series_get_smoothed (BP_CHART (chart), val, &n));
    plain = fewest_at_points (chart, tex, &c, vx, vy);
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_test_message ("validation colour within 2 px of the emptiest point: marked %d, plain %d "
                  "of 25", marked, plain);
  g_assert_cmpint (marked, >=, 21);
  g_assert_cmpint (plain, <, 21);
}

/* ---- scatter dots ---- */

/* Scatter dots grow when there are few points: 150 points (iris) in a 500x400 chart are dots
 * of about 8 px; 20 000 points keep to small ones, so the crowd's shape shows. Measured as
 * the opaque pixels within 5 px of an isolated point. */
static int
dot_pixels (int n_points)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  g_autofree double *x = g_new (double, n_points);
  g_autofree float *y = g_new (float, n_points);
  guint id = bp_chart_add_series (BP_CHART (chart), "rows", NULL, BP_CHART_POINTS);
  g_autoptr (GdkTexture) tex = NULL;
  double wx, wy;
  int n;

  /* One point alone at (50, 50); the others packed into the lower left corner. */
  x[0] = 50;
  y[0] = 50;
  for (int i = 1; i < n_points; i++)
    {
      x[i] = 2 + 20.0 * (i % 97) / 97;
      y[i] = 2 + 20.0 * (i / 97 % 97) / 97;
    }
  bp_chart_series_append (BP_CHART (chart), id, x, y, n_points);
  bp_chart_set_view (BP_CHART (chart), 0, 100, 0, 100);
  window = ui_test_show_in_window (chart, 500, 400);
  tex = shoot (chart, n_points < 1000 ? "scatter-few.png" : "scatter-many.png");
  g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), 50, 50, &wx, &wy));
  n = count_opaque (tex, (int) floor (wx) - 5, (int) floor (wy) - 5, (int) floor (wx) + 6,
                    (int) floor (wy) + 6, 128);
  gtk_window_destroy (GTK_WINDOW (window));
  return n;
}

static void
test_scatter_dots (void)
{
  int few = dot_pixels (150), many = dot_pixels (20000);

  g_test_message ("opaque pixels of a dot: 150 points %d, 20 000 points %d", few, many);
  /* A dot of 8 px covers ~50 pixels; the old 3x3 square 9. */
  g_assert_cmpint (few, >=, 36);
  g_assert_cmpint (many, >=, 4);
  g_assert_cmpint (many, <=, 16);
}

/* ---- colour keys ---- */

/* Opaque pixels in the rightmost two columns, and in the key's label area beside them. */
static void
right_edge (GdkTexture *tex, int y0, int y1, int label_w, int *edge, int *label)
{
  int w = gdk_texture_get_width (tex);

  *edge = count_opaque (tex, w - 2, y0, w, y1, 100);
  *label = count_opaque (tex, w - label_w, y0, w, y1, 100);
}

/* The weight heatmap's colour key says ±0.351 (largest |w| 0.3508) in full: its labels end
 * inside the widget (they used to run past its right edge: "0.3508" cut). */
static void
test_heatmap_key (void)
{
  GtkWidget *map = bp_weight_heatmap_new ();
  GtkWidget *window = ui_test_show_in_window (map, 420, 260);
  float w[12 * 20];
  g_autoptr (GdkTexture) tex = NULL;
  int h, edge, label;

  for (int i = 0; i < 12 * 20; i++)
    w[i] = 0.3508f * sinf ((float) i);
  w[7] = 0.3508f;
  w[9] = -0.3508f;
  bp_weight_heatmap_set_matrix (BP_WEIGHT_HEATMAP (map), w, 12, 20);
  g_assert_cmpfloat_with_epsilon (bp_weight_heatmap_get_scale (BP_WEIGHT_HEATMAP (map)), 0.3508,
                                  1e-6);
  ui_test_spin (0.2);
  tex = shoot (map, "heatmap-key.png");
  h = gdk_texture_get_height (tex);
  right_edge (tex, 0, h, 40, &edge, &label);
  g_test_message ("key labels: %d opaque pixels, %d in the last two columns", label, edge);
  g_assert_cmpint (label, >, 60); /* three labels are there */
  g_assert_cmpint (edge, ==, 0);  /* and none is cut at the edge */
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The conv filters' key ("+max |w| of each filter" centred on the end of its bar) stays
 * inside a view as narrow as the bar. */
static void
test_filter_key (void)
{
  GtkWidget *fv = bp_filter_view_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *window;
  float k[10 * 25];
  g_autoptr (GdkTexture) tex = NULL;
  int h, edge, label;

  for (int i = 0; i < 10 * 25; i++)
    k[i] = sinf (0.7f * (float) i);
  bp_filter_view_set_shared_scale (BP_FILTER_VIEW (fv), FALSE);
  bp_filter_view_set_kernels (BP_FILTER_VIEW (fv), "conv1", k, NULL, 10, 1, 5, 5);
  gtk_widget_set_size_request (fv, 240, -1);
  gtk_widget_set_halign (fv, GTK_ALIGN_START);
  gtk_widget_set_hexpand (fv, FALSE);
  gtk_box_append (GTK_BOX (box), fv);
  window = ui_test_show_in_window (box, 240, 400);
  ui_test_spin (0.2);
  tex = shoot (fv, "filter-key.png");
  h = gdk_texture_get_height (tex);
  g_test_message ("filter view %d x %d", gdk_texture_get_width (tex), h);
  /* The key's labels: the last 40 pixel rows. */
  right_edge (tex, h - 40, h, 60, &edge, &label);
  g_test_message ("key label: %d opaque pixels, %d in the last two columns", label, edge);
  g_assert_cmpint (label, >, 30);
  g_assert_cmpint (edge, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the page ---- */

typedef UiTestPage Page;

static gboolean
following (gpointer data)
{
  bp_dashboard_refresh (data);
  return bp_dashboard_training_is_following (bp_dashboard_get_training (data));
}

static gboolean
has_session (gpointer data)
{
  bp_dashboard_refresh (data);
  return bp_dashboard_training_has_session (bp_dashboard_get_training (data));
}

/* While the page shows the playground's run, a "Next run:" caption stands before the fields
 * (on screen, left of them, not in a tooltip), and New Run still works; once the page trains
 * a run of its own, the fields are that run's and the caption is gone. */
static void
test_next_run_caption (void)
{
  Page p;
  GtkWidget *caption, *hidden, *new_run;
  BpPlayground *pg;
  graphene_rect_t cap, field;

  ui_test_page_open (&p, 1280, 800);
  caption = bp_dashboard_get_part (p.dash, "next-run-caption");
  hidden = bp_dashboard_get_part (p.dash, "hidden-entry");
  new_run = bp_dashboard_get_part (p.dash, "new-run");
  g_assert_nonnull (caption);

  pg = bp_window_get_playground (p.window);
  bp_playground_set_running (pg, TRUE);
  g_assert_true (ui_test_wait (following, p.dash, 20));
  ui_test_spin (0.5);
  bp_playground_set_running (pg, FALSE);
  bp_dashboard_refresh (p.dash);
  ui_test_spin (0.3);
  g_assert_true (gtk_widget_get_mapped (caption));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (caption)), ==, "Next run:");
  g_assert_true (gtk_widget_compute_bounds (caption, GTK_WIDGET (p.dash), &cap));
  g_assert_true (gtk_widget_compute_bounds (hidden, GTK_WIDGET (p.dash), &field));
  g_assert_cmpfloat (cap.origin.x + cap.size.width, <=, field.origin.x);
  g_assert_cmpfloat (cap.size.width, >, 30);
  /* Whole on screen: not squeezed out of the toolbar at 1280 px. */
  g_assert_cmpfloat (cap.origin.x, >=, 0);
  g_assert_true (gtk_widget_is_sensitive (new_run));
  g_object_unref (shoot (GTK_WIDGET (p.window), "next-run-1280.png"));

  /* A run of the page's own: the fields are its settings, the caption goes. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (BpDataSource) src = bp_data_source_load ("digits", &error);

    g_assert_no_error (error);
    bp_dashboard_set_source (p.dash, src);
    g_assert_true (bp_dashboard_new_run (p.dash, FALSE, &error));
    g_assert_no_error (error);
    g_assert_true (ui_test_wait (has_session, p.dash, 20));
    g_assert_false (gtk_widget_get_visible (caption));
  }
  ui_test_page_close (&p);
}

/* ---- layout while training ---- */

typedef struct {
  GtkWidget *widget;
  graphene_rect_t r;
} Placed;

/* Where every visible widget under root is, in root's coordinates (labels, the progress bar
 * and a gallery's pictures left out: their content is meant to change; what must hold still
 * is the panels and controls around them). */
static void
collect_places (GtkWidget *root, GtkWidget *w, GArray *out)
{
  Placed p = { w, GRAPHENE_RECT_INIT (0, 0, 0, 0) };

  if (!gtk_widget_get_mapped (w) || GTK_IS_LABEL (w) || GTK_IS_PROGRESS_BAR (w))
    return;
  if (gtk_widget_compute_bounds (w, root, &p.r))
    g_array_append_val (out, p);
  if (GTK_IS_FLOW_BOX (w))
    return; /* a gallery: other examples come in (the box itself holds its place) */
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_places (root, c, out);
}

/* How many widgets of before moved or changed width in after (each named in the log). */
static int
count_moved (GArray *before, GArray *after)
{
  int moved = 0;

  for (guint i = 0; i < before->len; i++)
    {
      const Placed *a = &g_array_index (before, Placed, i);

      for (guint j = 0; j < after->len; j++)
        {
          const Placed *b = &g_array_index (after, Placed, j);

          if (b->widget != a->widget)
            continue;
          if (fabsf (a->r.origin.x - b->r.origin.x) > 0.5f
              || fabsf (a->r.size.width - b->r.size.width) > 0.5f)
            {
              g_test_message ("moved: %s (%s) x %.0f w %.0f -> x %.0f w %.0f",
                              G_OBJECT_TYPE_NAME (a->widget),
                              gtk_widget_get_css_name (a->widget), a->r.origin.x,
                              a->r.size.width, b->r.origin.x, b->r.size.width);
              moved++;
            }
          break;
        }
    }
  return moved;
}

/* The runs table shows every column, the last one (a run's Delete button) whole, without
 * scrolling sideways. */
static void
check_runs_whole (Page *p)
{
  GtkWidget *view = bp_dashboard_get_part (p->dash, "runs");
  GtkWidget *del = ui_test_find_widget (view, GTK_TYPE_BUTTON, "Delete this run");
  graphene_rect_t r;

  g_assert_nonnull (del);
  g_assert_true (gtk_widget_compute_bounds (del, view, &r));
  g_test_message ("runs table %d px wide, its Delete button at x %.0f to %.0f",
                  gtk_widget_get_width (view), r.origin.x, r.origin.x + r.size.width);
  g_assert_cmpfloat (r.origin.x + r.size.width, <=, gtk_widget_get_width (view));
}

/* The conv panel's side column shows its filters and their colour key without scrolling. */
static void
check_filters_whole (Page *p)
{
  BpConvPanel *panel = BP_CONV_PANEL (bp_dashboard_get_part (p->dash, "conv-panel"));
  GtkWidget *fv = GTK_WIDGET (bp_conv_panel_get_filter_view (panel));
  GtkWidget *scroller = gtk_widget_get_ancestor (fv, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t r;

  g_assert_true (gtk_widget_compute_bounds (fv, scroller, &r));
  g_test_message ("filters' side column %d px high, the filters and key at y %.0f to %.0f",
                  gtk_widget_get_height (scroller), r.origin.y, r.origin.y + r.size.height);
  g_assert_cmpfloat (r.origin.y + r.size.height, <=, gtk_widget_get_height (scroller));
}

static gboolean
steps_reached (gpointer data)
{
  BpDashboard *dash = data;

  bp_dashboard_refresh (dash);
  return bp_dashboard_training_get_status (bp_dashboard_get_training (dash))->step >= 60;
}

static void
on_evaluated (BpDashboard *dash, gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* On the Evaluation part: its figures are those of an evaluation now. */
static void
evaluate_now (BpDashboard *dash, const char *part)
{
  gboolean done = FALSE;

  if (g_strcmp0 (part, "evaluation") != 0)
    return;
  bp_dashboard_evaluate (dash, G_CALLBACK (on_evaluated), &done);
  g_assert_true (ui_test_wait (ui_test_is_true, &done, 30));
}

/* While a run trains (its figures, the status line and the evaluation change), no panel or
 * control of the page moves or changes width, at 1920x1080 and at 1280x800. */
static void
check_still (int width, int height, const char *part, const char *shot)
{
  Page p;
  g_autoptr (GError) error = NULL;
  gboolean fashion = g_strcmp0 (part, "convolutions") == 0
                     && g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
                                     G_FILE_TEST_EXISTS);
  g_autoptr (BpDataSource) src = bp_data_source_load (fashion ? "fashion-mnist" : "digits",
                                                      &error);
  g_autoptr (GArray) before = g_array_new (FALSE, FALSE, sizeof (Placed));
  g_autoptr (GArray) after = g_array_new (FALSE, FALSE, sizeof (Placed));
  int moved;

  g_assert_no_error (error);
  ui_test_page_open (&p, width, height);
  bp_dashboard_set_source (p.dash, src);
  /* 1000 epochs: still training while it is looked at. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (bp_dashboard_get_part (p.dash, "epochs")), 9);
  if (g_strcmp0 (part, "convolutions") == 0)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (bp_dashboard_get_part (p.dash, "network")), 1);
  g_assert_true (bp_dashboard_new_run (p.dash, TRUE, &error));
  g_assert_no_error (error);
  bp_dashboard_show_part (p.dash, part);
  g_assert_true (ui_test_wait (steps_reached, p.dash, 60));
  evaluate_now (p.dash, part);
  ui_test_spin (0.5);
  collect_places (GTK_WIDGET (p.dash), GTK_WIDGET (p.dash), before);
  ui_test_spin (2.0);
  evaluate_now (p.dash, part);
  bp_dashboard_refresh (p.dash);
  ui_test_spin (0.5);
  collect_places (GTK_WIDGET (p.dash), GTK_WIDGET (p.dash), after);
  g_assert_cmpint (bp_dashboard_training_get_status (bp_dashboard_get_training (p.dash))->state,
                   ==, BP_SESSION_RUNNING);
  g_object_unref (shoot (GTK_WIDGET (p.window), shot));
  if (g_strcmp0 (part, "runs") == 0)
    check_runs_whole (&p);
  if (g_strcmp0 (part, "convolutions") == 0)
    check_filters_whole (&p);
  moved = count_moved (before, after);
  g_test_message ("%d x %d, %s: %u widgets, %d moved", width, height, part, before->len, moved);
  bp_dashboard_training_pause (bp_dashboard_get_training (p.dash));
  ui_test_page_close (&p);
  g_assert_cmpint (moved, ==, 0);
}

static void
test_still (gconstpointer data)
{
  const int *size = data;
  const char *parts[] = { "training", "runs", "evaluation", "convolutions" };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *shot = g_strdup_printf ("%s-%d.png", parts[i], size[0]);

      check_still (size[0], size[1], parts[i], shot);
    }
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();
  {
    /* The application's stylesheet, as AdwApplication loads it from the resources. */
    GtkCssProvider *css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/backprop/Backprop/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref (css);
  }

  g_test_add_func ("/dashboard-look/chart/validation-points", test_validation_points);
  g_test_add_func ("/dashboard-look/chart/scatter-dots", test_scatter_dots);
  g_test_add_func ("/dashboard-look/keys/heatmap", test_heatmap_key);
  g_test_add_func ("/dashboard-look/keys/filters", test_filter_key);
  g_test_add_func ("/dashboard-look/page/next-run-caption", test_next_run_caption);
  g_test_add_data_func ("/dashboard-look/page/still-1920", (const int[]) { 1920, 1080 },
                        test_still);
  g_test_add_data_func ("/dashboard-look/page/still-1280", (const int[]) { 1280, 800 },
                        test_still);
  return g_test_run ();
}
