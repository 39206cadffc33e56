/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-conv-front.h"

static gboolean
has_images (const bp_dataset *ds)
{
  return ds != NULL && ds->image_width > 0 && ds->image_height > 0 && ds->image_channels > 0;
}

/* LeNet's 5x5 filters need room: two of them and two pools fit from 20 pixels up. */
static gboolean
big (const bp_dataset *ds)
{
  return MIN (ds->image_width, ds->image_height) >= 20;
}

static void
conv (bp_layer_spec *ls, const char *name, int filters, int k, bp_padding padding, bp_act act)
{
  bp_layer_spec_defaults (ls, BP_LAYER_CONV2D);
  g_strlcpy (ls->name, name, sizeof ls->name);
  ls->u.conv2d.filters = filters;
  ls->u.conv2d.kernel_h = ls->u.conv2d.kernel_w = k;
  ls->u.conv2d.padding = padding;
  ls->u.conv2d.activation = act;
  ls->u.conv2d.weight_init.kind = BP_INIT_HE_UNIFORM;
}

static void
pool (bp_layer_spec *ls, const char *name)
{
  bp_layer_spec_defaults (ls, BP_LAYER_MAXPOOL2D);
  g_strlcpy (ls->name, name, sizeof ls->name);
  ls->u.pool.size_h = ls->u.pool.size_w = 2;
  ls->u.pool.stride_h = ls->u.pool.stride_w = 2;
}

int
bp_conv_front_layers (bp_layer_spec *layers, const bp_dataset *ds, bp_act act)
{
  int n = 0;

  if (!has_images (ds))
    return 0;
  if (big (ds))
    {
      /* 28x28 -> 10 @ 28x28 -> 14x14 -> 20 @ 10x10 -> 5x5 (LeNet-5's shapes, a little wider). */
      conv (&layers[n++], "conv1", 10, 5, BP_PADDING_SAME, act);
      pool (&layers[n++], "pool1");
      conv (&layers[n++], "conv2", 20, 5, BP_PADDING_VALID, act);
      pool (&layers[n++], "pool2");
    }
  else
    {
      /* 8x8 -> 8 @ 8x8 -> 4x4 -> 16 @ 4x4. */
      conv (&layers[n++], "conv1", 8, 3, BP_PADDING_SAME, act);
      pool (&layers[n++], "pool1");
      conv (&layers[n++], "conv2", 16, 3, BP_PADDING_SAME, act);
    }
  bp_layer_spec_defaults (&layers[n], BP_LAYER_FLATTEN);
  g_strlcpy (layers[n++].name, "flatten", sizeof layers[0].name);
  g_assert (n <= BP_CONV_FRONT_MAX_LAYERS);
  return n;
}

bp_shape
bp_conv_front_input (const bp_dataset *ds)
{
  bp_shape s = { 3, { ds->image_channels, ds->image_height, ds->image_width } };

  return has_images (ds) ? s : bp_shape_vec (ds->n_features);
}

const char *
bp_conv_front_describe (const bp_dataset *ds)
{
  if (!has_images (ds))
    return "";
  return big (ds) ? "conv 10·20 5×5" : "conv 8·16 3×3";
}
