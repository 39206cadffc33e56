/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Flatten: (C, H, W) -> (C*H*W) in NCHW order, PyTorch's nn.Flatten. The values do not move;
 * only the shape the next layer sees changes (the copy keeps every layer's y its own). */
#include "engine/layer.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int
flatten_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
               size_t *n_buffers, char *err, size_t errlen)
{
  size_t n = bp_shape_size (in);
  if (in.rank < 1 || n == 0)
    {
      snprintf (err, errlen, "has no inputs");
      return -1;
    }
  if (n > (size_t) INT32_MAX)
    {
      snprintf (err, errlen, "gets %zu values per sample, too many to flatten", n);
      return -1;
    }
  *out = bp_shape_vec ((int) n);
  *n_params = 0;
  *n_buffers = 0;
  return 0;
}

static size_t
flatten_scratch_size (const bp_layer *L, int batch)
{
  return 0;
}

static void
flatten_init (bp_layer *L, bp_rng *rng)
{
}

static void
flatten_forward (bp_layer *L, int batch, bool train)
{
  memcpy (L->y, L->x, (size_t) batch * L->in_size * sizeof *L->y);
}

static void
flatten_backward (bp_layer *L, int batch)
{
  if (L->dx == NULL)
    return;
  size_t n = (size_t) batch * L->in_size;
  for (size_t i = 0; i < n; i++)
    L->dx[i] += L->dy[i];
}

static int
flatten_views (const bp_layer *L, bp_param_view *views)
{
  return 0;
}

const bp_layer_ops bp_flatten_ops = {
  .kind = BP_LAYER_FLATTEN,
  .infer = flatten_infer,
  .scratch_size = flatten_scratch_size,
  .init = flatten_init,
  .forward = flatten_forward,
  .backward = flatten_backward,
  .param_views = flatten_views,
  .buffer_views = flatten_views,
};
