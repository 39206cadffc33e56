/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spec reader, the "layers" part: each layer's type, name and settings, checked for type and
 * range, unknown fields refused, defaults filled. The format is docs/spec-format.md. */
#include "engine/spec.h"
#include "engine/spec_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int) (sizeof (a) / sizeof (a)[0]))

static const char *
layer_kind_name_of (int v)
{
  return bp_layer_kind_name ((bp_layer_kind) v);
}

static const char *
act_name_of (int v)
{
  return bp_act_name ((bp_act) v);
}

static const char *
init_name_of (int v)
{
  return bp_init_name ((bp_init_kind) v);
}

/* "name" and "input": 1 to BP_NAME_MAX - 1 bytes of printable text; "input" names the network
 * input, so no layer may take it as its own name. */
static int
read_name (bp_spec_reader *r, const cJSON *obj, const char *key, char *dst)
{
  const char *s;
  int got = bp_spec_read_string (r, obj, key, &s);
  if (got <= 0)
    return got;
  size_t n = strlen (s);
  bool printable = n > 0 && n < BP_NAME_MAX;
  for (size_t i = 0; printable && i < n; i++)
    printable = (unsigned char) s[i] >= 0x20 && s[i] != 0x7f;
  if (!printable)
    {
      char q[96];
      bp_spec_say_field (r, key, "must be 1 to %d bytes of text without control characters, "
                         "got %s", BP_NAME_MAX - 1,
                         bp_spec_describe (cJSON_GetObjectItemCaseSensitive (obj, key), q,
                                           sizeof q));
      return -1;
    }
  memcpy (dst, s, n + 1);
  return 1;
}

static int
read_init (bp_spec_reader *r, const cJSON *layer, const char *key, bp_init *init)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (layer, key);
  if (v == NULL)
    return 0;
  int kind;
  if (cJSON_IsString (v))
    {
      if (bp_spec_read_enum (r, "initializer", v->valuestring, init_name_of, BP_INIT_COUNT,
                             &kind) < 0)
        return -1;
      *init = (bp_init) { .kind = (bp_init_kind) kind };
    }
  else if (cJSON_IsObject (v))
    {
      bp_spec_reader sub = *r;
      sub.section = key;
      static const char *const keys[] = { "type", "a", "b" };
      const char *type;
      int got = bp_spec_read_string (&sub, v, "type", &type);
      if (got == 0)
        bp_spec_say (r, "missing \"%s\".\"type\"", key);
      if (got <= 0
          || bp_spec_read_enum (r, "initializer", type, init_name_of, BP_INIT_COUNT, &kind) < 0)
        return -1;
      /* Keras's defaults: Constant(0), RandomUniform(-0.05, 0.05). */
      *init = (bp_init) { .kind = (bp_init_kind) kind };
      int n_keys = kind == BP_INIT_UNIFORM ? 3 : kind == BP_INIT_CONSTANT ? 2 : 1;
      if (kind == BP_INIT_UNIFORM)
        init->a = -0.05f, init->b = 0.05f;
      if (bp_spec_read_keys (&sub, v, keys, n_keys) < 0
          || bp_spec_read_float (&sub, v, "a", -1e6f, 1e6f, 0, 0, &init->a) < 0
          || bp_spec_read_float (&sub, v, "b", -1e6f, 1e6f, 0, 0, &init->b) < 0)
        return -1;
      if (kind == BP_INIT_UNIFORM && !(init->a <= init->b))
        {
          bp_spec_say (r, "\"%s\": a uniform initializer needs a <= b, got a = %g, b = %g", key,
                       (double) init->a, (double) init->b);
          return -1;
        }
    }
  else
    {
      char got[96];
      bp_spec_say_field (r, key, "must be an initializer name like \"zeros\" or an object "
                         "{\"type\": ...}, got %s", bp_spec_describe (v, got, sizeof got));
      return -1;
    }
  return 1;
}

/* "activation" on a dense layer, "function" on an activation layer, then "alpha". */
static int
read_function (bp_spec_reader *r, const cJSON *obj, const char *key, bool allow_softmax,
               bp_act *fn, float *alpha)
{
  const char *name;
  int got = bp_spec_read_string (r, obj, key, &name);
  if (got < 0)
    return -1;
  if (got > 0)
    {
      bp_act act;
      int v;
      if (bp_act_from_name (name, &act)) /* knows aliases such as "swish" */
        v = (int) act;
      else if (bp_spec_read_enum (r, "activation", name, act_name_of, BP_ACT_COUNT, &v) < 0)
        return -1;
      if (v == BP_ACT_SOFTMAX && !allow_softmax)
        {
          bp_spec_say (r, "softmax cannot be fused into a dense layer: add a layer "
                       "{\"type\": \"activation\", \"function\": \"softmax\"} after it");
          return -1;
        }
      *fn = (bp_act) v;
    }
  *alpha = bp_spec_default_alpha (*fn);
  return bp_spec_read_float (r, obj, "alpha", -1e6f, 1e6f, 0, 0, alpha) < 0 ? -1 : 0;
}

static int
read_penalties (bp_spec_reader *r, const cJSON *obj, bp_layer_spec *ls)
{
  if (bp_spec_read_float (r, obj, "l1", 0, 1e6f, 0, 0, &ls->l1) < 0
      || bp_spec_read_float (r, obj, "l2", 0, 1e6f, 0, 0, &ls->l2) < 0)
    return -1;
  return 0;
}

/* "kernel_size": 3 or [3, 5]: one whole number for a square, or [height, width]. */
static int
read_pair (bp_spec_reader *r, const cJSON *obj, const char *key, int lo, int hi, int *h, int *w)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  const cJSON *a = v, *b = v;
  if (cJSON_IsArray (v) && cJSON_GetArraySize (v) == 2)
    a = v->child, b = v->child->next;
  double x = cJSON_IsNumber (a) ? a->valuedouble : 0, y = cJSON_IsNumber (b) ? b->valuedouble : 0;
  if (x >= lo && x <= hi && x == floor (x) && y >= lo && y <= hi && y == floor (y))
    {
      *h = (int) x;
      *w = (int) y;
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be a whole number from %d to %d, or a pair [height, width] "
                     "of them, got %s", lo, hi, bp_spec_describe (v, got, sizeof got));
  return -1;
}

static const char *
padding_name_of (int v)
{
  return bp_spec_padding_name ((bp_padding) v);
}

static int
read_dense (bp_spec_reader *r, const cJSON *obj, bp_layer_spec *ls)
{
  static const char *const keys[] = { "type", "name", "input", "units", "in_units",
                                      "activation", "alpha", "use_bias", "weight_init",
                                      "bias_init", "l1", "l2" };
  bp_dense_cfg *d = &ls->u.dense;
  int got;
  if (bp_spec_read_keys (r, obj, keys, N_OF (keys)) < 0
      || (got = bp_spec_read_int (r, obj, "units", 1, BP_MAX_UNITS, &d->units)) < 0)
    return -1;
  if (got == 0)
    {
      bp_spec_say (r, "missing \"units\" (the number of outputs of a dense layer)");
      return -1;
    }
  if (bp_spec_read_int (r, obj, "in_units", 0, BP_MAX_INPUT_SIZE, &d->in_units) < 0
      || read_function (r, obj, "activation", false, &d->activation, &d->alpha) < 0
      || bp_spec_read_bool (r, obj, "use_bias", &d->use_bias) < 0
      || read_init (r, obj, "weight_init", &d->weight_init) < 0
      || read_init (r, obj, "bias_init", &d->bias_init) < 0)
    return -1;
  return read_penalties (r, obj, ls);
}

static int
read_conv2d (bp_spec_reader *r, const cJSON *obj, bp_layer_spec *ls)
{
  static const char *const keys[] = { "type", "name", "input", "filters", "in_channels",
                                      "kernel_size", "stride", "padding", "activation", "alpha",
                                      "use_bias", "weight_init", "bias_init", "l1", "l2" };
  bp_conv2d_cfg *c = &ls->u.conv2d;
  int got, kernel;
  if (bp_spec_read_keys (r, obj, keys, N_OF (keys)) < 0
      || (got = bp_spec_read_int (r, obj, "filters", 1, BP_MAX_UNITS, &c->filters)) < 0)
    return -1;
  if (got == 0)
    {
      bp_spec_say (r, "missing \"filters\" (the number of output channels)");
      return -1;
    }
  if ((kernel = read_pair (r, obj, "kernel_size", 1, BP_MAX_WINDOW, &c->kernel_h,
                           &c->kernel_w)) < 0)
    return -1;
  if (kernel == 0)
    {
      bp_spec_say (r, "missing \"kernel_size\" (such as 3, or [3, 5] for height and width)");
      return -1;
    }
  const char *padding;
  int pad;
  if (bp_spec_read_int (r, obj, "in_channels", 0, BP_MAX_UNITS, &c->in_channels) < 0
      || read_pair (r, obj, "stride", 1, BP_MAX_WINDOW, &c->stride_h, &c->stride_w) < 0
      || (got = bp_spec_read_string (r, obj, "padding", &padding)) < 0
      || (got > 0 && bp_spec_read_enum (r, "padding", padding, padding_name_of, 2, &pad) < 0)
      || read_function (r, obj, "activation", false, &c->activation, &c->alpha) < 0
      || bp_spec_read_bool (r, obj, "use_bias", &c->use_bias) < 0
      || read_init (r, obj, "weight_init", &c->weight_init) < 0
      || read_init (r, obj, "bias_init", &c->bias_init) < 0)
    return -1;
  if (got > 0)
    c->padding = (bp_padding) pad;
  return read_penalties (r, obj, ls);
}

static int
read_pool (bp_spec_reader *r, const cJSON *obj, bp_layer_spec *ls)
{
  static const char *const keys[] = { "type", "name", "input", "pool_size", "stride" };
  bp_pool_cfg *p = &ls->u.pool;
  int got;
  if (bp_spec_read_keys (r, obj, keys, N_OF (keys)) < 0
      || (got = read_pair (r, obj, "pool_size", 1, BP_MAX_WINDOW, &p->size_h, &p->size_w)) < 0)
    return -1;
  /* Without a stride the windows tile the image, as in PyTorch and Keras. */
  p->stride_h = p->size_h;
  p->stride_w = p->size_w;
  return read_pair (r, obj, "stride", 1, BP_MAX_WINDOW, &p->stride_h, &p->stride_w) < 0 ? -1 : 0;
}

/* The fields after "type" and "name", which pass 1 has read. */
static int
read_layer_fields (bp_spec_reader *r, const cJSON *obj, bp_layer_spec *ls)
{
  static const char *const act_keys[] = { "type", "name", "input", "function", "alpha" };
  static const char *const drop_keys[] = { "type", "name", "input", "rate" };
  static const char *const bn_keys[] = { "type", "name", "input", "momentum", "eps" };
  static const char *const plain_keys[] = { "type", "name", "input" };

  if (read_name (r, obj, "input", ls->input) < 0)
    return -1;
  switch (ls->kind)
    {
    case BP_LAYER_DENSE:
      return read_dense (r, obj, ls);
    case BP_LAYER_CONV2D:
      return read_conv2d (r, obj, ls);
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D:
      return read_pool (r, obj, ls);
    case BP_LAYER_ACTIVATION:
      if (bp_spec_read_keys (r, obj, act_keys, N_OF (act_keys)) < 0)
        return -1;
      return read_function (r, obj, "function", true, &ls->u.activation.fn,
                            &ls->u.activation.alpha);
    case BP_LAYER_DROPOUT:
      if (bp_spec_read_keys (r, obj, drop_keys, N_OF (drop_keys)) < 0
          || bp_spec_read_float (r, obj, "rate", 0, 1, 0, 1, &ls->u.dropout.rate) < 0)
        return -1;
      return 0;
    case BP_LAYER_BATCHNORM:
      if (bp_spec_read_keys (r, obj, bn_keys, N_OF (bn_keys)) < 0
          || bp_spec_read_float (r, obj, "momentum", 0, 1, 0, 0, &ls->u.batchnorm.momentum) < 0
          || bp_spec_read_float (r, obj, "eps", 0, 1, 1, 0, &ls->u.batchnorm.eps) < 0)
        return -1;
      return 0;
    case BP_LAYER_GLOBAL_AVGPOOL2D:
    case BP_LAYER_FLATTEN:
      return bp_spec_read_keys (r, obj, plain_keys, N_OF (plain_keys));
    default:
      bp_spec_say (r, "this layer type cannot be read yet");
      return -1;
    }
}

static void
layer_prefix (bp_spec_reader *r, int i, const char *name)
{
  if (name[0] != '\0')
    snprintf (r->prefix, sizeof r->prefix, "layer %d '%s': ", i + 1, name);
  else
    snprintf (r->prefix, sizeof r->prefix, "layer %d: ", i + 1);
}

static int
find_name (const bp_layer_spec *layers, int n, const char *name)
{
  for (int j = 0; j < n; j++)
    if (strcmp (layers[j].name, name) == 0)
      return j;
  return -1;
}

/* Pass 1 reads every layer's type and name, so that pass 2 can name layers in its messages and
 * default names never take a name written further down. */
int
bp_spec_read_layers (bp_spec_reader *r, const cJSON *arr, bp_spec *spec)
{
  char got[96], count[32];
  int n = cJSON_GetArraySize (arr);
  if (n == 0)
    {
      bp_spec_say (r, "\"layers\" is empty: a network needs at least one layer");
      return -1;
    }
  if (n > BP_MAX_LAYERS)
    {
      bp_spec_say (r, "the spec has %s layers; the limit is %d",
                   bp_spec_format_count ((uint64_t) n, count, sizeof count), BP_MAX_LAYERS);
      return -1;
    }
  spec->layers = calloc ((size_t) n, sizeof *spec->layers);
  if (spec->layers == NULL)
    {
      bp_spec_say (r, "out of memory");
      return -1;
    }
  spec->n_layers = n;

  int i = 0;
  for (const cJSON *obj = arr->child; obj != NULL; obj = obj->next, i++)
    {
      bp_layer_spec *ls = &spec->layers[i];
      layer_prefix (r, i, "");
      if (!cJSON_IsObject (obj))
        {
          bp_spec_say (r, "a layer must be an object {\"type\": ...}, got %s",
                       bp_spec_describe (obj, got, sizeof got));
          return -1;
        }
      char name[BP_NAME_MAX] = "";
      if (read_name (r, obj, "name", name) < 0)
        return -1;
      layer_prefix (r, i, name);
      const char *type;
      int has_type = bp_spec_read_string (r, obj, "type", &type);
      if (has_type == 0)
        bp_spec_say (r, "missing \"type\"");
      int kind;
      if (has_type <= 0
          || bp_spec_read_enum (r, "layer type", type, layer_kind_name_of, BP_LAYER_KIND_COUNT,
                                &kind) < 0)
        return -1;
      bp_layer_spec_defaults (ls, (bp_layer_kind) kind);
      if (strcmp (name, "input") == 0)
        {
          bp_spec_say (r, "\"input\" names the network's input; choose another name");
          return -1;
        }
      int other = find_name (spec->layers, i, name);
      if (name[0] != '\0' && other >= 0)
        {
          bp_spec_say (r, "the name '%s' is already used by layer %d", name, other + 1);
          return -1;
        }
      memcpy (ls->name, name, sizeof name);
    }

  /* Default names: the k-th layer of a kind is "<kind>_k", or the next free number. */
  int seen[BP_LAYER_KIND_COUNT] = { 0 };
  for (i = 0; i < n; i++)
    {
      bp_layer_spec *ls = &spec->layers[i];
      int k = ++seen[ls->kind];
      while (ls->name[0] == '\0')
        {
          char cand[BP_NAME_MAX];
          snprintf (cand, sizeof cand, "%s_%d", bp_layer_kind_name (ls->kind), k++);
          if (find_name (spec->layers, n, cand) < 0)
            memcpy (ls->name, cand, sizeof cand);
        }
    }

  i = 0;
  for (const cJSON *obj = arr->child; obj != NULL; obj = obj->next, i++)
    {
      layer_prefix (r, i, spec->layers[i].name);
      if (read_layer_fields (r, obj, &spec->layers[i]) < 0)
        return -1;
    }
  r->prefix[0] = '\0';
  return 0;
}
