/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The IDX reader on tiny files (tests/data/files/make-idx.py): every element type, gzip or not,
 * and the exact message for every malformed header, size and label. */
#include <glib.h>
#include <string.h>

#include "data/idx.h"

static char *
path_of (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "files", name, NULL);
}

static bp_dataset *
load_pair (const char *images, const char *labels, char *err, size_t errlen)
{
  g_autofree char *ip = path_of (images);
  g_autofree char *lp = path_of (labels);
  return bp_idx_load_pair (ip, lp, err, errlen);
}

static const uint8_t tiny_pixels[12] = { 0, 255, 128, 64, 1, 2, 3, 4, 10, 20, 30, 40 };

static void
check_tiny (bp_dataset *ds)
{
  g_assert_nonnull (ds);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpint (ds->n_features, ==, 4);
  g_assert_cmpint (ds->storage, ==, BP_FEATURES_U8);
  g_assert_cmpfloat (ds->u8_scale, ==, 1.0f / 255.0f);
  g_assert_cmpint (ds->image_channels, ==, 1);
  g_assert_cmpint (ds->image_height, ==, 2);
  g_assert_cmpint (ds->image_width, ==, 2);
  g_assert_cmpmem (ds->x_u8, 12, tiny_pixels, 12);
  g_assert_cmpint (ds->task, ==, BP_TASK_CLASSIFICATION);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpint (ds->labels[0], ==, 2);
  g_assert_cmpint (ds->labels[1], ==, 0);
  g_assert_cmpint (ds->labels[2], ==, 1);
  g_assert_cmpfloat (bp_dataset_feature (ds, 0, 1), ==, 1.0f);
}

static void
test_tiny_plain_and_gzip (void)
{
  char err[256] = "";
  bp_dataset *ds = load_pair ("tiny-images-idx3-ubyte", "tiny-labels-idx1-ubyte", err,
                              sizeof err);
  check_tiny (ds);
  g_assert_cmpstr (ds->name, ==, "tiny-images-idx3-ubyte");
  bp_dataset_free (ds);
  ds = load_pair ("tiny-images-idx3-ubyte.gz", "tiny-labels-idx1-ubyte.gz", err, sizeof err);
  check_tiny (ds);
  bp_dataset_free (ds);
}

static void
test_buffers (void)
{
  const char *names[] = { "tiny-images-idx3-ubyte", "tiny-images-idx3-ubyte.gz" };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = path_of (names[i]);
      g_autofree char *data = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      bp_idx_array a;
      char err[256] = "";
      g_assert_cmpint (bp_idx_read_buffer (data, len, "mem", 0, &a, err, sizeof err), ==, 0);
      g_assert_cmpint (a.type, ==, BP_IDX_U8);
      g_assert_cmpint (a.ndim, ==, 3);
      g_assert_cmpuint (a.dims[0], ==, 3);
      g_assert_cmpuint (a.dims[2], ==, 2);
      g_assert_cmpuint (a.count, ==, 12);
      g_assert_cmpuint (a.data_offset, ==, 16);
      g_assert_cmpmem (a.data, 12, tiny_pixels, 12);
      bp_idx_array_clear (&a);
      /* Every truncation of the buffer is an error, never a crash. */
      for (gsize cut = 0; cut < len; cut++)
        {
          int rc = bp_idx_read_buffer (data, cut, "mem", 0, &a, err, sizeof err);
          g_assert_cmpint (rc, ==, -1);
          g_assert_true (g_str_has_prefix (err, "mem: "));
          g_assert_null (a.data);
        }
    }
}

static void
test_element_types (void)
{
  char err[256] = "";
  bp_dataset *ds = load_pair ("i16-images.idx", "i16-labels.idx", err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->storage, ==, BP_FEATURES_F32);
  const float i16[4] = { -300, 2, 3, 32767 };
  g_assert_cmpmem (ds->x_f32, sizeof i16, i16, sizeof i16);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpint (ds->labels[0], ==, 1);
  g_assert_cmpint (ds->image_width, ==, 0); /* 2-D: a table, not images */
  bp_dataset_free (ds);

  ds = load_pair ("i32-images.idx", "i16-labels.idx", err, sizeof err);
  g_assert_nonnull (ds);
  const float i32[4] = { -70000, 1, 2, 3 };
  g_assert_cmpmem (ds->x_f32, sizeof i32, i32, sizeof i32);
  bp_dataset_free (ds);

  ds = load_pair ("i8-images.idx", "i16-labels.idx", err, sizeof err);
  g_assert_nonnull (ds);
  const float i8[4] = { -128, 127, 0, -1 };
  g_assert_cmpmem (ds->x_f32, sizeof i8, i8, sizeof i8);
  bp_dataset_free (ds);

  ds = load_pair ("f64-images.idx", "i16-labels.idx", err, sizeof err);
  g_assert_nonnull (ds);
  const float f64[4] = { 0.1f, -2.5f, 1e10f, 7 };
  g_assert_cmpmem (ds->x_f32, sizeof f64, f64, sizeof f64);
  bp_dataset_free (ds);

  /* float labels: regression targets */
  ds = load_pair ("f32-images.idx", "f32-targets.idx", err, sizeof err);
  g_assert_nonnull (ds);
  const float f32[4] = { 0.5f, -1.25f, 3.0f, 1e-3f };
  g_assert_cmpmem (ds->x_f32, sizeof f32, f32, sizeof f32);
  g_assert_cmpint (ds->task, ==, BP_TASK_REGRESSION);
  g_assert_cmpint (ds->n_targets, ==, 1);
  g_assert_cmpfloat (ds->targets[0], ==, 1.5f);
  g_assert_cmpfloat (ds->targets[1], ==, -0.25f);
  bp_dataset_free (ds);

  /* 4-D: (n, c, h, w) */
  ds = load_pair ("4d-images.idx", "i16-labels.idx", err, sizeof err);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->n_features, ==, 6);
  g_assert_cmpint (ds->image_channels, ==, 3);
  g_assert_cmpint (ds->image_height, ==, 1);
  g_assert_cmpint (ds->image_width, ==, 2);
  g_assert_cmpuint (ds->x_u8[11], ==, 11);
  bp_dataset_free (ds);
}

static void
test_malformed_files (void)
{
  static const struct {
    const char *file, *msg;
  } cases[] = {
    { "bad-magic.idx", ": byte 0: not an IDX file (magic 01 02 08 01, expected 00 00 TYPE DIMS)" },
    { "bad-type.idx", ": byte 2: unknown IDX element type 0x0a" },
    { "bad-ndim.idx", ": byte 3: 5 dimensions (1 to 4 supported)" },
    { "bad-ndim0.idx", ": byte 3: 0 dimensions (1 to 4 supported)" },
    { "bad-zero-dim.idx", ": byte 8: dimension 2 is 0 (no data)" },
    { "bad-short-magic.idx", ": byte 2: file ends inside the 4-byte IDX magic" },
    { "bad-short-dims.idx", ": byte 10: file ends inside the dimensions (3 declared)" },
    { "bad-truncated.idx",
      ": byte 23: truncated: the header declares 12 bytes of data, the file holds 7" },
    { "bad-trailing.idx", ": byte 28: 2 bytes after the declared data" },
    { "bad-overflow.idx",
      ": byte 4: dimensions 65536 x 65536 x 65536 x 65536 need more than the 1 GiB allowed" },
    { "bad-huge.idx", ": byte 4: dimensions 60000 x 60000 x 60000 need more than the 1 GiB" },
    { "bad-huge.idx.gz", ": byte 4: dimensions 60000 x 60000 x 60000 need more than the 1 GiB" },
    { "bad-nan.idx", ": byte 16: NaN value" },
    { "no-such.idx", ": No such file or directory" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = path_of (cases[i].file);
      g_autofree char *want = g_strconcat (path, cases[i].msg, NULL);
      bp_idx_array a;
      char err[512] = "";
      g_assert_cmpint (bp_idx_read_file (path, 0, &a, err, sizeof err), ==, -1);
      g_assert_null (a.data);
      if (!g_str_has_prefix (err, want))
        g_error ("%s:\n  got      \"%s\"\n  expected \"%s...\"", cases[i].file, err, want);
    }

  /* A gzip stream cut short: zlib's complaint or a truncation, named with the file. */
  g_autofree char *cut = path_of ("bad-truncated.idx.gz");
  bp_idx_array a;
  char err[512] = "";
  g_assert_cmpint (bp_idx_read_file (cut, 0, &a, err, sizeof err), ==, -1);
  g_assert_true (g_str_has_prefix (err, cut));
  g_assert_nonnull (strstr (err, "truncated") ? strstr (err, "truncated")
                                              : strstr (err, "unexpected end of file"));

  /* The caller's bound comes before any allocation. */
  g_autofree char *tiny = path_of ("tiny-images-idx3-ubyte");
  g_assert_cmpint (bp_idx_read_file (tiny, 8, &a, err, sizeof err), ==, -1);
  g_assert_nonnull (
    strstr (err, ": byte 4: dimensions 3 x 2 x 2 need more than the 8 bytes allowed"));
}

static void
test_bad_labels (void)
{
  char err[512] = "";
  g_assert_null (load_pair ("tiny-images-idx3-ubyte", "bad-neg-labels.idx", err, sizeof err));
  g_assert_true (g_str_has_suffix (err, "bad-neg-labels.idx: byte 9: label -3 out of range (0 "
                                        "to 4095)"));
  g_assert_null (load_pair ("tiny-images-idx3-ubyte", "bad-big-labels.idx", err, sizeof err));
  g_assert_true (g_str_has_suffix (err, "bad-big-labels.idx: byte 12: label 5000 out of range "
                                        "(0 to 4095)"));
  g_assert_null (load_pair ("tiny-images-idx3-ubyte", "bad-count-labels.idx", err, sizeof err));
  g_assert_nonnull (strstr (err, "tiny-images-idx3-ubyte: 3 rows, but "));
  g_assert_true (g_str_has_suffix (err, "bad-count-labels.idx has 2 labels"));
  /* Images as labels: 3-D labels are refused. */
  g_assert_null (load_pair ("tiny-images-idx3-ubyte", "tiny-images-idx3-ubyte", err,
                            sizeof err));
  g_assert_true (g_str_has_suffix (err, "tiny-images-idx3-ubyte: 3 dimensions; labels must be "
                                        "(n)"));
}

static void
test_sniff (void)
{
  const unsigned char idx[4] = { 0, 0, 8, 3 }, csv[4] = { 'a', ',', 'b', '\n' },
                      bad[4] = { 0, 0, 8, 9 };
  g_assert_true (bp_idx_sniff (idx, 4));
  g_assert_false (bp_idx_sniff (idx, 3));
  g_assert_false (bp_idx_sniff (csv, 4));
  g_assert_false (bp_idx_sniff (bad, 4));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/idx/tiny", test_tiny_plain_and_gzip);
  g_test_add_func ("/idx/buffers", test_buffers);
  g_test_add_func ("/idx/element-types", test_element_types);
  g_test_add_func ("/idx/malformed", test_malformed_files);
  g_test_add_func ("/idx/bad-labels", test_bad_labels);
  g_test_add_func ("/idx/sniff", test_sniff);
  return g_test_run ();
}
