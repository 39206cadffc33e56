/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The passes over a built network: the training step, evaluation and prediction. A step
 * touches only the arenas carved at build and compile time; it never allocates. The whole
 * per-step overhead outside the layers is two memsets and the optimizer's pass (with the norm
 * in it, unless clipping needs the norm first), which matters for tiny networks (2-8-8-1 at
 * batch 10 is a few microseconds a step). */
#include "engine/net.h"
#include "engine/net-private.h"

#include "engine/workers.h"
#include <math.h>
#include <string.h>

/* ---- the update: gradient norm, clipping, optimizer ----
 *
 * The passes over the parameter vector go in chunks of BP_NET_UPDATE_CHUNK floats, shared by
 * the network's team of threads (workers.h) when the network is large enough. They read and
 * write four to five times the parameter memory (Adam: parameters, gradients, two moments),
 * far more than fits in a core's cache, so they are bound by memory traffic, which two cores
 * move nearly twice as fast as one. Each chunk's sum of squares has a slot of its own and the
 * slots are added in chunk order, so the norm, and the step, do not depend on the number of
 * threads.
 *
 * With clipping, the norm must be known before the step: two passes (the norm, then clipping
 * and the step). Without, one: each chunk's sum of squares is taken just before its step, so
 * its gradients come from memory once and are in the cache for the step (W2, 1.9M
 * parameters, 2 threads: the update took 2.8 ms a step in two passes, 2.4 ms in one). The
 * price: a NaN/Inf gradient is found only once the step is done; the weights whose update it
 * made non-finite kept their values (bp_optim_step_range), the others took the step, and the
 * step reports BP_STEP_NONFINITE_WEIGHTS (the optimizer starts over), as for an update that
 * overflows. */

/* Networks with fewer chunks than this update in the calling thread: waking a helper costs
 * tens of microseconds. */
#define MIN_PARALLEL_CHUNKS 4

typedef struct update_pass {
  bp_net *net;
  float clip_coef; /* 1: no clipping */
  bool sumsq;      /* step_chunk: the chunk's sum of squares too, before the step */
} update_pass;

static inline size_t
chunk_begin (int c)
{
  return (size_t) c * BP_NET_UPDATE_CHUNK;
}

static inline size_t
chunk_end (const bp_net *net, int c)
{
  size_t e = chunk_begin (c + 1);
  return e < net->n_params ? e : net->n_params;
}

static void
sumsq_chunk (void *ctx, int c)
{
  update_pass *u = ctx;
  bp_net *net = u->net;
  size_t b = chunk_begin (c);
  net->chunk_sumsq[c] = bp_grad_sumsq (net->grads + b, chunk_end (net, c) - b);
}

static void
step_chunk (void *ctx, int c)
{
  update_pass *u = ctx;
  bp_net *net = u->net;
  size_t b = chunk_begin (c), e = chunk_end (net, c);
  if (u->sumsq)
    net->chunk_sumsq[c] = bp_grad_sumsq (net->grads + b, e - b);
  if (u->clip_coef != 1.0f)
    for (size_t i = b; i < e; i++)
      net->grads[i] *= u->clip_coef;
  net->chunk_bad[c] = !bp_optim_step_range (&net->optim, net->params, net->grads, b, e);
}

static int
update_workers (bp_net *net)
{
  int w = bp_workers_get_threads ();
  if (w > BP_MAX_WORKERS)
    w = BP_MAX_WORKERS;
  return w <= 1 || net->n_chunks < MIN_PARALLEL_CHUNKS ? 1 : w;
}

/* The Euclidean norm of all gradients, from the chunks' sums of squares. */
static double
sum_chunks (const bp_net *net)
{
  double total = 0;
  for (int c = 0; c < net->n_chunks; c++)
    total += net->chunk_sumsq[c];
  return sqrt (total);
}

static double
grads_norm (bp_net *net)
{
  update_pass u = { net, 1.0f, false };
  bp_team_run (net->team, update_workers (net), net->n_chunks, sumsq_chunk, &u);
  return sum_chunks (net);
}

/* What clipping (as bp_clip_grad_norm) multiplies the gradients by, given their norm: 1 when
 * clipping is off or the norm is within the limit. */
static float
clip_coef (const bp_net *net, double norm)
{
  float max_norm = net->optim.cfg.clip_norm;
  if (!(max_norm > 0.0f))
    return 1.0f;
  float coef = (1.0f / ((float) norm + 1e-6f)) * max_norm;
  return coef < 1.0f ? coef : 1.0f;
}

/* The optimizer's step over every parameter chunk, the gradients scaled by coef first (1: not
 * scaled). With take_norm, each chunk's sum of squares is taken in the same pass, just before
 * its step, and the gradient norm stored in *norm. False if a weight would have become NaN/Inf
 * (it kept its value). */
static bool
apply_update (bp_net *net, float coef, bool take_norm, double *norm)
{
  update_pass u = { net, coef, take_norm };
  bp_optim_begin_step (&net->optim);
  bp_team_run (net->team, update_workers (net), net->n_chunks, step_chunk, &u);
  if (take_norm)
    *norm = sum_chunks (net);
  bool bad = false;
  for (int c = 0; c < net->n_chunks; c++)
    bad |= net->chunk_bad[c];
  return !bad;
}

static void
run_forward (bp_net *net, const float *x, int n, int count, bool train)
{
  for (int i = 0; i < count; i++)
    {
      bp_layer *L = &net->layers[i];
      if (net->input_of[i] < 0)
        L->x = x;
      L->ops->forward (L, n, train);
    }
}

/* Keras-style penalties on the penalised tensors: returns l1 * sum|w| + l2 * sum w^2 and adds
 * l1 * sign(w) + 2 * l2 * w to the gradients. */
static double
add_penalties (bp_net *net)
{
  double total = 0;
  for (int k = 0; k < net->n_penalised; k++)
    {
      const bp_penalised *p = &net->penalised[k];
      const bp_layer_spec *ls = &net->spec->layers[p->layer];
      const float l1 = ls->l1, l2 = ls->l2, two_l2 = 2.0f * ls->l2;
      if (l1 == 0.0f && l2 == 0.0f)
        continue;
      const float *restrict w = p->value;
      float *restrict g = p->grad;
      double sum_abs = 0, sum_sq = 0;
      for (size_t i = 0; i < p->n; i++)
        {
          float v = w[i];
          float sign = (float) ((v > 0.0f) - (v < 0.0f));
          sum_abs += fabsf (v);
          sum_sq += (double) v * v;
          g[i] += l1 * sign + two_l2 * v;
        }
      total += (double) l1 * sum_abs + (double) l2 * sum_sq;
    }
  return total;
}

bp_step_status
bp_net_train_step (bp_net *net, const bp_batch *batch, bp_step_stats *stats)
{
  const int n = batch->n;
  const int dim = (int) net->out_size;
  bp_step_stats st = { NAN, 0, -1, NAN };
  if (n <= 0 || n > net->max_batch)
    {
      if (stats != NULL)
        *stats = st;
      return BP_STEP_NONFINITE_LOSS;
    }

  /* Backward adds (+=) into the parameter and activation gradients that more than one
   * layer writes, or whose layer cannot write them whole: clear those first (see
   * plan_gradient_writes in net.c). The loss overwrites the logits' gradient. */
  const bool backward = net->logits_from >= 0;
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      if (i < net->n_run && net->clear_dy[i])
        memset (L->dy, 0, (size_t) n * L->out_size * sizeof (float));
      if (L->n_params > 0 && !(L->grads_overwrite && backward))
        memset (L->grads, 0, L->n_params * sizeof (float));
    }

  run_forward (net, batch->x, n, net->n_run, true);
  const float *logits = bp_net_logits (net, batch->x);
  float *dlogits = net->logits_from < 0 ? NULL : net->layers[net->logits_from].dy;
  bp_loss_target target = { batch->targets, batch->labels };
  st.loss = bp_loss_compute (net->spec->loss, net->spec->huber_delta, logits, target, n, dim,
                             dlogits);
  st.correct = bp_loss_count_correct (net->spec->loss, logits, target, n, dim);

  if (dlogits != NULL)
    for (int i = net->n_run - 1; i >= 0; i--)
      {
        bp_layer *L = &net->layers[i];
        L->ops->backward (L, n);
      }
  st.penalty = add_penalties (net);

  /* A negative loss is BP_LOSS_BAD_LABEL (a label out of range): no step on such a batch. */
  bool loss_ok = isfinite (st.loss + st.penalty) && st.loss >= 0;
  bool finite;
  if (loss_ok && !(net->optim.cfg.clip_norm > 0.0f))
    {
      /* the norm in the step's pass; a non-finite gradient shows as a non-finite update */
      finite = apply_update (net, 1.0f, true, &st.grad_norm);
      finite = finite && isfinite (st.grad_norm);
      if (stats != NULL)
        *stats = st;
    }
  else
    {
      st.grad_norm = grads_norm (net);
      if (stats != NULL)
        *stats = st;
      if (!loss_ok || !isfinite (st.grad_norm))
        return BP_STEP_NONFINITE_LOSS;
      finite = apply_update (net, clip_coef (net, st.grad_norm), false, NULL);
    }
  net->steps++;
  if (!finite)
    {
      /* The weights that would have overflowed kept their values; the optimizer's moments
       * may hold Inf/NaN now, which would freeze those weights for good: start them over, so
       * training can go on with a smaller learning rate. */
      bp_optim_reset (&net->optim);
      return BP_STEP_NONFINITE_WEIGHTS;
    }
  return BP_STEP_OK;
}

double
bp_net_eval_batch (bp_net *net, const bp_batch *batch, int *correct)
{
  const int dim = (int) net->out_size;
  double total = 0;
  int right = 0;
  /* Batches larger than the compiled size go through in slices: evaluating a whole data set
   * needs no compile for its size. */
  for (int off = 0; off < batch->n && net->max_batch > 0; off += net->max_batch)
    {
      int n = batch->n - off < net->max_batch ? batch->n - off : net->max_batch;
      const float *x = batch->x + (size_t) off * net->in_size;
      run_forward (net, x, n, net->n_run, false);
      bp_loss_target target = {
        batch->targets != NULL ? batch->targets + (size_t) off * net->out_size : NULL,
        batch->labels != NULL ? batch->labels + off : NULL,
      };
      const float *logits = bp_net_logits (net, x);
      total += bp_loss_compute (net->spec->loss, net->spec->huber_delta, logits, target, n, dim,
                                NULL)
               * n;
      int c = bp_loss_count_correct (net->spec->loss, logits, target, n, dim);
      right = c < 0 || right < 0 ? -1 : right + c;
    }
  if (correct != NULL)
    *correct = right;
  return total;
}

const float *
bp_net_predict (bp_net *net, const float *x, int n, bool probabilities)
{
  if (n <= 0 || n > net->max_batch)
    return NULL;
  if (probabilities && net->fused_softmax)
    {
      run_forward (net, x, n, net->n_layers, false);
      return net->layers[net->n_layers - 1].y;
    }
  run_forward (net, x, n, net->n_run, false);
  const float *out = bp_net_logits (net, x);
  if (!probabilities)
    return out;
  const int dim = (int) net->out_size;
  switch (net->spec->loss)
    {
    case BP_LOSS_CROSS_ENTROPY:
      bp_act_softmax_rows (out, net->probs, n, dim);
      return net->probs;
    case BP_LOSS_BCE_LOGITS:
      bp_act_forward (BP_ACT_SIGMOID, 0.0f, out, net->probs, (size_t) n * net->out_size);
      return net->probs;
    default:
      return out;
    }
}
