/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the Convolutions part shows: the first conv layer's filters and a picked test image's
 * feature maps from a snapshot, or a drawing's through the dashboard's copy of the network;
 * what the network says of the picture; the layers described in words. */
#include "bp-config.h"

#include "bp-conv-panel-private.h"

#include "engine/eval.h"
#include "engine/layer.h"

#include <math.h>
#include <string.h>

/* ---- words ---- */

static const char *
act_label (bp_act act)
{
  switch (act)
    {
    case BP_ACT_RELU:
      return "ReLU";
    case BP_ACT_LEAKY_RELU:
      return "leaky ReLU";
    case BP_ACT_GELU:
      return "GELU";
    case BP_ACT_ELU:
      return "ELU";
    default:
      return bp_act_name (act);
    }
}

/* What layer i of the network does, in a few words ("5×5 filters, ReLU"), or NULL. */
static char *
layer_detail (BpConvPanel *self, int i)
{
  const bp_layer_spec *ls;

  if (self->spec == NULL || i < 0 || i >= self->spec->n_layers)
    return NULL;
  ls = &self->spec->layers[i];
  switch (ls->kind)
    {
    case BP_LAYER_CONV2D:
      {
        const bp_conv2d_cfg *c = &ls->u.conv2d;

        return g_strdup_printf ("%d×%d filters%s%s%s", c->kernel_h, c->kernel_w,
                                c->stride_h > 1 || c->stride_w > 1 ? ", stride 2" : "",
                                c->activation != BP_ACT_LINEAR ? ", " : "",
                                c->activation != BP_ACT_LINEAR ? act_label (c->activation) : "");
      }
    case BP_LAYER_MAXPOOL2D:
      return g_strdup_printf ("the largest value of each %d×%d block", ls->u.pool.size_h,
                              ls->u.pool.size_w);
    case BP_LAYER_AVGPOOL2D:
      return g_strdup_printf ("the mean of each %d×%d block", ls->u.pool.size_h,
                              ls->u.pool.size_w);
    case BP_LAYER_BATCHNORM:
      return g_strdup ("batch normalisation");
    case BP_LAYER_ACTIVATION:
      return g_strdup (act_label (ls->u.activation.fn));
    default:
      return NULL;
    }
}

/* Layers whose output is a stack of maps worth drawing. */
static gboolean
map_kind (bp_layer_kind kind)
{
  return kind == BP_LAYER_CONV2D || kind == BP_LAYER_MAXPOOL2D || kind == BP_LAYER_AVGPOOL2D
         || kind == BP_LAYER_BATCHNORM || kind == BP_LAYER_ACTIVATION;
}

static const char *
class_name (BpConvPanel *self, int c)
{
  const bp_dataset *ds = self->src != NULL ? self->src->ds : NULL;

  return ds != NULL && c >= 0 && c < ds->n_classes ? ds->class_names[c] : "?";
}

/* "The network says Trouser, 97 % sure": from probabilities (n). */
static void
append_prediction (BpConvPanel *self, GString *s, const float *probs, int n)
{
  int best;
  g_autofree char *name = NULL;

  if (probs == NULL || n < 2)
    return;
  best = bp_eval_predicted_class (probs, n);
  name = g_markup_escape_text (class_name (self, best), -1);
  g_string_append_printf (s, " says <b>%s</b>, %.0f %% sure", name, 100.0 * probs[best]);
}

static gint64
part_index (BpConvPanel *self, gint64 row)
{
  for (guint32 i = 0; i < self->n_part; i++)
    if (self->part[i] == row)
      return i;
  return -1;
}

/* ---- the feature maps of a picked row, from a snapshot ---- */

static void
show_filters (BpConvPanel *self, const bp_snapshot *sn)
{
  for (int i = 0; i < sn->n_layers; i++)
    {
      const bp_layer_snapshot *ls = &sn->layers[i];
      const int *d = ls->kernel_dims;
      const char *per = d[1] == 1   ? ""
                        : d[1] == 3 ? " per colour channel"
                                    : ", averaged over the input channels";
      g_autofree char *title = NULL, *text = NULL;

      if (ls->kernel == NULL)
        continue;
      bp_filter_view_set_kernels (self->filter_view, ls->name, ls->kernel, ls->kernel_bias, d[0],
                                  d[1], d[2], d[3]);
      title = g_strdup_printf ("Filters of %s", ls->name);
      if (d[0] == 1)
        text = g_strdup_printf ("What %s looks for: a pattern of %d×%d weights%s (step %'"
                                G_GUINT64_FORMAT "). It makes the map of %s.",
                                ls->name, d[2], d[3], per, sn->step, ls->name);
      else
        text = g_strdup_printf ("What %s looks for: %d patterns of %d×%d weights%s (step %'"
                                G_GUINT64_FORMAT "); filter k makes map k.",
                                ls->name, d[0], d[2], d[3], per, sn->step);
      gtk_label_set_text (self->filters_title, title);
      gtk_label_set_text (self->filters_label, text);
      return;
    }
  bp_filter_view_clear (self->filter_view);
}

static void
show_maps (BpConvPanel *self, const float *input, const BpFeatureLayer *layers, int n)
{
  const bp_dataset *ds = self->src->ds;

  bp_feature_maps_set_input (self->feature_maps, self->drawing ? "Your drawing" : "Input", input,
                             ds->image_channels, ds->image_height, ds->image_width);
  bp_feature_maps_set_layers (self->feature_maps, layers, n);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
}

void
bp_conv_panel_show_snapshot (BpConvPanel *self, const bp_snapshot *sn)
{
  const bp_dataset *ds;
  BpFeatureLayer layers[BP_MAX_LAYERS];
  char *details[BP_MAX_LAYERS];
  int n = 0;
  g_autoptr (GString) text = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (BP_IS_CONV_PANEL (self));
  g_return_if_fail (sn != NULL);

  show_filters (self, sn);
  ds = self->src != NULL ? self->src->ds : NULL;
  if (self->drawing || ds == NULL || sn->sample_row < 0 || sn->sample_row != self->row
      || sn->sample_input == NULL
      || (gsize) sn->sample_n_inputs
           != (gsize) ds->image_channels * ds->image_height * ds->image_width)
    return;
  for (int i = 0; i < sn->n_layers && n < BP_MAX_LAYERS; i++)
    {
      const bp_layer_snapshot *ls = &sn->layers[i];

      if (!map_kind (ls->kind) || ls->out_shape.rank != 3 || ls->sample_output == NULL)
        continue;
      details[n] = layer_detail (self, i);
      layers[n] = (BpFeatureLayer) { ls->name, details[n], ls->out_shape.dims[0],
                                     ls->out_shape.dims[1], ls->out_shape.dims[2],
                                     ls->sample_output };
      n++;
    }
  show_maps (self, sn->sample_input, layers, n);
  for (int i = 0; i < n; i++)
    g_free (details[i]);

  text = g_string_new (NULL);
  label = g_markup_escape_text (class_name (self, sn->sample_label), -1);
  g_string_append_printf (text, "%c%s image %" G_GINT64_FORMAT ", a <b>%s</b>.\nAt step %'"
                          G_GUINT64_FORMAT " the network",
                          g_ascii_toupper (self->rows_name[0]), self->rows_name + 1,
                          part_index (self, self->row) + 1, label, sn->step);
  append_prediction (self, text, sn->sample_output, ds->task == BP_TASK_CLASSIFICATION
                                                      ? ds->n_classes : 0);
  if (sn->sample_output != NULL && ds->task == BP_TASK_CLASSIFICATION && ds->n_classes >= 2)
    g_string_append (text, bp_eval_predicted_class (sn->sample_output, ds->n_classes)
                               == sn->sample_label
                             ? ": right."
                             : ": wrong.");
  else
    g_string_append (text, ".");
  gtk_label_set_markup (self->input_label, text->str);
}

/* ---- the feature maps of a drawing, from a copy of the network ---- */

void
_bp_conv_panel_show_drawing (BpConvPanel *self)
{
  const bp_dataset *ds = self->src != NULL ? self->src->ds : NULL;
  const bp_scaler *scaler;
  bp_net *net;
  g_autofree float *x = NULL;
  const float *probs;
  BpFeatureLayer layers[BP_MAX_LAYERS];
  char *details[BP_MAX_LAYERS];
  int n = 0;
  g_autoptr (GString) text = g_string_new ("Your drawing.\n");

  if (ds == NULL || !bp_data_source_is_28x28 (self->src))
    return;
  if (self->model == NULL || self->model->net == NULL || !bp_spec_has_conv (self->model->spec))
    {
      show_maps (self, bp_draw_pad_get_pixels (self->draw_pad), NULL, 0);
      g_string_append (text, "Its maps come with the next copy of the network (when training "
                             "pauses, or every few seconds).");
      gtk_label_set_markup (self->input_label, text->str);
      return;
    }
  net = self->model->net;
  scaler = bp_data_source_get_scaler (self->src);
  x = g_memdup2 (bp_draw_pad_get_pixels (self->draw_pad), sizeof (float) * ds->n_features);
  if (scaler != NULL)
    for (int j = 0; j < ds->n_features; j++)
      x[j] = (x[j] - scaler->shift[j]) * scaler->scale[j];
  probs = bp_net_predict (net, x, 1, TRUE);
  if (probs == NULL)
    return;
  g_string_append_printf (text, "The copy of the network from step %'" G_GUINT64_FORMAT,
                          self->model->step);
  append_prediction (self, text, probs, self->model->n_outputs);
  g_string_append (text, ".");
  for (int i = 0; i < bp_net_n_layers (net) && n < BP_MAX_LAYERS; i++)
    {
      const bp_layer *L = bp_net_layer (net, i);

      if (!map_kind (L->spec->kind) || L->out.rank != 3)
        continue;
      details[n] = layer_detail (self, i);
      layers[n] = (BpFeatureLayer) { L->spec->name, details[n], L->out.dims[0], L->out.dims[1],
                                     L->out.dims[2], bp_net_layer_output (net, i) };
      n++;
    }
  show_maps (self, x, layers, n);
  for (int i = 0; i < n; i++)
    g_free (details[i]);
  gtk_label_set_markup (self->input_label, text->str);
}

