/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for test-conv.c and test-conv-net.c: random fills and a finite-difference gradient
 * check of any layer kind (built by test-layer-rig.h) on the loss sum(y * r). */
#pragma once

#include "engine/layer.h"
#include "engine/rng.h"
#include "tests/engine/test-layer-rig.h"

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

/* sum(y * r) of a training forward pass, in double. */
static inline double
tc_loss (test_layer *t, int batch, const float *r)
{
  t->L.ops->forward (&t->L, batch, true);
  double s = 0;
  for (size_t i = 0; i < (size_t) batch * t->L.out_size; i++)
    s += (double) t->L.y[i] * r[i];
  return s;
}

/* d loss / d v[i] by central differences (the actual float step is used). */
static inline double
tc_numeric (test_layer *t, int batch, const float *r, float *v, size_t i)
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
  test_layer t;
  test_layer_make (&t, ls, in, batch);
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
  test_layer_clear (&t);
}
