/* SPDX-License-Identifier: GPL-3.0-or-later */
/* safetensors: the exact bytes written, read back bit for bit, a network's weights round trip,
 * and hostile files refused with a message that says what is wrong. */
#include "engine/net.h"
#include "engine/safetensors.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static char *
tmp_path (const char *name)
{
  static char *dir;
  if (dir == NULL)
    dir = g_dir_make_tmp ("bp-st-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static void
test_exact_bytes (void)
{
  const float a[6] = { 1.0f, -2.5f, 3.25f, 0.0f, -0.0f, 1e-30f };
  const float b[2] = { INFINITY, 7.0f };
  bp_st_tensor t[2] = {
    { .name = "a", .rank = 2, .dims = { 2, 3 }, .data = a },
    { .name = "b", .rank = 1, .dims = { 2 }, .data = b },
  };
  const char *mk[] = { "spec" }, *mv[] = { "{\"x\": \"\\\"q\\\"\"}" };
  char err[256] = "";
  g_autofree char *path = tmp_path ("exact.safetensors");
  g_assert_cmpint (bp_safetensors_write (path, t, 2, mk, mv, 1, err, sizeof err), ==, 0);

  gchar *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  const char *json = "{\"__metadata__\":{\"spec\":\"{\\\"x\\\": \\\"\\\\\\\"q\\\\\\\"\\\"}\"},"
                     "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                     "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}";
  size_t jl = strlen (json), padded = (jl + 7) / 8 * 8;
  g_assert_cmpuint (len, ==, 8 + padded + 32);
  uint64_t hl = 0;
  for (int i = 0; i < 8; i++)
    hl |= (uint64_t) (uint8_t) bytes[i] << (8 * i);
  g_assert_cmpuint (hl, ==, padded);
  g_assert_cmpmem (bytes + 8, jl, json, jl);
  for (size_t i = jl; i < padded; i++)
    g_assert_cmpint (bytes[8 + i], ==, ' ');
  /* Little-endian float32: 1.0f is 00 00 80 3f. */
  const uint8_t one[4] = { 0x00, 0x00, 0x80, 0x3f };
  g_assert_cmpmem (bytes + 8 + padded, 4, one, 4);
  g_assert_cmpmem (bytes + 8 + padded, 24, a, 24);
  g_assert_cmpmem (bytes + 8 + padded + 24, 8, b, 8);

  bp_safetensors *st = bp_safetensors_read (path, err, sizeof err);
  g_assert_nonnull (st);
  g_assert_cmpint (bp_safetensors_n_tensors (st), ==, 2);
  const bp_st_tensor *ra = bp_safetensors_find (st, "a");
  g_assert_cmpint (ra->rank, ==, 2);
  g_assert_cmpint (ra->dims[0], ==, 2);
  g_assert_cmpint (ra->dims[1], ==, 3);
  g_assert_cmpmem (ra->data, 24, a, 24); /* bit for bit, -0.0 and denormal-ish included */
  g_assert_cmpmem (bp_safetensors_find (st, "b")->data, 8, b, 8);
  g_assert_cmpstr (bp_safetensors_meta (st, "spec"), ==, mv[0]);
  g_assert_null (bp_safetensors_meta (st, "nope"));
  bp_safetensors_free (st);
  g_free (bytes);
}

/* A buffer: 8-byte length, header, data. */
static GByteArray *
make_file (const char *header, const void *data, size_t data_len)
{
  GByteArray *b = g_byte_array_new ();
  uint64_t n = strlen (header);
  uint8_t le[8];
  for (int i = 0; i < 8; i++)
    le[i] = (uint8_t) (n >> (8 * i));
  g_byte_array_append (b, le, 8);
  g_byte_array_append (b, (const guint8 *) header, (guint) n);
  g_byte_array_append (b, data, (guint) data_len);
  return b;
}

static void
expect_bad (const char *header, size_t data_len, const char *want)
{
  float data[16] = { 0 };
  GByteArray *b = make_file (header, data, data_len);
  char err[256] = "";
  bp_safetensors *st = bp_safetensors_parse (b->data, b->len, "bad.st", err, sizeof err);
  if (st != NULL || strstr (err, want) == NULL)
    g_error ("header %s: expected an error with '%s', got '%s'", header, want, err);
  g_assert_true (g_str_has_prefix (err, "bad.st: "));
  g_byte_array_unref (b);
}

static void
test_hostile (void)
{
  char err[256];
  const uint8_t tiny[4] = { 1, 2, 3, 4 };
  g_assert_null (bp_safetensors_parse (tiny, 4, "t", err, sizeof err));
  g_assert_nonnull (strstr (err, "too short"));
  /* Header length beyond the file. */
  uint8_t big[16] = { 0xff, 0xff, 0, 0, 0, 0, 0, 0 };
  g_assert_null (bp_safetensors_parse (big, 16, "t", err, sizeof err));
  g_assert_nonnull (strstr (err, "header length"));

  const char *t8 = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
  g_autofree char *good = g_strdup_printf ("{%s}", t8);
  float data[2] = { 1, 2 };
  GByteArray *b = make_file (good, data, 8);
  bp_safetensors *st = bp_safetensors_parse (b->data, b->len, "ok", err, sizeof err);
  g_assert_nonnull (st);
  bp_safetensors_free (st);
  g_byte_array_unref (b);

  expect_bad ("{\"t\":", 8, "not a JSON object");
  expect_bad ("[1, 2]", 0, "not a JSON object");
  expect_bad ("{\"t\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8, "only F32");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
              "for a shape of 3 floats");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
              "out of the file");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12,
              "bytes after the last tensor");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
              "gap");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
              "\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
              8, "overlaps");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
              "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
              8, "appears twice");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8,
              "not a size");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8,
              "not a size");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "needs dtype");
  expect_bad ("{\"__metadata__\":{\"k\":3}}", 0, "not a string");
  expect_bad ("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
              "\"data_offsets\":[0,8]}}", 8, "for a shape");

  /* A missing file names itself. */
  g_assert_null (bp_safetensors_read ("/nonexistent/x.safetensors", err, sizeof err));
  g_assert_nonnull (strstr (err, "/nonexistent/x.safetensors"));
  /* Writing into a missing folder fails cleanly. */
  bp_st_tensor t = { .name = "t", .rank = 1, .dims = { 2 }, .data = data };
  g_assert_cmpint (bp_safetensors_write ("/nonexistent/dir/w.safetensors", &t, 1, NULL, NULL,
                                         0, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "/nonexistent/dir/w.safetensors"));
}

static bp_spec *
small_spec (void)
{
  bp_spec *s = calloc (1, sizeof *s);
  s->input = bp_shape_vec (3);
  s->n_layers = 2;
  s->layers = calloc (2, sizeof *s->layers);
  bp_layer_spec_defaults (&s->layers[0], BP_LAYER_DENSE);
  snprintf (s->layers[0].name, BP_NAME_MAX, "hidden");
  s->layers[0].u.dense.units = 4;
  s->layers[0].u.dense.activation = BP_ACT_TANH;
  bp_layer_spec_defaults (&s->layers[1], BP_LAYER_DENSE);
  snprintf (s->layers[1].name, BP_NAME_MAX, "out");
  s->layers[1].u.dense.units = 2;
  s->loss = BP_LOSS_CROSS_ENTROPY;
  bp_optim_cfg_defaults (&s->optim, BP_OPTIM_ADAM);
  s->batch_size = 4;
  s->epochs = 1;
  s->seed = 7;
  return s;
}

static void
test_net_roundtrip (void)
{
  char err[256] = "";
  bp_spec *spec = small_spec ();
  bp_net *net = bp_net_create (spec, err, sizeof err);
  g_assert_nonnull (net);
  size_t n = bp_net_param_count (net);
  g_assert_cmpuint (n, ==, 3 * 4 + 4 + 4 * 2 + 2);
  float *orig = g_memdup2 (bp_net_params (net), n * sizeof (float));

  g_autofree char *path = tmp_path ("net.safetensors");
  const char *k[] = { "note" }, *v[] = { "hello" };
  g_assert_cmpint (bp_net_save_safetensors (net, path, k, v, 1, err, sizeof err), ==, 0);
  bp_safetensors *st = bp_safetensors_read (path, err, sizeof err);
  g_assert_nonnull (st);
  const bp_st_tensor *w = bp_safetensors_find (st, "hidden.weight");
  g_assert_nonnull (w);
  g_assert_cmpint (w->dims[0], ==, 4); /* PyTorch's (out, in) */
  g_assert_cmpint (w->dims[1], ==, 3);
  g_assert_nonnull (bp_safetensors_find (st, "out.bias"));
  g_assert_cmpstr (bp_safetensors_meta (st, "note"), ==, "hello");
  /* The spec in the metadata parses back to the same network. */
  bp_spec *back = bp_spec_parse (bp_safetensors_meta (st, "spec"),
                                 strlen (bp_safetensors_meta (st, "spec")), err, sizeof err);
  g_assert_nonnull (back);
  g_assert_cmpint (back->n_layers, ==, 2);
  g_assert_cmpint (back->layers[0].u.dense.units, ==, 4);
  bp_spec_free (back);

  bp_net_reset (net, 99);
  g_assert_true (memcmp (orig, bp_net_params (net), n * sizeof (float)) != 0);
  g_assert_cmpint (bp_net_load_safetensors (net, st, path, err, sizeof err), ==, 0);
  g_assert_cmpmem (orig, n * sizeof (float), bp_net_params (net), n * sizeof (float));
  bp_safetensors_free (st);

  /* A file for another shape is refused and changes nothing. */
  spec->layers[0].u.dense.units = 5;
  bp_net *other = bp_net_create (spec, err, sizeof err);
  g_autofree char *path2 = tmp_path ("other.safetensors");
  g_assert_cmpint (bp_net_save_safetensors (other, path2, NULL, NULL, 0, err, sizeof err), ==, 0);
  st = bp_safetensors_read (path2, err, sizeof err);
  g_assert_cmpint (bp_net_load_safetensors (net, st, path2, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "different shape"));
  g_assert_cmpmem (orig, n * sizeof (float), bp_net_params (net), n * sizeof (float));
  bp_safetensors_free (st);
  bp_net_free (other);

  g_free (orig);
  bp_net_free (net);
  bp_spec_free (spec);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/safetensors/exact-bytes", test_exact_bytes);
  g_test_add_func ("/safetensors/hostile", test_hostile);
  g_test_add_func ("/safetensors/net-roundtrip", test_net_roundtrip);
  return g_test_run ();
}
