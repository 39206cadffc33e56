/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer's data and epoch work: batches from the dataset, evaluation, the epoch's end
 * (validation, record, early stopping, plateau, best checkpoint). */
#include "engine/session_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

bp_batch
bp_session_batch (const bp_session *s, int n)
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
int
bp_session_count_correct (const bp_session *s, const float *out, int n)
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
double
bp_session_acc (const bp_session *s, int correct, int n)
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
      bp_batch b = bp_session_batch (s, k);
      int c = 0;
      loss_sum += bp_net_eval_batch (s->net, &b, &c);
      const bp_layer *last = bp_net_layer (s->net, bp_net_n_layers (s->net) - 1);
      if (c < 0 && s->classification)
        c = bp_session_count_correct (s, last->y, k);
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
  res->acc = n > 0 && counted ? bp_session_acc (s, (int) correct, (int) n) : NAN;
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
void
bp_session_end_epoch (bp_session *s, double now)
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
  double t_train = bp_session_run_time (s, now);
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
  r.time = bp_session_run_time (s, bp_session_now ());
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

