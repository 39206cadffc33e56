/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conv2d's insides shared by conv2d.c (shapes, checks, parameters) and conv2d_pass.c (the
 * forward and backward passes). Engine-internal. */
#pragma once

#include "engine/im2col.h"
#include "engine/layer.h"

/* The window of a conv2d layer over its input (C, H, W): kernel, strides, padding, output. */
bp_window_geom bp_conv2d_geom (const bp_conv2d_cfg *c, bp_shape in);

size_t bp_conv2d_scratch_size (const bp_layer *L, int batch);
void bp_conv2d_forward (bp_layer *L, int batch, bool train);
void bp_conv2d_backward (bp_layer *L, int batch);
