/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by session_snapshot.c (planning a snapshot, its layers, the histogram history,
 * publishing) and session_snapshot_forward.c (the forwards a snapshot runs through the view
 * net: the chosen sample and the plane grids). Engine-internal. */
#pragma once

#include "engine/session_internal.h"

/* What one snapshot holds and how many floats it needs, worked out before filling it. */
typedef struct snapshot_layout {
  int n_layers;
  bool small, sample, grid, neurons;
  int gs, ns;
  size_t hidden; /* units drawn as thumbnails */
  size_t floats;
} snapshot_layout;

/* Hidden layers with a flat output are drawn as per-unit thumbnails over the plane. */
static inline bool
snapshot_thumbnail_layer (bp_session *s, int i)
{
  const bp_layer *L = bp_net_layer (s->net, i);
  return i < bp_net_n_layers (s->net) - 1 && L->out.rank == 1;
}

/* The next n floats of the slot's arena. */
static inline float *
snapshot_carve (float **cursor, size_t n)
{
  float *p = *cursor;
  *cursor += n;
  return p;
}

/* session_snapshot_forward.c */
void bp_session_snapshot_fill_sample (bp_session *s, snapshot_slot *slot,
                                      const snapshot_layout *lo, float **cur);
void bp_session_snapshot_fill_grid (bp_session *s, snapshot_slot *slot,
                                    const snapshot_layout *lo, float **cur);
