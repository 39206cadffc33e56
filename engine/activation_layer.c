/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A stand-alone activation layer: any bp_act element-wise, or softmax over each sample's
 * features (all of them, flattened, for a rank-3 input). Output shape = input shape. */
#include "engine/layer.h"

#include "engine/activation.h"
#include <stdio.h>

static int
activation_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
                  size_t *n_buffers, char *err, size_t errlen)
{
  bp_act fn = ls->u.activation.fn;
  if ((int) fn < 0 || fn >= BP_ACT_COUNT)
    {
      snprintf (err, errlen, "has an unknown activation function (%d)", (int) fn);
      return -1;
    }
  return bp_layer_infer_same_shape (in, out, n_params, n_buffers, err, errlen);
}

static void
activation_forward (bp_layer *L, int batch, bool train)
{
  const bp_activation_cfg *c = &L->spec->u.activation;
  if (c->fn == BP_ACT_SOFTMAX)
    bp_act_softmax_rows (L->x, L->y, batch, (int) L->out_size);
  else
    bp_act_forward (c->fn, c->alpha, L->x, L->y, (size_t) batch * L->out_size);
}

static void
activation_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  const bp_activation_cfg *c = &L->spec->u.activation;
  size_t n = (size_t) batch * L->out_size;
  float *g = L->scratch; /* (batch, size) */
  if (c->fn == BP_ACT_SOFTMAX)
    bp_act_softmax_rows_backward (L->y, L->dy, g, batch, (int) L->out_size);
  else
    bp_act_backward (c->fn, c->alpha, L->x, L->y, L->dy, g, n);
  float *dx = L->dx;
  for (size_t i = 0; i < n; i++)
    dx[i] += g[i];
}

const bp_layer_ops bp_activation_ops = {
  .kind = BP_LAYER_ACTIVATION,
  .infer = activation_infer,
  /* Backward accumulates into dx, while bp_act_backward overwrites: it writes dy * f' in the
   * scratch first, (batch, size). */
  .scratch_size = bp_layer_scratch_per_output,
  .forward = activation_forward,
  .backward = activation_backward,
};

