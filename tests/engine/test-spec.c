/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network spec: parsing with every value and default, the round trip through JSON, shape
 * inference and parameter counts against hand-computed values, and hostile input (each bad case
 * must be refused with a message that says what is wrong, in words). */
#include "engine/spec.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRLEN 512
/* A spec around a list of layers, for the bad cases. */
#define HEAD "{'format':'backprop-spec','version':1,'input':{'shape':[2]},"
#define TAIL ",'loss':'mse'}"

/* JSON written with single quotes for readability; names in these tests hold none. */
static char *
dq (const char *s)
{
  char *t = g_strdup (s);
  for (char *p = t; *p; p++)
    if (*p == '\'')
      *p = '"';
  return t;
}

static bp_spec *
parse_str (const char *single_quoted, char *err)
{
  g_autofree char *json = dq (single_quoted);
  return bp_spec_parse (json, strlen (json), err, ERRLEN);
}

static char *
spec_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "engine", "specs", name, NULL);
}

static bp_spec *
parse_file (const char *name, char *err)
{
  g_autofree char *path = spec_path (name);
  return bp_spec_parse_file (path, err, ERRLEN);
}

/* Fails with the message when it does not contain want. */
static void
assert_err_has (const char *err, const char *want)
{
  if (strstr (err, want) == NULL)
    g_error ("expected the message to contain\n  %s\nbut it is\n  %s", want, err);
}

static void
assert_bad (const char *single_quoted, const char *want)
{
  char err[ERRLEN] = "";
  bp_spec *s = parse_str (single_quoted, err);
  if (s != NULL)
    g_error ("this spec should have been refused (%s):\n%s", want, single_quoted);
  assert_err_has (err, want);
}

static void
assert_same_init (const bp_init *a, const bp_init *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpfloat (a->a, ==, b->a);
  g_assert_cmpfloat (a->b, ==, b->b);
}

/* Field by field, so a field the writer forgets shows up by name. */
static void
assert_same_spec (const bp_spec *a, const bp_spec *b)
{
  g_assert_cmpint (a->input.rank, ==, b->input.rank);
  for (int d = 0; d < a->input.rank; d++)
    g_assert_cmpint (a->input.dims[d], ==, b->input.dims[d]);
  g_assert_cmpint (a->n_layers, ==, b->n_layers);
  for (int i = 0; i < a->n_layers; i++)
    {
      const bp_layer_spec *x = &a->layers[i], *y = &b->layers[i];
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->input, ==, y->input);
      g_assert_cmpfloat (x->l1, ==, y->l1);
      g_assert_cmpfloat (x->l2, ==, y->l2);
      switch (x->kind)
        {
        case BP_LAYER_DENSE:
          g_assert_cmpint (x->u.dense.units, ==, y->u.dense.units);
          g_assert_cmpint (x->u.dense.in_units, ==, y->u.dense.in_units);
          g_assert_cmpint (x->u.dense.use_bias, ==, y->u.dense.use_bias);
          g_assert_cmpint (x->u.dense.activation, ==, y->u.dense.activation);
          g_assert_cmpfloat (x->u.dense.alpha, ==, y->u.dense.alpha);
          assert_same_init (&x->u.dense.weight_init, &y->u.dense.weight_init);
          assert_same_init (&x->u.dense.bias_init, &y->u.dense.bias_init);
          break;
        case BP_LAYER_ACTIVATION:
          g_assert_cmpint (x->u.activation.fn, ==, y->u.activation.fn);
          g_assert_cmpfloat (x->u.activation.alpha, ==, y->u.activation.alpha);
          break;
        case BP_LAYER_DROPOUT:
          g_assert_cmpfloat (x->u.dropout.rate, ==, y->u.dropout.rate);
          break;
        case BP_LAYER_BATCHNORM:
          g_assert_cmpfloat (x->u.batchnorm.momentum, ==, y->u.batchnorm.momentum);
          g_assert_cmpfloat (x->u.batchnorm.eps, ==, y->u.batchnorm.eps);
          break;
        case BP_LAYER_CONV2D:
          {
            const bp_conv2d_cfg *c = &x->u.conv2d, *d = &y->u.conv2d;
            g_assert_cmpint (c->filters, ==, d->filters);
            g_assert_cmpint (c->in_channels, ==, d->in_channels);
            g_assert_cmpint (c->kernel_h, ==, d->kernel_h);
            g_assert_cmpint (c->kernel_w, ==, d->kernel_w);
            g_assert_cmpint (c->stride_h, ==, d->stride_h);
            g_assert_cmpint (c->stride_w, ==, d->stride_w);
            g_assert_cmpint (c->padding, ==, d->padding);
            g_assert_cmpint (c->use_bias, ==, d->use_bias);
            g_assert_cmpint (c->activation, ==, d->activation);
            g_assert_cmpfloat (c->alpha, ==, d->alpha);
            assert_same_init (&c->weight_init, &d->weight_init);
            assert_same_init (&c->bias_init, &d->bias_init);
            break;
          }
        case BP_LAYER_MAXPOOL2D:
        case BP_LAYER_AVGPOOL2D:
          g_assert_cmpint (x->u.pool.size_h, ==, y->u.pool.size_h);
          g_assert_cmpint (x->u.pool.size_w, ==, y->u.pool.size_w);
          g_assert_cmpint (x->u.pool.stride_h, ==, y->u.pool.stride_h);
          g_assert_cmpint (x->u.pool.stride_w, ==, y->u.pool.stride_w);
          break;
        case BP_LAYER_GLOBAL_AVGPOOL2D:
        case BP_LAYER_FLATTEN:
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_assert_cmpint (a->loss, ==, b->loss);
  g_assert_cmpfloat (a->huber_delta, ==, b->huber_delta);
  const bp_optim_cfg *p = &a->optim, *q = &b->optim;
  g_assert_cmpint (p->kind, ==, q->kind);
  g_assert_cmpfloat (p->lr, ==, q->lr);
  g_assert_cmpfloat (p->momentum, ==, q->momentum);
  g_assert_cmpfloat (p->dampening, ==, q->dampening);
  g_assert_cmpint (p->nesterov, ==, q->nesterov);
  g_assert_cmpfloat (p->beta1, ==, q->beta1);
  g_assert_cmpfloat (p->beta2, ==, q->beta2);
  g_assert_cmpfloat (p->alpha, ==, q->alpha);
  g_assert_cmpfloat (p->eps, ==, q->eps);
  g_assert_cmpfloat (p->weight_decay, ==, q->weight_decay);
  g_assert_cmpfloat (p->lr_decay, ==, q->lr_decay);
  g_assert_cmpfloat (p->initial_accumulator, ==, q->initial_accumulator);
  g_assert_cmpint (p->centered, ==, q->centered);
  g_assert_cmpint (p->amsgrad, ==, q->amsgrad);
  g_assert_cmpfloat (p->clip_norm, ==, q->clip_norm);
  g_assert_cmpint (a->batch_size, ==, b->batch_size);
  g_assert_cmpint (a->epochs, ==, b->epochs);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpstr (a->meta, ==, b->meta);
}

static void
test_full_spec (void)
{
  char err[ERRLEN] = "";
  bp_spec *s = parse_file ("good-full.json", err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpint (s->input.rank, ==, 1);
  g_assert_cmpint (s->input.dims[0], ==, 2);
  g_assert_cmpint (s->n_layers, ==, 6);

  const bp_layer_spec *h1 = &s->layers[0];
  g_assert_cmpint (h1->kind, ==, BP_LAYER_DENSE);
  g_assert_cmpstr (h1->name, ==, "hidden_1");
  g_assert_cmpstr (h1->input, ==, "");
  g_assert_cmpint (h1->u.dense.units, ==, 8);
  g_assert_cmpint (h1->u.dense.in_units, ==, 2);
  g_assert_cmpint (h1->u.dense.activation, ==, BP_ACT_TANH);
  g_assert_true (h1->u.dense.use_bias);
  g_assert_cmpint (h1->u.dense.weight_init.kind, ==, BP_INIT_GLOROT_UNIFORM);
  g_assert_cmpint (h1->u.dense.bias_init.kind, ==, BP_INIT_ZEROS);
  g_assert_cmpfloat (h1->l1, ==, 0.0f);
  g_assert_cmpfloat (h1->l2, ==, 0.001f);

  const bp_layer_spec *bn = &s->layers[1];
  g_assert_cmpint (bn->kind, ==, BP_LAYER_BATCHNORM);
  g_assert_cmpstr (bn->name, ==, "batchnorm_1");
  g_assert_cmpfloat (bn->u.batchnorm.momentum, ==, 0.2f);
  g_assert_cmpfloat (bn->u.batchnorm.eps, ==, 0.001f);

  const bp_layer_spec *act = &s->layers[2];
  g_assert_cmpstr (act->name, ==, "activation_1");
  g_assert_cmpint (act->u.activation.fn, ==, BP_ACT_LEAKY_RELU);
  g_assert_cmpfloat (act->u.activation.alpha, ==, 0.2f);

  g_assert_cmpstr (s->layers[3].name, ==, "dropout_1");
  g_assert_cmpfloat (s->layers[3].u.dropout.rate, ==, 0.25f);

  const bp_layer_spec *h2 = &s->layers[4];
  g_assert_cmpstr (h2->name, ==, "hidden_2");
  g_assert_cmpstr (h2->input, ==, "dropout_1");
  g_assert_cmpint (h2->u.dense.activation, ==, BP_ACT_ELU);
  g_assert_cmpfloat (h2->u.dense.alpha, ==, 0.5f);
  g_assert_false (h2->u.dense.use_bias);
  g_assert_cmpint (h2->u.dense.weight_init.kind, ==, BP_INIT_UNIFORM);
  g_assert_cmpfloat (h2->u.dense.weight_init.a, ==, -0.1f);
  g_assert_cmpfloat (h2->u.dense.weight_init.b, ==, 0.1f);
  g_assert_cmpint (h2->u.dense.bias_init.kind, ==, BP_INIT_CONSTANT);
  g_assert_cmpfloat (h2->u.dense.bias_init.a, ==, 0.5f);
  g_assert_cmpfloat (h2->l1, ==, 0.0001f);
  g_assert_cmpfloat (h2->l2, ==, 0.0f);

  const bp_layer_spec *out = &s->layers[5];
  g_assert_cmpstr (out->name, ==, "out");
  g_assert_cmpint (out->u.dense.units, ==, 3);
  g_assert_cmpint (out->u.dense.activation, ==, BP_ACT_LINEAR);

  g_assert_cmpint (s->loss, ==, BP_LOSS_HUBER);
  g_assert_cmpfloat (s->huber_delta, ==, 0.5f);
  g_assert_cmpint (s->optim.kind, ==, BP_OPTIM_SGD);
  g_assert_cmpfloat (s->optim.lr, ==, 0.05f);
  g_assert_cmpfloat (s->optim.momentum, ==, 0.9f);
  g_assert_cmpfloat (s->optim.dampening, ==, 0.0f);
  g_assert_true (s->optim.nesterov);
  g_assert_cmpfloat (s->optim.weight_decay, ==, 0.0005f);
  g_assert_cmpfloat (s->optim.clip_norm, ==, 1.5f);
  g_assert_cmpint (s->batch_size, ==, 16);
  g_assert_cmpint (s->epochs, ==, 25);
  g_assert_cmpuint (s->seed, ==, 42);
  g_assert_cmpstr (s->meta, ==,
                   "{\"editor\":{\"positions\":[[0,0],[120,40]]},\"note\":\"two moons\"}");

  /* Hand-computed: 2*8+8, gamma+beta 2*8, 0, 0, 8*4 (no bias), 4*3+3. */
  const size_t want[6] = { 24, 16, 0, 0, 32, 15 };
  bp_layer_info info[6];
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  for (int i = 0; i < 6; i++)
    g_assert_cmpuint (info[i].n_params, ==, want[i]);
  g_assert_cmpint (info[0].input_index, ==, -1);
  g_assert_cmpint (info[4].input_index, ==, 3);
  g_assert_cmpint (info[5].input_index, ==, 4);
  g_assert_cmpint (info[4].in.dims[0], ==, 8);
  g_assert_cmpint (info[5].out.rank, ==, 1);
  g_assert_cmpint (info[5].out.dims[0], ==, 3);
  g_assert_cmpuint (bp_spec_param_count (s), ==, 87);
  bp_spec_free (s);
}

static void
test_defaults (void)
{
  char err[ERRLEN] = "";
  bp_spec *s = parse_file ("good-minimal.json", err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpint (s->n_layers, ==, 1);
  const bp_layer_spec *d = &s->layers[0];
  g_assert_cmpstr (d->name, ==, "dense_1");
  g_assert_cmpstr (d->input, ==, "");
  g_assert_cmpint (d->u.dense.units, ==, 3);
  g_assert_cmpint (d->u.dense.in_units, ==, 0);
  g_assert_cmpint (d->u.dense.activation, ==, BP_ACT_LINEAR);
  g_assert_true (d->u.dense.use_bias);
  g_assert_cmpint (d->u.dense.weight_init.kind, ==, BP_INIT_DEFAULT);
  g_assert_cmpint (d->u.dense.bias_init.kind, ==, BP_INIT_DEFAULT);
  g_assert_cmpfloat (d->l1, ==, 0.0f);
  g_assert_cmpfloat (d->l2, ==, 0.0f);
  g_assert_cmpint (s->loss, ==, BP_LOSS_MSE);
  /* No optimizer: Adam with torch's defaults. */
  g_assert_cmpint (s->optim.kind, ==, BP_OPTIM_ADAM);
  g_assert_cmpfloat (s->optim.lr, ==, 0.001f);
  g_assert_cmpfloat (s->optim.beta1, ==, 0.9f);
  g_assert_cmpfloat (s->optim.beta2, ==, 0.999f);
  g_assert_cmpfloat (s->optim.eps, ==, 1e-8f);
  g_assert_cmpfloat (s->optim.weight_decay, ==, 0.0f);
  g_assert_false (s->optim.amsgrad);
  g_assert_cmpfloat (s->optim.clip_norm, ==, 0.0f);
  g_assert_cmpint (s->batch_size, ==, 32);
  g_assert_cmpint (s->epochs, ==, 10);
  g_assert_cmpuint (s->seed, ==, 1);
  g_assert_null (s->meta);
  bp_spec_free (s);

  /* "format" and "version" may be left out. */
  s = parse_str ("{'input':{'shape':[4]},'layers':[{'type':'dense','units':3}],'loss':'bce'}",
                 err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpint (s->loss, ==, BP_LOSS_BCE_LOGITS);
  bp_spec_free (s);

  /* Defaults that depend on another field, and the other layer kinds' defaults. */
  s = parse_str ("{'format':'backprop-spec','version':1,'input':{'shape':[3]},'layers':["
                 "{'type':'dense','units':5,'activation':'leaky_relu'},"
                 "{'type':'dense','units':5,'activation':'elu','name':'dense_3'},"
                 "{'type':'dense','units':5},{'type':'activation'},{'type':'dropout'},"
                 "{'type':'batchnorm'},{'type':'activation','function':'swish'}],"
                 "'loss':{'type':'huber'},'optimizer':'adamw'}", err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpfloat (s->layers[0].u.dense.alpha, ==, 0.01f);
  g_assert_cmpfloat (s->layers[1].u.dense.alpha, ==, 1.0f);
  /* The third dense would be dense_3, which layer 2 took: the next free number. */
  g_assert_cmpstr (s->layers[2].name, ==, "dense_4");
  g_assert_cmpint (s->layers[3].u.activation.fn, ==, BP_ACT_RELU);
  g_assert_cmpstr (s->layers[3].name, ==, "activation_1");
  g_assert_cmpfloat (s->layers[4].u.dropout.rate, ==, 0.5f);
  g_assert_cmpfloat (s->layers[5].u.batchnorm.momentum, ==, 0.1f);
  g_assert_cmpfloat (s->layers[5].u.batchnorm.eps, ==, 1e-5f);
  g_assert_cmpint (s->layers[6].u.activation.fn, ==, BP_ACT_SILU);
  g_assert_cmpstr (s->layers[6].name, ==, "activation_2");
  g_assert_cmpfloat (s->huber_delta, ==, 1.0f);
  g_assert_cmpint (s->optim.kind, ==, BP_OPTIM_ADAMW);
  g_assert_cmpfloat (s->optim.weight_decay, ==, 0.01f);
  bp_spec_free (s);
}

static void
roundtrip (bp_spec *s)
{
  char err[ERRLEN] = "";
  char *json = bp_spec_to_json (s);
  g_assert_nonnull (json);
  bp_spec *back = bp_spec_parse (json, strlen (json), err, ERRLEN);
  if (back == NULL)
    g_error ("%s\nin\n%s", err, json);
  assert_same_spec (s, back);
  /* Writing again gives the same text. */
  char *again = bp_spec_to_json (back);
  g_assert_cmpstr (json, ==, again);
  bp_spec *copy = bp_spec_copy (back);
  assert_same_spec (s, copy);
  bp_spec_free (copy);
  free (again);
  free (json);
  bp_spec_free (back);
}

static void
test_roundtrip (void)
{
  const char *files[] = { "good-full.json", "good-minimal.json", "good-mnist.json",
                          "good-cnn.json" };
  char err[ERRLEN] = "";
  for (size_t f = 0; f < G_N_ELEMENTS (files); f++)
    {
      bp_spec *s = parse_file (files[f], err);
      if (s == NULL)
        g_error ("%s", err);
      roundtrip (s);
      bp_spec_free (s);
    }

  /* Every optimizer with values away from its defaults; a seed only a string can hold;
   * an image input; awkward floats. */
  bp_spec *s = parse_file ("good-mnist.json", err);
  g_assert_nonnull (s);
  s->input = (bp_shape) { 3, { 1, 28, 28 } };
  s->seed = 18446744073709551615ULL;
  s->layers[1].u.dropout.rate = 0.1f + 0.2f;
  s->layers[0].u.dense.alpha = 1e-7f;
  s->layers[0].u.dense.weight_init = (bp_init) { BP_INIT_UNIFORM, -1.0f / 3, 2.0f / 3 };
  s->layers[0].l2 = 3.14159265f;
  for (int k = 0; k < BP_OPTIM_KIND_COUNT; k++)
    {
      bp_optim_cfg_defaults (&s->optim, (bp_optim_kind) k);
      s->optim.lr = 0.0123f;
      s->optim.weight_decay = 1e-4f;
      s->optim.clip_norm = 5;
      if (k == BP_OPTIM_SGD)
        s->optim.momentum = 0.5f, s->optim.nesterov = true;
      if (k == BP_OPTIM_RMSPROP)
        s->optim.momentum = 0.3f, s->optim.centered = true, s->optim.alpha = 0.95f;
      if (k == BP_OPTIM_ADAGRAD)
        s->optim.lr_decay = 0.01f, s->optim.initial_accumulator = 0.1f;
      if (k == BP_OPTIM_ADAM || k == BP_OPTIM_ADAMW)
        s->optim.amsgrad = true, s->optim.beta1 = 0.8f, s->optim.beta2 = 0.99f;
      roundtrip (s);
    }
  s->optim.kind = BP_OPTIM_ADAM;
  s->loss = BP_LOSS_BCE_LOGITS;
  s->seed = 9007199254740991ULL;
  roundtrip (s);
  bp_spec_free (s);
}

static void
test_param_counts (void)
{
  char err[ERRLEN] = "";
  bp_spec *s = parse_file ("good-mnist.json", err);
  if (s == NULL)
    g_error ("%s", err);
  /* 784*256+256, dropout 0, 256*128+128, 128*10+10 */
  const size_t want[4] = { 200960, 0, 32896, 1290 };
  bp_layer_info info[4];
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint (info[i].n_params, ==, want[i]);
  g_assert_cmpuint (bp_spec_param_count (s), ==, 235146);
  g_assert_cmpint (info[1].out.dims[0], ==, 256);
  g_assert_cmpint (info[3].in.dims[0], ==, 128);

  /* An image input is flattened by dense: 1*28*28*10 + 10. */
  s->input = (bp_shape) { 3, { 1, 28, 28 } };
  s->layers[0].u.dense.units = 10;
  s->n_layers = 1;
  g_assert_cmpuint (bp_spec_param_count (s), ==, 7850);
  bp_spec_free (s);

  /* Batch norm over 256 features: gamma and beta. */
  s = parse_str ("{'format':'backprop-spec','version':1,'input':{'shape':[256]},'layers':["
                 "{'type':'batchnorm'},{'type':'dense','units':2,'use_bias':false}],"
                 "'loss':'cross_entropy'}", err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  g_assert_cmpuint (info[0].n_params, ==, 512);
  g_assert_cmpuint (info[1].n_params, ==, 512);
  g_assert_cmpuint (bp_spec_param_count (s), ==, 1024);
  bp_spec_free (s);
}

/* Shapes and counts from PyTorch: Conv2d(1, 8, 3, padding=1), MaxPool2d(2),
 * Conv2d(8, 16, (3, 5), stride=(1, 2)), BatchNorm2d(16), AvgPool2d(2, stride=1), Flatten,
 * Linear(704, 10). */
static void
test_images (void)
{
  char err[ERRLEN] = "";
  bp_spec *s = parse_file ("good-cnn.json", err);
  if (s == NULL)
    g_error ("%s", err);
  const bp_conv2d_cfg *c1 = &s->layers[0].u.conv2d, *c2 = &s->layers[2].u.conv2d;
  g_assert_cmpstr (s->layers[0].name, ==, "conv2d_1");
  g_assert_cmpint (c1->filters, ==, 8);
  g_assert_cmpint (c1->in_channels, ==, 1);
  g_assert_cmpint (c1->kernel_h, ==, 3);
  g_assert_cmpint (c1->kernel_w, ==, 3);
  g_assert_cmpint (c1->stride_h, ==, 1);
  g_assert_cmpint (c1->stride_w, ==, 1);
  g_assert_cmpint (c1->padding, ==, BP_PADDING_SAME);
  g_assert_cmpint (c1->activation, ==, BP_ACT_RELU);
  g_assert_true (c1->use_bias);
  g_assert_cmpint (c1->weight_init.kind, ==, BP_INIT_HE_UNIFORM);
  g_assert_cmpint (c1->bias_init.kind, ==, BP_INIT_DEFAULT);
  g_assert_cmpint (c2->kernel_h, ==, 3);
  g_assert_cmpint (c2->kernel_w, ==, 5);
  g_assert_cmpint (c2->stride_h, ==, 1);
  g_assert_cmpint (c2->stride_w, ==, 2);
  g_assert_cmpint (c2->padding, ==, BP_PADDING_VALID);
  g_assert_cmpint (c2->in_channels, ==, 0);
  g_assert_cmpfloat (s->layers[2].l2, ==, 0.0005f);
  g_assert_cmpstr (s->layers[1].name, ==, "maxpool2d_1");
  g_assert_cmpint (s->layers[1].u.pool.size_h, ==, 2);
  g_assert_cmpint (s->layers[1].u.pool.stride_w, ==, 2); /* the pool size when absent */
  g_assert_cmpint (s->layers[4].u.pool.stride_h, ==, 1);
  g_assert_cmpstr (s->layers[5].name, ==, "flatten_1");
  g_assert_cmpint (s->optim.kind, ==, BP_OPTIM_RMSPROP);
  g_assert_true (s->optim.centered);

  const int want_out[7][3] = { { 8, 28, 28 }, { 8, 14, 14 }, { 16, 12, 5 }, { 16, 12, 5 },
                               { 16, 11, 4 }, { 704 }, { 10 } };
  const size_t want_params[7] = { 80, 0, 1936, 32, 0, 0, 7050 };
  bp_layer_info info[7];
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  for (int i = 0; i < 7; i++)
    {
      g_assert_cmpint (info[i].out.rank, ==, i < 5 ? 3 : 1);
      for (int d = 0; d < info[i].out.rank; d++)
        g_assert_cmpint (info[i].out.dims[d], ==, want_out[i][d]);
      g_assert_cmpuint (info[i].n_params, ==, want_params[i]);
    }
  g_assert_cmpuint (bp_spec_param_count (s), ==, 9098);
  bp_spec_free (s);

  /* Global average pooling: (8, 28, 28) -> (8), then Linear(8, 3). */
  s = parse_str ("{'format':'backprop-spec','version':1,'input':{'shape':[1,28,28]},'layers':["
                 "{'type':'conv2d','filters':8,'kernel_size':3,'padding':'same'},"
                 "{'type':'global_avgpool2d'},{'type':'dense','units':3,'in_units':8}],"
                 "'loss':'cross_entropy'}", err);
  if (s == NULL)
    g_error ("%s", err);
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  g_assert_cmpint (info[1].out.rank, ==, 1);
  g_assert_cmpint (info[1].out.dims[0], ==, 8);
  g_assert_cmpuint (bp_spec_param_count (s), ==, 80 + 27);
  roundtrip (s);
  bp_spec_free (s);

#define IMG "{'format':'backprop-spec','version':1,'input':{'shape':[3,32,32]},"
  assert_bad (IMG "'layers':[{'type':'conv2d','kernel_size':3}]" TAIL,
              "layer 1 'conv2d_1': missing \"filters\"");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4}]" TAIL, "missing \"kernel_size\"");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':[3]}]" TAIL,
              "\"kernel_size\" must be a whole number from 1 to 4096, or a pair [height, "
              "width] of them, got an array of 1");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':3,'stride':0}]" TAIL,
              "\"stride\" must be a whole number from 1 to 4096");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':3,'padding':'full'}]"
              TAIL, "unknown padding \"full\" (known: valid, same)");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':3,'units':4}]" TAIL,
              "unknown field \"units\"");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':33}]" TAIL,
              "layer 1 'conv2d_1' has a 33x33 kernel, larger than its 32x32 input");
  assert_bad (IMG "'layers':[{'type':'conv2d','filters':4,'kernel_size':3,'in_channels':1}]"
              TAIL, "layer 1 'conv2d_1' expects 1 input channel");
  assert_bad (HEAD "'layers':[{'type':'conv2d','filters':4,'kernel_size':3}]" TAIL,
              "layer 1 'conv2d_1' needs an image input");
  assert_bad (IMG "'layers':[{'type':'flatten'},{'type':'maxpool2d'}]" TAIL,
              "layer 2 'maxpool2d_1' needs an image input");
  assert_bad (IMG "'layers':[{'type':'flatten','units':3}]" TAIL,
              "layer 1 'flatten_1': unknown field \"units\" (known: type, name, input)");
  assert_bad (IMG "'layers':[{'type':'avgpool2d','pool_size':[2,64]}]" TAIL,
              "layer 1 'avgpool2d_1' has a 2x64 pool, larger than its 32x32 input");
  /* 16 filters of a 2048x2048 image: the layer's output alone is over the limit. */
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[1,2048,2048]},'layers':["
              "{'type':'conv2d','filters':16,'kernel_size':1}]" TAIL,
              "layer 1 'conv2d_1' would output (16, 2048, 2048) = 67,108,864 values per "
              "sample; the limit is 16,777,216");
#undef IMG
}

static void
test_bad_layers (void)
{
  assert_bad (HEAD "'layers':[{'type':'dense','units':4},{'type':'dense','units':4},"
              "{'type':'dense','units':4},{'type':'lstm'}]" TAIL,
              "layer 4: unknown layer type \"lstm\" (known: dense, activation, dropout, "
              "batchnorm, conv2d, maxpool2d, avgpool2d, global_avgpool2d, flatten)");
  assert_bad (HEAD "'layers':[{'type':'conv3d','name':'c'}]" TAIL,
              "layer 1 'c': unknown layer type \"conv3d\" (did you mean \"conv2d\"?)");
  assert_bad (HEAD "'layers':[{'type':'dropout'},{'type':'dense','units':-3}]" TAIL,
              "layer 2 'dense_1': \"units\" must be a whole number from 1 to 1048576, got -3");
  assert_bad (HEAD "'layers':[{'type':'dense','units':0}]" TAIL,
              "layer 1 'dense_1': \"units\" must be a whole number from 1 to 1048576, got 0");
  assert_bad (HEAD "'layers':[{'type':'dense','units':2.5}]" TAIL, "got 2.5");
  assert_bad (HEAD "'layers':[{'type':'dense','units':'8'}]" TAIL, "got \"8\"");
  assert_bad (HEAD "'layers':[{'type':'dense','units':1e300}]" TAIL, "got 1e+300");
  assert_bad (HEAD "'layers':[{'type':'dense','units':null}]" TAIL, "got null");
  assert_bad (HEAD "'layers':[{'type':'dense'}]" TAIL, "layer 1 'dense_1': missing \"units\"");
  assert_bad (HEAD "'layers':[{'units':3}]" TAIL, "layer 1: missing \"type\"");
  assert_bad (HEAD "'layers':[{'type':'dense','unit':4}]" TAIL,
              "layer 1 'dense_1': unknown field \"unit\" (did you mean \"units\"?)");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'units':5}]" TAIL,
              "\"units\" appears twice");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'use_bias':1}]" TAIL,
              "\"use_bias\" must be true or false, got 1");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'activation':'rellu'}]" TAIL,
              "unknown activation \"rellu\" (did you mean \"relu\"?)");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'activation':3}]" TAIL,
              "\"activation\" must be a string, got 3");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'activation':'softmax'}]" TAIL,
              "softmax cannot be fused into a dense layer");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'weight_init':'glorot'}]" TAIL,
              "unknown initializer \"glorot\" (known: default, glorot_uniform");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'weight_init':{'type':'uniform',"
              "'a':1,'b':-1}}]" TAIL, "needs a <= b");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'bias_init':{'type':'zeros','a':1}}]"
              TAIL, "\"bias_init\": unknown field \"a\"");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'l2':-0.1}]" TAIL,
              "\"l2\" must be a number from 0 to 1000000, got -0.1");
  assert_bad (HEAD "'layers':[{'type':'dropout','rate':1}]" TAIL,
              "layer 1 'dropout_1': \"rate\" must be a number >= 0 and < 1, got 1");
  assert_bad (HEAD "'layers':[{'type':'dropout','l1':0.1}]" TAIL, "unknown field \"l1\"");
  assert_bad (HEAD "'layers':[{'type':'batchnorm','eps':0}]" TAIL, "\"eps\" must be a number");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'name':'h'},{'type':'dense',"
              "'units':4},{'type':'dense','units':4,'name':'h'}]" TAIL,
              "layer 3 'h': the name 'h' is already used by layer 1");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'name':''}]" TAIL, "\"name\" must be");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'name':'input'}]" TAIL,
              "names the network's input");
  assert_bad (HEAD "'layers':[]" TAIL, "\"layers\" is empty");
  assert_bad (HEAD "'layers':{}" TAIL, "\"layers\" must be an array");
  assert_bad (HEAD "'layers':[3]" TAIL, "layer 1: a layer must be an object");
}

static void
test_bad_top (void)
{
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}]}", "missing \"loss\"");
  assert_bad ("{'format':'backprop-spec','version':0}",
              "\"version\" must be a whole number from 1 to");
  assert_bad ("{'format':1}", "\"format\" must be a string, got 1");
  assert_bad ("{'format':'backprop-spec','version':1,'layers':[]" TAIL, "missing \"input\"");
  assert_bad (HEAD "'loss':'mse'}", "missing \"layers\"");
  assert_bad ("{'format':'something-else','version':1}", "is this a network spec?");
  assert_bad ("{'format':'backprop-spec','version':2}",
              "this spec is version 2, but this program reads version 1 only");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'lossy':'mse'}",
              "unknown field \"lossy\" (did you mean \"loss\"?)");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'loss':'l2'}",
              "unknown loss \"l2\" (known: mse, bce, cross_entropy, huber)");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'loss':7}", "\"loss\" must be");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'loss':{'type':'mse','delta':2}}",
              "\"loss\": unknown field \"delta\"");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'loss':{'type':'huber','delta':0}}",
              "\"loss\".\"delta\" must be a number > 0 and <= 1000000, got 0");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}]" TAIL "x",
              "unexpected text after the end of the JSON at line 1");
  assert_bad ("[1, 2]", "a spec must be a JSON object");
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[2, 3]}}",
              "\"input\".\"shape\" must be [features] or [channels, height, width], got an "
              "array of 2");
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[0]}}",
              "\"input\".\"shape\"[0] must be a whole number from 1 to 16777216, got 0");
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[16777216,16777216,"
              "16777216]}}", "values per sample than the limit, 16,777,216");
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'size':[2]}}",
              "\"input\": unknown field \"size\"");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4}],'loss':'mse','meta':[]}",
              "\"meta\" must be an object");

#define LAYERS "'layers':[{'type':'dense','units':4}],'loss':'mse',"
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lr':'fast'}}",
              "\"optimizer\".\"lr\" must be a number > 0, got \"fast\"");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lr':0}}", "got 0");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lr':1e999}}", "got inf");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lr':NaN}}", "not valid JSON at line 1");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lr':'NaN'}}", "got \"NaN\"");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','beta2':1}}",
              "\"optimizer\".\"beta2\" must be a number >= 0 and < 1, got 1");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'sgd','beta1':0.9}}",
              "\"optimizer\": sgd has no \"beta1\" (it takes lr, momentum, dampening, nesterov, "
              "weight_decay)");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'sgd','nesterov':true}}",
              "nesterov needs \"momentum\" > 0");
  assert_bad (HEAD LAYERS "'optimizer':{'lr':0.1}}", "missing \"optimizer\".\"type\"");
  assert_bad (HEAD LAYERS "'optimizer':'adamm'}", "unknown optimizer \"adamm\" (did you mean");
  assert_bad (HEAD LAYERS "'optimizer':{'type':'adam','lrate':0.1}}",
              "\"optimizer\": unknown field \"lrate\"");
  assert_bad (HEAD LAYERS "'training':{'batch_size':0}}",
              "\"training\".\"batch_size\" must be a whole number from 1 to 65536, got 0");
  assert_bad (HEAD LAYERS "'training':{'epochs':-1}}", "\"training\".\"epochs\"");
  assert_bad (HEAD LAYERS "'training':{'seed':-1}}", "\"training\".\"seed\" must be");
  assert_bad (HEAD LAYERS "'training':{'seed':'12x'}}", "\"training\".\"seed\" must be");
  assert_bad (HEAD LAYERS "'training':{'seed':'99999999999999999999999'}}",
              "\"training\".\"seed\" must be");
  assert_bad (HEAD LAYERS "'training':{'clip_norm':-1}}", "\"training\".\"clip_norm\"");
  assert_bad (HEAD LAYERS "'training':{'shuffle':true}}", "\"training\": unknown field");
  assert_bad (HEAD LAYERS "'training':5}", "\"training\" must be an object, got 5");
#undef LAYERS
}

static void
test_bad_graph (void)
{
  char err[ERRLEN] = "";
  g_assert_null (parse_file ("bad-mismatch.json", err));
  assert_err_has (err, "layer 3 'dense_2' expects 128 inputs, but 'dense_1' gives 64");
  g_assert_null (parse_file ("bad-cycle.json", err));
  assert_err_has (err, "layer 2 'a' takes its input from 'b', which comes after it: the layers "
                  "form a cycle");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'in_units':3}]" TAIL,
              "layer 1 'dense_1' expects 3 inputs, but the network input gives 2");
  /* A reference forward that does not loop back is refused too, with other words. */
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'name':'x'},"
              "{'type':'dense','units':4,'name':'a','input':'c'},"
              "{'type':'dense','units':4,'name':'b','input':'x'},"
              "{'type':'dense','units':4,'name':'c'}]" TAIL,
              "layer 2 'a' takes its input from 'c', which comes after it: a layer can only");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'name':'a','input':'a'}]" TAIL,
              "layer 1 'a' takes its input from itself");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4,'input':'nowhere'}]" TAIL,
              "takes its input from 'nowhere', but no layer has that name");
  assert_bad (HEAD "'layers':[{'type':'dense','units':1}],'loss':'cross_entropy'}",
              "cross_entropy needs the last layer to give one score per class");
  /* The network input by its reserved name. */
  bp_spec *s = parse_str (HEAD "'layers':[{'type':'dense','units':4},"
                          "{'type':'dense','units':3,'in_units':2,'input':'input'}]" TAIL, err);
  if (s == NULL)
    g_error ("%s", err);
  bp_layer_info info[2];
  g_assert_cmpint (bp_spec_infer (s, info, err, ERRLEN), ==, 0);
  g_assert_cmpint (info[1].input_index, ==, -1);
  g_assert_cmpuint (info[1].n_params, ==, 9);
  bp_spec_free (s);
}

static void
test_absurd_sizes (void)
{
  /* Five layers of 10^9 weights each: every layer is under the limit, the sum is not. */
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[1000000]},'layers':["
              "{'type':'dense','units':1000,'use_bias':false},"
              "{'type':'dense','units':1000000,'use_bias':false},"
              "{'type':'dense','units':1000,'use_bias':false},"
              "{'type':'dense','units':1000000,'use_bias':false},"
              "{'type':'dense','units':1000,'use_bias':false}]" TAIL,
              "the network has 5,000,000,000 parameters; the limit is 1,073,741,824");
  /* One layer whose product alone is 2^44: the layer says so before anything is multiplied
   * into a buffer size. */
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[16777216]},'layers':["
              "{'type':'dense','units':1048576}]" TAIL, "layer 1 'dense_1' ");
  assert_bad (HEAD "'layers':[{'type':'dense','units':1048577}]" TAIL,
              "from 1 to 1048576, got 1048577");
  assert_bad (HEAD "'layers':[{'type':'dense','units':4294967297}]" TAIL, "got 4294967297");

  /* Too many layers: refused by count before any layer is allocated. */
  GString *many = g_string_new (HEAD "'layers':[");
  for (int i = 0; i < 300; i++)
    g_string_append (many, i ? ",{'type':'dropout'}" : "{'type':'dropout'}");
  g_string_append (many, "]" TAIL);
  assert_bad (many->str, "the spec has 300 layers; the limit is 256");
  g_string_free (many, TRUE);

  /* 10^6 layers: refused by the text scan, before cJSON builds a million nodes. */
  many = g_string_new (HEAD "'layers':[");
  for (int i = 0; i < 1000000; i++)
    g_string_append (many, i ? ",{}" : "{}");
  g_string_append (many, "]" TAIL);
  assert_bad (many->str, "more than 100,000 JSON values");
  g_string_free (many, TRUE);

  /* Deep nesting, in and out of "meta". */
  GString *deep = g_string_new (HEAD "'layers':[{'type':'dense','units':1}],'loss':'mse',"
                                "'meta':");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_bad (deep->str, "the JSON nests deeper than 64 levels");
  g_string_free (deep, TRUE);
}

static void
test_not_json (void)
{
  char err[ERRLEN] = "";
  g_assert_null (bp_spec_parse ("", 0, err, ERRLEN));
  assert_err_has (err, "the spec is empty");
  g_assert_null (bp_spec_parse (" \n\t ", 4, err, ERRLEN));
  assert_err_has (err, "the spec is empty");
  g_assert_null (bp_spec_parse (NULL, 10, err, ERRLEN));
  assert_err_has (err, "the spec is empty");
  assert_bad ("hello", "not valid JSON at line 1, column 1");
  assert_bad ("{\n  'format': 'backprop-spec',\n  'version': 1,,\n}",
              "not valid JSON at line 3, column ");
  assert_bad ("{'format':'backprop-spec','version':1,'input':{'shape':[2",
              "the JSON ends before all its strings, arrays and objects are closed");
  assert_bad ("{'format':'backprop-", "ends before");
  const char nul[] = "{\"format\":\0}";
  g_assert_null (bp_spec_parse (nul, sizeof nul - 1, err, ERRLEN));
  assert_err_has (err, "NUL byte at line 1, column 11");
  const char latin1[] = "{\"format\":\"caf\xe9\"}";
  g_assert_null (bp_spec_parse (latin1, sizeof latin1 - 1, err, ERRLEN));
  assert_err_has (err, "not UTF-8 text: byte 0xe9 at line 1, column 15");
  /* The error buffer is optional and may be tiny. */
  g_assert_null (bp_spec_parse ("x", 1, NULL, 0));
  char tiny[4];
  g_assert_null (bp_spec_parse ("x", 1, tiny, sizeof tiny));
  g_assert_cmpstr (tiny, ==, "not");
  /* A byte-order mark is allowed. */
  g_autofree char *min = NULL;
  g_autofree char *path = spec_path ("good-minimal.json");
  gsize len;
  g_assert_true (g_file_get_contents (path, &min, &len, NULL));
  g_autofree char *bom = g_strconcat ("\xEF\xBB\xBF", min, NULL);
  bp_spec *s = bp_spec_parse (bom, strlen (bom), err, ERRLEN);
  g_assert_nonnull (s);
  bp_spec_free (s);
}

static void
test_files (void)
{
  char err[ERRLEN] = "";
  g_autofree char *path = spec_path ("bad-empty.json");
  g_assert_null (bp_spec_parse_file (path, err, ERRLEN));
  g_assert_true (g_str_has_prefix (err, path));
  assert_err_has (err, "bad-empty.json: the file is empty");

  const struct { const char *file, *want; } bad[] = {
    { "bad-truncated.json", "bad-truncated.json: the JSON ends before" },
    { "bad-not-json.txt", "bad-not-json.txt: not valid JSON at line 1, column 1" },
    { "bad-binary.bin", "bad-binary.bin: the spec is not UTF-8 text: byte 0x89" },
    { "bad-unknown-layer.json", "layer 4: unknown layer type \"conv3d\" (did you mean" },
    { "bad-typo.json", "layer 1 'dense_1': unknown field \"unit\" (did you mean \"units\"?)" },
    { "no-such-file.json", "no-such-file.json: cannot open: " },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (parse_file (bad[i].file, err));
      assert_err_has (err, bad[i].want);
    }

  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "engine", "specs", NULL);
  g_assert_null (bp_spec_parse_file (dir, err, ERRLEN));
  assert_err_has (err, "cannot read");

  /* Over the size limit: refused after reading 4 MiB + 1 byte, whatever the file holds. */
  g_autofree char *big = NULL;
  int fd = g_file_open_tmp ("bp-spec-XXXXXX.json", &big, NULL);
  g_assert_cmpint (fd, >=, 0);
  FILE *f = fdopen (fd, "w");
  for (int i = 0; i < 5 * 1024; i++)
    fprintf (f, "%1023s\n", " ");
  fclose (f);
  g_assert_null (bp_spec_parse_file (big, err, ERRLEN));
  assert_err_has (err, "the file is larger than 4 MiB");
  g_unlink (big);
}

/* Every prefix of a valid spec, and a few thousand single-byte corruptions, must come back as
 * a spec or as NULL with a message: never a crash (run under ASan to catch reads past ends). */
static void
test_truncate_and_corrupt (void)
{
  g_autofree char *text = NULL;
  g_autofree char *path = spec_path ("good-full.json");
  gsize len;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  char err[ERRLEN];
  int refused = 0;
  for (gsize n = 0; n < len; n++)
    {
      /* A copy of exactly n bytes, so ASan sees any read past the end. */
      char *prefix = g_memdup2 (text, n ? n : 1);
      err[0] = '\0';
      bp_spec *s = bp_spec_parse (prefix, n, err, ERRLEN);
      if (s == NULL)
        {
          g_assert_cmpuint (strlen (err), >, 0);
          refused++;
        }
      bp_spec_free (s);
      g_free (prefix);
    }
  /* Only the prefix that drops just the final newline can parse. */
  g_assert_cmpint (refused, >=, (int) len - 1);

  GRand *rng = g_rand_new_with_seed (1234);
  const char junk[] = "{}[]\",:0-e.9 \\\xff\x01tnu";
  for (int trial = 0; trial < 3000; trial++)
    {
      char *copy = g_memdup2 (text, len);
      int edits = 1 + g_rand_int_range (rng, 0, 3);
      for (int e = 0; e < edits; e++)
        copy[g_rand_int_range (rng, 0, (gint32) len)]
          = junk[g_rand_int_range (rng, 0, (gint32) sizeof junk - 1)];
      err[0] = '\0';
      bp_spec *s = bp_spec_parse (copy, len, err, ERRLEN);
      if (s == NULL)
        g_assert_cmpuint (strlen (err), >, 0);
      else
        {
          char *json = bp_spec_to_json (s);
          g_assert_nonnull (json);
          free (json);
        }
      bp_spec_free (s);
      g_free (copy);
    }
  g_rand_free (rng);
}

/* Specs built in code (the editor) go through inference without the reader's checks. */
static void
test_infer_built_in_code (void)
{
  bp_layer_spec layers[3];
  bp_layer_spec_defaults (&layers[0], BP_LAYER_DENSE);
  bp_layer_spec_defaults (&layers[1], BP_LAYER_ACTIVATION);
  bp_layer_spec_defaults (&layers[2], BP_LAYER_DENSE);
  g_assert_cmpint (layers[0].u.dense.units, ==, 16);
  g_assert_true (layers[0].u.dense.use_bias);
  g_assert_cmpint (layers[1].u.activation.fn, ==, BP_ACT_RELU);
  strcpy (layers[0].name, "a");
  strcpy (layers[1].name, "b");
  strcpy (layers[2].name, "c");
  layers[2].u.dense.units = 1;
  bp_spec s = { .input = bp_shape_vec (5), .n_layers = 3, .layers = layers,
                .loss = BP_LOSS_BCE_LOGITS };
  char err[ERRLEN] = "";
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, 0);
  /* 5*16+16 + 16*1+1 */
  g_assert_cmpuint (bp_spec_param_count (&s), ==, 113);

  /* meta must hold an object's JSON text; a NaN is written as null, which the reader refuses
   * by name instead of the writer dropping it. */
  bp_optim_cfg_defaults (&s.optim, BP_OPTIM_ADAM);
  s.batch_size = 8, s.epochs = 1;
  s.meta = (char *) "[1]";
  g_assert_null (bp_spec_to_json (&s));
  s.meta = (char *) "{\"x\": [1, 2]}";
  layers[0].l2 = NAN;
  char *json = bp_spec_to_json (&s);
  g_assert_nonnull (json);
  g_assert_nonnull (strstr (json, "\"x\":"));
  g_assert_null (bp_spec_parse (json, strlen (json), err, ERRLEN));
  assert_err_has (err, "layer 1 'a': \"l2\" must be a number from 0 to 1000000, got null");
  free (json);
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 1 'a': l1 and l2 must be numbers from 0 to 1e6");
  layers[0].l2 = 0;
  s.meta = NULL;

  layers[2].u.dense.in_units = 17;
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 3 'c' expects 17 inputs, but 'b' gives 16");
  g_assert_cmpuint (bp_spec_param_count (&s), ==, 0);
  layers[2].u.dense.in_units = 0;

  layers[2].u.dense.units = -3;
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 3 'c': units must be a whole number from 1 to 1048576, got -3");
  layers[2].u.dense.units = 1;

  strcpy (layers[2].name, "a");
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 3 'a': the name 'a' is already used by layer 1");
  memset (layers[2].name, 'x', BP_NAME_MAX); /* not terminated */
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 3 has no name");
  strcpy (layers[2].name, "c");

  strcpy (layers[0].input, "c");
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 1 'a' takes its input from 'c', which comes after it: the layers "
                  "form a cycle");
  layers[0].input[0] = '\0';

  layers[1].u.activation.fn = (bp_act) 99;
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "layer 2 'b'");
  layers[1].u.activation.fn = BP_ACT_RELU;

  s.input = (bp_shape) { 2, { 3, 3, 0 } };
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "the input shape must be");
  s.input = bp_shape_vec (5);

  s.n_layers = 0;
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "the network has no layers");
  s.n_layers = 1000000;
  g_assert_cmpint (bp_spec_infer (&s, NULL, err, ERRLEN), ==, -1);
  assert_err_has (err, "the spec has 1,000,000 layers; the limit is 256");
  g_assert_cmpint (bp_spec_infer (NULL, NULL, NULL, 0), ==, -1);
  g_assert_null (bp_spec_to_json (&s));
}

static void
test_names (void)
{
  for (int k = 0; k < BP_LAYER_KIND_COUNT; k++)
    {
      bp_layer_kind back;
      g_assert_true (bp_layer_kind_from_name (bp_layer_kind_name ((bp_layer_kind) k), &back));
      g_assert_cmpint (back, ==, k);
    }
  for (int k = 0; k < BP_LOSS_KIND_COUNT; k++)
    {
      bp_loss_kind back;
      g_assert_true (bp_loss_from_name (bp_loss_name ((bp_loss_kind) k), &back));
      g_assert_cmpint (back, ==, k);
    }
  for (int k = 0; k < BP_OPTIM_KIND_COUNT; k++)
    {
      bp_optim_kind back;
      g_assert_true (bp_optim_from_name (bp_optim_name ((bp_optim_kind) k), &back));
      g_assert_cmpint (back, ==, k);
    }
  g_assert_cmpstr (bp_layer_kind_name (BP_LAYER_BATCHNORM), ==, "batchnorm");
  g_assert_cmpstr (bp_loss_name (BP_LOSS_BCE_LOGITS), ==, "bce");
  g_assert_cmpstr (bp_loss_name (BP_LOSS_CROSS_ENTROPY), ==, "cross_entropy");
  g_assert_cmpstr (bp_optim_name (BP_OPTIM_ADAMW), ==, "adamw");
  g_assert_cmpstr (bp_loss_name ((bp_loss_kind) 42), ==, "unknown");
  bp_layer_kind k;
  g_assert_false (bp_layer_kind_from_name ("Dense", &k));
  g_assert_false (bp_layer_kind_from_name (NULL, &k));
  g_assert_null (bp_spec_copy (NULL));
  bp_spec_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spec/full", test_full_spec);
  g_test_add_func ("/spec/defaults", test_defaults);
  g_test_add_func ("/spec/roundtrip", test_roundtrip);
  g_test_add_func ("/spec/param-counts", test_param_counts);
  g_test_add_func ("/spec/images", test_images);
  g_test_add_func ("/spec/bad/layers", test_bad_layers);
  g_test_add_func ("/spec/bad/top", test_bad_top);
  g_test_add_func ("/spec/bad/graph", test_bad_graph);
  g_test_add_func ("/spec/bad/absurd-sizes", test_absurd_sizes);
  g_test_add_func ("/spec/bad/not-json", test_not_json);
  g_test_add_func ("/spec/files", test_files);
  g_test_add_func ("/spec/truncate-and-corrupt", test_truncate_and_corrupt);
  g_test_add_func ("/spec/infer-built-in-code", test_infer_built_in_code);
  g_test_add_func ("/spec/names", test_names);
  return g_test_run ();
}
