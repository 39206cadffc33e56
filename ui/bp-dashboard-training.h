/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDashboardTraining: the dashboard's own training: a multilayer perceptron on the data the
 * explorer loaded (Fashion-MNIST, Iris, a CSV ...), run by a bp_session, and the list of runs
 * it made. Poll it from a frame-clock tick: it reads the metric logs (lock-free) into the runs
 * and the status into plain fields; it never waits for the trainer. */
#pragma once

#include <gio/gio.h>

#include "bp-dashboard-model.h"
#include "bp-data-explorer-source.h"
#include "bp-runs.h"

G_BEGIN_DECLS

#define BP_TRAIN_MAX_HIDDEN 8

typedef struct {
  gboolean conv;  /* images: a convolutional front before the dense layers (bp-conv-front.h) */
  int n_hidden;
  int hidden[BP_TRAIN_MAX_HIDDEN];
  bp_act activation;
  bp_optim_kind optimizer;
  double lr;
  int batch_size;
  int epochs;
  guint64 seed;
} BpTrainSettings;

/* Good first settings for the data: Fashion-MNIST and other images get the benchmark's MLP
 * (784-256-128-10, ReLU, Adam 1e-3, batch 64); small tables a 32-16 net. */
void bp_train_settings_defaults (BpTrainSettings *s, const BpDataSource *src);
/* The same for images (TRUE) or tables, before any data are loaded. */
void bp_train_settings_defaults_for (BpTrainSettings *s, gboolean images);
/* "784-256-128-10 relu" */
char *bp_train_settings_describe (const BpTrainSettings *s, const BpDataSource *src);

#define BP_TYPE_DASHBOARD_TRAINING (bp_dashboard_training_get_type ())
G_DECLARE_FINAL_TYPE (BpDashboardTraining, bp_dashboard_training, BP, DASHBOARD_TRAINING,
                      GObject)

BpDashboardTraining *bp_dashboard_training_new (void);

/* A new network with settings on src: a new session when the data changed, else a rebuild;
 * either way a new run, paused at step 0. */
gboolean bp_dashboard_training_start (BpDashboardTraining *self, BpDataSource *src,
                                      const BpTrainSettings *settings, GError **error);
void bp_dashboard_training_play (BpDashboardTraining *self);
void bp_dashboard_training_pause (BpDashboardTraining *self);
void bp_dashboard_training_step (BpDashboardTraining *self, guint64 steps);
void bp_dashboard_training_stop (BpDashboardTraining *self);
/* Frees the session (the runs stay). */
void bp_dashboard_training_close (BpDashboardTraining *self);

/* Reads the runs of a session someone else owns (the playground's) while this object has no
 * session of its own. Give it again before every poll: its owner may replace or free it
 * between polls, so nothing taken from it is kept across polls but copies. NULL: none. */
void bp_dashboard_training_follow (BpDashboardTraining *self, bp_session *session,
                                   const char *label);
gboolean bp_dashboard_training_is_following (BpDashboardTraining *self);
/* What tells the network of a followed session, for the runs table's Model and Optimizer
 * columns: a new spec (freed with bp_spec_free) or NULL when unknown. label as given to
 * follow(). Called from poll() when a followed run gets its row. */
typedef bp_spec *(*BpFollowedSpecFunc) (bp_session *session, const char *label,
                                        gpointer user_data);
void bp_dashboard_training_set_followed_spec_func (BpDashboardTraining *self,
                                                  BpFollowedSpecFunc func, gpointer user_data);
/* A network in a few words for the runs table: "1×28×28, conv 10 5×5, pool 2×2, conv 20 5×5,
 * pool 2×2, 120-84-10 relu" (caller frees). */
char *bp_spec_describe_model (const bp_spec *spec);

/* Reads what the trainer published since the last poll. TRUE when anything changed. */
gboolean bp_dashboard_training_poll (BpDashboardTraining *self);

gboolean bp_dashboard_training_has_session (BpDashboardTraining *self);
bp_session *bp_dashboard_training_get_session (BpDashboardTraining *self);
/* The session and its data for workers (a new reference), or NULL. */
BpSessionBox *bp_dashboard_training_get_box (BpDashboardTraining *self);
BpDataSource *bp_dashboard_training_get_source (BpDashboardTraining *self);
const BpTrainSettings *bp_dashboard_training_get_settings (BpDashboardTraining *self);
/* The status as of the last poll (state PAUSED and zeros without a session). */
const bp_session_status *bp_dashboard_training_get_status (BpDashboardTraining *self);
/* The layer names of the network in training (n_layers of them). */
const char *bp_dashboard_training_get_layer_name (BpDashboardTraining *self, int layer);
/* The network in training (its layers live as long as the session), or NULL. */
const bp_spec *bp_dashboard_training_get_spec (BpDashboardTraining *self);
/* The histogram history of the current run, or NULL. */
const bp_hist_history *bp_dashboard_training_get_history (BpDashboardTraining *self);

/* Every run so far (BpRun), oldest first; the current one, or NULL. */
GListModel *bp_dashboard_training_get_runs (BpDashboardTraining *self);
BpRun *bp_dashboard_training_get_current_run (BpDashboardTraining *self);
/* Takes a run out of the list. The current run (the one training, or last trained) is
 * stopped first: our own by closing its session (the other runs stay), a followed one by
 * pausing its session and not showing that run again (its later runs show). Its state
 * becomes "stopped". */
void bp_dashboard_training_delete_run (BpDashboardTraining *self, BpRun *run);
/* Puts a deleted run back at position (clamped to the list), as it was when deleted; it
 * trains no more. */
void bp_dashboard_training_restore_run (BpDashboardTraining *self, BpRun *run, guint position);
/* TRUE while the followed session's run of now is one deleted while current (as of the last
 * poll): there is no run to show until its session starts another, or another comes. */
gboolean bp_dashboard_training_is_dismissed (BpDashboardTraining *self);

G_END_DECLS
