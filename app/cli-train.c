/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-train's set-up: the experiment file, the spec (given or a default network for the
 * data), the split, the scaler and the session's configuration. */
#include "app/cli-train-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/blas.h"
#include "engine/workers.h"

void
bp_cli_train_options_init (bp_cli_train_options *o)
{
  memset (o, 0, sizeof *o);
  o->epochs = -1;
  o->steps = -1;
  o->val_ratio = -1;
  o->test_ratio = -1;
}

/* The Playground's net for 2-D sets, an MLP otherwise; sized for the data's outputs. */
static bp_spec *
default_spec (const bp_dataset *ds, char *err, size_t errlen)
{
  bool two_d = ds->n_features == 2 && ds->image_width == 0;
  bool cls = ds->task == BP_TASK_CLASSIFICATION;
  int outputs = cls ? (ds->n_classes == 2 ? 1 : ds->n_classes) : ds->n_targets;
  const char *loss = !cls ? "mse" : ds->n_classes == 2 ? "bce" : "cross_entropy";
  int h1 = two_d ? 8 : ds->n_features >= 64 ? 256 : 64;
  int h2 = two_d ? 8 : ds->n_features >= 64 ? 128 : 32;
  char json[1024];
  snprintf (json, sizeof json,
            "{\"input\":{\"shape\":[%d]},\"layers\":["
            "{\"type\":\"dense\",\"name\":\"hidden_1\",\"units\":%d,\"activation\":\"%s\"},"
            "{\"type\":\"dense\",\"name\":\"hidden_2\",\"units\":%d,\"activation\":\"%s\"},"
            "{\"type\":\"dense\",\"name\":\"out\",\"units\":%d}],"
            "\"loss\":\"%s\",\"optimizer\":%s,"
            "\"training\":{\"batch_size\":%d,\"epochs\":%d,\"seed\":1}}",
            ds->n_features, h1, two_d ? "tanh" : "relu", h2, two_d ? "tanh" : "relu", outputs,
            loss, two_d ? "{\"type\":\"sgd\",\"lr\":0.03}" : "{\"type\":\"adam\",\"lr\":0.001}",
            two_d ? 10 : ds->n_features >= 64 ? 64 : 32, two_d ? 200 : 10);
  return bp_spec_parse (json, strlen (json), err, errlen);
}

/* ds NULL: name must be given. */
static bool
scaling_from (const char *name, const bp_dataset *ds, bp_scaling *out)
{
  if (name == NULL && ds != NULL)
    {
      /* Images are already in [0, 1]; everything else gets zero mean and unit variance. */
      *out = ds->storage == BP_FEATURES_U8 ? BP_SCALING_NONE : BP_SCALING_STANDARD;
      return true;
    }
  if (strcmp (name, "none") == 0)
    *out = BP_SCALING_NONE;
  else if (strcmp (name, "standard") == 0)
    *out = BP_SCALING_STANDARD;
  else if (strcmp (name, "minmax") == 0)
    *out = BP_SCALING_MINMAX;
  else
    return false;
  return true;
}

void
bp_cli_plan_free (cli_plan *p)
{
  bp_spec_free (p->spec);
  if (p->exp != NULL)
    bp_experiment_dataset_free (&p->xd);
  bp_experiment_free (p->exp);
  bp_dataset_free (p->own_ds);
  bp_split_free (&p->own_split);
  if (p->scaler == &p->own_scaler)
    bp_scaler_free (&p->own_scaler);
}

/* --data SOURCE [--spec] without an experiment: load, split, scale here. */
static int
plan_from_options (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                   char *msg, size_t msglen, FILE *err)
{
  if (data->source == NULL)
    {
      snprintf (msg, msglen, "backprop-train: no dataset: use --data SOURCE or an experiment "
                "file (see --help)");
      return BP_EXIT_USAGE;
    }
  if (o->spec != NULL && (p->spec = bp_spec_parse_file (o->spec, msg, msglen)) == NULL)
    return BP_EXIT_USAGE;
  p->own_ds = bp_cli_load_data (data, err);
  if (p->own_ds == NULL)
    {
      msg[0] = '\0';
      return BP_EXIT_USAGE;
    }
  p->ds = p->own_ds;
  if (p->spec == NULL && (p->spec = default_spec (p->ds, msg, msglen)) == NULL)
    return BP_EXIT_USAGE;
  uint64_t seed = o->have_seed ? o->seed : p->spec->seed;
  if (bp_split_make (p->own_ds, o->val_ratio >= 0 ? o->val_ratio : BP_SPLIT_CLI_VAL_RATIO,
                     o->test_ratio >= 0 ? o->test_ratio : BP_SPLIT_CLI_TEST_RATIO, seed,
                     &p->own_split, msg, msglen) != 0)
    return BP_EXIT_USAGE;
  p->split = &p->own_split;
  bp_scaling how;
  if (!scaling_from (o->scaling, p->ds, &how))
    {
      snprintf (msg, msglen, "backprop-train: --scale %s: use none, standard or minmax",
                o->scaling);
      return BP_EXIT_USAGE;
    }
  if (how != BP_SCALING_NONE)
    {
      if (bp_scaler_fit (p->own_ds, p->own_split.train, p->own_split.n_train, how,
                         &p->own_scaler) != 0)
        {
          snprintf (msg, msglen, "backprop-train: out of memory");
          return BP_EXIT_FAILURE;
        }
      p->scaler = &p->own_scaler;
    }
  return 0;
}

static char *
dup_or_null (const char *s)
{
  return s != NULL ? strdup (s) : NULL;
}

/* EXPERIMENT (.json or .bpx, engine/experiment.h), with the command line's overrides. */
static int
plan_from_experiment (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                      char *msg, size_t msglen, FILE *err)
{
  p->exp = bp_experiment_load (o->experiment, msg, msglen);
  if (p->exp == NULL)
    return BP_EXIT_USAGE;
  bp_experiment_data *d = &p->exp->data;
  if (o->spec != NULL)
    {
      bp_spec *spec = bp_spec_parse_file (o->spec, msg, msglen);
      if (spec == NULL)
        return BP_EXIT_USAGE;
      bp_spec_free (p->exp->spec);
      p->exp->spec = spec;
      bp_experiment_clear_weights (p->exp); /* they belong to the other network */
    }
  if (data->source != NULL)
    {
      free (d->source);
      free (d->label);
      free (d->idx_labels);
      d->source = strdup (data->source);
      d->label = dup_or_null (data->label);
      d->idx_labels = dup_or_null (data->idx_labels);
      d->task = data->task;
      d->drop_bad_rows = data->drop_bad_rows;
      d->features = 0;
    }
  else if (data->drop_bad_rows)
    d->drop_bad_rows = true; /* the experiment's own CSV: the flag applies to it as well */
  if (d->source == NULL)
    {
      snprintf (msg, msglen, "%s: the experiment names no dataset; add --data SOURCE",
                o->experiment);
      return BP_EXIT_USAGE;
    }
  if (o->val_ratio >= 0)
    d->val_ratio = o->val_ratio;
  if (o->test_ratio >= 0)
    d->test_ratio = o->test_ratio;
  if (o->have_seed)
    d->split_seed = o->seed;
  if (o->scaling != NULL && !scaling_from (o->scaling, NULL, &d->scaling))
    {
      snprintf (msg, msglen, "backprop-train: --scale %s: use none, standard or minmax",
                o->scaling);
      return BP_EXIT_USAGE;
    }
  if (bp_experiment_load_dataset (p->exp, &p->xd, msg, msglen) != 0)
    {
      /* The loader's line, then the same hint as for --data (cli-data.c). */
      fprintf (err, "%s\n", msg);
      msg[0] = '\0';
      bp_cli_report_csv (d->source, &p->xd.csv, false, err);
      return BP_EXIT_USAGE;
    }
  bp_cli_report_csv (d->source, &p->xd.csv, true, err);
  p->spec = bp_spec_copy (p->exp->spec);
  if (p->spec == NULL)
    {
      snprintf (msg, msglen, "backprop-train: out of memory");
      return BP_EXIT_FAILURE;
    }
  p->ds = p->xd.ds;
  p->split = &p->xd.split;
  p->scaler = bp_experiment_dataset_scaler (&p->xd);
  return 0;
}

int
bp_cli_plan_make (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                  FILE *err)
{
  char msg[1024] = "";
  int rc = o->experiment != NULL ? plan_from_experiment (p, o, data, msg, sizeof msg, err)
                                 : plan_from_options (p, o, data, msg, sizeof msg, err);
  if (rc != 0)
    {
      if (msg[0] != '\0')
        fprintf (err, "%s\n", msg);
      return rc;
    }
  /* The engine's own threads, OpenBLAS on one (engine/workers.h says why); --threads 0 (not
   * given) is every core. */
  bp_workers_use_for_training (o->threads);
  return 0;
}

static int
apply_weights (bp_net *net, void *user)
{
  void **a = user;
  return bp_experiment_apply_weights (a[0], net, a[1], 512);
}

int
bp_cli_plan_apply_weights (const cli_plan *p, bp_session *s, FILE *err)
{
  if (p->exp == NULL || p->exp->n_weights == 0)
    return 0;
  char msg[512] = "";
  void *args[2] = { p->exp, msg };
  if (bp_session_with_net (s, apply_weights, args) != 0)
    {
      fprintf (err, "%s\n", msg);
      return BP_EXIT_USAGE;
    }
  return 0;
}

void
bp_cli_plan_config (const cli_plan *p, const bp_cli_train_options *o, bp_session_config *cfg)
{
  if (p->exp != NULL)
    {
      bp_experiment_session_config (p->exp, cfg);
      bp_experiment_dataset_configure (&p->xd, cfg);
    }
  else
    bp_session_config_defaults (cfg, p->spec);
  if (o->have_seed)
    cfg->seed = o->seed;
  if (o->batch_size > 0)
    cfg->batch_size = o->batch_size;
  if (o->lr > 0)
    cfg->optim.lr = (float) o->lr;
  if (o->epochs >= 0)
    cfg->max_epochs = o->epochs;
  else if (o->steps >= 0)
    cfg->max_epochs = 0; /* --steps alone: as many epochs as the steps take */
  if (o->steps >= 0)
    cfg->max_steps = (uint64_t) o->steps;
  /* Room in the metric log for the whole run when it is bounded. */
  uint64_t per_epoch = (p->split->n_train + (uint64_t) cfg->batch_size - 1)
                       / (uint64_t) cfg->batch_size;
  uint64_t need = cfg->max_steps > 0 ? cfg->max_steps
                  : cfg->max_epochs > 0 ? per_epoch * (uint64_t) cfg->max_epochs : 0;
  if (need + 1 > cfg->max_log_steps)
    cfg->max_log_steps = need + 1 < BP_METRIC_LOG_MAX_STEPS ? need + 1 : BP_METRIC_LOG_MAX_STEPS;
  /* Nobody looks at snapshots here: skip them all. */
  cfg->snapshots.grid = false;
  cfg->snapshots.neurons = false;
  cfg->snapshots.histograms = false;
  cfg->snapshots.weights = false;
  cfg->snapshots.interval_s = 3600;
  cfg->history_every = 0;
}
