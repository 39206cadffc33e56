/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's data: raw 2-D points (from data/synth.h, edited by clicks), the feature
 * columns built from them (x1, x2, x1², x2², x1·x2, sin x1, sin x2), the train/test split and
 * the scaler. A session borrows the dataset, split and scaler: free the session before
 * changing or freeing a BpPgData. Plain struct, UI thread only. */
#pragma once

#include <glib.h>

#include "bp-heatmap.h"
#include "data/dataset.h"
#include "data/split.h"
#include "data/synth.h"

G_BEGIN_DECLS

typedef enum {
  BP_FEATURE_X1,
  BP_FEATURE_X2,
  BP_FEATURE_X1_SQ,
  BP_FEATURE_X2_SQ,
  BP_FEATURE_X1_X2,
  BP_FEATURE_SIN_X1,
  BP_FEATURE_SIN_X2,
  BP_N_FEATURES
} BpFeature;

#define BP_FEATURE_BIT(f) (1u << (f))
#define BP_FEATURES_DEFAULT (BP_FEATURE_BIT (BP_FEATURE_X1) | BP_FEATURE_BIT (BP_FEATURE_X2))

/* "X₁", "sin X₂", ... */
const char *bp_feature_label (BpFeature f);

/* The feature map of the session (bp_plane_map_fn): user points to the guint mask. */
void bp_pg_features_map (const float *xy, int n, float *out, void *user);

typedef struct {
  bp_synth_kind kind;
  int n_points;
  double noise;      /* 0 … 0.5 */
  guint64 seed;
  int n_classes;     /* blobs and spirals */
  double train_ratio; /* 0.1 … 0.9 */
  guint features;    /* BP_FEATURE_BIT mask, at least one */
} BpPgDataParams;

void bp_pg_data_params_defaults (BpPgDataParams *p);

typedef struct {
  BpPgDataParams params;
  bp_task task;
  int n_classes;    /* classification */
  GArray *points;   /* BpHeatmapPoint: raw coordinates, label or target, test flag */
  guint features;   /* the mask the map reads (stable address for the session) */

  float plane[4];   /* x_min, x_max, y_min, y_max drawn: -6 … 6, or the file's range */
  float target_scale; /* largest |target| (regression colours), 1 for the synthetic sets */
  char *file;       /* the CSV the points came from, NULL for generated ones */

  bp_dataset *ds;   /* rows = points, columns = the chosen features */
  bp_split split;   /* val = the "test" points of the playground */
  gboolean split_kept; /* the points' test flags are the split: builds keep it, so a click's
                          point joins the training set and no other point moves (new points
                          and bp_pg_data_resplit() clear it) */
  bp_scaler scaler;
  gboolean built;
} BpPgData;

BpPgData *bp_pg_data_new (void);
void bp_pg_data_free (BpPgData *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpPgData, bp_pg_data_free)

/* The points and what they came from (params, task, plane, file), without the dataset: what
 * the playground keeps of one problem type while the other is shown. */
BpPgData *bp_pg_data_copy (const BpPgData *d);
/* d takes src's points, split flags and origin (free the session first); then build. */
void bp_pg_data_assign (BpPgData *d, const BpPgData *src);

/* New points from the generator, then bp_pg_data_build(). */
gboolean bp_pg_data_generate (BpPgData *d, const BpPgDataParams *p, GError **error);
/* Points from a CSV file with two numeric features and a label or target column (the last
 * one), then bp_pg_data_build(). FALSE with a message naming the file and the problem. */
gboolean bp_pg_data_load_csv (BpPgData *d, const char *path, GError **error);
/* Dataset, split and scaler from the points, the features and the ratio in d->params. The
 * split is drawn with the seed the first time, then kept (see split_kept). */
gboolean bp_pg_data_build (BpPgData *d, GError **error);
/* The next build draws a new split (the training ratio changed). */
void bp_pg_data_resplit (BpPgData *d);

/* Click edits (call bp_pg_data_build afterwards). add returns FALSE for a bad class; the
 * point is a training point. remove_near removes the point nearest to (x, y) within radius,
 * FALSE when none. */
gboolean bp_pg_data_add_point (BpPgData *d, float x, float y, int label, float target);
gboolean bp_pg_data_remove_near (BpPgData *d, float x, float y, float radius);

/* The plane the playground draws (TensorFlow Playground's -6 … 6). */
#define BP_PG_PLANE_MIN -6.0f
#define BP_PG_PLANE_MAX 6.0f

G_END_DECLS
