/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpFeatureMaps: what one picture becomes inside a convolutional network. The input picture,
 * then for each layer given (convolutions, pools ...) a caption and one small image per
 * channel, its "feature map": where that channel's filter found its pattern. Maps are drawn
 * in the program's diverging colours (blue where the value is positive, orange where
 * negative, the neutral middle at zero) on one scale per layer, the layer's largest |value|,
 * so the maps of a layer can be compared; tooltips give the values. Maps of every layer are
 * drawn about the same size, so coarser layers look blockier: a pool halves the resolution.
 *
 * The whole content is drawn into one image once per change (new values, width), so redraws
 * in between cost a single composite. */
#pragma once

#include "bp-cached-view.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;   /* "conv1" */
  const char *detail; /* "convolution 5×5, ReLU" or NULL */
  int c, h, w;
  const float *values; /* (c, h, w) */
} BpFeatureLayer;

#define BP_FEATURE_MAPS_MAX_MAPS 64 /* maps drawn per layer; more are counted, not drawn */

#define BP_TYPE_FEATURE_MAPS (bp_feature_maps_get_type ())
G_DECLARE_FINAL_TYPE (BpFeatureMaps, bp_feature_maps, BP, FEATURE_MAPS, BpCachedView)

GtkWidget *bp_feature_maps_new (void);

/* The input picture (c, h, w) with a caption (copied); values in [0, 1] are shown as grey
 * levels (colour for 3 channels), others stretched to their range. NULL pixels: none. */
void bp_feature_maps_set_input (BpFeatureMaps *self, const char *caption, const float *pixels,
                                int c, int h, int w);
/* The layers to show (copied). */
void bp_feature_maps_set_layers (BpFeatureMaps *self, const BpFeatureLayer *layers, int n);
void bp_feature_maps_clear (BpFeatureMaps *self);
int bp_feature_maps_get_n_layers (BpFeatureMaps *self);
/* The |value| drawn at full colour in layer i, or 0. */
double bp_feature_maps_get_scale (BpFeatureMaps *self, int layer);
/* Maps of layer i that are 0 everywhere (its caption counts them: dead ReLU filters). */
int bp_feature_maps_get_n_zero (BpFeatureMaps *self, int layer);

/* Where map `map` of layer `layer` (-1: the input picture, map 0) is drawn, in widget
 * coordinates; FALSE when it is not drawn. */
gboolean bp_feature_maps_get_tile (BpFeatureMaps *self, int layer, int map, graphene_rect_t *out);
/* The tooltip text for point (x, y), or NULL (caller frees). */
char *bp_feature_maps_describe_at (BpFeatureMaps *self, double x, double y);

G_END_DECLS
