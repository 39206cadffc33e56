/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots of a convolutional net (engine/session_snapshot_conv.c): every layer's output
 * shape, the conv kernels equal to the weights the session saves, the chosen sample's feature
 * maps equal to a convolution done here by hand with the snapshot's own kernel, kernels that
 * follow training, and no kernels for dense nets. */
#include "engine/safetensors.h"
#include "session-fixtures.h"

#include <glib/gstdio.h>

enum { SIDE = 6, PIX = SIDE * SIDE, ROWS = 40, BATCH = 8 };

/* conv (2 filters 3x3, same) -> maxpool 2 -> flatten -> dense 2. */
static const char *const CONV_SPEC =
  "{ \"input\": { \"shape\": [1, 6, 6] }, \"layers\": ["
  "{ \"type\": \"conv2d\", \"name\": \"conv\", \"filters\": 2, \"kernel_size\": 3, "
  "  \"padding\": \"same\" },"
  "{ \"type\": \"maxpool2d\", \"name\": \"pool\", \"pool_size\": 2 },"
  "{ \"type\": \"flatten\", \"name\": \"flat\" },"
  "{ \"type\": \"dense\", \"name\": \"out\", \"units\": 2 }"
  "], \"loss\": \"cross_entropy\", \"optimizer\": { \"type\": \"adam\", \"lr\": 0.05 }, "
  "\"training\": { \"batch_size\": 8, \"seed\": 3 } }";

/* Row 0: one lit pixel at (2, 3); the others: a bright row (label 0) or column (label 1). */
static bp_dataset *
images (void)
{
  bp_dataset *ds = bp_dataset_new (ROWS, PIX, BP_FEATURES_F32, BP_TASK_CLASSIFICATION, 2, NULL, 0);
  g_assert_nonnull (ds);
  ds->image_channels = 1;
  ds->image_height = ds->image_width = SIDE;
  ds->x_f32[2 * SIDE + 3] = 1.0f;
  for (int r = 1; r < ROWS; r++)
    {
      int vertical = r % 2, at = r % SIDE;
      for (int i = 0; i < SIDE; i++)
        ds->x_f32[r * PIX + (vertical ? i * SIDE + at : at * SIDE + i)] = 1.0f;
      ds->labels[r] = vertical;
    }
  return ds;
}

static bp_session *
conv_session (bp_dataset *ds, bp_split *sp, bp_spec **spec)
{
  char err[256] = "";
  *spec = bp_spec_parse (CONV_SPEC, strlen (CONV_SPEC), err, sizeof err);
  if (*spec == NULL)
    g_error ("spec: %s", err);
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, *spec);
  bp_session *s = bp_session_new (*spec, ds, sp, NULL, &cfg, err, sizeof err);
  if (s == NULL)
    g_error ("session: %s", err);
  return s;
}

static const bp_snapshot *
fresh_snapshot (bp_session *s)
{
  bp_session_request_snapshot (s);
  bp_session_wait (s, 30);
  bool fresh = false;
  const bp_snapshot *sn = bp_session_snapshot (s, &fresh);
  g_assert_nonnull (sn);
  g_assert_true (fresh);
  return sn;
}

static void
test_shapes_and_kernels (void)
{
  bp_dataset *ds = images ();
  bp_split sp = fx_split (32, 8);
  bp_spec *spec;
  bp_session *s = conv_session (ds, &sp, &spec);
  bp_session_set_sample_row (s, 0);
  const bp_snapshot *sn = fresh_snapshot (s);

  g_assert_cmpint (sn->n_layers, ==, 4);
  const bp_layer_snapshot *conv = &sn->layers[0], *pool = &sn->layers[1];
  g_assert_cmpint (conv->out_shape.rank, ==, 3);
  g_assert_cmpint (conv->out_shape.dims[0], ==, 2);
  g_assert_cmpint (conv->out_shape.dims[1], ==, SIDE);
  g_assert_cmpint (conv->out_shape.dims[2], ==, SIDE);
  g_assert_cmpint (pool->out_shape.rank, ==, 3);
  g_assert_cmpint (pool->out_shape.dims[1], ==, SIDE / 2);
  g_assert_cmpint (sn->layers[2].out_shape.rank, ==, 1);
  g_assert_cmpint (sn->layers[2].out_shape.dims[0], ==, 2 * 3 * 3);
  g_assert_cmpint (sn->layers[3].out_shape.dims[0], ==, 2);

  /* Only the conv layer has a kernel: (2, 1, 3, 3) and 2 biases. */
  g_assert_nonnull (conv->kernel);
  g_assert_nonnull (conv->kernel_bias);
  const int want_dims[4] = { 2, 1, 3, 3 };
  for (int d = 0; d < 4; d++)
    g_assert_cmpint (conv->kernel_dims[d], ==, want_dims[d]);
  for (int i = 1; i < 4; i++)
    g_assert_null (sn->layers[i].kernel);

  /* The kernel is the network's: the saved weights hold the same bytes. */
  char *path = g_build_filename (g_get_tmp_dir (), "bp-test-snapshot-conv.safetensors", NULL);
  char err[256] = "";
  g_assert_cmpint (bp_session_save_weights (s, path, err, sizeof err), ==, 0);
  bp_safetensors *st = bp_safetensors_read (path, err, sizeof err);
  g_assert_nonnull (st);
  const bp_st_tensor *w = bp_safetensors_find (st, "conv.weight");
  const bp_st_tensor *b = bp_safetensors_find (st, "conv.bias");
  g_assert_nonnull (w);
  g_assert_nonnull (b);
  g_assert_cmpmem (w->data, 18 * sizeof (float), conv->kernel, 18 * sizeof (float));
  g_assert_cmpmem (b->data, 2 * sizeof (float), conv->kernel_bias, 2 * sizeof (float));
  bp_safetensors_free (st);
  g_unlink (path);
  g_free (path);

  /* The sample's feature maps: a lit pixel at (2, 3) through a 3x3 cross-correlation with
   * zero padding gives w[f][1 + 2 - y][1 + 3 - x] + b[f] around it and b[f] elsewhere. */
  const float *fm = conv->sample_output;
  g_assert_nonnull (fm);
  for (int f = 0; f < 2; f++)
    for (int y = 0; y < SIDE; y++)
      for (int x = 0; x < SIDE; x++)
        {
          float want = conv->kernel_bias[f];
          int ky = 1 + 2 - y, kx = 1 + 3 - x;
          if (ky >= 0 && ky < 3 && kx >= 0 && kx < 3)
            want += conv->kernel[f * 9 + ky * 3 + kx];
          g_assert_cmpfloat_with_epsilon (fm[(f * SIDE + y) * SIDE + x], want, 1e-6);
        }
  /* ... and the pool's output is the max of each 2x2 block. */
  for (int f = 0; f < 2; f++)
    for (int y = 0; y < 3; y++)
      for (int x = 0; x < 3; x++)
        {
          const float *q = fm + (f * SIDE + 2 * y) * SIDE + 2 * x;
          float want = fmaxf (fmaxf (q[0], q[1]), fmaxf (q[SIDE], q[SIDE + 1]));
          g_assert_cmpfloat (pool->sample_output[(f * 3 + y) * 3 + x], ==, want);
        }

  /* Training moves the kernel, and the next snapshot shows it. */
  float before[18];
  memcpy (before, conv->kernel, sizeof before);
  bp_session_step (s, 10);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_PAUSED);
  sn = fresh_snapshot (s);
  g_assert_cmpuint (sn->step, ==, 10);
  double moved = 0;
  for (int i = 0; i < 18; i++)
    moved += fabs (sn->layers[0].kernel[i] - before[i]);
  g_assert_cmpfloat (moved, >, 1e-3);

  bp_session_free (s);
  bp_spec_free (spec);
  bp_split_free (&sp);
  bp_dataset_free (ds);
}

static void
test_dense_has_no_kernels (void)
{
  bp_dataset *ds = fx_blobs (20, 0, 4);
  bp_split sp = fx_split (30, 10);
  bp_spec *spec = fx_tiny_spec (0.1f, 10);
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, spec);
  char err[256] = "";
  bp_session *s = bp_session_new (spec, ds, &sp, NULL, &cfg, err, sizeof err);
  g_assert_nonnull (s);
  const bp_snapshot *sn = fresh_snapshot (s);
  g_assert_cmpint (sn->n_layers, ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_assert_null (sn->layers[i].kernel);
      g_assert_cmpint (sn->layers[i].out_shape.rank, ==, 1);
      g_assert_cmpint (sn->layers[i].out_shape.dims[0], ==, sn->layers[i].out_size);
    }
  bp_session_free (s);
  bp_spec_free (spec);
  bp_split_free (&sp);
  bp_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/snapshot-conv/shapes-and-kernels", test_shapes_and_kernels);
  g_test_add_func ("/snapshot-conv/dense-has-no-kernels", test_dense_has_no_kernels);
  return g_test_run ();
}
