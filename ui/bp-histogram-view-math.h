/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Histograms over time, in numbers (plain C, no GLib/GTK): re-binning a snapshot histogram
 * onto a common range and bin count, and reading percentiles from one, as TensorBoard's
 * distributions do. */
#pragma once

#include "engine/snapshot.h"

#include <stddef.h>
#include <stdint.h>

/* The percentiles TensorBoard's distribution view draws (basis points): the normal
 * distribution's -inf, -1.5σ, -1σ, -0.5σ, median, +0.5σ, +1σ, +1.5σ, +inf. */
#define BP_HIST_N_BANDS 9
extern const double bp_hist_band_q[BP_HIST_N_BANDS];

/* Spreads h's counts over n_bins equal bins on [lo, hi), each old bin's count shared in
 * proportion to how much of it falls in each new bin (counts are taken as even inside a bin;
 * h's first and last bins hold the values clamped into them). Counts outside [lo, hi) go to
 * the end bins. out gets n_bins values; their sum is the sum of h's counts. */
void bp_hist_rebin (const bp_histogram *h, double lo, double hi, int n_bins, double *out);

/* The value below which a share q (0..1) of h's values lie, by linear interpolation inside
 * the bins, clamped to [h->min, h->max]; q = 0 gives min and q = 1 max. NaN when h is empty. */
double bp_hist_percentile (const bp_histogram *h, double q);

/* Ticks for a step axis over [s0, s1]: whole steps only, at a nice spacing (1, 2 or 5 times a
 * power of ten, at least 1) for about `target` intervals. Writes at most cap values and returns
 * how many. */
int bp_hist_step_ticks (double s0, double s1, int target, double *ticks, int cap);

/* What the view says when it draws nothing: that nothing was recorded (n_entries 0), or that
 * the step range [from, to] (to 0: no upper end) hides the n_entries recorded from step
 * first to step last, and how to show them again. */
void bp_hist_empty_note (unsigned n_entries, uint64_t first, uint64_t last, uint64_t from,
                         uint64_t to, char *buf, size_t len);
