/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a dataset holds, in numbers: per-feature (or per-target) min, max, mean, standard
 * deviation and histogram; class counts. rows == NULL means every row. */
#pragma once

#include "data/dataset.h"

typedef struct bp_feature_stats {
  double min, max;
  double mean;
  double std; /* population standard deviation */
} bp_feature_stats;

/* Statistics of every feature over the given rows into out (n_features). Exact for uint8
 * storage (integer sums), two-pass in double for floats. Returns 0, or -1 when out of memory.
 * With no rows, every field is 0. */
int bp_dataset_feature_stats (const bp_dataset *ds, const uint32_t *rows, size_t n,
                              bp_feature_stats *out);

/* The same for regression targets into out (n_targets). Returns -1 for classification. */
int bp_dataset_target_stats (const bp_dataset *ds, const uint32_t *rows, size_t n,
                             bp_feature_stats *out);

/* Histogram of feature j over [lo, hi] in n_bins equal bins (values outside are clamped into
 * the end bins; hi == lo puts everything in bin 0). counts gets n_bins entries. */
void bp_dataset_histogram (const bp_dataset *ds, int j, const uint32_t *rows, size_t n,
                           double lo, double hi, int n_bins, uint32_t *counts);

/* Rows per class into counts (n_classes). Returns the number of rows counted. */
size_t bp_dataset_class_counts (const bp_dataset *ds, const uint32_t *rows, size_t n,
                                size_t *counts);
