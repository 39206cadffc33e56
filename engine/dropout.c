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
  if (in.rank < 1 || bp_shape_size (in) == 0)
    {
      snprintf (err, errlen, "has no inputs");
      return -1;
    }
  *out = in;
  *n_params = 0;
  *n_buffers = 0;
  return 0;
}

/* The mask of the last training forward, (batch, size): 0 or 1 / (1 - p). */
static size_t
dropout_scratch_size (const bp_layer *L, int batch)
{
  return (size_t) batch * L->out_size;
}

static void
dropout_init (bp_layer *L, bp_rng *rng)
{
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

static int
dropout_no_views (const bp_layer *L, bp_param_view *views)
{
  return 0;
}

const bp_layer_ops bp_dropout_ops = {
  .kind = BP_LAYER_DROPOUT,
  .infer = dropout_infer,
  .scratch_size = dropout_scratch_size,
  .init = dropout_init,
  .forward = dropout_forward,
  .backward = dropout_backward,
  .param_views = dropout_no_views,
  .buffer_views = dropout_no_views,
};
