/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Learning-rate schedules (PyTorch's formulas), early stopping and reduce-on-plateau (Keras's
 * rules: an improvement is a change by more than min_delta in the good direction). */
#include "engine/schedule.h"

#include <math.h>
#include <string.h>

static const char *const schedule_names[BP_SCHEDULE_KIND_COUNT] = {
  "constant", "step", "exponential", "cosine",
};

static const char *const monitor_names[BP_MONITOR_COUNT] = {
  "val_loss", "val_acc", "loss", "acc",
};

void
bp_schedule_defaults (bp_schedule *s, bp_schedule_kind kind)
{
  memset (s, 0, sizeof *s);
  s->kind = kind;
  s->step_size = 10;
  s->gamma = kind == BP_SCHEDULE_EXPONENTIAL ? 0.95f : 0.1f;
  s->t_max = 0;
  s->eta_min = 0.0f;
}

float
bp_schedule_lr (const bp_schedule *s, float base_lr, long step, long epoch)
{
  long t = s->per_step ? step : epoch;
  if (t < 0)
    t = 0;
  double lr = base_lr;
  switch (s->kind)
    {
    case BP_SCHEDULE_STEP:
      if (s->step_size > 0)
        lr = base_lr * pow (s->gamma, (double) (t / s->step_size));
      break;
    case BP_SCHEDULE_EXPONENTIAL:
      lr = base_lr * pow (s->gamma, (double) t);
      break;
    case BP_SCHEDULE_COSINE:
      if (s->t_max > 0)
        {
          double tt = t < s->t_max ? (double) t : (double) s->t_max;
          lr = s->eta_min
               + (base_lr - s->eta_min) * 0.5 * (1.0 + cos (M_PI * tt / (double) s->t_max));
        }
      break;
    case BP_SCHEDULE_CONSTANT:
    default:
      break;
    }
  /* LinearLR-style warm-up: step k (0-based) of the warm-up uses (k + 1) / warmup_steps. */
  if (s->warmup_steps > 0 && step < s->warmup_steps)
    lr *= (double) (step + 1) / (double) s->warmup_steps;
  return (float) lr;
}

const char *
bp_schedule_name (bp_schedule_kind kind)
{
  return (unsigned) kind < BP_SCHEDULE_KIND_COUNT ? schedule_names[kind] : "unknown";
}

bool
bp_schedule_from_name (const char *name, bp_schedule_kind *out)
{
  for (int i = 0; i < BP_SCHEDULE_KIND_COUNT; i++)
    if (strcmp (name, schedule_names[i]) == 0)
      {
        *out = (bp_schedule_kind) i;
        return true;
      }
  return false;
}

const char *
bp_monitor_name (bp_monitor m)
{
  return (unsigned) m < BP_MONITOR_COUNT ? monitor_names[m] : "unknown";
}

bool
bp_monitor_from_name (const char *name, bp_monitor *out)
{
  for (int i = 0; i < BP_MONITOR_COUNT; i++)
    if (strcmp (name, monitor_names[i]) == 0)
      {
        *out = (bp_monitor) i;
        return true;
      }
  if (strcmp (name, "train_loss") == 0 || strcmp (name, "train_acc") == 0)
    {
      *out = name[6] == 'l' ? BP_MONITOR_TRAIN_LOSS : BP_MONITOR_TRAIN_ACC;
      return true;
    }
  return false;
}

bool
bp_monitor_higher_is_better (bp_monitor m)
{
  return m == BP_MONITOR_VAL_ACC || m == BP_MONITOR_TRAIN_ACC;
}

void
bp_early_stop_defaults (bp_early_stop *e)
{
  memset (e, 0, sizeof *e);
  e->monitor = BP_MONITOR_VAL_LOSS;
  e->patience = 10;
  e->min_delta = 0.0f;
  e->restore_best = true;
}

void
bp_plateau_defaults (bp_plateau *p)
{
  memset (p, 0, sizeof *p);
  p->monitor = BP_MONITOR_VAL_LOSS;
  p->factor = 0.1f;
  p->patience = 10;
  p->min_delta = 1e-4f;
  p->cooldown = 0;
  p->min_lr = 0.0f;
}

void
bp_watch_reset (bp_watch *w)
{
  w->best = NAN;
  w->best_epoch = 0;
  w->wait = 0;
  w->plateau_best = NAN;
  w->plateau_wait = 0;
  w->cooldown_left = 0;
  w->lr_factor = 1.0f;
}

/* Is value better than best by more than min_delta? The first finite value always is. */
static bool
improves (double value, double best, float min_delta, bool higher_better)
{
  if (!isfinite (value))
    return false;
  if (isnan (best))
    return true;
  return higher_better ? value - (double) min_delta > best : value + (double) min_delta < best;
}

int
bp_watch_epoch (bp_watch *w, const bp_early_stop *es, double es_value, const bp_plateau *pl,
                double pl_value, float current_lr, long epoch)
{
  int verdict = BP_WATCH_CONTINUE;

  /* The best value (checkpoints, early stopping) follows the early-stop monitor with its
   * min_delta when early stopping is on, else the plateau's value, with any gain counting. */
  bool es_on = es != NULL && es->enabled;
  bp_monitor m = es_on ? es->monitor : (pl != NULL && pl->enabled ? pl->monitor
                                                                   : BP_MONITOR_VAL_LOSS);
  double v = es_on ? es_value : (pl != NULL && pl->enabled ? pl_value : es_value);
  float delta = es_on ? es->min_delta : 0.0f;
  if (improves (v, w->best, delta, bp_monitor_higher_is_better (m)))
    {
      w->best = v;
      w->best_epoch = epoch;
      w->wait = 0;
      verdict |= BP_WATCH_IMPROVED;
    }
  else
    {
      w->wait++;
      if (es_on && w->wait >= es->patience)
        verdict |= BP_WATCH_STOP;
    }

  if (pl != NULL && pl->enabled)
    {
      /* Keras: cooldown counts down first; while cooling down the wait stays at 0. */
      if (w->cooldown_left > 0)
        {
          w->cooldown_left--;
          w->plateau_wait = 0;
        }
      if (improves (pl_value, w->plateau_best, pl->min_delta,
                    bp_monitor_higher_is_better (pl->monitor)))
        {
          w->plateau_best = pl_value;
          w->plateau_wait = 0;
        }
      else if (w->cooldown_left == 0)
        {
          w->plateau_wait++;
          if (w->plateau_wait >= pl->patience)
            {
              float new_lr = current_lr * pl->factor;
              if (new_lr < pl->min_lr)
                new_lr = pl->min_lr;
              /* Already at the floor: Keras leaves the counters alone. */
              if (current_lr > pl->min_lr * 1.000001f && new_lr < current_lr)
                {
                  w->lr_factor *= new_lr / current_lr;
                  verdict |= BP_WATCH_LR_REDUCED;
                  w->cooldown_left = pl->cooldown;
                  w->plateau_wait = 0;
                }
            }
        }
    }
  return verdict;
}
