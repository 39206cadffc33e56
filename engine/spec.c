/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spec's life: defaults, names, copies, and the JSON writer. The reader is spec_parse.c,
 * shape inference spec_infer.c; the format is described in docs/spec-format.md. */
#include "engine/spec.h"
#include "engine/spec_private.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPT_BIT(k) (1u << (k))
#define ALL_OPTIMS (OPT_BIT (BP_OPTIM_KIND_COUNT) - 1u)
#define ADAMS (OPT_BIT (BP_OPTIM_ADAM) | OPT_BIT (BP_OPTIM_ADAMW))
#define FIELD_F(name, kinds, member, lo, hi, lo_open, hi_open) \
  { name, kinds, offsetof (bp_optim_cfg, member), 0, lo, hi, lo_open, hi_open }
#define FIELD_B(name, kinds, member) \
  { name, kinds, offsetof (bp_optim_cfg, member), 1, 0, 0, 0, 0 }

/* torch.optim's hyperparameters, with the ranges torch accepts narrowed where a value would
 * stall or blow up training (momentum 1, eps 0). */
const bp_optim_field bp_optim_fields[] = {
  FIELD_F ("lr", ALL_OPTIMS, lr, 0, INFINITY, 1, 0),
  FIELD_F ("momentum", OPT_BIT (BP_OPTIM_SGD) | OPT_BIT (BP_OPTIM_RMSPROP), momentum, 0, 1, 0, 1),
  FIELD_F ("dampening", OPT_BIT (BP_OPTIM_SGD), dampening, 0, 1, 0, 0),
  FIELD_B ("nesterov", OPT_BIT (BP_OPTIM_SGD), nesterov),
  FIELD_F ("beta1", ADAMS, beta1, 0, 1, 0, 1),
  FIELD_F ("beta2", ADAMS, beta2, 0, 1, 0, 1),
  FIELD_F ("alpha", OPT_BIT (BP_OPTIM_RMSPROP), alpha, 0, 1, 0, 1),
  FIELD_F ("eps", OPT_BIT (BP_OPTIM_RMSPROP) | OPT_BIT (BP_OPTIM_ADAGRAD) | ADAMS, eps, 0,
           INFINITY, 1, 0),
  FIELD_F ("weight_decay", ALL_OPTIMS, weight_decay, 0, INFINITY, 0, 0),
  FIELD_F ("lr_decay", OPT_BIT (BP_OPTIM_ADAGRAD), lr_decay, 0, INFINITY, 0, 0),
  FIELD_F ("initial_accumulator", OPT_BIT (BP_OPTIM_ADAGRAD), initial_accumulator, 0, INFINITY,
           0, 0),
  FIELD_B ("centered", OPT_BIT (BP_OPTIM_RMSPROP), centered),
  FIELD_B ("amsgrad", ADAMS, amsgrad),
};
const int bp_optim_n_fields = (int) (sizeof bp_optim_fields / sizeof bp_optim_fields[0]);

static const char *const layer_kind_names[BP_LAYER_KIND_COUNT] = {
  [BP_LAYER_DENSE] = "dense",
  [BP_LAYER_ACTIVATION] = "activation",
  [BP_LAYER_DROPOUT] = "dropout",
  [BP_LAYER_BATCHNORM] = "batchnorm",
  [BP_LAYER_CONV2D] = "conv2d",
  [BP_LAYER_MAXPOOL2D] = "maxpool2d",
  [BP_LAYER_AVGPOOL2D] = "avgpool2d",
  [BP_LAYER_GLOBAL_AVGPOOL2D] = "global_avgpool2d",
  [BP_LAYER_FLATTEN] = "flatten",
};

static const char *const padding_names[] = {
  [BP_PADDING_VALID] = "valid",
  [BP_PADDING_SAME] = "same",
};

static const char *const loss_names[BP_LOSS_KIND_COUNT] = {
  [BP_LOSS_MSE] = "mse",
  [BP_LOSS_BCE_LOGITS] = "bce",
  [BP_LOSS_CROSS_ENTROPY] = "cross_entropy",
  [BP_LOSS_HUBER] = "huber",
};

static const char *const optim_names[BP_OPTIM_KIND_COUNT] = {
  [BP_OPTIM_SGD] = "sgd",
  [BP_OPTIM_RMSPROP] = "rmsprop",
  [BP_OPTIM_ADAGRAD] = "adagrad",
  [BP_OPTIM_ADAM] = "adam",
  [BP_OPTIM_ADAMW] = "adamw",
};

static bool
name_lookup (const char *const *names, int n, const char *name, int *out)
{
  if (name == NULL)
    return false;
  for (int i = 0; i < n; i++)
    if (names[i] != NULL && strcmp (names[i], name) == 0)
      {
        *out = i;
        return true;
      }
  return false;
}

const char *
bp_layer_kind_name (bp_layer_kind kind)
{
  /* A kind added to the enum without a name here reads as "unknown", never NULL. */
  return (unsigned) kind < BP_LAYER_KIND_COUNT && layer_kind_names[kind] != NULL ? layer_kind_names[kind] : "unknown";
}

bool
bp_layer_kind_from_name (const char *name, bp_layer_kind *out)
{
  int i;
  if (!name_lookup (layer_kind_names, BP_LAYER_KIND_COUNT, name, &i))
    return false;
  *out = (bp_layer_kind) i;
  return true;
}

const char *
bp_loss_name (bp_loss_kind kind)
{
  return (unsigned) kind < BP_LOSS_KIND_COUNT && loss_names[kind] != NULL ? loss_names[kind] : "unknown";
}

bool
bp_loss_from_name (const char *name, bp_loss_kind *out)
{
  int i;
  if (!name_lookup (loss_names, BP_LOSS_KIND_COUNT, name, &i))
    return false;
  *out = (bp_loss_kind) i;
  return true;
}

const char *
bp_optim_name (bp_optim_kind kind)
{
  return (unsigned) kind < BP_OPTIM_KIND_COUNT && optim_names[kind] != NULL ? optim_names[kind] : "unknown";
}

bool
bp_optim_from_name (const char *name, bp_optim_kind *out)
{
  int i;
  if (!name_lookup (optim_names, BP_OPTIM_KIND_COUNT, name, &i))
    return false;
  *out = (bp_optim_kind) i;
  return true;
}

const char *
bp_spec_padding_name (bp_padding padding)
{
  return (unsigned) padding < 2 ? padding_names[padding] : "unknown";
}

float
bp_spec_default_alpha (bp_act fn)
{
  switch (fn)
    {
    case BP_ACT_LEAKY_RELU:
      return 0.01f;
    case BP_ACT_ELU:
      return 1.0f;
    default:
      return 0.0f;
    }
}

int
bp_spec_kind_has_penalties (bp_layer_kind kind)
{
  /* Batch norm's gamma and beta are not penalised, as biases are not. */
  return kind == BP_LAYER_DENSE || kind == BP_LAYER_CONV2D;
}

char *
bp_spec_format_count (uint64_t n, char *buf, size_t len)
{
  char digits[32];
  int nd = snprintf (digits, sizeof digits, "%llu", (unsigned long long) n);
  char out[48];
  int o = 0;
  for (int i = 0; i < nd; i++)
    {
      if (i > 0 && (nd - i) % 3 == 0)
        out[o++] = ',';
      out[o++] = digits[i];
    }
  out[o] = '\0';
  snprintf (buf, len, "%s", out);
  return buf;
}

void
bp_layer_spec_defaults (bp_layer_spec *ls, bp_layer_kind kind)
{
  /* Zero everything, padding and the unused union bytes included, so copies compare. */
  memset (ls, 0, sizeof *ls);
  ls->kind = kind;
  switch (kind)
    {
    case BP_LAYER_DENSE:
      /* JSON requires "units"; 16 is what a freshly dropped layer in the editor gets. */
      ls->u.dense.units = 16;
      ls->u.dense.use_bias = true;
      ls->u.dense.activation = BP_ACT_LINEAR;
      ls->u.dense.weight_init.kind = BP_INIT_DEFAULT;
      ls->u.dense.bias_init.kind = BP_INIT_DEFAULT;
      break;
    case BP_LAYER_ACTIVATION:
      ls->u.activation.fn = BP_ACT_RELU;
      break;
    case BP_LAYER_DROPOUT:
      ls->u.dropout.rate = 0.5f;
      break;
    case BP_LAYER_BATCHNORM:
      ls->u.batchnorm.momentum = 0.1f;
      ls->u.batchnorm.eps = 1e-5f;
      break;
    case BP_LAYER_CONV2D:
      /* JSON requires "filters" and "kernel_size"; these are for the editor. */
      ls->u.conv2d.filters = 8;
      ls->u.conv2d.kernel_h = ls->u.conv2d.kernel_w = 3;
      ls->u.conv2d.stride_h = ls->u.conv2d.stride_w = 1;
      ls->u.conv2d.padding = BP_PADDING_VALID;
      ls->u.conv2d.use_bias = true;
      ls->u.conv2d.activation = BP_ACT_LINEAR;
      ls->u.conv2d.weight_init.kind = BP_INIT_DEFAULT;
      ls->u.conv2d.bias_init.kind = BP_INIT_DEFAULT;
      break;
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D:
      ls->u.pool.size_h = ls->u.pool.size_w = 2;
      ls->u.pool.stride_h = ls->u.pool.stride_w = 2;
      break;
    default:
      break;
    }
}

void
bp_spec_free (bp_spec *spec)
{
  if (spec == NULL)
    return;
  free (spec->layers);
  free (spec->meta);
  free (spec);
}

bp_spec *
bp_spec_copy (const bp_spec *spec)
{
  if (spec == NULL || spec->n_layers < 0 || spec->n_layers > BP_MAX_LAYERS)
    return NULL;
  bp_spec *c = malloc (sizeof *c);
  if (c == NULL)
    return NULL;
  *c = *spec;
  c->layers = NULL;
  c->meta = NULL;
  if (spec->n_layers > 0 && spec->layers != NULL)
    {
      c->layers = malloc ((size_t) spec->n_layers * sizeof *c->layers);
      if (c->layers == NULL)
        goto fail;
      memcpy (c->layers, spec->layers, (size_t) spec->n_layers * sizeof *c->layers);
    }
  else
    c->n_layers = 0;
  if (spec->meta != NULL)
    {
      size_t n = strlen (spec->meta) + 1;
      c->meta = malloc (n);
      if (c->meta == NULL)
        goto fail;
      memcpy (c->meta, spec->meta, n);
    }
  return c;

fail:
  bp_spec_free (c);
  return NULL;
}

/* ---- the writer ---- */

/* The shortest decimal that reads back as the same float, so 0.001f is written "0.001" and not
 * "0.0010000000474974513". Not-finite values become null, which the reader then refuses. */
static bool
add_float (cJSON *obj, const char *key, float f)
{
  if (!isfinite (f))
    return cJSON_AddNullToObject (obj, key) != NULL;
  char buf[32];
  for (int prec = 1; prec <= 9; prec++)
    {
      snprintf (buf, sizeof buf, "%.*g", prec, (double) f);
      if (strtof (buf, NULL) == f)
        break;
    }
  return cJSON_AddRawToObject (obj, key, buf) != NULL;
}

static bool
add_init (cJSON *obj, const char *key, const bp_init *init)
{
  if (init->kind != BP_INIT_CONSTANT && init->kind != BP_INIT_UNIFORM)
    return cJSON_AddStringToObject (obj, key, bp_init_name (init->kind)) != NULL;
  cJSON *o = cJSON_AddObjectToObject (obj, key);
  bool ok = o != NULL && cJSON_AddStringToObject (o, "type", bp_init_name (init->kind))
            && add_float (o, "a", init->a);
  if (ok && init->kind == BP_INIT_UNIFORM)
    ok = add_float (o, "b", init->b);
  return ok;
}

/* 3 for a square, [3, 5] otherwise. */
static bool
add_pair (cJSON *obj, const char *key, int h, int w)
{
  if (h == w)
    return cJSON_AddNumberToObject (obj, key, h) != NULL;
  int hw[2] = { h, w };
  cJSON *arr = cJSON_CreateIntArray (hw, 2);
  if (arr == NULL || !cJSON_AddItemToObject (obj, key, arr))
    {
      cJSON_Delete (arr);
      return false;
    }
  return true;
}

static bool
add_conv2d (cJSON *o, const bp_conv2d_cfg *c)
{
  bool ok = cJSON_AddNumberToObject (o, "filters", c->filters) != NULL;
  if (ok && c->in_channels != 0)
    ok = cJSON_AddNumberToObject (o, "in_channels", c->in_channels) != NULL;
  return ok && add_pair (o, "kernel_size", c->kernel_h, c->kernel_w)
         && add_pair (o, "stride", c->stride_h, c->stride_w)
         && cJSON_AddStringToObject (o, "padding", bp_spec_padding_name (c->padding))
         && cJSON_AddStringToObject (o, "activation", bp_act_name (c->activation))
         && add_float (o, "alpha", c->alpha) && cJSON_AddBoolToObject (o, "use_bias", c->use_bias)
         && add_init (o, "weight_init", &c->weight_init)
         && add_init (o, "bias_init", &c->bias_init);
}

static bool
add_layer (cJSON *arr, const bp_layer_spec *ls)
{
  cJSON *o = cJSON_CreateObject ();
  if (o == NULL || !cJSON_AddItemToArray (arr, o))
    {
      cJSON_Delete (o);
      return false;
    }
  /* Bounded copies: a spec built in code may not terminate its names. */
  char name[BP_NAME_MAX], input[BP_NAME_MAX];
  snprintf (name, sizeof name, "%.*s", BP_NAME_MAX - 1, ls->name);
  snprintf (input, sizeof input, "%.*s", BP_NAME_MAX - 1, ls->input);
  bool ok = cJSON_AddStringToObject (o, "type", bp_layer_kind_name (ls->kind))
            && cJSON_AddStringToObject (o, "name", name);
  if (ok && input[0] != '\0')
    ok = cJSON_AddStringToObject (o, "input", input) != NULL;
  if (!ok)
    return false;
  switch (ls->kind)
    {
    case BP_LAYER_DENSE:
      {
        const bp_dense_cfg *d = &ls->u.dense;
        ok = cJSON_AddNumberToObject (o, "units", d->units) != NULL;
        if (ok && d->in_units != 0)
          ok = cJSON_AddNumberToObject (o, "in_units", d->in_units) != NULL;
        ok = ok && cJSON_AddStringToObject (o, "activation", bp_act_name (d->activation))
             && add_float (o, "alpha", d->alpha)
             && cJSON_AddBoolToObject (o, "use_bias", d->use_bias)
             && add_init (o, "weight_init", &d->weight_init)
             && add_init (o, "bias_init", &d->bias_init);
        break;
      }
    case BP_LAYER_ACTIVATION:
      ok = cJSON_AddStringToObject (o, "function", bp_act_name (ls->u.activation.fn))
           && add_float (o, "alpha", ls->u.activation.alpha);
      break;
    case BP_LAYER_DROPOUT:
      ok = add_float (o, "rate", ls->u.dropout.rate);
      break;
    case BP_LAYER_BATCHNORM:
      ok = add_float (o, "momentum", ls->u.batchnorm.momentum)
           && add_float (o, "eps", ls->u.batchnorm.eps);
      break;
    case BP_LAYER_CONV2D:
      ok = add_conv2d (o, &ls->u.conv2d);
      break;
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D:
      ok = add_pair (o, "pool_size", ls->u.pool.size_h, ls->u.pool.size_w)
           && add_pair (o, "stride", ls->u.pool.stride_h, ls->u.pool.stride_w);
      break;
    default:
      break;
    }
  /* Penalties are written where they mean something, and anywhere they are set, so a spec that
   * carries a stray penalty is refused on reading instead of silently losing it. */
  if (ok && (bp_spec_kind_has_penalties (ls->kind) || ls->l1 != 0 || ls->l2 != 0))
    ok = add_float (o, "l1", ls->l1) && add_float (o, "l2", ls->l2);
  return ok;
}

static bool
add_optimizer (cJSON *root, const bp_optim_cfg *cfg)
{
  cJSON *o = cJSON_AddObjectToObject (root, "optimizer");
  if (o == NULL || !cJSON_AddStringToObject (o, "type", bp_optim_name (cfg->kind)))
    return false;
  for (int i = 0; i < bp_optim_n_fields; i++)
    {
      const bp_optim_field *f = &bp_optim_fields[i];
      if ((unsigned) cfg->kind >= BP_OPTIM_KIND_COUNT || !(f->kinds & OPT_BIT (cfg->kind)))
        continue;
      const char *p = (const char *) cfg + f->offset;
      bool ok = f->is_bool ? cJSON_AddBoolToObject (o, f->name, *(const bool *) p) != NULL
                           : add_float (o, f->name, *(const float *) p);
      if (!ok)
        return false;
    }
  return true;
}

static bool
add_training (cJSON *root, const bp_spec *spec)
{
  cJSON *t = cJSON_AddObjectToObject (root, "training");
  if (t == NULL || !cJSON_AddNumberToObject (t, "batch_size", spec->batch_size)
      || !cJSON_AddNumberToObject (t, "epochs", spec->epochs))
    return false;
  /* A double holds integers exactly up to 2^53; larger seeds are written as strings. */
  char seed[32];
  snprintf (seed, sizeof seed, "%llu", spec->seed);
  bool ok = spec->seed <= BP_MAX_SEED_EXACT ? cJSON_AddRawToObject (t, "seed", seed) != NULL
                                            : cJSON_AddStringToObject (t, "seed", seed) != NULL;
  return ok && add_float (t, "clip_norm", spec->optim.clip_norm);
}

static bool
add_everything (cJSON *root, const bp_spec *spec)
{
  if (!cJSON_AddStringToObject (root, "format", BP_SPEC_FORMAT)
      || !cJSON_AddNumberToObject (root, "version", BP_SPEC_VERSION))
    return false;

  cJSON *input = cJSON_AddObjectToObject (root, "input");
  int rank = spec->input.rank < 0 ? 0 : spec->input.rank > BP_MAX_RANK ? BP_MAX_RANK
                                                                        : spec->input.rank;
  cJSON *shape = cJSON_CreateIntArray (spec->input.dims, rank);
  if (input == NULL || shape == NULL || !cJSON_AddItemToObject (input, "shape", shape))
    {
      cJSON_Delete (shape);
      return false;
    }

  cJSON *layers = cJSON_AddArrayToObject (root, "layers");
  if (layers == NULL)
    return false;
  for (int i = 0; i < spec->n_layers; i++)
    if (!add_layer (layers, &spec->layers[i]))
      return false;

  if (spec->loss == BP_LOSS_HUBER)
    {
      cJSON *loss = cJSON_AddObjectToObject (root, "loss");
      if (loss == NULL || !cJSON_AddStringToObject (loss, "type", bp_loss_name (spec->loss))
          || !add_float (loss, "delta", spec->huber_delta))
        return false;
    }
  else if (!cJSON_AddStringToObject (root, "loss", bp_loss_name (spec->loss)))
    return false;

  if (!add_optimizer (root, &spec->optim) || !add_training (root, spec))
    return false;

  if (spec->meta != NULL)
    {
      cJSON *meta = cJSON_Parse (spec->meta);
      if (!cJSON_IsObject (meta) || !cJSON_AddItemToObject (root, "meta", meta))
        {
          cJSON_Delete (meta);
          return false;
        }
    }
  return true;
}

char *
bp_spec_to_json (const bp_spec *spec)
{
  if (spec == NULL || spec->n_layers < 0 || spec->n_layers > BP_MAX_LAYERS
      || (spec->n_layers > 0 && spec->layers == NULL))
    return NULL;
  cJSON *root = cJSON_CreateObject ();
  if (root == NULL)
    return NULL;
  char *text = add_everything (root, spec) ? cJSON_Print (root) : NULL;
  cJSON_Delete (root);
  return text;
}
