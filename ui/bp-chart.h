/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpChart: the one chart widget of the program. Several series (lines, points or bars) over
 * shared axes with ticks and labels; a hover crosshair that reads out exact values; TensorBoard's
 * debiased smoothing; log x and log y; zoom (scroll, drag a box), pan (middle or Shift+drag),
 * double-click to reset the view; decimation to one min/max column per pixel, so a series of
 * 10^7 points draws within a frame. Exports the picture as PNG or SVG and the data as CSV.
 *
 * Series data are copied in; append as a run grows. Line series need x that never decreases
 * (steps, epochs, time); point series may come in any order. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BP_TYPE_CHART (bp_chart_get_type ())
G_DECLARE_FINAL_TYPE (BpChart, bp_chart, BP, CHART, GtkWidget)

typedef enum {
  BP_CHART_LINE,   /* a polyline; smoothed when smoothing > 0 */
  BP_CHART_POINTS, /* a scatter plot */
  BP_CHART_BARS,   /* bars from 0 (or the bottom of a log axis) up to each value */
} BpChartStyle;

GtkWidget *bp_chart_new (void);

/* Rasterises a drawing once: paint (cr, data) into an image surface of width x height logical
 * pixels at scale. bp_chart_append_surface then puts it in a snapshot as a cairo node that
 * holds just that image. For drawings that change a few times a second but are painted every
 * frame: GTK 4.8's cairo renderer (software rendering) repaints the whole window for any
 * change, replaying every path and glyph of every cairo and text node, where an image is one
 * blend (and a GdkTexture, converted on every frame, costs more still). */
cairo_surface_t *bp_chart_paint_surface (int width, int height, int scale,
                                         void (*paint) (cairo_t *cr, gpointer data),
                                         gpointer data);
void bp_chart_append_surface (GtkSnapshot *snapshot, cairo_surface_t *surface,
                              const graphene_rect_t *bounds);
/* The same for a drawing made of snapshot nodes (text, colours, textures): node, in the
 * coordinates of a width x height widget, drawn once into an image, and a node showing that
 * image. The cairo renderer draws every node of the window on every frame, even where
 * nothing changed (only the pixels are clipped), so a view of a few hundred nodes costs that
 * many on every frame until it is flattened. Takes node (may be NULL: returns NULL). */
GskRenderNode *bp_chart_flatten_node (GskRenderNode *node, int width, int height, int scale);

/* Colour i of the chart palette (Tableau 10, wrapping), as runs and series use them. */
void bp_chart_palette_color (guint index, GdkRGBA *out);

/* Adds an empty series and returns its id (> 0). color NULL: the next colour of the chart's
 * palette. */
guint bp_chart_add_series (BpChart *self, const char *name, const GdkRGBA *color,
                           BpChartStyle style);
void bp_chart_remove_series (BpChart *self, guint id);
/* Puts series id just before series before_id, in the legend and in drawing order (a run put
 * back takes its old place). Nothing when either is unknown. */
void bp_chart_move_series_before (BpChart *self, guint id, guint before_id);
/* Removes every series. */
void bp_chart_clear (BpChart *self);
/* Drops a series' points, keeping the series. */
void bp_chart_series_clear (BpChart *self, guint id);
void bp_chart_series_append (BpChart *self, guint id, const double *x, const float *y, gsize n);
gsize bp_chart_series_get_n_points (BpChart *self, guint id);
/* The ids of the series, in the order they were added, into ids (room for max); returns how
 * many series there are. */
guint bp_chart_get_series (BpChart *self, guint *ids, guint max);
void bp_chart_series_set_visible (BpChart *self, guint id, gboolean visible);
void bp_chart_series_set_name (BpChart *self, guint id, const char *name);
void bp_chart_series_set_color (BpChart *self, guint id, const GdkRGBA *color);
/* Dashed lines (validation curves next to their training curve). */
void bp_chart_series_set_dashed (BpChart *self, guint id, gboolean dashed);
/* A line of few points, such as validation figures once an epoch: drawn as measured at full
 * strength with a marker on each point, never smoothed (smoothing a handful of points only
 * bends them away from what was measured, and the raw line behind it is faint). */
void bp_chart_series_set_sparse (BpChart *self, guint id, gboolean sparse);
/* Width of bars in x units (0: 80% of the smallest gap between x values). */
void bp_chart_series_set_bar_width (BpChart *self, guint id, double width);
/* The smoothed copy of a line series as drawn (NULL without smoothing); n points. */
const float *bp_chart_series_get_smoothed (BpChart *self, guint id, gsize *n);

/* Smoothing weight in [0, 0.999] ("smoothing" property). */
void bp_chart_set_smoothing (BpChart *self, double weight);
double bp_chart_get_smoothing (BpChart *self);
void bp_chart_set_log_x (BpChart *self, gboolean log_x);
gboolean bp_chart_get_log_x (BpChart *self);
void bp_chart_set_log_y (BpChart *self, gboolean log_y);
gboolean bp_chart_get_log_y (BpChart *self);
void bp_chart_set_title (BpChart *self, const char *title);
void bp_chart_set_x_label (BpChart *self, const char *label);
/* Keeps the fitted x range at least [lo, hi] (NaN to drop a bound): the x the data will
 * reach, such as a run's planned steps, so that a live curve grows into a fixed frame. The
 * eye reads how far the run has come, and each update repaints only the strip the new
 * points touch instead of the whole chart for a moving axis. Ignored on a log x axis. */
void bp_chart_set_x_floor (BpChart *self, double lo, double hi);
/* Keeps the y range at least [lo, hi] when fitting the data (e.g. 0 to 1 for accuracy);
 * NaN to drop a bound. */
void bp_chart_set_y_floor (BpChart *self, double lo, double hi);
/* The values' natural range (a loss is >= 0, an accuracy in [0, 1]; NaN: no bound): when the
 * data keep within it, the fitted axis does too, and an empty chart shows it. */
void bp_chart_set_y_bounds (BpChart *self, double lo, double hi);
/* The y values count things (a histogram's rows): tick labels at whole numbers only, never
 * 0.5 or 1.5. */
void bp_chart_set_y_whole (BpChart *self, gboolean whole);
/* The legend entries of the last layout, and in *more (may be NULL) how many series the
 * "+N more" note stands for (0 when every visible named series has its entry). */
guint bp_chart_get_legend_count (BpChart *self, guint *more);

/* The view in data units. A view set here (or by zooming) stays until reset; the reset view
 * follows the data. */
void bp_chart_set_view (BpChart *self, double x0, double x1, double y0, double y1);
void bp_chart_reset_view (BpChart *self);
/* The view of the last drawing (or layout), in data units. */
void bp_chart_get_view (BpChart *self, double *x0, double *x1, double *y0, double *y1);

/* The rectangle the data are drawn in, in widget coordinates, for a widget of its current
 * size. FALSE when the chart has no size yet. */
gboolean bp_chart_get_plot_area (BpChart *self, graphene_rect_t *out);
/* Widget coordinates of the data point (x, y) in the current view and size. */
gboolean bp_chart_data_to_widget (BpChart *self, double x, double y, double *wx, double *wy);

/* Exports: width x height pixels (points for SVG), the chart as it looks now. */
gboolean bp_chart_export_png (BpChart *self, const char *path, int width, int height,
                              GError **error);
gboolean bp_chart_export_svg (BpChart *self, const char *path, int width, int height,
                              GError **error);
/* Every series' points as "series,x,y,smoothed" lines with a header. */
gboolean bp_chart_export_csv (BpChart *self, const char *path, GError **error);

G_END_DECLS
