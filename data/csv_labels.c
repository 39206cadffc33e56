/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV labels -> classes (in natural order of their text, or by value) or regression targets. */
#define _GNU_SOURCE /* qsort_r */
#include "data/csv_loader.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Classes from label text, in natural order ("2" < "10", "cat" < "dog"): the same labels give
 * the same class numbers whatever order the rows come in (a train and a test file agree). */
static int
cmp_ids (const void *a, const void *b, void *ctx)
{
  const bp_csv_interner *t = ctx;
  return bp_data_natural_cmp (t->strs[*(const int *) a], t->strs[*(const int *) b]);
}

/* 1: the labels are classes, 0: regression targets, -1: error (out of memory). With numeric
 * labels, *sorted holds their n_distinct distinct values in increasing order. */
static int
use_classes (const bp_csv_loader *L, size_t *n_distinct, double **sorted, char *err,
             size_t errlen)
{
  *sorted = NULL;
  *n_distinct = 0;
  if (L->any_text_label)
    return L->opt->task != BP_CSV_TASK_REGRESSION;
  double *v = malloc ((L->rows > 0 ? L->rows : 1) * sizeof *v);
  if (v == NULL)
    {
      bp_data_err (err, errlen, "%s: out of memory", L->name);
      return -1;
    }
  memcpy (v, L->label_value, L->rows * sizeof *v);
  qsort (v, L->rows, sizeof *v, cmp_double);
  size_t k = 0;
  bool whole = true;
  for (size_t i = 0; i < L->rows; i++)
    {
      if (i == 0 || v[i] != v[k - 1])
        v[k++] = v[i];
      whole = whole && v[i] == floor (v[i]);
    }
  *sorted = v;
  *n_distinct = k;
  if (L->opt->task == BP_CSV_TASK_CLASSIFICATION)
    return 1;
  if (L->opt->task == BP_CSV_TASK_REGRESSION)
    return 0;
  return whole && k <= BP_CSV_AUTO_MAX_CLASSES;
}

/* Class numbers for text labels: the natural order of the distinct texts. */
static int
classes_from_text (const bp_csv_loader *L, bp_dataset *ds, int32_t *labels)
{
  const size_t k = (size_t) (L->labels.n > 0 ? L->labels.n : 1);
  int *order = malloc (k * sizeof *order), *rank = malloc (k * sizeof *rank);
  int rc = order != NULL && rank != NULL ? 0 : -1;
  for (int c = 0; rc == 0 && c < L->labels.n; c++)
    order[c] = c;
  if (rc == 0)
    qsort_r (order, (size_t) L->labels.n, sizeof *order, cmp_ids, (void *) &L->labels);
  for (int c = 0; rc == 0 && c < L->labels.n; c++)
    {
      rank[order[c]] = c;
      rc = bp_dataset_set_class_name (ds, c, L->labels.strs[order[c]]);
    }
  for (size_t i = 0; rc == 0 && i < L->rows; i++)
    labels[i] = rank[L->label_id[i]];
  free (order);
  free (rank);
  return rc;
}

/* Class numbers for numeric labels: the rank of the value among the k sorted distinct ones. */
static int
classes_from_values (const bp_csv_loader *L, bp_dataset *ds, const double *sorted, size_t k,
                     int32_t *labels)
{
  for (size_t c = 0; c < k; c++)
    {
      char name[32];
      snprintf (name, sizeof name, "%.9g", sorted[c]);
      if (bp_dataset_set_class_name (ds, (int) c, name) != 0)
        return -1;
    }
  for (size_t i = 0; i < L->rows; i++)
    {
      const double *at = bsearch (&L->label_value[i], sorted, k, sizeof *sorted, cmp_double);
      labels[i] = (int32_t) (at - sorted);
    }
  return 0;
}

/* Header names for the features and the target ("column N" for an empty one). */
static int
set_names (const bp_csv_loader *L, bp_dataset *ds)
{
  if (L->header == NULL)
    return 0;
  for (int j = 0, f = 0; j < L->n_cols; j++)
    {
      char fallback[32];
      const char *h = L->header[j];
      if (h[0] == '\0')
        {
          snprintf (fallback, sizeof fallback, "column %d", j + 1);
          h = fallback;
        }
      int rc = 0;
      if (j != L->label_col)
        rc = bp_dataset_set_feature_name (ds, f++, h);
      else if (ds->task == BP_TASK_REGRESSION)
        rc = bp_dataset_set_target_name (ds, 0, h);
      if (rc != 0)
        return -1;
    }
  return 0;
}

bp_dataset *
bp_csv_loader_finish (bp_csv_loader *L, char *err, size_t errlen)
{
  size_t k = 0;
  double *sorted = NULL;
  bp_dataset *ds = NULL;
  int classes = use_classes (L, &k, &sorted, err, errlen);
  if (classes < 0)
    return NULL;
  if (!classes && L->any_text_label)
    {
      bp_data_err (err, errlen, "%s:%zu:%d: label '%s' is not a number (regression needs "
                   "numbers)", L->name, L->text_line, L->text_col, L->text_label);
      goto out;
    }
  if (classes && L->any_text_label && L->labels_full)
    {
      bp_data_err (err, errlen, "%s:%zu: more than %d distinct labels: too many classes (is the "
                   "label column the right one?)", L->name, L->full_line, BP_DATASET_MAX_CLASSES);
      goto out;
    }
  if (classes && !L->any_text_label && k > BP_DATASET_MAX_CLASSES)
    {
      bp_data_err (err, errlen, "%s: %zu distinct labels: more than the %d classes allowed (is "
                   "the label column the right one?)", L->name, k, BP_DATASET_MAX_CLASSES);
      goto out;
    }
  const int n_classes = L->any_text_label ? L->labels.n : (int) k;
  ds = bp_dataset_new (0, L->n_cols - 1, BP_FEATURES_F32,
                       classes ? BP_TASK_CLASSIFICATION : BP_TASK_REGRESSION,
                       classes ? n_classes : 1, err, errlen);
  if (ds == NULL)
    goto out;
  const size_t rows1 = L->rows > 0 ? L->rows : 1;
  int rc;
  if (classes)
    {
      ds->labels = malloc (rows1 * sizeof *ds->labels);
      rc = ds->labels == NULL ? -1
           : L->any_text_label ? classes_from_text (L, ds, ds->labels)
                               : classes_from_values (L, ds, sorted, k, ds->labels);
    }
  else
    {
      ds->targets = malloc (rows1 * sizeof *ds->targets);
      rc = ds->targets == NULL ? -1 : 0;
      for (size_t i = 0; rc == 0 && i < L->rows; i++)
        ds->targets[i] = (float) L->label_value[i];
    }
  if (rc != 0 || set_names (L, ds) != 0)
    {
      bp_dataset_free (ds);
      ds = NULL;
      bp_data_err (err, errlen, "%s: out of memory", L->name);
      goto out;
    }
  /* The features were parsed straight into their final array: trim it and hand it over. */
  float *x = realloc (L->x, rows1 * (size_t) (L->n_cols - 1) * sizeof *x);
  ds->x_f32 = x != NULL ? x : L->x;
  L->x = NULL;
  ds->n_rows = ds->capacity_rows = L->rows;
out:
  free (sorted);
  return ds;
}
