/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Element-wise activation functions with PyTorch's definitions, shared by the activation layer
 * and dense's fused loop. Each function is one tight loop chosen by a switch outside it, so the
 * per-element cost is the arithmetic alone. */
#include "engine/activation.h"

#include "engine/simd.h"
#include <math.h>
#include <string.h>

static const char *const act_names[BP_ACT_COUNT] = {
  [BP_ACT_LINEAR] = "linear",
  [BP_ACT_RELU] = "relu",
  [BP_ACT_LEAKY_RELU] = "leaky_relu",
  [BP_ACT_ELU] = "elu",
  [BP_ACT_GELU] = "gelu",
  [BP_ACT_SILU] = "silu",
  [BP_ACT_SOFTPLUS] = "softplus",
  [BP_ACT_SIGMOID] = "sigmoid",
  [BP_ACT_TANH] = "tanh",
  [BP_ACT_SOFTMAX] = "softmax",
};

bool
bp_act_from_name (const char *name, bp_act *out)
{
  if (name == NULL)
    return false;
  for (int i = 0; i < BP_ACT_COUNT; i++)
    if (strcmp (name, act_names[i]) == 0)
      {
        *out = (bp_act) i;
        return true;
      }
  if (strcmp (name, "swish") == 0) /* Keras's and the papers' name for SiLU */
    {
      *out = BP_ACT_SILU;
      return true;
    }
  return false;
}

const char *
bp_act_name (bp_act act)
{
  if ((int) act < 0 || act >= BP_ACT_COUNT)
    return "unknown";
  return act_names[act];
}

bool
bp_act_needs_input (bp_act act)
{
  switch (act)
    {
    /* y alone is not enough: GELU and SiLU are not monotonic, and leaky ReLU / ELU with a
     * negative or zero alpha cannot tell the sign of x from y. */
    case BP_ACT_LEAKY_RELU:
    case BP_ACT_ELU:
    case BP_ACT_GELU:
    case BP_ACT_SILU:
      return true;
    /* relu: y > 0 iff x > 0; softplus: sigmoid(x) = 1 - exp(-y); sigmoid, tanh, softmax:
     * their derivatives are functions of y. */
    default:
      return false;
    }
}

/* sigmoid without overflow: exp() only ever sees a non-positive argument. */
static inline bp_v4f
v_sigmoid (bp_v4f x)
{
  bp_v4f e = bp_v4f_exp (-bp_v4f_abs (x));
  bp_v4f s = 1.0f / (1.0f + e);
  return bp_v4f_select (x >= 0.0f, s, e * s);
}

/* tanh within 2 ulp (tests/engine/test-activation.c checks it against double tanh), four
 * lanes at a time: glibc's tanhf costs ~20 ns a value, which alone would take most of a small
 * network's step. For |x| < 0.625 an odd polynomial x + x^3 P(x^2) (least-squares fit on the
 * relative error, 0.9 ulp); above, 1 - 2 / (e^2|x| + 1), whose cancellation costs at most a bit
 * there since tanh >= 0.55; |x| is capped at 10, where tanh is 1 in float. */
static inline bp_v4f
v_tanh (bp_v4f x)
{
  bp_v4f a = bp_v4f_abs (x);
  bp_v4f ac = bp_v4f_select (a > 10.0f, bp_v4f_splat (10.0f), a); /* NaN passes */
  bp_v4f e = bp_v4f_exp (ac + ac);
  bp_v4f big = 1.0f - 2.0f / (e + 1.0f);
  big = (bp_v4f) ((bp_v4i) big | ((bp_v4i) x & INT32_MIN)); /* sign of x */
  bp_v4f u = x * x;
  bp_v4f p = bp_v4f_splat (-0.005718891533775274f);
  p = p * u + 0.020653063925384612f;
  p = p * u - 0.05374464034415124f;
  p = p * u + 0.13331512468518508f;
  p = p * u - 0.3333328521293434f;
  bp_v4f small = x + x * u * p;
  return bp_v4f_select (a < 0.625f, small, big);
}

/* Phi(x) = erfc(-x / sqrt 2) / 2, the normal CDF in GELU = x Phi(x). The usual
 * (1 + erf(x / sqrt 2)) / 2 loses every digit to cancellation below x = -4 (torch's float GELU
 * is 4% off at -5); erfc does not. Left of -1, erfc's relative error grows as x^2 times that
 * of its rounded float argument (10 ulp at -3), so there it runs in double. */
static inline float
gelu_cdf (float x)
{
  if (x < -1.0f)
    return (float) (0.5 * erfc (-(double) x * M_SQRT1_2));
  return 0.5f * erfcf (-x * (float) M_SQRT1_2);
}

/* phi(x) = e^(-x^2/2) / sqrt(2 pi), the normal density, in double where x^2 is large for the
 * same reason. */
static inline float
gelu_pdf (float x)
{
  const double inv_sqrt_2pi = 0.5 * M_2_SQRTPI * M_SQRT1_2;
  if (x < -3.0f || x > 3.0f)
    return (float) (exp (-0.5 * (double) x * (double) x) * inv_sqrt_2pi);
  return expf (-0.5f * x * x) * (float) inv_sqrt_2pi;
}

/* y[0..n) = f(x[0..n), p) four at a time, the last partial vector padded with zeros. */
#define MAP_V4(f, p, x, y, n)                                                                  \
  do                                                                                           \
    {                                                                                          \
      size_t i_ = 0;                                                                           \
      for (; i_ + 4 <= (n); i_ += 4)                                                           \
        bp_v4f_store ((y) + i_, f (bp_v4f_load ((x) + i_), (p)));                              \
      if (i_ < (n))                                                                            \
        bp_v4f_store_part ((y) + i_, f (bp_v4f_load_part ((x) + i_, (n) - i_), (p)), (n) - i_); \
    }                                                                                          \
  while (0)

/* out[0..n) = f(a[0..n), b[0..n), p) likewise; out may alias a or b (each vector is loaded
 * before it is stored). */
#define MAP2_V4(f, p, a, b, out, n)                                                            \
  do                                                                                           \
    {                                                                                          \
      size_t i_ = 0;                                                                           \
      for (; i_ + 4 <= (n); i_ += 4)                                                           \
        bp_v4f_store ((out) + i_, f (bp_v4f_load ((a) + i_), bp_v4f_load ((b) + i_), (p)));     \
      if (i_ < (n))                                                                            \
        {                                                                                      \
          size_t r_ = (n) - i_;                                                                \
          bp_v4f_store_part ((out) + i_,                                                       \
                             f (bp_v4f_load_part ((a) + i_, r_),                               \
                                bp_v4f_load_part ((b) + i_, r_), (p)),                         \
                             r_);                                                              \
        }                                                                                      \
    }                                                                                          \
  while (0)

/* "x < 0 ? 0 : x" rather than "x > 0 ? x : 0" lets a NaN through, as torch does, so a
 * diverging run shows NaN instead of silently zeroing. */
static inline bp_v4f
v_relu (bp_v4f x, float unused)
{
  return bp_v4f_select (x < 0.0f, bp_v4f_splat (0.0f), x);
}

static inline bp_v4f
v_leaky_relu (bp_v4f x, float alpha)
{
  return bp_v4f_select (x < 0.0f, alpha * x, x);
}

static inline bp_v4f
v_sigmoid_p (bp_v4f x, float unused)
{
  return v_sigmoid (x);
}

static inline bp_v4f
v_tanh_p (bp_v4f x, float unused)
{
  return v_tanh (x);
}

static inline bp_v4f
v_silu (bp_v4f x, float unused)
{
  return x * v_sigmoid (x);
}

/* Derivatives, as (input or output, dy) -> dx. */

/* derivative 0 at 0, as torch's threshold_backward */
static inline bp_v4f
v_relu_grad (bp_v4f y, bp_v4f dy, float unused)
{
  return bp_v4f_select (y > 0.0f, dy, bp_v4f_splat (0.0f));
}

static inline bp_v4f
v_leaky_relu_grad (bp_v4f x, bp_v4f dy, float alpha)
{
  return bp_v4f_select (x > 0.0f, dy, alpha * dy);
}

static inline bp_v4f
v_sigmoid_grad (bp_v4f y, bp_v4f dy, float unused)
{
  return dy * y * (1.0f - y);
}

static inline bp_v4f
v_tanh_grad (bp_v4f y, bp_v4f dy, float unused)
{
  return dy * (1.0f - y * y);
}

/* d silu / dx = s (1 + x (1 - s)), s = sigmoid(x) */
static inline bp_v4f
v_silu_grad (bp_v4f x, bp_v4f dy, float unused)
{
  bp_v4f s = v_sigmoid (x);
  return dy * s * (1.0f + x * (1.0f - s));
}

void
bp_act_forward (bp_act act, float alpha, const float *x, float *y, size_t n)
{
  switch (act)
    {
    case BP_ACT_LINEAR:
      if (x != y)
        memmove (y, x, n * sizeof *y);
      break;
    case BP_ACT_RELU:
      MAP_V4 (v_relu, 0.0f, x, y, n);
      break;
    case BP_ACT_LEAKY_RELU:
      MAP_V4 (v_leaky_relu, alpha, x, y, n);
      break;
    case BP_ACT_ELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : alpha * expm1f (x[i]);
      break;
    case BP_ACT_GELU:
      for (size_t i = 0; i < n; i++)
        y[i] = x[i] * gelu_cdf (x[i]);
      break;
    case BP_ACT_SILU:
      MAP_V4 (v_silu, 0.0f, x, y, n);
      break;
    case BP_ACT_SOFTPLUS:
      /* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss of the
       * tiny value for very negative x. */
      for (size_t i = 0; i < n; i++)
        y[i] = fmaxf (x[i], 0.0f) + log1pf (expf (-fabsf (x[i])));
      break;
    case BP_ACT_SIGMOID:
      MAP_V4 (v_sigmoid_p, 0.0f, x, y, n);
      break;
    case BP_ACT_TANH:
      MAP_V4 (v_tanh_p, 0.0f, x, y, n);
      break;
    case BP_ACT_SOFTMAX:
      /* A flat array is one row here; layers call bp_act_softmax_rows. */
      bp_act_softmax_rows (x, y, 1, (int) n);
      break;
    case BP_ACT_COUNT:
    default:
      break;
    }
}

void
bp_act_backward (bp_act act, float alpha, const float *x, const float *y, const float *dy,
                 float *dx, size_t n)
{
  /* x may be NULL when !bp_act_needs_input (act). */
  switch (act)
    {
    case BP_ACT_LINEAR:
      if (dx != dy)
        memmove (dx, dy, n * sizeof *dx);
      break;
    case BP_ACT_RELU:
      MAP2_V4 (v_relu_grad, 0.0f, y, dy, dx, n);
      break;
    case BP_ACT_LEAKY_RELU:
      MAP2_V4 (v_leaky_relu_grad, alpha, x, dy, dx, n);
      break;
    case BP_ACT_ELU:
      /* for x <= 0, d/dx alpha (e^x - 1) = alpha e^x */
      for (size_t i = 0; i < n; i++)
        dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * alpha * expf (x[i]);
      break;
    case BP_ACT_GELU:
      for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * (gelu_cdf (x[i]) + x[i] * gelu_pdf (x[i]));
      break;
    case BP_ACT_SILU:
      MAP2_V4 (v_silu_grad, 0.0f, x, dy, dx, n);
      break;
    case BP_ACT_SOFTPLUS:
      /* sigmoid(x) = 1 - e^-y; expm1 keeps it exact where y is tiny */
      for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * -expm1f (-y[i]);
      break;
    case BP_ACT_SIGMOID:
      MAP2_V4 (v_sigmoid_grad, 0.0f, y, dy, dx, n);
      break;
    case BP_ACT_TANH:
      MAP2_V4 (v_tanh_grad, 0.0f, y, dy, dx, n);
      break;
    case BP_ACT_SOFTMAX:
      bp_act_softmax_rows_backward (y, dy, dx, 1, (int) n);
      break;
    case BP_ACT_COUNT:
    default:
      break;
    }
}

void
bp_act_softmax_rows (const float *x, float *y, int rows, int cols)
{
  /* Subtracting the row's max keeps every exp() argument <= 0: no overflow, and the largest
   * term is exactly 1 so the sum is >= 1. x and y may alias. */
  for (int r = 0; r < rows; r++)
    {
      const float *xr = x + (size_t) r * (size_t) cols;
      float *yr = y + (size_t) r * (size_t) cols;
      float m = xr[0];
      for (int j = 1; j < cols; j++)
        m = xr[j] > m ? xr[j] : m;
      float sum = 0.0f;
      for (int j = 0; j < cols; j++)
        {
          yr[j] = expf (xr[j] - m);
          sum += yr[j];
        }
      float inv = 1.0f / sum;
      for (int j = 0; j < cols; j++)
        yr[j] *= inv;
    }
}

void
bp_act_softmax_rows_backward (const float *y, const float *dy, float *dx, int rows, int cols)
{
  /* dx = y * (dy - <dy, y>) per row; the dot product is taken before dx is written, so dx may
   * alias dy. */
  for (int r = 0; r < rows; r++)
    {
      const float *yr = y + (size_t) r * (size_t) cols;
      const float *dyr = dy + (size_t) r * (size_t) cols;
      float *dxr = dx + (size_t) r * (size_t) cols;
      float dot = 0.0f;
      for (int j = 0; j < cols; j++)
        dot += dyr[j] * yr[j];
      for (int j = 0; j < cols; j++)
        dxr[j] = yr[j] * (dyr[j] - dot);
    }
}
