/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer thread's loop and the commands it applies between steps. */
#include "engine/session_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

static bool
is_state (const bp_session *s, bp_session_state st)
{
  return s->state_local == (int) st;
}

/* Can another step be taken under the current limits? */
static bool
limits_allow (const bp_session *s)
{
  return !(s->max_steps > 0 && s->step >= s->max_steps)
         && !(s->max_epochs > 0 && s->epoch >= (uint32_t) s->max_epochs);
}

static bool
can_train (const bp_session *s)
{
  if (is_state (s, BP_SESSION_FINISHED))
    return !s->stopped && limits_allow (s);
  return true;
}

static void
apply_hparam (bp_session *s, bp_hparam which, double v)
{
  bp_optim *o = bp_net_optim (s->net);
  switch (which)
    {
    case BP_HPARAM_LR:
      s->base_lr = (float) v;
      s->watch.lr_factor = 1.0f; /* the user's value wins over plateau reductions */
      s->lr_now = bp_schedule_lr (&s->schedule, s->base_lr, (long) s->step, (long) s->epoch);
      bp_net_set_lr (s->net, s->lr_now);
      atomic_store (&s->pub_lr, s->lr_now);
      break;
    case BP_HPARAM_MOMENTUM:
      o->cfg.momentum = (float) v;
      break;
    case BP_HPARAM_BETA1:
      o->cfg.beta1 = (float) v;
      break;
    case BP_HPARAM_BETA2:
      o->cfg.beta2 = (float) v;
      break;
    case BP_HPARAM_L1:
      s->l1 = (float) v;
      bp_net_set_penalties (s->net, s->l1, s->l2);
      break;
    case BP_HPARAM_L2:
      s->l2 = (float) v;
      bp_net_set_penalties (s->net, s->l1, s->l2);
      break;
    case BP_HPARAM_WEIGHT_DECAY:
      o->cfg.weight_decay = (float) v;
      break;
    case BP_HPARAM_DROPOUT:
      bp_net_set_dropout_rate (s->net, (float) v);
      break;
    case BP_HPARAM_BATCH_SIZE:
      if (bp_session_size_buffers (s, (int) v) != 0)
        {
          bp_session_set_message (s, "no memory for batches of %d; the batch size stays %d",
                                  (int) v, s->batch_size);
          break;
        }
      s->batch_size = (int) v;
      atomic_store (&s->pub_steps_per_epoch,
                    s->cfg.drop_last ? s->n_train / (uint64_t) s->batch_size
                                     : (s->n_train + (uint64_t) s->batch_size - 1)
                                         / (uint64_t) s->batch_size);
      break;
    default:
      break;
    }
}

static void
reset_run (bp_session *s, uint64_t seed)
{
  char err[128];
  bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_NONE);
  if (bp_session_start_run (s, seed, err, sizeof err) != 0)
    {
      bp_session_set_message (s, "reset failed: %s", err);
      atomic_store (&s->reason, BP_REASON_ERROR);
    }
  s->snapshot_wanted = true;
}

static void
rebuild (bp_session *s, cmd *c)
{
  bp_session_snapshot_forget_net (s);
  bp_net_free (s->net);
  bp_spec_free (s->spec);
  s->net = c->u.rebuild.net;
  s->spec = c->u.rebuild.spec;
  c->u.rebuild.net = NULL;
  c->u.rebuild.spec = NULL;
  s->n_inputs = (int) bp_net_input_size (s->net);
  s->n_outputs = (int) bp_net_output_size (s->net);
  s->targets_from_labels = s->classification && s->spec->loss != BP_LOSS_CROSS_ENTROPY;
  s->base_lr = s->spec->optim.lr;
  s->batch_size = s->spec->batch_size > 0 ? s->spec->batch_size : 32;
  s->l1 = s->l2 = 0.0f;
  for (int i = 0; i < s->spec->n_layers; i++)
    {
      s->l1 = fmaxf (s->l1, s->spec->layers[i].l1);
      s->l2 = fmaxf (s->l2, s->spec->layers[i].l2);
    }
  /* The buffers were sized for the old net's widths. */
  free (s->bx);
  free (s->btargets);
  free (s->blabels);
  s->bx = s->btargets = NULL;
  s->blabels = NULL;
  s->buf_rows = 0;
  s->have_best = false;
  reset_run (s, c->u.rebuild.seed);
}

static void
apply (bp_session *s, cmd *c)
{
  switch (c->kind)
    {
    case CMD_PLAY:
      s->steps_left = 0;
      s->until_epoch_end = false;
      if (can_train (s) && !is_state (s, BP_SESSION_RUNNING))
        bp_session_publish_state (s, BP_SESSION_RUNNING, BP_REASON_NONE);
      break;
    case CMD_PAUSE:
      s->steps_left = 0;
      s->until_epoch_end = false;
      if (is_state (s, BP_SESSION_RUNNING))
        bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_PAUSED);
      break;
    case CMD_STEP:
    case CMD_STEP_EPOCH:
      if (!can_train (s))
        break;
      s->steps_left = c->kind == CMD_STEP ? c->u.n : 0;
      s->until_epoch_end = c->kind == CMD_STEP_EPOCH;
      if (!is_state (s, BP_SESSION_RUNNING))
        bp_session_publish_state (s, BP_SESSION_RUNNING, BP_REASON_NONE);
      break;
    case CMD_STOP:
      if (is_state (s, BP_SESSION_FINISHED))
        break;
      s->steps_left = 0;
      s->until_epoch_end = false;
      s->stopped = true;
      bp_session_publish_state (s, BP_SESSION_FINISHED, BP_REASON_STOPPED);
      break;
    case CMD_RESET:
      reset_run (s, c->u.n);
      break;
    case CMD_REBUILD:
      rebuild (s, c);
      break;
    case CMD_HPARAM:
      apply_hparam (s, c->u.hp.which, c->u.hp.value);
      break;
    case CMD_LIMITS:
      s->max_epochs = c->u.limits.max_epochs;
      s->max_steps = c->u.limits.max_steps;
      break;
    case CMD_SCHEDULE:
      s->schedule = c->u.schedule;
      break;
    case CMD_EARLY_STOP:
      s->early_stop = c->u.early_stop;
      break;
    case CMD_PLATEAU:
      s->plateau = c->u.plateau;
      break;
    case CMD_SNAPSHOT_OPTIONS:
      s->snap_opts = c->u.snap;
      s->snapshot_wanted = true;
      break;
    case CMD_SAMPLE_ROW:
      s->sample_row = c->u.row;
      s->snapshot_wanted = true;
      break;
    case CMD_SNAPSHOT:
      s->snapshot_wanted = true;
      break;
    case CMD_SYNC:
      {
        sync_request *req = c->u.sync;
        int rc = req->fn (s, req);
        pthread_mutex_lock (&s->mu);
        req->rc = rc;
        req->done = true;
        pthread_cond_broadcast (&s->idle);
        pthread_mutex_unlock (&s->mu);
      }
      break;
    }
}

/* Takes the whole queue under the lock and applies it without holding the lock. */
static void
drain_commands (bp_session *s)
{
  pthread_mutex_lock (&s->mu);
  cmd *q = s->queue;
  size_t n = s->n_queue;
  s->queue = NULL;
  s->n_queue = s->cap_queue = 0;
  s->busy = true;
  atomic_store_explicit (&s->pending, false, memory_order_relaxed);
  pthread_mutex_unlock (&s->mu);

  for (size_t i = 0; i < n; i++)
    {
      if (atomic_load (&s->quit))
        {
          /* Still answer waiting callers, and free nets handed over. */
          if (q[i].kind == CMD_SYNC)
            {
              pthread_mutex_lock (&s->mu);
              q[i].u.sync->rc = -1;
              snprintf (q[i].u.sync->err, q[i].u.sync->errlen, "the session is closing");
              q[i].u.sync->done = true;
              pthread_cond_broadcast (&s->idle);
              pthread_mutex_unlock (&s->mu);
            }
          if (q[i].kind == CMD_REBUILD)
            {
              bp_net_free (q[i].u.rebuild.net);
              bp_spec_free (q[i].u.rebuild.spec);
            }
          continue;
        }
      apply (s, &q[i]);
    }
  free (q);

}

void *
bp_session_trainer_main (void *arg)
{
  bp_session *s = arg;
#ifdef __linux__
  /* On Linux, nice is a property of each thread (PRIO_PROCESS with a thread id), inherited by
   * the threads this one starts. Raising it needs no privilege; failing leaves it as it was. */
  if (s->cfg.trainer_nice > 0)
    {
      id_t tid = (id_t) syscall (SYS_gettid);
      int now = getpriority (PRIO_PROCESS, tid);
      int want = now + (s->cfg.trainer_nice > 19 ? 19 : s->cfg.trainer_nice);
      (void) setpriority (PRIO_PROCESS, tid, want > 19 ? 19 : want);
    }
#endif
  s->state_local = BP_SESSION_PAUSED;
  s->snapshot_wanted = true;
  for (;;)
    {
      if (atomic_load_explicit (&s->pending, memory_order_acquire))
        drain_commands (s);
      if (atomic_load (&s->quit))
        break;
      if (is_state (s, BP_SESSION_RUNNING))
        {
          bp_session_train_one (s);
          if (s->snapshot_wanted)
            bp_session_make_snapshot (s);
          continue;
        }
      if (s->snapshot_wanted)
        bp_session_make_snapshot (s);
      pthread_mutex_lock (&s->mu);
      /* Idle, everything applied and shown: let waiters know, then sleep until a command
       * comes. busy is false only while asleep. */
      if (s->n_queue == 0)
        {
          s->busy = false;
          pthread_cond_broadcast (&s->idle);
        }
      while (s->n_queue == 0 && !atomic_load (&s->quit))
        pthread_cond_wait (&s->wake, &s->mu);
      s->busy = true;
      pthread_mutex_unlock (&s->mu);
    }
  pthread_mutex_lock (&s->mu);
  pthread_cond_broadcast (&s->idle);
  pthread_mutex_unlock (&s->mu);
  return NULL;
}
