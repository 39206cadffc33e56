/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Evaluation reports from predictions: the confusion matrix of predicted classes, per-class
 * precision, recall and F1 with their macro and weighted averages (scikit-learn's
 * classification_report, zero_division=0), normalised matrices, and the rows behind a cell.
 * Plain arrays in and out; the model that made the predictions is the caller's business. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The predicted class of one output row: the arg max of k scores, or for a single sigmoid
 * output (k == 1) class 1 when the probability is above 0.5. */
int32_t bp_eval_predicted_class (const float *scores, int k);

/* cm[label * k + pred] += 1 for the n rows (labels outside [0, k) are skipped, predictions
 * outside it too). cm is k x k, rows are true classes, columns predicted ones. */
void bp_eval_confusion (int64_t *cm, int k, const int32_t *labels, const int32_t *pred,
                        size_t n);

typedef struct bp_class_scores {
  double precision; /* tp / (tp + fp): of the rows predicted as the class, the right ones */
  double recall;    /* tp / (tp + fn): of the rows of the class, the ones found */
  double f1;        /* 2 p r / (p + r) */
  int64_t support;  /* rows of the class */
} bp_class_scores;

typedef struct bp_class_report {
  double accuracy;        /* trace / total (0 when empty) */
  int64_t total;
  bp_class_scores macro;    /* plain mean over classes */
  bp_class_scores weighted; /* mean weighted by support */
} bp_class_report;

/* Fills per_class[k] and *report from cm. A ratio whose denominator is 0 is 0, as
 * scikit-learn's zero_division=0. */
void bp_eval_class_report (const int64_t *cm, int k, bp_class_scores *per_class,
                           bp_class_report *report);

typedef enum bp_cm_norm {
  BP_CM_COUNTS,    /* as counted */
  BP_CM_NORM_TRUE, /* each row sums to 1 (recall on the diagonal) */
  BP_CM_NORM_PRED, /* each column sums to 1 (precision on the diagonal) */
  BP_CM_NORM_ALL,  /* the matrix sums to 1 */
} bp_cm_norm;

/* out[k * k] = cm normalised as asked (rows or columns of zeros stay 0). */
void bp_eval_confusion_normalize (const int64_t *cm, int k, bp_cm_norm how, double *out);

/* The indices i < n with labels[i] == true_class and pred[i] == pred_class, in order, into
 * out (room for cap); returns how many there are (may exceed cap). */
size_t bp_eval_cell_rows (const int32_t *labels, const int32_t *pred, size_t n,
                          int32_t true_class, int32_t pred_class, uint32_t *out, size_t cap);

/* Regression: root mean squared error and R^2 of one output (targets and predictions of n
 * rows), and the residuals target - prediction into residuals (may be NULL). */
typedef struct bp_regression_report {
  double rmse, mae, r2;
} bp_regression_report;

void bp_eval_regression (const float *target, const float *pred, size_t n, float *residuals,
                         bp_regression_report *out);
