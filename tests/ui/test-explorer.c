/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data explorer on real data: Iris (table, feature histogram, PCA and feature scatter,
 * class balance, split), Fashion-MNIST when installed (else the 8x8 digits: 70 000 rows in the
 * table, samples per class), and CSV files with dropped rows and with errors. Every view is
 * rendered; with BP_TEST_SHOTS=DIR the pictures are kept there. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bp-builder.h"
#include "bp-chart.h"
#include "bp-data-explorer-images.h"
#include "bp-data-explorer.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "data/builtin.h"
#include "engine/experiment.h"
#include "ui-test-util.h"

static void
keep_shot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkTexture) tex = NULL;

  ui_test_spin (0.3);
  tex = ui_test_shot (widget);
  ui_test_keep_shot (tex, name);
}

static void
on_done (BpDataExplorer *explorer, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
load (BpDataExplorer *ex, const char *source)
{
  gboolean done = FALSE;

  bp_data_explorer_load (ex, source, G_CALLBACK (on_done), &done);
  g_assert_true (ui_test_wait (ui_test_is_true, &done, 120));
}

static GtkWidget *
show_explorer (GtkWidget **window)
{
  GtkWidget *ex = bp_data_explorer_new ();

  g_object_ref_sink (ex);
  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (*window), ex);
  gtk_window_present (GTK_WINDOW (*window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, ex, 10));
  return ex;
}

/* Sum of the y values of the chart's series called name. */
static double
series_sum (BpChart *chart, const char *want, const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  double sum = 0;

  /* Through the CSV export, which writes exactly the points the chart holds. */
  g_assert_true (bp_chart_export_csv (chart, path, NULL));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);

      if (g_strcmp0 (f[0], want) == 0)
        sum += g_ascii_strtod (f[2], NULL);
    }
  return sum;
}

/* Points in all the series of a chart. */
static gsize
chart_points (BpChart *chart)
{
  guint ids[64], n = bp_chart_get_series (chart, ids, 64);
  gsize total = 0;

  for (guint i = 0; i < MIN (n, 64); i++)
    total += bp_chart_series_get_n_points (chart, ids[i]);
  return total;
}

static gboolean
scatter_ready (gpointer data)
{
  return chart_points (data) > 0;
}

static void
test_iris (void)
{
  GtkWidget *window, *w = show_explorer (&window);
  BpDataExplorer *ex = BP_DATA_EXPLORER (w);
  GtkColumnView *table;
  BpChart *hist, *scatter;
  BpDataSource *src;
  g_autofree char *dir = g_dir_make_tmp ("bp-explorer-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "series.csv", NULL);

  load (ex, "iris");
  src = bp_data_explorer_get_source (ex);
  g_assert_nonnull (src);
  g_assert_cmpuint (src->ds->n_rows, ==, 150);
  g_assert_cmpuint (src->split.n_train + src->split.n_val + src->split.n_test, ==, 150);

  /* The table: row, part, label and the 4 features; every row. */
  table = GTK_COLUMN_VIEW (bp_data_explorer_get_part (ex, "table"));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (table)), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==,
                    150);
  keep_shot (window, "explorer-iris-table.png");

  /* The histogram of feature 0: the bars count every row once; each class has a line. */
  hist = BP_CHART (bp_data_explorer_get_part (ex, "feature-chart"));
  bp_data_explorer_show_view (ex, "features");
  {
    guint ids[8];

    g_assert_cmpuint (bp_chart_get_series (hist, ids, 8), ==, 4); /* all rows + 3 classes */
    /* Sepal lengths in tenths, 4.3 … 7.9: 8 bars of 5 tenths each (bp_hist_bins). */
    g_assert_cmpuint (bp_chart_series_get_n_points (hist, ids[0]), ==, 8);
  }
  g_assert_cmpfloat (series_sum (hist, "all rows", csv), ==, 150);
  g_assert_cmpfloat (series_sum (hist, "setosa", csv), ==, 50);
  keep_shot (window, "explorer-iris-features.png");

  /* The PCA scatter (4 features): three classes, 150 points. */
  scatter = BP_CHART (bp_data_explorer_get_part (ex, "scatter-chart"));
  bp_data_explorer_show_view (ex, "scatter");
  g_assert_true (ui_test_wait (scatter_ready, scatter, 60));
  {
    guint ids[8];

    g_assert_cmpuint (bp_chart_get_series (scatter, ids, 8), ==, 3);
    g_assert_cmpuint (chart_points (scatter), ==, 150);
  }
  keep_shot (window, "explorer-iris-pca.png");
  /* Two features against each other: setosa's petal lengths are all under 2 cm. */
  bp_data_explorer_set_scatter (ex, 2, 3);
  {
    double x0, x1;

    bp_chart_get_view (scatter, &x0, &x1, NULL, NULL);
    g_assert_cmpfloat (x0, <, 1.0 + 0.01); /* the shortest petal is 1.0 cm */
    g_assert_cmpfloat (x1, >, 6.9 - 0.01); /* the longest 6.9 cm */
  }

  /* The class balance: three rows of name, bar, count. */
  {
    GtkWidget *grid = bp_data_explorer_get_part (ex, "balance");
    int n = 0;

    for (GtkWidget *c = gtk_widget_get_first_child (grid); c; c = gtk_widget_get_next_sibling (c))
      n++;
    g_assert_cmpint (n, ==, 9);
  }
  g_unlink (csv);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (w);
}

static void
test_images (void)
{
  gboolean fashion = g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
                                  G_FILE_TEST_EXISTS);
  GtkWidget *window, *w = show_explorer (&window);
  BpDataExplorer *ex = BP_DATA_EXPLORER (w);
  BpDataSource *src;
  GtkColumnView *table;
  BpDataExplorerImages *images;
  gint64 t0;

  t0 = g_get_monotonic_time ();
  load (ex, fashion ? "fashion-mnist" : "digits");
  g_test_message ("loaded and shown in %.2f s", (g_get_monotonic_time () - t0) / 1e6);
  src = bp_data_explorer_get_source (ex);
  table = GTK_COLUMN_VIEW (bp_data_explorer_get_part (ex, "table"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (table))), ==,
                    fashion ? 70000 : 1797);
  /* Images get a picture column instead of 784 pixel columns. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (table)), ==, 4);
  if (fashion)
    {
      g_assert_cmpuint (src->split.n_test, ==, 10000);
      g_assert_cmpuint (src->split.n_train + src->split.n_val, ==, 60000);
    }
  keep_shot (window, "explorer-images-table.png");

  images = BP_DATA_EXPLORER_IMAGES (bp_data_explorer_get_part (ex, "images"));
  for (int c = 0; c < src->ds->n_classes; c++)
    {
      gint64 row = bp_data_explorer_images_get_row (images, c, 0);

      g_assert_cmpint (row, >=, 0);
      g_assert_cmpint (src->ds->labels[row], ==, c);
    }
  bp_data_explorer_show_view (ex, "images");
  keep_shot (window, "explorer-images-samples.png");
  bp_data_explorer_show_view (ex, "scatter");
  g_assert_true (ui_test_wait (scatter_ready, bp_data_explorer_get_part (ex, "scatter-chart"),
                               120));
  keep_shot (window, "explorer-images-pca.png");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (w);
}

static void
test_csv (void)
{
  GtkWidget *window, *w = show_explorer (&window);
  BpDataExplorer *ex = BP_DATA_EXPLORER (w);
  g_autofree char *dir = g_dir_make_tmp ("bp-explorer-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "plants.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.csv", NULL);
  g_autoptr (GFile) file = NULL;
  BpDataSource *src;
  const char *note;

  /* 12 rows, one with NaN (dropped, and said so), classes by name. */
  g_assert_true (g_file_set_contents (good,
                                      "height,width,kind\n"
                                      "1.0,2.0,fern\n1.5,2.5,fern\n1.2,2.1,fern\n0.9,1.9,fern\n"
                                      "3.0,0.5,palm\n3.2,0.6,palm\nNaN,0.7,palm\n3.1,0.4,palm\n"
                                      "2.0,2.0,moss\n2.1,2.2,moss\n1.9,1.8,moss\n2.2,2.1,moss\n",
                                      -1, NULL));
  file = g_file_new_for_path (good);
  {
    gboolean done = FALSE;

    g_signal_connect (ex, "loaded", G_CALLBACK (on_done), &done);
    bp_data_explorer_open_file (ex, file);
    g_assert_true (ui_test_wait (ui_test_is_true, &done, 30));
    g_signal_handlers_disconnect_by_data (ex, &done);
  }
  src = bp_data_explorer_get_source (ex);
  g_assert_cmpuint (src->ds->n_rows, ==, 11);
  g_assert_cmpint (src->ds->n_classes, ==, 3);
  g_assert_true (src->is_csv);
  g_assert_cmpuint (src->csv_info.rows_dropped, ==, 1);
  note = gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (ex, "note")));
  /* How many, their lines (the file's, header counted), why, and what backprop-train does. */
  g_assert_nonnull (strstr (note, "1 bad row left out (line 8); the first: "));
  g_assert_nonnull (strstr (note, "plants.csv:8:1: NaN is not a usable value: 'NaN'"));
  g_assert_nonnull (strstr (note, "unless given --drop-bad-rows"));
  /* The column types as read: two numbers, and the label in the third column. */
  {
    const char *cols = gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (ex, "columns")));

    g_assert_nonnull (strstr (cols, "2 number columns: height, width"));
    g_assert_nonnull (strstr (cols, "label in column 3"));
    g_assert_nonnull (strstr (cols, "fern"));
  }
  keep_shot (window, "explorer-csv.png");

  /* A file that is not a table: the error names it, and the shown data stay. */
  g_assert_true (g_file_set_contents (bad, "a,b,label\n1,2\n", -1, NULL));
  load (ex, bad);
  g_assert_nonnull (bp_data_explorer_get_error (ex));
  g_assert_nonnull (strstr (bp_data_explorer_get_error (ex), "broken.csv"));
  g_assert_true (bp_data_explorer_get_source (ex) == src);
  keep_shot (window, "explorer-csv-error.png");

  /* Bad rows that leave too few to split: the error says why they went, not only how few are
   * left. */
  {
    g_autofree char *few = g_build_filename (dir, "few.csv", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (BpDataSource) none = NULL;

    g_assert_true (g_file_set_contents (few, "x,y,label\n1,2,a\nabc,3,b\n4,x5,a\n5,6,b\n", -1,
                                        NULL));
    none = bp_data_source_load (few, &error);
    g_assert_null (none);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "2 rows are too few"));
    g_assert_nonnull (strstr (error->message, "2 bad rows left out (lines 3 and 4)"));
    g_assert_nonnull (strstr (error->message, "few.csv:3:1:")); /* where the first bad cell is */
    g_assert_nonnull (strstr (error->message, "'abc'"));
    g_unlink (few);
  }

  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (w);
}

/* Height in metres and weight in kilograms: on the stored values PCA 1 would be the weight
 * alone (its variance is ~1000 times the height's), explaining ~100 %. On standardised
 * features (what the sidebar says) the covariance is [[1, r], [r, 1]]: the components
 * explain (1 + |r|) / 2 and (1 - |r|) / 2, r the correlation on the training rows. */
static void
test_pca_standardised (void)
{
  GtkWidget *window, *w = show_explorer (&window);
  BpDataExplorer *ex = BP_DATA_EXPLORER (w);
  g_autofree char *dir = g_dir_make_tmp ("bp-explorer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "people.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("height,weight,sex\n");
  const double h[20] = { 1.52, 1.60, 1.75, 1.68, 1.80, 1.58, 1.91, 1.66, 1.72, 1.85,
                         1.55, 1.63, 1.78, 1.70, 1.83, 1.61, 1.88, 1.69, 1.74, 1.77 };
  const double kg[20] = { 51, 72, 66, 58, 90, 49, 84, 77, 61, 95,
                          63, 55, 70, 81, 68, 59, 99, 64, 85, 60 };
  BpDataSource *src;
  BpChart *scatter;
  const char *note, *at;
  double mh = 0, mw = 0, shh = 0, sww = 0, shw = 0, r, x0, x1;

  for (int i = 0; i < 20; i++)
    g_string_append_printf (csv, "%.2f,%.0f,%s\n", h[i], kg[i], i % 2 ? "f" : "m");
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  load (ex, path);
  src = bp_data_explorer_get_source (ex);
  g_assert_nonnull (src->scaler.scale); /* tabular: standardised on the training rows */
  for (guint32 k = 0; k < src->split.n_train; k++)
    {
      mh += bp_dataset_feature (src->ds, src->split.train[k], 0) / src->split.n_train;
      mw += bp_dataset_feature (src->ds, src->split.train[k], 1) / src->split.n_train;
    }
  for (guint32 k = 0; k < src->split.n_train; k++)
    {
      double a = bp_dataset_feature (src->ds, src->split.train[k], 0) - mh;
      double b = bp_dataset_feature (src->ds, src->split.train[k], 1) - mw;

      shh += a * a;
      sww += b * b;
      shw += a * b;
    }
  r = shw / sqrt (shh * sww);

  scatter = BP_CHART (bp_data_explorer_get_part (ex, "scatter-chart"));
  bp_data_explorer_show_view (ex, "scatter");
  /* Two features show one against the other first: ask for the components. */
  bp_data_explorer_set_scatter (ex, BP_EXPLORER_PCA1, BP_EXPLORER_PCA2);
  g_assert_true (ui_test_wait (scatter_ready, scatter, 60));
  g_assert_cmpuint (chart_points (scatter), ==, 20);
  note = gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (ex, "scatter-note")));
  at = strstr (note, "explain ");
  g_assert_nonnull (at);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (at + 8, NULL), 100 * (1 + fabs (r)) / 2, 0.051);
  at = strstr (at, "and ");
  g_assert_nonnull (at);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (at + 4, NULL), 100 * (1 - fabs (r)) / 2, 0.051);
  /* Standardised scores: PCA 1 of 20 rows stays within a few units (the weight's deviations
   * in kilograms would reach +-25). */
  bp_chart_get_view (scatter, &x0, &x1, NULL, NULL);
  g_assert_cmpfloat (x0, >, -6);
  g_assert_cmpfloat (x1, <, 6);
  keep_shot (window, "explorer-pca-standardised.png");

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (0.1);
  g_assert_finalize_object (w);
}

/* ---- the Data page and the Builder split a dataset alike ---- */

/* A file of tests/data/files/ (g_free it). */
static char *
data_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "files", name, NULL);
}

typedef struct {
  BpBuilder *builder;
  const char *want; /* the start of the dataset line once loaded */
} BuilderWait;

static gboolean
builder_loaded (gpointer data)
{
  BuilderWait *bw = data;

  return ui_test_find_label (GTK_WIDGET (bp_builder_get_settings (bw->builder)), bw->want)
         != NULL;
}

/* What the Data page's split grid shows for one part: "90 (60.0 %)". */
static const char *
split_cell (BpDataExplorer *ex, int part)
{
  GtkWidget *grid = bp_data_explorer_get_part (ex, "split");

  return gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 2, part)));
}

/* The Data page and the Builder side by side, the Builder on its Iris template. */
typedef struct {
  GtkWidget *window, *w, *bwin;
  BpDataExplorer *ex;
  BpBuilder *builder;
} Pages;

static void
pages_setup (Pages *p, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  p->w = show_explorer (&p->window);
  p->ex = BP_DATA_EXPLORER (p->w);
  p->builder = BP_BUILDER (bp_builder_new ());
  p->bwin = ui_test_show_in_window (GTK_WIDGET (p->builder), 1200, 760);
  g_object_ref (p->builder);
  g_assert_true (bp_builder_load_template (p->builder, "iris-mlp", &error));
  g_assert_no_error (error);
}

static void
pages_teardown (Pages *p, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (p->bwin));
  gtk_window_destroy (GTK_WINDOW (p->window));
  ui_test_spin (0.1);
  g_assert_finalize_object (p->builder);
  g_assert_finalize_object (p->w);
}

/* Iris in the Builder (its template) and on the Data page: one default split, the window's,
 * so the same 90/30/30 rows on both pages; then a CSV with bad rows loaded by both: 14 good
 * rows, the same 8/3/3 on both, and the same line numbers as backprop-train --drop-bad-rows
 * prints (tests/data/cli-describe.sh). */
static void
test_same_split_as_builder (Pages *p, gconstpointer data)
{
  BpDataExplorer *ex = p->ex;
  BpBuilder *builder = p->builder;
  g_autofree char *bad = data_file ("bad-rows.csv");
  g_autofree char *drop_words = NULL;
  g_autoptr (GError) error = NULL;
  BuilderWait bw = { builder, "150 rows" };
  BpDataSource *src;
  bp_experiment *exp;
  GtkLabel *line;

  exp = bp_builder_get_experiment (builder, &error);
  g_assert_nonnull (exp);
  /* The tabular template carries the window's default split (data/split.h). */
  g_assert_cmpfloat (exp->data.val_ratio, ==, BP_SPLIT_WINDOW_VAL_RATIO);
  g_assert_cmpfloat (exp->data.test_ratio, ==, BP_SPLIT_WINDOW_TEST_RATIO);
  g_assert_cmpuint (exp->data.split_seed, ==, BP_SPLIT_WINDOW_SEED);
  g_assert_true (ui_test_wait (builder_loaded, &bw, 60));
  line = ui_test_find_label (GTK_WIDGET (bp_builder_get_settings (builder)), "150 rows");
  g_assert_nonnull (strstr (gtk_label_get_text (line),
                            "\n90 to train, 30 to validate, 30 to test (split 60/20/20 %, "
                            "seed 1)"));

  load (ex, "iris");
  src = bp_data_explorer_get_source (ex);
  g_assert_cmpuint (src->split.n_train, ==, 90);
  g_assert_cmpuint (src->split.n_val, ==, 30);
  g_assert_cmpuint (src->split.n_test, ==, 30);
  g_assert_cmpstr (split_cell (ex, 0), ==, "90 (60.0 %)");
  g_assert_cmpstr (split_cell (ex, 1), ==, "30 (20.0 %)");
  g_assert_cmpstr (split_cell (ex, 2), ==, "30 (20.0 %)");
  g_assert_nonnull (strstr (src->note, "split 60/20/20 % at random (seed 1), stratified by "
                                       "class; 90 training, 30 validation and 30 test rows"));

  /* The CSV with bad rows on both pages. The experiment does not ask to drop bad rows: the
   * Builder drops them as the Data page does, and the experiment then says so, so that a
   * saved file gives backprop-train the same rows. */
  free (exp->data.source);
  exp->data.source = strdup (bad);
  g_assert_false (exp->data.drop_bad_rows);
  bp_builder_set_experiment (builder, exp);
  bp_experiment_free (exp);
  bw.want = "14 rows";
  g_assert_true (ui_test_wait (builder_loaded, &bw, 60));
  exp = bp_builder_get_experiment (builder, &error);
  g_assert_nonnull (exp);
  g_assert_true (exp->data.drop_bad_rows);
  bp_experiment_free (exp);
  line = ui_test_find_label (GTK_WIDGET (bp_builder_get_settings (builder)), "14 rows");
  drop_words = g_strdup_printf ("\n6 bad rows left out, the first: %s:4:2: missing value", bad);
  g_assert_nonnull (strstr (gtk_label_get_text (line),
                            "\n8 to train, 3 to validate, 3 to test (split 60/20/20 %, seed 1)"));
  g_assert_nonnull (strstr (gtk_label_get_text (line), drop_words));

  load (ex, bad);
  src = bp_data_explorer_get_source (ex);
  g_assert_cmpuint (src->ds->n_rows, ==, 14);
  g_assert_cmpuint (src->split.n_train, ==, 8);
  g_assert_cmpuint (src->split.n_val, ==, 3);
  g_assert_cmpuint (src->split.n_test, ==, 3);
  g_assert_cmpstr (split_cell (ex, 0), ==, "8 (57.1 %)");
  g_assert_cmpstr (split_cell (ex, 2), ==, "3 (21.4 %)");
  g_clear_pointer (&drop_words, g_free);
  drop_words = g_strdup_printf ("6 bad rows left out (lines 4, 6, 9, 12, 21 and 1 more); the "
                                "first: %s:4:2: missing value", bad);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (ex,
                                                                                      "note"))),
                            drop_words));
  keep_shot (p->window, "explorer-bad-rows.png");
}

/* UiTestMatch that never matches: collects every label's text, in drawing order. */
static gboolean
collect_label (GtkWidget *w, gconstpointer data)
{
  if (GTK_IS_LABEL (w))
    g_ptr_array_add ((GPtrArray *) data, (gpointer) gtk_label_get_text (GTK_LABEL (w)));
  return FALSE;
}

/* The texts of the table's first column on screen, top down: after the column titles, the
 * labels come a row at a time, one per column. */
static GPtrArray *
first_column (BpDataExplorer *ex, const char **title)
{
  GtkWidget *table = bp_data_explorer_get_part (ex, "table");
  guint n_cols = g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (table)));
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  GPtrArray *first = g_ptr_array_new ();

  bp_data_explorer_show_view (ex, "table");
  ui_test_spin (0.3);
  ui_test_find (table, collect_label, all);
  g_assert_cmpuint (all->len, >, 2 * n_cols);
  *title = g_ptr_array_index (all, 0);
  for (guint i = n_cols; i < all->len; i += n_cols)
    g_ptr_array_add (first, g_ptr_array_index (all, i));
  return first;
}

/* The table's first column is where a row is in the file, so a row named in a message (the
 * bad-row note, backprop-train) can be found: ragged-rows.csv keeps lines 2-6, 8, 11 and 12
 * (7 and 10 are ragged, 9 has a NaN), and the table says exactly those. The window loads a
 * file with ragged rows (the Data page and the Builder alike) and refuses one whose header
 * does not fit most rows. Built-in data have no lines: "row", from 1. */
static void
test_table_lines (Pages *p, gconstpointer data)
{
  BpDataExplorer *ex = p->ex;
  g_autofree char *ragged = data_file ("ragged-rows.csv");
  g_autofree char *bad_header = data_file ("bad-header.csv");
  g_autofree char *want = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const lines[] = { "2", "3", "4", "5", "6", "8", "11", "12" };
  BuilderWait bw = { p->builder, "8 rows" };
  const char *title, *note;
  GPtrArray *col;
  bp_experiment *exp;

  load (ex, ragged);
  g_assert_null (bp_data_explorer_get_error (ex));
  g_assert_cmpuint (bp_data_explorer_get_source (ex)->ds->n_rows, ==, 8);
  note = gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (ex, "note")));
  want = g_strdup_printf ("3 bad rows left out (lines 7, 9 and 10), 2 of them with the wrong "
                          "number of fields; the first: %s:7: 3 fields, expected 5 (as in the "
                          "header)", ragged);
  g_assert_nonnull (strstr (note, want));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (bp_data_explorer_get_part (
                              ex, "columns"))), "the table's line is the row's line in the file"));
  col = first_column (ex, &title);
  g_assert_cmpstr (title, ==, "line");
  g_assert_cmpuint (col->len, ==, G_N_ELEMENTS (lines));
  for (guint i = 0; i < col->len; i++)
    g_assert_cmpstr (g_ptr_array_index (col, i), ==, lines[i]);
  g_ptr_array_unref (col);
  keep_shot (p->window, "explorer-table-lines.png");

  /* The Builder opens the same file without its three bad rows. */
  exp = bp_builder_get_experiment (p->builder, &error);
  g_assert_nonnull (exp);
  free (exp->data.source);
  exp->data.source = strdup (ragged);
  bp_builder_set_experiment (p->builder, exp);
  bp_experiment_free (exp);
  g_assert_true (ui_test_wait (builder_loaded, &bw, 60));
  g_assert_nonnull (strstr (gtk_label_get_text (ui_test_find_label (
                              GTK_WIDGET (bp_builder_get_settings (p->builder)), "8 rows")),
                            "\n3 bad rows left out, the first: "));

  /* A header that fits one row in six: refused, saying to check the header. */
  load (ex, bad_header);
  g_assert_nonnull (bp_data_explorer_get_error (ex));
  g_assert_nonnull (strstr (bp_data_explorer_get_error (ex), ":1: the header has 4 fields but 5 "
                                                             "of 6 data rows have another"));

  load (ex, "iris");
  col = first_column (ex, &title);
  g_assert_cmpstr (title, ==, "row");
  g_assert_cmpstr (g_ptr_array_index (col, 0), ==, "1");
  g_assert_cmpstr (g_ptr_array_index (col, 1), ==, "2");
  g_ptr_array_unref (col);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add_func ("/explorer/iris", test_iris);
  g_test_add_func ("/explorer/images", test_images);
  g_test_add_func ("/explorer/csv", test_csv);
  g_test_add_func ("/explorer/pca-standardised", test_pca_standardised);
  g_test_add ("/explorer/same-split-as-builder", Pages, NULL, pages_setup,
              test_same_split_as_builder, pages_teardown);
  g_test_add ("/explorer/table-lines", Pages, NULL, pages_setup, test_table_lines,
              pages_teardown);
  return g_test_run ();
}
