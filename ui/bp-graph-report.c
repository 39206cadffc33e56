/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's live shape inference: compile the graph, run the engine's bp_spec_infer, and
 * spread what it says over the blocks. The engine stops at the first bad layer and names it;
 * which layer that was is read from the info array (filled for every layer before it). */
#include "bp-graph-report.h"

#include "data/dataset.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
bp_graph_report_clear (bp_graph_report *r)
{
  bp_spec_free (r->spec);
  memset (r, 0, sizeof *r);
}

static double
act_flops (bp_act act, size_t n)
{
  switch (act)
    {
    case BP_ACT_LINEAR:
      return 0;
    case BP_ACT_RELU:
    case BP_ACT_LEAKY_RELU:
      return (double) n;
    default:
      return 4.0 * (double) n; /* an exp or erf and a few operations around it */
    }
}

double
bp_layer_flops (const bp_layer_spec *ls, bp_shape in, bp_shape out)
{
  double n_in = (double) bp_shape_size (in), n_out = (double) bp_shape_size (out);

  switch (ls->kind)
    {
    case BP_LAYER_DENSE:
      return 2 * n_in * n_out + (ls->u.dense.use_bias ? n_out : 0)
             + act_flops (ls->u.dense.activation, (size_t) n_out);
    case BP_LAYER_CONV2D:
      {
        const bp_conv2d_cfg *c = &ls->u.conv2d;
        double per_out = 2.0 * (in.rank == 3 ? in.dims[0] : 1) * c->kernel_h * c->kernel_w;
        return per_out * n_out + (c->use_bias ? n_out : 0) + act_flops (c->activation,
                                                                        (size_t) n_out);
      }
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D:
      return (double) ls->u.pool.size_h * ls->u.pool.size_w * n_out;
    case BP_LAYER_GLOBAL_AVGPOOL2D:
      return n_in;
    case BP_LAYER_ACTIVATION:
      return act_flops (ls->u.activation.fn, (size_t) n_out);
    case BP_LAYER_DROPOUT:
      return n_out; /* a multiply by the mask in training */
    case BP_LAYER_BATCHNORM:
      return 4 * n_out; /* subtract, divide, scale, shift */
    case BP_LAYER_FLATTEN:
    default:
      return 0;
    }
}

static void
reset_nodes (bp_graph_report *r, const bp_graph *g, const bool *reached)
{
  r->n_nodes = g->n_nodes;
  r->n_loose = 0;
  for (int i = 0; i < g->n_nodes; i++)
    {
      r->nodes[i] = (bp_node_report) { .state = reached[i] ? BP_NODE_UNCHECKED : BP_NODE_LOOSE,
                                       .layer = -1 };
      if (!reached[i])
        {
          snprintf (r->nodes[i].message, sizeof r->nodes[i].message,
                    "not wired to the input: left out of the network");
          r->n_loose++;
        }
    }
}

static void
mark_bad (bp_graph_report *r, const bp_graph *g, int id, const char *message)
{
  int i = bp_graph_index_of (g, id);

  r->bad_id = id;
  snprintf (r->message, sizeof r->message, "%s", message);
  if (i >= 0)
    {
      r->nodes[i].state = BP_NODE_BAD;
      snprintf (r->nodes[i].message, sizeof r->nodes[i].message, "%s", message);
    }
}

void
bp_graph_report_update (bp_graph_report *r, const bp_graph *g)
{
  bool reached[BP_GRAPH_MAX_NODES];
  int order[BP_GRAPH_MAX_NODES], bad_id = 0, failed = -1;
  bp_layer_info info[BP_MAX_LAYERS];
  const bp_graph_node *in = bp_graph_input_node (g);
  char msg[320];
  int in_index;

  bp_spec_free (r->spec);
  r->spec = NULL;
  r->ok = false;
  r->bad_id = 0;
  r->message[0] = '\0';
  r->params = 0;
  r->flops = 0;
  r->values = 0;
  bp_graph_mark_reached (g, reached);
  reset_nodes (r, g, reached);
  if (in == NULL)
    {
      snprintf (r->message, sizeof r->message, "the network has no input block");
      return;
    }
  in_index = (int) (in - g->nodes);
  r->nodes[in_index].state = BP_NODE_OK;
  r->nodes[in_index].out = in->shape;

  r->spec = bp_graph_to_spec (g, order, &bad_id, msg, sizeof msg);
  if (r->spec == NULL)
    {
      mark_bad (r, g, bad_id, msg);
      return;
    }

  for (int l = 0; l < r->spec->n_layers; l++)
    info[l].out.rank = -1; /* not reached by inference */
  if (bp_spec_infer (r->spec, info, msg, sizeof msg) == 0)
    r->ok = true;
  else
    {
      for (int l = 0; l < r->spec->n_layers && failed < 0; l++)
        if (info[l].out.rank < 0)
          failed = l;
      if (failed == 0 && strncmp (msg, "the input shape", 15) == 0)
        {
          mark_bad (r, g, in->id, msg);
          return;
        }
      /* Whole-network checks name the last layer when they are about it (cross_entropy). */
      if (failed < 0 && strstr (msg, "cross_entropy") != NULL)
        failed = r->spec->n_layers - 1;
    }

  r->values = bp_shape_size (in->shape);
  for (int l = 0; l < r->spec->n_layers; l++)
    {
      bp_node_report *nr = &r->nodes[order[l]];

      nr->layer = l;
      if (failed >= 0 && l >= failed)
        continue;
      nr->state = BP_NODE_OK;
      nr->in = info[l].in;
      nr->out = info[l].out;
      nr->n_params = info[l].n_params;
      nr->flops = bp_layer_flops (&r->spec->layers[l], info[l].in, info[l].out);
      r->params += nr->n_params;
      r->flops += nr->flops;
      r->values += bp_shape_size (nr->out);
    }
  if (failed >= 0)
    mark_bad (r, g, g->nodes[order[failed]].id, msg);
  else if (!r->ok)
    mark_bad (r, g, 0, msg); /* the parameter limit, huber's delta: the network as a whole */
}

/* The words the session would refuse the run with at Train, said on every edit instead, on
 * the block to change: the input for the features, the last block for the outputs. */
void
bp_graph_report_check_data (bp_graph_report *r, const bp_graph *g, const bp_dataset *ds)
{
  const bp_graph_node *in = bp_graph_input_node (g);
  const char *data_name = ds->name != NULL ? ds->name : "the dataset";
  char msg[320];
  int last = -1;
  size_t n_in, n_out;

  if (!r->ok || r->spec == NULL || in == NULL || r->spec->n_layers < 1)
    return;
  for (int i = 0; i < r->n_nodes; i++)
    if (r->nodes[i].layer == r->spec->n_layers - 1)
      last = i;
  if (last < 0)
    return;
  n_in = bp_shape_size (in->shape);
  n_out = bp_shape_size (r->nodes[last].out);
  msg[0] = '\0';
  if (n_in != (size_t) ds->n_features)
    {
      snprintf (msg, sizeof msg, "the network takes %zu inputs, but '%s' has %d features; "
                "Fit (Training tab) sets the input from the data", n_in, data_name,
                ds->n_features);
      r->ok = false;
      mark_bad (r, g, in->id, msg);
      return;
    }
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      bool ce = r->spec->loss == BP_LOSS_CROSS_ENTROPY;

      if (ce ? n_out != (size_t) ds->n_classes
             : n_out != (size_t) ds->n_classes && !(n_out == 1 && ds->n_classes == 2))
        snprintf (msg, sizeof msg, "'%s' gives %zu output%s, but %s on %d classes needs %s%d; "
                  "set its units, or Fit (Training tab)", g->nodes[last].layer.name, n_out,
                  n_out == 1 ? "" : "s", bp_loss_name (r->spec->loss), ds->n_classes,
                  ce || ds->n_classes != 2 ? "" : "1 or ", ds->n_classes);
    }
  else if (r->spec->loss == BP_LOSS_CROSS_ENTROPY)
    snprintf (msg, sizeof msg, "cross-entropy needs class labels, but '%s' is a regression "
              "dataset; use mse or huber (Training tab)", data_name);
  else if (n_out != (size_t) ds->n_targets)
    snprintf (msg, sizeof msg, "'%s' gives %zu output%s, but '%s' has %d target%s; set its "
              "units, or Fit (Training tab)", g->nodes[last].layer.name, n_out,
              n_out == 1 ? "" : "s", data_name, ds->n_targets, ds->n_targets == 1 ? "" : "s");
  if (msg[0] != '\0')
    {
      r->ok = false;
      mark_bad (r, g, g->nodes[last].id, msg);
    }
}

size_t
bp_graph_report_memory (const bp_graph_report *r, const bp_optim_cfg *o, int batch_size)
{
  double slots = 0;

  switch (o->kind)
    {
    case BP_OPTIM_SGD:
      slots = o->momentum > 0;
      break;
    case BP_OPTIM_RMSPROP:
      slots = 1 + (o->momentum > 0) + o->centered;
      break;
    case BP_OPTIM_ADAGRAD:
      slots = 1;
      break;
    case BP_OPTIM_ADAM:
    case BP_OPTIM_ADAMW:
    default:
      slots = 2 + o->amsgrad;
      break;
    }
  return (size_t) (4.0 * ((2 + slots) * (double) r->params
                          + 2.0 * (double) (batch_size > 0 ? batch_size : 1) * (double) r->values));
}

char *
bp_format_count (double v, bool compact, char *buf, size_t len)
{
  static const char *units[] = { "", " k", " M", " G", " T" };
  char digits[64];
  size_t n, out = 0;

  if (!isfinite (v) || v < 0)
    {
      snprintf (buf, len, "–");
      return buf;
    }
  if (compact && v >= 10000)
    {
      int u = 0;
      while (v >= 1000 && u < 4)
        v /= 1000, u++;
      snprintf (buf, len, v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v, units[u]);
      return buf;
    }
  snprintf (digits, sizeof digits, "%.0f", v);
  n = strlen (digits);
  for (size_t i = 0; i < n && out + 2 < len; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        buf[out++] = ',';
      buf[out++] = digits[i];
    }
  buf[out] = '\0';
  return buf;
}

char *
bp_format_bytes (double bytes, char *buf, size_t len)
{
  static const char *units[] = { "B", "kB", "MB", "GB", "TB" };
  int u = 0;

  while (bytes >= 1000 && u < 4)
    bytes /= 1000, u++;
  snprintf (buf, len, u == 0 ? "%.0f %s" : bytes < 10 ? "%.2f %s" : bytes < 100 ? "%.1f %s"
                                                                       : "%.0f %s",
            bytes, units[u]);
  return buf;
}
