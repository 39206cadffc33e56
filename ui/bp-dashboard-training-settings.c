/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's training settings: good first ones for the data, the network they ask for,
 * and networks in words for the runs table. */
#include "bp-config.h"

#include "bp-dashboard-training-private.h"

#include <string.h>

void
bp_train_settings_defaults (BpTrainSettings *s, const BpDataSource *src)
{
  bp_train_settings_defaults_for (s, src != NULL && src->ds->image_width > 0);
}

void
bp_train_settings_defaults_for (BpTrainSettings *s, gboolean images)
{
  memset (s, 0, sizeof *s);
  s->activation = BP_ACT_RELU;
  s->optimizer = BP_OPTIM_ADAM;
  s->seed = 1;
  if (images)
    {
      s->n_hidden = 2;
      s->hidden[0] = 256;
      s->hidden[1] = 128;
      s->lr = 1e-3;
      s->batch_size = 64;
      s->epochs = 10;
    }
  else
    {
      s->n_hidden = 2;
      s->hidden[0] = 32;
      s->hidden[1] = 16;
      s->lr = 3e-3;
      s->batch_size = 16;
      s->epochs = 100;
    }
}

static int
n_outputs (const bp_dataset *ds)
{
  return ds->task == BP_TASK_CLASSIFICATION ? MAX (ds->n_classes, 2) : ds->n_targets;
}

char *
bp_train_settings_describe (const BpTrainSettings *s, const BpDataSource *src)
{
  GString *out = g_string_new (NULL);

  if (s->conv && src->ds->image_width > 0)
    g_string_append_printf (out, "%s, ", bp_conv_front_describe (src->ds));
  g_string_append_printf (out, "%d", src->ds->n_features);
  for (int i = 0; i < s->n_hidden; i++)
    g_string_append_printf (out, "-%d", s->hidden[i]);
  g_string_append_printf (out, "-%d %s", n_outputs (src->ds), bp_act_name (s->activation));
  return g_string_free (out, FALSE);
}

void
_bp_train_settings_build_spec (const BpTrainSettings *s, const BpDataSource *src, bp_spec *spec,
                               bp_layer_spec *layers)
{
  int front = s->conv ? bp_conv_front_layers (layers, src->ds, s->activation) : 0;

  memset (spec, 0, sizeof *spec);
  for (int i = 0; i <= s->n_hidden; i++)
    {
      bp_layer_spec *ls = &layers[front + i];

      bp_layer_spec_defaults (ls, BP_LAYER_DENSE);
      if (i < s->n_hidden)
        {
          g_snprintf (ls->name, sizeof ls->name, "dense%d", i + 1);
          ls->u.dense.units = s->hidden[i];
          ls->u.dense.activation = s->activation;
        }
      else
        {
          g_strlcpy (ls->name, "output", sizeof ls->name);
          ls->u.dense.units = n_outputs (src->ds);
          ls->u.dense.activation = BP_ACT_LINEAR;
        }
    }
  spec->input = front > 0 ? bp_conv_front_input (src->ds) : bp_shape_vec (src->ds->n_features);
  spec->n_layers = front + s->n_hidden + 1;
  spec->layers = layers;
  spec->loss = src->ds->task == BP_TASK_CLASSIFICATION ? BP_LOSS_CROSS_ENTROPY : BP_LOSS_MSE;
  spec->huber_delta = 1.0f;
  bp_optim_cfg_defaults (&spec->optim, s->optimizer);
  spec->optim.lr = (float) s->lr;
  spec->batch_size = s->batch_size;
  spec->epochs = s->epochs;
  spec->seed = s->seed;
}

guint64
_bp_train_steps_per_epoch (const BpDataSource *src, int batch_size)
{
  return batch_size > 0 ? (src->split.n_train + (guint) batch_size - 1) / (guint) batch_size : 0;
}

int
_bp_train_history_every (const BpDataSource *src, int batch_size)
{
  /* About eight histograms per epoch, and at least one every 50 steps: a histogram of the
   * benchmark MLP's 235 000 parameters costs about what a tenth of a step does. */
  return (int) CLAMP (_bp_train_steps_per_epoch (src, batch_size) / 8, 1, 50);
}

char *
bp_spec_describe_model (const bp_spec *spec)
{
  GString *out = g_string_new (NULL);
  const char *sep = "";
  bp_act act = BP_ACT_LINEAR;
  gboolean dense = FALSE;

  if (spec->input.rank == 3)
    g_string_append_printf (out, "%d×%d×%d", spec->input.dims[0], spec->input.dims[1],
                            spec->input.dims[2]);
  else if (spec->input.rank == 1)
    g_string_append_printf (out, "%d", spec->input.dims[0]);
  for (int i = 0; i < spec->n_layers; i++)
    {
      const bp_layer_spec *ls = &spec->layers[i];

      switch (ls->kind)
        {
        case BP_LAYER_CONV2D:
          g_string_append_printf (out, ", conv %d %d×%d", ls->u.conv2d.filters,
                                  ls->u.conv2d.kernel_h, ls->u.conv2d.kernel_w);
          act = ls->u.conv2d.activation != BP_ACT_LINEAR ? ls->u.conv2d.activation : act;
          break;
        case BP_LAYER_MAXPOOL2D:
        case BP_LAYER_AVGPOOL2D:
          g_string_append_printf (out, ", pool %d×%d", ls->u.pool.size_h, ls->u.pool.size_w);
          break;
        case BP_LAYER_DENSE:
          /* The dense layers as one chain, after what came before: ", 120-84-10". */
          sep = dense ? "-" : spec->input.rank == 1 && i == 0 ? "-" : ", ";
          g_string_append_printf (out, "%s%d", sep, ls->u.dense.units);
          dense = TRUE;
          if (i < spec->n_layers - 1 && ls->u.dense.activation != BP_ACT_LINEAR)
            act = ls->u.dense.activation;
          break;
        case BP_LAYER_ACTIVATION:
          act = ls->u.activation.fn;
          break;
        default:
          break;
        }
    }
  if (act != BP_ACT_LINEAR)
    g_string_append_printf (out, " %s", bp_act_name (act));
  return g_string_free (out, FALSE);
}
