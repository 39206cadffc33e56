/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer thread's step: state changes, the start of a run, the clock, one optimizer step
 * and what follows it (session_epoch.c closes epochs, session_loop.c applies commands). */
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

bool
bp_session_running (const bp_session *s)
{
  return s->state_local == BP_SESSION_RUNNING;
}

void
bp_session_publish_state (bp_session *s, bp_session_state st, bp_session_reason why)
{
  double now = bp_session_now ();
  if (bp_session_running (s) && st != BP_SESSION_RUNNING)
    s->run_time_base += now - s->resume_t;
  else if (!bp_session_running (s) && st == BP_SESSION_RUNNING)
    {
      s->resume_t = now;
      s->clock_valid = false;
      s->clock_left = 0;
      s->rate_t0 = now;
      s->rate_samples0 = s->samples;
      s->rate_step0 = s->step;
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

double
bp_session_run_time (const bp_session *s, double now)
{
  return s->run_time_base + (bp_session_running (s) ? now - s->resume_t : 0.0);
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
  s->samples = s->rate_samples0 = s->rate_step0 = 0;
  s->rate_published = false;
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

static void
diverged (bp_session *s, bp_step_status st)
{
  double lr = s->lr_now;
  double suggest = lr / 10.0;
  /* A non-finite loss stops the step before any weight moves; a non-finite gradient behind a
   * finite loss (no clipping) is only seen in the update, where the weights it would have
   * broken keep their values and the others take the step (net.h). */
  if (st == BP_STEP_NONFINITE_LOSS)
    bp_session_set_message (s, "step %llu: the loss became NaN or infinite (learning rate %g is "
                            "probably too high; try %g). The weights before that step are kept.",
                            (unsigned long long) (s->step + 1), lr, suggest);
  else
    bp_session_set_message (s, "step %llu: a gradient or weight became infinite (learning rate "
                            "%g is probably too high; try %g). Every weight stayed finite: those "
                            "the step would have broken kept their values.",
                            (unsigned long long) (s->step + 1), lr, suggest);
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
  bp_batch b = bp_session_batch (s, n);
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
      correct = bp_session_count_correct (s, last->y, n);
    }
  double now = step_clock (s);
  bp_step_record r;
  r.step = s->step + 1;
  r.time = bp_session_run_time (s, now);
  r.loss = (float) stats.loss;
  r.acc = (float) bp_session_acc (s, correct, n);
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
  /* Over ~0.25 s windows; the first figure after 20 ms, so short runs show one too. */
  double since = now - s->rate_t0;
  if (since >= 0.25 || (!s->rate_published && since >= 0.02))
    {
      atomic_store_explicit (&s->pub_sps, (double) (s->samples - s->rate_samples0) / since,
                             memory_order_relaxed);
      atomic_store_explicit (&s->pub_steps_ps, (double) (s->step - s->rate_step0) / since,
                             memory_order_relaxed);
      s->rate_t0 = now;
      s->rate_samples0 = s->samples;
      s->rate_step0 = s->step;
      s->rate_published = true;
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
  /* The epoch's training time from the real clock: step_clock extrapolates short steps, and
   * an epoch of a few of them (Iris: 4 steps, ~20 us) came out anywhere from 0.4 M to 77 M
   * samples/s against a start read after the last validation. One read per epoch. */
  if (epoch_ends)
    bp_session_end_epoch (s, bp_session_now ());
  if (bp_session_running (s) && s->steps_left > 0 && --s->steps_left == 0)
    bp_session_publish_state (s, BP_SESSION_PAUSED, BP_REASON_STEPS_DONE);
  if (bp_session_running (s) && snap_due)
    s->snapshot_wanted = true;
}
