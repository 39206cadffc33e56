/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Convolution, pooling and flatten: im2col against a direct convolution, finite-difference
 * gradient checks for every kind and setting, two small conv nets against PyTorch
 * (conv-reference.h, made by torch_conv_reference.py), shape inference errors in words, and a
 * small CNN that learns horizontal vs vertical bars. */
#include "engine/activation.h"
#include "engine/blas.h"
#include "engine/im2col.h"
#include "engine/layer.h"
#include "engine/workers.h"
#include "tests/engine/conv-reference.h"
#include "tests/engine/test-conv-util.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* ---- the window geometry ---- */

static void
test_window_axis (void)
{
  int pad;
  /* valid: floor((n - k) / s) + 1, no padding */
  g_assert_cmpint (bp_window_axis (28, 3, 1, 0, &pad), ==, 26);
  g_assert_cmpint (pad, ==, 0);
  g_assert_cmpint (bp_window_axis (7, 2, 2, 0, &pad), ==, 3);
  g_assert_cmpint (bp_window_axis (2, 3, 1, 0, &pad), ==, 0); /* does not fit */
  /* same, stride 1, odd kernel: PyTorch's padding = k / 2 */
  g_assert_cmpint (bp_window_axis (28, 3, 1, 1, &pad), ==, 28);
  g_assert_cmpint (pad, ==, 1);
  g_assert_cmpint (bp_window_axis (9, 5, 1, 1, &pad), ==, 9);
  g_assert_cmpint (pad, ==, 2);
  /* same, even kernel: 3 zeros in all, 1 before and 2 after (as TensorFlow and PyTorch's
   * padding='same') */
  g_assert_cmpint (bp_window_axis (5, 4, 1, 1, &pad), ==, 5);
  g_assert_cmpint (pad, ==, 1);
  /* same, stride 2: ceil(n / s) outputs; 28 -> 14 needs 13*2 + 3 - 28 = 1 zero, after */
  g_assert_cmpint (bp_window_axis (28, 3, 2, 1, &pad), ==, 14);
  g_assert_cmpint (pad, ==, 0);
  g_assert_cmpint (bp_window_axis (7, 3, 2, 1, &pad), ==, 4); /* 3*2 + 3 - 7 = 2: 1 + 1 */
  g_assert_cmpint (pad, ==, 1);
  g_assert_cmpint (bp_window_axis (7, 2, 3, 1, &pad), ==, 3); /* 2*3 + 2 - 7 = 1: 0 + 1 */
  g_assert_cmpint (pad, ==, 0);
  g_assert_cmpint (bp_window_axis (0, 1, 1, 1, &pad), ==, 0);
  g_assert_cmpint (bp_window_axis (5, 1, 0, 0, &pad), ==, 0); /* stride 0 */
}

/* col2im is im2col's adjoint: <im2col(x), c> == <x, col2im(c)> for any x and c, which also
 * pins down that both visit the same (input, column) pairs. */
static void
test_col2im_adjoint (void)
{
  const int cases[][9] = {
    /* c, h, w, kh, kw, sh, sw, same, ldcol extra */
    { 2, 5, 6, 3, 3, 1, 1, 1, 0 },
    { 3, 7, 5, 3, 2, 2, 2, 0, 5 },
    { 1, 6, 6, 4, 4, 3, 2, 1, 3 },
    { 2, 4, 9, 1, 3, 1, 3, 0, 0 },
    { 1, 3, 3, 5, 5, 1, 1, 1, 0 }, /* kernel larger than the image, all padding at edges */
    { 2, 6, 5, 3, 1, 1, 1, 0, 2 }, /* valid but full width: the shifted-rows path */
    { 1, 4, 7, 6, 2, 1, 1, 1, 0 }, /* same, kernel taller than the image */
  };
  tc_rng rng = { 42 };
  for (size_t t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      const int *k = cases[t];
      bp_window_geom g = { .c = k[0], .h = k[1], .w = k[2], .kh = k[3], .kw = k[4],
                           .sh = k[5], .sw = k[6] };
      g.oh = bp_window_axis (g.h, g.kh, g.sh, k[7], &g.pad_top);
      g.ow = bp_window_axis (g.w, g.kw, g.sw, k[7], &g.pad_left);
      size_t nx = (size_t) g.c * g.h * g.w, P = (size_t) g.oh * g.ow;
      size_t rows = (size_t) g.c * g.kh * g.kw, ld = P + (size_t) k[8];
      float *x = tc_random (&rng, nx, 1.0f), *c = tc_random (&rng, rows * ld, 1.0f);
      float *col = g_new (float, rows * ld), *back = g_new0 (float, nx);
      memset (col, 0xff, rows * ld * sizeof *col); /* NaN where im2col must not write */
      bp_im2col (&g, x, col, ld);
      double lhs = 0, rhs = 0;
      for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < P; j++)
          lhs += (double) col[r * ld + j] * c[r * ld + j];
      bp_col2im (&g, c, ld, back);
      for (size_t i = 0; i < nx; i++)
        rhs += (double) x[i] * back[i];
      g_assert_cmpfloat_with_epsilon (lhs, rhs, 1e-4 * (1 + fabs (lhs)));
      /* the gap between rows of a strided col is left alone */
      for (size_t r = 0; r + 1 < rows && k[8] > 0; r++)
        g_assert_true (isnan (col[r * ld + P]));
      g_free (x), g_free (c), g_free (col), g_free (back);
    }
}

/* ---- conv2d forward against a direct convolution ---- */

typedef struct conv_case {
  const char *name;
  int batch, c, h, w;
  int filters, kh, kw, sh, sw;
  bp_padding padding;
  bool bias;
  bp_act act;
} conv_case;

static const conv_case conv_cases[] = {
  { "same-3x3-s1-tanh", 2, 2, 5, 6, 3, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_TANH },
  { "valid-3x2-s2-nobias", 3, 3, 7, 5, 2, 3, 2, 2, 2, BP_PADDING_VALID, false, BP_ACT_LINEAR },
  { "same-3x3-s2-gelu-b1", 1, 1, 6, 6, 4, 3, 3, 2, 2, BP_PADDING_SAME, true, BP_ACT_GELU },
  { "same-4x4-even-sigmoid", 3, 2, 5, 5, 2, 4, 4, 1, 1, BP_PADDING_SAME, true, BP_ACT_SIGMOID },
  { "valid-1x3-s1x3", 5, 3, 4, 9, 5, 1, 3, 1, 3, BP_PADDING_VALID, true, BP_ACT_LINEAR },
  { "same-2x2-s3-nobias-elu", 3, 2, 7, 7, 3, 2, 2, 3, 3, BP_PADDING_SAME, false, BP_ACT_ELU },
  { "valid-full-1x1-out", 2, 2, 3, 4, 2, 3, 4, 1, 1, BP_PADDING_VALID, true, BP_ACT_TANH },
  /* 900 outputs per sample: the batch goes through the GEMM in chunks of 2, 2 and 1 */
  { "chunks-30x30-gelu", 5, 2, 30, 30, 3, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_GELU },
  { "chunks-41x50-sigmoid", 3, 1, 41, 50, 2, 3, 3, 1, 1, BP_PADDING_VALID, true, BP_ACT_SIGMOID },
};

static void
conv_spec (const conv_case *k, bp_layer_spec *ls)
{
  bp_layer_spec_defaults (ls, BP_LAYER_CONV2D);
  g_strlcpy (ls->name, k->name, sizeof ls->name);
  bp_conv2d_cfg *c = &ls->u.conv2d;
  c->filters = k->filters;
  c->kernel_h = k->kh, c->kernel_w = k->kw;
  c->stride_h = k->sh, c->stride_w = k->sw;
  c->padding = k->padding;
  c->use_bias = k->bias;
  c->activation = k->act;
  c->alpha = k->act == BP_ACT_ELU ? 1.0f : 0.0f;
  c->weight_init.kind = BP_INIT_DEFAULT;
  c->bias_init.kind = BP_INIT_DEFAULT;
}

static void
test_conv_direct (gconstpointer data)
{
  const conv_case *k = data;
  bp_layer_spec ls;
  conv_spec (k, &ls);
  test_layer t;
  test_layer_make (&t, &ls, (bp_shape) { 3, { k->c, k->h, k->w } }, k->batch);
  tc_rng rng = { 3 };
  tc_fill (&rng, (float *) t.L.x, (size_t) k->batch * t.L.in_size, 1.0f);
  tc_fill (&rng, t.L.params, t.L.n_params, 0.5f);
  t.L.ops->forward (&t.L, k->batch, true);

  int oh = t.L.out.dims[1], ow = t.L.out.dims[2], pt, pl;
  bp_window_axis (k->h, k->kh, k->sh, k->padding == BP_PADDING_SAME, &pt);
  bp_window_axis (k->w, k->kw, k->sw, k->padding == BP_PADDING_SAME, &pl);
  const float *W = t.L.params, *b = k->bias ? W + (size_t) k->filters * k->c * k->kh * k->kw
                                            : NULL;
  for (int n = 0; n < k->batch; n++)
    for (int f = 0; f < k->filters; f++)
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            double s = b ? b[f] : 0.0;
            for (int ch = 0; ch < k->c; ch++)
              for (int i = 0; i < k->kh; i++)
                for (int j = 0; j < k->kw; j++)
                  {
                    int iy = oy * k->sh - pt + i, ix = ox * k->sw - pl + j;
                    if (iy < 0 || iy >= k->h || ix < 0 || ix >= k->w)
                      continue;
                    s += (double) W[((f * k->c + ch) * k->kh + i) * k->kw + j]
                         * t.L.x[n * t.L.in_size + (ch * k->h + iy) * k->w + ix];
                  }
            float z = (float) s, want;
            bp_act_forward (k->act, ls.u.conv2d.alpha, &z, &want, 1);
            float got = t.L.y[n * t.L.out_size + (f * oh + oy) * ow + ox];
            if (fabsf (got - want) > 1e-5f * (1 + fabsf (want)))
              g_error ("%s: y[%d, %d, %d, %d] = %g, direct convolution %g", k->name, n, f, oy,
                       ox, got, want);
          }
  test_layer_clear (&t);
}

static void
test_conv_gradcheck (gconstpointer data)
{
  const conv_case *k = data;
  bp_layer_spec ls;
  conv_spec (k, &ls);
  /* big cases (several GEMM chunks) check one input in 7 */
  size_t nx = (size_t) k->batch * k->c * k->h * k->w;
  tc_gradcheck (&ls, (bp_shape) { 3, { k->c, k->h, k->w } }, k->batch, 11, false,
                nx > 2000 ? 7 : 1);
}

/* ---- pooling and flatten ---- */

static void
pool_spec (bp_layer_spec *ls, bp_layer_kind kind, int sh_, int sw_, int st_h, int st_w)
{
  bp_layer_spec_defaults (ls, kind);
  g_strlcpy (ls->name, "pool", sizeof ls->name);
  ls->u.pool.size_h = sh_, ls->u.pool.size_w = sw_;
  ls->u.pool.stride_h = st_h, ls->u.pool.stride_w = st_w;
}

static void
test_maxpool_values (void)
{
  /* one 4x5 plane, 2x2 windows at stride 2 (the last column is dropped: floor mode) */
  static const float x[20] = {
    1, 5, 2, 0, 9,
    3, 4, 8, 1, 9,
    -1, -2, 0, 7, 9,
    -3, -4, 7, 6, 9,
  };
  bp_layer_spec ls;
  pool_spec (&ls, BP_LAYER_MAXPOOL2D, 2, 2, 2, 2);
  test_layer t;
  test_layer_make (&t, &ls, (bp_shape) { 3, { 1, 4, 5 } }, 1);
  g_assert_cmpint (t.L.out.dims[1], ==, 2);
  g_assert_cmpint (t.L.out.dims[2], ==, 2);
  memcpy ((float *) t.L.x, x, sizeof x);
  t.L.ops->forward (&t.L, 1, true);
  static const float want[4] = { 5, 8, -1, 7 };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (t.L.y[i], ==, want[i]);
  /* the 7 that appears twice in the last window: the first one (row 2) takes the gradient */
  for (int i = 0; i < 4; i++)
    t.L.dy[i] = (float) (i + 1);
  t.L.ops->backward (&t.L, 1);
  static const float want_dx[20] = {
    0, 1, 0, 0, 0,
    0, 0, 2, 0, 0,
    3, 0, 0, 4, 0,
    0, 0, 0, 0, 0,
  };
  for (int i = 0; i < 20; i++)
    g_assert_cmpfloat (t.L.dx[i], ==, want_dx[i]);
  test_layer_clear (&t);
}

static void
test_avgpool_values (void)
{
  static const float x[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }; /* (1, 3, 4) */
  bp_layer_spec ls;
  pool_spec (&ls, BP_LAYER_AVGPOOL2D, 2, 3, 1, 1);
  test_layer t;
  test_layer_make (&t, &ls, (bp_shape) { 3, { 1, 3, 4 } }, 1);
  g_assert_cmpint (t.L.out.dims[1], ==, 2);
  g_assert_cmpint (t.L.out.dims[2], ==, 2);
  memcpy ((float *) t.L.x, x, sizeof x);
  t.L.ops->forward (&t.L, 1, true);
  /* (1+2+3+5+6+7)/6 = 4, then 5, 8, 9 */
  static const float want[4] = { 4, 5, 8, 9 };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (t.L.y[i], want[i], 1e-6);
  test_layer_clear (&t);
}

/* Max pooling against a direct scan with PyTorch's rule (the first largest wins, a NaN always
 * wins), on values with many ties and a few NaN, for the 2x2 stride 2 path and the general
 * one, on planes wide enough for the four-wide loop and with a tail after it. */
static void
test_maxpool_ties (void)
{
  const int windows[][4] = { { 2, 2, 2, 2 }, { 3, 2, 2, 1 }, { 2, 2, 1, 1 } };
  const int C = 2, H = 7, W = 21, batch = 2;
  for (size_t t = 0; t < G_N_ELEMENTS (windows); t++)
    {
      const int *k = windows[t];
      bp_layer_spec ls;
      pool_spec (&ls, BP_LAYER_MAXPOOL2D, k[0], k[1], k[2], k[3]);
      test_layer tl;
      test_layer_make (&tl, &ls, (bp_shape) { 3, { C, H, W } }, batch);
      tc_rng rng = { 17 + t };
      size_t nx = (size_t) batch * tl.L.in_size;
      for (size_t i = 0; i < nx; i++)
        tl.x[i] = (float) bp_rng_below (&rng, 3);
      for (int i = 0; i < 9; i++)
        tl.x[bp_rng_below (&rng, nx)] = NAN;
      tl.L.ops->forward (&tl.L, batch, true);
      int oh = tl.L.out.dims[1], ow = tl.L.out.dims[2];
      for (size_t i = 0; i < (size_t) batch * tl.L.out_size; i++)
        tl.L.dy[i] = (float) (i + 1);
      tl.L.ops->backward (&tl.L, batch);
      float *dx = g_new0 (float, nx);
      for (int n = 0; n < batch; n++)
        for (int ch = 0; ch < C; ch++)
          for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
              {
                size_t plane = (size_t) n * tl.L.in_size + (size_t) ch * H * W;
                size_t best_i = plane + (size_t) (oy * k[2] * W + ox * k[3]);
                for (int i = 0; i < k[0]; i++)
                  for (int j = 0; j < k[1]; j++)
                    {
                      size_t at = plane + (size_t) ((oy * k[2] + i) * W + ox * k[3] + j);
                      if (tl.x[at] > tl.x[best_i] || isnan (tl.x[at]))
                        best_i = at;
                    }
                size_t o = (size_t) n * tl.L.out_size + (size_t) (ch * oh + oy) * ow + ox;
                float got = tl.L.y[o], want = tl.x[best_i];
                g_assert_true (got == want || (isnan (got) && isnan (want)));
                dx[best_i] += tl.L.dy[o];
              }
      for (size_t i = 0; i < nx; i++)
        g_assert_cmpfloat (tl.L.dx[i], ==, dx[i]);
      g_free (dx);
      test_layer_clear (&tl);
    }
}

/* The batch split over workers (threads) gives the same outputs and input gradients as one
 * thread, bit for bit (each sample is computed the same way wherever it runs), and the same
 * parameter gradients up to the order of the sums. */
typedef struct run_result {
  float *y, *dx, *grads;
} run_result;

static run_result
run_layer (const bp_layer_spec *ls, bp_shape in, int batch, int threads)
{
  bp_blas_set_threads (threads);
  test_layer t;
  test_layer_make (&t, ls, in, batch);
  tc_rng rng = { 5 };
  size_t nx = (size_t) batch * t.L.in_size, ny = (size_t) batch * t.L.out_size;
  tc_fill (&rng, t.x, nx, 1.0f);
  tc_fill (&rng, t.L.dy, ny, 1.0f);
  t.L.ops->forward (&t.L, batch, true);
  t.L.ops->backward (&t.L, batch);
  run_result r = { g_memdup2 (t.L.y, ny * sizeof (float)), g_memdup2 (t.L.dx, nx * sizeof (float)),
                   g_memdup2 (t.L.grads, (t.L.n_params + 1) * sizeof (float)) };
  test_layer_clear (&t);
  return r;
}

static void
compare_workers (const bp_layer_spec *ls, bp_shape in, int batch, size_t n_params)
{
  int saved = bp_blas_get_threads ();
  run_result one = run_layer (ls, in, batch, 1), three = run_layer (ls, in, batch, 3);
  bp_blas_set_threads (saved);
  size_t ny = 0, nx = (size_t) batch * bp_shape_size (in);
  {
    bp_shape out;
    size_t np, nb;
    char err[128];
    g_assert_cmpint (bp_layer_ops_for (ls->kind)->infer (ls, in, &out, &np, &nb, err, sizeof err),
                     ==, 0);
    ny = (size_t) batch * bp_shape_size (out);
    g_assert_cmpuint (np, ==, n_params);
  }
  g_assert_cmpmem (one.y, ny * sizeof (float), three.y, ny * sizeof (float));
  g_assert_cmpmem (one.dx, nx * sizeof (float), three.dx, nx * sizeof (float));
  for (size_t i = 0; i < n_params; i++)
    g_assert_cmpfloat_with_epsilon (one.grads[i], three.grads[i],
                                    1e-5 * (1 + fabs (one.grads[i])));
  g_free (one.y), g_free (one.dx), g_free (one.grads);
  g_free (three.y), g_free (three.dx), g_free (three.grads);
}

static void
test_workers_count (void)
{
  int saved = bp_blas_get_threads ();
  bp_blas_set_threads (1);
  g_assert_cmpint (bp_workers_for (10, 1e6, 0), ==, 1); /* follows BLAS by default */
  bp_workers_set_threads (3);
  g_assert_cmpint (bp_workers_get_threads (), ==, 3);
  g_assert_cmpint (bp_workers_for (10, 1e6, 0), ==, 3);
  g_assert_cmpint (bp_workers_for (2, 1e6, 0), ==, 2);   /* no more workers than items */
  g_assert_cmpint (bp_workers_for (10, 1.0, 100), ==, 1); /* too little work */
  bp_workers_set_threads (64);
  g_assert_cmpint (bp_workers_for (100, 1e6, 0), ==, BP_MAX_WORKERS);
  bp_workers_set_threads (0);
  g_assert_cmpint (bp_workers_get_threads (), ==, 1);
  bp_blas_set_threads (saved);
}

static void
test_workers_agree (void)
{
  bp_layer_spec ls;
  /* 5 x 18 x 400 multiply-adds a sample, 7 samples: enough for three workers (3, 2, 2) */
  const conv_case k = { "workers", 7, 2, 20, 20, 5, 3, 3, 1, 1, BP_PADDING_SAME, true,
                        BP_ACT_GELU };
  conv_spec (&k, &ls);
  compare_workers (&ls, (bp_shape) { 3, { 2, 20, 20 } }, 7, 5 * 18 + 5);
  ls.u.conv2d.activation = BP_ACT_RELU;
  ls.u.conv2d.use_bias = false;
  compare_workers (&ls, (bp_shape) { 3, { 2, 20, 20 } }, 7, 5 * 18);
  pool_spec (&ls, BP_LAYER_MAXPOOL2D, 2, 2, 2, 2);
  compare_workers (&ls, (bp_shape) { 3, { 4, 40, 40 } }, 33, 0);
  pool_spec (&ls, BP_LAYER_AVGPOOL2D, 3, 3, 2, 2);
  compare_workers (&ls, (bp_shape) { 3, { 4, 40, 40 } }, 33, 0);
  bp_layer_spec_defaults (&ls, BP_LAYER_GLOBAL_AVGPOOL2D);
  compare_workers (&ls, (bp_shape) { 3, { 4, 40, 40 } }, 33, 0);
}

typedef struct pool_case {
  const char *name;
  bp_layer_kind kind;
  int batch, c, h, w, size_h, size_w, stride_h, stride_w;
} pool_case;

static const pool_case pool_cases[] = {
  { "max-2x2-s2-floor", BP_LAYER_MAXPOOL2D, 2, 3, 5, 7, 2, 2, 2, 2 },
  { "max-3x3-s2-overlap", BP_LAYER_MAXPOOL2D, 1, 2, 7, 6, 3, 3, 2, 2 },
  { "max-2x3-s1x2", BP_LAYER_MAXPOOL2D, 3, 1, 4, 7, 2, 3, 1, 2 },
  { "max-2x2-s2-wide", BP_LAYER_MAXPOOL2D, 2, 2, 4, 19, 2, 2, 2, 2 },
  { "avg-2x2-s2", BP_LAYER_AVGPOOL2D, 2, 3, 6, 5, 2, 2, 2, 2 },
  { "avg-3x2-s1", BP_LAYER_AVGPOOL2D, 3, 2, 5, 4, 3, 2, 1, 1 },
  { "global-avg", BP_LAYER_GLOBAL_AVGPOOL2D, 3, 4, 3, 5, 0, 0, 0, 0 },
  { "flatten", BP_LAYER_FLATTEN, 3, 2, 3, 4, 0, 0, 0, 0 },
};

static void
test_pool_gradcheck (gconstpointer data)
{
  const pool_case *k = data;
  bp_layer_spec ls;
  pool_spec (&ls, k->kind, k->size_h, k->size_w, k->stride_h, k->stride_w);
  /* Max pooling's inputs are distinct and far apart next to the step, so no nudge changes
   * which value wins. */
  tc_gradcheck (&ls, (bp_shape) { 3, { k->c, k->h, k->w } }, k->batch, 5,
                k->kind == BP_LAYER_MAXPOOL2D, 1);
}

static void
test_flatten_shape (void)
{
  bp_layer_spec ls;
  bp_layer_spec_defaults (&ls, BP_LAYER_FLATTEN);
  test_layer t;
  test_layer_make (&t, &ls, (bp_shape) { 3, { 32, 7, 7 } }, 2);
  g_assert_cmpint (t.L.out.rank, ==, 1);
  g_assert_cmpint (t.L.out.dims[0], ==, 1568);
  test_layer_clear (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* three threads, whatever the machine: the big cases then split their batch over workers */
  bp_blas_set_threads (3);
  g_test_add_func ("/conv/window-axis", test_window_axis);
  g_test_add_func ("/conv/col2im-adjoint", test_col2im_adjoint);
  for (size_t i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      char *p = g_strdup_printf ("/conv/direct/%s", conv_cases[i].name);
      g_test_add_data_func (p, &conv_cases[i], test_conv_direct);
      g_free (p);
      p = g_strdup_printf ("/conv/gradcheck/%s", conv_cases[i].name);
      g_test_add_data_func (p, &conv_cases[i], test_conv_gradcheck);
      g_free (p);
    }
  g_test_add_func ("/pool/max-values", test_maxpool_values);
  g_test_add_func ("/pool/avg-values", test_avgpool_values);
  g_test_add_func ("/pool/max-ties-nan", test_maxpool_ties);
  for (size_t i = 0; i < G_N_ELEMENTS (pool_cases); i++)
    {
      char *p = g_strdup_printf ("/pool/gradcheck/%s", pool_cases[i].name);
      g_test_add_data_func (p, &pool_cases[i], test_pool_gradcheck);
      g_free (p);
    }
  g_test_add_func ("/flatten/shape", test_flatten_shape);
  g_test_add_func ("/workers/count", test_workers_count);
  g_test_add_func ("/workers/agree", test_workers_agree);
  return g_test_run ();
}
