/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One dataset type for the engine, the window and the command line. Rows are samples,
 * features are stored compactly (uint8 images stay uint8 and become float per batch). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bp_feature_storage {
  BP_FEATURES_F32, /* x_f32: (n_rows, n_features) */
  BP_FEATURES_U8,  /* x_u8:  (n_rows, n_features); value = byte * u8_scale */
} bp_feature_storage;

typedef enum bp_task {
  BP_TASK_CLASSIFICATION, /* labels[n_rows] in [0, n_classes) */
  BP_TASK_REGRESSION,     /* targets: (n_rows, n_targets) */
} bp_task;

typedef struct bp_dataset {
  char *name;   /* "spiral", "iris", "my.csv" */
  char *source; /* where it came from: a path, "built-in", "synthetic: seed 1, noise 0.1" */

  size_t n_rows;
  int n_features;
  bp_feature_storage storage;
  float *x_f32;
  uint8_t *x_u8;
  float u8_scale; /* 1/255 for images */
  char **feature_names; /* n_features strings */

  /* For images: rows are (channels, height, width), NCHW; all 0 otherwise. */
  int image_channels, image_height, image_width;

  bp_task task;
  int n_classes;
  char **class_names; /* n_classes strings */
  int32_t *labels;
  int n_targets;
  float *targets;
  char **target_names; /* n_targets strings */

  size_t capacity_rows; /* rows allocated (points added by hand grow this) */
} bp_dataset;

/* Bounds that keep a hostile file from asking for absurd memory. */
#define BP_DATASET_MAX_CLASSES  4096
#define BP_DATASET_MAX_FEATURES (1 << 20)
#define BP_DATASET_MAX_BYTES    ((size_t) 4 << 30) /* features + labels/targets */

/* An empty dataset of the given shape with zeroed storage; NULL when the size is absurd or
 * memory is short (err says which). */
bp_dataset *bp_dataset_new (size_t n_rows, int n_features, bp_feature_storage storage,
                            bp_task task, int n_classes_or_targets, char *err, size_t errlen);
void bp_dataset_free (bp_dataset *ds);
/* bp_dataset_new fills every name with a default ("x1".., "0".., "y"..), so names are never
 * NULL; these replace one (copying it). Return 0, or -1 when out of memory or out of range. */
int bp_dataset_set_text (bp_dataset *ds, const char *name, const char *source); /* NULL: keep */
int bp_dataset_set_feature_name (bp_dataset *ds, int j, const char *name);
int bp_dataset_set_class_name (bp_dataset *ds, int k, const char *name);
int bp_dataset_set_target_name (bp_dataset *ds, int k, const char *name);
/* Grows the row storage to hold at least capacity rows (n_rows is unchanged). */
int bp_dataset_reserve (bp_dataset *ds, size_t capacity, char *err, size_t errlen);

/* Feature j of row i as float. */
float bp_dataset_feature (const bp_dataset *ds, size_t i, int j);

/* Per-feature affine map applied when rows become floats: x' = (x - shift) * scale. */
typedef struct bp_scaler {
  int n_features;
  float *shift;
  float *scale;
} bp_scaler;

/* Copies rows[0..n) into x (n, n_features) as floats (scaled when scaler is not NULL), and
 * their labels or targets into labels (n) / targets (n, n_targets) when those are not NULL.
 * Never allocates: this is the per-batch path. */
void bp_dataset_gather (const bp_dataset *ds, const bp_scaler *scaler, const uint32_t *rows,
                        int n, float *x, int32_t *labels, float *targets);
