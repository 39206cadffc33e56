/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inverted dropout, as torch.nn.Dropout: in training each value is kept with probability
 * 1 - p and scaled by 1 / (1 - p), so evaluation is the identity. The rate is the layer's live
 * L->dropout_rate (a slider may change it between steps); masks come from the network's
 * generator, so one seed decides them. */
#include "engine/layer.h"

#include <stdio.h>
#include <string.h>

static int
dropout_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
               size_t *n_buffers, char *err, size_t errlen)
{
  float p = ls->u.dropout.rate;
  if (!(p >= 0.0f && p < 1.0f)) /* also rejects NaN */
    {
      snprintf (err, errlen, "has dropout rate %g; it must be at least 0 and below 1",
                (double) p);
      return -1;
    }
  return bp_layer_infer_same_shape (in, out, n_params, n_buffers, err, errlen);
}

static void
dropout_forward (bp_layer *L, int batch, bool train)
{
  size_t n = (size_t) batch * L->out_size;
  const float *x = L->x;
  float *y = L->y;
  float *mask = L->scratch;
  float p = L->dropout_rate;

  if (!train || !(p > 0.0f))
    {
      if (y != x)
        memcpy (y, x, n * sizeof *y);
      if (train) /* rate 0: backward passes everything */
        for (size_t i = 0; i < n; i++)
          mask[i] = 1.0f;
      return;
    }
  /* p >= 1 drops everything (torch gives zeros) rather than dividing by zero. */
  float scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  double keep_below = 1.0 - (double) p;
  for (size_t i = 0; i < n; i++)
    {
      mask[i] = bp_rng_uniform (L->rng) < keep_below ? scale : 0.0f;
      y[i] = x[i] * mask[i];
    }
}

static void
dropout_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  size_t n = (size_t) batch * L->out_size;
  const float *mask = L->scratch, *dy = L->dy;
  float *dx = L->dx;
  for (size_t i = 0; i < n; i++)
    dx[i] += dy[i] * mask[i];
}

const bp_layer_ops bp_dropout_ops = {
  .kind = BP_LAYER_DROPOUT,
  .infer = dropout_infer,
  /* the mask of the last training forward, (batch, size): 0 or 1 / (1 - p) */
  .scratch_size = bp_layer_scratch_per_output,
  .forward = dropout_forward,
  .backward = dropout_backward,
};
