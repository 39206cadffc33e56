/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fashion-MNIST from Debian's dataset-fashion-mnist, when installed: counts, label histogram,
 * storage, and the first pixels of the first image. */
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "data/builtin.h"
#include "data/stats.h"

static bool
installed (void)
{
  if (access (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) == 0)
    return true;
  g_test_skip ("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
  return false;
}

static void
check (bool test, size_t rows)
{
  if (!installed ())
    return;
  char err[512] = "";
  gint64 t0 = g_get_monotonic_time ();
  bp_dataset *ds = bp_builtin_load (test ? "fashion-mnist-test" : "fashion-mnist", err,
                                    sizeof err);
  gint64 t1 = g_get_monotonic_time ();
  g_assert_nonnull (ds);
  g_test_message ("loaded %zu images in %.3f s", ds->n_rows, (t1 - t0) / 1e6);
  g_assert_cmpuint (ds->n_rows, ==, rows);
  g_assert_cmpint (ds->n_features, ==, 784);
  g_assert_cmpint (ds->storage, ==, BP_FEATURES_U8); /* 47 MB, not 188 MB */
  g_assert_null (ds->x_f32);
  g_assert_cmpfloat (ds->u8_scale, ==, 1.0f / 255.0f);
  g_assert_cmpint (ds->image_channels, ==, 1);
  g_assert_cmpint (ds->image_height, ==, 28);
  g_assert_cmpint (ds->image_width, ==, 28);
  g_assert_cmpint (ds->n_classes, ==, 10);
  g_assert_cmpstr (ds->class_names[0], ==, "T-shirt/top");
  g_assert_cmpstr (ds->class_names[9], ==, "Ankle boot");
  size_t counts[10];
  g_assert_cmpuint (bp_dataset_class_counts (ds, NULL, 0, counts), ==, rows);
  for (int c = 0; c < 10; c++)
    g_assert_cmpuint (counts[c], ==, rows / 10);
  /* First labels of each file (9 Ankle boot, 0 T-shirt for train; 9, 2 for test). */
  g_assert_cmpint (ds->labels[0], ==, 9);
  g_assert_cmpint (ds->labels[1], ==, test ? 2 : 0);
  bp_dataset_free (ds);
}

static void
test_train (void)
{
  check (false, 60000);
}

static void
test_test (void)
{
  check (true, 10000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fashion-mnist/train", test_train);
  g_test_add_func ("/fashion-mnist/test", test_test);
  return g_test_run ();
}
