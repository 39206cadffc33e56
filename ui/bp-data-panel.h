/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data column of the playground: dataset thumbnails, train/test ratio, noise, batch size,
 * number of points, classes, seed and regenerate, the class a click adds, feature toggles.
 * "changed" says which setting moved (BpDataField); "load-csv" asks for a file. */
#pragma once

#include <gtk/gtk.h>

#include "bp-pg-data.h"

G_BEGIN_DECLS

#define BP_TYPE_DATA_PANEL (bp_data_panel_get_type ())
G_DECLARE_FINAL_TYPE (BpDataPanel, bp_data_panel, BP, DATA_PANEL, GtkWidget)

typedef enum {
  BP_DATA_KIND = 1 << 0,
  BP_DATA_POINTS = 1 << 1,
  BP_DATA_NOISE = 1 << 2,
  BP_DATA_SEED = 1 << 3,
  BP_DATA_CLASSES = 1 << 4,
  BP_DATA_RATIO = 1 << 5,
  BP_DATA_FEATURES = 1 << 6,
  BP_DATA_BATCH = 1 << 7,
} BpDataField;

GtkWidget *bp_data_panel_new (void);

void bp_data_panel_get_params (BpDataPanel *self, BpPgDataParams *out, int *batch_size);
/* Shows these settings; emits nothing. */
void bp_data_panel_set_params (BpDataPanel *self, const BpPgDataParams *params, int batch_size);

/* What a click on the output adds: n_classes > 0 offers classes 0 … n - 1, 0 offers the
 * regression values +1 and −1. */
void bp_data_panel_set_add_choices (BpDataPanel *self, int n_classes);
void bp_data_panel_get_add_value (BpDataPanel *self, int *label, float *target);

/* Selects the dataset as a click on its thumbnail does (emits "changed"). */
void bp_data_panel_select_kind (BpDataPanel *self, bp_synth_kind kind);

/* Display name of a kind: "Spiral", "Plane (regression)" ... */
const char *bp_data_panel_kind_title (bp_synth_kind kind);

G_END_DECLS
