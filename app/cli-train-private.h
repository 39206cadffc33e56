/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between cli-train.c (set-up) and cli-train-run.c (the run and its output). */
#pragma once

#include "app/cli-train.h"
#include "data/split.h"
#include "engine/session.h"

#include "engine/experiment.h"

typedef struct cli_plan {
  bp_experiment *exp;        /* EXPERIMENT.json / .bpx, when given */
  bp_experiment_dataset xd;  /* its dataset (exp only) */
  bp_spec *spec;             /* what trains (owned) */
  /* The data: xd's, or loaded from --data into the three below. */
  bp_dataset *own_ds;
  bp_split own_split;
  bp_scaler own_scaler;
  const bp_dataset *ds;
  const bp_split *split;
  const bp_scaler *scaler;   /* NULL: features as stored */
} cli_plan;

/* Reads the experiment, the spec and the data, splits and scales. 0, or an exit status with
 * the message already printed on err. */
int bp_cli_plan_make (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                      FILE *err);
void bp_cli_plan_config (const cli_plan *p, const bp_cli_train_options *o,
                         bp_session_config *cfg);
void bp_cli_plan_free (cli_plan *p);
/* An experiment's trained weights go into the session's network. 0, or an exit status with
 * the message printed. */
int bp_cli_plan_apply_weights (const cli_plan *p, bp_session *s, FILE *err);
