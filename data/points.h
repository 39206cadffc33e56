/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Points a person adds or removes by hand (the window's dataset editor). Only float datasets
 * take new points; rows keep their order (a removal shifts the later rows up). */
#pragma once

#include "data/dataset.h"

/* Appends one row: x (n_features), and label (classification, in [0, n_classes)) or targets
 * (regression, n_targets values; the label is ignored). Storage grows by doubling. Values must
 * be finite. Returns the new row's index, or -1 with a message. */
long bp_dataset_add_point (bp_dataset *ds, const float *x, int32_t label, const float *targets,
                           char *err, size_t errlen);

/* Removes row i (shifting later rows up). Returns 0, or -1 when i is out of range. */
int bp_dataset_remove_row (bp_dataset *ds, size_t i);

/* The row nearest to x in the first two features (Euclidean, ties to the lower index) that lies
 * within max_dist (a negative max_dist means any distance), or -1 when there is none. */
long bp_dataset_nearest (const bp_dataset *ds, float x1, float x2, float max_dist);

/* bp_dataset_nearest, then bp_dataset_remove_row: returns the removed index or -1. */
long bp_dataset_remove_nearest (bp_dataset *ds, float x1, float x2, float max_dist);
