/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the explorer's files: bp-data-explorer.c (object, loading, the side panel),
 * bp-data-explorer-table.c (the rows) and bp-data-explorer-plots.c (histograms, scatter). */
#pragma once

#include "bp-data-explorer.h"

#include "bp-chart.h"
#include "bp-data-explorer-images.h"
#include "data/pca.h"

G_BEGIN_DECLS

struct _BpDataExplorer {
  GtkWidget parent_instance;

  /* template */
  GtkWidget *root;
  GtkDropDown *source_drop;
  GtkButton *open_button;
  GtkLabel *info_label;
  GtkLabel *note_label;
  GtkLabel *columns_label;
  GtkGrid *split_grid;
  GtkLabel *balance_title;
  GtkGrid *balance_grid;
  GtkButton *train_button;
  GtkStack *views;
  GtkColumnView *table;
  GtkDropDown *feature_drop;
  GtkLabel *feature_stats;
  BpChart *feature_chart;
  GtkDropDown *x_drop;
  GtkDropDown *y_drop;
  GtkLabel *scatter_note;
  BpChart *scatter_chart;
  GtkStackPage *images_page;
  BpDataExplorerImages *images;

  BpDataSource *src;
  char *error;
  GCancellable *cancellable;
  guint8 *split_of;      /* (n_rows): 0 train, 1 validation, 2 test */
  guint32 **class_rows;  /* per class, the rows of that class */
  gsize *class_n;
  /* The PCA projection of a sample of rows, made on a worker thread. */
  gboolean pca_ready, pca_pending;
  guint32 *pca_rows;     /* (pca_n) */
  float *pca_xy;         /* (pca_n, 2) */
  gsize pca_n;
  double pca_explained[2];
  gboolean updating_drops;
  gboolean file_item;    /* the source list ends with the file in view */
};

/* bp-data-explorer-table.c */
/* Columns for the source's dataset and a model of its rows. */
void _bp_data_explorer_table_fill (BpDataExplorer *self);

/* bp-data-explorer-plots.c */
void _bp_data_explorer_plots_init (BpDataExplorer *self);
void _bp_data_explorer_plots_fill (BpDataExplorer *self);
void _bp_data_explorer_plots_clear (BpDataExplorer *self);

G_END_DECLS
