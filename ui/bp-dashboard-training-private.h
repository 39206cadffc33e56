/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDashboardTraining's insides, shared by its files: bp-dashboard-training.c (the object and
 * its own runs), bp-dashboard-training-follow.c (the runs of a session another page owns),
 * bp-dashboard-training-settings.c (the settings, and networks in words) and
 * bp-dashboard-training-delete.c (deleting a run, putting it back). */
#pragma once

#include "bp-dashboard-training.h"

#include "bp-conv-front.h"

G_BEGIN_DECLS

/* A run still being read from a session's metric log: ours (box) or a followed one (box
 * NULL, the session given at each poll). */
typedef struct {
  BpRun *run;
  BpSessionBox *box;
  guint64 session_run;
  guint64 steps_read, epochs_read;
} BpLiveRun;

struct _BpDashboardTraining {
  GObject parent_instance;

  BpSessionBox *box; /* the session in use, or NULL */
  BpTrainSettings settings;
  bp_spec spec;
  bp_layer_spec layers[BP_CONV_FRONT_MAX_LAYERS + BP_TRAIN_MAX_HIDDEN + 1];
  bp_session_status status;

  /* A session someone else owns, as given before the poll, and what tells it apart from a
   * new one at the same address (never dereferenced). */
  bp_session *followed;
  char *followed_label;
  const void *followed_identity;
  /* A followed run deleted while current: that session's runs up to it get no row, and
   * while it is the session's run the dashboard follows nothing (identity NULL: none). */
  const void *dismissed_identity;
  guint64 dismissed_run;
  gboolean dismissed_now; /* as of the last poll: the session's run of now is that one */

  BpFollowedSpecFunc followed_spec;
  gpointer followed_spec_data;

  GListStore *runs;  /* BpRun */
  GPtrArray *live;   /* LiveRun: runs whose log may still grow */
  guint next_run_id;
};

/* bp-dashboard-training.c */
/* A new row of the runs table, read from box's session (NULL: the followed one) from its run
 * session_run on; the live list keeps the returned run. */
BpRun *_bp_dashboard_training_add_live (BpDashboardTraining *self, const char *name,
                                        const BpRunInfo *info, BpSessionBox *box,
                                        guint64 session_run);
/* Reads what a run's log holds past what was read; TRUE when anything was. */
gboolean _bp_dashboard_training_read_run (BpLiveRun *lr, bp_session *session);
/* "training", "paused", "finished" ... for a run's state column. */
const char *_bp_dashboard_training_state_word (const bp_session_status *st);

/* bp-dashboard-training-follow.c */
/* poll() without a session of our own: the followed session's runs. */
gboolean _bp_dashboard_training_poll_followed (BpDashboardTraining *self);

/* bp-dashboard-training-settings.c */
/* The network settings ask for on src: spec's layers go in layers (room for
 * BP_CONV_FRONT_MAX_LAYERS + BP_TRAIN_MAX_HIDDEN + 1). */
void _bp_train_settings_build_spec (const BpTrainSettings *s, const BpDataSource *src,
                                    bp_spec *spec, bp_layer_spec *layers);
/* Optimizer steps in an epoch of src's training rows (the last batch may be short). */
guint64 _bp_train_steps_per_epoch (const BpDataSource *src, int batch_size);
/* Steps between histogram-history entries for a run on src. */
int _bp_train_history_every (const BpDataSource *src, int batch_size);

G_END_DECLS
