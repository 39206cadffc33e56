/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small picture of a dataset (its points over the -6 … 6 plane), for picking one. */
#pragma once

#include <gtk/gtk.h>

#include "bp-heatmap.h"

G_BEGIN_DECLS

#define BP_TYPE_DATASET_THUMB (bp_dataset_thumb_get_type ())
G_DECLARE_FINAL_TYPE (BpDatasetThumb, bp_dataset_thumb, BP, DATASET_THUMB, GtkWidget)

GtkWidget *bp_dataset_thumb_new (const char *name);
const char *bp_dataset_thumb_get_name (BpDatasetThumb *self);
void bp_dataset_thumb_set_points (BpDatasetThumb *self, const BpHeatmapPoint *points, guint n);

G_END_DECLS
