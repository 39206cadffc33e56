/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground page: a small network learning a 2-D dataset, live. Owns the data, the
 * network settings and the training session; the window's play / step / reset go through it. */
#pragma once

#include <gtk/gtk.h>

#include "bp-data-panel.h"
#include "bp-heatmap.h"
#include "bp-hyper-bar.h"
#include "bp-loss-chart.h"
#include "bp-network-view.h"

G_BEGIN_DECLS

#define BP_TYPE_PLAYGROUND (bp_playground_get_type ())
G_DECLARE_FINAL_TYPE (BpPlayground, bp_playground, BP, PLAYGROUND, GtkWidget)

typedef void (*BpPlaygroundStepsDone) (BpPlayground *self, gpointer user_data);

GtkWidget *bp_playground_new (void);

gboolean bp_playground_get_running (BpPlayground *self);
void bp_playground_set_running (BpPlayground *self, gboolean running);
/* One optimizer step (while paused). */
void bp_playground_step (BpPlayground *self);
/* New initial weights from the seed; training counters back to zero; paused. */
void bp_playground_reset (BpPlayground *self);
/* Trains n steps, then calls done once the views show the result. */
void bp_playground_run_steps (BpPlayground *self, int n, BpPlaygroundStepsDone done,
                              gpointer user_data);

/* Points from a CSV file (two numeric features, then a class or a value); the old points stay
 * when it fails (FALSE, and the message also goes out as "message"). */
gboolean bp_playground_load_csv (BpPlayground *self, const char *path, GError **error);

gint64 bp_playground_get_epoch (BpPlayground *self);
gint64 bp_playground_get_step (BpPlayground *self);
double bp_playground_get_samples_per_second (BpPlayground *self);
/* Loss of the last finished epoch on the training and test points (NaN before one). */
double bp_playground_get_train_loss (BpPlayground *self);
double bp_playground_get_test_loss (BpPlayground *self);
/* Over the current run: epochs and steps per second of training time. */
void bp_playground_get_training_rate (BpPlayground *self, double *epochs_per_s,
                                      double *steps_per_s);

/* The hidden layer sizes (n_hidden of them) in force. */
int bp_playground_get_hidden_layers (BpPlayground *self, int *sizes, int max);
/* The error of the last failed change, or NULL. */
const char *bp_playground_get_last_error (BpPlayground *self);

/* The parts, for tests and the window. */
BpHeatmap *bp_playground_get_heatmap (BpPlayground *self);
BpNetworkView *bp_playground_get_network_view (BpPlayground *self);
BpLossChart *bp_playground_get_loss_chart (BpPlayground *self);
BpDataPanel *bp_playground_get_data_panel (BpPlayground *self);
BpHyperBar *bp_playground_get_hyper_bar (BpPlayground *self);
/* The points (raw coordinates and labels) as the heatmap shows them. */
const BpHeatmapPoint *bp_playground_get_points (BpPlayground *self, guint *n);

G_END_DECLS
