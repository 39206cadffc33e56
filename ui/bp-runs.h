/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpRun: one training run as the dashboard keeps it after its session has moved on: every
 * step's loss, accuracy and learning rate, every epoch's record, the hyperparameters and the
 * final figures (as properties, so a table can show and sort them). Runs outlive sessions: a
 * new dataset or network starts a new session, and the old runs stay to compare against. */
#pragma once

#include <gio/gio.h>

#include "engine/metric_log.h"

G_BEGIN_DECLS

#define BP_TYPE_RUN (bp_run_get_type ())
G_DECLARE_FINAL_TYPE (BpRun, bp_run, BP, RUN, GObject)

/* What a run was trained with, for the table and for starting it again. */
typedef struct {
  char *dataset;    /* "fashion-mnist" */
  char *model;      /* "784-256-128-10 relu" */
  char *optimizer;  /* "adam" */
  double lr;
  int batch_size;
  guint64 seed;
  gint64 params;    /* trainable parameters */
  guint64 planned_steps; /* the steps it is set to train (epochs x steps an epoch); 0: unknown */
  int planned_epochs;    /* 0: unknown or open-ended */
} BpRunInfo;

BpRun *bp_run_new (guint id, const char *name, const BpRunInfo *info);

guint bp_run_get_id (BpRun *self);
const char *bp_run_get_name (BpRun *self);
/* Blank names are refused (the name stays); spaces around a name are dropped. */
void bp_run_set_name (BpRun *self, const char *name);
/* Index into the chart palette; stays with the run. */
guint bp_run_get_color_index (BpRun *self);
void bp_run_set_color_index (BpRun *self, guint index);
gboolean bp_run_get_visible (BpRun *self);
void bp_run_set_visible (BpRun *self, gboolean visible);
const BpRunInfo *bp_run_get_info (BpRun *self);
/* "training", "paused", "finished", "diverged" ... */
const char *bp_run_get_state (BpRun *self);
void bp_run_set_state (BpRun *self, const char *state);

void bp_run_append_steps (BpRun *self, const bp_step_record *recs, gsize n);
void bp_run_append_epochs (BpRun *self, const bp_epoch_record *recs, gsize n);

/* The step records, in order. */
gsize bp_run_get_n_steps (BpRun *self);
const bp_step_record *bp_run_get_steps (BpRun *self);
/* The epoch records. */
gsize bp_run_get_n_epochs (BpRun *self);
const bp_epoch_record *bp_run_get_epochs (BpRun *self);

/* Final figures (NaN when there are none yet); also the properties "epochs", "steps",
 * "train-loss", "val-loss", "val-acc", "time", "samples-per-second". */
double bp_run_get_train_loss (BpRun *self);
double bp_run_get_val_loss (BpRun *self);
double bp_run_get_val_acc (BpRun *self);
double bp_run_get_time (BpRun *self);

/* "step,epoch,time,loss,acc,lr" lines of every step, with a header. */
gboolean bp_run_write_csv (BpRun *self, const char *path, GError **error);

G_END_DECLS
