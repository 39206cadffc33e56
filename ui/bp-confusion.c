/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-confusion.h"

#include "bp-palette.h"

#include <math.h>

#define LABEL_W 110.0 /* row labels: "9 Ankle boot" */
#define HEAD_H 34.0   /* "Predicted" and the column indices */

struct _BpConfusion {
  GtkWidget parent_instance;

  gint64 *cm;
  double *shown; /* normalised as asked */
  int k;
  char **names;
  bp_cm_norm norm;
  int sel_t, sel_p;
  GskRenderNode *node;
  int node_w, node_h;
};

enum { PROP_0, PROP_NORMALIZE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CELL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpConfusion, bp_confusion, GTK_TYPE_WIDGET)

static void
invalidate (BpConfusion *self)
{
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
renormalize (BpConfusion *self)
{
  g_free (self->shown);
  self->shown = NULL;
  if (self->cm == NULL)
    return;
  self->shown = g_new (double, (gsize) self->k * self->k);
  bp_eval_confusion_normalize (self->cm, self->k, self->norm, self->shown);
}

/* The square grid, as large as fits. */
static graphene_rect_t
grid_area (BpConfusion *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_W - 8;
  double h = gtk_widget_get_height (GTK_WIDGET (self)) - HEAD_H - 4;
  double side = MAX (MIN (w, h), 10);

  return GRAPHENE_RECT_INIT ((float) LABEL_W, (float) HEAD_H, (float) side, (float) side);
}

static void
text_at (GtkSnapshot *snapshot, GtkWidget *widget, const char *text, double cx, double cy,
         const GdkRGBA *c, double align, double scale, gboolean bold)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  int w, h;

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) (cx - w * align),
                                                          (float) (cy - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, c);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_content (BpConfusion *self, GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  graphene_rect_t g = grid_area (self);
  double cell = g.size.width / self->k, top = 0;
  GdkRGBA fg, dim;
  gboolean dark;

  bp_palette_widget_fg (widget, &fg);
  dark = fg.red > 0.5f;
  dim = (GdkRGBA) { fg.red, fg.green, fg.blue, 0.65f };
  for (gsize i = 0; i < (gsize) self->k * self->k; i++)
    top = MAX (top, self->shown[i]);
  text_at (snapshot, widget, "predicted →", g.origin.x + g.size.width / 2, 8, &dim, 0.5, 0.85,
           FALSE);
  text_at (snapshot, widget, "true ↓", LABEL_W - 6, 8, &dim, 1, 0.85, FALSE);
  for (int t = 0; t < self->k; t++)
    {
      char idx[16];
      g_autofree char *label = NULL;

      g_snprintf (idx, sizeof idx, "%d", t);
      text_at (snapshot, widget, idx, g.origin.x + (t + 0.5) * cell, HEAD_H - 9, &dim, 0.5, 0.8,
               FALSE);
      /* Digits are their own names: "3", not "3 3". */
      label = self->names == NULL || g_strcmp0 (self->names[t], idx) == 0
                ? g_strdup (idx)
                : g_strdup_printf ("%d %s", t, self->names[t]);
      text_at (snapshot, widget, label, LABEL_W - 6, g.origin.y + (t + 0.5) * cell, &dim, 1,
               cell < 16 ? 0.7 : 0.8, FALSE);
      for (int p = 0; p < self->k; p++)
        {
          double v = self->shown[(gsize) t * self->k + p], s = top > 0 ? v / top : 0;
          /* Diagonal cells in blue (right), the others in orange (mistakes). */
          GdkRGBA base, c;
          graphene_rect_t r = GRAPHENE_RECT_INIT ((float) (g.origin.x + p * cell),
                                                  (float) (g.origin.y + t * cell),
                                                  (float) cell - 1, (float) cell - 1);

          bp_palette_signed_color (t == p ? 1 : -1, dark, &base);
          c = (GdkRGBA) { base.red, base.green, base.blue, (float) (0.06 + 0.94 * sqrt (s)) };
          gtk_snapshot_append_color (snapshot, &c, &r);
          if (cell >= 26)
            {
              char buf[32];

              if (self->norm == BP_CM_COUNTS)
                g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, self->cm[(gsize) t * self->k + p]);
              else
                g_snprintf (buf, sizeof buf, "%.0f", 100 * v);
              text_at (snapshot, widget, buf, r.origin.x + r.size.width / 2,
                       r.origin.y + r.size.height / 2,
                       s > 0.5 ? &(GdkRGBA) { 1, 1, 1, 1 } : &fg, 0.5, cell < 40 ? 0.7 : 0.85,
                       t == p);
            }
        }
    }
}

static void
bp_confusion_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpConfusion *self = BP_CONFUSION (widget);
  graphene_rect_t r;

  if (self->cm == NULL || gtk_widget_get_width (widget) <= 0)
    return;
  if (self->node != NULL && (self->node_w != gtk_widget_get_width (widget)
                             || self->node_h != gtk_widget_get_height (widget)))
    g_clear_pointer (&self->node, gsk_render_node_unref);
  if (self->node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();

      snapshot_content (self, sub);
      self->node = gtk_snapshot_free_to_node (sub);
      self->node_w = gtk_widget_get_width (widget);
      self->node_h = gtk_widget_get_height (widget);
    }
  gtk_snapshot_append_node (snapshot, self->node);
  if (bp_confusion_cell_rect (self, self->sel_t, self->sel_p, &r))
    {
      GdkRGBA fg;
      GskRoundedRect rr;

      bp_palette_widget_fg (widget, &fg);
      gsk_rounded_rect_init_from_rect (&rr, &r, 0);
      gtk_snapshot_append_border (snapshot, &rr, (float[]) { 2, 2, 2, 2 },
                                  (GdkRGBA[]) { fg, fg, fg, fg });
    }
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, BpConfusion *self)
{
  int t, p;

  if (!bp_confusion_cell_at (self, x, y, &t, &p))
    return;
  bp_confusion_set_selected (self, t, p);
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, t, p);
}


static void
bp_confusion_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? (int) LABEL_W + 120 : (int) HEAD_H + 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? (int) LABEL_W + 400 : (int) HEAD_H + 400;
}

static void
bp_confusion_dispose (GObject *object)
{
  g_clear_pointer (&BP_CONFUSION (object)->node, gsk_render_node_unref);
  G_OBJECT_CLASS (bp_confusion_parent_class)->dispose (object);
}

static void
bp_confusion_finalize (GObject *object)
{
  BpConfusion *self = BP_CONFUSION (object);

  g_free (self->cm);
  g_free (self->shown);
  g_strfreev (self->names);
  G_OBJECT_CLASS (bp_confusion_parent_class)->finalize (object);
}

static void
bp_confusion_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  if (prop_id == PROP_NORMALIZE)
    g_value_set_int (value, BP_CONFUSION (object)->norm);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_confusion_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  if (prop_id == PROP_NORMALIZE)
    bp_confusion_set_normalize (BP_CONFUSION (object), g_value_get_int (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
bp_confusion_class_init (BpConfusionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_confusion_dispose;
  object_class->finalize = bp_confusion_finalize;
  object_class->get_property = bp_confusion_get_property;
  object_class->set_property = bp_confusion_set_property;
  widget_class->snapshot = bp_confusion_snapshot;
  widget_class->measure = bp_confusion_measure;

  properties[PROP_NORMALIZE] =
    g_param_spec_int ("normalize", NULL, NULL, BP_CM_COUNTS, BP_CM_NORM_ALL, BP_CM_COUNTS,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[CELL_ACTIVATED] = g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_INT, G_TYPE_INT);
  gtk_widget_class_set_css_name (widget_class, "confusion");
}

static void
bp_confusion_init (BpConfusion *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->sel_t = self->sel_p = -1;
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bp_confusion_new (void)
{
  return g_object_new (BP_TYPE_CONFUSION, NULL);
}

void
bp_confusion_set_matrix (BpConfusion *self, const gint64 *cm, int k, const char *const *names)
{
  g_return_if_fail (BP_IS_CONFUSION (self));

  g_clear_pointer (&self->cm, g_free);
  g_clear_pointer (&self->names, g_strfreev);
  self->k = 0;
  if (cm != NULL && k > 0)
    {
      self->k = k;
      self->cm = g_memdup2 (cm, sizeof (gint64) * (gsize) k * k);
      if (names != NULL)
        {
          self->names = g_new0 (char *, k + 1);
          for (int i = 0; i < k; i++)
            self->names[i] = g_strdup (names[i]);
        }
    }
  renormalize (self);
  invalidate (self);
}

void
bp_confusion_set_normalize (BpConfusion *self, bp_cm_norm how)
{
  g_return_if_fail (BP_IS_CONFUSION (self));

  if (self->norm == how)
    return;
  self->norm = how;
  renormalize (self);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NORMALIZE]);
}

bp_cm_norm
bp_confusion_get_normalize (BpConfusion *self)
{
  g_return_val_if_fail (BP_IS_CONFUSION (self), BP_CM_COUNTS);
  return self->norm;
}

void
bp_confusion_set_selected (BpConfusion *self, int true_class, int pred_class)
{
  g_return_if_fail (BP_IS_CONFUSION (self));
  self->sel_t = true_class;
  self->sel_p = pred_class;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
bp_confusion_get_value (BpConfusion *self, int true_class, int pred_class)
{
  g_return_val_if_fail (BP_IS_CONFUSION (self), NAN);
  if (self->shown == NULL || true_class < 0 || pred_class < 0 || true_class >= self->k
      || pred_class >= self->k)
    return NAN;
  return self->shown[(gsize) true_class * self->k + pred_class];
}

gboolean
bp_confusion_cell_rect (BpConfusion *self, int true_class, int pred_class,
                        graphene_rect_t *out)
{
  graphene_rect_t g;
  double cell;

  g_return_val_if_fail (BP_IS_CONFUSION (self), FALSE);
  if (self->cm == NULL || true_class < 0 || pred_class < 0 || true_class >= self->k
      || pred_class >= self->k)
    return FALSE;
  g = grid_area (self);
  cell = g.size.width / self->k;
  *out = GRAPHENE_RECT_INIT ((float) (g.origin.x + pred_class * cell),
                             (float) (g.origin.y + true_class * cell), (float) cell - 1,
                             (float) cell - 1);
  return TRUE;
}

gboolean
bp_confusion_cell_at (BpConfusion *self, double x, double y, int *true_class, int *pred_class)
{
  graphene_rect_t g;

  g_return_val_if_fail (BP_IS_CONFUSION (self), FALSE);
  if (self->cm == NULL)
    return FALSE;
  g = grid_area (self);
  if (x < g.origin.x || y < g.origin.y || x >= g.origin.x + g.size.width
      || y >= g.origin.y + g.size.height)
    return FALSE;
  *pred_class = MIN ((int) ((x - g.origin.x) / g.size.width * self->k), self->k - 1);
  *true_class = MIN ((int) ((y - g.origin.y) / g.size.height * self->k), self->k - 1);
  return TRUE;
}
