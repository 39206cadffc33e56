/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What snapshots carry for convolutional nets: every layer's output shape, and the kernels of
 * conv2d layers, so the window can draw the filters as pictures and lay the chosen sample's
 * feature maps out as images while training. A few thousand floats for a LeNet: a memcpy per
 * snapshot. Kept apart from session_snapshot.c, which only calls the two functions below. */
#include "engine/session_internal.h"

#include <string.h>

static bool
kernel_copied (const bp_layer *L, bp_param_view *v, int *k)
{
  *k = 0;
  if (L->spec->kind != BP_LAYER_CONV2D || L->ops->param_views == NULL)
    return false;
  *k = L->ops->param_views (L, v);
  if (*k < 1 || v[0].rank != 4)
    return false;
  size_t n = (size_t) v[0].dims[0] * v[0].dims[1] * v[0].dims[2] * v[0].dims[3];
  return n <= BP_SNAPSHOT_MAX_KERNEL;
}

size_t
bp_session_snapshot_kernel_floats (bp_session *s)
{
  size_t floats = 0;
  for (int i = 0; i < bp_net_n_layers (s->net); i++)
    {
      bp_param_view v[BP_MAX_PARAM_VIEWS];
      int k;
      if (!kernel_copied (bp_net_layer (s->net, i), v, &k))
        continue;
      floats += (size_t) v[0].dims[0] * v[0].dims[1] * v[0].dims[2] * v[0].dims[3];
      if (k >= 2)
        floats += (size_t) v[1].dims[0];
    }
  return floats;
}

void
bp_session_snapshot_kernels (bp_session *s, bp_layer_snapshot *layers, int n_layers,
                             float **cursor)
{
  for (int i = 0; i < n_layers; i++)
    {
      const bp_layer *L = bp_net_layer (s->net, i);
      bp_layer_snapshot *ls = &layers[i];
      bp_param_view v[BP_MAX_PARAM_VIEWS];
      int k;
      ls->out_shape = L->out;
      ls->kernel = ls->kernel_bias = NULL;
      memset (ls->kernel_dims, 0, sizeof ls->kernel_dims);
      if (!kernel_copied (L, v, &k))
        continue;
      size_t n = (size_t) v[0].dims[0] * v[0].dims[1] * v[0].dims[2] * v[0].dims[3];
      float *w = *cursor;
      *cursor += n;
      memcpy (w, v[0].value, n * sizeof (float));
      memcpy (ls->kernel_dims, v[0].dims, sizeof ls->kernel_dims);
      ls->kernel = w;
      if (k >= 2)
        {
          float *b = *cursor;
          *cursor += v[1].dims[0];
          memcpy (b, v[1].value, (size_t) v[1].dims[0] * sizeof (float));
          ls->kernel_bias = b;
        }
    }
}
