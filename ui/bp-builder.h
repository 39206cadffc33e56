/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network builder page: a palette of layer kinds, a canvas of blocks and wires with live
 * shape inference, an inspector for the selected block, the dataset and training settings, and
 * Train, which runs a session on them with a live loss chart. Every edit of the network can be
 * undone (Ctrl+Z) and redone (Shift+Ctrl+Z). Templates come from data/examples/ (compiled into
 * the resources); experiments open and save as engine/experiment.h files.
 *
 * With G_MESSAGES_DEBUG=Backprop the page logs the spec after every edit ("builder: spec
 * {...}") and where its palette rows and ports are on the window's X surface, which is how
 * tests/ui/test-builder-dnd.sh drives the real program with xdotool. */
#pragma once

#include <gtk/gtk.h>

#include "bp-builder-canvas.h"
#include "bp-builder-inspector.h"
#include "bp-builder-palette.h"
#include "bp-builder-settings.h"
#include "bp-graph-report.h"
#include "engine/experiment.h"
#include "engine/session.h"

G_BEGIN_DECLS

#define BP_TYPE_BUILDER (bp_builder_get_type ())
G_DECLARE_FINAL_TYPE (BpBuilder, bp_builder, BP, BUILDER, GtkWidget)

GtkWidget *bp_builder_new (void);

/* ---- the network ---- */

const bp_graph *bp_builder_get_graph (BpBuilder *self);
/* What the canvas compiles to and what the engine says about it (borrowed until the next
 * edit). The spec is NULL when the wires make no network. */
const bp_graph_report *bp_builder_get_report (BpBuilder *self);
/* bp_spec_to_json of the current spec (caller frees), or NULL. */
char *bp_builder_get_spec_json (BpBuilder *self);

/* Edits, as the canvas and inspector make them (each one undoable). */
int bp_builder_add_block (BpBuilder *self, int kind, double x, double y);
gboolean bp_builder_connect (BpBuilder *self, int from, int to, int port, GError **error);
gboolean bp_builder_set_layer (BpBuilder *self, int id, const bp_layer_spec *layer,
                               GError **error);
void bp_builder_delete_selection (BpBuilder *self);
void bp_builder_tidy (BpBuilder *self);
gboolean bp_builder_undo (BpBuilder *self);
gboolean bp_builder_redo (BpBuilder *self);
gboolean bp_builder_can_undo (BpBuilder *self);
gboolean bp_builder_can_redo (BpBuilder *self);

/* ---- experiments ---- */

/* Replaces the network (one undoable edit) and the data and training settings with exp's. */
void bp_builder_set_experiment (BpBuilder *self, const bp_experiment *exp);
/* The page's experiment: the canvas's spec, the data and training settings (caller frees).
 * NULL with an error when the wires make no network. */
bp_experiment *bp_builder_get_experiment (BpBuilder *self, GError **error);
/* Loads a template by name ("iris-mlp") from the resources. */
gboolean bp_builder_load_template (BpBuilder *self, const char *name, GError **error);
/* The templates' names, NULL-terminated (free with g_strfreev). */
char **bp_builder_list_templates (void);
gboolean bp_builder_open_file (BpBuilder *self, const char *path, GError **error);
/* Saves (.json: no weights; anything else: the safetensors layout with the last run's weights
 * when it trained this very network). */
gboolean bp_builder_save_file (BpBuilder *self, const char *path, GError **error);
const char *bp_builder_get_path (BpBuilder *self);
gboolean bp_builder_get_modified (BpBuilder *self);

/* ---- training ---- */

/* Starts (or resumes) training the network on the page's dataset: loads the dataset in the
 * background if needed, then runs a session. FALSE with an error when the network has a
 * problem; later problems (the data does not fit) show on the page. */
gboolean bp_builder_train (BpBuilder *self, GError **error);
/* One optimizer step of the run (a new run, paused after its first step, when there is none
 * for this network); nothing while training. FALSE with an error as bp_builder_train. */
gboolean bp_builder_step (BpBuilder *self, GError **error);
/* The run starts over with fresh weights from the spec's seed, paused at step 0 (a run of an
 * older network simply ends: the next Train builds the new one). */
void bp_builder_reset (BpBuilder *self);
void bp_builder_pause (BpBuilder *self);
void bp_builder_stop (BpBuilder *self);
gboolean bp_builder_get_training (BpBuilder *self);
/* The session of the last run, or NULL ("session" notifies a new one). */
bp_session *bp_builder_get_session (BpBuilder *self);
/* What the last run trains on, for a page that follows it (the dashboard): the page's loaded
 * data, borrowed, alive as long as the session is (ask again rather than keep it), or NULL
 * without a session; and the network the session was built from (caller frees with
 * bp_spec_free), or NULL. */
const bp_experiment_dataset *bp_builder_get_session_data (BpBuilder *self);
bp_spec *bp_builder_get_session_spec (BpBuilder *self);

/* ---- parts, for tests and the window ---- */

BpBuilderCanvas *bp_builder_get_canvas (BpBuilder *self);
BpBuilderPalette *bp_builder_get_palette (BpBuilder *self);
BpBuilderInspector *bp_builder_get_inspector (BpBuilder *self);
BpBuilderSettings *bp_builder_get_settings (BpBuilder *self);
/* The text under the canvas: totals, or the first problem. */
const char *bp_builder_get_totals_text (BpBuilder *self);
/* The last message shown (a toast or the run's status). */
const char *bp_builder_get_last_message (BpBuilder *self);

G_END_DECLS
