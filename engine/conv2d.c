/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 2-D convolution, PyTorch's nn.Conv2d layout: x (batch, C, H, W), weight (F, C, kh, kw),
 * bias (F), y (batch, F, OH, OW) = f(conv(x, W) + b) with the activation f fused as in dense.
 * This file: shapes, checks, initialisation, parameter views. The passes are conv2d_pass.c. */
#include "engine/conv2d_private.h"

#include "engine/init.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

bp_window_geom
bp_conv2d_geom (const bp_conv2d_cfg *c, bp_shape in)
{
  bp_window_geom g = {
    .c = in.dims[0], .h = in.dims[1], .w = in.dims[2],
    .kh = c->kernel_h, .kw = c->kernel_w, .sh = c->stride_h, .sw = c->stride_w,
  };
  bool same = c->padding == BP_PADDING_SAME;
  g.oh = bp_window_axis (g.h, g.kh, g.sh, same, &g.pad_top);
  g.ow = bp_window_axis (g.w, g.kw, g.sw, same, &g.pad_left);
  return g;
}

static int
conv_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
            size_t *n_buffers, char *err, size_t errlen)
{
  const bp_conv2d_cfg *c = &ls->u.conv2d;
  char s[64];
  if (in.rank != 3)
    {
      snprintf (err, errlen,
                "needs an image input (channels, height, width), but gets %s; give the network "
                "input an image shape such as [1, 28, 28]",
                bp_shape_format (in, s, sizeof s));
      return -1;
    }
  if (c->filters < 1 || c->filters > BP_MAX_UNITS)
    {
      snprintf (err, errlen, "has %d filters; a conv2d layer needs between 1 and %d",
                c->filters, BP_MAX_UNITS);
      return -1;
    }
  if (c->kernel_h < 1 || c->kernel_w < 1)
    {
      snprintf (err, errlen, "has a %dx%d kernel; both sides must be at least 1", c->kernel_h,
                c->kernel_w);
      return -1;
    }
  if (c->stride_h < 1 || c->stride_w < 1)
    {
      snprintf (err, errlen, "has stride %dx%d; a stride must be at least 1", c->stride_h,
                c->stride_w);
      return -1;
    }
  if (c->padding != BP_PADDING_VALID && c->padding != BP_PADDING_SAME)
    {
      snprintf (err, errlen, "has an unknown padding (%d)", (int) c->padding);
      return -1;
    }
  if ((int) c->activation < 0 || c->activation >= BP_ACT_COUNT)
    {
      snprintf (err, errlen, "has an unknown activation (%d)", (int) c->activation);
      return -1;
    }
  if (c->activation == BP_ACT_SOFTMAX)
    {
      snprintf (err, errlen, "cannot fuse softmax: add a separate activation layer for it");
      return -1;
    }
  if (c->in_channels != 0 && c->in_channels != in.dims[0])
    {
      snprintf (err, errlen, "expects %d input channel%s, but its input %s has %d",
                c->in_channels, c->in_channels == 1 ? "" : "s", bp_shape_format (in, s, sizeof s),
                in.dims[0]);
      return -1;
    }
  bp_window_geom g = bp_conv2d_geom (c, in);
  if (g.oh == 0 || g.ow == 0)
    {
      snprintf (err, errlen,
                "has a %dx%d kernel, larger than its %dx%d input (padding 'valid'); use a "
                "smaller kernel or padding 'same'",
                c->kernel_h, c->kernel_w, g.h, g.w);
      return -1;
    }
  if ((size_t) c->filters * (size_t) g.oh * (size_t) g.ow > (size_t) INT32_MAX)
    {
      snprintf (err, errlen, "would give %d x %d x %d = too many values per sample",
                c->filters, g.oh, g.ow);
      return -1;
    }
  /* K * F + F within the parameter budget, by division so nothing overflows. */
  size_t K = (size_t) g.c * (size_t) g.kh * (size_t) g.kw;
  size_t F = (size_t) c->filters;
  if (K > (BP_MAX_PARAMS - F) / F)
    {
      snprintf (err, errlen, "would have more than %zu parameters (%d filters of %dx%dx%d)",
                BP_MAX_PARAMS, c->filters, g.c, g.kh, g.kw);
      return -1;
    }
  *out = (bp_shape) { 3, { c->filters, g.oh, g.ow } };
  *n_params = K * F + (c->use_bias ? F : 0);
  *n_buffers = 0;
  return 0;
}

static void
conv_init (bp_layer *L, bp_rng *rng)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  int area = c->kernel_h * c->kernel_w;
  int fan_in = L->in.dims[0] * area, fan_out = c->filters * area;
  size_t nw = (size_t) c->filters * (size_t) fan_in;
  bp_init_fill (&c->weight_init, L->params, nw, fan_in, fan_out, rng);
  if (c->use_bias)
    bp_init_fill (&c->bias_init, L->params + nw, (size_t) c->filters, fan_in, fan_out, rng);
}

static int
conv_param_views (const bp_layer *L, bp_param_view *views)
{
  const bp_conv2d_cfg *c = &L->spec->u.conv2d;
  views[0] = (bp_param_view) {
    .suffix = "weight", .value = L->params, .grad = L->grads,
    .rank = 4, .dims = { c->filters, L->in.dims[0], c->kernel_h, c->kernel_w },
    .penalised = true,
  };
  if (!c->use_bias)
    return 1;
  size_t off = (size_t) c->filters * (size_t) L->in.dims[0] * (size_t) c->kernel_h
               * (size_t) c->kernel_w;
  views[1] = (bp_param_view) {
    .suffix = "bias", .value = L->params + off, .grad = L->grads + off,
    .rank = 1, .dims = { c->filters }, .penalised = false,
  };
  return 2;
}

static int
no_buffer_views (const bp_layer *L, bp_buffer_view *views)
{
  return 0;
}

const bp_layer_ops bp_conv2d_ops = {
  .kind = BP_LAYER_CONV2D,
  .infer = conv_infer,
  .scratch_size = bp_conv2d_scratch_size,
  .init = conv_init,
  .forward = bp_conv2d_forward,
  .backward = bp_conv2d_backward,
  .param_views = conv_param_views,
  .buffer_views = no_buffer_views,
};
