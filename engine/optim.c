/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Optimizers with torch.optim's update rules (torch 1.13, the single-tensor paths), over one
 * flat parameter vector. Arithmetic follows torch operation by operation in float32: each
 * in-place op (mul_, add_, addcmul_, addcdiv_) rounds once, and the scalars torch derives in
 * Python doubles (1 - beta, lr / bias correction, ...) are derived in double here too and
 * rounded to float once, so the results agree with torch to the last bit or two. */
#include "engine/optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Parts of the state, each n floats, by kind:
 *   SGD      0 momentum buffer
 *   RMSprop  0 square average, 1 momentum buffer, 2 gradient average (centered)
 *   Adagrad  0 sum of squares
 *   Adam(W)  0 first moment, 1 second moment, 2 max second moment (amsgrad) */
static int
state_parts (bp_optim_kind kind)
{
  switch (kind)
    {
    case BP_OPTIM_SGD:
    case BP_OPTIM_ADAGRAD:
      return 1;
    case BP_OPTIM_RMSPROP:
    case BP_OPTIM_ADAM:
    case BP_OPTIM_ADAMW:
      return 3;
    case BP_OPTIM_KIND_COUNT:
      break;
    }
  return 0;
}

void
bp_optim_cfg_defaults (bp_optim_cfg *cfg, bp_optim_kind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  /* Fields other kinds read keep torch's defaults too, so switching kind in an editor
   * starts from sensible values. */
  cfg->beta1 = 0.9f;
  cfg->beta2 = 0.999f;
  cfg->alpha = 0.99f;
  cfg->eps = 1e-8f;
  switch (kind)
    {
    case BP_OPTIM_SGD:
      cfg->lr = 0.01f; /* torch has no default; Keras's SGD uses 0.01 */
      break;
    case BP_OPTIM_RMSPROP:
      cfg->lr = 0.01f;
      break;
    case BP_OPTIM_ADAGRAD:
      cfg->lr = 0.01f;
      cfg->eps = 1e-10f;
      break;
    case BP_OPTIM_ADAM:
      cfg->lr = 1e-3f;
      break;
    case BP_OPTIM_ADAMW:
      cfg->lr = 1e-3f;
      cfg->weight_decay = 1e-2f;
      break;
    case BP_OPTIM_KIND_COUNT:
      break;
    }
}

size_t
bp_optim_state_floats (const bp_optim_cfg *cfg, size_t n)
{
  return (size_t) state_parts (cfg->kind) * n;
}

void
bp_optim_init (bp_optim *o, const bp_optim_cfg *cfg, float *state, size_t n)
{
  o->cfg = *cfg;
  o->n = n;
  o->state = state;
  bp_optim_reset (o);
}

void
bp_optim_reset (bp_optim *o)
{
  /* Parts are filled when first used (see need_part): a part that is never used (momentum
   * off, no amsgrad) is never touched, so its pages are never made resident. */
  o->t = 0;
  o->ready = 0;
  o->state_kind = o->cfg.kind;
}

/* The k-th part of the state, filled with value the first time it is asked for. */
static float *
need_part (bp_optim *o, int k, float value)
{
  float *part = o->state + (size_t) k * o->n;
  if (!(o->ready & (1u << k)))
    {
      for (size_t i = 0; i < o->n; i++)
        part[i] = value;
      o->ready |= 1u << k;
    }
  return part;
}

/* Writes v to *p if finite; otherwise keeps the old value and notes it. */
/* Writes v to *p when it is finite, else keeps the old value and raises bad. A select rather
 * than a branch, so the optimizer loops vectorise (the branchy form cost 44% of an MLP step). */
#define COMMIT(p, v, bad)                                                                     \
  do                                                                                          \
    {                                                                                         \
      float v_ = (v);                                                                         \
      bool ok_ = fabsf (v_) <= FLT_MAX;                                                       \
      *(p) = ok_ ? v_ : *(p);                                                                 \
      (bad) |= !ok_;                                                                          \
    }                                                                                         \
  while (0)

static bool
sgd_step (bp_optim *o, float *restrict p, const float *restrict g)
{
  const bp_optim_cfg *c = &o->cfg;
  const size_t n = o->n;
  const float neg_lr = -c->lr, wd = c->weight_decay, mom = c->momentum;
  const float keep = (float) (1.0 - (double) c->dampening);
  const bool nesterov = c->nesterov;
  bool bad = false;

  if (mom == 0.0f)
    {
      for (size_t i = 0; i < n; i++)
        {
          float d = g[i];
          if (wd != 0.0f)
            d = d + wd * p[i];
          COMMIT (p + i, p[i] + neg_lr * d, bad);
        }
      return !bad;
    }

  /* torch creates the buffer as a copy of the first (decayed) gradient. */
  const bool first = !(o->ready & 1u);
  float *restrict buf = o->state;
  o->ready |= 1u;
  for (size_t i = 0; i < n; i++)
    {
      float d = g[i];
      if (wd != 0.0f)
        d = d + wd * p[i];
      float b = first ? d : buf[i] * mom + keep * d;
      buf[i] = b;
      d = nesterov ? d + mom * b : b;
      COMMIT (p + i, p[i] + neg_lr * d, bad);
    }
  return !bad;
}

static bool
rmsprop_step (bp_optim *o, float *restrict p, const float *restrict g)
{
  const bp_optim_cfg *c = &o->cfg;
  const size_t n = o->n;
  const float neg_lr = -c->lr, wd = c->weight_decay, mom = c->momentum, eps = c->eps;
  const float alpha = c->alpha, rest = (float) (1.0 - (double) c->alpha);
  const bool centered = c->centered, use_mom = mom > 0.0f;
  float *restrict sq = need_part (o, 0, 0.0f);
  float *restrict buf = use_mom ? need_part (o, 1, 0.0f) : NULL;
  float *restrict avg_g = centered ? need_part (o, 2, 0.0f) : NULL;
  bool bad = false;

  for (size_t i = 0; i < n; i++)
    {
      float d = g[i];
      if (wd != 0.0f)
        d = d + wd * p[i];
      float s = sq[i] * alpha + rest * d * d;
      sq[i] = s;
      float avg;
      if (centered)
        {
          float a = avg_g[i] * alpha + rest * d;
          avg_g[i] = a;
          avg = sqrtf (s - a * a) + eps;
        }
      else
        avg = sqrtf (s) + eps;
      if (use_mom)
        {
          float b = buf[i] * mom + d / avg;
          buf[i] = b;
          COMMIT (p + i, p[i] + neg_lr * b, bad);
        }
      else
        COMMIT (p + i, p[i] + neg_lr * d / avg, bad);
    }
  return !bad;
}

static bool
adagrad_step (bp_optim *o, float *restrict p, const float *restrict g)
{
  const bp_optim_cfg *c = &o->cfg;
  const size_t n = o->n;
  const float wd = c->weight_decay, eps = c->eps;
  float *restrict sum = need_part (o, 0, c->initial_accumulator);
  const double clr = (double) c->lr / (1.0 + (double) (o->t - 1) * (double) c->lr_decay);
  const float neg_clr = (float) -clr;
  bool bad = false;

  for (size_t i = 0; i < n; i++)
    {
      float d = g[i];
      if (wd != 0.0f)
        d = d + wd * p[i];
      float s = sum[i] + d * d;
      sum[i] = s;
      float std = sqrtf (s) + eps;
      COMMIT (p + i, p[i] + neg_clr * d / std, bad);
    }
  return !bad;
}

/* Adam, and AdamW when decoupled: weight decay shrinks the parameter instead of joining the
 * gradient. */
static bool
adam_step (bp_optim *o, float *restrict p, const float *restrict g, bool decoupled)
{
  const bp_optim_cfg *c = &o->cfg;
  const size_t n = o->n;
  const double t = (double) o->t;
  const float b1 = c->beta1, b2 = c->beta2, eps = c->eps, wd = c->weight_decay;
  const float rest1 = (float) (1.0 - (double) b1), rest2 = (float) (1.0 - (double) b2);
  const double bc1 = 1.0 - pow ((double) b1, t), bc2 = 1.0 - pow ((double) b2, t);
  const float neg_step = (float) -((double) c->lr / bc1);
  const float bc2_sqrt = (float) sqrt (bc2);
  const float shrink = (float) (1.0 - (double) c->lr * (double) wd);
  const bool ams = c->amsgrad;
  float *restrict m = need_part (o, 0, 0.0f);
  float *restrict v = need_part (o, 1, 0.0f);
  float *restrict vmax = ams ? need_part (o, 2, 0.0f) : NULL;
  bool bad = false;

  /* Branch-free so that GCC vectorises it (Adam over all parameters is the largest loop of
   * an MLP step after the GEMMs): the neutral values (l2 0, shrink 1) give torch's results
   * exactly, and amsgrad gets a loop of its own. */
  const float l2 = decoupled ? 0.0f : wd;
  const float keep = decoupled ? shrink : 1.0f;
  int bad_any = 0;
  if (!ams)
    for (size_t i = 0; i < n; i++)
      {
        float w = p[i], d = g[i] + l2 * w;
        float mi = m[i] * b1 + rest1 * d;
        float vi = v[i] * b2 + rest2 * d * d;
        m[i] = mi;
        v[i] = vi;
        float nw = w * keep + neg_step * mi / (sqrtf (vi) / bc2_sqrt + eps);
        int ok = fabsf (nw) <= FLT_MAX;
        p[i] = ok ? nw : w;
        bad_any |= !ok;
      }
  else
    for (size_t i = 0; i < n; i++)
      {
        float w = p[i], d = g[i] + l2 * w;
        float mi = m[i] * b1 + rest1 * d;
        float vi = v[i] * b2 + rest2 * d * d;
        m[i] = mi;
        v[i] = vi;
        /* torch.maximum: a NaN in either wins */
        float top = vmax[i] >= vi ? vmax[i] : vi;
        vmax[i] = top;
        float nw = w * keep + neg_step * mi / (sqrtf (top) / bc2_sqrt + eps);
        int ok = fabsf (nw) <= FLT_MAX;
        p[i] = ok ? nw : w;
        bad_any |= !ok;
      }
  bad = bad_any != 0;
  return !bad;
}

bool
bp_optim_step (bp_optim *o, float *params, const float *grads)
{
  if (o->cfg.kind != o->state_kind)
    bp_optim_reset (o);
  o->t++;
  switch (o->cfg.kind)
    {
    case BP_OPTIM_SGD:
      return sgd_step (o, params, grads);
    case BP_OPTIM_RMSPROP:
      return rmsprop_step (o, params, grads);
    case BP_OPTIM_ADAGRAD:
      return adagrad_step (o, params, grads);
    case BP_OPTIM_ADAM:
      return adam_step (o, params, grads, false);
    case BP_OPTIM_ADAMW:
      return adam_step (o, params, grads, true);
    case BP_OPTIM_KIND_COUNT:
      break;
    }
  return true;
}

double
bp_grad_norm (const float *g, size_t n)
{
  /* Four partial sums break the chain of dependent adds (4x faster on a long vector) and
   * keep the order fixed, so the result is the same on every run. */
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    {
      s0 += (double) g[i] * g[i];
      s1 += (double) g[i + 1] * g[i + 1];
      s2 += (double) g[i + 2] * g[i + 2];
      s3 += (double) g[i + 3] * g[i + 3];
    }
  for (; i < n; i++)
    s0 += (double) g[i] * g[i];
  return sqrt ((s0 + s1) + (s2 + s3));
}

void
bp_clip_grad_norm (float *g, size_t n, double norm, float max_norm)
{
  /* As torch: coef = max_norm / (norm + 1e-6) in float32 (Python's float / Tensor is
   * reciprocal then multiply), applied only when it is below 1. */
  float coef = (1.0f / ((float) norm + 1e-6f)) * max_norm;
  if (!(coef < 1.0f))
    return;
  for (size_t i = 0; i < n; i++)
    g[i] *= coef;
}
