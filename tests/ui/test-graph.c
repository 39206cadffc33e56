/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's model without a display: blocks and wires compile to the spec the engine
 * trains, shape errors land on the right block with the engine's words, totals are the counts
 * worked out by hand (and by PyTorch), the templates go graph -> spec unchanged, undo gives
 * back the exact spec, and the settings table agrees with the spec reader's ranges. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "bp-builder-kinds.h"
#include "bp-graph-history.h"
#include "bp-graph-report.h"
#include "bp-graph.h"
#include "engine/experiment.h"

/* The spec's JSON without its meta (the layout), for comparing networks. */
static char *
json_without_meta (const bp_spec *spec)
{
  bp_spec *c = bp_spec_copy (spec);
  char *text;

  g_assert_nonnull (c);
  free (c->meta);
  c->meta = NULL;
  text = bp_spec_to_json (c);
  bp_spec_free (c);
  return text;
}

static char *
graph_json (const bp_graph *g)
{
  char err[320];
  bp_spec *spec = bp_graph_to_spec (g, NULL, NULL, err, sizeof err);
  char *text;

  g_assert_nonnull (spec);
  text = json_without_meta (spec);
  bp_spec_free (spec);
  return text;
}

static char *
parsed_json (const char *json)
{
  char err[320];
  bp_spec *spec = bp_spec_parse (json, strlen (json), err, sizeof err);
  char *text;

  if (spec == NULL)
    g_error ("%s", err);
  text = json_without_meta (spec);
  bp_spec_free (spec);
  return text;
}

/* input (4) -> hidden (16, relu) -> output (3), wired in the order given. */
static bp_graph *
iris_graph (int *hidden, int *output)
{
  bp_graph *g = bp_graph_new ();
  char err[256];

  g->nodes[0].shape = bp_shape_vec (4);
  g->loss = BP_LOSS_CROSS_ENTROPY;
  *hidden = bp_graph_add_layer (g, BP_LAYER_DENSE, 0, 100);
  *output = bp_graph_add_layer (g, BP_LAYER_DENSE, 0, 200);
  bp_graph_find (g, *hidden)->layer.u.dense.units = 16;
  bp_graph_find (g, *output)->layer.u.dense.units = 3;
  bp_graph_find (g, *output)->layer.u.dense.activation = BP_ACT_LINEAR;
  g_assert_cmpint (bp_graph_connect (g, g->nodes[0].id, *hidden, 0, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_graph_connect (g, *hidden, *output, 0, err, sizeof err), ==, 0);
  return g;
}

static const char iris_expected[] =
  "{ \"input\": { \"shape\": [4] }, \"layers\": ["
  "  { \"type\": \"dense\", \"name\": \"dense_1\", \"units\": 16, \"activation\": \"relu\" },"
  "  { \"type\": \"dense\", \"name\": \"dense_2\", \"units\": 3 } ],"
  "  \"loss\": \"cross_entropy\", \"optimizer\": \"adam\","
  "  \"training\": { \"batch_size\": 32, \"epochs\": 10, \"seed\": 1 } }";

static void
test_chain_spec (void)
{
  int hidden, output;
  bp_graph *g = iris_graph (&hidden, &output);
  g_autofree char *got = graph_json (g);
  g_autofree char *want = parsed_json (iris_expected);

  g_assert_cmpstr (got, ==, want);
  bp_graph_free (g);
}

static void
test_order_follows_wires (void)
{
  /* Blocks added bottom-up and drawn in any place: the spec follows the wires. */
  bp_graph *g = bp_graph_new ();
  char err[256];
  int out = bp_graph_add_layer (g, BP_LAYER_DENSE, 500, -300);
  int hid = bp_graph_add_layer (g, BP_LAYER_DENSE, -200, 900);
  g_autofree char *got = NULL, *want = NULL;

  g->nodes[0].shape = bp_shape_vec (4);
  g->loss = BP_LOSS_CROSS_ENTROPY;
  /* Names follow the order of adding: out is dense_1. Swap them. */
  g_assert_cmpstr (bp_graph_find (g, out)->layer.name, ==, "dense_1");
  g_assert_cmpint (bp_graph_rename (g, hid, "dense_1", err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "'dense_1' is already the name of another block");
  g_assert_cmpint (bp_graph_rename (g, hid, "input", err, sizeof err), ==, -1);
  g_assert_cmpint (bp_graph_rename (g, hid, "", err, sizeof err), ==, -1);
  g_assert_cmpint (bp_graph_rename (g, out, "tmp", err, sizeof err), ==, 0);
  g_assert_cmpint (bp_graph_rename (g, hid, "dense_1", err, sizeof err), ==, 0);
  g_assert_cmpint (bp_graph_rename (g, out, "dense_2", err, sizeof err), ==, 0);
  bp_graph_find (g, hid)->layer.u.dense.units = 16;
  bp_graph_find (g, out)->layer.u.dense.units = 3;
  bp_graph_find (g, out)->layer.u.dense.activation = BP_ACT_LINEAR;
  g_assert_cmpint (bp_graph_connect (g, hid, out, 0, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_graph_connect (g, g->nodes[0].id, hid, 0, err, sizeof err), ==, 0);
  got = graph_json (g);
  want = parsed_json (iris_expected);
  g_assert_cmpstr (got, ==, want);
  bp_graph_free (g);
}

/* Taking a block out of the middle of a chain joins its neighbours; a block with two
 * consumers, or none, is taken out with its wires and nothing is joined. */
static void
test_remove_joined (void)
{
  int hidden, output, extra, other;
  bp_graph *g = iris_graph (&hidden, &output);
  int input = g->nodes[0].id;
  char err[256];

  g_assert_true (bp_graph_remove_node_joined (g, hidden));
  g_assert_null (bp_graph_find (g, hidden));
  g_assert_cmpint (g->n_edges, ==, 1);
  g_assert_cmpint (bp_graph_source_of (g, output, 0), ==, input);
  g_assert_false (bp_graph_remove_node_joined (g, input));

  /* output feeds two blocks: removing it joins nothing. */
  extra = bp_graph_add_layer (g, BP_LAYER_DROPOUT, 0, 0);
  other = bp_graph_add_layer (g, BP_LAYER_DROPOUT, 0, 0);
  g_assert_cmpint (bp_graph_connect (g, output, extra, 0, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_graph_connect (g, output, other, 0, err, sizeof err), ==, 0);
  g_assert_true (bp_graph_remove_node_joined (g, output));
  g_assert_cmpint (g->n_edges, ==, 0);
  g_assert_cmpint (bp_graph_source_of (g, extra, 0), ==, 0);
  g_assert_cmpint (bp_graph_source_of (g, other, 0), ==, 0);

  /* A loose block with an output only: nothing to join either. */
  g_assert_cmpint (bp_graph_connect (g, extra, other, 0, err, sizeof err), ==, 0);
  g_assert_true (bp_graph_remove_node_joined (g, extra));
  g_assert_cmpint (g->n_edges, ==, 0);
  bp_graph_free (g);
}

static void
test_wires (void)
{
  int hidden, output, extra;
  bp_graph *g = iris_graph (&hidden, &output);
  int input = g->nodes[0].id;
  char err[256];

  /* A wire back up closes a loop: refused, nothing changes. */
  g_assert_cmpint (bp_graph_connect (g, output, hidden, 0, err, sizeof err), ==, -1);
  g_assert_cmpstr (err, ==, "a wire from 'dense_2' to 'dense_1' would close a loop");
  g_assert_cmpint (bp_graph_connect (g, output, output, 0, err, sizeof err), ==, -1);
  g_assert_cmpint (g->n_edges, ==, 2);
  /* The input has no input port. */
  g_assert_cmpint (bp_graph_connect (g, hidden, input, 0, err, sizeof err), ==, -1);

  /* A new wire into a port replaces the one there. */
  g_assert_cmpint (bp_graph_connect (g, input, output, 0, err, sizeof err), ==, 0);
  g_assert_cmpint (g->n_edges, ==, 2);
  g_assert_cmpint (bp_graph_source_of (g, output, 0), ==, input);
  g_assert_cmpint (bp_graph_n_consumers (g, input), ==, 2);

  /* Two blocks fed by the input: no chain, the input is named. */
  {
    bp_graph_report *r = g_new0 (bp_graph_report, 1);
    bp_graph_report_update (r, g);
    g_assert_null (r->spec);
    g_assert_false (r->ok);
    g_assert_cmpint (r->bad_id, ==, input);
    g_assert_cmpstr (r->message, ==, "'input' feeds 2 blocks; the engine trains one chain for "
                     "now (no branches): keep one of its wires");
    g_assert_cmpint (r->nodes[0].state, ==, BP_NODE_BAD);
    bp_graph_report_clear (r);
    g_free (r);
  }

  /* Removing a block takes its wires. */
  extra = bp_graph_add_layer (g, BP_LAYER_DROPOUT, 0, 0);
  g_assert_cmpint (bp_graph_connect (g, hidden, extra, 0, err, sizeof err), ==, 0);
  g_assert_true (bp_graph_remove_node (g, hidden));
  g_assert_null (bp_graph_find (g, hidden));
  g_assert_cmpint (g->n_edges, ==, 1);
  g_assert_cmpint (bp_graph_source_of (g, extra, 0), ==, 0);
  g_assert_false (bp_graph_remove_node (g, input));
  g_assert_true (bp_graph_disconnect (g, output, 0));
  g_assert_false (bp_graph_disconnect (g, output, 0));
  bp_graph_free (g);
}

static void
test_report_totals (void)
{
  int hidden, output, loose;
  bp_graph *g = iris_graph (&hidden, &output);
  bp_graph_report *r = g_new0 (bp_graph_report, 1);
  bp_optim_cfg adam;

  loose = bp_graph_add_layer (g, BP_LAYER_DROPOUT, 400, 0);
  bp_graph_report_update (r, g);
  g_assert_true (r->ok);
  g_assert_cmpint (r->spec->n_layers, ==, 2);
  /* 4*16 + 16 and 16*3 + 3 */
  g_assert_cmpuint (r->params, ==, 131);
  g_assert_cmpuint (r->nodes[1].n_params, ==, 80);
  g_assert_cmpint (r->nodes[1].out.dims[0], ==, 16);
  g_assert_cmpint (r->nodes[2].out.dims[0], ==, 3);
  /* 2*4*16 + 16 (bias) + 16 (relu) = 160, then 2*16*3 + 3 = 99 */
  g_assert_cmpfloat (r->flops, ==, 259);
  g_assert_cmpuint (r->values, ==, 4 + 16 + 3);
  /* Adam: weights, gradients, two moments; values and gradients for 32 samples.
   * 4 * (4*131 + 2*32*23) = 7984 bytes */
  bp_optim_cfg_defaults (&adam, BP_OPTIM_ADAM);
  g_assert_cmpuint (bp_graph_report_memory (r, &adam, 32), ==, 7984);
  g_assert_cmpint (r->n_loose, ==, 1);
  g_assert_cmpint (r->nodes[bp_graph_index_of (g, loose)].state, ==, BP_NODE_LOOSE);
  bp_graph_report_clear (r);
  g_free (r);
  bp_graph_free (g);
}

/* Builds input (1, 28, 28) -> kinds..., wired in a chain; ids in ids. */
static bp_graph *
image_chain (const bp_layer_kind *kinds, int n, int *ids)
{
  bp_graph *g = bp_graph_new ();
  int prev = g->nodes[0].id;
  char err[256];

  g->nodes[0].shape = (bp_shape) { 3, { 1, 28, 28 } };
  g->loss = BP_LOSS_CROSS_ENTROPY;
  for (int i = 0; i < n; i++)
    {
      ids[i] = bp_graph_add_layer (g, kinds[i], 0, 100.0 * (i + 1));
      g_assert_cmpint (bp_graph_connect (g, prev, ids[i], 0, err, sizeof err), ==, 0);
      prev = ids[i];
    }
  return g;
}

static void
test_shape_error_on_block (void)
{
  const bp_layer_kind kinds[] = { BP_LAYER_CONV2D, BP_LAYER_CONV2D, BP_LAYER_FLATTEN,
                                  BP_LAYER_DENSE };
  int ids[4];
  bp_graph *g = image_chain (kinds, 4, ids);
  bp_graph_report *r = g_new0 (bp_graph_report, 1);
  bp_layer_spec *second = &bp_graph_find (g, ids[1])->layer;

  bp_graph_report_update (r, g);
  g_assert_true (r->ok);
  /* conv 'same' keeps 28x28: 8 filters of 3x3 -> (8, 28, 28), then (8, 28, 28) again */
  g_assert_cmpint (r->nodes[2].out.dims[0], ==, 8);
  g_assert_cmpint (r->nodes[2].out.dims[2], ==, 28);
  g_assert_cmpuint (r->nodes[3].out.dims[0], ==, 8 * 28 * 28);

  /* A kernel larger than the image with no padding: the second conv is refused. */
  second->u.conv2d.kernel_h = second->u.conv2d.kernel_w = 30;
  second->u.conv2d.padding = BP_PADDING_VALID;
  bp_graph_report_update (r, g);
  g_assert_false (r->ok);
  g_assert_nonnull (r->spec);
  g_assert_cmpint (r->bad_id, ==, ids[1]);
  g_assert_cmpint (r->nodes[1].state, ==, BP_NODE_OK);
  g_assert_cmpint (r->nodes[2].state, ==, BP_NODE_BAD);
  g_assert_cmpint (r->nodes[3].state, ==, BP_NODE_UNCHECKED);
  g_assert_cmpint (r->nodes[4].state, ==, BP_NODE_UNCHECKED);
  g_assert_cmpstr (r->nodes[2].message, ==,
                   "layer 2 'conv2d_2' has a 30x30 kernel, larger than its 28x28 input (padding "
                   "'valid'); use a smaller kernel or padding 'same'");
  g_assert_cmpstr (r->message, ==, r->nodes[2].message);

  /* A channel mismatch names the first conv. */
  second->u.conv2d.kernel_h = second->u.conv2d.kernel_w = 3;
  bp_graph_find (g, ids[0])->layer.u.conv2d.in_channels = 3;
  bp_graph_report_update (r, g);
  g_assert_cmpint (r->bad_id, ==, ids[0]);
  g_assert_cmpstr (r->message, ==,
                   "layer 1 'conv2d_1' expects 3 input channels, but its input (1, 28, 28) has 1");

  /* One output with cross-entropy: the last block is the one to fix. */
  bp_graph_find (g, ids[0])->layer.u.conv2d.in_channels = 0;
  bp_graph_find (g, ids[3])->layer.u.dense.units = 1;
  bp_graph_report_update (r, g);
  g_assert_cmpint (r->bad_id, ==, ids[3]);
  g_assert_nonnull (strstr (r->message, "cross_entropy needs the last layer"));
  g_assert_cmpint (r->nodes[4].state, ==, BP_NODE_BAD);
  g_assert_cmpint (r->nodes[1].state, ==, BP_NODE_OK);

  /* A vector input under a conv: the engine's words about the image shape. */
  g->nodes[0].shape = bp_shape_vec (784);
  bp_graph_report_update (r, g);
  g_assert_cmpint (r->bad_id, ==, ids[0]);
  g_assert_cmpstr (r->message, ==,
                   "layer 1 'conv2d_1' needs an image input (channels, height, width), but gets "
                   "(784); give the network input an image shape such as [1, 28, 28]");
  bp_graph_report_clear (r);
  g_free (r);
  bp_graph_free (g);
}

static char *
example_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples", name, NULL);
}

static void
test_lenet_totals (void)
{
  g_autofree char *path = example_path ("fashion-mnist-lenet.json");
  char err[512];
  bp_experiment *exp = bp_experiment_load (path, err, sizeof err);
  bp_graph *g;
  bp_graph_report *r = g_new0 (bp_graph_report, 1);

  if (exp == NULL)
    g_error ("%s", err);
  g = bp_graph_from_spec (exp->spec, err, sizeof err);
  g_assert_nonnull (g);
  bp_graph_report_update (r, g);
  g_assert_true (r->ok);
  /* PyTorch's sum(p.numel()) for the same net: 260 + 5020 + 60120 + 10164 + 850 */
  g_assert_cmpuint (r->params, ==, 76414);
  /* conv1 2*25*10*784 + 7840 + 7840, pool 7840, conv2 2*10*25*20*100 + 2000 + 2000, pool 2000,
   * fc1 2*500*120 + 240, fc2 2*120*84 + 168, out 2*84*10 + 10 */
  g_assert_cmpfloat (r->flops, ==, 1563778);
  {
    int i = bp_graph_index_of (g, g->nodes[5].id); /* flatten */
    g_assert_cmpint (g->nodes[i].layer.kind, ==, BP_LAYER_FLATTEN);
    g_assert_cmpint (r->nodes[i].out.rank, ==, 1);
    g_assert_cmpint (r->nodes[i].out.dims[0], ==, 500);
  }
  bp_graph_report_clear (r);
  g_free (r);
  bp_graph_free (g);
  bp_experiment_free (exp);
}

static void
test_templates_round_trip (void)
{
  const char *names[] = { "playground-spiral.json", "iris-mlp.json", "fashion-mnist-mlp.json",
                          "fashion-mnist-lenet.json" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = example_path (names[i]);
      g_autofree char *want = NULL, *got = NULL, *again = NULL;
      char err[512];
      bp_experiment *exp = bp_experiment_load (path, err, sizeof err);
      bp_graph *g, *g2;
      bp_spec *spec, *spec2;

      if (exp == NULL)
        g_error ("%s", err);
      g = bp_graph_from_spec (exp->spec, err, sizeof err);
      g_assert_nonnull (g);
      want = json_without_meta (exp->spec);
      got = graph_json (g);
      g_assert_cmpstr (got, ==, want);

      /* With the layout: spec -> graph -> spec gives the very text, positions included. */
      spec = bp_graph_to_spec (g, NULL, NULL, err, sizeof err);
      g2 = bp_graph_from_spec (spec, err, sizeof err);
      spec2 = bp_graph_to_spec (g2, NULL, NULL, err, sizeof err);
      got = (g_free (got), bp_spec_to_json (spec));
      again = bp_spec_to_json (spec2);
      g_assert_cmpstr (again, ==, got);
      g_assert_nonnull (strstr (got, "\"editor\""));
      for (int n = 0; n < g->n_nodes; n++)
        {
          g_assert_cmpfloat (g2->nodes[n].x, ==, g->nodes[n].x);
          g_assert_cmpfloat (g2->nodes[n].y, ==, g->nodes[n].y);
        }
      bp_spec_free (spec);
      bp_spec_free (spec2);
      bp_graph_free (g);
      bp_graph_free (g2);
      bp_experiment_free (exp);
    }
}

static void
test_meta_kept (void)
{
  const char *json = "{ \"input\": { \"shape\": [2] }, \"layers\": [ { \"type\": \"dense\", "
                     "\"units\": 1 } ], \"loss\": \"mse\", \"meta\": { \"note\": \"two moons\", "
                     "\"editor\": { \"input\": [10, 20], \"positions\": [[30, 140]] } } }";
  char err[256];
  bp_spec *spec = bp_spec_parse (json, strlen (json), err, sizeof err), *back;
  bp_graph *g = bp_graph_from_spec (spec, err, sizeof err);

  g_assert_cmpfloat (g->nodes[0].x, ==, 10);
  g_assert_cmpfloat (g->nodes[0].y, ==, 20);
  g_assert_cmpfloat (g->nodes[1].x, ==, 30);
  g_assert_cmpfloat (g->nodes[1].y, ==, 140);
  g_assert_cmpstr (g->meta, ==, "{\"note\":\"two moons\"}");
  back = bp_graph_to_spec (g, NULL, NULL, err, sizeof err);
  g_assert_cmpstr (back->meta, ==,
                   "{\"note\":\"two moons\",\"editor\":"
                   "{\"input\":[10,20],\"positions\":[[30,140]]}}");
  bp_spec_free (back);
  bp_spec_free (spec);
  bp_graph_free (g);
}

static void
test_tidy (void)
{
  int hidden, output, loose;
  bp_graph *g = iris_graph (&hidden, &output);
  const double row = BP_GRAPH_BLOCK_H + BP_GRAPH_GAP_Y;

  loose = bp_graph_add_layer (g, BP_LAYER_DROPOUT, -500, 900);
  bp_graph_find (g, hidden)->x = 300;
  bp_graph_tidy (g);
  g_assert_cmpfloat (g->nodes[0].x, ==, 0);
  g_assert_cmpfloat (g->nodes[0].y, ==, 0);
  g_assert_cmpfloat (bp_graph_find (g, hidden)->x, ==, 0);
  g_assert_cmpfloat (bp_graph_find (g, hidden)->y, ==, row);
  g_assert_cmpfloat (bp_graph_find (g, output)->y, ==, 2 * row);
  /* The loose block gets the next column. */
  g_assert_cmpfloat (bp_graph_find (g, loose)->x, ==, BP_GRAPH_BLOCK_W + 2 * BP_GRAPH_GAP_X);
  g_assert_cmpfloat (bp_graph_find (g, loose)->y, ==, 0);
  bp_graph_free (g);
}

static void
test_history (void)
{
  int hidden, output;
  bp_graph *g = iris_graph (&hidden, &output), *back;
  bp_graph_history *h = bp_graph_history_new (3);
  g_autofree char *before = graph_json (g);
  g_autofree char *after = NULL, *undone = NULL, *redone = NULL;

  g_assert_false (bp_graph_history_can_undo (h));
  /* Three keystrokes in the units field make one step. */
  for (int units = 1; units <= 3; units++)
    {
      g_assert_true (bp_graph_history_push (h, g, "units:3"));
      bp_graph_find (g, hidden)->layer.u.dense.units = 60 + units;
    }
  g_assert_cmpint (bp_graph_history_n_undo (h), ==, 1);
  after = graph_json (g);
  back = bp_graph_history_undo (h, g);
  bp_graph_free (g);
  g = back;
  undone = graph_json (g);
  g_assert_cmpstr (undone, ==, before);
  g_assert_true (bp_graph_history_can_redo (h));
  back = bp_graph_history_redo (h, g);
  bp_graph_free (g);
  g = back;
  redone = graph_json (g);
  g_assert_cmpstr (redone, ==, after);

  /* A new edit forgets the redo steps; the limit drops the oldest. */
  for (int i = 0; i < 5; i++)
    {
      bp_graph_history_push (h, g, NULL);
      bp_graph_add_layer (g, BP_LAYER_DROPOUT, 0, 0);
    }
  g_assert_cmpint (bp_graph_history_n_undo (h), ==, 3);
  g_assert_false (bp_graph_history_can_redo (h));
  g_assert_null (bp_graph_history_redo (h, g));
  bp_graph_history_free (h);
  bp_graph_free (g);
}

/* States beside the graph: strings, counted as they are made and freed. */
typedef struct {
  int live;
} StateCount;

static StateCount *state_count;

static void *
count_copy (const void *state)
{
  state_count->live++;
  return g_strdup (state);
}

static void
count_free (void *state)
{
  state_count->live--;
  g_free (state);
}

/* One history for the graph and a state of the owner's (the builder's dataset and training
 * settings): undo and redo give back both as they were, a merged edit keeps the state of
 * before the first, and every state copied is freed (dropped steps, forgotten redo, free). */
static void
test_history_state (void)
{
  int hidden, output;
  bp_graph *g = iris_graph (&hidden, &output), *back;
  bp_graph_history *h = bp_graph_history_new (2);
  StateCount count = { 0 };
  char *state;
  void *st = NULL;
  g_autofree char *g0 = graph_json (g);

  /* Every state, the test's own and the history's, is made by count_copy and freed by
   * count_free: count.live is how many exist. */
  state_count = &count;
  bp_graph_history_set_state_funcs (h, count_copy, count_free);
#define SET_STATE(text) (count_free (state), state = count_copy (text))
#define TAKE_STATE() (count_free (state), state = st, st = NULL)
  state = count_copy ("source=iris");

  /* A settings edit: the graph stays, the state changes. */
  g_assert_true (bp_graph_history_push_state (h, g, state, NULL));
  SET_STATE ("source=wine");
  /* Two keystrokes in one field: one step, holding the state of before the first. */
  g_assert_true (bp_graph_history_push_state (h, g, state, "split"));
  SET_STATE ("source=wine val=0.3");
  g_assert_true (bp_graph_history_push_state (h, g, state, "split"));
  SET_STATE ("source=wine val=0.35");
  g_assert_cmpint (bp_graph_history_n_undo (h), ==, 2);
  g_assert_cmpint (count.live, ==, 3); /* two steps and ours */

  /* Undo: the state of before the typing, the same graph. */
  back = bp_graph_history_undo_state (h, g, state, &st);
  g_assert_nonnull (back);
  g_assert_cmpstr (st, ==, "source=wine");
  {
    g_autofree char *j = graph_json (back);
    g_assert_cmpstr (j, ==, g0);
  }
  bp_graph_free (g);
  g = back;
  TAKE_STATE ();
  back = bp_graph_history_undo_state (h, g, state, &st);
  g_assert_cmpstr (st, ==, "source=iris");
  bp_graph_free (g);
  g = back;
  TAKE_STATE ();
  g_assert_false (bp_graph_history_can_undo (h));
  g_assert_cmpint (bp_graph_history_n_redo (h), ==, 2);
  g_assert_cmpint (count.live, ==, 3);
  /* Redo twice: the last state again. */
  back = bp_graph_history_redo_state (h, g, state, &st);
  bp_graph_free (g);
  g = back;
  TAKE_STATE ();
  back = bp_graph_history_redo_state (h, g, state, &st);
  g_assert_cmpstr (st, ==, "source=wine val=0.35");
  bp_graph_free (g);
  g = back;
  TAKE_STATE ();

  /* A graph edit pushed without a state (older callers) undoes to no state: NULL. */
  bp_graph_history_push (h, g, NULL);
  bp_graph_find (g, hidden)->layer.u.dense.units = 5;
  back = bp_graph_history_undo_state (h, g, state, &st);
  g_assert_null (st);
  g_assert_cmpint (bp_graph_find (back, hidden)->layer.u.dense.units, ==, 16);
  bp_graph_free (g);
  g = back;

  /* The limit drops the oldest with its state; clearing and freeing free the rest. */
  for (int i = 0; i < 4; i++)
    g_assert_true (bp_graph_history_push_state (h, g, state, NULL));
  g_assert_cmpint (bp_graph_history_n_undo (h), ==, 2);
  g_assert_cmpint (count.live, ==, 3);
  bp_graph_history_clear (h);
  g_assert_cmpint (count.live, ==, 1);
  g_assert_true (bp_graph_history_push_state (h, g, state, NULL));
  bp_graph_history_free (h);
  g_assert_cmpint (count.live, ==, 1);
  count_free (state);
  g_assert_cmpint (count.live, ==, 0);
#undef SET_STATE
#undef TAKE_STATE
  bp_graph_free (g);
  state_count = NULL;
}

/* The inspector's ranges are the reader's: the bounds are accepted, one step past is not. */
static void
check_value (const char *layer_json, gboolean accepted)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"input\": { \"shape\": [1, 2, 2] }, \"layers\": [ %s ], \"loss\": \"mse\" }",
    layer_json);
  char err[320];
  bp_spec *spec = bp_spec_parse (json, strlen (json), err, sizeof err);

  if (accepted && spec == NULL)
    g_error ("%s refused: %s", layer_json, err);
  if (!accepted && spec != NULL)
    g_error ("%s accepted", layer_json);
  bp_spec_free (spec);
}

static void
test_setting_ranges (void)
{
  const struct {
    bp_setting s;
    const char *fmt; /* %s is the value */
  } cases[] = {
    { BP_SET_UNITS, "{ \"type\": \"dense\", \"units\": %s }" },
    { BP_SET_ALPHA,
      "{ \"type\": \"dense\", \"units\": 1, \"activation\": \"elu\", \"alpha\": %s }" },
    { BP_SET_L1, "{ \"type\": \"dense\", \"units\": 1, \"l1\": %s }" },
    { BP_SET_L2, "{ \"type\": \"dense\", \"units\": 1, \"l2\": %s }" },
    { BP_SET_RATE, "{ \"type\": \"dropout\", \"rate\": %s }" },
    { BP_SET_MOMENTUM, "{ \"type\": \"batchnorm\", \"momentum\": %s }" },
    { BP_SET_EPS, "{ \"type\": \"batchnorm\", \"eps\": %s }" },
    { BP_SET_FILTERS, "{ \"type\": \"conv2d\", \"kernel_size\": 1, \"filters\": %s }" },
    { BP_SET_IN_UNITS, "{ \"type\": \"dense\", \"units\": 1, \"in_units\": %s }" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const bp_setting_info *info = bp_setting_info_get (cases[i].s);
      char v[64];
      g_autofree char *lo = NULL, *hi = NULL, *below = NULL, *above = NULL;

      g_snprintf (v, sizeof v, "%.9g", info->min);
      lo = g_strdup_printf (cases[i].fmt, v);
      g_snprintf (v, sizeof v, "%.9g", info->max);
      hi = g_strdup_printf (cases[i].fmt, v);
      if (cases[i].s != BP_SET_IN_UNITS) /* in_units at its bounds is checked by shape */
        {
          check_value (lo, TRUE);
          check_value (hi, TRUE);
        }
      /* Past each bound by a step the reader refuses, unless the bound is open (rate < 1, eps
       * > 0): then the bound itself is refused. */
      if (cases[i].s == BP_SET_RATE)
        g_snprintf (v, sizeof v, "1");
      else
        g_snprintf (v, sizeof v, "%.9g", info->max + (info->type == BP_SETTING_INT ? 1 : 1e3));
      above = g_strdup_printf (cases[i].fmt, v);
      check_value (above, FALSE);
      if (cases[i].s == BP_SET_EPS)
        g_snprintf (v, sizeof v, "0");
      else
        g_snprintf (v, sizeof v, "%.9g", info->min - (info->type == BP_SETTING_INT ? 1 : 1e3));
      below = g_strdup_printf (cases[i].fmt, v);
      check_value (below, FALSE);
    }
}

static void
test_settings_table (void)
{
  bp_layer_spec ls;
  int values[16];
  const char *titles[16];

  /* Every setting a kind lists reads back what was written. */
  for (int k = 0; k < BP_LAYER_KIND_COUNT; k++)
    {
      int n;
      const bp_setting *set = bp_kind_settings ((bp_layer_kind) k, &n);
      const bp_block_kind_info *info = bp_block_kind_info_get (k);

      g_assert_nonnull (info);
      g_assert_nonnull (info->summary);
      g_assert_nonnull (info->formula);
      for (int i = 0; i < n; i++)
        {
          const bp_setting_info *si = bp_setting_info_get (set[i]);
          double v = si->type == BP_SETTING_FLOAT ? (si->min + si->max) / 2 + 0.25 : si->min + 1;

          bp_layer_spec_defaults (&ls, (bp_layer_kind) k);
          if (si->type == BP_SETTING_BOOL)
            v = !bp_setting_get (&ls, set[i]);
          bp_setting_set (&ls, set[i], v);
          g_assert_cmpfloat_with_epsilon (bp_setting_get (&ls, set[i]), (float) v, 1e-3);
        }
    }
  /* Dense cannot fuse softmax; the activation layer can. */
  g_assert_cmpint (bp_setting_choices (BP_LAYER_DENSE, BP_SET_ACTIVATION, values, titles, 16), ==,
                   BP_ACT_COUNT - 1);
  g_assert_cmpint (bp_setting_choices (BP_LAYER_ACTIVATION, BP_SET_FUNCTION, values, titles, 16),
                   ==, BP_ACT_COUNT);
  bp_layer_spec_defaults (&ls, BP_LAYER_DENSE);
  bp_setting_set (&ls, BP_SET_ACTIVATION, BP_ACT_SOFTMAX);
  g_assert_cmpint (ls.u.dense.activation, ==, BP_ACT_LINEAR);
  /* Choosing leaky ReLU brings its alpha; choosing uniform brings Keras's bounds. */
  g_assert_false (bp_setting_applies (&ls, BP_SET_ALPHA));
  bp_setting_set (&ls, BP_SET_ACTIVATION, BP_ACT_LEAKY_RELU);
  g_assert_true (bp_setting_applies (&ls, BP_SET_ALPHA));
  g_assert_cmpfloat (ls.u.dense.alpha, ==, 0.01f);
  bp_setting_set (&ls, BP_SET_WEIGHT_INIT, BP_INIT_UNIFORM);
  g_assert_cmpfloat (ls.u.dense.weight_init.a, ==, -0.05f);
  g_assert_true (bp_setting_applies (&ls, BP_SET_WEIGHT_B));
  /* Without a bias there is no bias initializer to set. */
  bp_setting_set (&ls, BP_SET_USE_BIAS, 0);
  g_assert_false (bp_setting_applies (&ls, BP_SET_BIAS_INIT));
  /* Whole numbers are rounded and clamped. */
  bp_setting_set (&ls, BP_SET_UNITS, 7.6);
  g_assert_cmpint (ls.u.dense.units, ==, 8);
  bp_setting_set (&ls, BP_SET_UNITS, -5);
  g_assert_cmpint (ls.u.dense.units, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph/chain-spec", test_chain_spec);
  g_test_add_func ("/graph/order-follows-wires", test_order_follows_wires);
  g_test_add_func ("/graph/wires", test_wires);
  g_test_add_func ("/graph/remove-joined", test_remove_joined);
  g_test_add_func ("/graph/report-totals", test_report_totals);
  g_test_add_func ("/graph/shape-error-on-block", test_shape_error_on_block);
  g_test_add_func ("/graph/lenet-totals", test_lenet_totals);
  g_test_add_func ("/graph/templates-round-trip", test_templates_round_trip);
  g_test_add_func ("/graph/meta-kept", test_meta_kept);
  g_test_add_func ("/graph/tidy", test_tidy);
  g_test_add_func ("/graph/history", test_history);
  g_test_add_func ("/graph/history-state", test_history_state);
  g_test_add_func ("/graph/setting-ranges", test_setting_ranges);
  g_test_add_func ("/graph/settings-table", test_settings_table);
  return g_test_run ();
}
