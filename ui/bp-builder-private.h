/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpBuilder's insides, shared by bp-builder.c (the widget and its wiring), bp-builder-edit.c
 * (edits, the live report), bp-builder-undo.c (undo, redo, "modified"), bp-builder-files.c
 * (templates, open, save, the dataset) and bp-builder-train.c (the session). */
#pragma once

#include <adwaita.h>

#include "bp-builder.h"
#include "bp-chart.h"
#include "bp-graph-history.h"

G_BEGIN_DECLS

enum {
  BP_BUILDER_PROP_0,
  BP_BUILDER_PROP_CAN_UNDO,
  BP_BUILDER_PROP_CAN_REDO,
  BP_BUILDER_PROP_MODIFIED,
  BP_BUILDER_PROP_TRAINING,
  BP_BUILDER_PROP_SESSION,
  BP_BUILDER_N_PROPS
};

extern GParamSpec *_bp_builder_properties[BP_BUILDER_N_PROPS];

/* What an undo step restores besides the graph: the experiment's dataset and training
 * settings (the spec's own settings live in the graph) and its title. Strings are malloc'd,
 * as in bp_experiment. */
typedef struct {
  char *title, *description;
  bp_experiment_data data;
  bp_experiment_training training;
} BpBuilderState;

struct _BpBuilder {
  GtkWidget parent_instance;

  /* template */
  BpBuilderPalette *palette;
  BpBuilderCanvas *canvas;
  BpBuilderInspector *inspector;
  BpBuilderSettings *settings;
  AdwToastOverlay *toasts;
  GtkStack *side_stack;
  GtkMenuButton *templates_button;
  GtkLabel *zoom_label;
  GtkLabel *totals_label;
  GtkLabel *problem_label;
  GtkLabel *run_label;
  GtkLabel *hint_label;
  GtkButton *train_button;
  BpChart *chart;

  /* the network */
  bp_graph *graph;
  bp_graph_report *report;
  bp_graph_history *history;
  BpBuilderState *state_shown; /* the settings as of the last edit, undo or redo: what the
                                  next undo step records as "before" */
  char *saved_json;      /* _bp_builder_document_json as last saved or opened, for "modified" */
  char *path;            /* the file it was opened from or saved to */
  char totals_text[256];
  char last_message[512];

  /* data and training settings, and the loaded dataset */
  bp_experiment *exp;            /* spec unused (the graph's wins) */
  bp_experiment_dataset *data;   /* loaded for data_key, or NULL */
  char *data_key;                /* JSON of exp->data when data was loaded */
  GCancellable *data_cancel;     /* a load in progress */
  gboolean train_when_loaded;
  int steps_when_loaded;         /* then: 0 to play, else run that many steps */

  /* training */
  bp_session *session;
  char *session_spec;   /* the spec JSON the session was built from */
  char *session_doc;    /* _bp_builder_document_json then (spec and settings) */
  guint tick_id;
  guint64 log_run;     /* the session's run the chart shows */
  guint64 step_target; /* a step command is done when the session gets there */
  gboolean play_seen;  /* the session ran since the last play command */
  guint64 play_step;   /* its step when that command was given */
  guint64 epochs_read;
  guint64 steps_read;
  bp_epoch_record last_epoch; /* the newest read, when have_last_epoch */
  gboolean have_last_epoch;
  gint64 status_time;         /* frame time the status line was last written */
  guint series_loss, series_val_loss, series_acc, series_val_acc;
  gboolean training;
};

/* bp-builder-undo.c */
/* The history, with the settings as they are now (self->exp first). FALSE: out of memory. */
gboolean _bp_builder_undo_init (BpBuilder *self);
/* The settings of exp as an undo state (NULL when out of memory), and back. */
BpBuilderState *_bp_builder_state_new (const bp_experiment *exp);
void _bp_builder_state_free (BpBuilderState *state);
/* Records the graph and the settings as shown for undo, then takes the settings as they are
 * now (the panel edited exp in place) and refreshes; reloads the data when data_changed. */
void _bp_builder_settings_edited (BpBuilder *self, const char *merge_key, gboolean data_changed);
/* What "modified" compares: the experiment as JSON (spec, data, training), or NULL when the
 * wires make no network. */
char *_bp_builder_document_json (BpBuilder *self);
/* Blocks not reached from the input: the spec, hence the file, cannot hold them, so while
 * there are any the page has unsaved work ("modified" whatever the spec says). */
int _bp_builder_n_unsaved_blocks (BpBuilder *self);
/* Marks what is shown now as saved. */
void _bp_builder_set_saved (BpBuilder *self);
/* After any change: state_shown = the settings as they are now. */
void _bp_builder_take_state (BpBuilder *self);
/* Records the graph and the settings as they are (for undo; merge_key joins edits of one
 * field). */
void _bp_builder_begin_edit (BpBuilder *self, const char *merge_key);

/* bp-builder-edit.c */
/* After any change of self->graph: new report, canvas, inspector, totals, debug log. */
void _bp_builder_refresh (BpBuilder *self);
/* Makes g (a changed copy, taken) the graph, as one undoable edit. */
void _bp_builder_commit (BpBuilder *self, bp_graph *g, const char *merge_key);
/* A copy of the graph to change, or NULL (and a message) when memory is short. */
bp_graph *_bp_builder_copy_graph (BpBuilder *self);
/* Moves the wire out of old_to's port old_port (old_to 0: none) to port `port` of to (to 0:
 * nowhere), as one edit. */
gboolean _bp_builder_wire (BpBuilder *self, int from, int to, int port, int old_to, int old_port,
                           GError **error);
/* Replaces the graph (takes g) as one undoable edit. */
void _bp_builder_replace_graph (BpBuilder *self, bp_graph *g, const char *what);
void _bp_builder_message (BpBuilder *self, const char *message);
void _bp_builder_update_actions (BpBuilder *self);

/* bp-builder-log.c */
void _bp_builder_log_edit (BpBuilder *self);
void _bp_builder_log_view (BpBuilder *self);
void _bp_builder_log_geometry (BpBuilder *self);

/* bp-builder-wiring.c */
void _bp_builder_connect_signals (BpBuilder *self);

/* bp-builder-files.c */
void _bp_builder_setup_templates (BpBuilder *self);
void _bp_builder_open_dialog (BpBuilder *self);
void _bp_builder_save_dialog (BpBuilder *self, gboolean save_as);
void _bp_builder_open_data_dialog (BpBuilder *self);
/* Loads exp->data in the background unless already loaded; calls _bp_builder_data_ready. */
void _bp_builder_load_data (BpBuilder *self);
void _bp_builder_drop_data (BpBuilder *self);
void _bp_builder_fit_data (BpBuilder *self);
/* The report again (the graph against the loaded dataset too) on the canvas, the inspector and
 * the totals; no undo state, no log. */
void _bp_builder_show_report (BpBuilder *self);
char *_bp_builder_data_key (BpBuilder *self);

/* bp-builder-train.c */
void _bp_builder_data_ready (BpBuilder *self);
void _bp_builder_free_session (BpBuilder *self);
/* The Run panel as with no run: its hint, an empty chart (a new network has no run yet). */
void _bp_builder_clear_run (BpBuilder *self);
/* Is there a run to end (training, about to, paused, diverged; not finished)? */
gboolean _bp_builder_run_open (BpBuilder *self);

G_END_DECLS
