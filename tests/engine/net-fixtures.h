/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for the network tests: specs built by hand, and the W4 two-spirals set. */
#pragma once

#include "engine/net.h"
#include "engine/rng.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A spec of n_layers (to be filled by the spec_* helpers below); bp_spec_free releases it. */
static inline bp_spec *
spec_new (int in, bp_loss_kind loss, bp_optim_kind optim, int n_layers)
{
  bp_spec *s = calloc (1, sizeof *s);
  s->input = bp_shape_vec (in);
  s->n_layers = n_layers;
  s->layers = calloc ((size_t) n_layers, sizeof *s->layers);
  s->loss = loss;
  s->huber_delta = 1.0f;
  bp_optim_cfg_defaults (&s->optim, optim);
  s->batch_size = 32;
  s->epochs = 10;
  s->seed = 1;
  return s;
}

static inline void
spec_dense (bp_spec *s, int i, int units, bp_act act)
{
  bp_layer_spec *ls = &s->layers[i];
  bp_layer_spec_defaults (ls, BP_LAYER_DENSE);
  snprintf (ls->name, sizeof ls->name, "dense_%d", i + 1);
  ls->u.dense.units = units;
  ls->u.dense.activation = act;
}

static inline void
spec_activation (bp_spec *s, int i, bp_act fn)
{
  bp_layer_spec *ls = &s->layers[i];
  bp_layer_spec_defaults (ls, BP_LAYER_ACTIVATION);
  snprintf (ls->name, sizeof ls->name, "activation_%d", i + 1);
  ls->u.activation.fn = fn;
}

static inline void
spec_dropout (bp_spec *s, int i, float rate)
{
  bp_layer_spec *ls = &s->layers[i];
  bp_layer_spec_defaults (ls, BP_LAYER_DROPOUT);
  snprintf (ls->name, sizeof ls->name, "dropout_%d", i + 1);
  ls->u.dropout.rate = rate;
}

/* in - hidden (tanh) - hidden (tanh) - 1, BCE on logits: the W4 shape. */
static inline bp_spec *
spec_tiny (int hidden, bp_optim_kind optim, float lr)
{
  bp_spec *s = spec_new (2, BP_LOSS_BCE_LOGITS, optim, 3);
  spec_dense (s, 0, hidden, BP_ACT_TANH);
  spec_dense (s, 1, hidden, BP_ACT_TANH);
  spec_dense (s, 2, 1, BP_ACT_LINEAR);
  s->optim.lr = lr;
  s->batch_size = 10;
  return s;
}

static inline bp_net *
net_new (const bp_spec *s)
{
  char err[256] = "";
  bp_net *net = bp_net_create (s, err, sizeof err);
  if (net == NULL)
    g_error ("bp_net_create: %s", err);
  return net;
}

/* TF-Playground's classifySpiralData as WORKLOADS.md W4 gives it: 2 * 250 points, noise
 * 0.1, label 1 for the first spiral; x (500, 2), t (500). */
#define SPIRAL_N 500
static inline void
spirals (uint64_t seed, float *x, float *t)
{
  bp_rng r;
  bp_rng_seed (&r, seed);
  int k = 0;
  for (int s = 0; s < 2; s++)
    for (int i = 0; i < SPIRAL_N / 2; i++, k++)
      {
        double radius = (double) i / 250.0 * 5.0;
        double angle = 1.75 * (double) i / 250.0 * 2.0 * M_PI + (s == 0 ? 0.0 : M_PI);
        double ux = bp_rng_uniform (&r);
        double uy = bp_rng_uniform (&r);
        x[2 * k] = (float) (radius * sin (angle) + (2 * ux - 1) * 0.1);
        x[2 * k + 1] = (float) (radius * cos (angle) + (2 * uy - 1) * 0.1);
        t[k] = s == 0 ? 1.0f : 0.0f;
      }
}

static inline gboolean
all_finite (const float *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}
