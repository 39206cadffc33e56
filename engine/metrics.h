/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Evaluation metrics on predictions the caller already has. */
#pragma once

#include <stdint.h>

/* Index of the largest of v[0..n) (first one on ties). */
int bp_argmax (const float *v, int n);

/* cm[label * k + pred] += 1 for each of n rows of probs/logits (n, k). */
void bp_confusion_add (int64_t *cm, int k, const float *out, const int32_t *labels, int n);

typedef struct bp_regression_metrics {
  double mse, mae, r2;
} bp_regression_metrics;

/* Over n*dim values; r2 = 1 - SS_res / SS_tot per output, averaged over outputs. */
bp_regression_metrics bp_regression_metrics_compute (const float *pred, const float *target,
                                                     int n, int dim);
