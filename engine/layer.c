/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of layer kinds: one small vtable per kind, looked up by the spec's kind. */
#include "engine/layer.h"

#include <stdio.h>

const bp_layer_ops *
bp_layer_ops_for (bp_layer_kind kind)
{
  static const bp_layer_ops *const table[BP_LAYER_KIND_COUNT] = {
    [BP_LAYER_DENSE] = &bp_dense_ops,
    [BP_LAYER_ACTIVATION] = &bp_activation_ops,
    [BP_LAYER_DROPOUT] = &bp_dropout_ops,
    [BP_LAYER_BATCHNORM] = &bp_batchnorm_ops,
    [BP_LAYER_CONV2D] = &bp_conv2d_ops,
    [BP_LAYER_MAXPOOL2D] = &bp_maxpool2d_ops,
    [BP_LAYER_AVGPOOL2D] = &bp_avgpool2d_ops,
    [BP_LAYER_GLOBAL_AVGPOOL2D] = &bp_global_avgpool2d_ops,
    [BP_LAYER_FLATTEN] = &bp_flatten_ops,
  };
  if ((int) kind < 0 || kind >= BP_LAYER_KIND_COUNT)
    return NULL;
  return table[kind];
}

int
bp_layer_infer_same_shape (bp_shape in, bp_shape *out, size_t *n_params, size_t *n_buffers,
                           char *err, size_t errlen)
{
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

size_t
bp_layer_scratch_per_output (const bp_layer *L, int batch)
{
  return (size_t) batch * L->out_size;
}
