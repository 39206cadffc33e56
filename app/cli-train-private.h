/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between cli-train.c (set-up) and cli-train-run.c (the run and its output). */
#pragma once

#include "app/cli-train.h"
#include "data/split.h"
#include "engine/session.h"

typedef struct cJSON cJSON;

typedef struct cli_plan {
  cJSON *exp;          /* the experiment's JSON, when there is one */
  char *spec_path;     /* the experiment's spec file, next to it */
  char *data_source;   /* the experiment's data source */
  const char *scaling; /* the experiment's scaling */
  double val_ratio, test_ratio;
  bp_spec *spec;
  bp_dataset *ds;
  bp_split split;
  bp_scaler scaler;
  bool have_scaler;
} cli_plan;

/* Reads the experiment, the spec and the data, splits and scales. 0, or an exit status with
 * the message already printed on err. */
int bp_cli_plan_make (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                      FILE *err);
void bp_cli_plan_config (const cli_plan *p, const bp_cli_train_options *o,
                         bp_session_config *cfg);
void bp_cli_plan_free (cli_plan *p);
