/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shape inference: walks the layers in order, resolves each layer's input by name, asks the
 * layer kind (ops->infer) for its output shape and parameter count, and stops at the first bad
 * layer with a message that names it. Runs on every parsed spec and on specs built in code (the
 * editor), so it trusts nothing in the struct: names may be unterminated, enums out of range,
 * sizes negative. */
#include "engine/layer.h"
#include "engine/spec.h"
#include "engine/spec_private.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct infer_ctx {
  const bp_spec *spec;
  char *err;
  size_t errlen;
} infer_ctx;

/* "layer 3 'dense_2': " + message, or "layer 3 'dense_2' " + message when it reads on. */
static void __attribute__ ((format (printf, 3, 4)))
layer_say (infer_ctx *c, int i, const char *fmt, ...)
{
  if (c->err == NULL || c->errlen == 0)
    return;
  const char *name = c->spec->layers[i].name;
  int n = snprintf (c->err, c->errlen, "layer %d '%.*s'", i + 1, BP_NAME_MAX - 1, name);
  if (n < 0 || (size_t) n >= c->errlen)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (c->err + n, c->errlen - (size_t) n, fmt, ap);
  va_end (ap);
}

static bool
name_ok (const char *name)
{
  size_t n = strnlen (name, BP_NAME_MAX);
  return n > 0 && n < BP_NAME_MAX;
}

static bool
unit_range (float v, float lo, float hi, bool hi_open)
{
  return isfinite (v) && v >= lo && (hi_open ? v < hi : v <= hi);
}

/* The settings a spec built in code could get wrong; the reader has checked them already, with
 * the JSON value in its message. */
static int
check_settings (infer_ctx *c, int i)
{
  const bp_layer_spec *ls = &c->spec->layers[i];
  if (!unit_range (ls->l1, 0, 1e6f, false) || !unit_range (ls->l2, 0, 1e6f, false))
    {
      layer_say (c, i, ": l1 and l2 must be numbers from 0 to 1e6, got %g and %g",
                 (double) ls->l1, (double) ls->l2);
      return -1;
    }
  switch (ls->kind)
    {
    case BP_LAYER_DENSE:
      {
        const bp_dense_cfg *d = &ls->u.dense;
        if (d->units < 1 || d->units > BP_MAX_UNITS)
          layer_say (c, i, ": units must be a whole number from 1 to %d, got %d", BP_MAX_UNITS,
                     d->units);
        else if (d->in_units < 0 || d->in_units > BP_MAX_INPUT_SIZE)
          layer_say (c, i, ": in_units must be 0 (any) or a whole number up to %d, got %d",
                     BP_MAX_INPUT_SIZE, d->in_units);
        else if ((unsigned) d->activation >= BP_ACT_COUNT || d->activation == BP_ACT_SOFTMAX)
          layer_say (c, i, ": activation %d is not one a dense layer can fuse", d->activation);
        else if (!isfinite (d->alpha))
          layer_say (c, i, ": alpha must be a finite number");
        else if ((unsigned) d->weight_init.kind >= BP_INIT_COUNT
                 || (unsigned) d->bias_init.kind >= BP_INIT_COUNT)
          layer_say (c, i, ": unknown initializer");
        else
          return 0;
        return -1;
      }
    case BP_LAYER_ACTIVATION:
      if ((unsigned) ls->u.activation.fn >= BP_ACT_COUNT || !isfinite (ls->u.activation.alpha))
        {
          layer_say (c, i, ": unknown activation function %d", ls->u.activation.fn);
          return -1;
        }
      return 0;
    case BP_LAYER_DROPOUT:
      if (!unit_range (ls->u.dropout.rate, 0, 1, true))
        {
          layer_say (c, i, ": rate must be a number >= 0 and < 1, got %g",
                     (double) ls->u.dropout.rate);
          return -1;
        }
      return 0;
    case BP_LAYER_BATCHNORM:
      if (!unit_range (ls->u.batchnorm.momentum, 0, 1, false)
          || !(ls->u.batchnorm.eps > 0 && ls->u.batchnorm.eps <= 1))
        {
          layer_say (c, i, ": momentum must be from 0 to 1 and eps > 0 and <= 1, got %g and %g",
                     (double) ls->u.batchnorm.momentum, (double) ls->u.batchnorm.eps);
          return -1;
        }
      return 0;
    case BP_LAYER_CONV2D:
      /* The kind checks its own geometry and activation; not the initializers. */
      if ((unsigned) ls->u.conv2d.weight_init.kind >= BP_INIT_COUNT
          || (unsigned) ls->u.conv2d.bias_init.kind >= BP_INIT_COUNT
          || !isfinite (ls->u.conv2d.alpha))
        {
          layer_say (c, i, ": unknown initializer or alpha not finite");
          return -1;
        }
      return 0;
    default:
      if ((unsigned) ls->kind < BP_LAYER_KIND_COUNT)
        return 0; /* the kind's infer checks its settings */
      layer_say (c, i, ": unknown layer kind %d", ls->kind);
      return -1;
    }
}

/* Index of the layer feeding layer i: i - 1 by default, -1 for the network input. */
static int
resolve_input (infer_ctx *c, int i, int *from)
{
  const bp_layer_spec *layers = c->spec->layers;
  const char *want = layers[i].input;
  size_t len = strnlen (want, BP_NAME_MAX);
  if (len == BP_NAME_MAX)
    {
      layer_say (c, i, ": its \"input\" name is not terminated");
      return -1;
    }
  if (len == 0)
    {
      *from = i - 1;
      return 0;
    }
  if (strcmp (want, "input") == 0)
    {
      *from = -1;
      return 0;
    }
  /* strncmp: names of layers after i have not been checked for termination yet. */
  int j = 0, n = c->spec->n_layers;
  while (j < n && strncmp (layers[j].name, want, BP_NAME_MAX) != 0)
    j++;
  if (j == n)
    layer_say (c, i, " takes its input from '%s', but no layer has that name", want);
  else if (j == i)
    layer_say (c, i, " takes its input from itself: the layers form a cycle");
  else if (j < i)
    {
      *from = j;
      return 0;
    }
  else
    {
      /* Follow the later layer's own inputs: coming back to i is a cycle; anything else is a
       * forward reference, which the layer order does not allow either. */
      int k = j, steps = 0;
      while (k > i && steps++ < n)
        {
          const char *in = layers[k].input;
          if (in[0] == '\0')
            k = k - 1;
          else
            {
              int m = 0;
              while (m < n && strncmp (layers[m].name, in, BP_NAME_MAX) != 0)
                m++;
              k = m < n ? m : -1;
            }
        }
      if (k == i)
        layer_say (c, i, " takes its input from '%s', which comes after it: the layers form a "
                   "cycle", want);
      else
        layer_say (c, i, " takes its input from '%s', which comes after it: a layer can only "
                   "take its input from an earlier one", want);
    }
  return -1;
}

static int
infer_all (const bp_spec *spec, bp_layer_info *info, uint64_t *total, char *err, size_t errlen)
{
  infer_ctx c = { .spec = spec, .err = err, .errlen = errlen };
  char a[40], b[40], sa[64], sb[64];
  *total = 0;
  if (spec == NULL || spec->layers == NULL || spec->n_layers < 1)
    {
      snprintf (err, errlen, "the network has no layers");
      return -1;
    }
  if (spec->n_layers > BP_MAX_LAYERS)
    {
      snprintf (err, errlen, "the spec has %s layers; the limit is %d",
                bp_spec_format_count ((uint64_t) spec->n_layers, a, sizeof a), BP_MAX_LAYERS);
      return -1;
    }
  bp_shape in0 = spec->input;
  uint64_t size = 1;
  bool shape_ok = in0.rank == 1 || in0.rank == 3;
  for (int d = 0; shape_ok && d < in0.rank; d++)
    {
      shape_ok = in0.dims[d] >= 1 && in0.dims[d] <= BP_MAX_INPUT_SIZE;
      size *= shape_ok ? (uint64_t) in0.dims[d] : 1;
    }
  if (!shape_ok || size > BP_MAX_INPUT_SIZE)
    {
      snprintf (err, errlen, "the input shape must be (features) or (channels, height, width) "
                "with at most %d values in all", BP_MAX_INPUT_SIZE);
      return -1;
    }

  bp_shape out[BP_MAX_LAYERS];
  for (int i = 0; i < spec->n_layers; i++)
    {
      const bp_layer_spec *ls = &spec->layers[i];
      if (!name_ok (ls->name))
        {
          snprintf (err, errlen, "layer %d has no name (or one longer than %d bytes)", i + 1,
                    BP_NAME_MAX - 1);
          return -1;
        }
      for (int j = 0; j < i; j++)
        if (strcmp (spec->layers[j].name, ls->name) == 0)
          {
            layer_say (&c, i, ": the name '%s' is already used by layer %d", ls->name, j + 1);
            return -1;
          }
      int from;
      if (check_settings (&c, i) < 0 || resolve_input (&c, i, &from) < 0)
        return -1;
      bp_shape in = from < 0 ? in0 : out[from];
      const char *giver = from < 0 ? "the network input" : spec->layers[from].name;
      if (ls->kind == BP_LAYER_DENSE && ls->u.dense.in_units != 0
          && (uint64_t) ls->u.dense.in_units != bp_shape_size (in))
        {
          layer_say (&c, i, " expects %d inputs, but %s%s%s gives %zu", ls->u.dense.in_units,
                     from < 0 ? "" : "'", giver, from < 0 ? "" : "'", bp_shape_size (in));
          return -1;
        }

      const bp_layer_ops *ops = bp_layer_ops_for (ls->kind);
      if (ops == NULL || ops->infer == NULL)
        {
          layer_say (&c, i, ": the engine has no %s layers yet", bp_layer_kind_name (ls->kind));
          return -1;
        }
      char msg[256] = "";
      size_t n_params = 0, n_buffers = 0;
      out[i] = (bp_shape) { 0 };
      if (ops->infer (ls, in, &out[i], &n_params, &n_buffers, msg, sizeof msg) < 0)
        {
          /* The kinds word their messages to follow the layer's name: "has 0 units". */
          layer_say (&c, i, " %s", msg[0] ? msg : "cannot take this input");
          return -1;
        }
      bool out_ok = out[i].rank >= 1 && out[i].rank <= BP_MAX_RANK;
      for (int d = 0; out_ok && d < out[i].rank; d++)
        out_ok = out[i].dims[d] >= 1;
      if (!out_ok)
        {
          layer_say (&c, i, " would output the shape %s, which is not valid",
                     bp_shape_format (out[i], sa, sizeof sa));
          return -1;
        }
      /* Each dim fits an int, so the product of three fits 64 bits. */
      uint64_t out_size = 1;
      for (int d = 0; d < out[i].rank; d++)
        out_size *= (uint64_t) out[i].dims[d];
      if (out_size > BP_MAX_INPUT_SIZE)
        {
          layer_say (&c, i, " would output %s = %s values per sample; the limit is %s",
                     bp_shape_format (out[i], sa, sizeof sa),
                     bp_spec_format_count (out_size, a, sizeof a),
                     bp_spec_format_count (BP_MAX_INPUT_SIZE, b, sizeof b));
          return -1;
        }
      /* Each count is below 2^45 with the limits above; saturate anyway, ops may be wrong. */
      *total = n_params > UINT64_MAX - *total ? UINT64_MAX : *total + n_params;
      if (info != NULL)
        info[i] = (bp_layer_info) { .in = in, .out = out[i], .n_params = n_params,
                                    .input_index = from };
    }

  if (*total > BP_MAX_PARAMS)
    {
      snprintf (err, errlen, "the network has %s parameters; the limit is %s",
                bp_spec_format_count (*total, a, sizeof a),
                bp_spec_format_count (BP_MAX_PARAMS, b, sizeof b));
      return -1;
    }
  bp_shape last = out[spec->n_layers - 1];
  if ((unsigned) spec->loss >= BP_LOSS_KIND_COUNT)
    {
      snprintf (err, errlen, "unknown loss %d", spec->loss);
      return -1;
    }
  if (spec->loss == BP_LOSS_CROSS_ENTROPY && bp_shape_size (last) < 2)
    {
      snprintf (err, errlen, "cross_entropy needs the last layer to give one score per class "
                "(2 or more), but '%s' gives %s; for two classes with one output use bce",
                spec->layers[spec->n_layers - 1].name, bp_shape_format (last, sb, sizeof sb));
      return -1;
    }
  if (spec->loss == BP_LOSS_HUBER && !(spec->huber_delta > 0 && isfinite (spec->huber_delta)))
    {
      snprintf (err, errlen, "huber's delta must be a number > 0, got %g",
                (double) spec->huber_delta);
      return -1;
    }
  return 0;
}

int
bp_spec_infer (const bp_spec *spec, bp_layer_info *info, char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  uint64_t total;
  return infer_all (spec, info, &total, err, errlen);
}

size_t
bp_spec_param_count (const bp_spec *spec)
{
  char err[8];
  uint64_t total;
  return infer_all (spec, NULL, &total, err, sizeof err) < 0 ? 0 : (size_t) total;
}
