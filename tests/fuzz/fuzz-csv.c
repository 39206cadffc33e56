/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the CSV loader on arbitrary bytes. The first byte picks the options (so
 * every path is reachable: delimiters, header modes, label choice, task, dropping rows); what
 * loads must be a consistent dataset, and the statistics, split, scaler and gather must run on
 * it without a sanitizer report. Build and run with tests/fuzz/run.sh csv SECONDS. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/split.h"
#include "data/stats.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (int ok)
{
  if (!ok)
    abort ();
}

static void
exercise (const bp_dataset *ds)
{
  check (ds->n_rows > 0 && ds->n_features >= 1);
  check (ds->x_f32 != NULL && ds->storage == BP_FEATURES_F32);
  for (size_t i = 0; i < ds->n_rows * (size_t) ds->n_features; i++)
    check (isfinite (ds->x_f32[i]));
  for (int j = 0; j < ds->n_features; j++)
    check (ds->feature_names[j] != NULL);
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      check (ds->n_classes >= 1 && ds->n_classes <= BP_DATASET_MAX_CLASSES);
      for (size_t i = 0; i < ds->n_rows; i++)
        check (ds->labels[i] >= 0 && ds->labels[i] < ds->n_classes);
      for (int c = 0; c < ds->n_classes; c++)
        check (ds->class_names[c] != NULL);
    }
  else
    for (size_t i = 0; i < ds->n_rows; i++)
      check (isfinite (ds->targets[i]));

  bp_feature_stats *st = calloc ((size_t) ds->n_features, sizeof *st);
  check (st != NULL && bp_dataset_feature_stats (ds, NULL, 0, st) == 0);
  for (int j = 0; j < ds->n_features; j++)
    check (st[j].min <= st[j].max && st[j].std >= 0);
  uint32_t hist[8];
  bp_dataset_histogram (ds, 0, NULL, 0, st[0].min, st[0].max, 8, hist);
  free (st);

  bp_split s;
  char err[256];
  check (bp_split_make (ds, 0.2, 0.1, 1, &s, err, sizeof err) == 0);
  check ((size_t) s.n_train + s.n_val + s.n_test == ds->n_rows);
  bp_scaler sc;
  check (bp_scaler_fit (ds, s.train, s.n_train, BP_SCALING_STANDARD, &sc) == 0);
  uint32_t n = s.n_train < 8 ? s.n_train : 8;
  float *x = malloc ((size_t) n * (size_t) ds->n_features * sizeof *x + 1);
  int32_t labels[8];
  float targets[8];
  bp_dataset_gather (ds, &sc, s.train, (int) n, x, labels, targets);
  free (x);
  bp_scaler_free (&sc);
  bp_split_free (&s);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  static const char delims[4] = { 0, ',', ';', '\t' };
  static const char *const labels[8] = { NULL, "1", "-1", "2", "label", "-2", "0", "x1" };
  const uint8_t o = data[0];
  bp_csv_options opts = {
    .delimiter = delims[o & 3],
    .header = (bp_csv_header) ((o >> 2) % 3),
    .label = labels[(o >> 4) & 7],
    .task = (bp_csv_task) ((o >> 6) % 3),
    .drop_bad_rows = (o & 0x80) != 0,
    .max_bytes = 1 << 20,
  };
  char err[512];
  bp_csv_info info;
  bp_dataset *ds = bp_csv_load_buffer ((const char *) data + 1, size - 1, "fuzz.csv", &opts,
                                       &info, err, sizeof err);
  if (ds != NULL)
    exercise (ds);
  else
    check (strncmp (err, "fuzz.csv", 8) == 0); /* every failure names the input */
  bp_dataset_free (ds);
  return 0;
}
