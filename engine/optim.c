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
  o->fresh = 0;
  o->state_kind = o->cfg.kind;
}

/* Makes the k-th part of the state ready, filled with value the first time it is asked for
 * (fill false: the step itself writes it whole, see sgd_range); notes it in fresh. */
static void
need_part (bp_optim *o, int k, bool fill, float value)
{
  if (o->ready & (1u << k))
    return;
  float *dst = o->state + (size_t) k * o->n;
  if (fill)
    for (size_t i = 0; i < o->n; i++)
      dst[i] = value;
  o->ready |= 1u << k;
  o->fresh |= 1u << k;
}

static inline float *
part (const bp_optim *o, int k)
{
  return o->state + (size_t) k * o->n;
}

/* Adam's loop costs about 5 cycles a parameter in SSE (a square root and a division per
 * parameter, and register spills), as much as its memory traffic: the hot loops are also built
 * for AVX2 and AVX-512 and picked at run time for the CPU at hand (a test of
 * __builtin_cpu_supports per call, not ifunc resolvers, which crash under the sanitizers).
 * fp-contract=off (for this file) keeps every multiply and add rounded on its own as on the
 * baseline, so the numbers are the same on every CPU. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC optimize("fp-contract=off")
#define BP_OPTIM_X86 1
#define BP_ALWAYS_INLINE __attribute__ ((always_inline)) inline

/* 2: AVX-512, 1: AVX2, 0: the baseline */
static int
isa_level (void)
{
  return __builtin_cpu_supports ("avx512f") ? 2 : __builtin_cpu_supports ("avx2") ? 1 : 0;
}
#else
#define BP_ALWAYS_INLINE inline
#endif

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
sgd_range (const bp_optim *o, float *restrict p, const float *restrict g, size_t begin,
           size_t end)
{
  const bp_optim_cfg *c = &o->cfg;
  const float neg_lr = -c->lr, wd = c->weight_decay, mom = c->momentum;
  const float keep = (float) (1.0 - (double) c->dampening);
  const bool nesterov = c->nesterov;
  bool bad = false;

  if (mom == 0.0f)
    {
      for (size_t i = begin; i < end; i++)
        {
          float d = g[i];
          if (wd != 0.0f)
            d = d + wd * p[i];
          COMMIT (p + i, p[i] + neg_lr * d, bad);
        }
      return !bad;
    }

  /* torch creates the buffer as a copy of the first (decayed) gradient. */
  const bool first = o->fresh & 1u;
  float *restrict buf = part (o, 0);
  for (size_t i = begin; i < end; i++)
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
rmsprop_range (const bp_optim *o, float *restrict p, const float *restrict g, size_t begin,
               size_t end)
{
  const bp_optim_cfg *c = &o->cfg;
  const float neg_lr = -c->lr, wd = c->weight_decay, mom = c->momentum, eps = c->eps;
  const float alpha = c->alpha, rest = (float) (1.0 - (double) c->alpha);
  const bool centered = c->centered, use_mom = mom > 0.0f;
  float *restrict sq = part (o, 0);
  float *restrict buf = use_mom ? part (o, 1) : NULL;
  float *restrict avg_g = centered ? part (o, 2) : NULL;
  bool bad = false;

  for (size_t i = begin; i < end; i++)
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
adagrad_range (const bp_optim *o, float *restrict p, const float *restrict g, size_t begin,
               size_t end)
{
  const bp_optim_cfg *c = &o->cfg;
  const float wd = c->weight_decay, eps = c->eps;
  float *restrict sum = part (o, 0);
  const double clr = (double) c->lr / (1.0 + (double) (o->t - 1) * (double) c->lr_decay);
  const float neg_clr = (float) -clr;
  bool bad = false;

  for (size_t i = begin; i < end; i++)
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
static BP_ALWAYS_INLINE bool
adam_body (const bp_optim *o, float *restrict p, const float *restrict g, size_t begin,
           size_t end, bool decoupled)
{
  const bp_optim_cfg *c = &o->cfg;
  const double t = (double) o->t;
  const float b1 = c->beta1, b2 = c->beta2, eps = c->eps, wd = c->weight_decay;
  const float rest1 = (float) (1.0 - (double) b1), rest2 = (float) (1.0 - (double) b2);
  const double bc1 = 1.0 - pow ((double) b1, t), bc2 = 1.0 - pow ((double) b2, t);
  const float neg_step = (float) -((double) c->lr / bc1);
  const float bc2_sqrt = (float) sqrt (bc2);
  const float shrink = (float) (1.0 - (double) c->lr * (double) wd);
  const bool ams = c->amsgrad;
  float *restrict m = part (o, 0);
  float *restrict v = part (o, 1);
  float *restrict vmax = ams ? part (o, 2) : NULL;
  bool bad = false;

  /* Branch-free so that GCC vectorises it (Adam over all parameters is the largest loop of
   * an MLP step after the GEMMs): the neutral values (l2 0, shrink 1) give torch's results
   * exactly, and amsgrad gets a loop of its own. */
  const float l2 = decoupled ? 0.0f : wd;
  const float keep = decoupled ? shrink : 1.0f;
  int bad_any = 0;
  if (!ams)
    for (size_t i = begin; i < end; i++)
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
    for (size_t i = begin; i < end; i++)
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

#ifdef BP_OPTIM_X86
__attribute__ ((target ("avx512f"))) static bool
adam_avx512 (const bp_optim *o, float *p, const float *g, size_t begin, size_t end, bool dec)
{
  return adam_body (o, p, g, begin, end, dec);
}

__attribute__ ((target ("avx2"))) static bool
adam_avx2 (const bp_optim *o, float *p, const float *g, size_t begin, size_t end, bool dec)
{
  return adam_body (o, p, g, begin, end, dec);
}
#endif

static bool
adam_range (const bp_optim *o, float *p, const float *g, size_t begin, size_t end,
            bool decoupled)
{
#ifdef BP_OPTIM_X86
  switch (isa_level ())
    {
    case 2:
      return adam_avx512 (o, p, g, begin, end, decoupled);
    case 1:
      return adam_avx2 (o, p, g, begin, end, decoupled);
    }
#endif
  return adam_body (o, p, g, begin, end, decoupled);
}

void
bp_optim_begin_step (bp_optim *o)
{
  if (o->cfg.kind != o->state_kind)
    bp_optim_reset (o);
  o->t++;
  o->fresh = 0;
  const bp_optim_cfg *c = &o->cfg;
  switch (c->kind)
    {
    case BP_OPTIM_SGD:
      if (c->momentum != 0.0f)
        need_part (o, 0, false, 0.0f);
      break;
    case BP_OPTIM_RMSPROP:
      need_part (o, 0, true, 0.0f);
      if (c->momentum > 0.0f)
        need_part (o, 1, true, 0.0f);
      if (c->centered)
        need_part (o, 2, true, 0.0f);
      break;
    case BP_OPTIM_ADAGRAD:
      need_part (o, 0, true, c->initial_accumulator);
      break;
    case BP_OPTIM_ADAM:
    case BP_OPTIM_ADAMW:
      need_part (o, 0, true, 0.0f);
      need_part (o, 1, true, 0.0f);
      if (c->amsgrad)
        need_part (o, 2, true, 0.0f);
      break;
    case BP_OPTIM_KIND_COUNT:
      break;
    }
}

bool
bp_optim_step_range (const bp_optim *o, float *params, const float *grads, size_t begin,
                     size_t end)
{
  switch (o->cfg.kind)
    {
    case BP_OPTIM_SGD:
      return sgd_range (o, params, grads, begin, end);
    case BP_OPTIM_RMSPROP:
      return rmsprop_range (o, params, grads, begin, end);
    case BP_OPTIM_ADAGRAD:
      return adagrad_range (o, params, grads, begin, end);
    case BP_OPTIM_ADAM:
      return adam_range (o, params, grads, begin, end, false);
    case BP_OPTIM_ADAMW:
      return adam_range (o, params, grads, begin, end, true);
    case BP_OPTIM_KIND_COUNT:
      break;
    }
  return true;
}

bool
bp_optim_step (bp_optim *o, float *params, const float *grads)
{
  bp_optim_begin_step (o);
  return bp_optim_step_range (o, params, grads, 0, o->n);
}

double
bp_grad_norm (const float *g, size_t n)
{
  return sqrt (bp_grad_sumsq (g, n));
}

/* Eight float lanes, widened to eight doubles: one AVX-512 register, two AVX2, four SSE2. */
typedef float v8f __attribute__ ((vector_size (32)));
typedef double v8d __attribute__ ((vector_size (64)));

static BP_ALWAYS_INLINE double
sumsq_body (const float *g, size_t n)
{
  /* Sixteen partial sums (i mod 16) break the chain of dependent adds and vectorise; their
   * order is fixed, so the result is the same on every run and every CPU. */
  v8d s0 = { 0 }, s1 = { 0 };
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    {
      v8f a, b;
      memcpy (&a, g + i, sizeof a);
      memcpy (&b, g + i + 8, sizeof b);
      v8d da = __builtin_convertvector (a, v8d), db = __builtin_convertvector (b, v8d);
      s0 += da * da;
      s1 += db * db;
    }
  s0 += s1;
  double s = ((s0[0] + s0[1]) + (s0[2] + s0[3])) + ((s0[4] + s0[5]) + (s0[6] + s0[7]));
  for (; i < n; i++)
    s += (double) g[i] * g[i];
  return s;
}

#ifdef BP_OPTIM_X86
__attribute__ ((target ("avx512f"))) static double
sumsq_avx512 (const float *g, size_t n)
{
  return sumsq_body (g, n);
}

__attribute__ ((target ("avx2"))) static double
sumsq_avx2 (const float *g, size_t n)
{
  return sumsq_body (g, n);
}
#endif

double
bp_grad_sumsq (const float *g, size_t n)
{
#ifdef BP_OPTIM_X86
  switch (isa_level ())
    {
    case 2:
      return sumsq_avx512 (g, n);
    case 1:
      return sumsq_avx2 (g, n);
    }
#endif
  return sumsq_body (g, n);
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
