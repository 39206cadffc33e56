/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live session: a network training on its own thread, steered by commands from any
 * thread, streaming a lossless metric log and latest-wins snapshots.
 *
 *  - The trainer thread owns the network; nobody else touches it. Commands go into a small
 *    mutex-protected queue and are applied between steps (the step loop only checks an atomic
 *    "commands pending" flag). Every command returns at once; what it did shows in the status,
 *    the metric log and the next snapshot.
 *  - State queries read atomics and never wait for a step.
 *  - The metric log (engine/metric_log.h) gets one record per optimizer step and one per epoch.
 *    Each run (creation, every reset) has its own log, kept until the session is freed.
 *  - Snapshots (engine/snapshot.h) are made every options.interval_s of wall time while
 *    running, and once after every command that changes what there is to see (pause, step,
 *    reset, hyperparameter change, finish), into a triple buffer: the trainer never waits for
 *    the reader, the reader gets the newest complete one with one atomic exchange.
 *
 * Hyperparameters that change at the next step without a reset: learning rate, momentum,
 * Adam's betas, L1/L2 rates, weight decay, dropout rate and batch size. Structural changes
 * (layers, units, activations, loss, optimizer kind) need a new network: bp_session_rebuild()
 * (which also starts a new run). See docs/session.md. */
#pragma once

#include "data/dataset.h"
#include "data/split.h"
#include "engine/metric_log.h"
#include "engine/schedule.h"
#include "engine/snapshot.h"
#include "engine/spec.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bp_session bp_session;
typedef struct bp_net bp_net;

/* Maps n raw points (x1, x2) of the plane to the dataset's features for those points, before
 * the scaler: out is (n, n_features). Needed when a 2-D problem's features are derived from
 * the coordinates (x1^2, x1*x2, sin x1 ... as in TensorFlow Playground). Called on the trainer
 * thread: it must be thread-safe, and `user` must outlive the session. */
typedef void (*bp_plane_map_fn) (const float *xy /* (n, 2) */, int n, float *out, void *user);

typedef struct bp_session_config {
  uint64_t seed;          /* initial weights, shuffling and dropout masks (spec->seed) */
  bp_optim_cfg optim;     /* optimizer and its hyperparameters (spec->optim) */
  int batch_size;         /* (spec->batch_size) */
  long max_epochs;        /* finish after this many epochs (spec->epochs); <= 0: no limit */
  uint64_t max_steps;     /* finish after this many optimizer steps; 0: no limit */
  bool shuffle;           /* reshuffle the training rows every epoch (true) */
  bool drop_last;         /* drop a last batch smaller than batch_size (false) */

  bp_schedule schedule;   /* constant */
  bp_early_stop early_stop; /* off */
  bp_plateau plateau;       /* off */
  /* Written (atomically, safetensors) each time the watched value improves: the early-stop
   * monitor when early stopping is on, else the plateau's, else val_loss. NULL: no file. */
  const char *best_checkpoint_path;

  uint64_t max_log_steps; /* step records the metric log can hold (BP_METRIC_LOG_DEFAULT_STEPS);
                             when full, the session pauses and says so */
  bp_snapshot_options snapshots;
  int history_every;      /* steps between histogram-history entries
                             (BP_HIST_HISTORY_DEFAULT_EVERY); 0: no history */

  /* 2-D problems (two raw inputs). Without a map, a dataset with exactly 2 features is the
   * plane itself. */
  bp_plane_map_fn plane_map;
  void *plane_map_user;
  /* x_min, x_max, y_min, y_max of the plane drawn; all zero: the training rows' range of
   * features 0 and 1 (raw, unscaled) widened by 10% (required with a plane_map). */
  float plane[4];

  /* How many nice steps below its creator the trainer thread runs (0 .. 19; 0: the same), and
   * with it the threads it starts (the network's team). A window sets it so that the frames,
   * and the display server they wait for, take a core when they need one; the team's chunks
   * move to the other core meanwhile (workers.h). Linux only; elsewhere ignored. */
  int trainer_nice;

  /* Called on the trainer thread after the state changes (running, paused, finished,
   * diverged) and after each epoch; must be quick and thread-safe (e.g. g_idle_add). */
  void (*notify) (void *user);
  void *notify_user;
} bp_session_config;

/* Fills cfg with the defaults written in parentheses above, taking the spec's values. */
void bp_session_config_defaults (bp_session_config *cfg, const bp_spec *spec);

/* Builds the network from spec (cfg's optimizer, batch size and seed win over the spec's),
 * checks it fits the dataset (inputs = features; outputs = classes for cross-entropy, 1 or
 * classes for BCE/MSE on 2 classes, targets for regression), compiles it and starts the
 * trainer thread, paused at step 0 (state PAUSED, reason NONE).
 * The dataset, split and scaler are borrowed: they must stay alive and unchanged until
 * bp_session_free. scaler may be NULL (features used as stored). split->n_train must be > 0;
 * without validation rows there is no validation pass (val_* fields are NaN).
 * Returns NULL with a message in err on failure. */
bp_session *bp_session_new (const bp_spec *spec, const bp_dataset *ds, const bp_split *split,
                            const bp_scaler *scaler, const bp_session_config *cfg, char *err,
                            size_t errlen);

/* Stops the trainer after the step in progress (or within a few ms of a validation pass) and
 * frees everything. Safe at any moment; pointers obtained from the session die with it. */
void bp_session_free (bp_session *s);

/* ---- Commands: any thread, never block, applied in order between steps. ---- */

void bp_session_play (bp_session *s);   /* run until a limit, a pause or a stop */
void bp_session_pause (bp_session *s);  /* after the step in progress */
void bp_session_step (bp_session *s, uint64_t n_steps); /* run n batches, then pause */
void bp_session_step_epoch (bp_session *s); /* run to the end of the epoch in progress */
/* Ends the run (FINISHED, reason STOPPED; best weights restored when early stopping asks
 * for it). Play is ignored afterwards until a reset. */
void bp_session_stop (bp_session *s);
/* Re-initialises weights, optimizer state, shuffling and the epoch/step counters from seed;
 * starts a new run (new metric log and history), paused. Hyperparameters set live stay. */
void bp_session_reset (bp_session *s, uint64_t seed);

/* Replaces the network with one built from spec (checked and allocated here, on the calling
 * thread), then resets as bp_session_reset(seed). Returns 0, or -1 with a message (nothing
 * changes then). Live hyperparameters are taken from the new spec and cfg of creation. */
int bp_session_rebuild (bp_session *s, const bp_spec *spec, uint64_t seed, char *err,
                        size_t errlen);

typedef enum bp_hparam {
  BP_HPARAM_LR,           /* > 0; the base rate the schedule and plateau rule scale */
  BP_HPARAM_MOMENTUM,     /* [0, 1): SGD, RMSprop */
  BP_HPARAM_BETA1,        /* [0, 1): Adam, AdamW */
  BP_HPARAM_BETA2,        /* [0, 1) */
  BP_HPARAM_L1,           /* >= 0, every penalised layer */
  BP_HPARAM_L2,           /* >= 0, every penalised layer */
  BP_HPARAM_WEIGHT_DECAY, /* >= 0 */
  BP_HPARAM_DROPOUT,      /* [0, 1), every dropout layer */
  BP_HPARAM_BATCH_SIZE,   /* integer >= 1; the epoch in progress continues with the new size */
  BP_HPARAM_COUNT
} bp_hparam;

const char *bp_hparam_name (bp_hparam h); /* "lr", "momentum", ... */

/* Queues a change that takes effect at the next step. Setting the learning rate also clears
 * the plateau rule's reductions (the user's value wins). Returns 0, or -1 with a message when
 * the value is out of range (nothing queued). */
int bp_session_set_hparam (bp_session *s, bp_hparam which, double value, char *err,
                           size_t errlen);
/* The value in force as far as the commands given so far go (not waiting for the trainer). */
double bp_session_get_hparam (bp_session *s, bp_hparam which);

/* Live limits and rules (apply from the next step / next epoch end). */
void bp_session_set_limits (bp_session *s, long max_epochs, uint64_t max_steps);
void bp_session_set_schedule (bp_session *s, const bp_schedule *schedule);
void bp_session_set_early_stop (bp_session *s, const bp_early_stop *es);
void bp_session_set_plateau (bp_session *s, const bp_plateau *pl);

/* Snapshot control. */
void bp_session_set_snapshot_options (bp_session *s, const bp_snapshot_options *o);
void bp_session_set_sample_row (bp_session *s, int64_t row); /* dataset row; < 0: none */
void bp_session_request_snapshot (bp_session *s); /* one soon, even while paused */

/* ---- State: any thread, lock-free. ---- */

typedef enum bp_session_state {
  BP_SESSION_PAUSED,   /* ready; also after creation and reset */
  BP_SESSION_RUNNING,  /* playing, or working through a step command */
  BP_SESSION_FINISHED, /* a limit, early stopping or stop ended the run */
  BP_SESSION_DIVERGED, /* paused because a loss or weight became NaN/Inf; the weights before
                          the bad step are kept; play or step goes on from there */
} bp_session_state;

typedef enum bp_session_reason {
  BP_REASON_NONE,
  BP_REASON_PAUSED,       /* pause command */
  BP_REASON_STEPS_DONE,   /* a step command finished its steps or epoch */
  BP_REASON_EPOCH_LIMIT,
  BP_REASON_STEP_LIMIT,
  BP_REASON_EARLY_STOP,
  BP_REASON_STOPPED,      /* stop command */
  BP_REASON_NONFINITE_LOSS,
  BP_REASON_NONFINITE_WEIGHTS,
  BP_REASON_LOG_FULL,     /* the metric log reached max_log_steps */
  BP_REASON_ERROR,        /* out of memory, checkpoint not written ...: see message */
} bp_session_reason;

const char *bp_session_state_name (bp_session_state st); /* "paused", "running", ... */

typedef struct bp_session_status {
  bp_session_state state;
  bp_session_reason reason; /* why it is not running (NONE while running) */
  uint64_t run;             /* 1 for the first run, +1 per reset or rebuild */
  uint64_t step;            /* optimizer steps done in this run */
  uint32_t epoch;           /* epochs finished */
  uint64_t epoch_step;      /* steps done inside the epoch in progress */
  uint64_t steps_per_epoch; /* at the current batch size */
  double time;              /* run time in seconds, excluding pauses */
  double samples_per_s;     /* training throughput over the last ~0.25 s of running */
  double steps_per_s;
  float lr;                 /* learning rate of the last step */
  float loss;               /* loss of the last batch (NaN before the first step) */
  uint32_t best_epoch;      /* epoch with the best watched value, 0 when none */
  double best_value;
  /* In words, for the window's banner and the CLI, e.g. "step 1234: the loss became NaN
   * (learning rate 3 is probably too high; try 0.3)" or "early stopping at epoch 40: val_loss
   * did not improve for 10 epochs; restored the weights of epoch 30". "" when none. */
  char message[256];
} bp_session_status;

void bp_session_get_status (bp_session *s, bp_session_status *out);
bp_session_state bp_session_get_state (const bp_session *s);
uint64_t bp_session_get_step (const bp_session *s);
/* What the session trains, for a table of runs (any thread): its dataset's name, and the
 * trainable parameters of the newest network given (bp_session_new or bp_session_rebuild). */
const char *bp_session_dataset_name (const bp_session *s);
int64_t bp_session_param_count (const bp_session *s);

/* Blocks the caller until the session is not RUNNING, every command given has been applied
 * and the snapshot showing the result is out, or timeout_s passes (< 0: no timeout).
 * Returns the state. For the CLI and tests; not the UI thread. */
bp_session_state bp_session_wait (bp_session *s, double timeout_s);

/* ---- Streams ---- */

uint64_t bp_session_run (const bp_session *s); /* run whose records are being written */
/* The metric log of the current run / of run r (1-based; NULL if unknown). Logs live until
 * bp_session_free, so a reader may keep reading a finished run's log after a reset. */
const bp_metric_log *bp_session_metric_log (bp_session *s);
const bp_metric_log *bp_session_metric_log_of_run (bp_session *s, uint64_t run);
/* The histogram history of the current run (lives until bp_session_free). */
const bp_hist_history *bp_session_hist_history (bp_session *s);

/* The newest snapshot, or NULL before the first. *fresh (may be NULL) tells whether it is
 * newer than what the previous call returned. The snapshot stays valid and unchanged until
 * the next call. One reader thread only (the window's). */
const bp_snapshot *bp_session_snapshot (bp_session *s, bool *fresh);

/* A copy of one dense layer's weights (engine/snapshot.h), for a reader that is not the
 * session's owner (one thread, its own buffers: bp_session_snapshot's reader keeps its
 * snapshots). layer: its index in the net; any other value (-1): the first dense layer. The
 * trainer copies it after the step in progress, or at once when idle; nobody waits. A later
 * request before the copy is made replaces the earlier one. */
void bp_session_request_weights (bp_session *s, int layer);
/* The newest copy, or NULL before the first; *fresh (may be NULL) tells whether it is newer
 * than what the previous call returned. It stays valid and unchanged until the next call. */
const bp_weights_snapshot *bp_session_weights (bp_session *s, bool *fresh);

/* ---- Synchronous requests (wait for the step in progress; for the CLI and file saves) ---- */

/* Writes the current weights as safetensors (DESIGN.md layout, the spec JSON and the run's
 * figures in the metadata), atomically. Returns 0 or -1 with a message. */
int bp_session_save_weights (bp_session *s, const char *path, char *err, size_t errlen);

/* Sets one weight of a dense layer by hand (the Playground's edge editor): weight (out, in)
 * of layer `layer` (index as in bp_snapshot.layers), or the bias of unit `out` when in < 0.
 * Applied between steps; a snapshot follows. Returns 0, or -1 with a message (not a dense
 * layer, index out of range, value not finite). */
int bp_session_set_weight (bp_session *s, int layer, int out, int in, float value, char *err,
                           size_t errlen);

/* Runs fn (net, user) on the trainer thread between two steps while the caller waits, for
 * what needs the network itself (bp_experiment_take_weights, bp_experiment_apply_weights).
 * fn must not keep net, nor call the session. A snapshot follows. Returns fn's value. */
int bp_session_with_net (bp_session *s, int (*fn) (bp_net *net, void *user), void *user);

/* Eval-mode loss and accuracy (NaN for regression) over rows of the dataset (e.g. the
 * split's test rows). Returns 0 or -1 with a message. */
int bp_session_evaluate (bp_session *s, const uint32_t *rows, uint32_t n, double *loss,
                         double *acc, char *err, size_t errlen);
