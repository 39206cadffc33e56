/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-chart-private.h"

#include <math.h>

enum {
  PROP_0,
  PROP_SMOOTHING,
  PROP_LOG_X,
  PROP_LOG_Y,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpChart, bp_chart, GTK_TYPE_WIDGET)

BpChartSeries *
_bp_chart_find (BpChart *self, guint id)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, i);

      if (s->id == id)
        return s;
    }
  return NULL;
}

double
_bp_chart_axis_x (BpChart *self, double x)
{
  return !self->log_x ? x : x > 0 ? log10 (x) : NAN;
}

double
_bp_chart_axis_y (BpChart *self, double y)
{
  return !self->log_y ? y : y > 0 ? log10 (y) : NAN;
}

void
_bp_chart_invalidate (BpChart *self, gboolean frame)
{
  g_clear_pointer (&self->curves_node, gsk_render_node_unref);
  self->curves_from = -INFINITY;
  if (frame)
    {
      g_clear_pointer (&self->frame_node, gsk_render_node_unref);
      self->geo.valid = FALSE;
    }
  else if (!self->user_x || !self->user_y || self->geo.empty)
    {
      /* New data may move an automatic view; the next drawing lays out again and keeps the
       * frame if its ticks did not move (see auto_x: they rarely do). The first data also
       * take the "No data yet" off a view set before them. */
      self->layout_stale = TRUE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_chart_invalidate_from (BpChart *self, double from_ax)
{
  double from = self->curves_from;

  _bp_chart_invalidate (self, FALSE);
  self->curves_from = MIN (from, isnan (from_ax) ? -INFINITY : from_ax);
}

/* ---- GObject ---- */

static void
bp_chart_dispose (GObject *object)
{
  BpChart *self = BP_CHART (object);

  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_node, gsk_render_node_unref);
  g_clear_pointer (&self->curves_surface, cairo_surface_destroy);
  g_clear_pointer (&self->curve_tiles, g_ptr_array_unref);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_chart_parent_class)->dispose (object);
}

static void
bp_chart_finalize (GObject *object)
{
  BpChart *self = BP_CHART (object);

  g_ptr_array_unref (self->series);
  g_hash_table_unref (self->text_sizes);
  g_free (self->title);
  g_free (self->x_label);
  g_array_unref (self->legend);
  G_OBJECT_CLASS (bp_chart_parent_class)->finalize (object);
}

static void
bp_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpChart *self = BP_CHART (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING: g_value_set_double (value, self->smoothing); break;
    case PROP_LOG_X: g_value_set_boolean (value, self->log_x); break;
    case PROP_LOG_Y: g_value_set_boolean (value, self->log_y); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BpChart *self = BP_CHART (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING: bp_chart_set_smoothing (self, g_value_get_double (value)); break;
    case PROP_LOG_X: bp_chart_set_log_x (self, g_value_get_boolean (value)); break;
    case PROP_LOG_Y: bp_chart_set_log_y (self, g_value_get_boolean (value)); break;
    case PROP_TITLE: bp_chart_set_title (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_chart_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BpChart *self = BP_CHART (widget);

  /* Containers reallocate on every resize of a neighbour: only a new size drops the caches. */
  if (width != self->geo.width || height != self->geo.height)
    _bp_chart_invalidate (self, TRUE);
}

static void
bp_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                  int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 110;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 240;
}

static void
bp_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bp_chart_parent_class)->css_changed (widget, change);
  g_hash_table_remove_all (BP_CHART (widget)->text_sizes); /* the font may have changed */
  BP_CHART (widget)->title_w = -1;
  _bp_chart_invalidate (BP_CHART (widget), TRUE);
}

static void
bp_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  _bp_chart_snapshot (widget, snapshot);
  _bp_chart_snapshot_focus (widget, snapshot);
}

/* The focus ring comes and goes with the state; the cached picture stays. */
static void
bp_chart_state_flags_changed (GtkWidget *widget, GtkStateFlags previous)
{
  GtkStateFlags now = gtk_widget_get_state_flags (widget);

  GTK_WIDGET_CLASS (bp_chart_parent_class)->state_flags_changed (widget, previous);
  if ((now ^ previous) & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);
}

static void
bp_chart_class_init (BpChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_chart_dispose;
  object_class->finalize = bp_chart_finalize;
  object_class->get_property = bp_chart_get_property;
  object_class->set_property = bp_chart_set_property;
  widget_class->snapshot = bp_chart_snapshot;
  widget_class->state_flags_changed = bp_chart_state_flags_changed;
  widget_class->size_allocate = bp_chart_size_allocate;
  widget_class->measure = bp_chart_measure;
  widget_class->css_changed = bp_chart_css_changed;

  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, 0.999, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_X] =
    g_param_spec_boolean ("log-x", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _bp_chart_class_init_actions (widget_class);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
bp_chart_init (BpChart *self)
{
  self->series = g_ptr_array_new_with_free_func (_bp_chart_series_free);
  self->text_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->next_id = 1;
  self->x_floor_lo = self->x_floor_hi = NAN;
  self->y_floor_lo = self->y_floor_hi = NAN;
  self->y_bound_lo = self->y_bound_hi = NAN;
  self->title_w = -1;
  self->legend = g_array_new (FALSE, FALSE, sizeof (BpChartLegendSlot));
  self->curves_from = -INFINITY;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  _bp_chart_init_input (self);
}

/* ---- public API ---- */

GtkWidget *
bp_chart_new (void)
{
  return g_object_new (BP_TYPE_CHART, NULL);
}

void
bp_chart_set_smoothing (BpChart *self, double weight)
{
  g_return_if_fail (BP_IS_CHART (self));

  weight = CLAMP (weight, 0, 0.999);
  if (self->smoothing == weight)
    return;
  self->smoothing = weight;
  for (guint i = 0; i < self->series->len; i++)
    _bp_chart_series_resmooth (g_ptr_array_index (self->series, i), weight);
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

double
bp_chart_get_smoothing (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), 0);
  return self->smoothing;
}

void
bp_chart_set_log_x (BpChart *self, gboolean log_x)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (self->log_x == !!log_x)
    return;
  self->log_x = !!log_x;
  self->user_x = FALSE; /* a view in the other space means nothing here */
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_X]);
}

gboolean
bp_chart_get_log_x (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  return self->log_x;
}

void
bp_chart_set_log_y (BpChart *self, gboolean log_y)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (self->log_y == !!log_y)
    return;
  self->log_y = !!log_y;
  self->user_y = FALSE;
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

gboolean
bp_chart_get_log_y (BpChart *self)
{
  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  return self->log_y;
}

void
bp_chart_set_title (BpChart *self, const char *title)
{
  g_return_if_fail (BP_IS_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  self->title_w = -1;
  _bp_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
bp_chart_move_series_before (BpChart *self, guint id, guint before_id)
{
  guint from = G_MAXUINT, to = G_MAXUINT;
  gpointer s;

  g_return_if_fail (BP_IS_CHART (self));

  for (guint i = 0; i < self->series->len; i++)
    {
      guint sid = ((BpChartSeries *) g_ptr_array_index (self->series, i))->id;

      if (sid == id)
        from = i;
      else if (sid == before_id)
        to = i;
    }
  if (from == G_MAXUINT || to == G_MAXUINT || from + 1 == to)
    return;
  s = g_ptr_array_steal_index (self->series, from);
  g_ptr_array_insert (self->series, from < to ? (int) to - 1 : (int) to, s);
  _bp_chart_invalidate (self, TRUE);
}
