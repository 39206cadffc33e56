/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by bp-playground.c (object, controls), bp-playground-session.c (the session) and
 * bp-playground-tick.c (reading it into the views). */
#pragma once

#include "bp-playground.h"

#include "bp-network-view-private.h"
#include "bp-pg-data.h"
#include "engine/session.h"

G_BEGIN_DECLS

struct _BpPlayground {
  GtkWidget parent_instance;

  /* template */
  BpHyperBar *hyper_bar;
  BpDataPanel *data_panel;
  BpNetworkView *network_view;
  BpHeatmap *heatmap;
  BpLossChart *loss_chart;
  GtkCheckButton *gradients_check;
  GtkCheckButton *test_check;
  GtkCheckButton *discretize_check;
  GtkLabel *stats_label;
  GtkRevealer *banner_revealer;
  GtkLabel *banner_label;
  GtkRevealer *cue_revealer;
  GtkLabel *cue_label;
  guint cue_timeout;

  /* what the user chose */
  BpPgData *data;
  /* The points of the other problem type (index: bp_task), clicks included, kept while this
   * one is shown and restored when it comes back; NULL before a switch. */
  BpPgData *saved[2];
  BpHyperSettings hyper;
  int batch_size;
  int n_hidden;
  int hidden[BP_NV_MAX_HIDDEN_LAYERS];
  bp_act activations[BP_NV_MAX_HIDDEN_LAYERS]; /* per hidden layer; the bar sets them all */

  /* the session and what has been read from it */
  bp_session *session;
  bp_loss_kind loss;
  guint tick_id;
  gint64 watch_until;    /* monotonic time until which the tick keeps looking after a command */
  guint64 log_run;       /* run whose epoch records the chart shows */
  guint64 epochs_read;   /* of that run */
  guint64 snapshot_step; /* step of the last snapshot applied, of run snapshot_run */
  guint64 snapshot_run;
  double train_loss, test_loss, train_acc, test_acc;
  gboolean stats_dirty;  /* the losses above changed since the label showed them */
  gint64 text_time;      /* when the label was last set */
  gint64 counters_time;  /* when the counters were last set */
  /* While training, each frame changes one area of the window (the tick's schedule in
   * bp-playground-tick.c): the output column, the network, or the counters. */
  int next_area;
  const bp_snapshot *snap;   /* the session's latest; valid until the next read of it */
  gboolean output_pending;   /* snap's grid is not on the heatmap yet */
  gboolean network_pending;  /* snap's weights and thumbnails are not in the network yet */
  char *last_error;

  gboolean running;
  gint64 play_time;      /* when play was last sent: until the trainer takes it, it may still
                            say "paused" */
  gint64 epoch, step;
  double samples_per_second;
  double run_time;

  BpPlaygroundStepsDone steps_done;
  gpointer steps_data;
  guint64 steps_target;  /* the tick goes on until the session has done this many steps */
  guint64 run_target;    /* ... and has begun this run (after a reset or a rebuild) */

  int hover_column, hover_index;
};

enum {
  BP_PG_PROP_0,
  BP_PG_PROP_RUNNING,
  BP_PG_PROP_EPOCH,
  BP_PG_PROP_STEP,
  BP_PG_PROP_SAMPLES_PER_SECOND,
  BP_PG_N_PROPS
};

extern GParamSpec *_bp_pg_properties[BP_PG_N_PROPS];

/* bp-playground-session.c */
/* New data (regenerate: from the generator; else from the edited points), then a new
 * session. Keeps running if it was. FALSE (and a message) when it failed. */
gboolean _bp_pg_new_session (BpPlayground *self, gboolean regenerate);
/* A new network on the same data (layers, activation, optimizer). */
gboolean _bp_pg_rebuild_network (BpPlayground *self);
/* Live: learning rate, regularization, batch size. */
void _bp_pg_apply_live (BpPlayground *self);
void _bp_pg_free_session (BpPlayground *self);
/* Sends play and notes when. */
void _bp_pg_play (BpPlayground *self);
void _bp_pg_set_running_flag (BpPlayground *self, gboolean running);
void _bp_pg_message (BpPlayground *self, const char *message);
/* A short note over the network's top left corner, for a few seconds ("Network changed"). */
void _bp_pg_cue (BpPlayground *self, const char *text);
/* An error, whole (it wraps) in the banner under the bar, and as last_error. */
void _bp_pg_show_error (BpPlayground *self, const char *message);
/* Counters (notified as properties, the header shows them), the label of losses, and the
 * views of a run (a new run's curve starts from nothing). */
void _bp_pg_set_counters (BpPlayground *self, gint64 epoch, gint64 step, double sps);
void _bp_pg_update_stats_label (BpPlayground *self);
void _bp_pg_clear_run_views (BpPlayground *self);
/* A pause the trainer may have reported before it took the last play command. */
gboolean _bp_pg_play_not_taken_yet (BpPlayground *self, const bp_session_status *st);
/* bp-playground-tick.c: makes sure the tick callback runs until the session settles. */
void _bp_pg_watch (BpPlayground *self);
void _bp_pg_update_overlay (BpPlayground *self);
/* bp-playground-controls.c: "Discretize output" only for classification. */
void _bp_pg_update_discretize (BpPlayground *self);
/* The template callbacks of the bar, the data panel, the heatmap and the network view. */
void _bp_pg_bind_controls (GtkWidgetClass *widget_class);
/* bp-playground-focus.c: a click leaves no focus in the controls that use training's keys. */
void _bp_pg_no_focus_on_click (GtkWidget *widget);
void _bp_pg_set_weight (BpPlayground *self, int layer, int out, int in, double value);

G_END_DECLS
