/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-conv-panel-private.h"

#include "bp-data-explorer-images.h"

#define DRAW_DELAY_MS 50 /* a drawing's maps follow the mouse at most 20 times a second */
#define THUMB_PX 44

enum { INPUT_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpConvPanel, bp_conv_panel, GTK_TYPE_WIDGET)

gboolean
bp_spec_has_conv (const bp_spec *spec)
{
  if (spec == NULL)
    return FALSE;
  for (int i = 0; i < spec->n_layers; i++)
    if (spec->layers[i].kind == BP_LAYER_CONV2D)
      return TRUE;
  return FALSE;
}

/* ---- the drawing pad ---- */

static gboolean
draw_later (gpointer user_data)
{
  BpConvPanel *self = user_data;

  self->draw_source = 0;
  if (self->drawing)
    _bp_conv_panel_show_drawing (self);
  return G_SOURCE_REMOVE;
}

static gboolean
pad_has_ink (BpConvPanel *self)
{
  const float *p = bp_draw_pad_get_pixels (self->draw_pad);

  for (int i = 0; i < BP_DRAW_PAD_SIZE * BP_DRAW_PAD_SIZE; i++)
    if (p[i] > 0)
      return TRUE;
  return FALSE;
}

static void
on_pad_changed (BpDrawPad *pad, BpConvPanel *self)
{
  gboolean was = self->drawing;

  self->drawing = pad_has_ink (self);
  if (self->drawing)
    {
      gtk_flow_box_unselect_all (self->sample_box);
      if (self->draw_source == 0)
        self->draw_source = g_timeout_add (DRAW_DELAY_MS, draw_later, self);
    }
  else if (was)
    bp_conv_panel_set_row (self, self->row);
  if (was != self->drawing)
    g_signal_emit (self, signals[INPUT_CHANGED], 0);
}

static void
on_clear_clicked (GtkButton *button, BpConvPanel *self)
{
  bp_draw_pad_clear (self->draw_pad);
}

/* ---- the strip of test images ---- */

static void
on_child_activated (GtkFlowBox *box, GtkFlowBoxChild *child, BpConvPanel *self)
{
  int i = gtk_flow_box_child_get_index (child);

  if (i >= 0 && i < (int) self->strip_rows->len)
    bp_conv_panel_set_row (self, g_array_index (self->strip_rows, gint64, i));
}

static void
fill_strip (BpConvPanel *self)
{
  const bp_dataset *ds = self->src != NULL ? self->src->ds : NULL;
  const bp_split *sp;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sample_box))) != NULL)
    gtk_flow_box_remove (self->sample_box, child);
  g_array_set_size (self->strip_rows, 0);
  self->part = NULL;
  self->n_part = 0;
  if (ds == NULL || ds->image_width <= 0 || ds->task != BP_TASK_CLASSIFICATION)
    return;
  sp = &self->src->split;
  self->part = sp->n_test > 0 ? sp->test : sp->n_val > 0 ? sp->val : sp->train;
  self->n_part = sp->n_test > 0 ? sp->n_test : sp->n_val > 0 ? sp->n_val : sp->n_train;
  self->rows_name = sp->n_test > 0 ? "test" : sp->n_val > 0 ? "validation" : "training";
  /* One image of each class, the first of each in the split's order. */
  for (int c = 0; c < MIN (ds->n_classes, 20); c++)
    for (guint32 i = 0; i < self->n_part; i++)
      {
        gint64 row = self->part[i];
        int scale = MAX (1, THUMB_PX / MAX (ds->image_width, 1));
        g_autoptr (GdkTexture) tex = NULL;
        GtkWidget *pic;
        g_autofree char *tip = NULL;

        if (ds->labels[row] != c)
          continue;
        tex = bp_dataset_row_texture (ds, (size_t) row, scale);
        pic = gtk_picture_new_for_paintable (GDK_PAINTABLE (tex));
        gtk_picture_set_can_shrink (GTK_PICTURE (pic), TRUE);
        gtk_widget_set_size_request (pic, THUMB_PX, THUMB_PX);
        tip = g_strdup_printf ("%s (%s image %u)", ds->class_names[c], self->rows_name, i + 1);
        gtk_widget_set_tooltip_text (pic, tip);
        gtk_flow_box_append (self->sample_box, pic);
        g_array_append_val (self->strip_rows, row);
        break;
      }
}

/* ---- GObject ---- */

static void
bp_conv_panel_dispose (GObject *object)
{
  BpConvPanel *self = BP_CONV_PANEL (object);

  g_clear_handle_id (&self->draw_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_CONV_PANEL);
  g_clear_pointer (&self->model, bp_model_view_unref);
  g_clear_pointer (&self->src, bp_data_source_unref);
  g_clear_pointer (&self->spec, bp_spec_free);
  G_OBJECT_CLASS (bp_conv_panel_parent_class)->dispose (object);
}

static void
bp_conv_panel_finalize (GObject *object)
{
  g_array_unref (BP_CONV_PANEL (object)->strip_rows);
  G_OBJECT_CLASS (bp_conv_panel_parent_class)->finalize (object);
}

static void
bp_conv_panel_class_init (BpConvPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_conv_panel_dispose;
  object_class->finalize = bp_conv_panel_finalize;

  /* The input changed: another row was picked, or a drawing began or was cleared. */
  signals[INPUT_CHANGED] = g_signal_new ("input-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (BP_TYPE_DRAW_PAD);
  g_type_ensure (BP_TYPE_FILTER_VIEW);
  g_type_ensure (BP_TYPE_FEATURE_MAPS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-conv-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, BpConvPanel, name)
  BIND (root);
  BIND (sample_box);
  BIND (pad_box);
  BIND (draw_pad);
  BIND (clear_button);
  BIND (input_label);
  BIND (filters_title);
  BIND (filters_label);
  BIND (filter_view);
  BIND (empty_label);
  BIND (feature_maps);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "convpanel");
}

static void
bp_conv_panel_init (BpConvPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->strip_rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->row = -1;
  self->rows_name = "test";
  g_signal_connect (self->sample_box, "child-activated", G_CALLBACK (on_child_activated), self);
  g_signal_connect (self->draw_pad, "changed", G_CALLBACK (on_pad_changed), self);
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (on_clear_clicked), self);
}

/* ---- public API ---- */

GtkWidget *
bp_conv_panel_new (void)
{
  return g_object_new (BP_TYPE_CONV_PANEL, NULL);
}

void
bp_conv_panel_set_network (BpConvPanel *self, BpDataSource *src, const bp_spec *spec)
{
  g_return_if_fail (BP_IS_CONV_PANEL (self));

  g_clear_pointer (&self->spec, bp_spec_free);
  if (spec != NULL)
    self->spec = bp_spec_copy (spec);
  if (src != self->src)
    {
      g_clear_pointer (&self->src, bp_data_source_unref);
      if (src != NULL)
        self->src = bp_data_source_ref (src);
      fill_strip (self);
    }
  gtk_widget_set_visible (self->pad_box, self->src != NULL && bp_data_source_is_28x28 (self->src)
                                           && !self->no_drawing);
  g_clear_pointer (&self->model, bp_model_view_unref);
  bp_filter_view_clear (self->filter_view);
  bp_feature_maps_clear (self->feature_maps);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), TRUE);
  gtk_label_set_text (self->input_label, "");
  if (self->drawing)
    bp_draw_pad_clear (self->draw_pad);
  bp_conv_panel_set_row (self, self->strip_rows->len > 0
                                 ? g_array_index (self->strip_rows, gint64, 0) : -1);
}

gint64
bp_conv_panel_get_row (BpConvPanel *self)
{
  g_return_val_if_fail (BP_IS_CONV_PANEL (self), -1);
  return self->drawing ? -1 : self->row;
}

void
bp_conv_panel_set_row (BpConvPanel *self, gint64 row)
{
  gboolean changed;

  g_return_if_fail (BP_IS_CONV_PANEL (self));

  changed = row != self->row || self->drawing;
  self->row = row;
  gtk_flow_box_unselect_all (self->sample_box);
  for (guint i = 0; i < self->strip_rows->len; i++)
    if (g_array_index (self->strip_rows, gint64, i) == row)
      gtk_flow_box_select_child (self->sample_box,
                                 gtk_flow_box_get_child_at_index (self->sample_box, (int) i));
  if (self->drawing)
    {
      /* Picking an image ends the drawing. */
      self->drawing = FALSE;
      g_signal_handlers_block_by_func (self->draw_pad, on_pad_changed, self);
      bp_draw_pad_clear (self->draw_pad);
      g_signal_handlers_unblock_by_func (self->draw_pad, on_pad_changed, self);
    }
  if (changed)
    g_signal_emit (self, signals[INPUT_CHANGED], 0);
}

void
bp_conv_panel_set_model (BpConvPanel *self, BpModelView *model)
{
  g_return_if_fail (BP_IS_CONV_PANEL (self));

  if (model == self->model)
    return;
  g_clear_pointer (&self->model, bp_model_view_unref);
  if (model != NULL)
    self->model = bp_model_view_ref (model);
  if (self->drawing)
    _bp_conv_panel_show_drawing (self);
}

BpFilterView *
bp_conv_panel_get_filter_view (BpConvPanel *self)
{
  g_return_val_if_fail (BP_IS_CONV_PANEL (self), NULL);
  return self->filter_view;
}

BpFeatureMaps *
bp_conv_panel_get_feature_maps (BpConvPanel *self)
{
  g_return_val_if_fail (BP_IS_CONV_PANEL (self), NULL);
  return self->feature_maps;
}

BpDrawPad *
bp_conv_panel_get_draw_pad (BpConvPanel *self)
{
  g_return_val_if_fail (BP_IS_CONV_PANEL (self), NULL);
  return self->draw_pad;
}

const char *
bp_conv_panel_get_input_text (BpConvPanel *self)
{
  g_return_val_if_fail (BP_IS_CONV_PANEL (self), NULL);
  return gtk_label_get_text (self->input_label);
}

void
bp_conv_panel_set_drawing_allowed (BpConvPanel *self, gboolean allowed)
{
  g_return_if_fail (BP_IS_CONV_PANEL (self));
  self->no_drawing = !allowed;
  if (!allowed)
    gtk_widget_set_visible (self->pad_box, FALSE);
}
