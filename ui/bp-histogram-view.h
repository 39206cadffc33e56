/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpHistogramView: how one tensor's values (a layer's weights, biases, gradients or
 * activations) spread and move during training, from the session's histogram history.
 * Three looks, as TensorBoard's: "offset" (a ridgeline: one histogram per recorded step, later
 * steps lower, in front and darker), "overlay" (all on one baseline) and "bands" (percentiles
 * over steps: min-max, ±1.5σ, ±1σ, ±0.5σ bands and the median). Bins are adjustable (the
 * recorded histograms are re-binned onto one common range), and a step range picks what to
 * look at. */
#pragma once

#include <gtk/gtk.h>

#include "engine/snapshot.h"

G_BEGIN_DECLS

#define BP_TYPE_HISTOGRAM_VIEW (bp_histogram_view_get_type ())
G_DECLARE_FINAL_TYPE (BpHistogramView, bp_histogram_view, BP, HISTOGRAM_VIEW, GtkWidget)

typedef enum {
  BP_HISTOGRAM_OFFSET,
  BP_HISTOGRAM_OVERLAY,
  BP_HISTOGRAM_BANDS,
} BpHistogramMode;

GtkWidget *bp_histogram_view_new (void);

void bp_histogram_view_clear (BpHistogramView *self);
/* One recorded histogram (copied); steps should not decrease. */
void bp_histogram_view_append (BpHistogramView *self, guint64 step, const bp_histogram *h);
guint bp_histogram_view_get_n_entries (BpHistogramView *self);

void bp_histogram_view_set_title (BpHistogramView *self, const char *title);
/* "mode" property. */
void bp_histogram_view_set_mode (BpHistogramView *self, BpHistogramMode mode);
BpHistogramMode bp_histogram_view_get_mode (BpHistogramView *self);
/* "bins" property: bins drawn, 0 for as recorded. */
void bp_histogram_view_set_bins (BpHistogramView *self, int bins);
int bp_histogram_view_get_bins (BpHistogramView *self);
/* Only steps in [first, last] (last 0: to the newest). */
void bp_histogram_view_set_step_range (BpHistogramView *self, guint64 first, guint64 last);

/* What is drawn for the i-th shown histogram (oldest first): its step, the common value range
 * and its counts in the bins drawn (room for 256). FALSE past the end. */
gboolean bp_histogram_view_get_shown (BpHistogramView *self, guint i, guint64 *step, double *lo,
                                      double *hi, int *n_bins, double *counts);
guint bp_histogram_view_get_n_shown (BpHistogramView *self);
/* What the view says in place of histograms when it shows none (nothing recorded, or the step
 * range hides them all), or NULL when it shows some. */
const char *bp_histogram_view_get_note (BpHistogramView *self);

G_END_DECLS
