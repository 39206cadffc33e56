/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's read side (state, metric logs, snapshots) and its synchronous requests. */
#include "engine/session_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- state ---- */

bp_session_state
bp_session_get_state (const bp_session *s)
{
  return (bp_session_state) atomic_load (&((bp_session *) s)->state);
}

uint64_t
bp_session_get_step (const bp_session *s)
{
  return atomic_load (&((bp_session *) s)->pub_step);
}

const char *
bp_session_dataset_name (const bp_session *s)
{
  return s->ds->name != NULL ? s->ds->name : "";
}

int64_t
bp_session_param_count (const bp_session *s)
{
  return atomic_load (&((bp_session *) s)->pub_params);
}

void
bp_session_get_status (bp_session *s, bp_session_status *o)
{
  o->state = (bp_session_state) atomic_load (&s->state);
  o->reason = (bp_session_reason) atomic_load (&s->reason);
  o->run = atomic_load (&s->pub_run);
  o->step = atomic_load (&s->pub_step);
  o->epoch = atomic_load (&s->pub_epoch);
  o->epoch_step = atomic_load (&s->pub_epoch_step);
  o->steps_per_epoch = atomic_load (&s->pub_steps_per_epoch);
  o->time = atomic_load (&s->pub_time);
  o->samples_per_s = atomic_load (&s->pub_sps);
  o->steps_per_s = atomic_load (&s->pub_steps_ps);
  o->lr = atomic_load (&s->pub_lr);
  o->loss = atomic_load (&s->pub_loss);
  o->best_epoch = atomic_load (&s->pub_best_epoch);
  o->best_value = atomic_load (&s->pub_best_value);
  /* The message is written only on state changes, never inside a step. */
  pthread_mutex_lock (&s->mu);
  memcpy (o->message, s->message, sizeof o->message);
  pthread_mutex_unlock (&s->mu);
}

bp_session_state
bp_session_wait (bp_session *s, double timeout_s)
{
  struct timespec until;
  clock_gettime (CLOCK_REALTIME, &until);
  if (timeout_s >= 0)
    {
      double t = (double) until.tv_sec + until.tv_nsec * 1e-9 + timeout_s;
      until.tv_sec = (time_t) t;
      until.tv_nsec = (long) ((t - (double) until.tv_sec) * 1e9);
    }
  pthread_mutex_lock (&s->mu);
  while (s->n_queue > 0 || s->busy || atomic_load (&s->state) == BP_SESSION_RUNNING)
    {
      if (timeout_s < 0)
        pthread_cond_wait (&s->idle, &s->mu);
      else if (pthread_cond_timedwait (&s->idle, &s->mu, &until) == ETIMEDOUT)
        break;
    }
  pthread_mutex_unlock (&s->mu);
  return bp_session_get_state (s);
}

/* ---- streams ---- */

uint64_t
bp_session_run (const bp_session *s)
{
  return atomic_load (&((bp_session *) s)->pub_run);
}

const bp_metric_log *
bp_session_metric_log_of_run (bp_session *s, uint64_t run)
{
  pthread_mutex_lock (&s->mu);
  const bp_metric_log *log = run >= 1 && run <= s->n_runs ? s->logs[run - 1] : NULL;
  pthread_mutex_unlock (&s->mu);
  return log;
}

const bp_metric_log *
bp_session_metric_log (bp_session *s)
{
  pthread_mutex_lock (&s->mu);
  const bp_metric_log *log = s->n_runs > 0 ? s->logs[s->n_runs - 1] : NULL;
  pthread_mutex_unlock (&s->mu);
  return log;
}

const bp_hist_history *
bp_session_hist_history (bp_session *s)
{
  pthread_mutex_lock (&s->mu);
  const bp_hist_history *h = s->n_runs > 0 ? s->hists[s->n_runs - 1] : NULL;
  pthread_mutex_unlock (&s->mu);
  return h;
}

const bp_snapshot *
bp_session_snapshot (bp_session *s, bool *fresh)
{
  bool got = false;
  if (atomic_load_explicit (&s->middle, memory_order_acquire) & SLOT_FRESH)
    {
      /* Hand our old slot to the trainer and take the newest: one exchange. */
      int m = atomic_exchange_explicit (&s->middle, s->front, memory_order_acq_rel);
      s->front = m & 3;
      got = true;
    }
  if (fresh != NULL)
    *fresh = got;
  const bp_snapshot *snap = &s->slots[s->front].snap;
  return snap->seq > 0 ? snap : NULL;
}

/* ---- synchronous requests ---- */

static int
run_sync (bp_session *s, sync_request *req)
{
  cmd c = { .kind = CMD_SYNC };
  c.u.sync = req;
  bp_session_push (s, &c);
  pthread_mutex_lock (&s->mu);
  while (!req->done)
    pthread_cond_wait (&s->idle, &s->mu);
  pthread_mutex_unlock (&s->mu);
  return req->rc;
}

static int
do_save (bp_session *s, sync_request *req)
{
  char step[32], epoch[32], loss[48];
  snprintf (step, sizeof step, "%llu", (unsigned long long) s->step);
  snprintf (epoch, sizeof epoch, "%u", s->epoch);
  snprintf (loss, sizeof loss, "%.9g", (double) s->last_loss);
  const char *keys[] = { "format", "step", "epoch", "loss" };
  const char *vals[] = { "backprop-weights-1", step, epoch, loss };
  return bp_net_save_safetensors (s->net, req->path, keys, vals, 4, req->err, req->errlen);
}

int
bp_session_save_weights (bp_session *s, const char *path, char *err, size_t errlen)
{
  sync_request req = { .fn = do_save, .path = path, .err = err, .errlen = errlen };
  return run_sync (s, &req);
}

static int
do_evaluate (bp_session *s, sync_request *req)
{
  for (uint32_t i = 0; i < req->n_rows; i++)
    if (req->rows[i] >= s->ds->n_rows)
      {
        snprintf (req->err, req->errlen, "row %u is past the dataset's %zu rows", req->rows[i],
                  s->ds->n_rows);
        return -1;
      }
  eval_result e;
  int rc = bp_session_evaluate_rows (s, req->rows, req->n_rows, &e);
  req->loss = e.loss;
  req->acc = e.acc;
  return rc;
}

int
bp_session_evaluate (bp_session *s, const uint32_t *rows, uint32_t n, double *loss,
                     double *acc, char *err, size_t errlen)
{
  sync_request req = { .fn = do_evaluate, .rows = rows, .n_rows = n, .err = err,
                       .errlen = errlen };
  int rc = run_sync (s, &req);
  if (loss != NULL)
    *loss = req.loss;
  if (acc != NULL)
    *acc = req.acc;
  return rc;
}

static int
do_set_weight (bp_session *s, sync_request *req)
{
  if (req->layer < 0 || req->layer >= bp_net_n_layers (s->net))
    {
      snprintf (req->err, req->errlen, "there is no layer %d", req->layer);
      return -1;
    }
  bp_layer *L = bp_net_layer (s->net, req->layer);
  bp_param_view v[BP_MAX_PARAM_VIEWS];
  int k = L->spec->kind == BP_LAYER_DENSE ? L->ops->param_views (L, v) : 0;
  if (k < 1)
    {
      snprintf (req->err, req->errlen, "layer %d '%s' has no weights to edit", req->layer,
                L->spec->name);
      return -1;
    }
  int outs = v[0].dims[0], ins = v[0].dims[1];
  if (req->out < 0 || req->out >= outs || req->in >= ins || (req->in < 0 && k < 2))
    {
      snprintf (req->err, req->errlen, "layer '%s' has no %s (%d, %d)", L->spec->name,
                req->in < 0 ? "bias" : "weight", req->out, req->in);
      return -1;
    }
  if (req->in < 0)
    v[1].value[req->out] = req->value;
  else
    v[0].value[(size_t) req->out * ins + req->in] = req->value;
  s->snapshot_wanted = true;
  return 0;
}

int
bp_session_set_weight (bp_session *s, int layer, int out, int in, float value, char *err,
                       size_t errlen)
{
  if (!isfinite (value))
    {
      snprintf (err, errlen, "a weight must be a finite number");
      return -1;
    }
  sync_request req = { .fn = do_set_weight, .layer = layer, .out = out, .in = in,
                       .value = value, .err = err, .errlen = errlen };
  return run_sync (s, &req);
}

static int
do_with_net (bp_session *s, sync_request *req)
{
  int rc = req->net_fn (s->net, req->user);
  s->snapshot_wanted = true;
  return rc;
}

int
bp_session_with_net (bp_session *s, int (*fn) (bp_net *net, void *user), void *user)
{
  sync_request req = { .fn = do_with_net, .net_fn = fn, .user = user };
  return run_sync (s, &req);
}
