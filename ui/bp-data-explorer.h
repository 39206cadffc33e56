/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data explorer page: any dataset Backprop can load (the built-ins, a CSV or IDX file
 * opened or dropped on the window) as a table of every row (virtualised: 70 000 rows scroll as
 * quickly as 150), a histogram of each feature by class, a scatter plot of any two features or
 * of the PCA projection coloured by class, the class balance, the split sizes, the column types
 * and anything the loader had to say; for images, a grid of samples per class. "train" asks
 * for the dashboard to train on what is shown. */
#pragma once

#include <gtk/gtk.h>

#include "bp-data-explorer-source.h"

G_BEGIN_DECLS

#define BP_TYPE_DATA_EXPLORER (bp_data_explorer_get_type ())
G_DECLARE_FINAL_TYPE (BpDataExplorer, bp_data_explorer, BP, DATA_EXPLORER, GtkWidget)

GtkWidget *bp_data_explorer_new (void);

/* Loads a built-in name or a file in the background and shows it (or the error);
 * done (BpDataExplorer *, gpointer user_data), may be NULL, is called when it is on view. */
void bp_data_explorer_load (BpDataExplorer *self, const char *source, GCallback done,
                            gpointer user_data);
void bp_data_explorer_open_file (BpDataExplorer *self, GFile *file);
/* Shows a dataset already loaded. */
void bp_data_explorer_set_source (BpDataExplorer *self, BpDataSource *src);
BpDataSource *bp_data_explorer_get_source (BpDataExplorer *self);
/* The message of the last load that failed, or NULL. */
const char *bp_data_explorer_get_error (BpDataExplorer *self);

/* "table", "features", "scatter" or "images". */
void bp_data_explorer_show_view (BpDataExplorer *self, const char *view);
/* Feature j in the histogram view. */
void bp_data_explorer_set_feature (BpDataExplorer *self, int j);
/* The scatter's axes: a feature index, or BP_EXPLORER_PCA1 / BP_EXPLORER_PCA2. */
#define BP_EXPLORER_PCA1 (-1)
#define BP_EXPLORER_PCA2 (-2)
void bp_data_explorer_set_scatter (BpDataExplorer *self, int x, int y);

/* The parts, for tests: "table", "feature-chart", "scatter-chart", "images", "balance",
 * "split", "columns", "info", "note", "scatter-note". */
GtkWidget *bp_data_explorer_get_part (BpDataExplorer *self, const char *name);

G_END_DECLS
