/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's public face: creation, the command queue, state queries and the streams. */
#include "engine/session_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const hparam_names[BP_HPARAM_COUNT] = {
  "lr", "momentum", "beta1", "beta2", "l1", "l2", "weight_decay", "dropout", "batch_size",
};

static const char *const state_names[] = { "paused", "running", "finished", "diverged" };

const char *
bp_hparam_name (bp_hparam h)
{
  return (unsigned) h < BP_HPARAM_COUNT ? hparam_names[h] : "unknown";
}

const char *
bp_session_state_name (bp_session_state st)
{
  return (unsigned) st <= BP_SESSION_DIVERGED ? state_names[st] : "unknown";
}

void
bp_session_config_defaults (bp_session_config *cfg, const bp_spec *spec)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->seed = spec->seed;
  cfg->optim = spec->optim;
  cfg->batch_size = spec->batch_size > 0 ? spec->batch_size : 32;
  cfg->max_epochs = spec->epochs;
  cfg->shuffle = true;
  bp_schedule_defaults (&cfg->schedule, BP_SCHEDULE_CONSTANT);
  bp_early_stop_defaults (&cfg->early_stop);
  bp_plateau_defaults (&cfg->plateau);
  cfg->max_log_steps = BP_METRIC_LOG_DEFAULT_STEPS;
  bp_snapshot_options_defaults (&cfg->snapshots);
  cfg->history_every = BP_HIST_HISTORY_DEFAULT_EVERY;
}

/* Does the network's output fit the dataset and the loss? */
static int
check_fit (const bp_spec *spec, const bp_dataset *ds, char *err, size_t errlen)
{
  bp_layer_info info[BP_MAX_LAYERS];
  if (spec->n_layers < 1 || spec->n_layers > BP_MAX_LAYERS)
    {
      snprintf (err, errlen, "the network has no layers");
      return -1;
    }
  if (bp_spec_infer (spec, info, err, errlen) != 0)
    return -1;
  size_t n_in = bp_shape_size (spec->input);
  size_t n_out = bp_shape_size (info[spec->n_layers - 1].out);
  if (n_in != (size_t) ds->n_features)
    {
      snprintf (err, errlen, "the network takes %zu inputs, but '%s' has %d features", n_in,
                ds->name ? ds->name : "the dataset", ds->n_features);
      return -1;
    }
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      bool ok = spec->loss == BP_LOSS_CROSS_ENTROPY
                  ? n_out == (size_t) ds->n_classes
                  : n_out == (size_t) ds->n_classes || (n_out == 1 && ds->n_classes == 2);
      if (!ok)
        {
          snprintf (err, errlen,
                    "the network gives %zu outputs, but %s on %d classes needs %s%d", n_out,
                    bp_loss_name (spec->loss), ds->n_classes,
                    spec->loss == BP_LOSS_CROSS_ENTROPY || ds->n_classes != 2 ? "" : "1 or ",
                    ds->n_classes);
          return -1;
        }
    }
  else
    {
      if (spec->loss == BP_LOSS_CROSS_ENTROPY)
        {
          snprintf (err, errlen, "cross-entropy needs class labels, but '%s' is a regression "
                    "dataset; use mse or huber", ds->name ? ds->name : "the dataset");
          return -1;
        }
      if (n_out != (size_t) ds->n_targets)
        {
          snprintf (err, errlen, "the network gives %zu outputs, but the dataset has %d targets",
                    n_out, ds->n_targets);
          return -1;
        }
    }
  return 0;
}

/* A copy of spec with cfg's run settings, and a network built from it. */
static bp_net *
build_net (const bp_spec *spec, const bp_optim_cfg *optim, int batch, uint64_t seed,
           bp_spec **spec_out, char *err, size_t errlen)
{
  bp_spec *copy = bp_spec_copy (spec);
  if (copy == NULL)
    {
      snprintf (err, errlen, "out of memory");
      return NULL;
    }
  if (optim != NULL)
    copy->optim = *optim;
  copy->batch_size = batch;
  copy->seed = seed;
  bp_net *net = bp_net_create (copy, err, errlen);
  if (net == NULL)
    {
      bp_spec_free (copy);
      return NULL;
    }
  *spec_out = copy;
  return net;
}

static void
session_destroy (bp_session *s)
{
  for (size_t i = 0; i < s->n_runs; i++)
    {
      bp_metric_log_free (s->logs[i]);
      bp_hist_history_free (s->hists[i]);
    }
  for (size_t i = 0; i < s->n_queue; i++)
    if (s->queue[i].kind == CMD_REBUILD)
      {
        bp_net_free (s->queue[i].u.rebuild.net);
        bp_spec_free (s->queue[i].u.rebuild.spec);
      }
  bp_session_snapshot_slots_free (s);
  free (s->logs);
  free (s->hists);
  free (s->queue);
  bp_net_free (s->net);
  bp_spec_free (s->spec);
  free (s->train_rows);
  free (s->val_rows);
  free (s->order);
  free (s->bx);
  free (s->blabels);
  free (s->btargets);
  free (s->best_copy);
  free (s->checkpoint_path);
  pthread_mutex_destroy (&s->mu);
  pthread_cond_destroy (&s->wake);
  pthread_cond_destroy (&s->idle);
  free (s);
}

bp_session *
bp_session_new (const bp_spec *spec, const bp_dataset *ds, const bp_split *split,
                const bp_scaler *scaler, const bp_session_config *cfg, char *err,
                size_t errlen)
{
  if (spec == NULL || ds == NULL || split == NULL || cfg == NULL)
    {
      snprintf (err, errlen, "a session needs a spec, a dataset, a split and a config");
      return NULL;
    }
  if (split->n_train == 0)
    {
      snprintf (err, errlen, "there are no training rows");
      return NULL;
    }
  if (cfg->batch_size < 1)
    {
      snprintf (err, errlen, "batch size %d: it must be at least 1", cfg->batch_size);
      return NULL;
    }
  if (check_fit (spec, ds, err, errlen) != 0)
    return NULL;
  for (uint32_t i = 0; i < split->n_train; i++)
    if (split->train[i] >= ds->n_rows)
      {
        snprintf (err, errlen, "training row %u is past the dataset's %zu rows",
                  split->train[i], ds->n_rows);
        return NULL;
      }
  for (uint32_t i = 0; i < split->n_val; i++)
    if (split->val[i] >= ds->n_rows)
      {
        snprintf (err, errlen, "validation row %u is past the dataset's %zu rows",
                  split->val[i], ds->n_rows);
        return NULL;
      }
  bool two_d = cfg->plane_map != NULL || (ds->n_features == 2 && ds->image_width == 0);
  bool plane_given = cfg->plane[0] != cfg->plane[1] && cfg->plane[2] != cfg->plane[3];
  if (cfg->plane_map != NULL && !plane_given)
    {
      snprintf (err, errlen, "a plane map needs the plane's bounds");
      return NULL;
    }

  bp_session *s = calloc (1, sizeof *s);
  if (s == NULL)
    {
      snprintf (err, errlen, "out of memory");
      return NULL;
    }
  pthread_mutex_init (&s->mu, NULL);
  pthread_cond_init (&s->wake, NULL);
  pthread_cond_init (&s->idle, NULL);
  s->ds = ds;
  s->scaler = scaler;
  s->cfg = *cfg;
  s->classification = ds->task == BP_TASK_CLASSIFICATION;
  s->two_d = two_d;
  s->n_train = split->n_train;
  s->n_val = split->n_val;
  s->train_rows = malloc (sizeof (uint32_t) * split->n_train);
  s->order = malloc (sizeof (uint32_t) * split->n_train);
  s->val_rows = malloc (sizeof (uint32_t) * (split->n_val + 1));
  if (cfg->best_checkpoint_path != NULL)
    s->checkpoint_path = strdup (cfg->best_checkpoint_path);
  s->cfg.best_checkpoint_path = s->checkpoint_path;
  if (s->train_rows == NULL || s->order == NULL || s->val_rows == NULL
      || (cfg->best_checkpoint_path != NULL && s->checkpoint_path == NULL))
    {
      snprintf (err, errlen, "out of memory");
      session_destroy (s);
      return NULL;
    }
  memcpy (s->train_rows, split->train, sizeof (uint32_t) * split->n_train);
  if (split->n_val > 0)
    memcpy (s->val_rows, split->val, sizeof (uint32_t) * split->n_val);

  if (two_d && !plane_given)
    {
      /* The training rows' raw range, widened by 10% on each side. */
      float lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
      for (uint32_t i = 0; i < s->n_train; i++)
        for (int j = 0; j < 2; j++)
          {
            float v = bp_dataset_feature (ds, s->train_rows[i], j);
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = v > hi[j] ? v : hi[j];
          }
      for (int j = 0; j < 2; j++)
        {
          float pad = (hi[j] - lo[j]) * 0.1f;
          if (!(pad > 0.0f))
            pad = 1.0f;
          s->plane[2 * j] = lo[j] - pad;
          s->plane[2 * j + 1] = hi[j] + pad;
        }
    }
  else
    memcpy (s->plane, cfg->plane, sizeof s->plane);

  s->net = build_net (spec, &cfg->optim, cfg->batch_size, cfg->seed, &s->spec, err, errlen);
  if (s->net == NULL)
    {
      session_destroy (s);
      return NULL;
    }
  atomic_store (&s->pub_params, (int64_t) bp_spec_param_count (s->spec));
  s->n_inputs = (int) bp_net_input_size (s->net);
  s->n_outputs = (int) bp_net_output_size (s->net);
  s->targets_from_labels = s->classification && s->spec->loss != BP_LOSS_CROSS_ENTROPY;
  s->base_lr = cfg->optim.lr;
  s->batch_size = cfg->batch_size;
  s->max_epochs = cfg->max_epochs;
  s->max_steps = cfg->max_steps;
  s->schedule = cfg->schedule;
  s->early_stop = cfg->early_stop;
  s->plateau = cfg->plateau;
  s->snap_opts = cfg->snapshots;
  s->sample_row = -1;
  for (int i = 0; i < spec->n_layers; i++)
    {
      s->l1 = fmaxf (s->l1, spec->layers[i].l1);
      s->l2 = fmaxf (s->l2, spec->layers[i].l2);
    }
  s->hp_shadow[BP_HPARAM_LR] = cfg->optim.lr;
  s->hp_shadow[BP_HPARAM_MOMENTUM] = cfg->optim.momentum;
  s->hp_shadow[BP_HPARAM_BETA1] = cfg->optim.beta1;
  s->hp_shadow[BP_HPARAM_BETA2] = cfg->optim.beta2;
  s->hp_shadow[BP_HPARAM_L1] = s->l1;
  s->hp_shadow[BP_HPARAM_L2] = s->l2;
  s->hp_shadow[BP_HPARAM_WEIGHT_DECAY] = cfg->optim.weight_decay;
  s->hp_shadow[BP_HPARAM_DROPOUT] = 0.0;
  for (int i = 0; i < spec->n_layers; i++)
    if (spec->layers[i].kind == BP_LAYER_DROPOUT)
      s->hp_shadow[BP_HPARAM_DROPOUT] = spec->layers[i].u.dropout.rate;
  s->hp_shadow[BP_HPARAM_BATCH_SIZE] = cfg->batch_size;

  atomic_init (&s->pending, false);
  atomic_init (&s->quit, false);
  atomic_init (&s->state, BP_SESSION_PAUSED);
  atomic_init (&s->reason, BP_REASON_NONE);
  atomic_init (&s->middle, 1);
  s->busy = true; /* until the trainer first goes to sleep */
  s->back = 0;
  s->front = 2;
  s->weight_copies = bp_weight_copies_new ();

  if (bp_session_start_run (s, cfg->seed, err, errlen) != 0)
    {
      session_destroy (s);
      return NULL;
    }
  int rc = pthread_create (&s->thread, NULL, bp_session_trainer_main, s);
  if (rc != 0)
    {
      snprintf (err, errlen, "cannot start the trainer thread: %s", strerror (rc));
      session_destroy (s);
      return NULL;
    }
  return s;
}

void
bp_session_free (bp_session *s)
{
  if (s == NULL)
    return;
  pthread_mutex_lock (&s->mu);
  atomic_store (&s->quit, true);
  atomic_store (&s->pending, true);
  pthread_cond_broadcast (&s->wake);
  pthread_mutex_unlock (&s->mu);
  pthread_join (s->thread, NULL);
  session_destroy (s);
}

/* ---- the queue ---- */

void
bp_session_push (bp_session *s, const cmd *c)
{
  pthread_mutex_lock (&s->mu);
  if (s->n_queue == s->cap_queue)
    {
      size_t cap = s->cap_queue ? s->cap_queue * 2 : 16;
      cmd *q = realloc (s->queue, cap * sizeof *q);
      if (q == NULL)
        {
          /* Out of memory: the command is lost, which the state shows. */
          pthread_mutex_unlock (&s->mu);
          return;
        }
      s->queue = q;
      s->cap_queue = cap;
    }
  s->queue[s->n_queue++] = *c;
  atomic_store_explicit (&s->pending, true, memory_order_release);
  pthread_cond_signal (&s->wake);
  pthread_mutex_unlock (&s->mu);
}

static void
push_simple (bp_session *s, cmd_kind kind, uint64_t n)
{
  cmd c = { .kind = kind };
  c.u.n = n;
  bp_session_push (s, &c);
}

void bp_session_play (bp_session *s) { push_simple (s, CMD_PLAY, 0); }
void bp_session_pause (bp_session *s) { push_simple (s, CMD_PAUSE, 0); }
void bp_session_step_epoch (bp_session *s) { push_simple (s, CMD_STEP_EPOCH, 0); }
void bp_session_stop (bp_session *s) { push_simple (s, CMD_STOP, 0); }
void bp_session_reset (bp_session *s, uint64_t seed) { push_simple (s, CMD_RESET, seed); }
void bp_session_request_snapshot (bp_session *s) { push_simple (s, CMD_SNAPSHOT, 0); }

void
bp_session_step (bp_session *s, uint64_t n_steps)
{
  if (n_steps > 0)
    push_simple (s, CMD_STEP, n_steps);
}

int
bp_session_rebuild (bp_session *s, const bp_spec *spec, uint64_t seed, char *err,
                    size_t errlen)
{
  if (check_fit (spec, s->ds, err, errlen) != 0)
    return -1;
  cmd c = { .kind = CMD_REBUILD };
  int batch = spec->batch_size > 0 ? spec->batch_size : 32;
  c.u.rebuild.net = build_net (spec, NULL, batch, seed, &c.u.rebuild.spec, err, errlen);
  if (c.u.rebuild.net == NULL)
    return -1;
  c.u.rebuild.seed = seed;
  atomic_store (&s->pub_params, (int64_t) bp_spec_param_count (spec));
  bp_session_push (s, &c);
  pthread_mutex_lock (&s->mu);
  s->hp_shadow[BP_HPARAM_LR] = spec->optim.lr;
  s->hp_shadow[BP_HPARAM_MOMENTUM] = spec->optim.momentum;
  s->hp_shadow[BP_HPARAM_BETA1] = spec->optim.beta1;
  s->hp_shadow[BP_HPARAM_BETA2] = spec->optim.beta2;
  s->hp_shadow[BP_HPARAM_WEIGHT_DECAY] = spec->optim.weight_decay;
  s->hp_shadow[BP_HPARAM_BATCH_SIZE] = batch;
  pthread_mutex_unlock (&s->mu);
  return 0;
}

int
bp_session_set_hparam (bp_session *s, bp_hparam which, double v, char *err, size_t errlen)
{
  bool ok;
  switch (which)
    {
    case BP_HPARAM_LR:
      ok = v > 0.0 && v < 1e6;
      break;
    case BP_HPARAM_MOMENTUM:
    case BP_HPARAM_BETA1:
    case BP_HPARAM_BETA2:
    case BP_HPARAM_DROPOUT:
      ok = v >= 0.0 && v < 1.0;
      break;
    case BP_HPARAM_L1:
    case BP_HPARAM_L2:
    case BP_HPARAM_WEIGHT_DECAY:
      ok = v >= 0.0 && v < 1e6;
      break;
    case BP_HPARAM_BATCH_SIZE:
      ok = v >= 1.0 && v <= 1 << 20 && v == floor (v);
      break;
    default:
      snprintf (err, errlen, "unknown hyperparameter %d", (int) which);
      return -1;
    }
  if (!ok)
    {
      snprintf (err, errlen, "%s %g is out of range", bp_hparam_name (which), v);
      return -1;
    }
  cmd c = { .kind = CMD_HPARAM };
  c.u.hp.which = which;
  c.u.hp.value = v;
  bp_session_push (s, &c);
  pthread_mutex_lock (&s->mu);
  s->hp_shadow[which] = v;
  pthread_mutex_unlock (&s->mu);
  return 0;
}

double
bp_session_get_hparam (bp_session *s, bp_hparam which)
{
  if ((unsigned) which >= BP_HPARAM_COUNT)
    return NAN;
  pthread_mutex_lock (&s->mu);
  double v = s->hp_shadow[which];
  pthread_mutex_unlock (&s->mu);
  return v;
}

void
bp_session_set_limits (bp_session *s, long max_epochs, uint64_t max_steps)
{
  cmd c = { .kind = CMD_LIMITS };
  c.u.limits.max_epochs = max_epochs;
  c.u.limits.max_steps = max_steps;
  bp_session_push (s, &c);
}

void
bp_session_set_schedule (bp_session *s, const bp_schedule *schedule)
{
  cmd c = { .kind = CMD_SCHEDULE };
  c.u.schedule = *schedule;
  bp_session_push (s, &c);
}

void
bp_session_set_early_stop (bp_session *s, const bp_early_stop *es)
{
  cmd c = { .kind = CMD_EARLY_STOP };
  c.u.early_stop = *es;
  bp_session_push (s, &c);
}

void
bp_session_set_plateau (bp_session *s, const bp_plateau *pl)
{
  cmd c = { .kind = CMD_PLATEAU };
  c.u.plateau = *pl;
  bp_session_push (s, &c);
}

void
bp_session_set_snapshot_options (bp_session *s, const bp_snapshot_options *o)
{
  cmd c = { .kind = CMD_SNAPSHOT_OPTIONS };
  c.u.snap = *o;
  bp_session_push (s, &c);
}

void
bp_session_set_sample_row (bp_session *s, int64_t row)
{
  cmd c = { .kind = CMD_SAMPLE_ROW };
  c.u.row = row < 0 || (uint64_t) row >= s->ds->n_rows ? -1 : row;
  bp_session_push (s, &c);
}
