/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The explorer's plots: a histogram of one feature (all rows as bars, each class as a line in
 * its colour) with its statistics, and a scatter plot of two features or of the first two
 * principal components, coloured by class. The PCA is fitted on up to 5 000 training rows on a
 * worker thread, and up to 10 000 rows are drawn, so Fashion-MNIST stays quick. */
#include "bp-config.h"

#include "bp-data-explorer-private.h"

#include "bp-chart-math.h"
#include "data/stats.h"

#include <math.h>

/* Bins from bp_hist_bins: as many as the rows support, each a whole number of a discrete
 * feature's steps (iris's sepal lengths in tenths: 8 bins of 5 tenths; Fashion's 256 pixel
 * levels: 16 of 16), so that steps do not make combs and sawtooths. */
#define HIST_MIN_BINS 5
#define HIST_MAX_BINS 50
#define PCA_FIT_ROWS 5000
#define SCATTER_ROWS 10000

/* ---- the feature histogram ---- */

static void
draw_feature (BpDataExplorer *self, int j)
{
  const bp_dataset *ds = self->src->ds;
  double lo = INFINITY, hi = -INFINITY, sum = 0, sq = 0, w, blo, bhi;
  double x[HIST_MAX_BINS];
  float y[HIST_MAX_BINS];
  guint32 counts[HIST_MAX_BINS];
  g_autofree double *values = NULL;
  char stats[160];
  int bins;
  guint id;

  bp_chart_clear (self->feature_chart);
  if (j < 0 || j >= ds->n_features)
    return;
  values = g_new (double, MAX (ds->n_rows, 1));
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      double v = bp_dataset_feature (ds, i, j);

      values[i] = v;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
      sum += v;
    }
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      double d = bp_dataset_feature (ds, i, j) - sum / ds->n_rows;

      sq += d * d;
    }
  g_snprintf (stats, sizeof stats, "min %.4g · max %.4g · mean %.4g · std %.4g", lo, hi,
              sum / ds->n_rows, sqrt (sq / ds->n_rows));
  gtk_label_set_text (self->feature_stats, stats);
  bins = bp_hist_bins (values, ds->n_rows, HIST_MIN_BINS, HIST_MAX_BINS, &blo, &bhi);
  w = (bhi - blo) / bins;
  for (int b = 0; b < bins; b++)
    x[b] = blo + (b + 0.5) * w;
  bp_dataset_histogram (ds, j, NULL, ds->n_rows, blo, bhi, bins, counts);
  for (int b = 0; b < bins; b++)
    y[b] = (float) counts[b];
  id = bp_chart_add_series (self->feature_chart, "all rows",
                            &(GdkRGBA) { 0.6f, 0.6f, 0.6f, 0.8f }, BP_CHART_BARS);
  bp_chart_series_set_bar_width (self->feature_chart, id, w * 0.9);
  bp_chart_series_append (self->feature_chart, id, x, y, bins);
  /* Per class, as lines over the bars: where the classes part is what a model can use. */
  if (ds->task == BP_TASK_CLASSIFICATION && ds->n_classes <= 12)
    for (int c = 0; c < ds->n_classes; c++)
      {
        GdkRGBA col;

        bp_chart_palette_color ((guint) c, &col);
        bp_dataset_histogram (ds, j, self->class_rows[c], self->class_n[c], blo, bhi, bins,
                              counts);
        for (int b = 0; b < bins; b++)
          y[b] = (float) counts[b];
        id = bp_chart_add_series (self->feature_chart, ds->class_names[c], &col, BP_CHART_LINE);
        bp_chart_series_append (self->feature_chart, id, x, y, bins);
      }
  bp_chart_set_title (self->feature_chart, ds->feature_names[j]);
  bp_chart_set_x_label (self->feature_chart, "value");
  bp_chart_set_y_whole (self->feature_chart, TRUE); /* counts of rows */
  bp_chart_reset_view (self->feature_chart);
}

static void
on_feature (GObject *drop, GParamSpec *pspec, BpDataExplorer *self)
{
  guint j = gtk_drop_down_get_selected (self->feature_drop);

  if (self->updating_drops || self->src == NULL || j == GTK_INVALID_LIST_POSITION)
    return;
  draw_feature (self, (int) j);
}

/* ---- PCA on a worker thread ---- */

typedef struct {
  BpDataSource *src;
  guint32 *rows;  /* rows to draw */
  gsize n;
  float *xy;
  bp_pca pca;
  gboolean ok;
  char err[256];
} PcaJob;

static void
pca_job_free (gpointer data)
{
  PcaJob *job = data;

  bp_pca_free (&job->pca);
  bp_data_source_unref (job->src);
  g_free (job->rows);
  g_free (job->xy);
  g_free (job);
}

/* Every k-th row so that at most max are taken. */
static guint32 *
spread_rows (const guint32 *rows, gsize n, gsize max, gsize *out_n)
{
  gsize m = MIN (n, max);
  guint32 *out = g_new (guint32, MAX (m, 1));

  for (gsize i = 0; i < m; i++)
    {
      gsize at = (gsize) ((double) i * n / m);

      out[i] = rows != NULL ? rows[at] : (guint32) at;
    }
  *out_n = m;
  return out;
}

static void
pca_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PcaJob *job = data;
  const bp_split *sp = &job->src->split;
  gsize n_fit;
  g_autofree guint32 *fit = spread_rows (sp->train, sp->n_train, PCA_FIT_ROWS, &n_fit);

  /* On the features as the sidebar describes them (standardised on the training rows when
   * tabular): on the stored values the feature with the largest unit would own PCA 1. */
  if (bp_pca_fit_scaled (job->src->ds, bp_data_source_get_scaler (job->src), fit, n_fit,
                         &job->pca, job->err, sizeof job->err) != 0)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  job->rows = spread_rows (NULL, job->src->ds->n_rows, SCATTER_ROWS, &job->n);
  job->xy = g_new (float, job->n * 2);
  bp_pca_project (&job->pca, job->src->ds, job->rows, job->n, job->xy);
  job->ok = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void draw_scatter (BpDataExplorer *self);

static void
on_pca_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BpDataExplorer *self = user_data;
  PcaJob *job = g_task_get_task_data (G_TASK (result));

  /* Cancelled (another dataset, or the page went away): self may be gone. */
  if (g_task_had_error (G_TASK (result)) || job->src != self->src)
    return;
  self->pca_pending = FALSE;
  if (!job->ok)
    gtk_label_set_text (self->scatter_note, job->err);
  else
    {
      self->pca_ready = TRUE;
      self->pca_rows = g_steal_pointer (&job->rows);
      self->pca_xy = g_steal_pointer (&job->xy);
      self->pca_n = job->n;
      self->pca_explained[0] = job->pca.explained[0];
      self->pca_explained[1] = job->pca.explained[1];
      draw_scatter (self);
    }
}

static void
start_pca (BpDataExplorer *self)
{
  g_autoptr (GTask) task = NULL;
  PcaJob *job;

  if (self->pca_ready || self->pca_pending)
    return;
  self->pca_pending = TRUE;
  job = g_new0 (PcaJob, 1);
  job->src = bp_data_source_ref (self->src);
  task = g_task_new (NULL, self->cancellable, on_pca_done, self);
  g_task_set_task_data (task, job, pca_job_free);
  g_task_run_in_thread (task, pca_thread);
  gtk_label_set_text (self->scatter_note, "Working out the principal components…");
}

/* ---- the scatter plot ---- */

/* Axis value of row i (pca_index: its place in the PCA sample, for PCA axes). */
static double
axis_value (BpDataExplorer *self, int axis, gsize row, gsize pca_index)
{
  if (axis == BP_EXPLORER_PCA1 || axis == BP_EXPLORER_PCA2)
    return self->pca_xy[pca_index * 2 + (axis == BP_EXPLORER_PCA2)];
  return bp_dataset_feature (self->src->ds, row, axis);
}

static int
drop_axis (GtkDropDown *drop)
{
  guint s = gtk_drop_down_get_selected (drop);

  return s == 0 ? BP_EXPLORER_PCA1 : s == 1 ? BP_EXPLORER_PCA2 : (int) s - 2;
}

static guint
axis_position (int axis)
{
  return axis >= 0 ? (guint) axis + 2 : axis == BP_EXPLORER_PCA1 ? 0 : 1;
}

static void
draw_scatter (BpDataExplorer *self)
{
  const bp_dataset *ds = self->src->ds;
  int ax = drop_axis (self->x_drop), ay = drop_axis (self->y_drop);
  gboolean pca = ax < 0 || ay < 0;
  int k = ds->task == BP_TASK_CLASSIFICATION ? ds->n_classes : 1;
  g_autofree guint32 *all = NULL;
  const guint32 *rows;
  gsize n;
  g_autofree GArray **xs = g_new0 (GArray *, k);
  g_autofree GArray **ys = g_new0 (GArray *, k);

  bp_chart_clear (self->scatter_chart);
  if (pca && !self->pca_ready)
    {
      start_pca (self);
      return;
    }
  if (pca)
    {
      rows = self->pca_rows;
      n = self->pca_n;
    }
  else
    rows = all = spread_rows (NULL, ds->n_rows, SCATTER_ROWS, &n);
  for (int c = 0; c < k; c++)
    {
      xs[c] = g_array_new (FALSE, FALSE, sizeof (double));
      ys[c] = g_array_new (FALSE, FALSE, sizeof (float));
    }
  for (gsize i = 0; i < n; i++)
    {
      int c = ds->task == BP_TASK_CLASSIFICATION ? ds->labels[rows[i]] : 0;
      double x = axis_value (self, ax, rows[i], i);
      float y = (float) axis_value (self, ay, rows[i], i);

      g_array_append_val (xs[c], x);
      g_array_append_val (ys[c], y);
    }
  for (int c = 0; c < k; c++)
    {
      GdkRGBA col;
      guint id;

      bp_chart_palette_color ((guint) c, &col);
      id = bp_chart_add_series (self->scatter_chart,
                                ds->task == BP_TASK_CLASSIFICATION ? ds->class_names[c] : "rows",
                                &col, BP_CHART_POINTS);
      bp_chart_series_append (self->scatter_chart, id, (double *) (gpointer) xs[c]->data,
                              (float *) (gpointer) ys[c]->data, xs[c]->len);
      g_array_unref (xs[c]);
      g_array_unref (ys[c]);
    }
  {
    GObject *xi = gtk_drop_down_get_selected_item (self->x_drop);
    GObject *yi = gtk_drop_down_get_selected_item (self->y_drop);
    g_autofree char *title = g_strdup_printf (
      "%s against %s", gtk_string_object_get_string (GTK_STRING_OBJECT (yi)),
      gtk_string_object_get_string (GTK_STRING_OBJECT (xi)));
    g_autofree char *note = NULL;

    bp_chart_set_title (self->scatter_chart, title);
    bp_chart_set_x_label (self->scatter_chart, gtk_string_object_get_string (GTK_STRING_OBJECT (xi)));
    if (pca)
      note = g_strdup_printf ("%'zu of %'zu rows · the two components explain %.1f %% and "
                              "%.1f %% of the variance", n, ds->n_rows,
                              100 * self->pca_explained[0], 100 * self->pca_explained[1]);
    else
      note = g_strdup_printf ("%'zu of %'zu rows", n, ds->n_rows);
    gtk_label_set_text (self->scatter_note, note);
  }
  bp_chart_reset_view (self->scatter_chart);
}

static void
on_axis (GObject *drop, GParamSpec *pspec, BpDataExplorer *self)
{
  if (self->updating_drops || self->src == NULL)
    return;
  draw_scatter (self);
}

/* ---- set up ---- */

void
_bp_data_explorer_plots_init (BpDataExplorer *self)
{
  g_signal_connect (self->feature_drop, "notify::selected", G_CALLBACK (on_feature), self);
  g_signal_connect (self->x_drop, "notify::selected", G_CALLBACK (on_axis), self);
  g_signal_connect (self->y_drop, "notify::selected", G_CALLBACK (on_axis), self);
  bp_chart_set_title (self->scatter_chart, "Scatter");
}

void
_bp_data_explorer_plots_clear (BpDataExplorer *self)
{
  self->pca_ready = self->pca_pending = FALSE;
  g_clear_pointer (&self->pca_rows, g_free);
  g_clear_pointer (&self->pca_xy, g_free);
  self->pca_n = 0;
}

void
_bp_data_explorer_plots_fill (BpDataExplorer *self)
{
  const bp_dataset *ds = self->src->ds;
  g_autoptr (GtkStringList) features = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) axes = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) axes2 = NULL;

  gtk_string_list_append (axes, "PCA 1");
  gtk_string_list_append (axes, "PCA 2");
  for (int j = 0; j < ds->n_features; j++)
    {
      gtk_string_list_append (features, ds->feature_names[j]);
      gtk_string_list_append (axes, ds->feature_names[j]);
    }
  axes2 = g_object_ref (axes);
  self->updating_drops = TRUE;
  gtk_drop_down_set_model (self->feature_drop, G_LIST_MODEL (features));
  gtk_drop_down_set_model (self->x_drop, G_LIST_MODEL (axes));
  gtk_drop_down_set_model (self->y_drop, G_LIST_MODEL (axes2));
  /* Two features are a plane of their own; more are best seen through their PCA. Images start
   * on their middle pixel, which varies the most. */
  gtk_drop_down_set_selected (self->feature_drop,
                              ds->image_width > 0 ? (guint) (ds->n_features / 2
                                                             + ds->image_width / 2)
                                                  : 0);
  gtk_drop_down_set_selected (self->x_drop, ds->n_features == 2 ? 2 : 0);
  gtk_drop_down_set_selected (self->y_drop, ds->n_features == 2 ? 3 : 1);
  self->updating_drops = FALSE;
  draw_feature (self, (int) gtk_drop_down_get_selected (self->feature_drop));
  draw_scatter (self);
}

void
bp_data_explorer_set_feature (BpDataExplorer *self, int j)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER (self));
  gtk_drop_down_set_selected (self->feature_drop, (guint) j);
}

void
bp_data_explorer_set_scatter (BpDataExplorer *self, int x, int y)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER (self));

  self->updating_drops = TRUE;
  gtk_drop_down_set_selected (self->x_drop, axis_position (x));
  gtk_drop_down_set_selected (self->y_drop, axis_position (y));
  self->updating_drops = FALSE;
  if (self->src != NULL)
    draw_scatter (self);
}
