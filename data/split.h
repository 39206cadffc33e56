/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Train/validation/test splits as row indices into one dataset (nothing is copied). */
#pragma once

#include "data/dataset.h"

typedef struct bp_split {
  uint32_t *train, *val, *test;
  uint32_t n_train, n_val, n_test;
} bp_split;

/* Shuffles rows with seed and cuts val_ratio and test_ratio off (ratios in [0, 1), sum < 1);
 * stratified per class for classification. Returns 0, or -1 with a message. */
int bp_split_make (const bp_dataset *ds, double val_ratio, double test_ratio, uint64_t seed,
                   bp_split *out, char *err, size_t errlen);
void bp_split_free (bp_split *s);

typedef enum bp_scaling {
  BP_SCALING_NONE,
  BP_SCALING_STANDARD, /* zero mean, unit variance (population std; std 0 -> scale 1) */
  BP_SCALING_MINMAX,   /* to [0, 1] (range 0 -> scale 1) */
} bp_scaling;

/* Statistics from the given rows only (the training part). Returns 0 or -1 (out of memory). */
int bp_scaler_fit (const bp_dataset *ds, const uint32_t *rows, uint32_t n, bp_scaling how,
                   bp_scaler *out);
void bp_scaler_free (bp_scaler *sc);
