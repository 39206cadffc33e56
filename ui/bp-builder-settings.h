/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder page's dataset and training settings: the dataset (every built-in, or a CSV/IDX
 * file opened with "Open File…") with its parameters, split and scaling; the loss; the
 * optimizer and its hyperparameters; batch size, epochs, seed, gradient clipping; the
 * learning-rate schedule, early stopping and the plateau rule.
 *
 * What the spec holds (loss, optimizer, batch size, epochs, seed) is edited through
 * "spec-changed" (gpointer const BpSpecSettings *, const char *merge_key), so the page records
 * it for undo like any edit. The rest lives in the page's experiment: the panel edits
 * exp->data and exp->training in place and emits "data-changed" (the dataset must be loaded
 * again) or "training-changed", both with a merge key (const char *, NULL: an edit of its own),
 * after which the page records the edit for undo. "open-file" asks the page for a file
 * chooser; "fit-data" to fit the network's input and output to the loaded data. */
#pragma once

#include <gtk/gtk.h>

#include "bp-graph.h"
#include "engine/experiment.h"

G_BEGIN_DECLS

typedef struct {
  bp_loss_kind loss;
  float huber_delta;
  bp_optim_cfg optim;
  int batch_size;
  int epochs;
  guint64 seed;
} BpSpecSettings;

void bp_spec_settings_from_graph (BpSpecSettings *s, const bp_graph *g);
void bp_spec_settings_to_graph (const BpSpecSettings *s, bp_graph *g);

#define BP_TYPE_BUILDER_SETTINGS (bp_builder_settings_get_type ())
G_DECLARE_FINAL_TYPE (BpBuilderSettings, bp_builder_settings, BP, BUILDER_SETTINGS, GtkWidget)

GtkWidget *bp_builder_settings_new (void);

/* Shows the settings of g and exp. exp stays borrowed (and is edited in place) until the next
 * call or dispose. */
void bp_builder_settings_show (BpBuilderSettings *self, const bp_graph *g, bp_experiment *exp);
/* A line about the loaded dataset ("150 rows · 4 features · 3 classes") or why it did not
 * load (error TRUE). */
void bp_builder_settings_set_data_info (BpBuilderSettings *self, const char *text,
                                        gboolean error);

G_END_DECLS
