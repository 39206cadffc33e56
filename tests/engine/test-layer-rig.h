/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One layer outside any network, with every buffer allocated by the test: what the layer
 * tests (test-layers.c, test-gradcheck.c, test-conv*.c) drive by hand. Parameters are
 * initialised from seed 1 by the layer's own initializer; x, y, dx, dy, gradients and buffers
 * start at zero; scratch starts as NaN so a layer that reads scratch before writing it fails
 * loudly instead of passing on stale zeros. */
#pragma once

#include "engine/layer.h"
#include "engine/rng.h"

#include <glib.h>
#include <string.h>

typedef struct test_layer {
  bp_layer_spec spec; /* L.spec points here */
  bp_layer L;
  bp_rng rng;         /* the layer's generator (dropout masks), seeded 1; L.rng points here */
  float *x;           /* (batch, in_size), owned; L.x starts pointing here */
  float *dx;          /* (batch, in_size), owned; L.dx starts pointing here */
  size_t scratch_n;
} test_layer;

static inline void
test_layer_fill_nan (float *v, size_t n)
{
  memset (v, 0xff, n * sizeof *v);
}

/* Builds a layer of spec ls for input shape in and `batch` rows. Shape inference must accept
 * it. The struct must not move afterwards (L points into it). */
static inline void
test_layer_make (test_layer *t, const bp_layer_spec *ls, bp_shape in, int batch)
{
  char err[256] = "";
  size_t n_params = 0, n_buffers = 0;
  bp_layer *L = &t->L;

  memset (t, 0, sizeof *t);
  t->spec = *ls;
  L->ops = bp_layer_ops_for (ls->kind);
  g_assert_nonnull (L->ops);
  L->spec = &t->spec;
  L->in = in;
  if (L->ops->infer (&t->spec, in, &L->out, &n_params, &n_buffers, err, sizeof err) != 0)
    g_error ("infer refused a good layer: %s", err);
  L->in_size = bp_shape_size (in);
  L->out_size = bp_shape_size (L->out);
  L->n_params = n_params;
  L->n_buffers = n_buffers;
  L->params = g_new0 (float, n_params + 1);
  L->grads = g_new0 (float, n_params + 1);
  L->buffers = g_new0 (float, n_buffers + 1);
  t->x = g_new0 (float, (size_t) batch * L->in_size);
  L->x = t->x;
  L->y = g_new0 (float, (size_t) batch * L->out_size);
  L->dy = g_new0 (float, (size_t) batch * L->out_size);
  t->dx = g_new0 (float, (size_t) batch * L->in_size);
  L->dx = t->dx;
  t->scratch_n = L->ops->scratch_size != NULL ? L->ops->scratch_size (L, batch) : 0;
  L->scratch = g_new (float, t->scratch_n + 1);
  test_layer_fill_nan (L->scratch, t->scratch_n + 1);
  bp_rng_seed (&t->rng, 1);
  L->rng = &t->rng;
  L->dropout_rate = ls->kind == BP_LAYER_DROPOUT ? ls->u.dropout.rate : 0.0f;

  bp_rng init;
  bp_rng_seed (&init, 1);
  if (L->ops->init != NULL)
    L->ops->init (L, &init);
}

static inline void
test_layer_clear (test_layer *t)
{
  g_free (t->L.params);
  g_free (t->L.grads);
  g_free (t->L.buffers);
  g_free (t->x);
  g_free (t->L.y);
  g_free (t->L.dy);
  g_free (t->dx);
  g_free (t->L.scratch);
}
