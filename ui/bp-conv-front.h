/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The convolutional front the dashboard puts before its dense layers when the user picks a
 * CNN for image data: LeNet-5's two stages, a little wider (10 then 20 filters of 5x5, each
 * followed by a 2x2 max pool, then flatten), for pictures of 20 pixels or more, as in
 * data/examples/fashion-mnist-lenet.json; 3x3 filters and one pool for smaller ones (the 8x8
 * digits). */
#pragma once

#include <glib.h>

#include "data/dataset.h"
#include "engine/spec.h"

G_BEGIN_DECLS

#define BP_CONV_FRONT_MAX_LAYERS 5

/* Fills layers (BP_CONV_FRONT_MAX_LAYERS of room) with the front for ds's images, their
 * activation `act`; returns how many, 0 when ds holds no images. */
int bp_conv_front_layers (bp_layer_spec *layers, const bp_dataset *ds, bp_act act);
/* The input shape (C, H, W) of ds's images, or its features as a vector. */
bp_shape bp_conv_front_input (const bp_dataset *ds);
/* "conv 10·20 5×5" for the settings' one-line description; "" without images. */
const char *bp_conv_front_describe (const bp_dataset *ds);

G_END_DECLS
