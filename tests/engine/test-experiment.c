/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiment files: the shipped templates load and name what they should; save -> open gives
 * the same spec text and bit-identical weights in both forms; dataset paths stay relative to
 * the file; every file of the malformed corpus is refused with a message naming the file and
 * the problem; weights that do not fit a network change nothing; Python reads the files. */
#include "engine/experiment.h"
#include "engine/net.h"
#include "engine/session.h"

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *
tmp_dir (void)
{
  return g_dir_make_tmp ("bp-exp-XXXXXX", NULL);
}

static char *
corpus (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "engine", "experiments", name, NULL);
}

static char *
example (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "examples", name, NULL);
}

static bp_experiment *
load_ok (const char *path)
{
  char err[1024] = "";
  bp_experiment *exp = bp_experiment_load (path, err, sizeof err);
  if (exp == NULL)
    g_error ("%s did not load: %s", path, err);
  return exp;
}

/* ---- the templates ---- */

static void
test_templates (void)
{
  g_autofree char *spiral_path = example ("playground-spiral.json");
  bp_experiment *e = load_ok (spiral_path);
  g_assert_cmpstr (e->title, ==, "Playground: two spirals");
  g_assert_cmpint (e->spec->n_layers, ==, 4);
  g_assert_cmpint (e->spec->layers[2].u.dense.units, ==, 8);
  g_assert_cmpint (e->spec->loss, ==, BP_LOSS_BCE_LOGITS);
  g_assert_cmpfloat (e->spec->optim.lr, ==, 0.03f);
  g_assert_cmpint (e->spec->batch_size, ==, 10);
  g_assert_cmpstr (e->data.source, ==, "spiral");
  g_assert_cmpint (e->data.synth.n, ==, 500);
  g_assert_cmpfloat (e->data.val_ratio, ==, 0.5);
  g_assert_cmpuint (e->data.features, ==, 3); /* x1, x2 */
  g_autofree char *src = bp_experiment_source_string (&e->data);
  g_assert_cmpstr (src, ==, "spiral:n=500,noise=0,seed=1");
  bp_experiment_dataset d;
  char err[512];
  g_assert_cmpint (bp_experiment_load_dataset (e, &d, err, sizeof err), ==, 0);
  g_assert_cmpuint (d.ds->n_rows, ==, 500);
  g_assert_cmpint (d.ds->n_features, ==, 2);
  g_assert_cmpuint (d.split.n_train, ==, 250);
  g_assert_cmpuint (d.split.n_val, ==, 250);
  g_assert_null (bp_experiment_dataset_scaler (&d));
  bp_experiment_dataset_free (&d);
  bp_experiment_free (e);

  g_autofree char *iris_path = example ("iris-mlp.json");
  e = load_ok (iris_path);
  g_assert_cmpstr (e->data.source, ==, "iris");
  g_assert_cmpint (e->data.scaling, ==, BP_SCALING_STANDARD);
  g_assert_true (e->training.early_stop.enabled);
  g_assert_cmpint (e->training.early_stop.patience, ==, 20);
  g_assert_false (e->training.plateau.enabled);
  g_assert_cmpint (bp_experiment_load_dataset (e, &d, err, sizeof err), ==, 0);
  g_assert_cmpuint (d.ds->n_rows, ==, 150);
  g_assert_cmpuint (d.split.n_train + d.split.n_val + d.split.n_test, ==, 150);
  g_assert_cmpuint (d.split.n_test, ==, 30);
  g_assert_cmpint (bp_experiment_dataset_scaler (&d)->n_features, ==, 4);
  bp_experiment_dataset_free (&d);
  bp_experiment_free (e);

  /* 784*256+256 + 256*128+128 + 128*10+10, by hand. */
  g_autofree char *mlp_path = example ("fashion-mnist-mlp.json");
  e = load_ok (mlp_path);
  g_assert_cmpuint (bp_spec_param_count (e->spec), ==, 235146);
  g_assert_cmpstr (e->data.source, ==, "fashion-mnist");
  g_assert_cmpint (e->training.schedule.kind, ==, BP_SCHEDULE_COSINE);
  bp_experiment_free (e);

  /* LeNet-5's layout with 10 and 20 filters: 10x28x28 -> 10x14x14 -> 20x10x10 -> 20x5x5 = 500
   * -> 120 -> 84 -> 10; 260 + 5020 + 60120 + 10164 + 850 parameters (PyTorch's count). */
  g_autofree char *lenet_path = example ("fashion-mnist-lenet.json");
  e = load_ok (lenet_path);
  g_assert_cmpuint (bp_spec_param_count (e->spec), ==, 76414);
  bp_layer_info info[8];
  g_assert_cmpint (bp_spec_infer (e->spec, info, err, sizeof err), ==, 0);
  g_assert_cmpint (info[4].out.dims[0], ==, 500);
  bp_experiment_free (e);
}

/* ---- round trips ---- */

static const char *const cnn_spec =
  "{\"input\": {\"shape\": [1, 6, 6]}, \"layers\": ["
  "{\"type\": \"conv2d\", \"name\": \"conv\", \"filters\": 2, \"kernel_size\": 3},"
  "{\"type\": \"batchnorm\", \"name\": \"bn\"},"
  "{\"type\": \"activation\", \"function\": \"relu\"},"
  "{\"type\": \"maxpool2d\", \"pool_size\": 2},"
  "{\"type\": \"flatten\"},"
  "{\"type\": \"dense\", \"name\": \"out\", \"units\": 3}],"
  "\"loss\": \"cross_entropy\", \"optimizer\": {\"type\": \"sgd\", \"lr\": 0.1},"
  "\"training\": {\"batch_size\": 8, \"epochs\": 7, \"seed\": \"18446744073709551557\"},"
  "\"meta\": {\"editor\": {\"positions\": [[0, 0], [120, 40]]}}}";

/* A network with trained weights and moved batch-norm statistics. */
static bp_net *
trained_net (const bp_spec *spec)
{
  char err[512];
  bp_net *net = bp_net_create (spec, err, sizeof err);
  g_assert_nonnull (net);
  g_assert_cmpint (bp_net_compile (net, 8, err, sizeof err), ==, 0);
  float x[8 * 36];
  int32_t labels[8];
  for (int i = 0; i < 8 * 36; i++)
    x[i] = sinf ((float) i * 0.37f);
  for (int i = 0; i < 8; i++)
    labels[i] = i % 3;
  bp_batch b = { .x = x, .labels = labels, .n = 8 };
  bp_step_stats st;
  for (int k = 0; k < 3; k++)
    g_assert_cmpint (bp_net_train_step (net, &b, &st), ==, BP_STEP_OK);
  return net;
}

/* An experiment with every setting away from its default. */
static bp_experiment *
busy_experiment (const char *csv_path)
{
  char err[512];
  bp_spec *spec = bp_spec_parse (cnn_spec, strlen (cnn_spec), err, sizeof err);
  g_assert_nonnull (spec);
  bp_experiment *e = bp_experiment_new (spec);
  bp_spec_free (spec);
  e->title = g_strdup ("Ünïcode title — 6x6");
  e->description = g_strdup ("Two lines,\n\"quoted\"\tand tabbed.");
  e->data.source = g_strdup (csv_path);
  e->data.label = g_strdup ("class");
  e->data.task = BP_CSV_TASK_CLASSIFICATION;
  e->data.header = BP_CSV_HEADER_YES;
  e->data.delimiter = ';';
  e->data.drop_bad_rows = true;
  e->data.val_ratio = 0.15;
  e->data.test_ratio = 0.1;
  e->data.split_seed = 12345678901234567ULL;
  e->data.scaling = BP_SCALING_MINMAX;
  bp_experiment_training *t = &e->training;
  t->max_steps = 999;
  t->shuffle = false;
  t->drop_last = true;
  bp_schedule_defaults (&t->schedule, BP_SCHEDULE_COSINE);
  t->schedule.per_step = true;
  t->schedule.t_max = 400;
  t->schedule.eta_min = 1e-4f;
  t->schedule.warmup_steps = 20;
  t->early_stop.enabled = true;
  t->early_stop.monitor = BP_MONITOR_VAL_ACC;
  t->early_stop.patience = 3;
  t->early_stop.min_delta = 0.001f;
  t->early_stop.restore_best = false;
  t->plateau.enabled = true;
  t->plateau.factor = 0.3f;
  t->plateau.cooldown = 2;
  t->plateau.min_lr = 1e-6f;
  return e;
}

static void
assert_same_weights (const bp_experiment *a, const bp_experiment *b)
{
  g_assert_cmpint (a->n_weights, ==, b->n_weights);
  for (int i = 0; i < a->n_weights; i++)
    {
      const bp_experiment_tensor *x = &a->weights[i], *y = &b->weights[i];
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->rank, ==, y->rank);
      size_t n = 1;
      for (int d = 0; d < x->rank; d++)
        {
          g_assert_cmpint (x->dims[d], ==, y->dims[d]);
          n *= (size_t) x->dims[d];
        }
      g_assert_cmpmem (x->data, n * 4, y->data, n * 4);
    }
}

static void
assert_same_settings (const bp_experiment *a, const bp_experiment *b)
{
  g_autofree char *sa = bp_spec_to_json (a->spec), *sb = bp_spec_to_json (b->spec);
  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->data.label, ==, b->data.label);
  g_assert_cmpint (a->data.delimiter, ==, b->data.delimiter);
  g_assert_cmpuint (a->data.split_seed, ==, b->data.split_seed);
  g_assert_cmpfloat (a->data.val_ratio, ==, b->data.val_ratio);
  g_assert_cmpint (a->training.schedule.kind, ==, b->training.schedule.kind);
  g_assert_cmpint (a->training.early_stop.enabled, ==, b->training.early_stop.enabled);
  /* The whole document, paths relative to the same folder, as one text. */
  g_autofree char *ja = bp_experiment_to_json (a, "/"), *jb = bp_experiment_to_json (b, "/");
  g_assert_cmpstr (ja, ==, jb);
}

static void
test_roundtrip_bpx (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *csv = g_build_filename (dir, "rows.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "a;class\n1;x\n", -1, NULL));
  bp_experiment *e = busy_experiment (csv);
  bp_net *net = trained_net (e->spec);
  char err[1024] = "";
  g_assert_cmpint (bp_experiment_take_weights (e, net, err, sizeof err), ==, 0);
  /* conv weight+bias, bn gamma, beta, running mean and var, out weight+bias */
  g_assert_cmpint (e->n_weights, ==, 8);
  g_assert_cmpstr (e->weights[0].name, ==, "conv.weight");
  g_assert_cmpint (e->weights[0].rank, ==, 4);
  g_assert_cmpint (e->weights[0].dims[1], ==, 1);
  g_assert_cmpstr (e->weights[4].name, ==, "bn.running_mean");
  g_assert_cmpfloat (e->weights[4].data[0], !=, 0.0f); /* the steps moved it */

  g_autofree char *path = g_build_filename (dir, "run.bpx", NULL);
  g_assert_cmpint (bp_experiment_save (e, path, err, sizeof err), ==, 0);
  bp_experiment *back = load_ok (path);
  assert_same_settings (e, back);
  assert_same_weights (e, back);
  g_assert_cmpstr (back->data.source, ==, csv); /* stored "rows.csv", joined to dir */
  g_assert_cmpuint (back->spec->seed, ==, 18446744073709551557ULL);

  /* The loaded weights put into a fresh network give the trained network's answers. */
  bp_net *fresh = bp_net_create (back->spec, err, sizeof err);
  g_assert_cmpint (bp_net_compile (fresh, 8, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_experiment_apply_weights (back, fresh, err, sizeof err), ==, 0);
  g_assert_cmpmem (bp_net_params (fresh), bp_net_param_count (fresh) * 4, bp_net_params (net),
                   bp_net_param_count (net) * 4);
  float x[2 * 36];
  for (int i = 0; i < 2 * 36; i++)
    x[i] = cosf ((float) i);
  float want[6];
  memcpy (want, bp_net_predict (net, x, 2, true), sizeof want);
  g_assert_cmpmem (bp_net_predict (fresh, x, 2, true), sizeof want, want, sizeof want);

  /* A copy is as good as the original. */
  bp_experiment *copy = bp_experiment_copy (back);
  assert_same_settings (copy, back);
  assert_same_weights (copy, back);
  bp_experiment_free (copy);

  /* Saving what was loaded gives the same bytes. */
  g_autofree char *again = g_build_filename (dir, "again.bpx", NULL);
  g_assert_cmpint (bp_experiment_save (back, again, err, sizeof err), ==, 0);
  g_autofree char *b1 = NULL, *b2 = NULL;
  gsize n1, n2;
  g_assert_true (g_file_get_contents (path, &b1, &n1, NULL));
  g_assert_true (g_file_get_contents (again, &b2, &n2, NULL));
  g_assert_cmpmem (b1, n1, b2, n2);

  /* A session's weights file (bp_net_save_safetensors) opens as an experiment without data. */
  g_autofree char *weights = g_build_filename (dir, "session.st", NULL);
  const char *keys[] = { "format", "step" }, *vals[] = { "backprop-weights-1", "3" };
  g_assert_cmpint (bp_net_save_safetensors (net, weights, keys, vals, 2, err, sizeof err), ==, 0);
  bp_experiment *w = load_ok (weights);
  g_assert_null (w->data.source);
  assert_same_weights (e, w);
  g_autofree char *ws = bp_spec_to_json (w->spec), *es = bp_spec_to_json (e->spec);
  g_assert_cmpstr (ws, ==, es);
  bp_experiment_free (w);

  bp_net_free (fresh);
  bp_net_free (net);
  bp_experiment_free (back);
  bp_experiment_free (e);
}

static void
test_roundtrip_json (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *csv = g_build_filename (dir, "rows.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "a;class\n1;x\n", -1, NULL));
  bp_experiment *e = busy_experiment (csv);
  g_autofree char *path = g_build_filename (dir, "plain.json", NULL);
  char err[1024] = "";
  g_assert_cmpint (bp_experiment_save (e, path, err, sizeof err), ==, 0);
  bp_experiment *back = load_ok (path);
  assert_same_settings (e, back);
  g_assert_cmpint (back->n_weights, ==, 0);

  /* People read these: two-space indents, "key": value, the relative path. */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\n  \"format\": \"backprop-experiment\",\n"));
  g_assert_nonnull (strstr (text, "\"source\": \"rows.csv\""));
  g_assert_null (strchr (text, '\t'));

  /* JSON holds no weights: refused, and the file that was there stays as it was. */
  bp_net *net = trained_net (e->spec);
  g_assert_cmpint (bp_experiment_take_weights (e, net, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_experiment_save (e, path, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "holds no weights"));
  g_autofree char *after = NULL;
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, text);

  /* A .safetensors name is the binary form too. */
  g_autofree char *st = g_build_filename (dir, "w.safetensors", NULL);
  g_assert_cmpint (bp_experiment_save (e, st, err, sizeof err), ==, 0);
  bp_experiment *w = load_ok (st);
  assert_same_weights (e, w);
  bp_experiment_free (w);

  bp_net_free (net);
  bp_experiment_free (back);
  bp_experiment_free (e);
}

/* ---- dataset paths ---- */

/* The "source" a saved .json experiment holds. */
static char *
stored_source (const char *json_path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (json_path, &text, NULL, NULL));
  cJSON *root = cJSON_Parse (text);
  const cJSON *src = cJSON_GetObjectItem (cJSON_GetObjectItem (root, "data"), "source");
  char *out = g_strdup (cJSON_GetStringValue (src));
  cJSON_Delete (root);
  return out;
}

static void
check_stored (bp_experiment *e, const char *dataset, const char *exp_path, const char *want)
{
  char err[1024];
  g_free (e->data.source);
  e->data.source = g_strdup (dataset);
  g_assert_cmpint (bp_experiment_save (e, exp_path, err, sizeof err), ==, 0);
  g_autofree char *got = stored_source (exp_path);
  g_assert_cmpstr (got, ==, want);
  /* Read back, the path names the same file again. */
  bp_experiment *back = load_ok (exp_path);
  g_assert_false (bp_experiment_source_is_builtin (back->data.source));
  g_autofree char *a = realpath (back->data.source, NULL), *b = realpath (dataset, NULL);
  g_assert_cmpstr (a, ==, b);
  bp_experiment_free (back);
}

static void
test_paths (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *exp_dir = g_build_filename (dir, "exp", NULL);
  g_autofree char *sub = g_build_filename (dir, "exp", "sub", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  g_autofree char *x = g_build_filename (data_dir, "x.csv", NULL);
  g_autofree char *y = g_build_filename (sub, "y.csv", NULL);
  g_autofree char *iris = g_build_filename (exp_dir, "iris", NULL);
  for (const char *const *f = (const char *const[]){ x, y, iris, NULL }; *f; f++)
    g_assert_true (g_file_set_contents (*f, "a,b\n1,0\n", -1, NULL));
  g_autofree char *exp_path = g_build_filename (exp_dir, "e.json", NULL);
  const char *spec_text = "{\"input\": {\"shape\": [1]}, \"layers\": [{\"type\": \"dense\", "
                          "\"units\": 1}], \"loss\": \"mse\"}";
  char err[1024];
  bp_spec *spec = bp_spec_parse (spec_text, strlen (spec_text), err, sizeof err);
  bp_experiment *e = bp_experiment_new (spec);
  bp_spec_free (spec);

  check_stored (e, x, exp_path, "../data/x.csv");
  check_stored (e, y, exp_path, "sub/y.csv");
  /* A file called like a built-in must not read back as the built-in. */
  check_stored (e, iris, exp_path, "./iris");
  /* Only the root in common: absolute. */
  check_stored (e, "/proc/version", exp_path, "/proc/version");

  /* Paths relative to the current folder in memory, relative to the file on disk. */
  g_autofree char *cwd = g_get_current_dir ();
  g_assert_cmpint (g_chdir (dir), ==, 0);
  check_stored (e, "data/x.csv", "exp/e.json", "../data/x.csv");
  bp_experiment *back = load_ok ("exp/e.json");
  g_assert_cmpstr (back->data.source, ==, "exp/../data/x.csv");
  bp_experiment_free (back);
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  /* Built-in names are kept as they are. */
  g_free (e->data.source);
  e->data.source = g_strdup ("iris");
  g_assert_cmpint (bp_experiment_save (e, exp_path, err, sizeof err), ==, 0);
  g_autofree char *got = stored_source (exp_path);
  g_assert_cmpstr (got, ==, "iris");
  bp_experiment_free (e);
}

/* ---- the corpus of damaged files ---- */

static const struct {
  const char *file, *says;
} bad_files[] = {
  { "empty.bpx", "the file is empty" },
  { "truncated-length.bpx", "5 bytes is too short for a safetensors file" },
  { "truncated-header.bpx", "header length 1216 does not fit a file of 40 bytes" },
  { "truncated-data.bpx", "tensor 'out.weight': data_offsets out of the file's 106 data bytes" },
  { "header-length-too-big.bpx", "header length 1340 does not fit a file of 1340 bytes" },
  { "header-length-absurd.bpx", "header length 18446744073709551615 does not fit" },
  { "binary-garbage.bpx", "does not fit a file of 300 bytes" },
  { "bad-json-header.bpx", "the header is not a JSON object" },
  { "header-not-object.bpx", "the header is not a JSON object" },
  { "header-trailing-garbage.bpx", "unexpected bytes after the JSON header" },
  { "no-metadata.bpx", "no \"__metadata__\"" },
  { "metadata-no-spec.bpx", "the metadata has no \"spec\"" },
  { "metadata-not-string.bpx", "metadata 'format' is not a string" },
  { "wrong-format.bpx", "\"format\" must be \"backprop-experiment\", got \"pytorch-checkpoint\"" },
  { "future-version.bpx", "this experiment is version 2, but this program reads version 1 only" },
  { "spec-invalid.bpx", "\"spec\": layer 1 'h': \"units\" must be a whole number from 1 to "
                        "1048576, got -3" },
  { "spec-not-json.bpx", "\"spec\": the JSON ends before" },
  { "data-bad.bpx", "\"data\".\"split\".\"val\" must be a number >= 0 and < 1, got 1.5" },
  { "training-bad.bpx", "\"training\".\"schedule\": unknown schedule \"sometimes\"" },
  { "offsets-overlap.bpx", "tensor 'h.bias' overlaps another" },
  { "offsets-out-of-range.bpx", "tensor 'out.bias': data_offsets out of the file's" },
  { "offsets-gap.bpx", "tensor 'h.bias' leaves a gap before it" },
  { "bytes-after-data.bpx", "8 bytes after the last tensor" },
  { "shape-disagrees-with-offsets.bpx", "tensor 'h.weight': 24 bytes for a shape of 9 floats" },
  { "negative-dimension.bpx", "tensor 'h.weight': dimension 0 is not a size" },
  { "wrong-shape-for-spec.bpx", "tensor 'h.weight' has shape (2, 3), but the network's is "
                                "(3, 2)" },
  { "wrong-size-for-spec.bpx", "tensor 'h.bias' has shape (4), but the network's is (3)" },
  { "wrong-dtype.bpx", "tensor 'h.weight' has dtype F16; only F32 is supported" },
  { "nan-weights.bpx", "tensor 'out.bias': element 1 is NaN" },
  { "inf-weights.bpx", "tensor 'bn.gamma': element 0 is infinite" },
  { "extra-tensor.bpx", "tensor 'ghost.weight' belongs to no layer of the network" },
  { "missing-tensor.bpx", "tensor 'out.bias' is missing" },
  { "duplicate-tensor.bpx", "tensor 'out.bias' appears twice" },
  { "bad-json.json", "not valid JSON at line 27, column 12" },
  { "truncated.json", "the JSON ends before all its strings, arrays and objects are closed" },
  { "spec-only.json", "this is a network spec, not an experiment" },
  { "unknown-field.json", "unknown field \"trainig\" (did you mean \"training\"?)" },
  { "label-on-builtin.json", "\"data\".\"label\" applies to CSV and IDX files, not to the "
                             "built-in dataset \"iris\"" },
  { "epochs-in-training.json", "\"training\".\"epochs\" belongs to the network spec" },
  { "params-for-table.json", "\"data\".\"params\" applies to the synthetic datasets only" },
  { "split-leaves-nothing.json", "val 0.6 and test 0.4 leave no training rows" },
  { "bad-feature.json", "\"data\".\"features\": unknown feature \"x3\"" },
  { "spec-file-missing.json", "no-such-spec.json: cannot open" },
  { "spec-in-json-with-weights-key.json", "unknown field \"weights\"" },
};

static void
test_corpus (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = corpus (bad_files[i].file);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      char err[1024] = "";
      bp_experiment *e = bp_experiment_load (path, err, sizeof err);
      if (e != NULL || !g_str_has_prefix (err, path) || strncmp (err + strlen (path), ": ", 2)
          || strstr (err, bad_files[i].says) == NULL)
        g_error ("%s: %s\n  wanted: %s", bad_files[i].file, e ? "loaded" : err,
                 bad_files[i].says);
    }
  /* The good ones of the corpus load, with the values they hold. */
  g_autofree char *good = corpus ("good.bpx");
  bp_experiment *e = load_ok (good);
  g_assert_cmpint (e->n_weights, ==, 8);
  g_assert_cmpfloat (e->weights[0].data[0], ==, -1.0f);  /* k / 8 - 1, k = 0 */
  g_assert_cmpfloat (e->weights[7].data[1], ==, 2.5f);   /* 6+3+3+3+3+3+6 = 27, k = 28 */
  g_assert_cmpint (e->training.schedule.kind, ==, BP_SCHEDULE_STEP);
  g_assert_cmpint (e->training.schedule.step_size, ==, 5);
  g_assert_true (e->training.early_stop.enabled);
  g_assert_cmpuint (e->data.synth.seed, ==, 3);
  bp_experiment_free (e);
  g_autofree char *plain = corpus ("good-plain.bpx");
  e = load_ok (plain);
  g_assert_cmpint (e->n_weights, ==, 0);
  bp_experiment_free (e);
  g_autofree char *json = corpus ("good.json");
  e = load_ok (json);
  g_assert_cmpfloat (e->data.synth.noise, ==, 0.1);
  bp_experiment_free (e);
}

/* Every cut of a good file and every single-byte change of its header is refused or read,
 * never a crash (run under ASan to mean something). */
static void
test_cuts_and_flips (void)
{
  const char *names[] = { "good.bpx", "good.json" };
  for (size_t f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *path = corpus (names[f]);
      g_autofree char *buf = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (path, &buf, &len, NULL));
      char err[1024];
      /* A JSON text is whole without its final newline, so stop one byte earlier. */
      for (gsize n = 0; n + (f == 1 ? 1 : 0) < len; n++)
        {
          bp_experiment *e = bp_experiment_parse (buf, n, "cut", NULL, err, sizeof err);
          if (e != NULL)
            g_error ("%s cut to %zu bytes loaded", names[f], (size_t) n);
          g_assert_true (g_str_has_prefix (err, "cut: "));
        }
      gsize header_end = f == 0 ? 8 + (gsize) (guint8) buf[0] + 256 * (gsize) (guint8) buf[1]
                                : len;
      int refused = 0;
      for (gsize i = 0; i < header_end && i < len; i++)
        {
          char saved = buf[i];
          buf[i] = (char) (saved ^ 0x5a);
          bp_experiment *e = bp_experiment_parse (buf, len, "flip", NULL, err, sizeof err);
          refused += e == NULL;
          bp_experiment_free (e);
          buf[i] = saved;
        }
      g_assert_cmpint (refused, >, (int) header_end / 2);
    }
}

/* ---- weights against a network ---- */

static void
test_apply_checks (void)
{
  g_autofree char *good = corpus ("good.bpx");
  bp_experiment *e = load_ok (good);
  char err[512];
  bp_net *net = bp_net_create (e->spec, err, sizeof err);
  size_t np = bp_net_param_count (net);
  g_autofree float *before = g_memdup2 (bp_net_params (net), np * 4);

  /* NaN slipped in after loading. */
  float keep = e->weights[6].data[2];
  e->weights[6].data[2] = NAN;
  g_assert_cmpint (bp_experiment_apply_weights (e, net, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "tensor 'out.weight': element 2 is NaN"));
  e->weights[6].data[2] = keep;
  /* A shape changed. */
  e->weights[0].dims[0] = 2, e->weights[0].dims[1] = 3;
  g_assert_cmpint (bp_experiment_apply_weights (e, net, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "tensor 'h.weight' has shape (2, 3), but the network's is (3, 2)");
  e->weights[0].dims[0] = 3, e->weights[0].dims[1] = 2;
  /* One tensor renamed: missing and unknown at once; the missing one is named first. */
  e->weights[3].name[0] = 'B';
  g_assert_cmpint (bp_experiment_apply_weights (e, net, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "tensor 'bn.beta' is missing (the network has 8 tensors)");
  e->weights[3].name[0] = 'b';
  g_assert_cmpmem (bp_net_params (net), np * 4, before, np * 4); /* nothing changed */

  g_assert_cmpint (bp_experiment_apply_weights (e, net, err, sizeof err), ==, 0);
  g_assert_cmpfloat (bp_net_params (net)[0], ==, -1.0f);
  bp_experiment_clear_weights (e);
  g_assert_cmpint (bp_experiment_apply_weights (e, net, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "the experiment holds no weights");

  /* set_weights refuses what no file could hold. */
  const float nan1[1] = { NAN };
  bp_st_tensor t[2] = { { .name = "a", .rank = 1, .dims = { 1 }, .data = nan1 } };
  g_assert_cmpint (bp_experiment_set_weights (e, t, 1, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "NaN"));
  const float one[1] = { 1 };
  t[0].data = one;
  t[1] = t[0];
  g_assert_cmpint (bp_experiment_set_weights (e, t, 2, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "tensor 'a' appears twice");
  g_assert_cmpint (e->n_weights, ==, 0);
  bp_net_free (net);
  bp_experiment_free (e);
}

/* ---- the session's configuration ---- */

static void
test_session_config (void)
{
  bp_experiment *e = busy_experiment ("x.csv");
  bp_session_config cfg;
  bp_experiment_session_config (e, &cfg);
  g_assert_cmpint (cfg.batch_size, ==, 8);   /* the spec's */
  g_assert_cmpint (cfg.max_epochs, ==, 7);
  g_assert_cmpuint (cfg.seed, ==, 18446744073709551557ULL);
  g_assert_cmpfloat (cfg.optim.lr, ==, 0.1f);
  g_assert_cmpuint (cfg.max_steps, ==, 999); /* the experiment's */
  g_assert_false (cfg.shuffle);
  g_assert_true (cfg.drop_last);
  g_assert_cmpint (cfg.schedule.kind, ==, BP_SCHEDULE_COSINE);
  g_assert_cmpint (cfg.schedule.t_max, ==, 400);
  g_assert_cmpint (cfg.schedule.warmup_steps, ==, 20);
  g_assert_cmpint (cfg.early_stop.monitor, ==, BP_MONITOR_VAL_ACC);
  g_assert_false (cfg.early_stop.restore_best);
  g_assert_true (cfg.plateau.enabled);
  g_assert_cmpfloat (cfg.plateau.factor, ==, 0.3f);
  g_assert_null (cfg.best_checkpoint_path);
  /* A per-epoch cosine without t_max spans the spec's epochs. */
  e->training.schedule.per_step = false;
  e->training.schedule.t_max = 0;
  bp_experiment_session_config (e, &cfg);
  g_assert_cmpint (cfg.schedule.t_max, ==, 7);
  bp_experiment_free (e);
}

static void
test_features_and_plane (void)
{
  g_autofree char *path = corpus ("good.json");
  bp_experiment *e = load_ok (path);
  e->data.features = 1 | 2 | 4; /* x1, x2, x1^2 */
  g_autofree char *src = bp_experiment_source_string (&e->data);
  g_assert_cmpstr (src, ==, "spiral:n=200,noise=0.1,seed=3");
  bp_experiment_dataset d;
  char err[512];
  g_assert_cmpint (bp_experiment_load_dataset (e, &d, err, sizeof err), ==, 0);
  g_assert_cmpint (d.ds->n_features, ==, 3);
  g_assert_cmpuint (d.ds->n_rows, ==, 200);
  g_assert_cmpuint (d.split.n_val, ==, 50);
  for (size_t i = 0; i < d.ds->n_rows; i += 37)
    {
      float x1 = bp_dataset_feature (d.ds, i, 0);
      g_assert_cmpfloat (bp_dataset_feature (d.ds, i, 2), ==, x1 * x1);
    }
  g_assert_cmpint (bp_experiment_dataset_scaler (&d)->n_features, ==, 3);
  bp_session_config cfg;
  bp_experiment_session_config (e, &cfg);
  bp_experiment_dataset_configure (&d, &cfg);
  g_assert_nonnull (cfg.plane_map);
  g_assert_cmpfloat (cfg.plane[0], <, cfg.plane[1]);
  g_assert_cmpfloat (cfg.plane[2], <, cfg.plane[3]);
  const float xy[4] = { 1.5f, -2.0f, 0.5f, 3.0f };
  float out[6];
  cfg.plane_map (xy, 2, out, cfg.plane_map_user);
  const float want[6] = { 1.5f, -2.0f, 2.25f, 0.5f, 3.0f, 0.25f };
  g_assert_cmpmem (out, sizeof out, want, sizeof want);
  bp_experiment_dataset_free (&d);

  /* No dataset, or a missing file: a message, nothing loaded. */
  g_free (e->data.source);
  e->data.source = g_strdup ("/nonexistent/rows.csv");
  g_assert_cmpint (bp_experiment_load_dataset (e, &d, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "/nonexistent/rows.csv"));
  g_assert_null (d.ds);
  g_free (e->data.source);
  e->data.source = NULL;
  g_assert_cmpint (bp_experiment_load_dataset (e, &d, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "the experiment names no dataset (\"data\".\"source\")");
  bp_experiment_free (e);
}

/* ---- saving ---- */

static void
test_save_atomic (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *good = corpus ("good.bpx");
  bp_experiment *e = load_ok (good);
  g_autofree char *path = g_build_filename (dir, "e.bpx", NULL);
  char err[1024];
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (bp_experiment_save (e, path, err, sizeof err), ==, 0);
  bp_experiment *back = load_ok (path);
  assert_same_weights (e, back);
  bp_experiment_free (back);
  /* Only the file itself is left in the folder. */
  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  for (const char *name; (name = g_dir_read_name (d)) != NULL; n++)
    g_assert_cmpstr (name, ==, "e.bpx");
  g_dir_close (d);
  g_assert_cmpint (n, ==, 1);
  /* A folder that is not there: refused, named. */
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "e.bpx", NULL);
  g_assert_cmpint (bp_experiment_save (e, nowhere, err, sizeof err), ==, -1);
  g_assert_true (g_str_has_prefix (err, nowhere));
  g_autofree char *nowhere_json = g_build_filename (dir, "no", "e.json", NULL);
  bp_experiment_clear_weights (e);
  g_assert_cmpint (bp_experiment_save (e, nowhere_json, err, sizeof err), ==, -1);
  g_assert_true (g_str_has_prefix (err, nowhere_json));
  bp_experiment_free (e);
}

/* ---- Python reads it ---- */

static void
test_python_reads (void)
{
  const char *py = "/usr/bin/python3";
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "engine", "read-experiment.py",
                                                   NULL);
  const char *probe[] = { py, "-c", "import numpy", NULL };
  int status = -1;
  if (!g_file_test (py, G_FILE_TEST_IS_EXECUTABLE)
      || !g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                        | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("no /usr/bin/python3 with numpy");
      return;
    }
  g_autofree char *dir = tmp_dir ();
  g_autofree char *csv = g_build_filename (dir, "rows.csv", NULL);
  g_assert_true (g_file_set_contents (csv, "a;class\n1;x\n", -1, NULL));
  bp_experiment *e = busy_experiment (csv);
  bp_net *net = trained_net (e->spec);
  char err[1024];
  g_assert_cmpint (bp_experiment_take_weights (e, net, err, sizeof err), ==, 0);
  g_autofree char *path = g_build_filename (dir, "for-python.bpx", NULL);
  g_assert_cmpint (bp_experiment_save (e, path, err, sizeof err), ==, 0);

  const char *argv[] = { py, script, path, NULL };
  g_autofree char *out = NULL, *errtext = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &errtext, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("read-experiment.py failed: %s", errtext);
  cJSON *root = cJSON_Parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (root, "format")), ==,
                   "backprop-experiment");
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (root, "source")), ==, "rows.csv");
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (root, "title")), ==, e->title);
  const cJSON *layers = cJSON_GetObjectItem (root, "layers");
  g_assert_cmpint (cJSON_GetArraySize (layers), ==, e->spec->n_layers);
  g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetArrayItem (layers, 5)), ==, "out");
  const cJSON *tensors = cJSON_GetObjectItem (root, "tensors");
  g_assert_cmpint (cJSON_GetArraySize (tensors), ==, e->n_weights);
  for (int i = 0; i < e->n_weights; i++)
    {
      const bp_experiment_tensor *t = &e->weights[i];
      const cJSON *pt = cJSON_GetObjectItem (tensors, t->name);
      g_assert_nonnull (pt);
      const cJSON *shape = cJSON_GetObjectItem (pt, "shape");
      g_assert_cmpint (cJSON_GetArraySize (shape), ==, t->rank);
      size_t n = 1;
      for (int k = 0; k < t->rank; k++)
        {
          g_assert_cmpint ((int64_t) cJSON_GetArrayItem (shape, k)->valuedouble, ==, t->dims[k]);
          n *= (size_t) t->dims[k];
        }
      /* Bit for bit: the SHA-256 of the little-endian float32 bytes numpy read. */
      g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                          (const guchar *) t->data, n * 4);
      g_assert_cmpstr (cJSON_GetStringValue (cJSON_GetObjectItem (pt, "sha256")), ==, sha);
    }
  cJSON_Delete (root);
  bp_net_free (net);
  bp_experiment_free (e);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/experiment/templates", test_templates);
  g_test_add_func ("/experiment/roundtrip/bpx", test_roundtrip_bpx);
  g_test_add_func ("/experiment/roundtrip/json", test_roundtrip_json);
  g_test_add_func ("/experiment/paths", test_paths);
  g_test_add_func ("/experiment/corpus", test_corpus);
  g_test_add_func ("/experiment/cuts-and-flips", test_cuts_and_flips);
  g_test_add_func ("/experiment/apply-checks", test_apply_checks);
  g_test_add_func ("/experiment/session-config", test_session_config);
  g_test_add_func ("/experiment/features-and-plane", test_features_and_plane);
  g_test_add_func ("/experiment/save-atomic", test_save_atomic);
  g_test_add_func ("/experiment/python-reads", test_python_reads);
  return g_test_run ();
}
