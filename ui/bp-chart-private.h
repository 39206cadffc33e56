/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the chart's files: bp-chart.c (object, properties), bp-chart-data.c (the public
 * series API), bp-chart-view.c (axes' bounds, the view), bp-chart-layout.c (automatic view,
 * ticks, plot area), bp-chart-series.c (series data, smoothing, extents), bp-chart-frame.c
 * (grid, labels, legend), bp-chart-curves.c (the data's paths), bp-chart-draw.c (the cached
 * pictures), bp-chart-input.c (pointer and menu) and bp-chart-export.c (PNG, SVG, CSV). */
#pragma once

#include "bp-chart.h"

#include "bp-chart-math.h"

G_BEGIN_DECLS

typedef struct {
  guint id;
  char *name;
  GdkRGBA color;
  BpChartStyle style;
  gboolean visible;
  gboolean dashed;
  gboolean sparse;  /* few points (one per epoch): raw, never smoothed, a marker on each */
  double bar_width;

  GArray *x;        /* double, n points */
  GArray *y;        /* float, n points */
  GArray *ys;       /* float: smoothed y (line series while smoothing > 0), else empty */
  bp_smooth_state smooth;
  double smooth_weight; /* weight ys was computed with */
  bp_pyramid pyr;       /* over y */
  bp_pyramid pyr_s;     /* over ys */
  gboolean sorted;      /* x never decreases */
  double x_min, x_max;  /* of finite x (x_min > x_max when none) */
  double x_min_pos;     /* smallest x > 0 (for log x) */
  double min_gap;       /* smallest gap between consecutive distinct x (bars) */
} BpChartSeries;

/* Where things go, for the current size and view. */
typedef struct {
  int width, height;
  graphene_rect_t plot;
  double vx0, vx1, vy0, vy1; /* the view, in axis space (log10 for log axes) */
  int n_xticks, n_yticks;
  double xticks[32], yticks[32]; /* in axis space */
  char xlabels[32][24], ylabels[32][24];
  gboolean empty; /* no visible series has a point: the plot says "No data yet" */
  int legend_rows;
  gboolean valid;
} BpChartGeometry;

/* One legend entry as laid out: a swatch and the name at (x, y), the name cut to text_w
 * pixels (elided) when it is wider; series G_MAXUINT is the "+N more" note that ends a
 * legend with more entries than its rows hold. */
typedef struct {
  guint series; /* index in self->series */
  double x, y;
  int text_w;
  guint more;
} BpChartLegendSlot;

struct _BpChart {
  GtkWidget parent_instance;

  GPtrArray *series; /* BpChartSeries */
  guint next_id;
  guint next_color;

  double smoothing;
  gboolean log_x, log_y;
  char *title;
  char *x_label;
  double x_floor_lo, x_floor_hi; /* NaN: none */
  double y_floor_lo, y_floor_hi; /* NaN: none */
  double y_bound_lo, y_bound_hi; /* the values' natural range (loss >= 0); NaN: none */
  gboolean y_whole;              /* y counts things: ticks at whole numbers only */
  gboolean key_focus;            /* a key reached the chart since it took the focus */
  int title_w;                   /* width of the title as drawn (-1: not measured) */
  GArray *legend;                /* BpChartLegendSlot, laid out with geo */

  /* The view the user chose, in axis space (valid when user_x / user_y). */
  gboolean user_x, user_y;
  double ux0, ux1, uy0, uy1;

  BpChartGeometry geo;
  GHashTable *text_sizes;     /* label -> its PangoLayout (see _bp_chart_small_text) */
  gboolean layout_stale;      /* data changed under an automatic view */
  GskRenderNode *frame_node;  /* grid, ticks, labels, legend: until size, view or style change */
#define BP_CHART_TILE_PX 64
  GskRenderNode *curves_node; /* the data: until data, view or size change */
  cairo_surface_t *curves_surface; /* the pixels of curves_node, kept to be brought up to date
                                      in place when points are only appended (NULL: none) */
  double curves_from; /* axis-space x from which the curves changed since they were painted:
                         INFINITY nothing, -INFINITY everything */
  GPtrArray *curve_tiles; /* curves_node's children, BP_CHART_TILE_PX wide strips of
                             curves_surface: a strip painted again replaces only its tiles */

  /* The pointer */
  gboolean hover;
  double hover_x, hover_y;
  gboolean dragging; /* a box zoom or a pan is under way */
  gboolean panning;
  double drag_x0, drag_y0, drag_dx, drag_dy;
  double pan_vx0, pan_vx1, pan_vy0, pan_vy1;
  GtkWidget *menu;
};

/* bp-chart-series.c */
BpChartSeries *_bp_chart_series_new (guint id, const char *name, const GdkRGBA *color,
                                     BpChartStyle style);
void _bp_chart_series_free (gpointer data);
void _bp_chart_series_append (BpChartSeries *s, const double *x, const float *y, gsize n,
                              double smoothing);
void _bp_chart_series_clear (BpChartSeries *s);
/* Whether the legend names it: shown, named and with a point to show (a series that never
 * got one, like a run's validation before any, is not worth an entry). */
gboolean _bp_chart_series_in_legend (const BpChartSeries *s);
/* Recomputes the smoothed copy for a new weight. */
void _bp_chart_series_resmooth (BpChartSeries *s, double smoothing);
/* The values drawn as the line: smoothed when there are, else raw. */
const float *_bp_chart_series_line (const BpChartSeries *s, const bp_pyramid **pyr);
/* Lowest and highest finite y of the points with axis-space x in [x0, x1] (for log y, the
 * positive ones only, in axis space). FALSE when none. */
gboolean _bp_chart_series_y_range (const BpChartSeries *s, gboolean log_x, gboolean log_y,
                                   gboolean use_line, double x0, double x1, double *lo,
                                   double *hi);
/* The index of the point nearest to axis-space x (line and bar series), or -1. */
gssize _bp_chart_series_nearest (const BpChartSeries *s, gboolean log_x, double ax);

/* bp-chart.c */
BpChartSeries *_bp_chart_find (BpChart *self, guint id);
/* Data value -> axis space (log10 for log axes; NaN when the value cannot be shown). */
double _bp_chart_axis_x (BpChart *self, double x);
double _bp_chart_axis_y (BpChart *self, double y);
/* Drops the cached nodes (data or view changed) and redraws. */
void _bp_chart_invalidate (BpChart *self, gboolean frame);
/* Points were appended to a line series at axis-space x >= from_ax (the segment from the
 * point before included): the curves are redrawn from there on, unless the view moves. */
void _bp_chart_invalidate_from (BpChart *self, double from_ax);

/* bp-chart-layout.c */
/* Fills self->geo (and self->legend) for a width x height chart. */
void _bp_chart_layout (BpChart *self, int width, int height);
/* A label in the chart's small type, laid out once and kept (borrowed). */
PangoLayout *_bp_chart_small_text (BpChart *self, const char *text);
/* Lays out again, dropping the cached frame only when the ticks or the view moved; TRUE then. */
gboolean _bp_chart_relayout (BpChart *self, int width, int height);

/* bp-chart-frame.c */
/* Places the legend entries in rows right of the title (row 0) and over the whole width
 * (below it), at most max_rows; returns the rows used. */
int _bp_chart_layout_legend (BpChart *self, int width, int max_rows);
/* Text metrics of a label as the chart draws it. */
PangoLayout *_bp_chart_layout_text (BpChart *self, const char *text, gboolean small);
/* Grid, ticks, labels, title and legend, with cairo at geo's size. */
void _bp_chart_paint_frame (BpChart *self, cairo_t *cr);

/* bp-chart-curves.c */
/* The curves; those parts right of axis-space x from_ax at least (-INFINITY: all). */
void _bp_chart_paint_curves (BpChart *self, cairo_t *cr, double from_ax);

/* bp-chart-draw.c */
/* Paints frame and curves with cairo (exports) at geo's size. */
void _bp_chart_paint_cairo (BpChart *self, cairo_t *cr, const GdkRGBA *background);
void _bp_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot);

/* Axis space -> widget coordinates with geo, and back. */
double _bp_chart_px (const BpChartGeometry *g, double ax);
double _bp_chart_py (const BpChartGeometry *g, double ay);
double _bp_chart_ax (const BpChartGeometry *g, double px);
double _bp_chart_ay (const BpChartGeometry *g, double py);

/* bp-chart-input.c */
void _bp_chart_init_input (BpChart *self);
void _bp_chart_take_view (BpChart *self);
/* bp-chart-keys.c: zoom, pan, reset and the menu from the keyboard, and the focus ring. */
void _bp_chart_init_keys (BpChart *self);
void _bp_chart_snapshot_focus (GtkWidget *widget, GtkSnapshot *snapshot);
/* bp-chart-frame.c: y tick i of the layout as drawn: FALSE when it is not drawn (a fraction
 * on a whole-number axis), else its label in buf. */
gboolean _bp_chart_y_tick_label (BpChart *self, int i, char *buf, gsize len);
void _bp_chart_class_init_actions (GtkWidgetClass *widget_class);
/* The hover read-out and the zoom box, over the cached nodes. */
void _bp_chart_snapshot_overlay (BpChart *self, GtkSnapshot *snapshot);

G_END_DECLS
