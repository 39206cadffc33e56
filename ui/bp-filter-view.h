/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpFilterView: a convolution layer's filters as small pictures, one tile per filter, each
 * weight a square in the diverging colours of the whole program (orange below zero, blue
 * above, the neutral middle at zero), with a colour key. The scale is shared by all filters
 * (compare filters) or each filter's own largest |w| (see each one's pattern); tooltips say
 * which, and the value under the pointer. Filters over 3 input channels show as colour
 * pictures; over other counts, their mean over the input channels.
 *
 * The content is drawn into one image once per change (new weights, size, scale mode), so
 * redrawing between updates costs a single composite. */
#pragma once

#include "bp-cached-view.h"

G_BEGIN_DECLS

#define BP_TYPE_FILTER_VIEW (bp_filter_view_get_type ())
G_DECLARE_FINAL_TYPE (BpFilterView, bp_filter_view, BP, FILTER_VIEW, BpCachedView)

GtkWidget *bp_filter_view_new (void);

/* Shows the kernels of layer `name`: weights (n_out, n_in, kh, kw) and bias (n_out, or NULL),
 * copied. weights NULL: nothing to show. */
void bp_filter_view_set_kernels (BpFilterView *self, const char *name, const float *weights,
                                 const float *bias, int n_out, int n_in, int kh, int kw);
void bp_filter_view_clear (BpFilterView *self);
int bp_filter_view_get_n_filters (BpFilterView *self);

/* "shared-scale": one colour scale for every filter (TRUE, the default) or one per filter. */
void bp_filter_view_set_shared_scale (BpFilterView *self, gboolean shared);
gboolean bp_filter_view_get_shared_scale (BpFilterView *self);
/* The |w| that gets the strongest colour for filter i (as now drawn), or 0. */
double bp_filter_view_get_scale (BpFilterView *self, int i);

/* Where filter i is drawn, in widget coordinates (for tests and tooltips). FALSE when it is
 * not drawn. */
gboolean bp_filter_view_get_tile (BpFilterView *self, int i, graphene_rect_t *out);
/* The tooltip text for point (x, y), or NULL (caller frees). */
char *bp_filter_view_describe_at (BpFilterView *self, double x, double y);

G_END_DECLS
