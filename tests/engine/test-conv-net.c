/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conv layers put together: two small conv nets against PyTorch (forward, and the gradients of
 * every parameter and of the input; numbers in conv-reference.h from torch_conv_reference.py),
 * shape inference errors in words, and a small CNN that learns horizontal vs vertical bars. */
#include "engine/layer.h"
#include "engine/net.h"
#include "engine/spec.h"
#include "tests/engine/conv-reference.h"
#include "tests/engine/test-conv-util.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a chain of layers with their own buffers ---- */

#define MAX_CHAIN 8

typedef struct chain {
  test_layer t[MAX_CHAIN];
  int n, batch;
} chain;

static void
chain_build (chain *c, const bp_layer_spec *specs, int n, bp_shape in, int batch)
{
  c->n = n;
  c->batch = batch;
  for (int i = 0; i < n; i++)
    {
      test_layer_make (&c->t[i], &specs[i], in, batch);
      in = c->t[i].L.out;
    }
  /* each layer reads the previous one's y and adds into its dy */
  for (int i = 1; i < n; i++)
    {
      c->t[i].L.x = c->t[i - 1].L.y;
      c->t[i].L.dx = c->t[i - 1].L.dy;
    }
}

static void
chain_clear (chain *c)
{
  for (int i = 0; i < c->n; i++)
    test_layer_clear (&c->t[i]);
}

static const float *
chain_forward_backward (chain *c, const float *x, const float *r)
{
  memcpy (c->t[0].x, x, (size_t) c->batch * c->t[0].L.in_size * sizeof (float));
  for (int i = 0; i < c->n; i++)
    {
      bp_layer *L = &c->t[i].L;
      memset (L->grads, 0, (L->n_params + 1) * sizeof (float));
      memset (L->dy, 0, (size_t) c->batch * L->out_size * sizeof (float));
      memset (L->dx, 0, (size_t) c->batch * L->in_size * sizeof (float));
      L->ops->forward (L, c->batch, true);
    }
  bp_layer *last = &c->t[c->n - 1].L;
  memcpy (last->dy, r, (size_t) c->batch * last->out_size * sizeof (float));
  for (int i = c->n - 1; i >= 0; i--)
    c->t[i].L.ops->backward (&c->t[i].L, c->batch);
  return last->y;
}

/* float32 against float32, a few ulps of accumulated rounding apart */
static void
assert_near (const char *what, const float *got, const float *want, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      double d = fabs ((double) got[i] - want[i]);
      if (!(d <= 1e-5 + 1e-4 * fabs ((double) want[i])))
        g_error ("%s[%zu] = %.9g, PyTorch %.9g", what, i, got[i], want[i]);
    }
}

static void
conv_layer (bp_layer_spec *ls, const char *name, int filters, int kh, int kw, int sh, int sw,
            bp_padding pad, bool bias, bp_act act)
{
  bp_layer_spec_defaults (ls, BP_LAYER_CONV2D);
  g_strlcpy (ls->name, name, sizeof ls->name);
  bp_conv2d_cfg *c = &ls->u.conv2d;
  c->filters = filters;
  c->kernel_h = kh, c->kernel_w = kw, c->stride_h = sh, c->stride_w = sw;
  c->padding = pad;
  c->use_bias = bias;
  c->activation = act;
}

static void
other_layer (bp_layer_spec *ls, bp_layer_kind kind, const char *name, int ph, int pw, int sh,
             int sw)
{
  bp_layer_spec_defaults (ls, kind);
  g_strlcpy (ls->name, name, sizeof ls->name);
  ls->u.pool.size_h = ph, ls->u.pool.size_w = pw;
  ls->u.pool.stride_h = sh, ls->u.pool.stride_w = sw;
}

/* Copies a reference tensor into a parameter view, checking it has the size the engine gave. */
static void
load_view (bp_layer *L, int view, const float *v, size_t n)
{
  bp_param_view views[BP_MAX_PARAM_VIEWS];
  int nv = L->ops->param_views (L, views);
  g_assert_cmpint (view, <, nv);
  size_t size = 1;
  for (int d = 0; d < views[view].rank; d++)
    size *= (size_t) views[view].dims[d];
  g_assert_cmpuint (size, ==, n);
  memcpy (views[view].value, v, n * sizeof *v);
}

static const float *
grad_of (bp_layer *L, int view)
{
  bp_param_view views[BP_MAX_PARAM_VIEWS];
  L->ops->param_views (L, views);
  return views[view].grad;
}

static void
test_torch_net_a (void)
{
  bp_layer_spec s[4];
  conv_layer (&s[0], "conv1", 4, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_RELU);
  other_layer (&s[1], BP_LAYER_MAXPOOL2D, "pool1", 2, 2, 2, 2);
  conv_layer (&s[2], "conv2", 5, 2, 2, 2, 2, BP_PADDING_SAME, true, BP_ACT_TANH);
  other_layer (&s[3], BP_LAYER_FLATTEN, "flat", 0, 0, 0, 0);
  chain c;
  chain_build (&c, s, 4, (bp_shape) { 3, { 2, 7, 6 } }, 3);
  g_assert_cmpint (c.t[3].L.out.dims[0], ==, 20);
  bp_layer *c1 = &c.t[0].L, *c2 = &c.t[2].L;
  /* the weight views have PyTorch's (out, in, kh, kw) shape */
  bp_param_view v[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (c2->ops->param_views (c2, v), ==, 2);
  g_assert_cmpstr (v[0].suffix, ==, "weight");
  g_assert_cmpint (v[0].rank, ==, 4);
  g_assert_true (v[0].dims[0] == 5 && v[0].dims[1] == 4 && v[0].dims[2] == 2
                 && v[0].dims[3] == 2);
  g_assert_true (v[0].penalised);
  g_assert_cmpstr (v[1].suffix, ==, "bias");
  g_assert_false (v[1].penalised);

  load_view (c1, 0, bp_ref_conv_a_w1, G_N_ELEMENTS (bp_ref_conv_a_w1));
  load_view (c1, 1, bp_ref_conv_a_b1, G_N_ELEMENTS (bp_ref_conv_a_b1));
  load_view (c2, 0, bp_ref_conv_a_w2, G_N_ELEMENTS (bp_ref_conv_a_w2));
  load_view (c2, 1, bp_ref_conv_a_b2, G_N_ELEMENTS (bp_ref_conv_a_b2));
  const float *y = chain_forward_backward (&c, bp_ref_conv_a_x, bp_ref_conv_a_r);
  assert_near ("y", y, bp_ref_conv_a_y, G_N_ELEMENTS (bp_ref_conv_a_y));
  assert_near ("dw1", grad_of (c1, 0), bp_ref_conv_a_dw1, G_N_ELEMENTS (bp_ref_conv_a_dw1));
  assert_near ("db1", grad_of (c1, 1), bp_ref_conv_a_db1, G_N_ELEMENTS (bp_ref_conv_a_db1));
  assert_near ("dw2", grad_of (c2, 0), bp_ref_conv_a_dw2, G_N_ELEMENTS (bp_ref_conv_a_dw2));
  assert_near ("db2", grad_of (c2, 1), bp_ref_conv_a_db2, G_N_ELEMENTS (bp_ref_conv_a_db2));
  assert_near ("dx", c1->dx, bp_ref_conv_a_dx, G_N_ELEMENTS (bp_ref_conv_a_dx));
  chain_clear (&c);
}

static void
test_torch_net_b (void)
{
  bp_layer_spec s[5];
  conv_layer (&s[0], "conv1", 2, 2, 3, 2, 1, BP_PADDING_VALID, false, BP_ACT_GELU);
  other_layer (&s[1], BP_LAYER_AVGPOOL2D, "avg", 2, 2, 1, 1);
  conv_layer (&s[2], "conv2", 3, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_LINEAR);
  other_layer (&s[3], BP_LAYER_MAXPOOL2D, "max", 2, 3, 1, 2);
  other_layer (&s[4], BP_LAYER_GLOBAL_AVGPOOL2D, "gap", 0, 0, 0, 0);
  chain c;
  chain_build (&c, s, 5, (bp_shape) { 3, { 3, 6, 8 } }, 2);
  bp_layer *c1 = &c.t[0].L, *c2 = &c.t[2].L;
  bp_param_view v[BP_MAX_PARAM_VIEWS];
  g_assert_cmpint (c1->ops->param_views (c1, v), ==, 1); /* no bias */
  load_view (c1, 0, bp_ref_conv_b_w1, G_N_ELEMENTS (bp_ref_conv_b_w1));
  load_view (c2, 0, bp_ref_conv_b_w2, G_N_ELEMENTS (bp_ref_conv_b_w2));
  load_view (c2, 1, bp_ref_conv_b_b2, G_N_ELEMENTS (bp_ref_conv_b_b2));
  const float *y = chain_forward_backward (&c, bp_ref_conv_b_x, bp_ref_conv_b_r);
  assert_near ("y", y, bp_ref_conv_b_y, G_N_ELEMENTS (bp_ref_conv_b_y));
  assert_near ("dw1", grad_of (c1, 0), bp_ref_conv_b_dw1, G_N_ELEMENTS (bp_ref_conv_b_dw1));
  assert_near ("dw2", grad_of (c2, 0), bp_ref_conv_b_dw2, G_N_ELEMENTS (bp_ref_conv_b_dw2));
  assert_near ("db2", grad_of (c2, 1), bp_ref_conv_b_db2, G_N_ELEMENTS (bp_ref_conv_b_db2));
  assert_near ("dx", c1->dx, bp_ref_conv_b_dx, G_N_ELEMENTS (bp_ref_conv_b_dx));
  chain_clear (&c);
}

/* ---- shape inference in words (each kind's own check) ---- */

static char *
infer_error (const bp_layer_spec *ls, bp_shape in)
{
  char err[256] = "";
  bp_shape out;
  size_t np, nb;
  int rc = bp_layer_ops_for (ls->kind)->infer (ls, in, &out, &np, &nb, err, sizeof err);
  g_assert_cmpint (rc, ==, -1);
  g_assert_cmpstr (err, !=, "");
  return g_strdup (err);
}

static void
assert_says (char *msg, const char *part)
{
  if (strstr (msg, part) == NULL)
    g_error ("message \"%s\" does not say \"%s\"", msg, part);
  g_free (msg);
}

static void
test_infer_errors (void)
{
  bp_shape img = { 3, { 1, 4, 4 } };
  bp_layer_spec ls;
  conv_layer (&ls, "c", 8, 5, 5, 1, 1, BP_PADDING_VALID, true, BP_ACT_RELU);
  assert_says (infer_error (&ls, img), "5x5 kernel, larger than its 4x4 input");
  ls.u.conv2d.padding = BP_PADDING_SAME; /* zeros make room: fine */
  {
    char err[64];
    bp_shape out;
    size_t np, nb;
    g_assert_cmpint (bp_conv2d_ops.infer (&ls, img, &out, &np, &nb, err, sizeof err), ==, 0);
    g_assert_cmpint (out.dims[0], ==, 8);
    g_assert_cmpint (out.dims[1], ==, 4);
    g_assert_cmpuint (np, ==, 8 * 25 + 8);
  }
  conv_layer (&ls, "c", 8, 3, 3, 0, 1, BP_PADDING_SAME, true, BP_ACT_RELU);
  assert_says (infer_error (&ls, img), "stride 0x1; a stride must be at least 1");
  conv_layer (&ls, "c", 8, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_RELU);
  ls.u.conv2d.in_channels = 3;
  assert_says (infer_error (&ls, img), "expects 3 input channels, but its input (1, 4, 4) has 1");
  ls.u.conv2d.in_channels = 0;
  assert_says (infer_error (&ls, bp_shape_vec (784)), "needs an image input");
  ls.u.conv2d.filters = 0;
  assert_says (infer_error (&ls, img), "0 filters");
  conv_layer (&ls, "c", 8, 3, 0, 1, 1, BP_PADDING_SAME, true, BP_ACT_RELU);
  assert_says (infer_error (&ls, img), "3x0 kernel");
  conv_layer (&ls, "c", 8, 3, 3, 1, 1, BP_PADDING_SAME, true, BP_ACT_SOFTMAX);
  assert_says (infer_error (&ls, img), "softmax");

  other_layer (&ls, BP_LAYER_MAXPOOL2D, "p", 5, 2, 2, 2);
  assert_says (infer_error (&ls, img), "5x2 pool, larger than its 4x4 input");
  other_layer (&ls, BP_LAYER_AVGPOOL2D, "p", 2, 2, 2, 0);
  assert_says (infer_error (&ls, img), "stride 2x0");
  other_layer (&ls, BP_LAYER_MAXPOOL2D, "p", 2, 2, 2, 2);
  assert_says (infer_error (&ls, bp_shape_vec (16)), "needs an image input");
  other_layer (&ls, BP_LAYER_GLOBAL_AVGPOOL2D, "p", 0, 0, 0, 0);
  assert_says (infer_error (&ls, bp_shape_vec (16)), "needs an image input");
}

/* ---- through the spec reader and the network ---- */

static bp_spec *
parse_ok (const char *json)
{
  char err[512] = "";
  bp_spec *s = bp_spec_parse (json, strlen (json), err, sizeof err);
  if (s == NULL)
    g_error ("spec refused: %s", err);
  return s;
}

static void
assert_refused (const char *json, const char *part)
{
  char err[512] = "";
  bp_spec *s = bp_spec_parse (json, strlen (json), err, sizeof err);
  g_assert_null (s);
  if (strstr (err, part) == NULL)
    g_error ("message \"%s\" does not say \"%s\"", err, part);
}

#define SPEC_HEAD "{ \"format\": \"backprop-spec\", \"version\": 1, "
#define SPEC_TAIL "], \"loss\": \"cross_entropy\" }"

/* W3 of the benchmarks: 206,922 parameters, as WORKLOADS.md counts them. */
static void
test_spec_w3 (void)
{
  bp_spec *s = parse_ok (
    SPEC_HEAD "\"input\": { \"shape\": [1, 28, 28] }, \"layers\": ["
    "{ \"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\", "
    "  \"activation\": \"relu\" },"
    "{ \"type\": \"maxpool2d\", \"pool_size\": 2 },"
    "{ \"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": 3, \"padding\": \"same\", "
    "  \"activation\": \"relu\" },"
    "{ \"type\": \"maxpool2d\", \"pool_size\": 2 },"
    "{ \"type\": \"flatten\" },"
    "{ \"type\": \"dense\", \"units\": 128, \"activation\": \"relu\" },"
    "{ \"type\": \"dense\", \"units\": 10 }" SPEC_TAIL);
  bp_layer_info info[7];
  char err[256];
  g_assert_cmpint (bp_spec_infer (s, info, err, sizeof err), ==, 0);
  g_assert_cmpuint (bp_spec_param_count (s), ==, 206922);
  g_assert_cmpint (info[3].out.rank, ==, 3);
  g_assert_true (info[3].out.dims[0] == 32 && info[3].out.dims[1] == 7
                 && info[3].out.dims[2] == 7);
  g_assert_cmpint (info[4].out.dims[0], ==, 1568);
  g_assert_cmpuint (info[0].n_params, ==, 16 * 9 + 16);
  g_assert_cmpuint (info[2].n_params, ==, 32 * 16 * 9 + 32);

  /* PyTorch's default init, weights and biases alike: U(+-1/sqrt(fan_in)), a conv's fan_in
   * being in_channels * kh * kw (9, 144), a dense layer's its inputs (1568, 128). A wrong fan
   * shows as values past the bound, or none in its upper half. */
  static const double fan_in[8] = { 9, 9, 144, 144, 1568, 1568, 128, 128 };
  bp_net *net = bp_net_create (s, err, sizeof err);
  g_assert_nonnull (net);
  int n = 0;
  bp_named_tensor *t = bp_net_named_tensors (net, &n);
  g_assert_cmpint (n, ==, 8);
  for (int k = 0; k < n; k++)
    {
      size_t count = 1;
      for (int d = 0; d < t[k].view.rank; d++)
        count *= (size_t) t[k].view.dims[d];
      double bound = 1.0 / sqrt (fan_in[k]), top = 0;
      for (size_t i = 0; i < count; i++)
        top = fmax (top, fabs (t[k].view.value[i]));
      if (!(top <= bound && top > 0.5 * bound))
        g_error ("%s: largest |value| %g, bound %g", t[k].name, top, bound);
    }
  free (t);
  bp_net_free (net);
  bp_spec_free (s);
}

/* The reader names the layer before the kind's own words. */
static void
test_spec_errors (void)
{
  assert_refused (SPEC_HEAD "\"input\": { \"shape\": [1, 4, 4] }, \"layers\": ["
                  "{ \"type\": \"conv2d\", \"name\": \"big\", \"filters\": 2, "
                  "  \"kernel_size\": 5 }, { \"type\": \"flatten\" }" SPEC_TAIL,
                  "layer 1 'big' has a 5x5 kernel, larger than its 4x4 input");
  assert_refused (SPEC_HEAD "\"input\": { \"shape\": [3, 8, 8] }, \"layers\": ["
                  "{ \"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3 },"
                  "{ \"type\": \"conv2d\", \"name\": \"second\", \"filters\": 2, "
                  "  \"kernel_size\": 3, \"in_channels\": 3 }, { \"type\": \"flatten\" }"
                  SPEC_TAIL,
                  "layer 2 'second' expects 3 input channels, but its input (4, 6, 6) has 4");
  assert_refused (SPEC_HEAD "\"input\": { \"shape\": [784] }, \"layers\": ["
                  "{ \"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3 },"
                  "{ \"type\": \"flatten\" }" SPEC_TAIL,
                  "needs an image input (channels, height, width), but gets (784)");
  assert_refused (SPEC_HEAD "\"input\": { \"shape\": [1, 8, 8] }, \"layers\": ["
                  "{ \"type\": \"maxpool2d\", \"name\": \"p\", \"pool_size\": [2, 9] },"
                  "{ \"type\": \"flatten\" }" SPEC_TAIL,
                  "layer 1 'p' has a 2x9 pool, larger than its 8x8 input");
}

/* 8x8 images holding one bright row (class 0) or one bright column (class 1) at a random
 * place, over noise. */
#define BARS_SIDE 8
static void
bars (tc_rng *rng, int n, float *x, int32_t *labels)
{
  for (int i = 0; i < n; i++)
    {
      float *img = x + (size_t) i * BARS_SIDE * BARS_SIDE;
      int vertical = (int) bp_rng_below (rng, 2);
      int at = (int) bp_rng_below (rng, BARS_SIDE);
      for (int r = 0; r < BARS_SIDE; r++)
        for (int c = 0; c < BARS_SIDE; c++)
          img[r * BARS_SIDE + c] = (float) (0.3 * bp_rng_uniform (rng))
                                   + ((vertical ? c : r) == at ? 0.7f : 0.0f);
      labels[i] = vertical;
    }
}

static void
test_learns_bars (void)
{
  bp_spec *s = parse_ok (
    SPEC_HEAD "\"input\": { \"shape\": [1, 8, 8] }, \"layers\": ["
    "{ \"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", "
    "  \"activation\": \"relu\" },"
    "{ \"type\": \"maxpool2d\", \"pool_size\": 2 },"
    "{ \"type\": \"flatten\" },"
    "{ \"type\": \"dense\", \"units\": 2 }"
    "], \"loss\": \"cross_entropy\", \"optimizer\": { \"type\": \"adam\", \"lr\": 0.01 }, "
    "\"training\": { \"batch_size\": 16, \"seed\": 5 } }");
  enum { N_TRAIN = 256, N_TEST = 200, BATCH = 16, PIX = BARS_SIDE * BARS_SIDE };
  float *xtr = g_new (float, N_TRAIN * PIX), *xte = g_new (float, N_TEST * PIX);
  int32_t ltr[N_TRAIN], lte[N_TEST];
  tc_rng rng = { 99 };
  bars (&rng, N_TRAIN, xtr, ltr);
  bars (&rng, N_TEST, xte, lte);

  char err[256] = "";
  bp_net *net = bp_net_create (s, err, sizeof err);
  if (net == NULL)
    g_error ("bp_net_create: %s", err);
  g_assert_cmpint (bp_net_compile (net, BATCH, err, sizeof err), ==, 0);
  int correct = 0;
  bp_batch test = { .x = xte, .labels = lte, .n = N_TEST };
  double before = bp_net_eval_batch (net, &test, &correct) / N_TEST;
  for (int epoch = 0; epoch < 20; epoch++)
    for (int b = 0; b < N_TRAIN; b += BATCH)
      {
        bp_batch batch = { .x = xtr + (size_t) b * PIX, .labels = ltr + b, .n = BATCH };
        g_assert_cmpint (bp_net_train_step (net, &batch, NULL), ==, BP_STEP_OK);
      }
  double after = bp_net_eval_batch (net, &test, &correct) / N_TEST;
  g_test_message ("bars: test loss %.4f -> %.4f, %d / %d right", before, after, correct, N_TEST);
  g_assert_cmpfloat (after, <, 0.1 * before);
  g_assert_cmpint (correct, ==, N_TEST);
  bp_net_free (net);
  bp_spec_free (s);
  g_free (xtr);
  g_free (xte);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/conv-net/torch-net-a", test_torch_net_a);
  g_test_add_func ("/conv-net/torch-net-b", test_torch_net_b);
  g_test_add_func ("/conv-net/infer-errors", test_infer_errors);
  g_test_add_func ("/conv-net/spec-w3", test_spec_w3);
  g_test_add_func ("/conv-net/spec-errors", test_spec_errors);
  g_test_add_func ("/conv-net/learns-bars", test_learns_bars);
  return g_test_run ();
}
