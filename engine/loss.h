/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Losses on the network's raw output ("logits" for the cross-entropies). */
#pragma once

#include "engine/spec.h"
#include <stdint.h>

/* What a loss compares the output with: float targets (batch, dim) for MSE, Huber and BCE,
 * integer class labels (batch) for cross-entropy. */
typedef struct bp_loss_target {
  const float *targets;
  const int32_t *labels;
} bp_loss_target;

/* What bp_loss_compute returns for cross-entropy when a label is outside [0, dim): no loss
 * is negative, so it cannot be mistaken for one. Such a label is never used as an index and
 * its gradient row is zero. */
#define BP_LOSS_BAD_LABEL (-1.0)

/* Mean loss over the batch (and over outputs for MSE, Huber and BCE, as PyTorch's 'mean').
 * When grad is not NULL it receives d(mean loss)/d(out), shape (batch, dim), overwritten. */
double bp_loss_compute (bp_loss_kind kind, float huber_delta, const float *out,
                        bp_loss_target target, int batch, int dim, float *grad);

/* Number of correct predictions in the batch: argmax == label for cross-entropy, (out > 0)
 * == (target > 0.5) per output for BCE; -1 for regression losses. */
int bp_loss_count_correct (bp_loss_kind kind, const float *out, bp_loss_target target,
                           int batch, int dim);
