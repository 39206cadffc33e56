/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building a network from its spec: layers, one arena each for parameters, gradients,
 * optimizer state and persistent buffers, the activation arena of a compile, seeds and live
 * settings. The passes (train step, eval, predict) are in net-step.c. */
#include "engine/net.h"
#include "engine/net-private.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 64
#define FLOATS_PER_LINE (ARENA_ALIGN / sizeof (float))

static void
say (char *err, size_t errlen, const char *fmt, ...)
{
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err, errlen, fmt, ap);
  va_end (ap);
}

/* A 64-byte-aligned block of n floats (at least one line, so views are never NULL), zeroed
 * when asked. */
static float *
arena_new (size_t n, bool zero)
{
  if (n > (SIZE_MAX - ARENA_ALIGN) / sizeof (float))
    return NULL;
  size_t bytes = (n * sizeof (float) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
  if (bytes == 0)
    bytes = ARENA_ALIGN;
  float *p = aligned_alloc (ARENA_ALIGN, bytes);
  if (p != NULL && zero)
    memset (p, 0, bytes);
  return p;
}

/* n floats rounded up to whole cache lines, added to *total; false on overflow. */
static bool
reserve (size_t *total, size_t n)
{
  size_t lines = n / FLOATS_PER_LINE + (n % FLOATS_PER_LINE != 0);
  size_t floats;
  return !__builtin_mul_overflow (lines, FLOATS_PER_LINE, &floats)
         && !__builtin_add_overflow (*total, floats, total);
}

static void
carve (float **cursor, size_t n, float **view)
{
  *view = *cursor;
  size_t lines = n / FLOATS_PER_LINE + (n % FLOATS_PER_LINE != 0);
  *cursor += lines * FLOATS_PER_LINE;
}

/* The optimizer state arena serves any kind, so the optimizer can be switched between steps;
 * the parts a kind does not use are never written, so their pages are never made resident. */
static size_t
state_floats_any_kind (size_t n)
{
  size_t most = 0;
  for (int k = 0; k < BP_OPTIM_KIND_COUNT; k++)
    {
      bp_optim_cfg c = { .kind = (bp_optim_kind) k };
      size_t s = bp_optim_state_floats (&c, n);
      most = s > most ? s : most;
    }
  return most;
}

static int
build_layers (bp_net *net, const bp_layer_info *info, char *err, size_t errlen)
{
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      const bp_layer_spec *ls = &net->spec->layers[i];
      L->ops = bp_layer_ops_for (ls->kind);
      if (L->ops == NULL)
        {
          say (err, errlen, "layer %d '%s': unknown kind of layer", i + 1, ls->name);
          return -1;
        }
      if (info[i].input_index >= i)
        {
          /* The passes run layers in order; spec inference keeps the graph in that order. */
          say (err, errlen, "layer %d '%s': its input must come before it", i + 1, ls->name);
          return -1;
        }
      char msg[256] = "";
      bp_shape out;
      size_t n_params = 0, n_buffers = 0;
      if (L->ops->infer (ls, info[i].in, &out, &n_params, &n_buffers, msg, sizeof msg) < 0)
        {
          say (err, errlen, "layer %d '%s': %s", i + 1, ls->name, msg);
          return -1;
        }
      L->spec = ls;
      L->index = i;
      L->in = info[i].in;
      L->out = out;
      L->in_size = bp_shape_size (L->in);
      L->out_size = bp_shape_size (out);
      L->n_params = n_params;
      L->n_buffers = n_buffers;
      L->rng = &net->dropout_rng;
      L->dropout_rate = ls->kind == BP_LAYER_DROPOUT ? ls->u.dropout.rate : 0.0f;
      net->input_of[i] = info[i].input_index;
      if (__builtin_add_overflow (net->n_params, n_params, &net->n_params)
          || __builtin_add_overflow (net->n_buffers, n_buffers, &net->n_buffers)
          || net->n_params > BP_MAX_PARAMS)
        {
          say (err, errlen, "the network has too many parameters (more than %zu)",
               (size_t) BP_MAX_PARAMS);
          return -1;
        }
    }
  return 0;
}

static int
layer_views (const bp_layer *L, bp_param_view *views)
{
  return L->ops->param_views != NULL ? L->ops->param_views (L, views) : 0;
}

/* Carves the parameter, gradient and buffer arenas into the layers, and lists the tensors
 * L1/L2 apply to. */
static int
carve_params (bp_net *net, char *err, size_t errlen)
{
  size_t p = 0, b = 0;
  int n_pen = 0;
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      L->params = net->params + p;
      L->grads = net->grads + p;
      L->buffers = net->buffers + b;
      p += L->n_params;
      b += L->n_buffers;
      bp_param_view views[BP_MAX_PARAM_VIEWS];
      int nv = layer_views (L, views);
      for (int v = 0; v < nv; v++)
        n_pen += views[v].penalised;
    }
  net->penalised = calloc (n_pen > 0 ? (size_t) n_pen : 1, sizeof *net->penalised);
  if (net->penalised == NULL)
    {
      say (err, errlen, "out of memory");
      return -1;
    }
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_param_view views[BP_MAX_PARAM_VIEWS];
      int nv = layer_views (&net->layers[i], views);
      for (int v = 0; v < nv; v++)
        {
          if (!views[v].penalised)
            continue;
          size_t n = 1;
          for (int d = 0; d < views[v].rank; d++)
            n *= (size_t) views[v].dims[d];
          net->penalised[net->n_penalised++]
            = (bp_penalised){ views[v].value, views[v].grad, n, i };
        }
    }
  return 0;
}

bp_net *
bp_net_create (const bp_spec *spec, char *err, size_t errlen)
{
  if (spec == NULL || spec->n_layers < 1)
    {
      say (err, errlen, "the network has no layers");
      return NULL;
    }
  bp_net *net = calloc (1, sizeof *net);
  bp_layer_info *info = calloc ((size_t) spec->n_layers, sizeof *info);
  if (net == NULL || info == NULL)
    goto oom;
  net->spec = bp_spec_copy (spec);
  if (net->spec == NULL)
    goto oom;
  if (bp_spec_infer (net->spec, info, err, errlen) < 0)
    goto fail;
  net->n_layers = net->spec->n_layers;
  net->layers = calloc ((size_t) net->n_layers, sizeof *net->layers);
  net->input_of = calloc ((size_t) net->n_layers, sizeof *net->input_of);
  net->clear_dy = calloc ((size_t) net->n_layers, sizeof *net->clear_dy);
  if (net->layers == NULL || net->input_of == NULL || net->clear_dy == NULL)
    goto oom;
  if (build_layers (net, info, err, errlen) < 0)
    goto fail;

  net->params = arena_new (net->n_params, true);
  net->grads = arena_new (net->n_params, true);
  net->buffers = arena_new (net->n_buffers, true);
  net->state = arena_new (state_floats_any_kind (net->n_params), false);
  if (net->params == NULL || net->grads == NULL || net->buffers == NULL || net->state == NULL)
    {
      say (err, errlen, "cannot have memory for %zu parameters", net->n_params);
      goto fail;
    }
  if (carve_params (net, err, errlen) < 0)
    goto fail;
  /* The team's threads start when a pass first asks for them; a team that cannot be had
   * (NULL) means one thread. */
  net->team = bp_team_new (BP_MAX_WORKERS - 1);
  for (int i = 0; i < net->n_layers; i++)
    net->layers[i].team = net->team;
  net->n_chunks = (int) ((net->n_params + BP_NET_UPDATE_CHUNK - 1) / BP_NET_UPDATE_CHUNK);
  net->chunk_sumsq = calloc ((size_t) net->n_chunks + 1, sizeof *net->chunk_sumsq);
  net->chunk_bad = calloc ((size_t) net->n_chunks + 1, 1);
  if (net->chunk_sumsq == NULL || net->chunk_bad == NULL)
    goto oom;

  const bp_layer *last = &net->layers[net->n_layers - 1];
  net->fused_softmax = net->spec->loss == BP_LOSS_CROSS_ENTROPY
                       && last->spec->kind == BP_LAYER_ACTIVATION
                       && last->spec->u.activation.fn == BP_ACT_SOFTMAX;
  net->n_run = net->fused_softmax ? net->n_layers - 1 : net->n_layers;
  net->logits_from = net->fused_softmax ? net->input_of[net->n_layers - 1] : net->n_layers - 1;
  net->in_size = bp_shape_size (net->spec->input);
  net->out_size = last->out_size;

  bp_optim_init (&net->optim, &net->spec->optim, net->state, net->n_params);
  bp_net_reset (net, net->spec->seed);
  if (bp_net_compile (net, net->spec->batch_size > 0 ? net->spec->batch_size : 32, err,
                      errlen)
      < 0)
    goto fail;
  free (info);
  return net;

oom:
  say (err, errlen, "out of memory");
fail:
  free (info);
  bp_net_free (net);
  return NULL;
}

void
bp_net_free (bp_net *net)
{
  if (net == NULL)
    return;
  bp_team_free (net->team);
  free (net->chunk_sumsq);
  free (net->chunk_bad);
  free (net->acts);
  free (net->penalised);
  free (net->state);
  free (net->buffers);
  free (net->grads);
  free (net->params);
  free (net->input_of);
  free (net->clear_dy);
  free (net->layers);
  bp_spec_free (net->spec);
  free (net);
}

/* Who writes each gradient in a training step. A layer of a kind that can_overwrite writes its
 * parameter gradients whole (nothing else touches them), and its dx when it is the only layer
 * that runs backward into that input; the loss writes the logits' gradient. Every other dy is
 * cleared before the step and added to, as are the gradients of the other kinds. Saves the
 * step clearing memory that is about to be written anyway (W2: 7.4 MB of gradients and 2 MB
 * of dy a step, in one thread). */
static void
plan_gradient_writes (bp_net *net)
{
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      L->grads_overwrite = L->ops->can_overwrite && i < net->n_run;
      L->dx_overwrite = false;
      net->clear_dy[i] = 1;
    }
  for (int j = 0; j < net->n_run; j++)
    {
      if (j == net->logits_from)
        {
          net->clear_dy[j] = 0; /* the loss writes it; layers fed by it add */
          continue;
        }
      int consumers = 0, only = -1;
      for (int i = 0; i < net->n_run; i++)
        if (net->input_of[i] == j)
          {
            consumers++;
            only = i;
          }
      if (consumers == 1 && net->layers[only].ops->can_overwrite)
        {
          net->layers[only].dx_overwrite = true;
          net->clear_dy[j] = 0;
        }
    }
}

static size_t
layer_scratch (const bp_layer *L, int batch)
{
  return L->ops->scratch_size != NULL ? L->ops->scratch_size (L, batch) : 0;
}

int
bp_net_compile (bp_net *net, int max_batch, char *err, size_t errlen)
{
  if (max_batch <= net->max_batch)
    return 0;
  size_t b = (size_t) max_batch, total = 0, dy_floats = 0, n;
  bool ok = true;
  /* Layout: every y, every dy (contiguous, cleared with one memset per step), every
   * scratch, then the probabilities. Each view starts on a cache line. */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < net->n_layers; i++)
      ok = ok && !__builtin_mul_overflow (b, net->layers[i].out_size, &n)
           && reserve (pass == 0 ? &total : &dy_floats, n);
  ok = ok && !__builtin_add_overflow (total, dy_floats, &total);
  for (int i = 0; i < net->n_layers; i++)
    ok = ok && reserve (&total, layer_scratch (&net->layers[i], max_batch));
  ok = ok && !__builtin_mul_overflow (b, net->out_size, &n) && reserve (&total, n);
  float *acts = ok ? arena_new (total, true) : NULL;
  if (acts == NULL)
    {
      say (err, errlen, "cannot have memory for the activations of batches of %d", max_batch);
      return -1;
    }

  free (net->acts);
  net->acts = acts;
  net->max_batch = max_batch;
  float *cursor = acts;
  for (int i = 0; i < net->n_layers; i++)
    carve (&cursor, b * net->layers[i].out_size, &net->layers[i].y);
  net->dy_all = cursor;
  net->dy_floats = dy_floats;
  for (int i = 0; i < net->n_layers; i++)
    carve (&cursor, b * net->layers[i].out_size, &net->layers[i].dy);
  for (int i = 0; i < net->n_layers; i++)
    carve (&cursor, layer_scratch (&net->layers[i], max_batch), &net->layers[i].scratch);
  carve (&cursor, b * net->out_size, &net->probs);

  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      int from = net->input_of[i];
      /* Layers fed by the network input get x at each pass; the input needs no gradient. */
      L->x = from < 0 ? NULL : net->layers[from].y;
      L->dx = from < 0 ? NULL : net->layers[from].dy;
    }
  plan_gradient_writes (net);
  return 0;
}

int
bp_net_max_batch (const bp_net *net)
{
  return net->max_batch;
}

void
bp_net_reset (bp_net *net, uint64_t seed)
{
  net->spec->seed = seed;
  bp_rng init;
  bp_rng_seed (&init, seed + BP_NET_INIT_STREAM);
  for (int i = 0; i < net->n_layers; i++)
    {
      bp_layer *L = &net->layers[i];
      if (L->ops->init != NULL)
        L->ops->init (L, &init);
    }
  bp_rng_seed (&net->dropout_rng, seed + BP_NET_DROPOUT_STREAM);
  bp_optim_reset (&net->optim);
  memset (net->grads, 0, net->n_params * sizeof (float));
  net->steps = 0;
}

const bp_spec *
bp_net_spec (const bp_net *net)
{
  /* The optimizer's settings may have been changed through bp_net_optim: report them. */
  net->spec->optim = net->optim.cfg;
  return net->spec;
}

int
bp_net_n_layers (const bp_net *net)
{
  return net->n_layers;
}

bp_layer *
bp_net_layer (bp_net *net, int i)
{
  return i >= 0 && i < net->n_layers ? &net->layers[i] : NULL;
}

const float *
bp_net_layer_output (const bp_net *net, int i)
{
  return i >= 0 && i < net->n_layers ? net->layers[i].y : NULL;
}

size_t
bp_net_input_size (const bp_net *net)
{
  return net->in_size;
}

size_t
bp_net_output_size (const bp_net *net)
{
  return net->out_size;
}

size_t
bp_net_param_count (const bp_net *net)
{
  return net->n_params;
}

float *
bp_net_params (bp_net *net)
{
  return net->params;
}

float *
bp_net_grads (bp_net *net)
{
  return net->grads;
}

bp_optim *
bp_net_optim (bp_net *net)
{
  return &net->optim;
}

long
bp_net_steps (const bp_net *net)
{
  return net->steps;
}

/* The live setters write the spec copy too, so a spec saved from bp_net_spec says what the
 * network is doing now. */
void
bp_net_set_lr (bp_net *net, float lr)
{
  net->optim.cfg.lr = lr;
  net->spec->optim.lr = lr;
}

void
bp_net_set_dropout_rate (bp_net *net, float rate)
{
  for (int i = 0; i < net->n_layers; i++)
    if (net->spec->layers[i].kind == BP_LAYER_DROPOUT)
      {
        net->layers[i].dropout_rate = rate;
        net->spec->layers[i].u.dropout.rate = rate;
      }
}

void
bp_net_set_penalties (bp_net *net, float l1, float l2)
{
  for (int k = 0; k < net->n_penalised; k++)
    {
      bp_layer_spec *ls = &net->spec->layers[net->penalised[k].layer];
      ls->l1 = l1;
      ls->l2 = l2;
    }
}

bp_named_tensor *
bp_net_named_tensors (bp_net *net, int *n_out)
{
  int n_layers = bp_net_n_layers (net);
  bp_named_tensor *v = calloc ((size_t) n_layers * 2 * BP_MAX_PARAM_VIEWS + 1, sizeof *v);
  if (v == NULL)
    return NULL;
  int n = 0;
  for (int i = 0; i < n_layers; i++)
    {
      bp_layer *L = bp_net_layer (net, i);
      bp_param_view views[BP_MAX_PARAM_VIEWS];
      for (int pass = 0; pass < 2; pass++)
        {
          int k = 0;
          if (pass == 0 && L->ops->param_views != NULL)
            k = L->ops->param_views (L, views);
          else if (pass == 1 && L->ops->buffer_views != NULL)
            k = L->ops->buffer_views (L, views);
          for (int j = 0; j < k; j++, n++)
            {
              v[n].view = views[j];
              snprintf (v[n].name, sizeof v[n].name, "%s.%s", L->spec->name, views[j].suffix);
            }
        }
    }
  *n_out = n;
  return v;
}
