/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for test-conv.c and test-conv-net.c: one layer with buffers of its own (scratch
 * filled with NaN so nothing may read it before writing), and a finite-difference gradient
 * check of any layer kind on the loss sum(y * r). */
#pragma once

#include "engine/layer.h"
#include "engine/rng.h"

#include <glib.h>
#include <math.h>
#include <string.h>

typedef bp_rng tc_rng;

/* Uniform in [-scale, scale]. */
static inline void
tc_fill (tc_rng *rng, float *v, size_t n, float scale)
{
  for (size_t i = 0; i < n; i++)
    v[i] = (float) ((2.0 * bp_rng_uniform (rng) - 1.0) * scale);
}

static inline float *
tc_random (tc_rng *rng, size_t n, float scale)
{
  float *v = g_new (float, n > 0 ? n : 1);
  tc_fill (rng, v, n, scale);
  return v;
}

static inline void
tc_fill_nan (float *v, size_t n)
{
  memset (v, 0xff, n * sizeof *v);
}

typedef struct tc_layer {
  bp_layer_spec spec;
  bp_layer L;
  float *x;  /* (batch, in_size), owned; L.x starts pointing here */
  float *dx; /* (batch, in_size), owned; L.dx starts pointing here */
  size_t scratch_n;
} tc_layer;

/* Builds a layer of spec ls for input shape in and `batch` rows, with its own x, y, dy, dx,
 * scratch, parameters (initialised from seed 1) and buffers. Inference must succeed. */
static inline void
tc_layer_make (tc_layer *t, const bp_layer_spec *ls, bp_shape in, int batch)
{
  memset (t, 0, sizeof *t);
  t->spec = *ls;
  bp_layer *L = &t->L;
  L->ops = bp_layer_ops_for (ls->kind);
  g_assert_nonnull (L->ops);
  L->spec = &t->spec;
  L->in = in;
  char err[256] = "";
  size_t n_params = 0, n_buffers = 0;
  if (L->ops->infer (&t->spec, in, &L->out, &n_params, &n_buffers, err, sizeof err) < 0)
    g_error ("infer failed: %s", err);
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
  t->scratch_n = L->ops->scratch_size (L, batch);
  L->scratch = g_new (float, t->scratch_n + 1);
  tc_fill_nan (L->scratch, t->scratch_n + 1);
  bp_rng rng;
  bp_rng_seed (&rng, 1);
  L->ops->init (L, &rng);
}

static inline void
tc_layer_clear (tc_layer *t)
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

/* sum(y * r) of a training forward pass, in double. */
static inline double
tc_loss (tc_layer *t, int batch, const float *r)
{
  t->L.ops->forward (&t->L, batch, true);
  double s = 0;
  for (size_t i = 0; i < (size_t) batch * t->L.out_size; i++)
    s += (double) t->L.y[i] * r[i];
  return s;
}

/* d loss / d v[i] by central differences (the actual float step is used). */
static inline double
tc_numeric (tc_layer *t, int batch, const float *r, float *v, size_t i)
{
  const float eps = 1e-2f;
  float keep = v[i];
  float up = keep + eps, down = keep - eps;
  v[i] = up;
  double lp = tc_loss (t, batch, r);
  v[i] = down;
  double lm = tc_loss (t, batch, r);
  v[i] = keep;
  return (lp - lm) / ((double) up - (double) down);
}

static inline void
tc_compare (const char *kind, const char *what, size_t i, double analytic, double numeric)
{
  double tol = 2e-4 + 2e-3 * fabs (numeric);
  if (!(fabs (analytic - numeric) <= tol))
    g_error ("%s: d loss / d %s[%zu]: backward gives %.6g, finite differences %.6g", kind,
             what, i, analytic, numeric);
}

/* Checks every parameter gradient and every x_step-th input gradient of a layer against finite
 * differences. The gradient buffers start at 1 so that backward must add (+=), not assign.
 * distinct: inputs are a shuffled ramp with steps of 0.05 (max pooling: no nudge of 0.01 can
 * change which input wins a window). */
static inline void
tc_gradcheck (const bp_layer_spec *ls, bp_shape in, int batch, uint64_t seed, bool distinct,
              size_t x_step)
{
  tc_layer t;
  tc_layer_make (&t, ls, in, batch);
  bp_layer *L = &t.L;
  const char *kind = bp_layer_kind_name (ls->kind);
  tc_rng rng = { seed };
  size_t nx = (size_t) batch * L->in_size, ny = (size_t) batch * L->out_size;
  if (distinct)
    {
      for (size_t i = 0; i < nx; i++)
        t.x[i] = 0.05f * (float) i - 0.025f * (float) nx;
      for (size_t i = nx; i > 1; i--)
        {
          size_t j = bp_rng_below (&rng, i);
          float tmp = t.x[i - 1];
          t.x[i - 1] = t.x[j];
          t.x[j] = tmp;
        }
    }
  else
    tc_fill (&rng, t.x, nx, 1.0f);
  float *r = tc_random (&rng, ny, 1.0f);

  for (size_t i = 0; i < L->n_params; i++)
    L->grads[i] = 1.0f;
  for (size_t i = 0; i < nx; i++)
    L->dx[i] = 1.0f;
  L->ops->forward (L, batch, true);
  memcpy (L->dy, r, ny * sizeof *r);
  L->ops->backward (L, batch);
  /* backward leaves dy alone: the network may look at it afterwards */
  g_assert_cmpmem (L->dy, ny * sizeof *r, r, ny * sizeof *r);

  for (size_t i = 0; i < L->n_params; i++)
    tc_compare (kind, "param", i, (double) L->grads[i] - 1.0, tc_numeric (&t, batch, r,
                                                                           L->params, i));
  for (size_t i = 0; i < nx; i += x_step)
    tc_compare (kind, "x", i, (double) L->dx[i] - 1.0, tc_numeric (&t, batch, r, t.x, i));
  g_free (r);
  tc_layer_clear (&t);
}
