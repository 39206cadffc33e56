/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpChart and its numbers: TensorBoard's smoothing on series worked by hand, decimation that
 * keeps every column's min and max, ticks, and the widget drawing known data at the pixels the
 * axes put them (read back from a rendered texture), plus the PNG/SVG/CSV exports. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <time.h>

#include "bp-chart-math.h"
#include "bp-chart.h"
#include "bp-builder-private.h" /* the Builder's training chart and its series */
#include "bp-builder.h"
#include "bp-chart-private.h" /* the curves' tiles, for /chart/widget/strip-tiles */
#include "bp-frame-stats.h"
#include "bp-loss-chart.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "ui-test-util.h"

static int
cmp_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* ---- smoothing ---- */

static void
test_smoothing_by_hand (void)
{
  /* weight 0.5 on 1, 2, 3:
   *   last = 0.5            debias = 1 - 0.5   = 0.5   -> 1
   *   last = 0.25 + 1 = 1.25  debias = 1 - 0.25 = 0.75 -> 5/3
   *   last = 0.625 + 1.5 = 2.125 debias = 0.875       -> 17/7 */
  const float y[] = { 1, 2, 3 };
  float out[3];
  bp_smooth_state st = { 0 };

  bp_smooth_debiased (&st, 0.5, y, 3, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 5.0 / 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 17.0 / 7, 1e-6);

  /* weight 0.6 on 10, NaN, 0, 5: the NaN passes through and does not count.
   *   last = 4             debias = 0.4   -> 10
   *   NaN
   *   last = 2.4           debias = 0.64  -> 3.75
   *   last = 1.44 + 2 = 3.44 debias = 0.784 -> 4.387755102 */
  {
    const float z[] = { 10, NAN, 0, 5 };
    float o[4];
    bp_smooth_state s2 = { 0 };

    /* In two pieces, as a live series grows: the state carries the average over. */
    bp_smooth_debiased (&s2, 0.6, z, 2, o);
    bp_smooth_debiased (&s2, 0.6, z + 2, 2, o + 2);
    g_assert_cmpfloat_with_epsilon (o[0], 10.0, 1e-5);
    g_assert_true (isnan (o[1]));
    g_assert_cmpfloat_with_epsilon (o[2], 3.75, 1e-5);
    g_assert_cmpfloat_with_epsilon (o[3], 3.44 / 0.784, 1e-5);
  }

  /* A constant stays constant (TensorBoard's special case agrees with the formula). */
  {
    float c[50], oc[50];
    bp_smooth_state s3 = { 0 };

    for (int i = 0; i < 50; i++)
      c[i] = 0.25f;
    bp_smooth_debiased (&s3, 0.99, c, 50, oc);
    for (int i = 0; i < 50; i++)
      g_assert_cmpfloat_with_epsilon (oc[i], 0.25, 1e-6);
  }

  /* Weight 0 leaves the values alone. */
  {
    float o0[3];
    bp_smooth_state s4 = { 0 };

    bp_smooth_debiased (&s4, 0, y, 3, o0);
    g_assert_cmpmem (o0, sizeof o0, y, sizeof y);
  }
}

static void
test_smoothing_in_chart (void)
{
  GtkWidget *chart = bp_chart_new ();
  const double x[] = { 1, 2, 3 };
  const float y[] = { 1, 2, 3 };
  const float *s;
  gsize n;
  guint id;

  g_object_ref_sink (chart);
  id = bp_chart_add_series (BP_CHART (chart), "loss", NULL, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (chart), id, x, y, 1);
  g_assert_null (bp_chart_series_get_smoothed (BP_CHART (chart), id, &n));
  bp_chart_set_smoothing (BP_CHART (chart), 0.5);
  bp_chart_series_append (BP_CHART (chart), id, x + 1, y + 1, 2);
  s = bp_chart_series_get_smoothed (BP_CHART (chart), id, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat_with_epsilon (s[1], 5.0 / 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (s[2], 17.0 / 7, 1e-6);
  /* The "smoothing" property is what a slider binds to. */
  g_object_set (chart, "smoothing", 0.0, NULL);
  g_assert_null (bp_chart_series_get_smoothed (BP_CHART (chart), id, &n));
  g_assert_finalize_object (chart);
}

/* ---- decimation ---- */

static guint64
rng_next (guint64 *s)
{
  /* SplitMix64 */
  guint64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double
rng_uniform (guint64 *s)
{
  return (double) (rng_next (s) >> 11) / 9007199254740992.0;
}

static void
test_decimation_keeps_extremes (void)
{
  const gsize n = 200003; /* not a multiple of any block size */
  g_autofree double *x = g_new (double, n);
  g_autofree float *y = g_new (float, n);
  bp_pyramid pyr = { 0 };
  guint64 seed = 7;
  const int widths[] = { 1, 3, 640, 1921 };
  gsize global_min = 0, global_max = 0;

  /* Noisy decay with spikes, some NaN, and x with repeats and gaps. */
  x[0] = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        x[i] = x[i - 1] + (rng_next (&seed) % 4 == 0 ? 0 : rng_uniform (&seed) * 2);
      y[i] = (float) (exp (-1e-5 * i) + 0.1 * rng_uniform (&seed));
      if (rng_next (&seed) % 5000 == 0)
        y[i] = (float) (rng_uniform (&seed) * 40 - 20);
      if (rng_next (&seed) % 7000 == 0)
        y[i] = NAN;
      if (isfinite (y[i]) && (!isfinite (y[global_min]) || y[i] < y[global_min]))
        global_min = i;
      if (isfinite (y[i]) && (!isfinite (y[global_max]) || y[i] > y[global_max]))
        global_max = i;
    }
  /* Grown in uneven pieces, as a live series is. */
  for (gsize done = 0; done < n;)
    {
      gsize piece = 1 + rng_next (&seed) % 30000; /* not inside MIN: it evaluates twice */

      done = MIN (n, done + piece);
      g_assert_cmpint (bp_pyramid_update (&pyr, y, done), ==, 0);
    }

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (int view = 0; view < 3; view++)
      {
        int cols = widths[w];
        double x0 = view == 0 ? x[0] : x[n / 3] + 0.37 * view;
        double x1 = view == 2 ? x[n / 2] : x[n - 1];
        g_autofree bp_column *col = g_new (bp_column, cols);
        gsize inside = bp_decimate (x, y, n, &pyr, x0, x1, cols, col), counted = 0;
        gboolean saw_min = FALSE, saw_max = FALSE;

        g_autofree float *bmn = g_new (float, cols);
        g_autofree float *bmx = g_new (float, cols);
        g_autofree guint32 *bcnt = g_new0 (guint32, cols);
        g_autofree gsize *bfirst = g_new (gsize, cols);
        g_autofree gsize *blast = g_new (gsize, cols);

        /* Brute force: put every point in its column by the column edges
         * x0 + (x1 - x0) * c / cols (the last column closed). */
        for (int c = 0; c < cols; c++)
          {
            bmn[c] = INFINITY;
            bmx[c] = -INFINITY;
          }
        for (gsize i = 0; i < n; i++)
          {
            int c;

            if (x[i] < x0 || x[i] > x1)
              continue;
            c = (int) floor ((x[i] - x0) / (x1 - x0) * cols);
            /* The formula's rounding may differ by one from the edges: settle it on them. */
            while (c > 0 && x[i] < x0 + (x1 - x0) * c / cols)
              c--;
            while (c < cols - 1 && x[i] >= x0 + (x1 - x0) * (c + 1) / cols)
              c++;
            c = MIN (c, cols - 1);
            if (bcnt[c]++ == 0)
              bfirst[c] = i;
            blast[c] = i;
            if (isfinite (y[i]))
              {
                bmn[c] = MIN (bmn[c], y[i]);
                bmx[c] = MAX (bmx[c], y[i]);
              }
          }
        for (int c = 0; c < cols; c++)
          {
            g_assert_cmpuint (col[c].n, ==, bcnt[c]);
            counted += bcnt[c];
            if (bcnt[c] == 0)
              continue;
            g_assert_cmpuint (col[c].i_first, ==, bfirst[c]);
            g_assert_true (col[c].min == bmn[c]);
            g_assert_true (col[c].max == bmx[c]);
            g_assert_true (col[c].first == y[bfirst[c]]
                           || (isnan (col[c].first) && isnan (y[bfirst[c]])));
            g_assert_true (col[c].last == y[blast[c]]
                           || (isnan (col[c].last) && isnan (y[blast[c]])));
            saw_min |= col[c].min == y[global_min];
            saw_max |= col[c].max == y[global_max];
          }
        g_assert_cmpuint (inside, ==, counted);
        if (view == 0)
          {
            /* The whole series: its lowest and highest points are in the picture. */
            g_assert_true (saw_min);
            g_assert_true (saw_max);
          }
      }

  /* Random ranges straight through the pyramid. */
  for (int t = 0; t < 300; t++)
    {
      gsize a = rng_next (&seed) % n, b = a + rng_next (&seed) % (n - a + 1);
      float mn, mx, bmn = INFINITY, bmx = -INFINITY;

      bp_pyramid_minmax (&pyr, y, n, a, b, &mn, &mx);
      for (gsize i = a; i < b; i++)
        if (isfinite (y[i]))
          {
            bmn = MIN (bmn, y[i]);
            bmx = MAX (bmx, y[i]);
          }
      g_assert_true (mn == bmn);
      g_assert_true (mx == bmx);
    }
  bp_pyramid_clear (&pyr);
}

static gint64
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
test_decimation_speed (void)
{
  const gsize n = 10 * 1000 * 1000;
  g_autofree double *x = g_new (double, n);
  g_autofree float *y = g_new (float, n);
  bp_pyramid pyr = { 0 };
  bp_column col[1920];
  gint64 t0, t1, t2;

  for (gsize i = 0; i < n; i++)
    {
      x[i] = (double) i + 1;
      y[i] = (float) (1.0 / sqrt (1.0 + i) + 0.01 * (i % 17));
    }
  bp_pyramid_update (&pyr, y, n);
  /* CPU time of this thread, so a busy machine does not decide the result. */
  t0 = cpu_us ();
  for (int r = 0; r < 10; r++)
    bp_decimate (x, y, n, &pyr, 1, (double) n, 1920, col);
  t1 = cpu_us ();
  for (int r = 0; r < 10; r++)
    bp_decimate (x, y, n, NULL, 1, (double) n, 1920, col);
  t2 = cpu_us ();
  g_test_message ("decimating 10^7 points to 1920 columns: %.3f ms with the pyramid, %.3f ms "
                  "scanning", (t1 - t0) / 10 / 1000.0, (t2 - t1) / 10 / 1000.0);
  /* A plain scan reads 10^7 values; the pyramid a few hundred thousand. */
  g_assert_cmpfloat ((t1 - t0) / 10 / 1000.0, <, 8.0);
  g_assert_cmpfloat ((t1 - t0) * 5, <, t2 - t1);
  g_assert_true (col[0].max == y[0]);
  bp_pyramid_clear (&pyr);
}

/* ---- ticks ---- */

static void
test_ticks (void)
{
  double t[32], step;
  char buf[32];
  int n;

  n = bp_linear_ticks (0, 1, 5, t, 32, &step);
  g_assert_cmpfloat (step, ==, 0.2);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpfloat (t[0], ==, 0);
  g_assert_cmpfloat_with_epsilon (t[5], 1.0, 1e-12);
  n = bp_linear_ticks (-0.3, 0.35, 7, t, 32, &step); /* 0.65 / 7 = 0.093 -> 0.1 */
  g_assert_cmpfloat (step, ==, 0.1);
  g_assert_cmpint (n, ==, 7); /* -0.3 … 0.3 */
  g_assert_cmpfloat (t[3], ==, 0.0);
  n = bp_log_ticks (0.001, 10, t, 32);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (t[0], 0.001, 1e-15);
  n = bp_log_ticks (0.3, 4, t, 32); /* one power: add 2x and 5x: 0.5, 1, 2 */
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpfloat_with_epsilon (t[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[1], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[2], 2, 1e-12);

  bp_format_tick (25000, 5000, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "25k");
  bp_format_tick (1500000, 500000, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1.5M");
  bp_format_tick (0.25, 0.05, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.25");
  bp_format_tick (3e-17, 0.1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0");
  bp_format_tick (120, 20, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "120");
}

/* ---- histogram bins ---- */

/* Bins for constructed features, with edges worked by hand. */
static void
test_hist_bins (void)
{
  double v[1000], lo, hi;
  int bins;

  /* Iris-like lengths in tenths, 4.3 … 7.9 (stored as float), 37 grid points: each 4 times,
   * 4.3 and 5.0 5 times. Quartiles (sorted [37] and [112]) 5.1 and 7.0: Freedman–Diaconis
   * width 2 * 1.9 / cbrt(150) = 0.7152 over 3.7 (37 tenths) asks for ceil(5.17) = 6 bins;
   * 37 points in 6 bins is 7 a bin (whole tenths, never 6 and 7 mixed), 6 bins from 4.25 to
   * 4.25 + 6 * 0.7 = 8.45. */
  for (int i = 0; i < 150; i++)
    v[i] = (double) (float) ((43 + (i * 7) % 37) / 10.0);
  bins = bp_hist_bins (v, 150, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 6);
  g_assert_cmpfloat_with_epsilon (lo, 4.25, 1e-5);
  g_assert_cmpfloat_with_epsilon (hi, 8.45, 1e-5);

  /* Whole numbers 0 … 9, 100 of each: IQR 5, width 10 / cbrt(1000) = 1, ten bins of one
   * value each, edges -0.5 … 9.5. */
  for (int i = 0; i < 1000; i++)
    v[i] = i % 10;
  bins = bp_hist_bins (v, 1000, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 10);
  g_assert_cmpfloat (lo, ==, -0.5);
  g_assert_cmpfloat (hi, ==, 9.5);

  /* 0 … 9 nine times each but 4 (never there): still the grid of step 1; 90 values ask for
   * ceil(10 / (2 * 5 / cbrt(90))) = 5 bins, two values each, -0.5 … 9.5. */
  for (int i = 0; i < 90; i++)
    v[i] = i % 10 == 4 ? 3 : i % 10;
  bins = bp_hist_bins (v, 90, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 5);
  g_assert_cmpfloat (lo, ==, -0.5);
  g_assert_cmpfloat (hi, ==, 9.5);

  /* Pixels k / 255 (float) for k = i mod 256, 1000 of them: IQR 128 / 255, width
   * 256 / 255 / cbrt(1000) asks for ceil(10.24) = 11 bins over 256 levels: 24 levels a bin
   * (no sawtooth of 23 and 24), 11 bins from -0.5 / 255 to 263.5 / 255. */
  for (int i = 0; i < 1000; i++)
    v[i] = (double) ((float) (i % 256) / 255.0f);
  bins = bp_hist_bins (v, 1000, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 11);
  g_assert_cmpfloat_with_epsilon (lo, -0.5 / 255, 1e-6);
  g_assert_cmpfloat_with_epsilon (hi, 263.5 / 255, 1e-5);

  /* Continuous: 600 values spread as sin, no grid. Freedman–Diaconis: the sorted quartiles
   * by hand give the width 2 IQR / cbrt(600); bins = ceil(range / width), within 5 … 50. */
  for (int i = 0; i < 600; i++)
    v[i] = sin (i * 1.2345) * 3 + 0.001 * i;
  {
    double s[600], iqr, want;

    memcpy (s, v, sizeof s);
    qsort (s, 600, sizeof s[0], cmp_doubles);
    iqr = s[450] - s[150];
    want = ceil ((s[599] - s[0]) / (2 * iqr / cbrt (600.0)));
    bins = bp_hist_bins (v, 600, 5, 50, &lo, &hi);
    g_test_message ("Freedman–Diaconis: %d bins", bins);
    g_assert_cmpint (bins, ==, (int) CLAMP (want, 5, 50));
    g_assert_cmpfloat (lo, ==, s[0]);
    g_assert_cmpfloat (hi, ==, s[599]);
  }

  /* Four fifths of the values one value (IQR 0), the rest spread: Sturges, ceil(log2 200) + 1 = 9. */
  for (int i = 0; i < 200; i++)
    v[i] = i < 160 ? 1.0 : 1.0 + sqrt (i) * 0.0137;
  bins = bp_hist_bins (v, 200, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 9);

  /* One value: one bin a unit wide about it. */
  v[0] = v[1] = 2.5;
  bins = bp_hist_bins (v, 2, 5, 50, &lo, &hi);
  g_assert_cmpint (bins, ==, 1);
  g_assert_cmpfloat (lo, ==, 2.0);
  g_assert_cmpfloat (hi, ==, 3.0);
}

/* ---- the widget ---- */

static const GdkRGBA red = { 1, 0, 0, 1 };
static const GdkRGBA blue = { 0, 0, 1, 1 };
static const GdkRGBA green = { 0, 0.6f, 0, 1 };

/* Unpremultiplied RGBA (0-255) of pixel (x, y): the chart alone has no background, so its
 * pixels carry coverage in their alpha. */
static void
read_rgba (GdkTexture *texture, int x, int y, int rgba[4])
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) w * h * 4);
  guint32 px;
  int a;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, w);
  g_assert_cmpint (y, <, h);
  gdk_texture_download (texture, data, (gsize) w * 4);
  px = *(guint32 *) (gpointer) (data + (gsize) y * w * 4 + (gsize) x * 4);
  a = (px >> 24) & 0xff;
  rgba[3] = a;
  for (int k = 0; k < 3; k++)
    {
      int v = (px >> (16 - 8 * k)) & 0xff;

      rgba[k] = a > 0 ? MIN (255, v * 255 / a) : 0;
    }
}

/* Some pixel within one of (x, y) is mostly covered and has colour c: lines are antialiased,
 * so the one pixel under the exact position may be only partly covered. */
static void
assert_color (GdkTexture *shot, double x, double y, const GdkRGBA *c)
{
  int best = G_MAXINT, rgba[4];

  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        int d;

        read_rgba (shot, (int) floor (x) + dx, (int) floor (y) + dy, rgba);
        if (rgba[3] < 128)
          continue;
        d = MAX (MAX (abs (rgba[0] - (int) (c->red * 255)), abs (rgba[1] - (int) (c->green * 255))),
                 abs (rgba[2] - (int) (c->blue * 255)));
        best = MIN (best, d);
      }
  g_test_message ("near (%.1f, %.1f): colour distance %d", x, y, best);
  g_assert_cmpint (best, <, 60);
}

/* Nothing is drawn at (x, y). */
static void
assert_empty (GdkTexture *shot, double x, double y)
{
  int rgba[4];

  read_rgba (shot, (int) floor (x), (int) floor (y), rgba);
  g_assert_cmpint (rgba[3], <, 40); /* at most a faint grid line */
}

static void
test_chart_pixels (void)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  g_autoptr (GdkTexture) shot = NULL;
  graphene_rect_t r;
  double line_x[] = { 0, 10 }, pts_x[] = { 5, 8 }, bar_x[] = { 2 };
  float line_y[] = { 0, 10 }, pts_y[] = { 2, 7 }, bar_y[] = { 6 };
  double x0, x1, y0, y1, wx, wy;
  guint line, pts, bars;

  g_object_ref_sink (chart);
  line = bp_chart_add_series (BP_CHART (chart), "line", &red, BP_CHART_LINE);
  pts = bp_chart_add_series (BP_CHART (chart), "points", &blue, BP_CHART_POINTS);
  bars = bp_chart_add_series (BP_CHART (chart), "bars", &green, BP_CHART_BARS);
  bp_chart_series_append (BP_CHART (chart), line, line_x, line_y, 2);
  bp_chart_series_append (BP_CHART (chart), pts, pts_x, pts_y, 2);
  bp_chart_series_append (BP_CHART (chart), bars, bar_x, bar_y, 1);
  bp_chart_series_set_bar_width (BP_CHART (chart), bars, 1.0);
  bp_chart_set_view (BP_CHART (chart), 0, 10, 0, 10);
  window = ui_test_show_in_window (chart, 500, 320);

  g_assert_true (bp_chart_get_plot_area (BP_CHART (chart), &r));
  g_assert_cmpfloat (r.size.width, >, 300);
  g_assert_cmpfloat (r.size.height, >, 180);
  shot = bp_screenshot_widget (chart, NULL);
  g_assert_nonnull (shot);
  ui_test_keep_shot (shot, "chart-pixels.png");

  /* The line y = x at x = 1, 3, 7, 9: pixel (r.x + x/10 w, r.y + h - y/10 h). */
  for (int k = 1; k < 10; k += 2)
    {
      double px = r.origin.x + k / 10.0 * r.size.width;
      double py = r.origin.y + r.size.height - k / 10.0 * r.size.height;

      if (k == 5)
        continue; /* the point (5, 2) is elsewhere; keep the line check simple */
      assert_color (shot, px, py, &red);
      g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), k, k, &wx, &wy));
      g_assert_cmpfloat (fabs (wx - px), <, 0.01);
      g_assert_cmpfloat (fabs (wy - py), <, 0.01);
    }
  /* Away from the line, nothing. */
  assert_empty (shot, r.origin.x + 0.33 * r.size.width, r.origin.y + 0.23 * r.size.height);
  /* The points (5, 2) and (8, 7) in blue. */
  assert_color (shot, r.origin.x + 0.5 * r.size.width, r.origin.y + r.size.height * 0.8, &blue);
  assert_color (shot, r.origin.x + 0.8 * r.size.width, r.origin.y + r.size.height * 0.3, &blue);
  /* The bar at x = 2 (1 wide) up to 6: green at (2, 3) and (1.7, 5.5), not at (2, 6.5). */
  assert_color (shot, r.origin.x + 0.2 * r.size.width, r.origin.y + r.size.height * 0.7, &green);
  assert_color (shot, r.origin.x + 0.17 * r.size.width, r.origin.y + r.size.height * 0.45,
                &green);
  assert_empty (shot, r.origin.x + 0.2 * r.size.width, r.origin.y + r.size.height * 0.33);

  /* Reset: the view follows the data (x 0 … 10 plus half a bar, y from 0 for the bars). */
  bp_chart_reset_view (BP_CHART (chart));
  bp_chart_get_view (BP_CHART (chart), &x0, &x1, &y0, &y1);
  g_assert_cmpfloat_with_epsilon (x0, -0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (x1, 10.5, 1e-9);
  g_assert_cmpfloat (y0, ==, 0);
  g_assert_cmpfloat_with_epsilon (y1, 10.5, 1e-9);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

static void
test_chart_log_axes (void)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  g_autoptr (GdkTexture) shot = NULL;
  graphene_rect_t r;
  double x[] = { 1, 2, 3 };
  float y[] = { 1, 10, 100 };
  guint id;

  g_object_ref_sink (chart);
  id = bp_chart_add_series (BP_CHART (chart), "loss", &red, BP_CHART_POINTS);
  bp_chart_series_append (BP_CHART (chart), id, x, y, 3);
  g_object_set (chart, "log-y", TRUE, NULL);
  bp_chart_set_view (BP_CHART (chart), 0, 4, 0.1, 1000);
  window = ui_test_show_in_window (chart, 400, 300);
  g_assert_true (bp_chart_get_plot_area (BP_CHART (chart), &r));
  shot = bp_screenshot_widget (chart, NULL);
  ui_test_keep_shot (shot, "chart-log.png");
  /* Four decades: 1 sits a quarter up, 10 halfway, 100 three quarters up. */
  for (int k = 0; k < 3; k++)
    assert_color (shot, r.origin.x + (k + 1) / 4.0 * r.size.width,
                  r.origin.y + r.size.height * (1 - (k + 1) / 4.0), &red);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

static void
test_chart_big_series_frame (void)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  const gsize n = 10 * 1000 * 1000;
  g_autofree double *x = g_new (double, n);
  g_autofree float *y = g_new (float, n);
  g_autoptr (GdkTexture) shot = NULL;
  gint64 t0, t1;
  guint id;

  g_object_ref_sink (chart);
  for (gsize i = 0; i < n; i++)
    {
      x[i] = (double) i;
      y[i] = (float) (2.0 / (1 + 1e-6 * i) + 0.05 * sin (i * 0.1));
    }
  id = bp_chart_add_series (BP_CHART (chart), "loss", &red, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (chart), id, x, y, n);
  window = ui_test_show_in_window (chart, 1280, 400);
  /* One whole frame from nothing cached: layout, decimation, paths, render nodes, and the
   * renderer turning them into pixels. */
  bp_chart_reset_view (BP_CHART (chart));
  t0 = cpu_us ();
  {
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    g_autoptr (GskRenderNode) node = NULL;
    GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (chart));

    gint64 tm;

    GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
    node = gtk_snapshot_free_to_node (snapshot);
    g_assert_nonnull (node);
    tm = cpu_us ();
    g_test_message ("snapshot %.1f ms of CPU", (tm - t0) / 1000.0);
    shot = gsk_renderer_render_texture (renderer, node,
                                        &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (chart),
                                                             gtk_widget_get_height (chart)));
  }
  t1 = cpu_us ();
  g_test_message ("a 1280x400 frame of 10^7 points: %.1f ms of CPU", (t1 - t0) / 1000.0);
  g_assert_nonnull (shot);
  ui_test_keep_shot (shot, "chart-10M.png");
  /* About 9 ms on an idle machine (2 cores, 2023); a shared one can triple that. Stroking
   * every point instead takes seconds, which is what this guards against. */
  g_assert_cmpfloat ((t1 - t0) / 1000.0, <, 100.0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* Pixels of two textures of the same size that differ by more than tol in a channel. */
/* A training-loss curve of 20 000 steps on a log x axis: the first decade has ten points over
 * a fifth of the plot's width while later decades crowd hundreds into a pixel column. The
 * line stays one line across the first decade: every pixel column from step 1 to step 10
 * has some of its colour, not ten vertical ticks with nothing between them. */
static void
test_chart_log_x_dense (void)
{
  enum { N = 20000 };
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  g_autoptr (GdkTexture) shot = NULL;
  g_autofree double *x = g_new (double, N);
  g_autofree float *y = g_new (float, N);
  graphene_rect_t r;
  double x1, x10, wy;
  int h, lit = 0, cols = 0;
  guint id;

  for (int i = 0; i < N; i++)
    {
      x[i] = i + 1;
      y[i] = (float) (2.0 / (1 + 0.01 * i));
    }
  g_object_ref_sink (chart);
  id = bp_chart_add_series (BP_CHART (chart), "loss", &red, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (chart), id, x, y, N);
  g_object_set (chart, "log-x", TRUE, NULL);
  bp_chart_set_view (BP_CHART (chart), 1, N, 0, 2.2);
  window = ui_test_show_in_window (chart, 500, 320);
  g_assert_true (bp_chart_get_plot_area (BP_CHART (chart), &r));
  shot = ui_test_shot (chart);
  ui_test_keep_shot (shot, "chart-log-x-dense.png");
  h = gdk_texture_get_height (shot);
  g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), 1, y[0], &x1, &wy));
  g_assert_true (bp_chart_data_to_widget (BP_CHART (chart), 10, y[9], &x10, &wy));
  /* A decade of 4.3 is near a quarter of the width: well over ten columns. */
  g_assert_cmpfloat (x10 - x1, >, 60);
  for (int px = (int) ceil (x1) + 1; px < (int) floor (x10) - 1; px++)
    {
      gboolean red_here = FALSE;

      for (int py = (int) r.origin.y; py < MIN (h, (int) (r.origin.y + r.size.height)); py++)
        {
          int rgba[4];

          read_rgba (shot, px, py, rgba);
          if (rgba[3] >= 100 && rgba[0] > 200 && rgba[1] < 80 && rgba[2] < 80)
            red_here = TRUE;
        }
      cols++;
      lit += red_here;
      if (!red_here)
        g_test_message ("column %d has no line", px);
    }
  g_assert_cmpint (lit, ==, cols);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* A histogram's count axis: with counts up to 2 the layout's nice step is 0.5; whole-number
 * ticks show 0, 1, 2 only, labelled so; without, 0.5 and 1.5 are there. */
static void
test_chart_whole_ticks (void)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  double x[] = { 1, 2, 3 };
  float y[] = { 1, 2, 1 };
  guint id;

  g_object_ref_sink (chart);
  id = bp_chart_add_series (BP_CHART (chart), "counts", &green, BP_CHART_BARS);
  bp_chart_series_append (BP_CHART (chart), id, x, y, 3);
  bp_chart_set_view (BP_CHART (chart), 0.5, 3.5, 0, 2);
  window = ui_test_show_in_window (chart, 400, 300);
  for (int whole = 0; whole < 2; whole++)
    {
      BpChart *c = BP_CHART (chart);
      int shown = 0, fractions = 0;
      g_autoptr (GdkTexture) shot = NULL;

      bp_chart_set_y_whole (c, whole);
      shot = ui_test_shot (chart); /* laid out and drawn */
      ui_test_keep_shot (shot, whole ? "chart-whole-ticks.png" : "chart-fraction-ticks.png");
      g_assert_cmpint (c->geo.n_yticks, >=, 3);
      for (int i = 0; i < c->geo.n_yticks; i++)
        {
          char label[24];

          if (!_bp_chart_y_tick_label (c, i, label, sizeof label))
            continue;
          g_test_message ("whole %d: tick %g labelled %s", whole, c->geo.yticks[i], label);
          shown++;
          if (strchr (label, '.') != NULL)
            fractions++;
          if (whole)
            g_assert_cmpfloat (c->geo.yticks[i], ==, round (c->geo.yticks[i]));
        }
      if (whole)
        {
          g_assert_cmpint (shown, ==, 3); /* 0, 1, 2 */
          g_assert_cmpint (fractions, ==, 0);
        }
      else
        g_assert_cmpint (fractions, >, 0); /* the layout's own step here is below 1 */
    }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

static guint
count_different (GdkTexture *a, GdkTexture *b, int tol)
{
  int w = gdk_texture_get_width (a), h = gdk_texture_get_height (a);
  g_autofree guchar *da = g_malloc ((gsize) w * h * 4);
  g_autofree guchar *db = g_malloc ((gsize) w * h * 4);
  guint n = 0;

  g_assert_cmpint (gdk_texture_get_width (b), ==, w);
  g_assert_cmpint (gdk_texture_get_height (b), ==, h);
  gdk_texture_download (a, da, (gsize) w * 4);
  gdk_texture_download (b, db, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    for (int k = 0; k < 4; k++)
      if (abs (da[4 * i + k] - db[4 * i + k]) > tol)
        {
          if (n++ < 5)
            g_test_message ("pixel (%d, %d) differs", (int) (i % w), (int) (i / w));
          break;
        }
  return n;
}

/* A noisy training curve: n points from step first on. */
static void
noisy_curve (gsize first, gsize n, double *x, float *y)
{
  for (gsize i = 0; i < n; i++)
    {
      gsize k = first + i;

      x[i] = (double) k;
      y[i] = (float) (2.0 / (1 + 0.01 * k) + 0.2 * sin (k * 1.7) * cos (k * 0.31));
    }
}

/* A growing curve is painted again only from its last point on: after many appends, each
 * drawn, the chart looks as one given all the points at once. With a fixed view (the strip
 * path), with the automatic view (which may move and repaint everything), few points per
 * pixel (a stroked line) and many (columns), smoothed and raw, and with a validation line
 * marked point by point (sparse) whose markers stay whole across the strips. */
static void
test_chart_appends_match (void)
{
  const struct {
    gboolean fixed, floor; /* floor: the automatic view with an x floor past the data */
    gsize n, step;
    double smoothing;
    gboolean sparse; /* the validation line solid and marked point by point */
  } cases[] = {
    { TRUE, FALSE, 300, 7, 0.6, FALSE },
    { TRUE, FALSE, 2400, 150, 0.6, FALSE },
    { FALSE, FALSE, 300, 11, 0.0, FALSE },
    { FALSE, FALSE, 2400, 97, 0.9, FALSE },
    { FALSE, TRUE, 2400, 61, 0.6, FALSE },
    { TRUE, FALSE, 300, 7, 0.6, TRUE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      GtkWidget *grown = bp_chart_new (), *whole = bp_chart_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *window;
      g_autofree double *x = g_new (double, cases[c].n);
      g_autofree float *y = g_new (float, cases[c].n);
      g_autoptr (GdkTexture) a = NULL;
      g_autoptr (GdkTexture) b = NULL;
      guint ga, gv, wa, wv;
      double vx = 5;
      float vy = 1.5f;
      guint diff;

      noisy_curve (0, cases[c].n, x, y);
      g_object_ref_sink (grown);
      g_object_ref_sink (whole);
      gtk_widget_set_size_request (grown, 420, 220);
      gtk_widget_set_size_request (whole, 420, 220);
      gtk_box_append (GTK_BOX (box), grown);
      gtk_box_append (GTK_BOX (box), whole);
      for (int k = 0; k < 2; k++)
        {
          BpChart *ch = BP_CHART (k == 0 ? grown : whole);

          bp_chart_set_smoothing (ch, cases[c].smoothing);
          if (cases[c].fixed)
            bp_chart_set_view (ch, 0, (double) cases[c].n, 0, 3);
          if (cases[c].floor)
            bp_chart_set_x_floor (ch, 0, 1.7 * (double) cases[c].n);
        }
      ga = bp_chart_add_series (BP_CHART (grown), "train", &red, BP_CHART_LINE);
      gv = bp_chart_add_series (BP_CHART (grown), "val", &blue, BP_CHART_LINE);
      bp_chart_series_set_dashed (BP_CHART (grown), gv, !cases[c].sparse);
      bp_chart_series_set_sparse (BP_CHART (grown), gv, cases[c].sparse);
      wa = bp_chart_add_series (BP_CHART (whole), "train", &red, BP_CHART_LINE);
      wv = bp_chart_add_series (BP_CHART (whole), "val", &blue, BP_CHART_LINE);
      bp_chart_series_set_dashed (BP_CHART (whole), wv, !cases[c].sparse);
      bp_chart_series_set_sparse (BP_CHART (whole), wv, cases[c].sparse);
      window = ui_test_show_in_window (box, 420, 440);

      for (gsize i = 0; i < cases[c].n; i += cases[c].step)
        {
          gsize m = MIN (cases[c].step, cases[c].n - i);
          bp_chart_series_append (BP_CHART (grown), ga, x + i, y + i, m);
          if (i % (4 * cases[c].step) == 0)
            {
              vx = (double) i + m;
              vy = 1.2f - 0.1f * (float) i / cases[c].n;
              bp_chart_series_append (BP_CHART (grown), gv, &vx, &vy, 1);
            }
          ui_test_spin (0.03); /* each state drawn by the window */
        }
      for (gsize i = 0; i < cases[c].n; i += 4 * cases[c].step)
        {
          vx = (double) i + MIN (cases[c].step, cases[c].n - i);
          vy = 1.2f - 0.1f * (float) i / cases[c].n;
          bp_chart_series_append (BP_CHART (whole), wv, &vx, &vy, 1);
        }
      bp_chart_series_append (BP_CHART (whole), wa, x, y, cases[c].n);
      ui_test_spin (0.1);
      a = bp_screenshot_widget (grown, NULL);
      b = bp_screenshot_widget (whole, NULL);
      g_assert_nonnull (a);
      g_assert_nonnull (b);
      diff = count_different (a, b, 24);
      g_test_message ("case %u: %u pixels differ", c, diff);
      if (diff > 0)
        {
          ui_test_keep_shot (a, "chart-grown.png");
          ui_test_keep_shot (b, "chart-whole.png");
        }
      g_assert_cmpuint (diff, ==, 0);
      gtk_window_destroy (GTK_WINDOW (window));
      g_assert_finalize_object (grown);
      g_assert_finalize_object (whole);
    }
}

/* The curves' node is a row of tiles, so that GTK redraws only what changed: with the x
 * floor of a planned run, appending points replaces the tiles the new points touch and keeps
 * those left of them and those right of the data (the same nodes, which GTK's diff skips). */
static void
test_chart_strip_tiles (void)
{
  GtkWidget *chart = bp_chart_new ();
  BpChart *ch = BP_CHART (chart);
  GtkWidget *window;
  g_autofree double *x = g_new (double, 3000);
  g_autofree float *y = g_new (float, 3000);
  GskRenderNode *before[64];
  guint id, n, kept_left = 0, kept_right = 0, replaced = 0;
  graphene_rect_t plot;
  double from_px, to_px;

  noisy_curve (0, 3000, x, y);
  g_object_ref_sink (chart);
  bp_chart_set_x_floor (ch, 0, 3000);
  bp_chart_set_smoothing (ch, 0.6);
  id = bp_chart_add_series (ch, "train", &red, BP_CHART_LINE);
  window = ui_test_show_in_window (chart, 900, 300);
  bp_chart_series_append (ch, id, x, y, 1500);
  ui_test_spin (0.1);
  g_assert_nonnull (ch->curve_tiles);
  n = ch->curve_tiles->len;
  g_assert_cmpuint (n, >=, 8);
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (before));
  for (guint k = 0; k < n; k++)
    before[k] = gsk_render_node_ref (g_ptr_array_index (ch->curve_tiles, k));
  g_assert_true (bp_chart_get_plot_area (ch, &plot));

  bp_chart_series_append (ch, id, x + 1500, y + 1500, 100);
  ui_test_spin (0.1);
  g_assert_cmpuint (ch->curve_tiles->len, ==, n);
  /* Pixels from the plot's left: where the old data ended and the new end. */
  from_px = 1499.0 / 3000 * plot.size.width;
  to_px = 1599.0 / 3000 * plot.size.width;
  for (guint k = 0; k < n; k++)
    {
      double left = (double) k * BP_CHART_TILE_PX, right = left + BP_CHART_TILE_PX;
      gboolean same = g_ptr_array_index (ch->curve_tiles, k) == before[k];

      if (right < from_px - 3)
        {
          g_assert_true (same);
          kept_left++;
        }
      else if (left > to_px + 5)
        {
          g_assert_true (same);
          kept_right++;
        }
      else if (left <= to_px && right >= from_px)
        {
          g_assert_false (same);
          replaced++;
        }
      gsk_render_node_unref (before[k]);
    }
  g_test_message ("%u tiles: %u kept left, %u replaced, %u kept right", n, kept_left, replaced,
                  kept_right);
  g_assert_cmpuint (kept_left, >=, 3);
  g_assert_cmpuint (kept_right, >=, 3);
  g_assert_cmpuint (replaced, >=, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* The playground's loss chart paints only the columns a growing run changed: grown epoch by
 * epoch and drawn all along (its axes move, its buckets fold in pairs past 1024), it looks
 * as one given every epoch at once. */
static void
test_loss_chart_appends_match (void)
{
  GtkWidget *grown = bp_loss_chart_new (), *whole = bp_loss_chart_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *window;
  g_autoptr (GdkTexture) a = NULL;
  g_autoptr (GdkTexture) b = NULL;
  const int n = 2600, step = 23;
  guint diff;

  g_object_ref_sink (grown);
  g_object_ref_sink (whole);
  gtk_widget_set_size_request (grown, 360, 180);
  gtk_widget_set_size_request (whole, 360, 180);
  gtk_box_append (GTK_BOX (box), grown);
  gtk_box_append (GTK_BOX (box), whole);
  window = ui_test_show_in_window (box, 360, 360);
  for (int e = 1; e <= n; e++)
    {
      double train = 0.7 / (1 + 0.004 * e) + 0.05 * sin (e * 1.3) * cos (e * 0.07);
      double test = 0.75 / (1 + 0.003 * e) + 0.03 * cos (e * 0.9);

      bp_loss_chart_append (BP_LOSS_CHART (grown), e, train, e % 5 == 0 ? test : NAN);
      if (e % step == 0)
        ui_test_spin (0.04); /* each state drawn by the window */
    }
  for (int e = 1; e <= n; e++)
    {
      double train = 0.7 / (1 + 0.004 * e) + 0.05 * sin (e * 1.3) * cos (e * 0.07);
      double test = 0.75 / (1 + 0.003 * e) + 0.03 * cos (e * 0.9);

      bp_loss_chart_append (BP_LOSS_CHART (whole), e, train, e % 5 == 0 ? test : NAN);
    }
  ui_test_spin (0.1);
  a = bp_screenshot_widget (grown, NULL);
  b = bp_screenshot_widget (whole, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  diff = count_different (a, b, 24);
  g_test_message ("%u pixels differ", diff);
  if (diff > 0)
    {
      ui_test_keep_shot (a, "loss-grown.png");
      ui_test_keep_shot (b, "loss-whole.png");
    }
  g_assert_cmpuint (diff, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (grown);
  g_assert_finalize_object (whole);
}

static gboolean
keep_ticking (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Frames cost nothing while the data stay as they are: a chart on screen does not redraw
 * until a series changes (the window repaints everything for any change, so a chart that
 * asked for frames it did not need would cost the whole window). What the frame statistics
 * call drawn is what the window rendered. */
static void
test_chart_redraws_on_change (void)
{
  GtkWidget *chart = bp_chart_new ();
  GtkWidget *window;
  g_autoptr (BpFrameStats) fs = bp_frame_stats_new ();
  const double x[] = { 0, 1, 2 };
  const float y[] = { 1, 0.5f, 0.25f };
  guint id, tick, idle_frames, drawn;

  g_object_ref_sink (chart);
  id = bp_chart_add_series (BP_CHART (chart), "loss", &red, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (chart), id, x, y, 2);
  window = ui_test_show_in_window (chart, 400, 300);
  ui_test_spin (0.3);
  /* A tick callback keeps the frame clock running, as the dashboard's does. */
  tick = gtk_widget_add_tick_callback (window, keep_ticking, NULL, NULL);
  bp_frame_stats_attach (fs, gtk_widget_get_frame_clock (window));
  bp_frame_stats_watch_surface (fs, gtk_native_get_surface (GTK_NATIVE (window)));
  ui_test_spin (0.5);
  idle_frames = bp_frame_stats_n_frames (fs);
  g_test_message ("%u frames in 0.5 s, %u drew", idle_frames, bp_frame_stats_n_drawn (fs));
  g_assert_cmpuint (idle_frames, >=, 5);
  g_assert_cmpuint (bp_frame_stats_n_drawn (fs), ==, 0);

  bp_chart_series_append (BP_CHART (chart), id, x + 2, y + 2, 1);
  ui_test_spin (0.3);
  drawn = bp_frame_stats_n_drawn (fs);
  g_test_message ("after a new point: %u frames, %u drew", bp_frame_stats_n_frames (fs), drawn);
  g_assert_cmpuint (drawn, >=, 1);
  g_assert_cmpuint (drawn, <=, 2);
  g_assert_cmpfloat (bp_frame_stats_drawn_ms (fs, BP_FRAME_WALL, 100), >, 0.0);

  bp_frame_stats_attach (fs, NULL);
  bp_frame_stats_watch_surface (fs, NULL);
  gtk_widget_remove_tick_callback (window, tick);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

static void
test_chart_exports (void)
{
  GtkWidget *chart = bp_chart_new ();
  g_autofree char *dir = g_dir_make_tmp ("bp-chart-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "c.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "c.svg", NULL);
  g_autofree char *csv = g_build_filename (dir, "c.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GdkTexture) tex = NULL;
  double x[] = { 1, 2 };
  float y[] = { 0.5f, 0.25f };
  guint id;

  g_object_ref_sink (chart);
  bp_chart_set_title (BP_CHART (chart), "Loss");
  id = bp_chart_add_series (BP_CHART (chart), "train, \"a\"", &red, BP_CHART_LINE);
  bp_chart_series_append (BP_CHART (chart), id, x, y, 2);
  g_assert_true (bp_chart_export_png (BP_CHART (chart), png, 320, 200, NULL));
  tex = gdk_texture_new_from_filename (png, NULL);
  g_assert_nonnull (tex);
  g_assert_cmpint (gdk_texture_get_width (tex), ==, 320);
  g_assert_cmpint (gdk_texture_get_height (tex), ==, 200);
  g_assert_true (bp_chart_export_svg (BP_CHART (chart), svg, 320, 200, NULL));
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_clear_pointer (&text, g_free);
  bp_chart_set_smoothing (BP_CHART (chart), 0.5);
  g_assert_true (bp_chart_export_csv (BP_CHART (chart), csv, NULL));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  /* 0.25 smoothed at 0.5 after 0.5: (0.125 + 0.125) / 0.75 = 1/3. */
  g_assert_cmpstr (text, ==,
                   "series,x,y,smoothed\n"
                   "\"train, \"\"a\"\"\",1,0.5,0.5\n"
                   "\"train, \"\"a\"\"\",2,0.25,0.333333343\n");
  g_unlink (png);
  g_unlink (svg);
  g_unlink (csv);
  g_rmdir (dir);
  g_assert_finalize_object (chart);
}

static gboolean
builder_val_points (gpointer builder)
{
  BpBuilder *b = builder;

  return bp_chart_series_get_n_points (b->chart, b->series_val_loss) >= 2;
}

/* The Builder's training chart marks its validation line point by point and never smooths it,
 * as the Dashboard does (issue 8): its smoothing (0.6) is for the noisy batch loss only. */
static void
test_builder_validation_sparse (void)
{
  GtkWidget *window = gtk_window_new ();
  BpBuilder *builder = BP_BUILDER (bp_builder_new ());
  g_autoptr (GError) error = NULL;
  gsize n = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (builder));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, builder, 10));
  g_assert_true (bp_builder_load_template (builder, "iris-mlp", &error));
  g_assert_true (bp_builder_train (builder, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (builder_val_points, builder, 60));
  bp_builder_stop (builder);
  g_assert_cmpfloat (bp_chart_get_smoothing (builder->chart), >, 0);
  g_assert_nonnull (bp_chart_series_get_smoothed (builder->chart, builder->series_loss, &n));
  g_assert_cmpuint (n, >, 0);
  g_assert_null (bp_chart_series_get_smoothed (builder->chart, builder->series_val_loss, &n));
  g_assert_cmpuint (n, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/chart/smoothing/by-hand", test_smoothing_by_hand);
  g_test_add_func ("/chart/smoothing/in-chart", test_smoothing_in_chart);
  g_test_add_func ("/chart/decimation/extremes", test_decimation_keeps_extremes);
  g_test_add_func ("/chart/decimation/speed", test_decimation_speed);
  g_test_add_func ("/chart/ticks", test_ticks);
  g_test_add_func ("/chart/histogram-bins", test_hist_bins);
  g_test_add_func ("/chart/widget/whole-ticks", test_chart_whole_ticks);
  g_test_add_func ("/chart/widget/pixels", test_chart_pixels);
  g_test_add_func ("/chart/widget/log-axes", test_chart_log_axes);
  g_test_add_func ("/chart/widget/log-x-dense", test_chart_log_x_dense);
  g_test_add_func ("/chart/widget/ten-million", test_chart_big_series_frame);
  g_test_add_func ("/chart/widget/exports", test_chart_exports);
  g_test_add_func ("/chart/widget/redraws-on-change", test_chart_redraws_on_change);
  g_test_add_func ("/chart/widget/appends-match", test_chart_appends_match);
  g_test_add_func ("/chart/widget/strip-tiles", test_chart_strip_tiles);
  g_test_add_func ("/chart/loss-chart/appends-match", test_loss_chart_appends_match);
  g_test_add_func ("/chart/builder/validation-sparse", test_builder_validation_sparse);
  return g_test_run ();
}
