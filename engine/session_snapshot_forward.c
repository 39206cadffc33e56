/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The forwards a snapshot runs on the trainer thread, through a twin of the network (the view
 * net) so the training net stays compiled for its batch: the chosen sample's activations, the
 * decision grid over the plane and the hidden units' thumbnails. session_snapshot.c plans the
 * snapshot and calls the two fill functions below. */
#include "engine/session_snapshot_private.h"

#include <stdlib.h>
#include <string.h>

#define GRID_CHUNK_ROWS 256

/* ---- the plane ---- */

/* Raw plane points (n, 2) -> network inputs (n, n_inputs): feature map, then scaler. */
int
bp_session_map_plane (bp_session *s, const float *xy, int n, float *out)
{
  int f = s->n_inputs;
  if (s->cfg.plane_map != NULL)
    s->cfg.plane_map (xy, n, out, s->cfg.plane_map_user);
  else
    memcpy (out, xy, sizeof (float) * (size_t) n * 2);
  const bp_scaler *sc = s->scaler;
  if (sc != NULL && sc->n_features == f)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < f; j++)
        out[(size_t) i * f + j] = (out[(size_t) i * f + j] - sc->shift[j]) * sc->scale[j];
  return 0;
}

/* The inputs for every cell of a size x size grid over the plane, row 0 at the bottom. */
static float *
plane_inputs (bp_session *s, int size)
{
  size_t cells = (size_t) size * size;
  float *x = malloc (sizeof (float) * cells * (size_t) s->n_inputs);
  float xy[2 * GRID_CHUNK_ROWS];
  float *tmp = malloc (sizeof (float) * GRID_CHUNK_ROWS * (size_t) s->n_inputs);
  if (x == NULL || tmp == NULL)
    {
      free (x);
      free (tmp);
      return NULL;
    }
  const float *p = s->plane;
  for (size_t at = 0; at < cells; at += GRID_CHUNK_ROWS)
    {
      int k = (int) (cells - at < GRID_CHUNK_ROWS ? cells - at : GRID_CHUNK_ROWS);
      for (int c = 0; c < k; c++)
        {
          size_t cell = at + (size_t) c;
          int i = (int) (cell / (size_t) size), j = (int) (cell % (size_t) size);
          xy[2 * c] = p[0] + ((float) j + 0.5f) * (p[1] - p[0]) / (float) size;
          xy[2 * c + 1] = p[2] + ((float) i + 0.5f) * (p[3] - p[2]) / (float) size;
        }
      bp_session_map_plane (s, xy, k, tmp);
      memcpy (x + at * (size_t) s->n_inputs, tmp, sizeof (float) * (size_t) k * s->n_inputs);
    }
  free (tmp);
  return x;
}

/* ---- forwards through the view net ---- */

/* The network's twin for snapshot forwards (grids, the chosen sample): compiled once for
 * GRID_CHUNK_ROWS rows, given the current parameters and buffers before each use, so the
 * training net stays compiled for its batch alone. NULL when memory is short. */
static bp_net *
view_net (bp_session *s)
{
  if (s->view_net == NULL)
    {
      char err[128];
      s->view_net = bp_net_create (s->spec, err, sizeof err);
      if (s->view_net == NULL)
        return NULL;
      if (bp_net_compile (s->view_net, GRID_CHUNK_ROWS, err, sizeof err) != 0)
        {
          bp_net_free (s->view_net);
          s->view_net = NULL;
          return NULL;
        }
    }
  memcpy (bp_net_params (s->view_net), bp_net_params (s->net),
          bp_net_param_count (s->net) * sizeof (float));
  for (int i = 0; i < bp_net_n_layers (s->net); i++)
    {
      bp_layer *a = bp_net_layer (s->net, i), *b = bp_net_layer (s->view_net, i);
      memcpy (b->buffers, a->buffers, a->n_buffers * sizeof (float));
    }
  return s->view_net;
}

void
bp_session_snapshot_fill_sample (bp_session *s, snapshot_slot *slot, const snapshot_layout *lo,
                                 float **cur)
{
  bp_snapshot *sn = &slot->snap;
  sn->sample_row = lo->sample ? s->sample_row : -1;
  sn->sample_input = sn->sample_output = NULL;
  sn->sample_n_inputs = s->n_inputs;
  sn->sample_label = -1;
  if (!lo->sample)
    return;
  bp_net *vn = view_net (s);
  if (vn == NULL)
    return;
  uint32_t row = (uint32_t) s->sample_row;
  bp_session_gather (s, &row, 1);
  float *in = snapshot_carve (cur, (size_t) s->n_inputs);
  memcpy (in, s->bx, sizeof (float) * (size_t) s->n_inputs);
  const float *y = bp_net_predict (vn, s->bx, 1, true);
  float *out = snapshot_carve (cur, (size_t) s->n_outputs);
  memcpy (out, y, sizeof (float) * (size_t) s->n_outputs);
  for (int i = 0; i < lo->n_layers; i++)
    {
      size_t n = bp_net_layer (vn, i)->out_size;
      float *o = snapshot_carve (cur, n);
      memcpy (o, bp_net_layer_output (vn, i), n * sizeof (float));
      slot->layers[i].sample_output = o;
    }
  sn->sample_input = in;
  sn->sample_output = out;
  sn->sample_label = s->classification ? s->ds->labels[row] : -1;
}

static bool
ensure_plane (bp_session *s, float **x, int *have, int size)
{
  if (*x != NULL && *have == size)
    return true;
  free (*x);
  *x = plane_inputs (s, size);
  *have = *x != NULL ? size : 0;
  return *x != NULL;
}

void
bp_session_snapshot_fill_grid (bp_session *s, snapshot_slot *slot, const snapshot_layout *lo,
                               float **cur)
{
  bp_grid_snapshot *g = &slot->snap.grid;
  memset (g, 0, sizeof *g);
  g->x_min = s->plane[0];
  g->x_max = s->plane[1];
  g->y_min = s->plane[2];
  g->y_max = s->plane[3];
  g->n_outputs = s->n_outputs;
  g->n_inputs = s->n_inputs;
  const int chunk = GRID_CHUNK_ROWS;
  bp_net *vn = lo->grid || lo->neurons ? view_net (s) : NULL;
  if (vn == NULL)
    return;
  if (lo->grid && ensure_plane (s, &s->grid_x, &s->grid_x_size, lo->gs))
    {
      size_t cells = (size_t) lo->gs * lo->gs, k_out = (size_t) s->n_outputs;
      float *v = snapshot_carve (cur, cells * k_out);
      for (size_t at = 0; at < cells; at += (size_t) chunk)
        {
          int k = (int) (cells - at < (size_t) chunk ? cells - at : (size_t) chunk);
          const float *y = bp_net_predict (vn, s->grid_x + at * (size_t) s->n_inputs, k, true);
          memcpy (v + at * k_out, y, sizeof (float) * (size_t) k * k_out);
        }
      g->valid = true;
      g->size = lo->gs;
      g->values = v;
    }
  if (!lo->neurons || !ensure_plane (s, &s->ngrid_x, &s->ngrid_x_size, lo->ns))
    return;
  size_t cells = (size_t) lo->ns * lo->ns;
  int f = s->n_inputs;
  float *in = snapshot_carve (cur, cells * (size_t) f);
  for (size_t c = 0; c < cells; c++)
    for (int j = 0; j < f; j++)
      in[(size_t) j * cells + c] = s->ngrid_x[c * (size_t) f + j];
  g->neuron_size = lo->ns;
  g->input_values = in;
  for (int i = 0; i < lo->n_layers; i++)
    slot->neuron_ptrs[i] = NULL;
  g->neuron_values = slot->neuron_ptrs;
  if (lo->hidden == 0)
    return;
  float *base[BP_MAX_LAYERS] = { 0 };
  for (int i = 0; i < lo->n_layers; i++)
    if (snapshot_thumbnail_layer (s, i))
      base[i] = snapshot_carve (cur, cells * bp_net_layer (s->net, i)->out_size);
  for (size_t at = 0; at < cells; at += (size_t) chunk)
    {
      int k = (int) (cells - at < (size_t) chunk ? cells - at : (size_t) chunk);
      bp_net_predict (vn, s->ngrid_x + at * (size_t) f, k, false);
      for (int i = 0; i < lo->n_layers; i++)
        if (base[i] != NULL)
          {
            size_t u_n = bp_net_layer (vn, i)->out_size;
            const float *y = bp_net_layer_output (vn, i);
            for (int r = 0; r < k; r++)
              for (size_t u = 0; u < u_n; u++)
                base[i][u * cells + at + (size_t) r] = y[(size_t) r * u_n + u];
          }
    }
  for (int i = 0; i < lo->n_layers; i++)
    slot->neuron_ptrs[i] = base[i];
}
