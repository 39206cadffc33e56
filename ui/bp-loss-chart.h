/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Train and test loss against epochs, with axes and a hover readout. Takes any number of
 * points: they are folded into at most a few thousand min/max buckets as they arrive, so
 * drawing costs the same after ten epochs or ten million. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_LOSS_CHART (bp_loss_chart_get_type ())
G_DECLARE_FINAL_TYPE (BpLossChart, bp_loss_chart, BP, LOSS_CHART, GtkWidget)

typedef enum {
  BP_LOSS_SERIES_TRAIN,
  BP_LOSS_SERIES_TEST,
  BP_LOSS_SERIES_COUNT
} BpLossSeries;

GtkWidget *bp_loss_chart_new (void);

/* One point at x (epochs, increasing); a NaN value leaves that series out at x. The chart
 * redraws in the frame the points came in: append in the frames the chart may change. */
void bp_loss_chart_append (BpLossChart *self, double x, double train, double test);
void bp_loss_chart_clear (BpLossChart *self);

guint64 bp_loss_chart_get_n_points (BpLossChart *self, BpLossSeries series);
/* The latest value of a series (NaN when it has none). */
double bp_loss_chart_get_last (BpLossChart *self, BpLossSeries series);

/* What the readout says for a pointer at widget x (NULL outside the plot or with no data);
 * the same text the chart draws while hovering. */
char *bp_loss_chart_readout_at (BpLossChart *self, double widget_x);

G_END_DECLS
