/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer thread: apply commands between steps, take a step, close an epoch. */
#include "engine/session_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double
bp_session_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

void
bp_session_set_message (bp_session *s, const char *fmt, ...)
{
  pthread_mutex_lock (&s->mu);
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (s->message, sizeof s->message, fmt, ap);
  va_end (ap);
  pthread_mutex_unlock (&s->mu);
}

static bool
running (const bp_session *s)
{
  return s->state_local == BP_SESSION_RUNNING;
}

void
bp_session_publish_state (bp_session *s, bp_session_state st, bp_session_reason why)
{
  double now = bp_session_now ();
  if (running (s) && st != BP_SESSION_RUNNING)
    s->run_time_base += now - s->resume_t;
  else if (!running (s) && st == BP_SESSION_RUNNING)
    {
      s->resume_t = now;
      s->clock_valid = false;
      s->clock_left = 0;
      s->rate_t0 = now;
      s->rate_samples0 = s->samples;
    }
  bool changed = s->state_local != (int) st;
  s->state_local = st;
  atomic_store (&s->reason, st == BP_SESSION_RUNNING ? BP_REASON_NONE : why);
  atomic_store (&s->state, st);
  if (st != BP_SESSION_RUNNING)
    s->snapshot_wanted = true; /* show where it stopped */
  if (changed && s->cfg.notify != NULL)
    s->cfg.notify (s->cfg.notify_user);
}

static double
run_time (const bp_session *s, double now)
{
  return s->run_time_base + (running (s) ? now - s->resume_t : 0.0);
}

static uint64_t
steps_per_epoch (const bp_session *s)
{
  uint64_t b = (uint64_t) s->batch_size;
  return s->cfg.drop_last ? s->n_train / b : (s->n_train + b - 1) / b;
}

int
bp_session_size_buffers (bp_session *s, int rows)
{
  /* Exactly the batch: the engine clears its gradient buffers for the compiled size every
   * step, so compiling bigger would slow every step (snapshots use a twin, view_net). */
  int need = rows;
  if (need <= s->buf_rows)
    return 0;
  char err[128];
  if (bp_net_compile (s->net, need, err, sizeof err) != 0)
    return -1;
  float *bx = realloc (s->bx, sizeof (float) * (size_t) need * (size_t) s->n_inputs);
  if (bx != NULL)
    s->bx = bx;
  int32_t *bl = realloc (s->blabels, sizeof (int32_t) * (size_t) need);
  if (bl != NULL)
    s->blabels = bl;
  float *bt = realloc (s->btargets, sizeof (float) * (size_t) need * (size_t) s->n_outputs);
  if (bt != NULL)
    s->btargets = bt;
  if (bx == NULL || bl == NULL || bt == NULL)
    return -1;
  s->buf_rows = need;
  return 0;
}

/* Rows -> bx, blabels, btargets (targets made from labels for BCE/MSE on classes). */
int
bp_session_gather (bp_session *s, const uint32_t *rows, int n)
{
  const bp_dataset *ds = s->ds;
  if (s->classification)
    {
      bp_dataset_gather (ds, s->scaler, rows, n, s->bx, s->blabels, NULL);
      if (s->targets_from_labels)
        {
          int k = s->n_outputs;
          if (k == 1)
            for (int i = 0; i < n; i++)
              s->btargets[i] = (float) s->blabels[i];
          else
            {
              memset (s->btargets, 0, sizeof (float) * (size_t) n * (size_t) k);
              for (int i = 0; i < n; i++)
                s->btargets[(size_t) i * k + s->blabels[i]] = 1.0f;
            }
        }
    }
  else
    bp_dataset_gather (ds, s->scaler, rows, n, s->bx, NULL, s->btargets);
  return n;
}

static bp_batch
current_batch (const bp_session *s, int n)
{
  bp_batch b = { .x = s->bx, .n = n };
  if (s->classification && !s->targets_from_labels)
    b.labels = s->blabels;
  else
    b.targets = s->btargets;
  return b;
}

/* Correct answers in the last forward's output when the loss does not count them (MSE or
 * Huber on classes): 1 output thresholded at 0.5, else argmax against the label. */
static int
count_correct_outputs (const bp_session *s, const float *out, int n)
{
  int correct = 0, k = s->n_outputs;
  for (int i = 0; i < n; i++)
    {
      const float *o = out + (size_t) i * k;
      int pred;
      if (k == 1)
        pred = o[0] > 0.5f;
      else
        {
          pred = 0;
          for (int j = 1; j < k; j++)
            if (o[j] > o[pred])
              pred = j;
        }
      correct += pred == s->blabels[i];
    }
  return correct;
}

/* Accuracy denominator: BCE counts per output. */
static double
acc_of (const bp_session *s, int correct, int n)
{
  if (!s->classification || correct < 0)
    return NAN;
  if (s->spec->loss == BP_LOSS_BCE_LOGITS)
    return (double) correct / ((double) n * s->n_outputs);
  return (double) correct / n;
}

static void
backup_params (bp_session *s)
{
  size_t n = bp_net_param_count (s->net), total = n;
  for (int i = 0; i < bp_net_n_layers (s->net); i++)
    total += bp_net_layer (s->net, i)->n_buffers;
  if (total > s->best_floats)
    {
      float *p = realloc (s->best_copy, total * sizeof (float));
      if (p == NULL)
        return;
      s->best_copy = p;
      s->best_floats = total;
    }
  memcpy (s->best_copy, bp_net_params (s->net), n * sizeof (float));
  size_t at = n;
  for (int i = 0; i < bp_net_n_layers (s->net); i++)
    {
      bp_layer *L = bp_net_layer (s->net, i);
      memcpy (s->best_copy + at, L->buffers, L->n_buffers * sizeof (float));
      at += L->n_buffers;
    }
  s->have_best = true;
}

static void
restore_params (bp_session *s)
{
  if (!s->have_best)
    return;
  size_t n = bp_net_param_count (s->net), at = n;
  memcpy (bp_net_params (s->net), s->best_copy, n * sizeof (float));
  for (int i = 0; i < bp_net_n_layers (s->net); i++)
    {
      bp_layer *L = bp_net_layer (s->net, i);
      memcpy (L->buffers, s->best_copy + at, L->n_buffers * sizeof (float));
      at += L->n_buffers;
    }
}

int
bp_session_start_run (bp_session *s, uint64_t seed, char *err, size_t errlen)
{
  bp_metric_log *log = bp_metric_log_new (s->cfg.max_log_steps);
  bp_hist_history *hist = bp_hist_history_new (bp_net_n_layers (s->net), s->snap_opts.bins,
                                               (uint64_t) (s->cfg.history_every > 0
                                                             ? s->cfg.history_every : 0));
  if (log == NULL || hist == NULL || bp_session_size_buffers (s, s->batch_size) != 0)
    {
      bp_metric_log_free (log);
      bp_hist_history_free (hist);
      snprintf (err, errlen, "out of memory for a new run");
      return -1;
    }
  pthread_mutex_lock (&s->mu);
  if (s->n_runs == s->cap_runs)
    {
      size_t cap = s->cap_runs ? s->cap_runs * 2 : 4;
      bp_metric_log **l = realloc (s->logs, cap * sizeof *l);
      if (l != NULL)
        s->logs = l;
      bp_hist_history **h = realloc (s->hists, cap * sizeof *h);
      if (h != NULL)
        s->hists = h;
      if (l == NULL || h == NULL)
        {
          pthread_mutex_unlock (&s->mu);
          bp_metric_log_free (log);
          bp_hist_history_free (hist);
          snprintf (err, errlen, "out of memory for a new run");
          return -1;
        }
      s->cap_runs = cap;
    }
  s->logs[s->n_runs] = log;
  s->hists[s->n_runs] = hist;
  s->n_runs++;
  s->message[0] = '\0';
  pthread_mutex_unlock (&s->mu);
  s->log = log;
  s->hist = hist;

  s->seed = seed;
  bp_net_reset (s->net, seed);
  bp_rng_seed (&s->shuffle_rng, seed + 1);
  memcpy (s->order, s->train_rows, sizeof (uint32_t) * s->n_train);
  s->step = 0;
  s->epoch = 0;
  s->epoch_pos = 0;
  s->ep_loss_sum = s->ep_correct = s->ep_count = 0.0;
  s->ep_step0 = 0;
  s->ep_time0 = 0.0;
  s->steps_left = 0;
  s->until_epoch_end = false;
  s->stopped = false;
  s->run_time_base = 0.0;
  s->samples = s->rate_samples0 = 0;
  s->last_loss = NAN;
  s->have_best = false;
  s->act_hist_step = 0;
  bp_watch_reset (&s->watch);
  s->lr_now = bp_schedule_lr (&s->schedule, s->base_lr, 0, 0);
  bp_net_set_lr (s->net, s->lr_now);

  atomic_store (&s->pub_run, s->n_runs);
  atomic_store (&s->pub_step, 0);
  atomic_store (&s->pub_epoch, 0);
  atomic_store (&s->pub_epoch_step, 0);
  atomic_store (&s->pub_steps_per_epoch, steps_per_epoch (s));
  atomic_store (&s->pub_time, 0.0);
  atomic_store (&s->pub_sps, 0.0);
  atomic_store (&s->pub_steps_ps, 0.0);
  atomic_store (&s->pub_lr, s->lr_now);
  atomic_store (&s->pub_loss, NAN);
  atomic_store (&s->pub_best_epoch, 0);
  atomic_store (&s->pub_best_value, NAN);
  return 0;
}

/* Eval-mode loss, accuracy and (regression) MAE and R^2 over rows, in chunks of the compiled
 * batch. Stops early (and returns -1) when the session is asked to quit. */
int
bp_session_evaluate_rows (bp_session *s, const uint32_t *rows, uint32_t n, eval_result *res)
{
  double loss_sum = 0.0, correct = 0.0, abs_sum = 0.0;
  bool counted = true;
  int k_out = s->n_outputs;
  /* Per output: sum of t, of t^2 and of (y - t)^2, for R^2 = 1 - SS_res / SS_tot. */
  double *acc3 = s->classification ? NULL : calloc ((size_t) k_out * 3, sizeof (double));
  for (uint32_t at = 0; at < n;)
    {
      if (atomic_load_explicit (&s->quit, memory_order_relaxed))
        {
          free (acc3);
          return -1;
        }
      int k = (int) (n - at < (uint32_t) s->buf_rows ? n - at : (uint32_t) s->buf_rows);
      bp_session_gather (s, rows + at, k);
      bp_batch b = current_batch (s, k);
      int c = 0;
      loss_sum += bp_net_eval_batch (s->net, &b, &c);
      const bp_layer *last = bp_net_layer (s->net, bp_net_n_layers (s->net) - 1);
      if (c < 0 && s->classification)
        c = count_correct_outputs (s, last->y, k);
      if (c < 0)
        counted = false;
      correct += c;
      if (acc3 != NULL)
        for (int i = 0; i < k; i++)
          for (int j = 0; j < k_out; j++)
            {
              double y = last->y[(size_t) i * k_out + j], t = s->btargets[(size_t) i * k_out + j];
              abs_sum += fabs (y - t);
              acc3[3 * j] += t;
              acc3[3 * j + 1] += t * t;
              acc3[3 * j + 2] += (y - t) * (y - t);
            }
      at += (uint32_t) k;
    }
  res->loss = n > 0 ? loss_sum / n : NAN;
  res->acc = n > 0 && counted ? acc_of (s, (int) correct, (int) n) : NAN;
  res->mae = res->r2 = NAN;
  if (acc3 != NULL && n > 0)
    {
      res->mae = abs_sum / ((double) n * k_out);
      double r2 = 0.0;
      for (int j = 0; j < k_out; j++)
        {
          double mean = acc3[3 * j] / n;
          double ss_tot = acc3[3 * j + 1] - n * mean * mean;
          r2 += ss_tot > 0 ? 1.0 - acc3[3 * j + 2] / ss_tot : NAN;
        }
      res->r2 = r2 / k_out;
    }
  free (acc3);
  return 0;
}

static double
monitored (const bp_epoch_record *r, bp_monitor m, bool have_val)
{
  switch (m)
    {
    case BP_MONITOR_VAL_LOSS:
      return have_val ? r->val_loss : r->train_loss;
    case BP_MONITOR_VAL_ACC:
      return have_val ? r->val_acc : r->train_acc;
    case BP_MONITOR_TRAIN_LOSS:
      return r->train_loss;
    case BP_MONITOR_TRAIN_ACC:
      return r->train_acc;
    default:
      return NAN;
    }
}

static void
save_checkpoint (bp_session *s)
{
  char err[256];
  char epoch[32];
  snprintf (epoch, sizeof epoch, "%u", s->epoch);
  const char *keys[] = { "format", "epoch" };
  const char *vals[] = { "backprop-weights-1", epoch };
  if (bp_net_save_safetensors (s->net, s->checkpoint_path, keys, vals, 2, err, sizeof err)
      != 0)
    bp_session_set_message (s, "the best checkpoint was not saved: %s", err);
}

/* Validation, the epoch record, early stopping, plateau, checkpoint, epoch limit. */
static void
end_epoch (bp_session *s, double now)
{
  bp_epoch_record r = { 0 };
  s->epoch++;
  r.epoch = s->epoch;
  r.step = s->step;
  r.lr = s->lr_now;
  r.train_loss = s->ep_count > 0 ? s->ep_loss_sum / s->ep_count : NAN;
  r.train_acc = s->classification && s->ep_correct >= 0 && s->ep_count > 0
                  ? s->ep_correct / (s->ep_count * (s->spec->loss == BP_LOSS_BCE_LOGITS
                                                      ? s->n_outputs : 1))
                  : NAN;
  r.val_loss = r.val_acc = r.val_mae = r.val_r2 = NAN;
  double t_train = run_time (s, now);
  double dt = t_train - s->ep_time0;
  r.samples_per_s = dt > 0 ? s->ep_count / dt : 0.0;
  if (s->n_val > 0)
    {
      eval_result e;
      if (bp_session_evaluate_rows (s, s->val_rows, s->n_val, &e) != 0)
        return; /* quitting */
      r.val_loss = e.loss;
      r.val_acc = e.acc;
      r.val_mae = e.mae;
      r.val_r2 = e.r2;
    }
  r.time = run_time (s, bp_session_now ());
  bp_metric_log_append_epoch (s->log, &r);
  s->ep_loss_sum = s->ep_correct = s->ep_count = 0.0;
  s->epoch_pos = 0;
  s->ep_step0 = s->step;
  s->ep_time0 = r.time;
  atomic_store (&s->pub_epoch, s->epoch);
  atomic_store (&s->pub_epoch_step, 0);

  bool have_val = s->n_val > 0;
  int v = bp_watch_epoch (&s->watch, &s->early_stop, monitored (&r, s->early_stop.monitor,
                                                                have_val),
                          &s->plateau, monitored (&r, s->plateau.monitor, have_val), s->lr_now,
                          (long) s->epoch);
  if (v & BP_WATCH_IMPROVED)
    {
      atomic_store (&s->pub_best_epoch, (uint32_t) s->watch.best_epoch);
      atomic_store (&s->pub_best_value, s->watch.best);
      if (s->early_stop.enabled && s->early_stop.restore_best)
        backup_params (s);
      if (s->checkpoint_path != NULL)
        save_checkpoint (s);
    }
  if (v & BP_WATCH_LR_REDUCED)
    {
      float lr = bp_schedule_lr (&s->schedule, s->base_lr, (long) s->step, (long) s->epoch)
                 * s->watch.lr_factor;
      bp_session_set_message (s, "epoch %u: %s stopped improving; learning rate lowered to %g",
                              s->epoch, bp_monitor_name (s->plateau.monitor), (double) lr);
    }
  if (v & BP_WATCH_STOP)
    {
      bool restore = s->early_stop.restore_best && s->have_best;
      if (restore)
        restore_params (s);
      bp_session_set_message (s, "early stopping at epoch %u: %s did not improve for %d epochs"
                              "%s%ld", s->epoch, bp_monitor_name (s->early_stop.monitor),
                              s->early_stop.patience,
                              restore ? "; restored the weights of epoch " : "; best epoch ",
                              s->watch.best_epoch);
      s->stopped = true;
      bp_session_publish_state (s, BP_SESSION_FINISHED, BP_REASON_EARLY_STOP);
    }
  else if (s->max_epochs > 0 && s->epoch >= (uint32_t) s->max_epochs)
    bp_session_publish_state (s, BP_SESSION_FINISHED, BP_REASON_EPOCH_LIMIT);
  else if (s->until_epoch_end)
    {
      s->until_epoch_end = false;
      s->steps_left = 0;
      bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_STEPS_DONE);
    }
  else if (s->cfg.notify != NULL)
    s->cfg.notify (s->cfg.notify_user);
}

static void
diverged (bp_session *s, bp_step_status st)
{
  double lr = s->lr_now;
  double suggest = lr / 10.0;
  bp_session_set_message (s, "step %llu: %s became %s (learning rate %g is probably too high; "
                          "try %g). The weights before that step are kept.",
                          (unsigned long long) (s->step + 1),
                          st == BP_STEP_NONFINITE_LOSS ? "the loss" : "a weight",
                          st == BP_STEP_NONFINITE_LOSS ? "NaN or infinite" : "infinite",
                          lr, suggest);
  s->steps_left = 0;
  s->until_epoch_end = false;
  bp_session_publish_state (s, BP_SESSION_DIVERGED,
                            st == BP_STEP_NONFINITE_LOSS ? BP_REASON_NONFINITE_LOSS
                                                         : BP_REASON_NONFINITE_WEIGHTS);
}

/* Would another step break a limit? Finishes the run if so. */
static bool
at_limit (bp_session *s)
{
  if (s->max_steps > 0 && s->step >= s->max_steps)
    {
      bp_session_publish_state (s, BP_SESSION_FINISHED, BP_REASON_STEP_LIMIT);
      return true;
    }
  if (s->max_epochs > 0 && s->epoch >= (uint32_t) s->max_epochs)
    {
      bp_session_publish_state (s, BP_SESSION_FINISHED, BP_REASON_EPOCH_LIMIT);
      return true;
    }
  if (!bp_metric_log_step_room (s->log))
    {
      bp_session_set_message (s, "the metric log is full (%llu steps); reset to go on",
                              (unsigned long long) bp_metric_log_capacity (s->log));
      bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_LOG_FULL);
      return true;
    }
  return false;
}

/* The time of a step. Reading the clock costs 20-100 ns and a tiny net's step 3 us: when
 * steps are that short (under 20 us), the clock is read every 16th step and the steps between
 * get times extrapolated from the measured pace, never going backwards. */
static double
step_clock (bp_session *s)
{
  if (s->clock_left > 0)
    {
      s->clock_left--;
      s->clock_n++;
      double t = s->clock_t + s->clock_pace * s->clock_n;
      s->clock_last = t > s->clock_last ? t : s->clock_last;
      return s->clock_last;
    }
  double now = bp_session_now ();
  double pace = s->clock_valid ? (now - s->clock_t) / (double) (s->clock_n + 1) : 1.0;
  s->clock_t = now;
  s->clock_n = 0;
  s->clock_pace = pace;
  s->clock_valid = true;
  s->clock_left = pace < 20e-6 ? 15 : 0;
  s->clock_last = now > s->clock_last ? now : s->clock_last;
  return s->clock_last;
}

/* One optimizer step and everything that follows it. */
void
bp_session_train_one (bp_session *s)
{
  if (at_limit (s))
    return;
  if (s->epoch_pos == 0 && s->cfg.shuffle)
    bp_rng_shuffle_u32 (&s->shuffle_rng, s->order, s->n_train);
  uint32_t left = s->n_train - s->epoch_pos;
  int n = left < (uint32_t) s->batch_size ? (int) left : s->batch_size;
  bp_session_gather (s, s->order + s->epoch_pos, n);

  float lr = bp_schedule_lr (&s->schedule, s->base_lr, (long) s->step, (long) s->epoch)
             * s->watch.lr_factor;
  if (lr != s->lr_now)
    {
      s->lr_now = lr;
      bp_net_set_lr (s->net, lr);
    }
  bp_batch b = current_batch (s, n);
  bp_step_stats stats;
  bp_step_status st = bp_net_train_step (s->net, &b, &stats);
  if (st != BP_STEP_OK)
    {
      diverged (s, st);
      return;
    }
  int correct = stats.correct;
  if (correct < 0 && s->classification)
    {
      const bp_layer *last = bp_net_layer (s->net, bp_net_n_layers (s->net) - 1);
      correct = count_correct_outputs (s, last->y, n);
    }
  double now = step_clock (s);
  bp_step_record r;
  r.step = s->step + 1;
  r.time = run_time (s, now);
  r.loss = (float) stats.loss;
  r.acc = (float) acc_of (s, correct, n);
  r.lr = lr;
  r.epoch = s->epoch + 1;
  bp_metric_log_append_step (s->log, &r);

  s->step++;
  s->samples += (uint64_t) n;
  s->epoch_pos += (uint32_t) n;
  s->ep_loss_sum += stats.loss * n;
  s->ep_correct += correct;
  s->ep_count += n;
  s->last_loss = r.loss;
  atomic_store_explicit (&s->pub_step, s->step, memory_order_relaxed);
  atomic_store_explicit (&s->pub_epoch_step, s->step - s->ep_step0, memory_order_relaxed);
  atomic_store_explicit (&s->pub_loss, r.loss, memory_order_relaxed);
  atomic_store_explicit (&s->pub_lr, lr, memory_order_relaxed);
  atomic_store_explicit (&s->pub_time, r.time, memory_order_relaxed);
  if (now - s->rate_t0 >= 0.25)
    {
      double dt = now - s->rate_t0;
      uint64_t ds = s->samples - s->rate_samples0;
      atomic_store_explicit (&s->pub_sps, (double) ds / dt, memory_order_relaxed);
      atomic_store_explicit (&s->pub_steps_ps, (double) ds / dt / s->batch_size,
                             memory_order_relaxed);
      s->rate_t0 = now;
      s->rate_samples0 = s->samples;
    }

  s->last_n = n;
  bp_session_history_maybe (s);

  uint32_t rest = s->n_train - s->epoch_pos;
  bool epoch_ends = rest == 0 || (s->cfg.drop_last && rest < (uint32_t) s->batch_size);
  /* Activation histograms come from this training batch, before validation or the snapshot
   * grids reuse the activation arena: take them whenever a snapshot may follow. */
  bool snap_due = now >= s->next_snapshot_t;
  bool may_stop = s->steps_left == 1
                  || (epoch_ends && s->n_val > 0
                      && (s->until_epoch_end || s->early_stop.enabled
                          || (s->max_epochs > 0 && s->epoch + 1 >= (uint32_t) s->max_epochs)));
  if (snap_due || may_stop || s->act_hist_step == 0)
    bp_session_snapshot_activations (s);
  if (epoch_ends)
    end_epoch (s, now);
  if (running (s) && s->steps_left > 0 && --s->steps_left == 0)
    bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_STEPS_DONE);
  if (running (s) && snap_due)
    s->snapshot_wanted = true;
}
