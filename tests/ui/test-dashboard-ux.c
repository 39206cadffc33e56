/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a stranger met on the Dashboard page (issue 8), each fault checked in a real window:
 * chart axes that kept to a series' natural range, an empty chart that says so, a legend that
 * names every series, a lone validation point that shows; New Run training what the fields
 * say (and refusing a bad field, next to it), the runs table's row for a followed Builder
 * run, no text field taking the keys when the page opens (Space trains, driven by xdotool),
 * the weights of a previous run cleared, and Evaluate busy while it works. */
#include "bp-config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "bp-builder.h"
#include "bp-chart.h"
#include "bp-dashboard.h"
#include "bp-histogram-view.h"
#include "bp-playground.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-weight-heatmap.h"
#include "bp-window.h"
#include "ui-test-page.h"
#include "ui-test-util.h"

/* ---- the chart ---- */

static GdkTexture *
shoot (GtkWidget *widget, const char *name)
{
  GdkTexture *tex = ui_test_shot (widget);

  ui_test_keep_shot (tex, name);
  return tex;
}

/* Pixels of tex in [x0, x1) x [y0, y1) within tol (per channel) of colour c. */
static int
count_color (GdkTexture *tex, int x0, int y0, int x1, int y1, const GdkRGBA *c, int tol)
{
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex), n = 0;
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);

  gdk_texture_download (tex, data, (gsize) w * 4);
  for (int y = MAX (y0, 0); y < MIN (y1, h); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, w); x++)
      {
        guint32 px = *(guint32 *) (data + (gsize) y * w * 4 + (gsize) x * 4);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        n += abs (r - (int) lround (c->red * 255)) <= tol
             && abs (g - (int) lround (c->green * 255)) <= tol
             && abs (b - (int) lround (c->blue * 255)) <= tol;
      }
  return n;
}

/* Pixels painted more strongly than a grid line (text, curves) in the box: the widget is shot
 * on a transparent background. */
static int
count_dark (GdkTexture *tex, int x0, int y0, int x1, int y1)
{
  int w = gdk_texture_get_width (tex), h = gdk_texture_get_height (tex), n = 0;
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);

  gdk_texture_download (tex, data, (gsize) w * 4);
  for (int y = MAX (y0, 0); y < MIN (y1, h); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, w); x++)
      {
        guint32 px = *(guint32 *) (data + (gsize) y * w * 4 + (gsize) x * 4);

        n += (px >> 24) >= 128;
      }
  return n;
}

static void
test_chart_bounds (void)
{
  GtkWidget *loss = bp_chart_new (), *acc = bp_chart_new (), *box, *window;
  double x[200], x0, x1, y0, y1;
  float yl[200], ya[200];
  guint l, a;

  /* A loss falling to 0.01 and an accuracy rising to 1.0: fitted with a margin and rounded
   * out to whole steps, both axes used to cross their bounds (about -0.1 and 1.2). */
  for (int i = 0; i < 200; i++)
    {
      x[i] = i;
      yl[i] = (float) (0.01 + 2.0 * exp (-i / 30.0));
      ya[i] = (float) MIN (1.0, 0.3 + i / 150.0);
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_vexpand (loss, TRUE);
  gtk_widget_set_vexpand (acc, TRUE);
  gtk_box_append (GTK_BOX (box), loss);
  gtk_box_append (GTK_BOX (box), acc);
  l = bp_chart_add_series (BP_CHART (loss), "loss", NULL, BP_CHART_LINE);
  a = bp_chart_add_series (BP_CHART (acc), "accuracy", NULL, BP_CHART_LINE);
  bp_chart_set_y_bounds (BP_CHART (loss), 0, NAN);
  bp_chart_set_y_bounds (BP_CHART (acc), 0, 1);
  bp_chart_series_append (BP_CHART (loss), l, x, yl, 200);
  bp_chart_series_append (BP_CHART (acc), a, x, ya, 200);
  window = ui_test_show_in_window (box, 420, 500);
  g_object_unref (shoot (box, "bounds.png"));

  bp_chart_get_view (BP_CHART (loss), &x0, &x1, &y0, &y1);
  g_test_message ("loss axis %g .. %g", y0, y1);
  g_assert_cmpfloat (y0, ==, 0);
  g_assert_cmpfloat (y1, >=, 2.01);
  bp_chart_get_view (BP_CHART (acc), &x0, &x1, &y0, &y1);
  g_test_message ("accuracy axis %g .. %g", y0, y1);
  g_assert_cmpfloat (y1, ==, 1);
  g_assert_cmpfloat (y0, <=, 0.3);
  g_assert_cmpfloat (y0, >=, 0);

  /* Data beyond the bound (a negative "loss" of some other quantity) still shows whole. */
  {
    double xn[2] = { 0, 1 };
    float yn[2] = { -0.5f, 0.5f };

    bp_chart_series_clear (BP_CHART (loss), l);
    bp_chart_series_append (BP_CHART (loss), l, xn, yn, 2);
    ui_test_spin (0.2);
    g_object_unref (shoot (loss, "bounds-crossed.png"));
    bp_chart_get_view (BP_CHART (loss), &x0, &x1, &y0, &y1);
    g_assert_cmpfloat (y0, <=, -0.5);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_chart_empty (void)
{
  GtkWidget *chart = bp_chart_new (), *window;
  GdkTexture *shot;
  graphene_rect_t r;
  double x0, x1, y0, y1;
  int cx, cy;
  guint id;

  bp_chart_set_title (BP_CHART (chart), "Accuracy");
  bp_chart_set_y_bounds (BP_CHART (chart), 0, 1);
  id = bp_chart_add_series (BP_CHART (chart), "run 1", NULL, BP_CHART_LINE);
  window = ui_test_show_in_window (chart, 420, 260);
  shot = shoot (chart, "empty.png");
  /* The accuracy's own range, not -0.5 .. 1.5; and words in the middle of the plot. */
  bp_chart_get_view (BP_CHART (chart), &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y0, ==, 0);
  g_assert_cmpfloat (y1, ==, 1);
  g_assert_true (bp_chart_get_plot_area (BP_CHART (chart), &r));
  cx = (int) (r.origin.x + r.size.width / 2);
  cy = (int) (r.origin.y + r.size.height / 2);
  g_assert_cmpint (count_dark (shot, cx - 40, cy - 8, cx + 40, cy + 8), >, 20);
  g_object_unref (shot);

  /* With data the words go (the line runs along the bottom and up the right edge). */
  bp_chart_series_append (BP_CHART (chart), id, (double[]) { 0, 9.9, 10 },
                          (float[]) { 0, 0, 1 }, 3);
  ui_test_spin (0.2);
  shot = shoot (chart, "not-empty.png");
  g_assert_cmpint (count_dark (shot, cx - 40, cy - 8, cx - 12, cy + 8), ==, 0);
  g_assert_cmpint (count_dark (shot, cx + 12, cy - 8, cx + 40, cy + 8), ==, 0);
  g_object_unref (shot);

  /* Without bounds an empty chart shows 0 to 1 as it is. */
  bp_chart_set_y_bounds (BP_CHART (chart), NAN, NAN);
  bp_chart_series_clear (BP_CHART (chart), id);
  ui_test_spin (0.2);
  g_object_unref (shoot (chart, "empty-unbounded.png"));
  bp_chart_get_view (BP_CHART (chart), &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (y0, ==, 0);
  g_assert_cmpfloat (y1, ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Six runs with their validation curves in a chart 420 pixels wide: every series' swatch is
 * drawn above the plot (each in a colour of its own). */
static void
test_chart_legend (void)
{
  GtkWidget *chart = bp_chart_new (), *window;
  GdkTexture *shot;
  graphene_rect_t r;
  GdkRGBA colors[12];
  guint more = 99;

  bp_chart_set_title (BP_CHART (chart), "Loss");
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("playground run %d%s", i / 2 + 1,
                                               i % 2 ? " val" : "");
      guint id;

      /* Tableau's ten and two more, all far apart. */
      if (i < 10)
        bp_chart_palette_color ((guint) i, &colors[i]);
      else
        colors[i] = i == 10 ? (GdkRGBA) { 0.4f, 0, 0.9f, 1 } : (GdkRGBA) { 0, 0.35f, 0.2f, 1 };
      id = bp_chart_add_series (BP_CHART (chart), name, &colors[i], BP_CHART_LINE);
      bp_chart_series_append (BP_CHART (chart), id, (double[]) { 0, 1 },
                              (float[]) { 1.0f + i, 2.0f + i }, 2);
    }
  window = ui_test_show_in_window (chart, 420, 360);
  shot = shoot (chart, "legend.png");
  g_assert_true (bp_chart_get_plot_area (BP_CHART (chart), &r));
  for (int i = 0; i < 12; i++)
    {
      int n = count_color (shot, 0, 0, gdk_texture_get_width (shot), (int) r.origin.y - 1,
                           &colors[i], 8);

      g_test_message ("series %d: %d legend pixels", i, n);
      g_assert_cmpint (n, >=, 10);
    }
  g_assert_cmpuint (bp_chart_get_legend_count (BP_CHART (chart), &more), ==, 12);
  g_assert_cmpuint (more, ==, 0);
  g_object_unref (shot);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Squeezed into a small chart: what does not fit is counted in a "+N more" note. */
  chart = bp_chart_new ();
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("a rather long run name %d", i);
      /* With a point each: a series without any has no legend entry. */
      guint id = bp_chart_add_series (BP_CHART (chart), name, NULL, BP_CHART_LINE);

      bp_chart_series_append (BP_CHART (chart), id, (double[]) { 0 }, (float[]) { 1.0f }, 1);
    }
  window = ui_test_show_in_window (chart, 200, 120);
  g_object_unref (shoot (chart, "legend-small.png"));
  {
    guint shown = bp_chart_get_legend_count (BP_CHART (chart), &more);

    g_test_message ("%u shown, %u more", shown, more);
    g_assert_cmpuint (more, >, 0);
    g_assert_cmpuint (shown + more, ==, 12);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* One epoch of validation is one point: it shows as a dot. */
static void
test_chart_single_point (void)
{
  GtkWidget *chart = bp_chart_new (), *window;
  const GdkRGBA red = { 1, 0, 0, 1 };
  GdkTexture *shot;
  double wx, wy;
  guint id;

  id = bp_chart_add_series (BP_CHART (chart), "val", &red, BP_CHART_LINE);
  bp_chart_series_set_dashed (BP_CHART (chart), id, TRUE);
  bp_chart_series_append (BP_CHART (chart), id, (double[]) { 40 }, (float[]) { 0.7f }, 1);
  bp_chart_set_view (BP_CHART (chart), 0, 100, 0, 1);
  window = ui_test_show_in_window (chart, 420, 260);
  shot = shoot (chart, "single-point.png");
  g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), 40, 0.7, &wx, &wy));
  g_assert_cmpint (count_color (shot, (int) wx - 3, (int) wy - 3, (int) wx + 4, (int) wy + 4,
                                &red, 40),
                   >=, 9);
  g_object_unref (shot);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the page ---- */

typedef UiTestPage Page;

static gboolean
pg_running (gpointer data)
{
  return bp_playground_get_running (data);
}

static gboolean
pg_paused (gpointer data)
{
  return !bp_playground_get_running (data);
}

/* The page opens with no text field focused, and a real Space key trains (the playground's
 * run, which the page follows) and pauses, leaving the Hidden layers field as it was. */
static void
test_space_on_open (void)
{
  Page p;
  GtkWidget *focus, *entry;
  BpPlayground *pg;
  g_autofree char *before = NULL, *xid = NULL;
  GdkSurface *surface;

  if (g_find_program_in_path ("xdotool") == NULL)
    {
      g_test_skip ("xdotool is not installed (.ci/install-deps installs it)");
      return;
    }
  ui_test_page_open (&p, 1400, 900);
  pg = bp_window_get_playground (p.window);
  entry = ui_test_find_widget (GTK_WIDGET (p.dash), GTK_TYPE_ENTRY,
                               "Units of each hidden layer");
  g_assert_nonnull (entry);
  before = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  focus = gtk_root_get_focus (GTK_ROOT (p.window));
  g_test_message ("focus on open: %s", focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  g_assert_false (focus != NULL && (GTK_IS_EDITABLE (focus)
                                    || gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE)));

  surface = gtk_native_get_surface (GTK_NATIVE (p.window));
  if (!GDK_IS_X11_SURFACE (surface))
    {
      g_test_skip ("not an X11 display");
      ui_test_page_close (&p);
      return;
    }
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  ui_test_xdo ("windowraise", xid, "windowfocus", "--sync", xid, NULL);
  ui_test_spin (0.3);
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (pg_running, pg, 10));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (pg_paused, pg, 10));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, before);

  /* Coming from another page whose control had the focus (a stack hands the focus on to the
   * first control of the page it shows) does not hand the field the keys either. */
  g_assert_true (bp_window_set_page (p.window, "playground", NULL));
  ui_test_spin (0.3);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (pg), GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (p.window)),
                                         GTK_WIDGET (pg)));
  g_assert_true (bp_window_set_page (p.window, "dashboard", NULL));
  ui_test_spin (0.3);
  focus = gtk_root_get_focus (GTK_ROOT (p.window));
  g_test_message ("focus after switching: %s",
                  focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  g_assert_false (focus != NULL && (GTK_IS_EDITABLE (focus)
                                    || gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE)));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (pg_running, pg, 10));
  ui_test_xdo ("key", "--clearmodifiers", "space", NULL);
  g_assert_true (ui_test_wait (pg_paused, pg, 10));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, before);
  ui_test_page_close (&p);
}

/* The string a drop-down of numbers shows, as a number. */
static double
drop_number (GtkWidget *drop)
{
  GObject *item = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (drop));

  g_assert_nonnull (item);
  return g_ascii_strtod (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), NULL);
}

static gboolean
has_session (gpointer data)
{
  bp_dashboard_refresh (data);
  return bp_dashboard_training_has_session (bp_dashboard_get_training (data));
}

/* New Run with no data loaded trains what the fields say: the data named in the toolbar, the
 * hidden layers typed, the optimizer, learning rate, batch size and epochs picked. (It used to
 * load Fashion-MNIST and put its own defaults, 256 and 128 units, over the fields.) */
static void
test_new_run_trains_fields (void)
{
  Page p;
  GtkWidget *entry, *opt, *lr, *batch, *epochs, *data;
  BpDashboardTraining *t;
  const BpTrainSettings *s;
  g_autofree char *data_name = NULL;
  double want_lr, want_batch, want_epochs;
  BpRun *run;

  ui_test_page_open (&p, 1400, 900);
  t = bp_dashboard_get_training (p.dash);
  entry = bp_dashboard_get_part (p.dash, "hidden-entry");
  opt = bp_dashboard_get_part (p.dash, "optimizer");
  lr = bp_dashboard_get_part (p.dash, "lr");
  batch = bp_dashboard_get_part (p.dash, "batch");
  epochs = bp_dashboard_get_part (p.dash, "epochs");
  data = bp_dashboard_get_part (p.dash, "data-label");
  g_assert_nonnull (entry);
  g_assert_nonnull (data);
  g_assert_null (bp_dashboard_get_source (p.dash));
  /* The toolbar names the data New Run will load. */
  data_name = g_strdup (gtk_label_get_text (GTK_LABEL (data)));
  g_assert_cmpstr (data_name, !=, "–");
  g_assert_cmpstr (data_name, !=, "");

  gtk_editable_set_text (GTK_EDITABLE (entry), "12, 6");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (opt), 2); /* sgd */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (lr), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (batch), 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (epochs), 0);
  want_lr = drop_number (lr);
  want_batch = drop_number (batch);
  want_epochs = drop_number (epochs);
  gtk_widget_activate (bp_dashboard_get_part (p.dash, "new-run"));
  g_assert_true (ui_test_wait (has_session, p.dash, 60));
  bp_dashboard_training_pause (t);

  s = bp_dashboard_training_get_settings (t);
  g_assert_cmpint (s->n_hidden, ==, 2);
  g_assert_cmpint (s->hidden[0], ==, 12);
  g_assert_cmpint (s->hidden[1], ==, 6);
  g_assert_cmpint (s->optimizer, ==, BP_OPTIM_SGD);
  g_assert_cmpfloat_with_epsilon (s->lr, want_lr, 1e-12);
  g_assert_cmpint (s->batch_size, ==, (int) want_batch);
  g_assert_cmpint (s->epochs, ==, (int) want_epochs);
  /* The fields still say what is training, and the data are the ones named. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "12, 6");
  g_assert_cmpint (gtk_drop_down_get_selected (GTK_DROP_DOWN (opt)), ==, 2);
  g_assert_cmpint (g_ascii_strcasecmp (bp_dashboard_get_source (p.dash)->ds->name, data_name),
                   ==, 0);
  run = bp_dashboard_training_get_current_run (t);
  g_assert_nonnull (run);
  g_test_message ("run: %s on %s", bp_run_get_info (run)->model, bp_run_get_info (run)->dataset);
  g_assert_nonnull (strstr (bp_run_get_info (run)->model, "-12-6-"));
  g_assert_cmpint (bp_run_get_info (run)->batch_size, ==, (int) want_batch);
  /* The step charts span the planned run from its start, whatever it has done so far. */
  {
    const bp_split *sp = &bp_dashboard_get_source (p.dash)->split;
    guint64 planned = (guint64) want_epochs * ((sp->n_train + (guint) want_batch - 1)
                                               / (guint) want_batch);
    double x0, x1, y0, y1;

    g_assert_cmpuint (bp_run_get_info (run)->planned_steps, ==, planned);
    ui_test_spin (0.3);
    bp_chart_get_view (BP_CHART (bp_dashboard_get_loss_chart (p.dash)), &x0, &x1, &y0, &y1);
    g_test_message ("planned %" G_GUINT64_FORMAT " steps, loss chart x %g .. %g", planned, x0, x1);
    g_assert_cmpfloat (x0, <=, 0);
    g_assert_cmpfloat (x1, >=, (double) planned);
    g_assert_cmpfloat (x1, <=, 1.5 * (double) planned);
  }
  ui_test_page_close (&p);
}

/* A bad or empty Hidden layers field: New Run says so under the field and starts nothing. */
static void
test_new_run_refuses_bad_field (void)
{
  Page p;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  GListModel *runs;
  GtkWidget *entry, *err_label, *button;
  const char *bad[] = { "12, x", "", " , ", "0", NULL };

  g_assert_no_error (error);
  ui_test_page_open (&p, 1400, 900);
  runs = bp_dashboard_training_get_runs (bp_dashboard_get_training (p.dash));
  bp_dashboard_set_source (p.dash, src);
  entry = bp_dashboard_get_part (p.dash, "hidden-entry");
  err_label = bp_dashboard_get_part (p.dash, "hidden-error");
  button = bp_dashboard_get_part (p.dash, "new-run");
  g_assert_nonnull (err_label);
  g_assert_false (gtk_widget_get_visible (err_label));

  for (int i = 0; bad[i] != NULL; i++)
    {
      guint before = g_list_model_get_n_items (runs);

      gtk_editable_set_text (GTK_EDITABLE (entry), bad[i]);
      gtk_widget_activate (button);
      ui_test_spin (0.3);
      g_test_message ("“%s”: %s (%s)", bad[i], gtk_label_get_text (GTK_LABEL (err_label)),
                      gtk_widget_get_tooltip_text (err_label));
      g_assert_nonnull (gtk_widget_get_tooltip_text (err_label));
      g_assert_cmpuint (g_list_model_get_n_items (runs), ==, before);
      g_assert_false (bp_dashboard_training_has_session (bp_dashboard_get_training (p.dash)));
      g_assert_true (gtk_widget_get_visible (err_label));
      g_assert_true (gtk_widget_is_drawable (err_label));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (err_label)), !=, "");
      g_assert_true (gtk_widget_has_css_class (entry, "error"));
      /* Next to the field: right under it. */
      g_assert_true (gtk_widget_get_parent (err_label) == gtk_widget_get_parent (entry));
    }
  {
    GdkTexture *shot = shoot (GTK_WIDGET (p.window), "bad-field.png");

    g_object_unref (shot);
  }
  /* Typing again clears the message; a good field starts the run. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "8");
  g_assert_false (gtk_widget_get_visible (err_label));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  gtk_widget_activate (button);
  g_assert_true (ui_test_wait (has_session, p.dash, 10));
  g_assert_cmpint (bp_dashboard_training_get_settings (bp_dashboard_get_training (p.dash))->hidden[0],
                   ==, 8);
  ui_test_page_close (&p);
}

static gboolean
has_model (gpointer data)
{
  bp_dashboard_refresh (data);
  return bp_dashboard_get_model_view (data) != NULL;
}

typedef struct {
  BpDashboard *dash;
  guint64 step;
} StepWait;

static gboolean
reached_step (gpointer data)
{
  StepWait *w = data;
  bp_session *s = bp_dashboard_training_get_session (bp_dashboard_get_training (w->dash));

  bp_dashboard_refresh (w->dash);
  return s != NULL && bp_session_get_step (s) >= w->step
         && bp_session_get_state (s) != BP_SESSION_RUNNING;
}

/* The weights of the previous run go when a new run starts. */
static void
test_weights_cleared_on_new_run (void)
{
  Page p;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  BpDashboardTraining *t;
  BpWeightHeatmap *map;
  BpModelView *m;
  StepWait w;
  graphene_rect_t cell;

  g_assert_no_error (error);
  ui_test_page_open (&p, 1400, 900);
  t = bp_dashboard_get_training (p.dash);
  map = BP_WEIGHT_HEATMAP (bp_dashboard_get_part (p.dash, "weights"));
  bp_dashboard_set_source (p.dash, src);
  gtk_editable_set_text (GTK_EDITABLE (bp_dashboard_get_part (p.dash, "hidden-entry")), "9");
  g_assert_true (bp_dashboard_new_run (p.dash, FALSE, &error));
  bp_dashboard_training_step (t, 30);
  w.dash = p.dash;
  w.step = 30;
  g_assert_true (ui_test_wait (reached_step, &w, 20));
  bp_dashboard_refresh_model (p.dash);
  g_assert_true (ui_test_wait (has_model, p.dash, 20));
  m = bp_dashboard_get_model_view (p.dash);
  g_assert_cmpint (m->dense[0].out, ==, 9);
  ui_test_spin (0.3);
  g_assert_true (bp_weight_heatmap_cell_rect (map, 0, 0, &cell));

  /* A new run: nothing of the old one shows until its own copy comes. */
  gtk_editable_set_text (GTK_EDITABLE (bp_dashboard_get_part (p.dash, "hidden-entry")), "5");
  g_assert_true (bp_dashboard_new_run (p.dash, FALSE, &error));
  g_assert_null (bp_dashboard_get_model_view (p.dash));
  g_assert_false (bp_weight_heatmap_cell_rect (map, 0, 0, &cell));
  ui_test_spin (0.3);
  g_object_unref (shoot (GTK_WIDGET (p.window), "weights-cleared.png"));
  bp_dashboard_training_step (t, 5);
  w.step = 5;
  g_assert_true (ui_test_wait (reached_step, &w, 20));
  bp_dashboard_refresh_model (p.dash);
  g_assert_true (ui_test_wait (has_model, p.dash, 20));
  g_assert_cmpint (bp_dashboard_get_model_view (p.dash)->dense[0].out, ==, 5);
  ui_test_page_close (&p);
}

static gboolean
evaluated (gpointer data)
{
  BpModelView *m = bp_dashboard_get_model_view (data);

  return m != NULL && m->evaluated;
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_get_sensitive (widget);
}

/* Evaluate waits, with a spinner, until its result shows. */
static void
test_evaluate_busy (void)
{
  Page p;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  GtkWidget *button, *spinner;
  StepWait w;

  g_assert_no_error (error);
  ui_test_page_open (&p, 1400, 900);
  bp_dashboard_set_source (p.dash, src);
  g_assert_true (bp_dashboard_new_run (p.dash, FALSE, &error));
  bp_dashboard_training_step (bp_dashboard_get_training (p.dash), 20);
  w.dash = p.dash;
  w.step = 20;
  g_assert_true (ui_test_wait (reached_step, &w, 20));
  button = bp_dashboard_get_part (p.dash, "evaluate-button");
  spinner = bp_dashboard_get_part (p.dash, "eval-spinner");
  /* Let the evaluation that a pause brings be done first. */
  g_assert_true (ui_test_wait (evaluated, p.dash, 20));
  g_assert_true (ui_test_wait (is_sensitive, button, 20));
  bp_dashboard_show_part (p.dash, "evaluation");
  ui_test_spin (0.3);
  g_assert_nonnull (spinner);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_false (gtk_widget_get_visible (spinner));

  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (gtk_widget_get_visible (spinner));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Evaluating…");
  g_object_unref (shoot (GTK_WIDGET (p.window), "evaluating.png"));
  /* Done: the button comes back (waiting for "evaluated" alone could see the copy from
   * before the click, still on hand while the new one is made on a loaded machine). */
  g_assert_true (ui_test_wait (is_sensitive, button, 20));
  g_assert_true (evaluated (p.dash));
  g_assert_false (gtk_widget_get_visible (spinner));
  ui_test_page_close (&p);
}

static gboolean
builder_row (gpointer data)
{
  Page *p = data;
  GListModel *runs = bp_dashboard_training_get_runs (bp_dashboard_get_training (p->dash));
  BpBuilder *builder = BP_BUILDER (gtk_widget_get_template_child (GTK_WIDGET (p->window),
                                                                  BP_TYPE_WINDOW, "builder"));

  bp_dashboard_refresh (p->dash);
  return bp_builder_get_session (builder) != NULL && g_list_model_get_n_items (runs) > 0;
}

static gboolean
builder_session (gpointer data)
{
  bp_session *s = bp_builder_get_session (data);

  /* Past the first entries of the histogram history (every 100 steps). */
  return s != NULL && bp_session_get_step (s) >= 250;
}

/* The runs table's row for a Builder run says its data, batch size and size. */
static void
test_builder_run_row (void)
{
  Page p;
  g_autoptr (GError) error = NULL;
  BpBuilder *builder;
  g_autoptr (BpRun) run = NULL;
  const BpRunInfo *info;
  bp_session *session;

  ui_test_page_open (&p, 1400, 900);
  builder = BP_BUILDER (gtk_widget_get_template_child (GTK_WIDGET (p.window), BP_TYPE_WINDOW,
                                                       "builder"));
  /* Trained a little on its own page, as people do, then looked at here. */
  g_assert_true (bp_window_set_page (p.window, "builder", NULL));
  ui_test_spin (0.3);
  g_assert_true (bp_builder_train (builder, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (builder_session, builder, 30));
  bp_builder_pause (builder);
  g_assert_true (bp_window_set_page (p.window, "dashboard", NULL));
  g_assert_true (ui_test_wait (builder_row, &p, 30));
  session = bp_builder_get_session (builder);
  run = g_list_model_get_item (bp_dashboard_training_get_runs (bp_dashboard_get_training (p.dash)),
                               0);
  info = bp_run_get_info (run);
  g_test_message ("%s: data %s, batch %d, params %" G_GINT64_FORMAT, bp_run_get_name (run),
                  info->dataset, info->batch_size, info->params);
  g_assert_nonnull (strstr (bp_run_get_name (run), "builder"));
  g_assert_cmpstr (info->dataset, ==, bp_session_dataset_name (session));
  g_assert_cmpstr (info->dataset, !=, "builder");
  g_assert_cmpstr (info->dataset, !=, "");
  g_assert_cmpint (info->batch_size, ==,
                   (int) bp_session_get_hparam (session, BP_HPARAM_BATCH_SIZE));
  g_assert_cmpint (info->batch_size, >, 0);
  g_assert_cmpint (info->params, >, 0);

  /* Its histograms show here too (the builder's session records them). */
  bp_dashboard_refresh (p.dash);
  g_assert_cmpuint (bp_histogram_view_get_n_entries (BP_HISTOGRAM_VIEW (
                      bp_dashboard_get_part (p.dash, "histograms"))), >, 0);
  ui_test_spin (0.3);
  g_object_unref (shoot (GTK_WIDGET (p.window), "builder-histograms.png"));
  bp_dashboard_show_part (p.dash, "runs");
  ui_test_spin (0.3);
  g_object_unref (shoot (GTK_WIDGET (p.window), "builder-row.png"));
  ui_test_page_close (&p);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/dashboard-ux/chart/bounds", test_chart_bounds);
  g_test_add_func ("/dashboard-ux/chart/empty", test_chart_empty);
  g_test_add_func ("/dashboard-ux/chart/legend", test_chart_legend);
  g_test_add_func ("/dashboard-ux/chart/single-point", test_chart_single_point);
  g_test_add_func ("/dashboard-ux/page/space-on-open", test_space_on_open);
  g_test_add_func ("/dashboard-ux/page/new-run-trains-fields", test_new_run_trains_fields);
  g_test_add_func ("/dashboard-ux/page/new-run-refuses-bad-field",
                   test_new_run_refuses_bad_field);
  g_test_add_func ("/dashboard-ux/page/weights-cleared", test_weights_cleared_on_new_run);
  g_test_add_func ("/dashboard-ux/page/evaluate-busy", test_evaluate_busy);
  g_test_add_func ("/dashboard-ux/page/builder-run-row", test_builder_run_row);
  return g_test_run ();
}
