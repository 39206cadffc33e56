/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The numbers behind the charts, in plain C (no GLib, no GTK) so they test without a display:
 * TensorBoard's debiased exponential smoothing, a min/max pyramid that answers "lowest and
 * highest value between two indices" in O(log n), decimation of a series to one column per
 * pixel, and axis ticks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- smoothing ---- */

/* TensorBoard's smoothing (tensorboard/components/vz_line_chart2/line-chart.ts): an
 * exponential moving average started at 0 and divided by 1 - w^k after k finite values, so the
 * first values are not pulled towards 0. Non-finite values pass through unchanged and do not
 * advance the average. TensorBoard also leaves a series whose values are all equal as it is;
 * the debiased average of a constant is that constant, so the result agrees up to rounding.
 * The state lets a live series be smoothed as it grows. */
typedef struct bp_smooth_state {
  double last;  /* the biased average */
  uint64_t n;   /* finite values seen */
} bp_smooth_state;

/* Smooths y[0..n) into out[0..n) (may be the same array), continuing from *st (zeroed for a new
 * series). weight in [0, 1): 0 leaves the values as they are. */
void bp_smooth_debiased (bp_smooth_state *st, double weight, const float *y, size_t n,
                         float *out);

/* ---- the min/max pyramid ---- */

/* Level k holds the min and max of the finite values of each complete block of
 * 2^(BP_PYRAMID_BASE + k) points; blocks with no finite value hold +inf/-inf. Appending points
 * fills the levels incrementally, so a live series keeps its pyramid up to date in O(1)
 * amortised per point. */
#define BP_PYRAMID_BASE 5
#define BP_PYRAMID_LEVELS 24

typedef struct bp_pyramid_level {
  float *min, *max;
  size_t n, cap;
} bp_pyramid_level;

typedef struct bp_pyramid {
  bp_pyramid_level level[BP_PYRAMID_LEVELS];
} bp_pyramid;

/* The pyramid of y[0..n) after points were appended to y: it reads the points it has not seen.
 * Returns 0, or -1 when memory is short (the pyramid then covers fewer points; queries stay
 * correct because they scan what the levels do not cover). */
int bp_pyramid_update (bp_pyramid *p, const float *y, size_t n);
void bp_pyramid_clear (bp_pyramid *p);

/* Min and max of the finite values of y[a..b) (+inf/-inf when there are none). p may be NULL
 * (plain scan). n is the series length. */
void bp_pyramid_minmax (const bp_pyramid *p, const float *y, size_t n, size_t a, size_t b,
                        float *min, float *max);

/* ---- decimation ---- */

/* What one pixel column of a line chart shows: the values of the points whose x falls in it. */
typedef struct bp_column {
  uint32_t n;        /* points in the column (0: nothing to draw) */
  float first, last; /* values of its first and last point, in x order */
  float min, max;    /* of its finite values (+inf/-inf when none are finite) */
  size_t i_first;    /* index of the first point */
} bp_column;

/* Splits [x0, x1) into `columns` equal columns and fills out[columns] for the series
 * (x[i], y[i]), i < n, whose x never decreases. The pyramid (may be NULL) makes each column
 * cost O(log n) instead of O(points). Returns the number of points inside [x0, x1). */
size_t bp_decimate (const double *x, const float *y, size_t n, const bp_pyramid *p, double x0,
                    double x1, int columns, bp_column *out);

/* The same with explicit column edges: column c covers [edges[c], edges[c + 1]) (the last one
 * closed), edges non-decreasing, columns + 1 of them (for log axes, whose columns are equal in
 * log space). */
size_t bp_decimate_edges (const double *x, const float *y, size_t n, const bp_pyramid *p,
                          const double *edges, int columns, bp_column *out);

/* First index i with x[i] >= v in a non-decreasing x[0..n) (n when none). */
size_t bp_lower_bound (const double *x, size_t n, double v);

/* ---- histograms ---- */

/* Bins for a histogram of the finite values of v[0..n) (any order): returns how many
 * (between 1 and max_bins) of equal width cover [*lo, *hi]. As many as Freedman–Diaconis's
 * width asks for (Sturges' count when the interquartile range is 0), clamped to
 * [min_bins, max_bins]; for values on a grid (min + k * step: whole numbers, tenths, k / 255)
 * then fewer, so that each bin holds the same whole number of grid points, centred on them
 * (one point a bin when there are enough values for that). Other values get bins over
 * [min, max]. One value alone gets one bin a unit wide about it. */
int bp_hist_bins (const double *v, size_t n, int min_bins, int max_bins, double *lo, double *hi);

/* ---- axes ---- */

/* A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` intervals. */
double bp_nice_step (double range, int target);

/* Ticks inside [lo, hi] at a nice step for about `target` intervals; writes at most cap values
 * to ticks and returns how many. *step gets the step. */
int bp_linear_ticks (double lo, double hi, int target, double *ticks, int cap, double *step);

/* Ticks for a log10 axis over [lo, hi] (lo > 0): the powers of ten inside, and 2x and 5x
 * between them when fewer than three powers fit. Returns how many. */
int bp_log_ticks (double lo, double hi, double *ticks, int cap);

/* A short label for tick value v on an axis whose ticks are `step` apart: as few decimals as
 * the step needs, k/M suffixes for large round numbers ("25k", "1.5M"), exponents for tiny
 * or huge ones. */
void bp_format_tick (double v, double step, char *buf, size_t len);

/* A value for a hover read-out: 4 to 6 significant digits. */
void bp_format_value (double v, char *buf, size_t len);
