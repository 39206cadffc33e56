/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by bp-loss-chart.c (object, data, axes, legend, pointer) and bp-loss-chart-curves.c
 * (the curves as pixels, painted in place as a run grows). */
#pragma once

#include "bp-loss-chart.h"

G_BEGIN_DECLS

#define BP_LOSS_MAX_BUCKETS 1024 /* two to four per pixel of a plot up to 500 px wide */
#define BP_LOSS_MARGIN_LEFT 46.0
#define BP_LOSS_MARGIN_RIGHT 10.0
#define BP_LOSS_MARGIN_TOP 22.0
#define BP_LOSS_MARGIN_BOTTOM 20.0

typedef struct {
  double x0, x1;        /* first and last x of the bucket */
  float min, max, last; /* of the values in it */
  guint32 n;
} BpLossBucket;

/* A pixel column of a series: where it is and the values it spans. */
typedef struct {
  double x;                /* widget x */
  double min, max, last;   /* clamped to the axis */
} BpLossColumn;

typedef struct {
  GArray *buckets; /* BpLossBucket, x increasing */
  guint32 per_bucket;
  guint64 n_points;
  double last;
} BpLossData;

struct _BpLossChart {
  GtkWidget parent_instance;

  BpLossData series[BP_LOSS_SERIES_COUNT];
  double x_max, y_max; /* data extents */
  double axis_x_max, axis_y_max, x_step, y_step; /* nice axis ranges, from the extents */

  double hover_x; /* widget x of the pointer, < 0 when outside */
  GskRenderNode *axes_node; /* grid and labels, rebuilt when size or ranges change */
  /* The curves as pixels, brought up to date in place: only the columns that changed since
   * the last drawing are painted again (a run grows at its right end), unless the axes,
   * the size or the bucketing moved. */
  cairo_surface_t *curves_surface;
  GArray *drawn[BP_LOSS_SERIES_COUNT]; /* BpLossColumn: what curves_surface shows */
  double drawn_axis_x, drawn_axis_y;
  int drawn_w, drawn_h;
  int axes_width, axes_height;
};

void _bp_loss_chart_series_color (BpLossSeries s, GdkRGBA *c);
/* The plot's rectangle in widget coordinates. */
void _bp_loss_chart_plot_rect (BpLossChart *self, graphene_rect_t *r);

/* bp-loss-chart-curves.c */
/* Brings the curves' pixels up to date for plot rectangle r and returns a node showing them. */
GskRenderNode *_bp_loss_chart_curves_node (BpLossChart *self, const graphene_rect_t *r);

G_END_DECLS
