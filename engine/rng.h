/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SplitMix64: the one random number generator of the engine. Every consumer owns its
 * own state (no global RNG), so one seed decides a run and two sessions never interfere. */
#pragma once

#include <stdint.h>

typedef struct bp_rng {
  uint64_t state;
} bp_rng;

static inline void
bp_rng_seed (bp_rng *r, uint64_t seed)
{
  r->state = seed;
}

static inline uint64_t
bp_rng_next (bp_rng *r)
{
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits (same as the W4 peers). */
static inline double
bp_rng_uniform (bp_rng *r)
{
  return (double) (bp_rng_next (r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n): plain modulo, as the W4 peers' Fisher-Yates does. */
static inline uint64_t
bp_rng_below (bp_rng *r, uint64_t n)
{
  return bp_rng_next (r) % n;
}

/* Standard normal (Box-Muller, one value per call). */
double bp_rng_normal (bp_rng *r);

/* Fisher-Yates shuffle of idx[0..n) with j = next % (i + 1), i from n-1 down to 1 (the W4
 * peers' order). Inline so that data/, which does not link the engine, shuffles the same way:
 * one seed means one order everywhere. */
static inline void
bp_rng_shuffle_u32 (bp_rng *r, uint32_t *idx, uint32_t n)
{
  if (n < 2)
    return;
  for (uint32_t i = n - 1; i > 0; i--)
    {
      uint32_t j = (uint32_t) (bp_rng_next (r) % ((uint64_t) i + 1));
      uint32_t t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
}
