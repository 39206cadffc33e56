/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Learning-rate schedules, early stopping and reduce-on-plateau: small state machines the
 * session's trainer consults between steps and at the end of each epoch. Their formulas and
 * defaults follow PyTorch (schedules) and Keras (callbacks), so results can be checked there. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum bp_schedule_kind {
  BP_SCHEDULE_CONSTANT,    /* lr = base */
  BP_SCHEDULE_STEP,        /* StepLR: base * gamma^floor(t / step_size) */
  BP_SCHEDULE_EXPONENTIAL, /* ExponentialLR: base * gamma^t */
  BP_SCHEDULE_COSINE,      /* CosineAnnealingLR: eta_min + (base - eta_min)(1 + cos(pi t/T))/2,
                              t clamped to T */
  BP_SCHEDULE_KIND_COUNT
} bp_schedule_kind;

typedef struct bp_schedule {
  bp_schedule_kind kind;
  bool per_step;    /* t counts optimizer steps; false (default): t counts finished epochs */
  long step_size;   /* STEP: periods between decays (default 10) */
  float gamma;      /* STEP (default 0.1), EXPONENTIAL (default 0.95) */
  long t_max;       /* COSINE: periods of one half cosine (default: the run's epoch limit) */
  float eta_min;    /* COSINE: floor (default 0) */
  long warmup_steps; /* linear warm-up over the first steps, from base/warmup_steps to base,
                        multiplied onto any kind (0 = none) */
} bp_schedule;

void bp_schedule_defaults (bp_schedule *s, bp_schedule_kind kind);

/* The learning rate for the optimizer step numbered `step` (0-based: steps done before it)
 * inside epoch `epoch` (0-based: epochs finished before it). */
float bp_schedule_lr (const bp_schedule *s, float base_lr, long step, long epoch);

const char *bp_schedule_name (bp_schedule_kind kind); /* "constant", "step", ... */
bool bp_schedule_from_name (const char *name, bp_schedule_kind *out);

/* What early stopping and the plateau rule watch, measured at the end of each epoch. */
typedef enum bp_monitor {
  BP_MONITOR_VAL_LOSS,  /* falls back to train loss when there is no validation set */
  BP_MONITOR_VAL_ACC,   /* falls back to train accuracy */
  BP_MONITOR_TRAIN_LOSS,
  BP_MONITOR_TRAIN_ACC,
  BP_MONITOR_COUNT
} bp_monitor;

const char *bp_monitor_name (bp_monitor m); /* "val_loss", "val_acc", "loss", "acc" */
bool bp_monitor_from_name (const char *name, bp_monitor *out);
bool bp_monitor_higher_is_better (bp_monitor m);

/* Keras EarlyStopping: stop when the monitored value has not improved by more than
 * min_delta for `patience` epochs in a row. */
typedef struct bp_early_stop {
  bool enabled;
  bp_monitor monitor;  /* default val_loss */
  int patience;        /* default 10 */
  float min_delta;     /* absolute, default 0 */
  bool restore_best;   /* put the best epoch's weights back when stopping (default true) */
} bp_early_stop;

/* Keras ReduceLROnPlateau: lr *= factor when the monitored value has not improved by more
 * than min_delta for `patience` epochs; then wait `cooldown` epochs; never below min_lr. */
typedef struct bp_plateau {
  bool enabled;
  bp_monitor monitor; /* default val_loss */
  float factor;       /* default 0.1 */
  int patience;       /* default 10 */
  float min_delta;    /* absolute, default 1e-4 */
  int cooldown;       /* default 0 */
  float min_lr;       /* default 0 */
} bp_plateau;

void bp_early_stop_defaults (bp_early_stop *e);
void bp_plateau_defaults (bp_plateau *p);

/* Run-time state of both rules (one per run; reset with the run). */
typedef struct bp_watch {
  double best;        /* best monitored value so far (NaN before the first epoch) */
  long best_epoch;    /* 1-based epoch that gave it, 0 before */
  int wait;           /* epochs without improvement */
  double plateau_best;
  int plateau_wait;
  int cooldown_left;
  float lr_factor;    /* product of the plateau reductions so far (starts at 1) */
} bp_watch;

void bp_watch_reset (bp_watch *w);

typedef enum bp_watch_verdict {
  BP_WATCH_CONTINUE = 0,
  BP_WATCH_IMPROVED = 1 << 0,  /* this epoch is the new best (save a checkpoint) */
  BP_WATCH_STOP = 1 << 1,      /* early stopping fires */
  BP_WATCH_LR_REDUCED = 1 << 2 /* the plateau rule lowered lr_factor */
} bp_watch_verdict;

/* Feeds one epoch's monitored values (early stopping's and the plateau's, which may watch
 * different things); current_lr is the lr in force, so the plateau rule can respect min_lr.
 * Returns a mask of bp_watch_verdict flags. A NaN value never counts as an improvement. */
int bp_watch_epoch (bp_watch *w, const bp_early_stop *es, double es_value,
                    const bp_plateau *pl, double pl_value, float current_lr, long epoch);
