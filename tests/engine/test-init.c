/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Initializers (statistics of 100k draws against the Keras formulas, bounds, determinism,
 * names), the random number generator (SplitMix64 known answers, Box-Muller, Fisher-Yates
 * against a Python transcription of the same algorithm) and shape printing. */
#include "engine/init.h"
#include "engine/shape.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define N_DRAWS 100000

typedef struct {
  double mean, var, min, max, beyond_2sd; /* beyond_2sd: fraction with |w| > 2 sqrt(var) */
} stats;

static stats
stats_of (const float *w, size_t n)
{
  stats s = { 0.0, 0.0, INFINITY, -INFINITY, 0.0 };
  for (size_t i = 0; i < n; i++)
    {
      s.mean += w[i];
      s.min = fmin (s.min, w[i]);
      s.max = fmax (s.max, w[i]);
    }
  s.mean /= (double) n;
  for (size_t i = 0; i < n; i++)
    s.var += (w[i] - s.mean) * (w[i] - s.mean);
  s.var /= (double) n;
  for (size_t i = 0; i < n; i++)
    s.beyond_2sd += fabs (w[i]) > 2.0 * sqrt (s.var);
  s.beyond_2sd /= (double) n;
  return s;
}

/* Tolerances are 5 standard errors of the estimate at n = 100k, so a correct initializer
 * fails about once in two million runs (the seed is fixed anyway), while a wrong formula
 * (sqrt(6/fan_in) for sqrt(3/fan_in) is a factor 2 in variance) is far outside:
 * mean: 5 sd / sqrt(n); variance of a uniform: relative sd sqrt(0.8/n) = 0.28%, allowed 1.5%;
 * of a normal: sqrt(2/n) = 0.45%, allowed 2.5%. */
static void
check_uniform (bp_init init, int fan_in, int fan_out, double bound)
{
  float *w = g_new (float, N_DRAWS);
  bp_rng r;
  bp_rng_seed (&r, 2024);
  bp_init_fill (&init, w, N_DRAWS, fan_in, fan_out, &r);
  stats s = stats_of (w, N_DRAWS);
  double sd = bound / sqrt (3.0);
  g_assert_cmpfloat (fabs (s.mean), <, 5.0 * sd / sqrt (N_DRAWS));
  g_assert_cmpfloat (fabs (s.var / (sd * sd) - 1.0), <, 0.015);
  /* bounds respected, and reached: the extremes of 100k uniform draws are within 0.1% */
  g_assert_cmpfloat (s.min, >=, -bound);
  g_assert_cmpfloat (s.max, <=, bound);
  g_assert_cmpfloat (s.min, <, -0.999 * bound);
  g_assert_cmpfloat (s.max, >, 0.999 * bound);
  g_free (w);
}

static void
check_normal (bp_init init, int fan_in, int fan_out, double sd)
{
  float *w = g_new (float, N_DRAWS);
  bp_rng r;
  bp_rng_seed (&r, 99);
  bp_init_fill (&init, w, N_DRAWS, fan_in, fan_out, &r);
  stats s = stats_of (w, N_DRAWS);
  g_assert_cmpfloat (fabs (s.mean), <, 5.0 * sd / sqrt (N_DRAWS));
  g_assert_cmpfloat (fabs (s.var / (sd * sd) - 1.0), <, 0.025);
  /* not truncated: 4.55% of a normal lies beyond 2 sd (sd of that fraction 0.07%), and
   * 100k draws reach past 4 sd */
  g_assert_cmpfloat (fabs (s.beyond_2sd - 0.0455), <, 0.0035);
  g_assert_cmpfloat (fmax (-s.min, s.max), >, 4.0 * sd);
  g_free (w);
}

static void
test_uniform_kinds (void)
{
  const int fi = 50, fo = 30;
  check_uniform ((bp_init) { .kind = BP_INIT_DEFAULT }, fi, fo, 1.0 / sqrt (fi));
  check_uniform ((bp_init) { .kind = BP_INIT_GLOROT_UNIFORM }, fi, fo, sqrt (6.0 / (fi + fo)));
  check_uniform ((bp_init) { .kind = BP_INIT_HE_UNIFORM }, fi, fo, sqrt (6.0 / fi));
  check_uniform ((bp_init) { .kind = BP_INIT_LECUN_UNIFORM }, fi, fo, sqrt (3.0 / fi));
  /* fan 784 -> 256: the first layer of an MNIST net */
  check_uniform ((bp_init) { .kind = BP_INIT_GLOROT_UNIFORM }, 784, 256, sqrt (6.0 / (784 + 256)));
  check_uniform ((bp_init) { .kind = BP_INIT_DEFAULT }, 1, 1, 1.0);

  /* U(a, b), not centred */
  float *w = g_new (float, N_DRAWS);
  bp_init u = { BP_INIT_UNIFORM, -0.5f, 1.5f };
  bp_rng r;
  bp_rng_seed (&r, 3);
  bp_init_fill (&u, w, N_DRAWS, 10, 10, &r);
  stats s = stats_of (w, N_DRAWS);
  double sd = 2.0 / sqrt (12.0);
  g_assert_cmpfloat (fabs (s.mean - 0.5), <, 5.0 * sd / sqrt (N_DRAWS));
  g_assert_cmpfloat (fabs (s.var / (sd * sd) - 1.0), <, 0.015);
  g_assert_cmpfloat (s.min, >=, -0.5);
  g_assert_cmpfloat (s.max, <=, 1.5);
  g_free (w);
}

static void
test_normal_kinds (void)
{
  const int fi = 40, fo = 24;
  check_normal ((bp_init) { .kind = BP_INIT_GLOROT_NORMAL }, fi, fo, sqrt (2.0 / (fi + fo)));
  check_normal ((bp_init) { .kind = BP_INIT_HE_NORMAL }, fi, fo, sqrt (2.0 / fi));
  check_normal ((bp_init) { .kind = BP_INIT_LECUN_NORMAL }, fi, fo, sqrt (1.0 / fi));
}

static void
test_constant_kinds (void)
{
  float w[7];
  bp_rng r;
  bp_rng_seed (&r, 1);
  bp_init c = { BP_INIT_CONSTANT, 0.25f, 0.0f };
  bp_init_fill (&c, w, 7, 3, 3, &r);
  for (int i = 0; i < 7; i++)
    g_assert_cmpfloat (w[i], ==, 0.25f);
  bp_init z = { .kind = BP_INIT_ZEROS };
  bp_init_fill (&z, w, 7, 3, 3, &r);
  for (int i = 0; i < 7; i++)
    g_assert_cmpfloat (w[i], ==, 0.0f);
  /* fan 0 (a degenerate layer) gives finite numbers, not a division by zero */
  bp_init he = { .kind = BP_INIT_HE_NORMAL };
  bp_init_fill (&he, w, 7, 0, 0, &r);
  for (int i = 0; i < 7; i++)
    g_assert_true (isfinite (w[i]));
}

static void
test_deterministic (void)
{
  float a[64], b[64], c[64];
  bp_init g = { .kind = BP_INIT_GLOROT_NORMAL };
  bp_rng r;
  bp_rng_seed (&r, 5);
  bp_init_fill (&g, a, 64, 8, 8, &r);
  bp_rng_seed (&r, 5);
  bp_init_fill (&g, b, 64, 8, 8, &r);
  bp_rng_seed (&r, 6);
  bp_init_fill (&g, c, 64, 8, 8, &r);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  g_assert_true (memcmp (a, c, sizeof a) != 0);
}

static void
test_names (void)
{
  const char *want[BP_INIT_COUNT] = { "default", "glorot_uniform", "glorot_normal",
                                      "he_uniform", "he_normal", "lecun_uniform",
                                      "lecun_normal", "zeros", "constant", "uniform" };
  for (int k = 0; k < BP_INIT_COUNT; k++)
    {
      bp_init_kind back;
      g_assert_cmpstr (bp_init_name ((bp_init_kind) k), ==, want[k]);
      g_assert_true (bp_init_from_name (want[k], &back));
      g_assert_cmpint (back, ==, k);
    }
  bp_init_kind k;
  g_assert_false (bp_init_from_name ("xavier", &k));
  g_assert_false (bp_init_from_name (NULL, &k));
  g_assert_cmpstr (bp_init_name (BP_INIT_COUNT), ==, "unknown");
}

/* ---- the generator ---- */

static void
test_rng_known_answers (void)
{
  /* SplitMix64 from seed 1234567: the reference implementation's first outputs */
  bp_rng r;
  bp_rng_seed (&r, 1234567);
  g_assert_cmpuint (bp_rng_next (&r), ==, 6457827717110365317ull);
  g_assert_cmpuint (bp_rng_next (&r), ==, 3203168211198807973ull);
  g_assert_cmpuint (bp_rng_next (&r), ==, 9817491932198370423ull);

  /* Box-Muller from seed 7, one value per call, u1 = 1 - uniform: computed in Python */
  bp_rng_seed (&r, 7);
  g_assert_cmpfloat_with_epsilon (bp_rng_normal (&r), 0.98847433231873527, 1e-15);
  g_assert_cmpfloat_with_epsilon (bp_rng_normal (&r), -1.8642558067312274, 1e-15);
  g_assert_cmpfloat_with_epsilon (bp_rng_normal (&r), 0.0039202072151893396, 1e-15);

  /* Fisher-Yates, i from n-1 down to 1, j = next % (i + 1), seed 1: Python gives */
  const uint32_t want[10] = { 4, 2, 8, 1, 9, 3, 0, 6, 7, 5 };
  uint32_t idx[10];
  for (uint32_t i = 0; i < 10; i++)
    idx[i] = i;
  bp_rng_seed (&r, 1);
  bp_rng_shuffle_u32 (&r, idx, 10);
  g_assert_cmpmem (idx, sizeof idx, want, sizeof want);
}

static void
test_rng_normal_stats (void)
{
  bp_rng r;
  bp_rng_seed (&r, 11);
  double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
  for (int i = 0; i < N_DRAWS; i++)
    {
      double z = bp_rng_normal (&r);
      g_assert_true (isfinite (z));
      sum += z;
      sum2 += z * z;
      sum4 += z * z * z * z;
    }
  double mean = sum / N_DRAWS, var = sum2 / N_DRAWS - mean * mean;
  g_assert_cmpfloat (fabs (mean), <, 5.0 / sqrt (N_DRAWS));
  g_assert_cmpfloat (fabs (var - 1.0), <, 5.0 * sqrt (2.0 / N_DRAWS));
  g_assert_cmpfloat (fabs (sum4 / N_DRAWS - 3.0), <, 0.15); /* kurtosis of a normal */
}

static void
test_shuffle (void)
{
  enum { N = 1000 };
  uint32_t idx[N];
  bool seen[N] = { false };
  for (uint32_t i = 0; i < N; i++)
    idx[i] = i;
  bp_rng r;
  bp_rng_seed (&r, 77);
  bp_rng_shuffle_u32 (&r, idx, N);
  int fixed = 0;
  for (uint32_t i = 0; i < N; i++)
    {
      g_assert_cmpuint (idx[i], <, N);
      g_assert_false (seen[idx[i]]); /* a permutation */
      seen[idx[i]] = true;
      fixed += idx[i] == i;
    }
  g_assert_cmpint (fixed, <, 10); /* about 1 expected */

  uint32_t one = 5;
  bp_rng_shuffle_u32 (&r, &one, 1);
  g_assert_cmpuint (one, ==, 5);
  bp_rng_shuffle_u32 (&r, NULL, 0);
}

static void
test_shape_format (void)
{
  char buf[64];
  g_assert_cmpstr (bp_shape_format (bp_shape_vec (5), buf, sizeof buf), ==, "(5)");
  bp_shape img = { 3, { 3, 28, 28 } };
  g_assert_cmpstr (bp_shape_format (img, buf, sizeof buf), ==, "(3, 28, 28)");
  g_assert_cmpuint (bp_shape_size (img), ==, 3 * 28 * 28);
  bp_shape none = { 0, { 0 } };
  g_assert_cmpstr (bp_shape_format (none, buf, sizeof buf), ==, "()");
  /* a short buffer truncates, still terminated */
  char small[5];
  bp_shape_format (img, small, sizeof small);
  g_assert_cmpstr (small, ==, "(3, ");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/init/uniform", test_uniform_kinds);
  g_test_add_func ("/init/normal", test_normal_kinds);
  g_test_add_func ("/init/constant", test_constant_kinds);
  g_test_add_func ("/init/deterministic", test_deterministic);
  g_test_add_func ("/init/names", test_names);
  g_test_add_func ("/rng/known-answers", test_rng_known_answers);
  g_test_add_func ("/rng/normal", test_rng_normal_stats);
  g_test_add_func ("/rng/shuffle", test_shuffle);
  g_test_add_func ("/shape/format", test_shape_format);
  return g_test_run ();
}
