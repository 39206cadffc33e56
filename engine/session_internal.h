/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's insides, shared by session.c (API, commands), session_trainer.c (the thread's
 * loop and a step) and session_snapshot.c (snapshots and the histogram history; the view
 * net's forwards in session_snapshot_forward.c). */
#pragma once

#include "engine/net.h"
#include "engine/safetensors.h"
#include "engine/session.h"
#include <pthread.h>
#include <stdatomic.h>

typedef enum cmd_kind {
  CMD_PLAY,
  CMD_PAUSE,
  CMD_STEP,
  CMD_STEP_EPOCH,
  CMD_STOP,
  CMD_RESET,
  CMD_REBUILD,
  CMD_HPARAM,
  CMD_LIMITS,
  CMD_SCHEDULE,
  CMD_EARLY_STOP,
  CMD_PLATEAU,
  CMD_SNAPSHOT_OPTIONS,
  CMD_SAMPLE_ROW,
  CMD_SNAPSHOT,
  CMD_SYNC, /* a synchronous request: see sync_request */
} cmd_kind;

/* A request whose caller waits for the trainer (save weights, evaluate). */
typedef struct sync_request {
  int (*fn) (bp_session *s, struct sync_request *req);
  const char *path;
  const uint32_t *rows;
  uint32_t n_rows;
  int layer, out, in; /* set_weight */
  float value;
  int (*net_fn) (bp_net *net, void *user); /* with_net */
  void *user;
  double loss, acc;
  char *err;
  size_t errlen;
  int rc;
  bool done; /* under s->mu */
} sync_request;

typedef struct cmd {
  cmd_kind kind;
  union {
    uint64_t n;
    struct {
      bp_hparam which;
      double value;
    } hp;
    struct {
      long max_epochs;
      uint64_t max_steps;
    } limits;
    bp_schedule schedule;
    bp_early_stop early_stop;
    bp_plateau plateau;
    bp_snapshot_options snap;
    int64_t row;
    struct {
      bp_net *net;
      bp_spec *spec;
      uint64_t seed;
    } rebuild;
    sync_request *sync;
  } u;
} cmd;

/* One snapshot buffer: the public struct and the memory its pointers point into. Only the
 * thread that owns the slot (trainer: back; reader: front) touches it. */
typedef struct snapshot_slot {
  bp_snapshot snap;
  bp_layer_snapshot *layers;
  int cap_layers;
  float *floats;       /* every float array of the snapshot, carved */
  size_t cap_floats;
  const float **neuron_ptrs;
  int cap_neuron_ptrs;
} snapshot_slot;

/* Per (layer, tensor) ranges tracked across snapshots / history entries. */
typedef struct hist_range {
  float lo, hi;
} hist_range;

struct bp_hist_history {
  bp_chunk_store *store;
  int n_layers;
  int bins;
  size_t record_size;
  /* writer side */
  uint64_t every;
  uint64_t next_step;
  hist_range *ranges; /* n_layers * BP_HIST_TENSOR_COUNT */
};

typedef struct bp_weight_copies bp_weight_copies;

struct bp_session {
  /* ---- fixed at creation ---- */
  const bp_dataset *ds;
  const bp_scaler *scaler;
  uint32_t *train_rows, *val_rows;
  uint32_t n_train, n_val;
  bp_session_config cfg; /* best_checkpoint_path points at checkpoint_path */
  char *checkpoint_path;
  bool classification;
  bool two_d;
  float plane[4];

  /* ---- trainer thread only ---- */
  bp_net *net;
  bp_spec *spec;
  int n_inputs, n_outputs;
  bool targets_from_labels; /* classification trained with BCE/MSE/Huber */
  float *bx;                /* (max batch, n_inputs) */
  int32_t *blabels;         /* (max batch) */
  float *btargets;          /* (max batch, n_outputs) */
  int buf_rows;             /* rows the three buffers hold */
  uint32_t *order;          /* training rows in this epoch's order */
  bp_rng shuffle_rng;
  uint64_t seed;

  float base_lr, lr_now, l1, l2;
  int batch_size;
  long max_epochs;
  uint64_t max_steps;
  bp_schedule schedule;
  bp_early_stop early_stop;
  bp_plateau plateau;
  bp_watch watch;
  float *best_copy; /* params then buffers, for restoring the best weights */
  size_t best_floats;
  bool have_best;

  uint64_t step;       /* steps done this run */
  uint32_t epoch;      /* epochs finished */
  uint32_t epoch_pos;  /* training rows consumed in the epoch in progress */
  double ep_loss_sum, ep_correct, ep_count;
  uint64_t ep_step0;
  double ep_time0;
  uint64_t steps_left;  /* step command: steps to go; 0 = not stepping */
  bool until_epoch_end; /* step-epoch command */
  bool stopped;         /* stop or early stopping ended the run; play needs a reset */
  int state_local;      /* trainer's view of the state */

  double run_time_base; /* run seconds accumulated before the current running stretch */
  double resume_t;      /* monotonic time the current running stretch began */
  double rate_t0;
  /* step_clock: the clock is read every 16th step when steps are short (see there) */
  double clock_t, clock_pace, clock_last;
  uint32_t clock_n, clock_left;
  bool clock_valid;
  uint64_t rate_samples0, rate_step0, samples;
  bool rate_published;  /* a samples/s figure is out for this run */
  float last_loss;

  bp_metric_log *log;
  bp_hist_history *hist;

  /* snapshots, trainer side */
  bp_snapshot_options snap_opts;
  int64_t sample_row;
  double next_snapshot_t;
  double snap_cpu_end, snap_wall_end; /* trainer CPU and wall time when the last one ended */
  bool snapshot_wanted;
  uint64_t snap_seq;
  int back;                 /* slot the trainer fills */
  hist_range *snap_ranges;  /* n_layers * BP_HIST_TENSOR_COUNT */
  bp_histogram *act_hist;   /* n_layers: activation histograms of the last training batch */
  uint64_t act_hist_step;   /* step they were computed at (+1; 0 = never) */
  float *grid_x;            /* (grid_size^2, n_inputs): the plane mapped to inputs */
  float *ngrid_x;           /* (neuron_size^2, n_inputs) */
  int grid_x_size, ngrid_x_size;
  bp_net *view_net;         /* the net's twin compiled for 256 rows: snapshot forwards */
  int snap_layers;          /* layers snap_ranges and act_hist were made for */
  int last_n;               /* rows of the last training batch */
  bp_histogram *hist_tmp;   /* n_layers * BP_HIST_TENSOR_COUNT, for history entries */
  bool *hist_has;

  /* ---- shared ---- */
  pthread_t thread;
  pthread_mutex_t mu;        /* queue, hparam shadow, runs, sync requests, message */
  pthread_cond_t wake;       /* trainer waits here while idle */
  pthread_cond_t idle;       /* bp_session_wait and sync callers wait here */
  cmd *queue;
  size_t n_queue, cap_queue;
  bool busy;                 /* the trainer is awake (under mu): not yet idle */
  atomic_bool pending;       /* queue not empty: the only thing the step loop checks */
  atomic_bool quit;
  double hp_shadow[BP_HPARAM_COUNT];

  bp_metric_log **logs; /* one per run, under mu */
  bp_hist_history **hists;
  size_t n_runs, cap_runs;
  char message[256];    /* under mu */

  _Atomic int state, reason;
  _Atomic uint64_t pub_run, pub_step, pub_epoch_step, pub_steps_per_epoch;
  _Atomic uint32_t pub_epoch, pub_best_epoch;
  _Atomic double pub_time, pub_sps, pub_steps_ps, pub_best_value;
  _Atomic float pub_lr, pub_loss;
  _Atomic int64_t pub_params; /* trainable parameters of the newest network given */

  snapshot_slot slots[3];
  atomic_int middle; /* slot index | SLOT_FRESH */
  int front;         /* the reader's slot */

  bp_weight_copies *weight_copies; /* session_snapshot_weights.c; NULL when memory was short */
};

#define SLOT_FRESH 4

/* session.c */
void bp_session_push (bp_session *s, const cmd *c);

/* session_trainer.c */
void bp_session_train_one (bp_session *s);
bool bp_session_running (const bp_session *s);
double bp_session_run_time (const bp_session *s, double now);

/* session_epoch.c */
bp_batch bp_session_batch (const bp_session *s, int n);
int bp_session_count_correct (const bp_session *s, const float *out, int n);
double bp_session_acc (const bp_session *s, int correct, int n);
void bp_session_end_epoch (bp_session *s, double now);
void *bp_session_trainer_main (void *arg);
double bp_session_now (void);
void bp_session_set_message (bp_session *s, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void bp_session_publish_state (bp_session *s, bp_session_state st, bp_session_reason why);
int bp_session_start_run (bp_session *s, uint64_t seed, char *err, size_t errlen);
int bp_session_size_buffers (bp_session *s, int rows);
typedef struct eval_result {
  double loss, acc, mae, r2;
} eval_result;
int bp_session_evaluate_rows (bp_session *s, const uint32_t *rows, uint32_t n, eval_result *res);
int bp_session_gather (bp_session *s, const uint32_t *rows, int n);

/* snapshot.c */
void bp_histogram_compute_sampled (bp_histogram *h, const float *x, size_t n, size_t max_values,
                                   int n_bins, float *lo, float *hi);
bool bp_hist_history_append (bp_hist_history *h, uint64_t step, uint32_t epoch,
                             const bp_histogram *hists, const bool *has);

/* session_snapshot.c */
void bp_session_make_snapshot (bp_session *s);
void bp_session_snapshot_activations (bp_session *s);
void bp_session_history_maybe (bp_session *s);
void bp_session_snapshot_slots_free (bp_session *s);
bp_hist_history *bp_hist_history_new (int n_layers, int bins, uint64_t every);
void bp_hist_history_free (bp_hist_history *h);
void bp_session_snapshot_forget_net (bp_session *s);
/* session_snapshot_forward.c: the forwards through the view net */
int bp_session_map_plane (bp_session *s, const float *xy, int n, float *out);

/* session_snapshot_conv.c: output shapes and conv kernels in snapshots */
size_t bp_session_snapshot_kernel_floats (bp_session *s);
void bp_session_snapshot_kernels (bp_session *s, bp_layer_snapshot *layers, int n_layers,
                                  float **cursor);

/* session_snapshot_weights.c: weight copies on request (bp_session_request_weights) */
bp_weight_copies *bp_weight_copies_new (void);
void bp_weight_copies_free (bp_weight_copies *w);
void bp_session_weights_serve (bp_session *s); /* between steps: a copy, if one was asked */
