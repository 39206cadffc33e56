/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Weight initializers with Keras's names and formulas, drawn from the caller's generator. */
#include "engine/init.h"

#include <math.h>
#include <string.h>

static const char *const init_names[BP_INIT_COUNT] = {
  [BP_INIT_DEFAULT] = "default",
  [BP_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [BP_INIT_GLOROT_NORMAL] = "glorot_normal",
  [BP_INIT_HE_UNIFORM] = "he_uniform",
  [BP_INIT_HE_NORMAL] = "he_normal",
  [BP_INIT_LECUN_UNIFORM] = "lecun_uniform",
  [BP_INIT_LECUN_NORMAL] = "lecun_normal",
  [BP_INIT_ZEROS] = "zeros",
  [BP_INIT_CONSTANT] = "constant",
  [BP_INIT_UNIFORM] = "uniform",
};

bool
bp_init_from_name (const char *name, bp_init_kind *out)
{
  if (name == NULL)
    return false;
  for (int i = 0; i < BP_INIT_COUNT; i++)
    if (strcmp (name, init_names[i]) == 0)
      {
        *out = (bp_init_kind) i;
        return true;
      }
  return false;
}

const char *
bp_init_name (bp_init_kind kind)
{
  if ((int) kind < 0 || kind >= BP_INIT_COUNT)
    return "unknown";
  return init_names[kind];
}

static void
fill_uniform (float *w, size_t n, double lo, double hi, bp_rng *rng)
{
  for (size_t i = 0; i < n; i++)
    w[i] = (float) (lo + (hi - lo) * bp_rng_uniform (rng));
}

static void
fill_normal (float *w, size_t n, double stddev, bp_rng *rng)
{
  for (size_t i = 0; i < n; i++)
    w[i] = (float) (stddev * bp_rng_normal (rng));
}

void
bp_init_fill (const bp_init *init, float *w, size_t n, int fan_in, int fan_out, bp_rng *rng)
{
  /* A layer with no inputs (fan 0) would divide by zero; it has no weights to speak of, so
   * any finite bound will do and 1 keeps the formulas finite. */
  double fi = fan_in > 0 ? (double) fan_in : 1.0;
  double fo = fan_out > 0 ? (double) fan_out : 1.0;
  double bound;

  switch (init->kind)
    {
    case BP_INIT_DEFAULT:
      bound = 1.0 / sqrt (fi);
      fill_uniform (w, n, -bound, bound, rng);
      break;
    case BP_INIT_GLOROT_UNIFORM:
      bound = sqrt (6.0 / (fi + fo));
      fill_uniform (w, n, -bound, bound, rng);
      break;
    case BP_INIT_GLOROT_NORMAL:
      fill_normal (w, n, sqrt (2.0 / (fi + fo)), rng);
      break;
    case BP_INIT_HE_UNIFORM:
      bound = sqrt (6.0 / fi);
      fill_uniform (w, n, -bound, bound, rng);
      break;
    case BP_INIT_HE_NORMAL:
      fill_normal (w, n, sqrt (2.0 / fi), rng);
      break;
    case BP_INIT_LECUN_UNIFORM:
      bound = sqrt (3.0 / fi);
      fill_uniform (w, n, -bound, bound, rng);
      break;
    case BP_INIT_LECUN_NORMAL:
      fill_normal (w, n, sqrt (1.0 / fi), rng);
      break;
    case BP_INIT_CONSTANT:
      for (size_t i = 0; i < n; i++)
        w[i] = init->a;
      break;
    case BP_INIT_UNIFORM:
      fill_uniform (w, n, init->a, init->b, rng);
      break;
    case BP_INIT_ZEROS:
    case BP_INIT_COUNT:
    default:
      memset (w, 0, n * sizeof *w);
      break;
    }
}
