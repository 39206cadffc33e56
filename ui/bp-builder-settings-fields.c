/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The settings panel's table: each number or switch with the struct it lives in (the spec's
 * settings, exp->data or exp->training), its offset and type, its range, and when it applies
 * (which optimizers, schedules, data kinds). */
#include "bp-config.h"

#include "bp-builder-settings-fields.h"

#include <math.h>
#include <stddef.h>

#include "data/builtin.h"

#define OPT(k) (1u << (k))
#define SCHED(k) (1u << (k))
#define SP(f) BP_FIELD_SPEC, offsetof (BpSpecSettings, f)
#define DA(f) BP_FIELD_DATA, offsetof (bp_experiment_data, f)
#define TR(f) BP_FIELD_TRAIN, offsetof (bp_experiment_training, f)
#define F32 BP_FIELD_F32
#define F64 BP_FIELD_F64
#define INT BP_FIELD_INT
#define LONG BP_FIELD_LONG
#define U64 BP_FIELD_U64
#define BOOL BP_FIELD_BOOL

/* Group boundaries: see build_groups. */
const BpSettingsField bp_settings_fields[BP_SETTINGS_N_FIELDS] = {
  /* 0-2 dataset (synthetic) */
  { "Points", "10 to 1,000,000; 0: the generator's default (500)", DA (synth.n), INT, 0, 1e6, 10,
    0, 0, 0, F_SYNTH },
  { "Noise", "0 to 0.5", DA (synth.noise), F64, 0, 0.5, 0.05, 2, 0, 0, F_SYNTH },
  { "Classes", "2 to 16 (blobs and spirals)", DA (synth.k), INT, 2, 16, 1, 0, 0, 0, F_SYNTH_K },
  /* 3-5 split */
  { "Validation share", "0 to 0.9 of the rows, for val_loss and early stopping",
    DA (val_ratio), F64, 0, 0.9, 0.05, 2, 0, 0, 0 },
  { "Test share", "0 to 0.9 of the rows, kept for the final evaluation", DA (test_ratio), F64,
    0, 0.9, 0.05, 2, 0, 0, 0 },
  { "Split seed", NULL, DA (split_seed), U64, 0, 9007199254740991.0, 1, 0, 0, 0, 0 },
  /* 6 loss */
  { "Huber delta", "more than 0, up to 10⁶", SP (huber_delta), F32, 1e-6, 1e6, 0.1, 3, 0, 0,
    F_HUBER },
  /* 7-20 optimizer */
  { "Learning rate", "more than 0", SP (optim.lr), F32, 1e-7, 100, 0.0001, 6, 0, 0, 0 },
  { "Momentum", "0 to less than 1", SP (optim.momentum), F32, 0, 0.999, 0.05, 3,
    OPT (BP_OPTIM_SGD) | OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Dampening", "0 to 1", SP (optim.dampening), F32, 0, 1, 0.05, 2, OPT (BP_OPTIM_SGD), 0, 0 },
  { "Nesterov", "needs momentum > 0 and dampening 0", SP (optim.nesterov), BOOL, 0, 1, 1, 0,
    OPT (BP_OPTIM_SGD), 0, 0 },
  { "Alpha (smoothing)", "0 to less than 1", SP (optim.alpha), F32, 0, 0.999, 0.01, 3,
    OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Centered", NULL, SP (optim.centered), BOOL, 0, 1, 1, 0, OPT (BP_OPTIM_RMSPROP), 0, 0 },
  { "Beta 1", "0 to less than 1", SP (optim.beta1), F32, 0, 0.9999, 0.01, 4,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "Beta 2", "0 to less than 1", SP (optim.beta2), F32, 0, 0.99999, 0.001, 5,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "AMSGrad", NULL, SP (optim.amsgrad), BOOL, 0, 1, 1, 0,
    OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW), 0, 0 },
  { "Epsilon", "more than 0", SP (optim.eps), F32, 1e-12, 1, 1e-8, 12,
    OPT (BP_OPTIM_RMSPROP) | OPT (BP_OPTIM_ADAGRAD) | OPT (BP_OPTIM_ADAM) | OPT (BP_OPTIM_ADAMW),
    0, 0 },
  { "Weight decay", "0 or more (decoupled for AdamW)", SP (optim.weight_decay), F32, 0, 1e6,
    0.0001, 5, 0, 0, 0 },
  { "Learning-rate decay", "0 or more", SP (optim.lr_decay), F32, 0, 1e6, 0.0001, 5,
    OPT (BP_OPTIM_ADAGRAD), 0, 0 },
  { "Initial accumulator", "0 or more", SP (optim.initial_accumulator), F32, 0, 1e6, 0.01, 3,
    OPT (BP_OPTIM_ADAGRAD), 0, 0 },
  { "Clip gradient norm", "0 (off) to 10⁶", SP (optim.clip_norm), F32, 0, 1e6, 0.1, 2, 0, 0,
    0 },
  /* 21-26 training */
  { "Batch size", "1 to 65,536", SP (batch_size), INT, 1, 65536, 1, 0, 0, 0, 0 },
  { "Epochs", "1 to 1,000,000", SP (epochs), INT, 1, 1e6, 1, 0, 0, 0, 0 },
  { "Seed", "weights, shuffling and dropout masks", SP (seed), U64, 0, 9007199254740991.0, 1, 0,
    0, 0, 0 },
  { "Shuffle every epoch", NULL, TR (shuffle), BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Drop the last small batch", NULL, TR (drop_last), BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Step limit", "0: none", TR (max_steps), U64, 0, 1e12, 100, 0, 0, 0, 0 },
  /* 27-33 schedule */
  { "Per step", "off: t counts epochs", TR (schedule.per_step), BOOL, 0, 1, 1, 0, 0, 0,
    F_SCHED_NOT_CONST },
  { "Step size", "periods between decays", TR (schedule.step_size), LONG, 1, 1e9, 1, 0, 0,
    SCHED (BP_SCHEDULE_STEP), 0 },
  { "Gamma", "more than 0, up to 10", TR (schedule.gamma), F32, 1e-6, 10, 0.01, 3, 0,
    SCHED (BP_SCHEDULE_STEP) | SCHED (BP_SCHEDULE_EXPONENTIAL), 0 },
  { "Periods (T max)", "0: the epochs", TR (schedule.t_max), LONG, 0, 1e9, 1, 0, 0,
    SCHED (BP_SCHEDULE_COSINE), 0 },
  { "Floor (eta min)", "0 or more", TR (schedule.eta_min), F32, 0, 100, 0.0001, 6, 0,
    SCHED (BP_SCHEDULE_COSINE), 0 },
  { "Warm-up steps", "0: none", TR (schedule.warmup_steps), LONG, 0, 1e9, 10, 0, 0, 0, 0 },
  /* 33-36 early stopping */
  { "Early stopping", "stop when the watched value stops improving", TR (early_stop.enabled),
    BOOL, 0, 1, 1, 0, 0, 0, 0 },
  { "Patience", "epochs without improvement", TR (early_stop.patience), INT, 1, 100000, 1, 0,
    0, 0, F_EARLY },
  { "Minimum change", "0 or more", TR (early_stop.min_delta), F32, 0, 1e6, 0.001, 4, 0, 0,
    F_EARLY },
  { "Restore the best weights", NULL, TR (early_stop.restore_best), BOOL, 0, 1, 1, 0, 0, 0,
    F_EARLY },
  /* 37-40 plateau */
  { "Lower the rate on a plateau", "Keras's ReduceLROnPlateau", TR (plateau.enabled), BOOL, 0,
    1, 1, 0, 0, 0, 0 },
  { "Factor", "between 0 and 1", TR (plateau.factor), F32, 0.001, 0.999, 0.05, 3, 0, 0,
    F_PLATEAU },
  { "Plateau patience", "epochs", TR (plateau.patience), INT, 1, 100000, 1, 0, 0, 0, F_PLATEAU },
  { "Lowest rate", "0 or more", TR (plateau.min_lr), F32, 0, 100, 0.0001, 6, 0, 0, F_PLATEAU },
};


void
bp_spec_settings_from_graph (BpSpecSettings *s, const bp_graph *g)
{
  *s = (BpSpecSettings) { g->loss, g->huber_delta, g->optim, g->batch_size, g->epochs, g->seed };
}

void
bp_spec_settings_to_graph (const BpSpecSettings *s, bp_graph *g)
{
  g->loss = s->loss;
  g->huber_delta = s->huber_delta;
  g->optim = s->optim;
  g->batch_size = s->batch_size;
  g->epochs = s->epochs;
  g->seed = s->seed;
}

static void *
field_ptr (const BpSettingsField *f, BpSpecSettings *spec, bp_experiment *exp)
{
  char *base = f->where == BP_FIELD_SPEC ? (char *) spec
               : f->where == BP_FIELD_DATA ? (char *) &exp->data
                                           : (char *) &exp->training;
  return base + f->offset;
}

double
bp_settings_field_get (const BpSettingsField *f, BpSpecSettings *spec, bp_experiment *exp)
{
  void *p = field_ptr (f, spec, exp);

  switch (f->type)
    {
    case BP_FIELD_F32: return *(float *) p;
    case BP_FIELD_F64: return *(double *) p;
    case BP_FIELD_INT: return *(int *) p;
    case BP_FIELD_LONG: return (double) *(long *) p;
    case BP_FIELD_U64: return (double) *(guint64 *) p;
    case BP_FIELD_BOOL: default: return *(bool *) p;
    }
}

void
bp_settings_field_set (const BpSettingsField *f, BpSpecSettings *spec, bp_experiment *exp,
                       double v)
{
  void *p = field_ptr (f, spec, exp);

  switch (f->type)
    {
    case BP_FIELD_F32: *(float *) p = (float) v; break;
    case BP_FIELD_F64: *(double *) p = v; break;
    case BP_FIELD_INT: *(int *) p = (int) lround (v); break;
    case BP_FIELD_LONG: *(long *) p = lround (v); break;
    case BP_FIELD_U64: *(guint64 *) p = (guint64) llround (MAX (v, 0)); break;
    case BP_FIELD_BOOL: default: *(bool *) p = v != 0; break;
    }
}

gboolean
bp_settings_source_is_synthetic (const char *source, gboolean *has_k)
{
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  g_autofree char *name = g_strndup (source, strcspn (source, ":"));

  *has_k = g_str_equal (name, "blobs") || g_str_equal (name, "spirals");
  for (size_t i = 0; i < n; i++)
    if (g_str_equal (list[i].name, name))
      return g_str_has_prefix (list[i].summary, "synthetic");
  return FALSE;
}

gboolean
bp_settings_field_applies (const BpSettingsField *f, const BpSpecSettings *spec,
                           const bp_experiment *exp)
{
  const char *src = exp->data.source != NULL ? exp->data.source : "";
  gboolean has_k = FALSE, synth = bp_settings_source_is_synthetic (src, &has_k);

  if (f->optim_mask != 0 && !(f->optim_mask & OPT (spec->optim.kind)))
    return FALSE;
  if (f->sched_mask != 0 && !(f->sched_mask & SCHED (exp->training.schedule.kind)))
    return FALSE;
  if ((f->flags & F_HUBER) && spec->loss != BP_LOSS_HUBER)
    return FALSE;
  if ((f->flags & F_SYNTH) && !synth)
    return FALSE;
  if ((f->flags & F_SYNTH_K) && !(synth && has_k))
    return FALSE;
  if ((f->flags & F_EARLY) && !exp->training.early_stop.enabled)
    return FALSE;
  if ((f->flags & F_PLATEAU) && !exp->training.plateau.enabled)
    return FALSE;
  if ((f->flags & F_SCHED_NOT_CONST) && exp->training.schedule.kind == BP_SCHEDULE_CONSTANT)
    return FALSE;
  return TRUE;
}

