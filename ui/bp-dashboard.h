/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard page: live learning curves (loss, accuracy, learning rate) of every run,
 * histograms of weights, gradients and activations over time, a dense layer's weight matrix,
 * an evaluation on the test rows (confusion matrix, per-class precision/recall/F1, the examples
 * it got wrong, or regression plots), the runs side by side, and a drawing pad for 28x28 image
 * data. It trains its own network on the data the explorer loaded; without one it follows the
 * window's session (the playground's). It reads everything from a frame-clock tick that runs
 * only while the page is on screen. */
#pragma once

#include <gtk/gtk.h>

#include "bp-chart.h"
#include "bp-dashboard-training.h"
#include "bp-data-explorer-source.h"

G_BEGIN_DECLS

#define BP_TYPE_DASHBOARD (bp_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (BpDashboard, bp_dashboard, BP, DASHBOARD, GtkWidget)

GtkWidget *bp_dashboard_new (void);

/* The data the next run trains on (the explorer's); the settings become its defaults. */
void bp_dashboard_set_source (BpDashboard *self, BpDataSource *src);
BpDataSource *bp_dashboard_get_source (BpDashboard *self);
/* Starts a new run on the source with the settings in the toolbar (FALSE and an error when
 * the network cannot be built); it trains at once when play is TRUE. */
gboolean bp_dashboard_new_run (BpDashboard *self, gboolean play, GError **error);
/* Loads the default data (Fashion-MNIST when installed, else the 8x8 digits) if there is no
 * source yet, then starts a run; done (may be NULL) is called when it has started. */
void bp_dashboard_train_default (BpDashboard *self, gboolean play, GCallback done,
                                 gpointer user_data);

BpDashboardTraining *bp_dashboard_get_training (BpDashboard *self);
/* Reads the sessions and updates every view now (the tick does this each frame). */
void bp_dashboard_refresh (BpDashboard *self);
/* Shows a part: "training", "convolutions", "evaluation", "runs" or "draw". */
void bp_dashboard_show_part (BpDashboard *self, const char *part);
/* Evaluates the network as it is now; done(self, user_data) when the views show the result. */
void bp_dashboard_evaluate (BpDashboard *self, GCallback done, gpointer user_data);
/* Copies the weights for the heatmap and the drawing pad now (asynchronously). */
void bp_dashboard_refresh_model (BpDashboard *self);
/* The last copy of the network (weights, evaluation), or NULL. */
BpModelView *bp_dashboard_get_model_view (BpDashboard *self);

/* The parts, for tests. */
BpChart *bp_dashboard_get_loss_chart (BpDashboard *self);
GtkWidget *bp_dashboard_get_part (BpDashboard *self, const char *name);

G_END_DECLS
