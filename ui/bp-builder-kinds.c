/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's words about each block kind, and its settings table. The ranges are those of
 * docs/spec-format.md; tests/ui/test-graph.c checks them against the engine's checks. */
#include "bp-builder-kinds.h"

#include <math.h>
#include <stddef.h>

static const bp_block_kind_info kind_info[BP_BLOCK_COUNT] = {
  [BP_LAYER_DENSE] = {
    "Dense", "bp-layer-dense-symbolic", "Every output sees every input",
    "Each output is a weighted sum of all the inputs plus a bias, passed through the "
    "activation. An image is read as one long row of values.",
    "y = f(W·x + b),   W: (units, inputs)", "units × inputs + units (bias)", 1 },
  [BP_LAYER_ACTIVATION] = {
    "Activation", "bp-layer-activation-symbolic", "A function applied to every value",
    "Applies one function to each value on its own; it has no weights. Without a non-linear "
    "function between them, stacked dense layers are one linear map. Softmax turns scores "
    "into probabilities (leave it out with the cross-entropy loss: the loss applies it).",
    "y = f(x)", NULL, 2 },
  [BP_LAYER_DROPOUT] = {
    "Dropout", "bp-layer-dropout-symbolic", "Randomly silences values while training",
    "While training, each value is set to zero with probability p and the others are scaled "
    "by 1/(1 − p), so the network cannot lean on any single unit. At test time it passes "
    "values through unchanged.",
    "y = m ⊙ x / (1 − p),   m ~ Bernoulli(1 − p)", NULL, 3 },
  [BP_LAYER_BATCHNORM] = {
    "Batch norm", "bp-layer-batchnorm-symbolic", "Normalises each feature over the batch",
    "Each feature (or each channel of an image) is normalised with the batch's mean and "
    "variance, then scaled and shifted by two learned numbers, γ and β. Running averages of "
    "the mean and variance are used at test time.",
    "y = γ · (x − μ_B) / √(σ²_B + ε) + β", "2 per feature or channel (γ, β)", 3 },
  [BP_LAYER_CONV2D] = {
    "Conv2D", "bp-layer-conv2d-symbolic", "Filters slid over an image",
    "Each filter is a small stack of weights (kernel height × width × input channels) slid "
    "over the image in steps of the stride; its response at every position makes one output "
    "channel. 'same' padding adds zeros so the output keeps the input's size (at stride 1).",
    "y[f,i,j] = f(b[f] + Σ_c,u,v W[f,c,u,v] · x[c, i·s+u, j·s+v])\n"
    "out = ⌊(in − k) / s⌋ + 1 (valid),   ⌈in / s⌉ (same)",
    "filters × channels × kh × kw + filters (bias)", 4 },
  [BP_LAYER_MAXPOOL2D] = {
    "MaxPool2D", "bp-layer-maxpool-symbolic", "Keeps the largest value of each window",
    "Keeps the largest value of each window of each channel: a smaller map that does not "
    "care where exactly inside the window a feature was.",
    "y[c,i,j] = max_u,v x[c, i·s+u, j·s+v],   out = ⌊(in − k) / s⌋ + 1", NULL, 5 },
  [BP_LAYER_AVGPOOL2D] = {
    "AvgPool2D", "bp-layer-avgpool-symbolic", "Averages each window",
    "Replaces each window of each channel by its mean: a smaller, smoother map.",
    "y[c,i,j] = (1 / (kh·kw)) Σ_u,v x[c, i·s+u, j·s+v]", NULL, 5 },
  [BP_LAYER_GLOBAL_AVGPOOL2D] = {
    "Global avg pool", "bp-layer-gap-symbolic", "One average per channel",
    "Averages each channel over the whole image, turning (C, H, W) into (C): a compact "
    "alternative to Flatten before the last dense layer.",
    "y[c] = (1 / (H·W)) Σ_i,j x[c,i,j]", NULL, 6 },
  [BP_LAYER_FLATTEN] = {
    "Flatten", "bp-layer-flatten-symbolic", "An image as one row of values",
    "Lays the image out as one row of C·H·W values, channel after channel (PyTorch's order), "
    "for the dense layers that follow.",
    "(C, H, W) → (C·H·W)", NULL, 6 },
  [BP_BLOCK_INPUT] = {
    "Input", "bp-layer-input-symbolic", "The shape of one sample",
    "Where the samples enter: (features) for rows of numbers, (channels, height, width) for "
    "images. It must match the dataset: Iris has 4 features, Fashion-MNIST is (1, 28, 28).",
    "x: (features) or (C, H, W)", NULL, 0 },
};

static const int palette_order[BP_BLOCK_COUNT] = {
  BP_BLOCK_INPUT,       BP_LAYER_DENSE,     BP_LAYER_ACTIVATION, BP_LAYER_DROPOUT,
  BP_LAYER_BATCHNORM,   BP_LAYER_CONV2D,    BP_LAYER_MAXPOOL2D,  BP_LAYER_AVGPOOL2D,
  BP_LAYER_GLOBAL_AVGPOOL2D, BP_LAYER_FLATTEN,
};

const int *
bp_block_palette_order (void)
{
  return palette_order;
}

const bp_block_kind_info *
bp_block_kind_info_get (int kind)
{
  return kind >= 0 && kind < BP_BLOCK_COUNT ? &kind_info[kind] : NULL;
}

static const struct {
  const char *title, *formula;
} act_words[BP_ACT_COUNT] = {
  [BP_ACT_LINEAR] = { "Linear (none)", "x" },
  [BP_ACT_RELU] = { "ReLU", "max(0, x)" },
  [BP_ACT_LEAKY_RELU] = { "Leaky ReLU", "x if x > 0, else α·x" },
  [BP_ACT_ELU] = { "ELU", "x if x > 0, else α·(eˣ − 1)" },
  [BP_ACT_GELU] = { "GELU", "x · Φ(x)" },
  [BP_ACT_SILU] = { "SiLU (swish)", "x · σ(x)" },
  [BP_ACT_SOFTPLUS] = { "Softplus", "ln(1 + eˣ)" },
  [BP_ACT_SIGMOID] = { "Sigmoid", "σ(x) = 1 / (1 + e⁻ˣ)" },
  [BP_ACT_TANH] = { "Tanh", "tanh(x)" },
  [BP_ACT_SOFTMAX] = { "Softmax", "eˣⁱ / Σⱼ eˣʲ" },
};

const char *
bp_act_formula (bp_act act)
{
  return (unsigned) act < BP_ACT_COUNT ? act_words[act].formula : "";
}

const char *
bp_act_title (bp_act act)
{
  return (unsigned) act < BP_ACT_COUNT ? act_words[act].title : "";
}

#define BIG 1048576.0
#define INPUT_MAX 16777216.0

static const bp_setting_info setting_info[BP_SET_COUNT] = {
  [BP_SET_UNITS] = { BP_SET_UNITS, "units", "Units", "1 to 1,048,576", BP_SETTING_INT, 1, BIG,
                     1, 0 },
  [BP_SET_FILTERS] = { BP_SET_FILTERS, "filters", "Filters", "1 to 1,048,576", BP_SETTING_INT,
                       1, BIG, 1, 0 },
  [BP_SET_KERNEL_H] = { BP_SET_KERNEL_H, "kernel_size", "Kernel height", "1 to 4096",
                        BP_SETTING_INT, 1, 4096, 1, 0 },
  [BP_SET_KERNEL_W] = { BP_SET_KERNEL_W, "kernel_size", "Kernel width", "1 to 4096",
                        BP_SETTING_INT, 1, 4096, 1, 0 },
  [BP_SET_STRIDE_H] = { BP_SET_STRIDE_H, "stride", "Stride (rows)", "1 to 4096", BP_SETTING_INT,
                        1, 4096, 1, 0 },
  [BP_SET_STRIDE_W] = { BP_SET_STRIDE_W, "stride", "Stride (columns)", "1 to 4096",
                        BP_SETTING_INT, 1, 4096, 1, 0 },
  [BP_SET_PADDING] = { BP_SET_PADDING, "padding", "Padding", "valid (none) or same",
                       BP_SETTING_CHOICE, 0, 1, 1, 0 },
  [BP_SET_POOL_H] = { BP_SET_POOL_H, "pool_size", "Window height",
                      "1 to 4096, at most the input's height", BP_SETTING_INT, 1, 4096, 1, 0 },
  [BP_SET_POOL_W] = { BP_SET_POOL_W, "pool_size", "Window width",
                      "1 to 4096, at most the input's width", BP_SETTING_INT, 1, 4096, 1, 0 },
  [BP_SET_ACTIVATION] = { BP_SET_ACTIVATION, "activation", "Activation",
                          "any function but softmax", BP_SETTING_CHOICE, 0, BP_ACT_COUNT - 1, 1,
                          0 },
  [BP_SET_FUNCTION] = { BP_SET_FUNCTION, "function", "Function", "any function",
                        BP_SETTING_CHOICE, 0, BP_ACT_COUNT - 1, 1, 0 },
  [BP_SET_ALPHA] = { BP_SET_ALPHA, "alpha", "Alpha (α)", "−10⁶ to 10⁶ (leaky ReLU 0.01, ELU 1)",
                     BP_SETTING_FLOAT, -1e6, 1e6, 0.01, 3 },
  [BP_SET_USE_BIAS] = { BP_SET_USE_BIAS, "use_bias", "Bias", "on or off", BP_SETTING_BOOL, 0, 1,
                        1, 0 },
  [BP_SET_WEIGHT_INIT] = { BP_SET_WEIGHT_INIT, "weight_init", "Weight initializer",
                           "default: U(±1/√fan_in), as PyTorch", BP_SETTING_CHOICE, 0,
                           BP_INIT_COUNT - 1, 1, 0 },
  [BP_SET_WEIGHT_A] = { BP_SET_WEIGHT_A, "weight_init.a", "Weights: a", "−10⁶ to 10⁶",
                        BP_SETTING_FLOAT, -1e6, 1e6, 0.01, 3 },
  [BP_SET_WEIGHT_B] = { BP_SET_WEIGHT_B, "weight_init.b", "Weights: b", "a to 10⁶",
                        BP_SETTING_FLOAT, -1e6, 1e6, 0.01, 3 },
  [BP_SET_BIAS_INIT] = { BP_SET_BIAS_INIT, "bias_init", "Bias initializer",
                         "default: U(±1/√fan_in), as PyTorch", BP_SETTING_CHOICE, 0,
                         BP_INIT_COUNT - 1, 1, 0 },
  [BP_SET_BIAS_A] = { BP_SET_BIAS_A, "bias_init.a", "Bias: a", "−10⁶ to 10⁶", BP_SETTING_FLOAT,
                      -1e6, 1e6, 0.01, 3 },
  [BP_SET_BIAS_B] = { BP_SET_BIAS_B, "bias_init.b", "Bias: b", "a to 10⁶", BP_SETTING_FLOAT,
                      -1e6, 1e6, 0.01, 3 },
  [BP_SET_L1] = { BP_SET_L1, "l1", "L1 penalty", "0 to 10⁶, on the weights",
                  BP_SETTING_FLOAT, 0, 1e6, 0.0001, 5 },
  [BP_SET_L2] = { BP_SET_L2, "l2", "L2 penalty", "0 to 10⁶, on the weights",
                  BP_SETTING_FLOAT, 0, 1e6, 0.0001, 5 },
  [BP_SET_RATE] = { BP_SET_RATE, "rate", "Drop rate (p)", "0 to less than 1", BP_SETTING_FLOAT,
                    0, 0.999, 0.05, 3 },
  [BP_SET_MOMENTUM] = { BP_SET_MOMENTUM, "momentum", "Momentum", "0 to 1 (PyTorch's meaning)",
                        BP_SETTING_FLOAT, 0, 1, 0.01, 3 },
  [BP_SET_EPS] = { BP_SET_EPS, "eps", "Epsilon (ε)", "more than 0, up to 1", BP_SETTING_FLOAT,
                   1e-8, 1, 1e-5, 8 },
  [BP_SET_IN_UNITS] = { BP_SET_IN_UNITS, "in_units", "Expected inputs",
                        "0 (whatever it is fed) to 16,777,216", BP_SETTING_INT, 0, INPUT_MAX, 1,
                        0 },
  [BP_SET_IN_CHANNELS] = { BP_SET_IN_CHANNELS, "in_channels", "Expected channels",
                           "0 (whatever it is fed) to 16,777,216", BP_SETTING_INT, 0,
                           INPUT_MAX, 1, 0 },
};

static const bp_setting dense_settings[] = {
  BP_SET_UNITS,       BP_SET_ACTIVATION, BP_SET_ALPHA,  BP_SET_USE_BIAS,  BP_SET_WEIGHT_INIT,
  BP_SET_WEIGHT_A,    BP_SET_WEIGHT_B,   BP_SET_BIAS_INIT, BP_SET_BIAS_A, BP_SET_BIAS_B,
  BP_SET_L1,          BP_SET_L2,         BP_SET_IN_UNITS,
};
static const bp_setting conv_settings[] = {
  BP_SET_FILTERS,  BP_SET_KERNEL_H,   BP_SET_KERNEL_W,    BP_SET_STRIDE_H,  BP_SET_STRIDE_W,
  BP_SET_PADDING,  BP_SET_ACTIVATION, BP_SET_ALPHA,       BP_SET_USE_BIAS,  BP_SET_WEIGHT_INIT,
  BP_SET_WEIGHT_A, BP_SET_WEIGHT_B,   BP_SET_BIAS_INIT,   BP_SET_BIAS_A,    BP_SET_BIAS_B,
  BP_SET_L1,       BP_SET_L2,         BP_SET_IN_CHANNELS,
};
static const bp_setting act_settings[] = { BP_SET_FUNCTION, BP_SET_ALPHA };
static const bp_setting dropout_settings[] = { BP_SET_RATE };
static const bp_setting bn_settings[] = { BP_SET_MOMENTUM, BP_SET_EPS };
static const bp_setting pool_settings[] = { BP_SET_POOL_H, BP_SET_POOL_W, BP_SET_STRIDE_H,
                                            BP_SET_STRIDE_W };

const bp_setting *
bp_kind_settings (bp_layer_kind kind, int *n)
{
#define RET(a) do { *n = (int) (sizeof a / sizeof a[0]); return a; } while (0)
  switch (kind)
    {
    case BP_LAYER_DENSE: RET (dense_settings);
    case BP_LAYER_CONV2D: RET (conv_settings);
    case BP_LAYER_ACTIVATION: RET (act_settings);
    case BP_LAYER_DROPOUT: RET (dropout_settings);
    case BP_LAYER_BATCHNORM: RET (bn_settings);
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D: RET (pool_settings);
    default:
      *n = 0;
      return NULL;
    }
#undef RET
}

const bp_setting_info *
bp_setting_info_get (bp_setting s)
{
  return (unsigned) s < BP_SET_COUNT ? &setting_info[s] : NULL;
}

/* The fused activation and initializers of dense and conv2d, which share their meaning. */
static bp_act *
fused_act (bp_layer_spec *ls, float **alpha)
{
  if (ls->kind == BP_LAYER_DENSE)
    return *alpha = &ls->u.dense.alpha, &ls->u.dense.activation;
  if (ls->kind == BP_LAYER_CONV2D)
    return *alpha = &ls->u.conv2d.alpha, &ls->u.conv2d.activation;
  if (ls->kind == BP_LAYER_ACTIVATION)
    return *alpha = &ls->u.activation.alpha, &ls->u.activation.fn;
  return *alpha = NULL, NULL;
}

static bp_init *
init_of (bp_layer_spec *ls, bool bias)
{
  if (ls->kind == BP_LAYER_DENSE)
    return bias ? &ls->u.dense.bias_init : &ls->u.dense.weight_init;
  if (ls->kind == BP_LAYER_CONV2D)
    return bias ? &ls->u.conv2d.bias_init : &ls->u.conv2d.weight_init;
  return NULL;
}

bool
bp_setting_applies (const bp_layer_spec *ls, bp_setting s)
{
  bp_layer_spec *m = (bp_layer_spec *) ls; /* read only below */
  float *alpha;
  bp_act *act = fused_act (m, &alpha);
  bp_init *w = init_of (m, false), *b = init_of (m, true);

  switch (s)
    {
    case BP_SET_ALPHA:
      return act != NULL && (*act == BP_ACT_LEAKY_RELU || *act == BP_ACT_ELU);
    case BP_SET_WEIGHT_A:
      return w != NULL && (w->kind == BP_INIT_CONSTANT || w->kind == BP_INIT_UNIFORM);
    case BP_SET_WEIGHT_B:
      return w != NULL && w->kind == BP_INIT_UNIFORM;
    case BP_SET_BIAS_INIT:
    case BP_SET_BIAS_A:
    case BP_SET_BIAS_B:
      if (b == NULL || !(ls->kind == BP_LAYER_DENSE ? ls->u.dense.use_bias
                                                    : ls->u.conv2d.use_bias))
        return false;
      return s == BP_SET_BIAS_INIT
             || (s == BP_SET_BIAS_A && (b->kind == BP_INIT_CONSTANT || b->kind == BP_INIT_UNIFORM))
             || (s == BP_SET_BIAS_B && b->kind == BP_INIT_UNIFORM);
    default:
      return true;
    }
}

static int *
int_field (bp_layer_spec *ls, bp_setting s)
{
  bool conv = ls->kind == BP_LAYER_CONV2D;
  bool pool = ls->kind == BP_LAYER_MAXPOOL2D || ls->kind == BP_LAYER_AVGPOOL2D;

  switch (s)
    {
    case BP_SET_UNITS: return &ls->u.dense.units;
    case BP_SET_IN_UNITS: return &ls->u.dense.in_units;
    case BP_SET_FILTERS: return &ls->u.conv2d.filters;
    case BP_SET_IN_CHANNELS: return &ls->u.conv2d.in_channels;
    case BP_SET_KERNEL_H: return &ls->u.conv2d.kernel_h;
    case BP_SET_KERNEL_W: return &ls->u.conv2d.kernel_w;
    case BP_SET_POOL_H: return &ls->u.pool.size_h;
    case BP_SET_POOL_W: return &ls->u.pool.size_w;
    case BP_SET_STRIDE_H:
      return conv ? &ls->u.conv2d.stride_h : pool ? &ls->u.pool.stride_h : NULL;
    case BP_SET_STRIDE_W:
      return conv ? &ls->u.conv2d.stride_w : pool ? &ls->u.pool.stride_w : NULL;
    default: return NULL;
    }
}

static float *
float_field (bp_layer_spec *ls, bp_setting s)
{
  float *alpha;
  bp_init *init;

  switch (s)
    {
    case BP_SET_ALPHA: fused_act (ls, &alpha); return alpha;
    case BP_SET_L1: return &ls->l1;
    case BP_SET_L2: return &ls->l2;
    case BP_SET_RATE: return &ls->u.dropout.rate;
    case BP_SET_MOMENTUM: return &ls->u.batchnorm.momentum;
    case BP_SET_EPS: return &ls->u.batchnorm.eps;
    case BP_SET_WEIGHT_A:
    case BP_SET_WEIGHT_B:
    case BP_SET_BIAS_A:
    case BP_SET_BIAS_B:
      init = init_of (ls, s == BP_SET_BIAS_A || s == BP_SET_BIAS_B);
      if (init == NULL)
        return NULL;
      return s == BP_SET_WEIGHT_A || s == BP_SET_BIAS_A ? &init->a : &init->b;
    default: return NULL;
    }
}

double
bp_setting_get (const bp_layer_spec *ls_const, bp_setting s)
{
  bp_layer_spec *ls = (bp_layer_spec *) ls_const; /* the accessors only read here */
  float *alpha;
  int *i;
  float *f;

  switch (s)
    {
    case BP_SET_USE_BIAS:
      return ls->kind == BP_LAYER_DENSE ? ls->u.dense.use_bias : ls->u.conv2d.use_bias;
    case BP_SET_PADDING:
      return ls->u.conv2d.padding;
    case BP_SET_ACTIVATION:
    case BP_SET_FUNCTION:
      {
        bp_act *act = fused_act (ls, &alpha);
        return act != NULL ? *act : 0;
      }
    case BP_SET_WEIGHT_INIT:
    case BP_SET_BIAS_INIT:
      {
        bp_init *init = init_of (ls, s == BP_SET_BIAS_INIT);
        return init != NULL ? init->kind : 0;
      }
    default:
      if ((i = int_field (ls, s)) != NULL)
        return *i;
      if ((f = float_field (ls, s)) != NULL)
        return *f;
      return 0;
    }
}

void
bp_setting_set (bp_layer_spec *ls, bp_setting s, double v)
{
  const bp_setting_info *info = bp_setting_info_get (s);
  float *alpha;
  int *i;
  float *f;

  if (info == NULL || !isfinite (v))
    return;
  v = v < info->min ? info->min : v > info->max ? info->max : v;
  if (info->type != BP_SETTING_FLOAT)
    v = round (v);
  switch (s)
    {
    case BP_SET_USE_BIAS:
      if (ls->kind == BP_LAYER_DENSE)
        ls->u.dense.use_bias = v != 0;
      else
        ls->u.conv2d.use_bias = v != 0;
      return;
    case BP_SET_PADDING:
      ls->u.conv2d.padding = (bp_padding) v;
      return;
    case BP_SET_ACTIVATION:
    case BP_SET_FUNCTION:
      {
        bp_act *act = fused_act (ls, &alpha);
        if (act == NULL || (s == BP_SET_ACTIVATION && (bp_act) v == BP_ACT_SOFTMAX))
          return;
        if (*act != (bp_act) v)
          *alpha = (bp_act) v == BP_ACT_LEAKY_RELU ? 0.01f : (bp_act) v == BP_ACT_ELU ? 1.0f : 0;
        *act = (bp_act) v;
        return;
      }
    case BP_SET_WEIGHT_INIT:
    case BP_SET_BIAS_INIT:
      {
        bp_init *init = init_of (ls, s == BP_SET_BIAS_INIT);
        if (init == NULL || init->kind == (bp_init_kind) v)
          return;
        /* Keras's defaults: Constant(0), RandomUniform(-0.05, 0.05). */
        *init = (bp_init) { .kind = (bp_init_kind) v };
        if (init->kind == BP_INIT_UNIFORM)
          init->a = -0.05f, init->b = 0.05f;
        return;
      }
    default:
      if ((i = int_field (ls, s)) != NULL)
        *i = (int) v;
      else if ((f = float_field (ls, s)) != NULL)
        *f = (float) v;
      return;
    }
}

int
bp_setting_choices (bp_layer_kind kind, bp_setting s, int *values, const char **titles, int max)
{
  int n = 0;

  switch (s)
    {
    case BP_SET_ACTIVATION:
    case BP_SET_FUNCTION:
      for (int a = 0; a < BP_ACT_COUNT && n < max; a++)
        if (a != BP_ACT_SOFTMAX || s == BP_SET_FUNCTION)
          {
            values[n] = a;
            titles[n++] = bp_act_title ((bp_act) a);
          }
      return n;
    case BP_SET_WEIGHT_INIT:
    case BP_SET_BIAS_INIT:
      for (int k = 0; k < BP_INIT_COUNT && n < max; k++)
        {
          values[n] = k;
          titles[n++] = bp_init_name ((bp_init_kind) k);
        }
      return n;
    case BP_SET_PADDING:
      if (max >= 2)
        {
          values[0] = BP_PADDING_VALID, titles[0] = "valid (no padding)";
          values[1] = BP_PADDING_SAME, titles[1] = "same (keep the size)";
          n = 2;
        }
      return n;
    default:
      (void) kind;
      return 0;
    }
}
