/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic 2-D datasets. The six Playground sets follow playground/src/dataset.ts step by
 * step (same formulas, same order of random draws), with SplitMix64 in place of Math.random. */
#include "data/synth.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/internal.h"

static const char *const kind_names[BP_SYNTH_N_KINDS] = {
  "circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "moons", "blobs", "spirals",
};

const char *
bp_synth_kind_name (bp_synth_kind kind)
{
  return kind >= 0 && kind < BP_SYNTH_N_KINDS ? kind_names[kind] : "?";
}

int
bp_synth_kind_from_name (const char *name)
{
  for (int k = 0; k < BP_SYNTH_N_KINDS; k++)
    if (strcmp (name, kind_names[k]) == 0)
      return k;
  return -1;
}

/* The Playground's normalRandom: Marsaglia's polar method (s == 0 rejected too: log(0)). */
static double
normal_polar (bp_rng *r, double mean, double variance)
{
  double v1, v2, s;
  do
    {
      v1 = 2 * bp_rng_uniform (r) - 1;
      v2 = 2 * bp_rng_uniform (r) - 1;
      s = v1 * v1 + v2 * v2;
    }
  while (s > 1 || s == 0);
  return mean + sqrt (variance) * (sqrt (-2 * log (s) / s) * v1);
}

static void
put (bp_dataset *ds, size_t i, double x, double y, int label, double target)
{
  ds->x_f32[2 * i] = (float) x;
  ds->x_f32[2 * i + 1] = (float) y;
  if (ds->task == BP_TASK_CLASSIFICATION)
    ds->labels[i] = label;
  else
    ds->targets[i] = (float) target;
}

/* Playground labels are +1 / -1: class 1 / class 0. */
static int
pm (int playground_label)
{
  return playground_label > 0 ? 1 : 0;
}

static void
gen_spiral_arms (bp_dataset *ds, bp_rng *r, size_t n0, size_t n1, double noise)
{
  size_t at = 0;
  for (int s = 0; s < 2; s++)
    {
      const double dt = s ? M_PI : 0.0;
      const size_t half = s ? n1 : n0;
      for (size_t i = 0; i < half; i++, at++)
        {
          double rad = (double) i / (double) half * 5.0;
          double t = 1.75 * (double) i / (double) half * 2.0 * M_PI + dt;
          double x = rad * sin (t) + (bp_rng_uniform (r) * 2.0 - 1.0) * noise;
          double y = rad * cos (t) + (bp_rng_uniform (r) * 2.0 - 1.0) * noise;
          put (ds, at, x, y, s ? 0 : 1, 0);
        }
    }
}

static void
gen_circle (bp_dataset *ds, bp_rng *r, double noise)
{
  const double radius = 5;
  const size_t n = ds->n_rows;
  for (size_t i = 0; i < n; i++)
    {
      /* First half inside (r < 2.5), second half in the ring 3.5..5; the label comes from the
       * noisy position, the point is drawn where it was generated (as the Playground does). */
      bool inside = i < n / 2;
      double rad = inside ? bp_data_uniform (r, 0, radius * 0.5)
                          : bp_data_uniform (r, radius * 0.7, radius);
      double angle = bp_data_uniform (r, 0, 2 * M_PI);
      double x = rad * sin (angle), y = rad * cos (angle);
      double nx = bp_data_uniform (r, -radius, radius) * noise;
      double ny = bp_data_uniform (r, -radius, radius) * noise;
      double d = sqrt ((x + nx) * (x + nx) + (y + ny) * (y + ny));
      put (ds, i, x, y, pm (d < radius * 0.5 ? 1 : -1), 0);
    }
}

static void
gen_xor (bp_dataset *ds, bp_rng *r, double noise)
{
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      const double padding = 0.3;
      double x = bp_data_uniform (r, -5, 5);
      x += x > 0 ? padding : -padding;
      double y = bp_data_uniform (r, -5, 5);
      y += y > 0 ? padding : -padding;
      double nx = bp_data_uniform (r, -5, 5) * noise;
      double ny = bp_data_uniform (r, -5, 5) * noise;
      put (ds, i, x, y, pm ((x + nx) * (y + ny) >= 0 ? 1 : -1), 0);
    }
}

static void
gen_gauss (bp_dataset *ds, bp_rng *r, double noise)
{
  /* Variance grows linearly from 0.5 (no noise) to 4 (noise 0.5). */
  const double variance = 0.5 + noise / 0.5 * 3.5;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      double c = i < ds->n_rows / 2 ? 2 : -2;
      double x = normal_polar (r, c, variance);
      double y = normal_polar (r, c, variance);
      put (ds, i, x, y, pm (c > 0 ? 1 : -1), 0);
    }
}

static void
gen_reg_plane (bp_dataset *ds, bp_rng *r, double noise)
{
  const double radius = 6;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      double x = bp_data_uniform (r, -radius, radius);
      double y = bp_data_uniform (r, -radius, radius);
      double nx = bp_data_uniform (r, -radius, radius) * noise;
      double ny = bp_data_uniform (r, -radius, radius) * noise;
      put (ds, i, x, y, 0, ((x + nx) + (y + ny)) / 10.0); /* [-10, 10] -> [-1, 1] */
    }
}

static double
reg_gauss_label (double x, double y)
{
  static const double g[6][3] = {
    { -4, 2.5, 1 },   { 0, 2.5, -1 }, { 4, 2.5, 1 },
    { -4, -2.5, -1 }, { 0, -2.5, 1 }, { 4, -2.5, -1 },
  };
  double label = 0;
  for (int k = 0; k < 6; k++)
    {
      double d = sqrt ((x - g[k][0]) * (x - g[k][0]) + (y - g[k][1]) * (y - g[k][1]));
      double v = 1.0 - d / 2.0; /* distance [0, 2] -> [1, 0], clamped */
      v = g[k][2] * (v < 0 ? 0 : v > 1 ? 1 : v);
      if (fabs (v) > fabs (label))
        label = v;
    }
  return label;
}

static void
gen_reg_gauss (bp_dataset *ds, bp_rng *r, double noise)
{
  const double radius = 6;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      double x = bp_data_uniform (r, -radius, radius);
      double y = bp_data_uniform (r, -radius, radius);
      double nx = bp_data_uniform (r, -radius, radius) * noise;
      double ny = bp_data_uniform (r, -radius, radius) * noise;
      put (ds, i, x, y, 0, reg_gauss_label (x + nx, y + ny));
    }
}

/* Standard normal by Box-Muller (1 - u keeps log finite), as engine/rng.c does. */
static double
normal (bp_rng *r)
{
  double u1 = 1.0 - bp_rng_uniform (r), u2 = bp_rng_uniform (r);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2);
}

static void
gen_moons (bp_dataset *ds, bp_rng *r, double noise)
{
  /* Two interleaved half circles (sklearn's make_moons shape) centred and scaled by 3 to fill
   * the Playground's +-5 square; noise is the normal jitter in moon radii. */
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      bool outer = i < ds->n_rows / 2;
      double t = bp_data_uniform (r, 0, M_PI);
      double mx = outer ? cos (t) : 1 - cos (t);
      double my = outer ? sin (t) : 0.5 - sin (t);
      mx += normal (r) * noise;
      my += normal (r) * noise;
      put (ds, i, 3 * (mx - 0.5), 3 * (my - 0.25), outer ? 0 : 1, 0);
    }
}

static void
gen_blobs (bp_dataset *ds, bp_rng *r, double noise, int k)
{
  /* k centres evenly on a circle of radius 3.5; the spread grows from 0.5 to 2 with noise. */
  const double sd = 0.5 + noise * 3.0;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      int c = (int) (i * (size_t) k / ds->n_rows);
      double a = 2 * M_PI * c / k + M_PI / 4;
      double x = 3.5 * cos (a) + normal (r) * sd;
      double y = 3.5 * sin (a) + normal (r) * sd;
      put (ds, i, x, y, c, 0);
    }
}

static void
gen_spirals (bp_dataset *ds, bp_rng *r, double noise, int k)
{
  size_t at = 0;
  for (int c = 0; c < k; c++)
    {
      size_t arm = ds->n_rows / (size_t) k + ((size_t) c < ds->n_rows % (size_t) k);
      for (size_t i = 0; i < arm; i++, at++)
        {
          double rad = (double) i / (double) arm * 5.0;
          double t = 1.75 * (double) i / (double) arm * 2.0 * M_PI + 2.0 * M_PI * c / k;
          double x = rad * sin (t) + (bp_rng_uniform (r) * 2.0 - 1.0) * noise;
          double y = rad * cos (t) + (bp_rng_uniform (r) * 2.0 - 1.0) * noise;
          put (ds, at, x, y, c, 0);
        }
    }
}

static bool
is_regression (bp_synth_kind kind)
{
  return kind == BP_SYNTH_REG_PLANE || kind == BP_SYNTH_REG_GAUSS;
}

static bp_dataset *
make (bp_synth_kind kind, size_t n, int k, double noise, uint64_t seed, char *err,
      size_t errlen)
{
  bp_dataset *ds = bp_dataset_new (n, 2, BP_FEATURES_F32,
                                   is_regression (kind) ? BP_TASK_REGRESSION
                                                        : BP_TASK_CLASSIFICATION,
                                   is_regression (kind) ? 1 : k, err, errlen);
  if (ds == NULL)
    return NULL;
  char source[128];
  snprintf (source, sizeof source, "synthetic: %s, %zu points, noise %g %%, seed %llu",
            kind_names[kind], n, noise * 100, (unsigned long long) seed);
  if (bp_dataset_set_text (ds, kind_names[kind], source) != 0)
    {
      bp_dataset_free (ds);
      bp_data_err (err, errlen, "out of memory");
      return NULL;
    }
  return ds;
}

bp_dataset *
bp_synth_two_spirals (size_t n, double noise, uint64_t seed, char *err, size_t errlen)
{
  if (n < 2 || n > BP_SYNTH_MAX_POINTS || !(noise >= 0 && noise <= 10))
    {
      bp_data_err (err, errlen, "spirals: %zu points, noise %g: need 2 to %d points and noise "
                   "in [0, 10]", n, noise, BP_SYNTH_MAX_POINTS);
      return NULL;
    }
  bp_dataset *ds = make (BP_SYNTH_SPIRAL, n / 2 * 2, 2, noise, seed, err, errlen);
  if (ds == NULL)
    return NULL;
  bp_rng r;
  bp_rng_seed (&r, seed);
  gen_spiral_arms (ds, &r, n / 2, n / 2, noise);
  return ds;
}

bp_dataset *
bp_synth_generate (const bp_synth_params *p, char *err, size_t errlen)
{
  const bool multi = p->kind == BP_SYNTH_BLOBS || p->kind == BP_SYNTH_SPIRALS;
  if (p->kind < 0 || p->kind >= BP_SYNTH_N_KINDS)
    {
      bp_data_err (err, errlen, "unknown synthetic dataset %d", (int) p->kind);
      return NULL;
    }
  if (p->n < 2 || p->n > BP_SYNTH_MAX_POINTS)
    {
      bp_data_err (err, errlen, "%s: %zu points: between 2 and %d, please",
                   kind_names[p->kind], p->n, BP_SYNTH_MAX_POINTS);
      return NULL;
    }
  if (!(p->noise >= 0 && p->noise <= 0.5))
    {
      bp_data_err (err, errlen, "%s: noise %g: between 0 and 0.5 (0-50 %%), please",
                   kind_names[p->kind], p->noise);
      return NULL;
    }
  if (multi && (p->k < 2 || p->k > BP_SYNTH_MAX_CLASSES || (size_t) p->k > p->n))
    {
      bp_data_err (err, errlen, "%s: %d classes: between 2 and %d (and no more than the points)",
                   kind_names[p->kind], p->k, BP_SYNTH_MAX_CLASSES);
      return NULL;
    }
  bp_dataset *ds = make (p->kind, p->n, multi ? p->k : 2, p->noise, p->seed, err, errlen);
  if (ds == NULL)
    return NULL;
  bp_rng r;
  bp_rng_seed (&r, p->seed);
  switch (p->kind)
    {
    case BP_SYNTH_CIRCLE: gen_circle (ds, &r, p->noise); break;
    case BP_SYNTH_XOR: gen_xor (ds, &r, p->noise); break;
    case BP_SYNTH_GAUSS: gen_gauss (ds, &r, p->noise); break;
    case BP_SYNTH_SPIRAL: gen_spiral_arms (ds, &r, p->n / 2, p->n - p->n / 2, p->noise); break;
    case BP_SYNTH_REG_PLANE: gen_reg_plane (ds, &r, p->noise); break;
    case BP_SYNTH_REG_GAUSS: gen_reg_gauss (ds, &r, p->noise); break;
    case BP_SYNTH_MOONS: gen_moons (ds, &r, p->noise); break;
    case BP_SYNTH_BLOBS: gen_blobs (ds, &r, p->noise, p->k); break;
    case BP_SYNTH_SPIRALS: gen_spirals (ds, &r, p->noise, p->k); break;
    case BP_SYNTH_N_KINDS: break;
    }
  return ds;
}
