/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to the engine: four-float vectors (GCC's vector extension, one SSE register) for
 * the hot loops of blas.c and activation.c. The project builds at -O2, where GCC's vectoriser
 * gives up on loops of unknown length; written with these types the loops are SIMD anyway,
 * on any x86-64 and on other targets GCC lowers them for. Loads and stores go through memcpy:
 * no alignment is assumed. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef float bp_v4f __attribute__ ((vector_size (16)));
typedef int32_t bp_v4i __attribute__ ((vector_size (16)));

static inline bp_v4f
bp_v4f_load (const float *p)
{
  bp_v4f v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
bp_v4f_store (float *p, bp_v4f v)
{
  memcpy (p, &v, sizeof v);
}

/* The first n < 4 floats of p, zeros after. */
static inline bp_v4f
bp_v4f_load_part (const float *p, size_t n)
{
  bp_v4f v = { 0.0f, 0.0f, 0.0f, 0.0f };
  memcpy (&v, p, n * sizeof (float));
  return v;
}

static inline void
bp_v4f_store_part (float *p, bp_v4f v, size_t n)
{
  memcpy (p, &v, n * sizeof (float));
}

static inline bp_v4f
bp_v4f_splat (float a)
{
  return (bp_v4f) { a, a, a, a };
}

/* mask ? a : b lane by lane, mask from a vector comparison (all ones or all zeros); C has no
 * vector ?: operator. */
static inline bp_v4f
bp_v4f_select (bp_v4i mask, bp_v4f a, bp_v4f b)
{
  return (bp_v4f) ((mask & (bp_v4i) a) | (~mask & (bp_v4i) b));
}

static inline bp_v4f
bp_v4f_abs (bp_v4f x)
{
  return (bp_v4f) ((bp_v4i) x & 0x7fffffff);
}

/* e^y lane by lane, within 2 ulp of the true value over the whole float range (checked against
 * double exp in tests/engine/test-activation.c); NaN stays NaN, overflow saturates at e^88.72
 * (the callers never need more), underflow goes through the subnormals to 0.
 * y = n ln2 + r with |r| <= ln2/2 (ln2 split in two so n * ln2_hi is exact), e^r from its
 * Taylor polynomial of degree 7 (remainder below 1e-8), and 2^n assembled from two exponent
 * fields so that n down to -150 stays representable. */
static inline bp_v4f
bp_v4f_exp (bp_v4f y)
{
  const float hi = 88.72f, lo = -104.0f;
  /* written so that a NaN compares false and passes through */
  y = bp_v4f_select (y > hi, bp_v4f_splat (hi), y);
  y = bp_v4f_select (y < lo, bp_v4f_splat (lo), y);
  /* round y / ln2 to the nearest integer: adding 1.5 * 2^23 leaves no fraction bits */
  const float shifter = 12582912.0f;
  bp_v4f nf = (y * 1.44269504088896341f + shifter) - shifter;
  nf = bp_v4f_select (nf == nf, nf, bp_v4f_splat (0.0f)); /* no NaN into the int conversion */
  bp_v4f r = y - nf * 0.693145751953125f;
  r = r - nf * 1.42860682030941723212e-6f;
  bp_v4f p = bp_v4f_splat (1.0f / 5040.0f);
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  bp_v4i n = __builtin_convertvector (nf, bp_v4i);
  bp_v4i n1 = n >> 1, n2 = n - n1;
  bp_v4f s1 = (bp_v4f) ((n1 + 127) << 23), s2 = (bp_v4f) ((n2 + 127) << 23);
  return p * s1 * s2;
}
