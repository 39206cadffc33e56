/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Train/validation/test splits as row indices into one dataset (nothing is copied). */
#pragma once

#include "data/dataset.h"

typedef struct bp_split {
  uint32_t *train, *val, *test;
  uint32_t n_train, n_val, n_test;
} bp_split;

/* The split the window gives a dataset that comes without one (the Data page, and through it
 * the dashboard's runs), and the one the shipped templates for tabular data use (iris-mlp.json,
 * so the Builder shows the same sizes): 60 % training, 20 % validation, 20 % test, seed 1,
 * stratified by class. Why 60/20/20: the window's evaluation (confusion matrix, per-class
 * scores) needs test rows that early stopping never looked at, a fifth keeps a usable test
 * set on small files (Iris: 30 rows, so one mistake is 3.3 %), and the validation share is
 * the same 0.2 as backprop-train's. docs/data.md says the same. */
#define BP_SPLIT_WINDOW_VAL_RATIO 0.2
#define BP_SPLIT_WINDOW_TEST_RATIO 0.2
#define BP_SPLIT_WINDOW_SEED 1
/* backprop-train's split without --val-ratio/--test-ratio, and an experiment file's without
 * "split": 80 % training, 20 % validation checked every epoch, no test rows unless asked
 * (--test-ratio): the command line reports validation per epoch and has no evaluation page,
 * and existing experiment files keep their meaning. */
#define BP_SPLIT_CLI_VAL_RATIO 0.2
#define BP_SPLIT_CLI_TEST_RATIO 0.0

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
