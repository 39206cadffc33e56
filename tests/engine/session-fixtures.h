/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Datasets, splits and specs for the session tests, built by hand so outcomes are known. */
#pragma once

#include "data/dataset.h"
#include "data/split.h"
#include "engine/rng.h"
#include "engine/session.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* in -> dense layers of units[] (act on all but the last) -> out. */
static inline bp_spec *
fx_spec (int in, const int *units, int n, bp_act act, bp_loss_kind loss, bp_optim_kind opt,
         float lr, int batch)
{
  bp_spec *s = calloc (1, sizeof *s);
  s->input = bp_shape_vec (in);
  s->n_layers = n;
  s->layers = calloc ((size_t) n, sizeof *s->layers);
  for (int i = 0; i < n; i++)
    {
      bp_layer_spec *ls = &s->layers[i];
      bp_layer_spec_defaults (ls, BP_LAYER_DENSE);
      snprintf (ls->name, sizeof ls->name, "dense_%d", i + 1);
      ls->u.dense.units = units[i];
      ls->u.dense.activation = i < n - 1 ? act : BP_ACT_LINEAR;
    }
  s->loss = loss;
  s->huber_delta = 1.0f;
  bp_optim_cfg_defaults (&s->optim, opt);
  s->optim.lr = lr;
  s->batch_size = batch;
  s->epochs = 0;
  s->seed = 1;
  return s;
}

/* The playground net: 2-8-8-1 tanh, BCE, SGD. */
static inline bp_spec *
fx_tiny_spec (float lr, int batch)
{
  const int units[] = { 8, 8, 1 };
  return fx_spec (2, units, 3, BP_ACT_TANH, BP_LOSS_BCE_LOGITS, BP_OPTIM_SGD, lr, batch);
}

/* Two gaussian blobs around (-2, -2) (class 0) and (2, 2) (class 1), n rows each; then, when
 * flipped_copies > 0, that many extra rows per blob with the labels swapped (a validation set
 * that gets worse the better the model learns the training set). */
static inline bp_dataset *
fx_blobs (int n, int flipped_copies, uint64_t seed)
{
  size_t rows = (size_t) 2 * (n + flipped_copies);
  bp_dataset *ds = bp_dataset_new (rows, 2, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, NULL, 0);
  g_assert_nonnull (ds);
  bp_rng r;
  bp_rng_seed (&r, seed);
  for (size_t i = 0; i < rows; i++)
    {
      int blob = (int) (i % 2);
      float c = blob ? 2.0f : -2.0f;
      ds->x_f32[2 * i] = c + 0.5f * (float) bp_rng_normal (&r);
      ds->x_f32[2 * i + 1] = c + 0.5f * (float) bp_rng_normal (&r);
      bool flipped = i >= (size_t) 2 * n;
      ds->labels[i] = flipped ? 1 - blob : blob;
    }
  return ds;
}

/* y = x1 - 2 x2 on x uniform in [-1, 1]^2. */
static inline bp_dataset *
fx_plane (int n, uint64_t seed)
{
  bp_dataset *ds = bp_dataset_new ((size_t) n, 2, BP_FEATURES_F32, BP_TASK_REGRESSION, 1, NULL, 0);
  g_assert_nonnull (ds);
  bp_rng r;
  bp_rng_seed (&r, seed);
  for (int i = 0; i < n; i++)
    {
      float a = (float) (2 * bp_rng_uniform (&r) - 1), b = (float) (2 * bp_rng_uniform (&r) - 1);
      ds->x_f32[2 * i] = a;
      ds->x_f32[2 * i + 1] = b;
      ds->targets[i] = a - 2 * b;
    }
  return ds;
}

/* Rows [0, n_train) train, [n_train, n_train + n_val) validate. */
static inline bp_split
fx_split (uint32_t n_train, uint32_t n_val)
{
  bp_split sp = { 0 };
  sp.train = malloc (sizeof (uint32_t) * n_train);
  sp.val = malloc (sizeof (uint32_t) * (n_val + 1));
  for (uint32_t i = 0; i < n_train; i++)
    sp.train[i] = i;
  for (uint32_t i = 0; i < n_val; i++)
    sp.val[i] = n_train + i;
  sp.n_train = n_train;
  sp.n_val = n_val;
  return sp;
}

static inline bp_session_state
fx_wait (bp_session *s)
{
  return bp_session_wait (s, 30.0);
}

/* Every step record of a log. */
static inline bp_step_record *
fx_steps (const bp_metric_log *log, uint64_t *n)
{
  *n = bp_metric_log_n_steps (log);
  bp_step_record *r = g_new (bp_step_record, *n + 1);
  g_assert_cmpuint (bp_metric_log_read_steps (log, 0, r, *n), ==, *n);
  return r;
}

/* Blobs (n rows, then `flipped` rows with swapped labels), a split of n_train/n_val rows, the
 * tiny spec and default config: what a session test sets up before its own rules. */
typedef struct {
  bp_dataset *ds;
  bp_split sp;
  bp_spec *spec;
  bp_session_config cfg;
  bp_session *s;
} fx_rig;

static inline void
fx_rig_prepare (fx_rig *r, int n, int flipped, uint64_t seed, uint32_t n_train, uint32_t n_val,
                float lr)
{
  r->ds = fx_blobs (n, flipped, seed);
  r->sp = fx_split (n_train, n_val);
  r->spec = fx_tiny_spec (lr, 10);
  bp_session_config_defaults (&r->cfg, r->spec);
  r->s = NULL;
}

/* Creates the session from the (adjusted) config; it must accept it. */
static inline bp_session *
fx_rig_start (fx_rig *r)
{
  char err[256] = "";
  r->s = bp_session_new (r->spec, r->ds, &r->sp, NULL, &r->cfg, err, sizeof err);
  if (r->s == NULL)
    g_error ("bp_session_new refused: %s", err);
  return r->s;
}

static inline void
fx_rig_free (fx_rig *r)
{
  bp_session_free (r->s);
  bp_spec_free (r->spec);
  bp_split_free (&r->sp);
  bp_dataset_free (r->ds);
}
