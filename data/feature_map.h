/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Playground's input features for 2-D datasets: any subset of x1, x2, x1^2, x2^2, x1*x2,
 * sin x1, sin x2, chosen per run, computed once into a new float dataset. */
#pragma once

#include "data/dataset.h"

typedef enum bp_feature_map {
  BP_FMAP_X1 = 1 << 0,
  BP_FMAP_X2 = 1 << 1,
  BP_FMAP_X1_SQ = 1 << 2,
  BP_FMAP_X2_SQ = 1 << 3,
  BP_FMAP_X1_X2 = 1 << 4,
  BP_FMAP_SIN_X1 = 1 << 5,
  BP_FMAP_SIN_X2 = 1 << 6,
} bp_feature_map;

#define BP_FMAP_ALL 0x7f
#define BP_FMAP_N 7

/* A new dataset whose features are the chosen maps of ds's two features, in the order above
 * and named "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"; labels, targets,
 * names and the source are copied. NULL with a message when ds does not have exactly two
 * features or maps is empty. */
bp_dataset *bp_features_map (const bp_dataset *ds, unsigned maps, char *err, size_t errlen);

/* The name of one map bit ("x1^2"), or NULL. */
const char *bp_feature_map_name (unsigned map_bit);

/* The maps of one point (x1, x2) into out (one value per chosen map, in order); returns how
 * many were written. The window uses it for decision-boundary grids. */
int bp_features_map_point (unsigned maps, float x1, float x2, float *out);
