/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's inspector: for the selected block, what it is and computes (with its formula),
 * its output shape, parameters and FLOPs or the engine's message when it cannot work, its name,
 * and every setting of its kind with the allowed range. Edits are requested by signal; the page
 * applies them (with undo) and calls bp_builder_inspector_show again:
 *
 *  "layer-changed" (int id, gpointer layer, const char *merge_key): new settings for block id
 *     (a const bp_layer_spec *, valid during the emission); edits of one field share a key.
 *  "rename" (int id, const char *name)
 *  "input-shape" (gpointer shape): the input block's new shape (a const bp_shape *).
 *  "delete" (): the Delete button under a selection of several blocks. */
#pragma once

#include <gtk/gtk.h>

#include "bp-builder-kinds.h"
#include "bp-graph-report.h"

G_BEGIN_DECLS

#define BP_TYPE_BUILDER_INSPECTOR (bp_builder_inspector_get_type ())
G_DECLARE_FINAL_TYPE (BpBuilderInspector, bp_builder_inspector, BP, BUILDER_INSPECTOR,
                      GtkWidget)

GtkWidget *bp_builder_inspector_new (void);

/* Shows blocks ids[0..n) of g as r describes them (borrowed for the call). Rows are rebuilt
 * when the block shown changes; otherwise values and texts are updated in place, so a field
 * being typed in keeps its focus. */
void bp_builder_inspector_show (BpBuilderInspector *self, const bp_graph *g,
                                const bp_graph_report *r, const int *ids, int n);
/* Shows why a rename was refused; NULL clears it. */
void bp_builder_inspector_set_name_error (BpBuilderInspector *self, const char *message);

/* For tests: the control of a setting (GtkSpinButton, GtkSwitch or AdwComboRow), NULL when the
 * block shown has no such setting; and the status text shown (shape and counts, or the
 * message). */
GtkWidget *bp_builder_inspector_get_control (BpBuilderInspector *self, bp_setting s);
const char *bp_builder_inspector_get_status (BpBuilderInspector *self);

G_END_DECLS
