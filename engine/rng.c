/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of the SplitMix64 generator that are too large to inline. */
#include "engine/rng.h"

#include <math.h>

double
bp_rng_normal (bp_rng *r)
{
  /* Box-Muller, keeping only the cosine branch: one value per call keeps the state a single
   * 64-bit word (no cached second value), so a run is reproducible from the seed alone.
   * 1 - u lies in (0, 1], which keeps log() finite. */
  double u1 = 1.0 - bp_rng_uniform (r);
  double u2 = bp_rng_uniform (r);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * M_PI * u2);
}
