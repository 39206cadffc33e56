/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder page in a real window: templates become blocks and the very spec they hold;
 * edits through the page's API and its inspector change the spec as expected; undo gives back
 * the previous spec text exactly and edits of one field undo in one step; a shape error turns
 * the right block red on screen (pixels) with the engine's message in the block, the inspector
 * and the totals; save -> open gives the same spec; Train runs a session on the page's dataset
 * and the Run chart fills; the window has the page. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "bp-builder.h"
#include "bp-chart.h"
#include "bp-screenshot.h"
#include "bp-ui.h"
#include "bp-window.h"
#include "data/builtin.h"
#include "ui-test-util.h"

typedef struct {
  GtkWindow *window;
  BpBuilder *builder;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (f->window, 1200, 760);
  f->builder = BP_BUILDER (bp_builder_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->builder));
  gtk_window_present (f->window);
  g_assert_true (ui_test_wait (ui_test_is_mapped, bp_builder_get_canvas (f->builder), 10));
  ui_test_spin (0.2);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->window);
}

static char *
spec_json_without_meta (const bp_spec *spec)
{
  bp_spec *c = bp_spec_copy (spec);
  char *text, *copy;

  g_clear_pointer (&c->meta, free);
  text = bp_spec_to_json (c);
  copy = g_strdup (text);
  free (text);
  bp_spec_free (c);
  return copy;
}

static bp_experiment *
load_example (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 file, NULL);
  char err[512];
  bp_experiment *exp = bp_experiment_load (path, err, sizeof err);

  if (exp == NULL)
    g_error ("%s", err);
  return exp;
}

static int
id_of (BpBuilder *b, const char *name)
{
  const bp_graph *g = bp_builder_get_graph (b);

  for (int i = 0; i < g->n_nodes; i++)
    if (!g->nodes[i].is_input && g_str_equal (g->nodes[i].layer.name, name))
      return g->nodes[i].id;
  g_assert_not_reached ();
}

typedef gboolean (*WidgetTest) (GtkWidget *w, gconstpointer data);

/* The first widget under root (depth first) that passes test. */
static GtkWidget *
find_widget (GtkWidget *root, WidgetTest test, gconstpointer data)
{
  if (test (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, test, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_row_titled (GtkWidget *w, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (w)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0;
}

static gboolean
is_button (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_BUTTON (w);
}

static gboolean
is_spin (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_SPIN_BUTTON (w);
}

static gboolean
is_switch (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_SWITCH (w);
}

/* The line under the dataset picker: a label outside the rows that counts rows. */
static gboolean
is_data_info (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_LABEL (w) && gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_ROW) == NULL
         && strstr (gtk_label_get_text (GTK_LABEL (w)), " rows") != NULL;
}

static GtkWidget *
find_row (GtkWidget *root, const char *title)
{
  return find_widget (root, is_row_titled, title);
}

static void
test_templates (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) names = bp_builder_list_templates ();
  g_autoptr (GError) error = NULL;

  /* All four of data/examples/ are offered. */
  g_assert_cmpuint (g_strv_length (names), ==, 4);
  g_assert_true (g_strv_contains ((const char *const *) names, "fashion-mnist-lenet"));
  for (int i = 0; names[i] != NULL; i++)
    {
      bp_experiment *exp = load_example (names[i]);
      g_autofree char *want = spec_json_without_meta (exp->spec);
      g_autofree char *got = NULL;

      g_assert_true (bp_builder_load_template (f->builder, names[i], &error));
      g_assert_no_error (error);
      g_assert_true (bp_builder_get_report (f->builder)->ok);
      got = spec_json_without_meta (bp_builder_get_report (f->builder)->spec);
      g_assert_cmpstr (got, ==, want);
      /* One block per layer and the input, wired in a chain. */
      g_assert_cmpint (bp_builder_get_graph (f->builder)->n_nodes, ==, exp->spec->n_layers + 1);
      g_assert_cmpint (bp_builder_get_graph (f->builder)->n_edges, ==, exp->spec->n_layers);
      g_assert_false (bp_builder_get_modified (f->builder));
      bp_experiment_free (exp);
    }
  /* Iris: 4*16 + 16 and 16*3 + 3 */
  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_true (g_str_has_prefix (bp_builder_get_totals_text (f->builder), "131 parameters"));
  g_assert_false (bp_builder_load_template (f->builder, "no-such", &error));
  g_assert_nonnull (error);
}

static void
test_edit_undo_redo (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *undone = NULL, *redone = NULL;
  int output, id, n_nodes;
  const bp_spec *spec;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  before = bp_builder_get_spec_json (f->builder);
  n_nodes = bp_builder_get_graph (f->builder)->n_nodes;
  output = id_of (f->builder, "output");

  id = bp_builder_add_block (f->builder, BP_LAYER_DROPOUT, 0, 400);
  g_assert_cmpint (id, >, 0);
  /* Dropped, not wired: left out of the spec, which does not change. */
  undone = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (undone, ==, before);
  g_clear_pointer (&undone, g_free);
  g_assert_true (bp_builder_connect (f->builder, output, id, 0, &error));
  g_assert_no_error (error);
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->n_layers, ==, 3);
  g_assert_cmpint (spec->layers[2].kind, ==, BP_LAYER_DROPOUT);
  g_assert_cmpstr (spec->layers[2].name, ==, "dropout_1");
  g_assert_cmpfloat (spec->layers[2].u.dropout.rate, ==, 0.5f);
  g_assert_true (bp_builder_get_modified (f->builder));
  after = bp_builder_get_spec_json (f->builder);

  /* A loop is refused and changes nothing. */
  g_assert_false (bp_builder_connect (f->builder, id, output, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (bp_builder_undo (f->builder));
  undone = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (undone, ==, before);
  g_assert_cmpint (bp_builder_get_graph (f->builder)->n_nodes, ==, n_nodes + 1);
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_cmpint (bp_builder_get_graph (f->builder)->n_nodes, ==, n_nodes);
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_true (bp_builder_redo (f->builder));
  g_assert_true (bp_builder_redo (f->builder));
  g_assert_false (bp_builder_redo (f->builder));
  redone = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (redone, ==, after);

  /* Deleting the selection: the input stays. */
  bp_builder_canvas_select_all (bp_builder_get_canvas (f->builder));
  bp_builder_delete_selection (f->builder);
  g_assert_cmpint (bp_builder_get_graph (f->builder)->n_nodes, ==, 1);
  g_assert_true (bp_builder_get_graph (f->builder)->nodes[0].is_input);
  g_assert_null (bp_builder_get_report (f->builder)->spec);
  g_assert_cmpstr (bp_builder_get_last_message (f->builder), ==,
                   "The input block stays: every network has one");
  g_assert_true (bp_builder_undo (f->builder));
  g_clear_pointer (&redone, g_free);
  redone = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (redone, ==, after);
}

/* Deleting a block from the middle of a chain joins its neighbours, in one undo step; a block
 * feeding two others (or fed by none) is simply taken out. */
static void
test_delete_joins (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  BpBuilderCanvas *canvas = bp_builder_get_canvas (f->builder);
  const bp_graph *g;
  g_autofree char *before = NULL, *undone = NULL;
  int hidden1, hidden2, hidden3, output;

  g_assert_true (bp_builder_load_template (f->builder, "playground-spiral", &error));
  hidden1 = id_of (f->builder, "hidden1");
  hidden2 = id_of (f->builder, "hidden2");
  hidden3 = id_of (f->builder, "hidden3");
  output = id_of (f->builder, "output");
  before = bp_builder_get_spec_json (f->builder);

  bp_builder_canvas_select (canvas, hidden2, FALSE);
  bp_builder_delete_selection (f->builder);
  g = bp_builder_get_graph (f->builder);
  g_assert_null (bp_graph_find (g, hidden2));
  g_assert_cmpint (bp_graph_source_of (g, hidden3, 0), ==, hidden1);
  g_assert_cmpint (bp_graph_source_of (g, output, 0), ==, hidden3);
  g_assert_true (bp_builder_get_report (f->builder)->ok);
  g_assert_cmpint (bp_builder_get_report (f->builder)->spec->n_layers, ==, 3);
  g_assert_null (strstr (bp_builder_get_totals_text (f->builder), "not wired"));

  /* Two blocks in a row, selected together: the chain closes over both. */
  bp_builder_canvas_select (canvas, hidden1, FALSE);
  bp_builder_canvas_select (canvas, hidden3, TRUE);
  bp_builder_delete_selection (f->builder);
  g = bp_builder_get_graph (f->builder);
  g_assert_cmpint (bp_graph_source_of (g, output, 0), ==, bp_graph_input_node (g)->id);
  g_assert_true (bp_builder_get_report (f->builder)->ok);

  /* One undo step each, back to the very spec. */
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_true (bp_builder_undo (f->builder));
  undone = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (undone, ==, before);

  /* The last block has no consumer: nothing to join, the rest stays as it was. */
  bp_builder_canvas_select (canvas, output, FALSE);
  bp_builder_delete_selection (f->builder);
  g = bp_builder_get_graph (f->builder);
  g_assert_cmpint (g->n_edges, ==, 3);
  g_assert_cmpint (bp_graph_n_consumers (g, hidden3), ==, 0);
}

static gboolean
report_not_ok (gpointer builder)
{
  return !bp_builder_get_report (builder)->ok;
}

static gboolean
report_ok (gpointer builder)
{
  return bp_builder_get_report (builder)->ok;
}

/* A last block whose outputs do not match the dataset's classes shows on the edit, not at
 * Train: the block turns red with the reason, the totals say the network cannot work. */
static void
test_output_checked_against_data (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  BpBuilderCanvas *canvas = bp_builder_get_canvas (f->builder);
  const bp_graph *g;
  const bp_graph_report *r;
  bp_layer_spec ls;
  GdkRGBA fill;
  int output, dense;
  const char *want = "'dense_1' gives 32 outputs, but cross_entropy on 3 classes needs 3; set "
                     "its units, or Fit (Training tab)";

  /* iris: 4 features, 3 classes, cross-entropy; the data loads while the page shows. */
  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  output = id_of (f->builder, "output");
  ui_test_spin (0.5);
  g_assert_cmpstr (bp_builder_get_report (f->builder)->message, ==, "");
  g_assert_true (bp_builder_get_report (f->builder)->ok);

  /* The tester's case: a 32-unit dense wired after the output. */
  dense = bp_builder_add_block (f->builder, BP_LAYER_DENSE, 400, 600);
  g = bp_builder_get_graph (f->builder);
  ls = bp_graph_find (g, dense)->layer;
  ls.u.dense.units = 32;
  g_assert_true (bp_builder_set_layer (f->builder, dense, &ls, &error));
  g_assert_true (bp_builder_connect (f->builder, output, dense, 0, &error));
  g_assert_true (ui_test_wait (report_not_ok, f->builder, 10));
  r = bp_builder_get_report (f->builder);
  g_assert_cmpint (r->bad_id, ==, dense);
  g_assert_cmpstr (r->message, ==, want);
  g = bp_builder_get_graph (f->builder);
  g_assert_cmpint (r->nodes[bp_graph_index_of (g, dense)].state, ==, BP_NODE_BAD);
  g_assert_cmpint (r->nodes[bp_graph_index_of (g, output)].state, ==, BP_NODE_OK);
  bp_builder_canvas_block_color (canvas, dense, &fill);
  g_assert_cmpfloat (fill.red, >, fill.green + 0.05);
  g_assert_cmpstr (bp_builder_get_totals_text (f->builder), ==, "The network cannot work");
  g_assert_false (bp_builder_train (f->builder, &error));
  g_assert_nonnull (strstr (error->message, want));
  g_clear_error (&error);

  /* 3 units: fine again. */
  ls.u.dense.units = 3;
  g_assert_true (bp_builder_set_layer (f->builder, dense, &ls, &error));
  g_assert_true (ui_test_wait (report_ok, f->builder, 10));

  /* Two outputs for 3 classes: also refused. */
  ls.u.dense.units = 2;
  g_assert_true (bp_builder_set_layer (f->builder, dense, &ls, &error));
  r = bp_builder_get_report (f->builder);
  g_assert_false (r->ok);
  g_assert_cmpint (r->bad_id, ==, dense);
  g_assert_nonnull (strstr (r->message, "gives 2 outputs"));

  /* Undo: 3 and 2 were edits of one field (one step), back to 32 and red; once more, the
   * wire is gone and the dense block is left out: fine. */
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_cmpint (bp_builder_get_report (f->builder)->bad_id, ==, dense);
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_true (bp_builder_get_report (f->builder)->ok);
}

static void
test_inspector (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  BpBuilderInspector *inspector = bp_builder_get_inspector (f->builder);
  GtkWidget *units, *act, *alpha;
  int hidden;
  int undo_before;
  const bp_spec *spec;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  hidden = id_of (f->builder, "hidden");
  bp_builder_canvas_select (bp_builder_get_canvas (f->builder), hidden, FALSE);
  units = bp_builder_inspector_get_control (inspector, BP_SET_UNITS);
  g_assert_true (GTK_IS_SPIN_BUTTON (units));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (units)), ==, 16);
  g_assert_cmpstr (bp_builder_inspector_get_status (inspector), ==,
                   "Output (16) · 80 parameters · 160 FLOPs per sample");

  /* Three values typed in one field: one undo step. */
  undo_before = bp_builder_can_undo (f->builder);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), 64);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), 65);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), 66);
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->layers[0].u.dense.units, ==, 66);
  /* 4*66 + 66 + 66*3 + 3 */
  g_assert_cmpuint (bp_builder_get_report (f->builder)->params, ==, 531);
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_cmpint (bp_builder_get_report (f->builder)->spec->layers[0].u.dense.units, ==, 16);
  g_assert_cmpint (bp_builder_can_undo (f->builder), ==, undo_before);

  /* Alpha shows only for leaky ReLU and ELU; choosing leaky ReLU sets its 0.01. */
  act = bp_builder_inspector_get_control (inspector, BP_SET_ACTIVATION);
  alpha = bp_builder_inspector_get_control (inspector, BP_SET_ALPHA);
  g_assert_true (ADW_IS_COMBO_ROW (act));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (alpha, ADW_TYPE_ACTION_ROW)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (act), BP_ACT_LEAKY_RELU); /* no softmax before it */
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->layers[0].u.dense.activation, ==, BP_ACT_LEAKY_RELU);
  g_assert_cmpfloat (spec->layers[0].u.dense.alpha, ==, 0.01f);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (alpha, ADW_TYPE_ACTION_ROW)));
  /* A spin button refuses what the engine would: units stop at 1. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (units), -4);
  g_assert_cmpint (bp_builder_get_report (f->builder)->spec->layers[0].u.dense.units, ==, 1);

  /* The input block: its shape, as features or an image; each change undoes. */
  bp_builder_canvas_select (bp_builder_get_canvas (f->builder),
                            bp_builder_get_graph (f->builder)->nodes[0].id, FALSE);
  g_assert_cmpstr (bp_builder_inspector_get_status (inspector), ==, "Each sample is (4)");
  {
    GtkWidget *features = find_widget (find_row (GTK_WIDGET (inspector), "Features"), is_spin,
                                       NULL);
    GtkWidget *kind = find_row (GTK_WIDGET (inspector), "Shape");
    bp_shape in;

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (features), 7);
    in = bp_builder_get_report (f->builder)->spec->input;
    g_assert_cmpint (in.rank, ==, 1);
    g_assert_cmpint (in.dims[0], ==, 7);
    adw_combo_row_set_selected (ADW_COMBO_ROW (kind), 1);
    in = bp_builder_get_report (f->builder)->spec->input;
    g_assert_cmpint (in.rank, ==, 3);
    g_assert_cmpint (in.dims[0] * in.dims[1] * in.dims[2], ==, 784);
    /* Dense reads an image flattened: 784*1 + 1 + 1*3 + 3 */
    g_assert_cmpuint (bp_builder_get_report (f->builder)->params, ==, 791);
    g_assert_true (bp_builder_undo (f->builder));
    in = bp_builder_get_report (f->builder)->spec->input;
    g_assert_cmpint (in.rank, ==, 1);
    g_assert_cmpint (in.dims[0], ==, 7);
  }
}

static gboolean
is_reddish (const int rgb[3])
{
  return rgb[0] > rgb[1] + 12 && rgb[0] > rgb[2] + 12;
}

static void
block_pixel (Fixture *f, int id, GdkTexture *texture, int rgb[3])
{
  graphene_rect_t r;
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (f->builder));

  g_assert_true (bp_builder_canvas_block_rect (bp_builder_get_canvas (f->builder), id, &r));
  /* Right of the text, inside the card. */
  ui_test_pixel (texture, (int) ((r.origin.x + r.size.width - 6) * scale),
                 (int) ((r.origin.y + r.size.height * 0.8) * scale), rgb);
}

static void
test_red_block (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) good = NULL, bad = NULL;
  BpBuilderCanvas *canvas = bp_builder_get_canvas (f->builder);
  const bp_graph_report *r;
  bp_layer_spec conv2;
  int id_conv2, id_conv1, rgb[3];
  GdkRGBA fill;
  const char *want = "layer 3 'conv2' has a 30x30 kernel, larger than its 14x14 input (padding "
                     "'valid'); use a smaller kernel or padding 'same'";

  g_assert_true (bp_builder_load_template (f->builder, "fashion-mnist-lenet", &error));
  id_conv1 = id_of (f->builder, "conv1");
  id_conv2 = id_of (f->builder, "conv2");
  ui_test_spin (0.3);
  good = ui_test_shot (GTK_WIDGET (canvas));
  block_pixel (f, id_conv2, good, rgb);
  g_assert_false (is_reddish (rgb));

  conv2 = bp_graph_find (bp_builder_get_graph (f->builder), id_conv2)->layer;
  conv2.u.conv2d.kernel_h = conv2.u.conv2d.kernel_w = 30;
  g_assert_true (bp_builder_set_layer (f->builder, id_conv2, &conv2, &error));
  r = bp_builder_get_report (f->builder);
  g_assert_false (r->ok);
  g_assert_cmpint (r->bad_id, ==, id_conv2);
  g_assert_cmpstr (r->message, ==, want);
  g_assert_cmpint (r->nodes[bp_graph_index_of (bp_builder_get_graph (f->builder), id_conv2)].state,
                   ==, BP_NODE_BAD);

  ui_test_spin (0.3);
  bad = ui_test_shot (GTK_WIDGET (canvas));
  block_pixel (f, id_conv2, bad, rgb);
  g_assert_true (is_reddish (rgb));
  bp_builder_canvas_block_color (canvas, id_conv2, &fill);
  g_assert_cmpfloat (fill.red, >, fill.green + 0.05);
  /* Only that block. */
  block_pixel (f, id_conv1, bad, rgb);
  g_assert_false (is_reddish (rgb));

  /* The same words in the inspector and under the canvas; Train refuses with them. */
  bp_builder_canvas_select (canvas, id_conv2, FALSE);
  g_assert_cmpstr (bp_builder_inspector_get_status (bp_builder_get_inspector (f->builder)), ==,
                   want);
  g_assert_false (bp_builder_train (f->builder, &error));
  g_assert_nonnull (strstr (error->message, want));
  g_clear_error (&error);

  /* Undo: no longer red. */
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_true (bp_builder_get_report (f->builder)->ok);
}

static void
test_save_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-builder-XXXXXX", NULL);
  g_autofree char *json_path = g_build_filename (dir, "net.json", NULL);
  g_autofree char *bpx_path = g_build_filename (dir, "net.bpx", NULL);
  g_autofree char *saved = NULL, *opened = NULL;
  BpBuilder *other;

  g_assert_true (bp_builder_load_template (f->builder, "fashion-mnist-lenet", &error));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_true (bp_builder_connect (f->builder, id_of (f->builder, "output"),
                                     bp_builder_add_block (f->builder, BP_LAYER_DROPOUT, 600, 500),
                                     0, &error));
  g_assert_true (bp_builder_get_modified (f->builder));
  saved = bp_builder_get_spec_json (f->builder);
  g_assert_true (bp_builder_save_file (f->builder, json_path, &error));
  g_assert_no_error (error);
  g_assert_true (bp_builder_save_file (f->builder, bpx_path, &error));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_cmpstr (bp_builder_get_path (f->builder), ==, bpx_path);

  for (int i = 0; i < 2; i++)
    {
      other = BP_BUILDER (g_object_ref_sink (bp_builder_new ()));
      g_assert_true (bp_builder_open_file (other, i == 0 ? json_path : bpx_path, &error));
      g_assert_no_error (error);
      opened = bp_builder_get_spec_json (other);
      /* Layout included: the same text. */
      g_assert_cmpstr (opened, ==, saved);
      g_clear_pointer (&opened, g_free);
      g_assert_false (bp_builder_get_modified (other));
      g_assert_finalize_object (other);
    }
  /* A damaged file is refused with the file's name, and the page is untouched. */
  g_assert_true (g_file_set_contents (json_path, "{ \"format\": \"backprop-experiment\"", -1,
                                      NULL));
  g_assert_false (bp_builder_open_file (f->builder, json_path, &error));
  g_assert_nonnull (strstr (error->message, "net.json"));
  opened = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (opened, ==, saved);
  g_unlink (json_path);
  g_unlink (bpx_path);
  g_rmdir (dir);
}

static gboolean
trained_epochs (gpointer data)
{
  Fixture *f = data;
  bp_session *s = bp_builder_get_session (f->builder);

  return s != NULL && bp_metric_log_n_epochs (bp_session_metric_log (s)) >= 3;
}

static void
test_train (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-builder-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "trained.bpx", NULL);
  char err[512];
  bp_experiment *exp;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_true (bp_builder_train (f->builder, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (trained_epochs, f, 30));
  g_assert_true (bp_builder_get_training (f->builder) || bp_builder_get_session (f->builder));
  ui_test_spin (0.2);
  bp_builder_stop (f->builder);
  g_assert_false (bp_builder_get_training (f->builder));
  bp_session_wait (bp_builder_get_session (f->builder), 10);
  /* The session trained the page's network on the page's data: 150 iris rows split 60/20/20
   * (the template's split). */
  {
    bp_session_status st;
    bp_session_get_status (bp_builder_get_session (f->builder), &st);
    g_assert_cmpuint (st.step, >, 0);
    /* 90 training rows in batches of 16 */
    g_assert_cmpuint (st.steps_per_epoch, ==, 6);
  }
  /* A save now carries the trained weights. */
  g_assert_true (bp_builder_save_file (f->builder, path, &error));
  g_assert_no_error (error);
  exp = bp_experiment_load (path, err, sizeof err);
  g_assert_nonnull (exp);
  g_assert_cmpint (exp->n_weights, ==, 4); /* hidden and output, weight and bias */
  bp_experiment_free (exp);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
data_loaded (gpointer data)
{
  Fixture *f = data;
  GtkWidget *label = find_widget (GTK_WIDGET (bp_builder_get_settings (f->builder)),
                                  is_data_info, NULL);

  return label != NULL && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "178 rows");
}

static void
test_palette_and_settings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *settings = GTK_WIDGET (bp_builder_get_settings (f->builder));
  GtkWidget *row, *source, *fit;
  const bp_spec *spec;
  size_t n_builtins;
  const bp_builtin_info *builtins = bp_builtin_list (&n_builtins);
  guint wine = G_MAXUINT;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  /* Enter on the Dropout row with "hidden" selected: dropout goes between hidden and output. */
  bp_builder_canvas_select (bp_builder_get_canvas (f->builder), id_of (f->builder, "hidden"),
                            FALSE);
  row = bp_builder_palette_get_row (bp_builder_get_palette (f->builder), BP_LAYER_DROPOUT);
  g_assert_true (gtk_widget_activate (row));
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->n_layers, ==, 3);
  g_assert_cmpstr (spec->layers[0].name, ==, "hidden");
  g_assert_cmpstr (spec->layers[1].name, ==, "dropout_1");
  g_assert_cmpstr (spec->layers[2].name, ==, "output");
  g_assert_true (bp_builder_get_report (f->builder)->ok);
  /* output moved down to make room: no two blocks overlap. */
  {
    const bp_graph *g = bp_builder_get_graph (f->builder);
    for (int i = 0; i < g->n_nodes; i++)
      for (int j = i + 1; j < g->n_nodes; j++)
        g_assert_true (fabs (g->nodes[i].y - g->nodes[j].y) >= BP_GRAPH_BLOCK_H
                       || fabs (g->nodes[i].x - g->nodes[j].x) >= BP_GRAPH_BLOCK_W);
  }

  /* The optimizer is part of the spec: changing it is an edit that undoes. */
  row = find_row (settings, "Optimizer");
  g_assert_true (ADW_IS_COMBO_ROW (row));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0); /* SGD */
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->optim.kind, ==, BP_OPTIM_SGD);
  g_assert_cmpfloat (spec->optim.lr, ==, 0.01f); /* the template's rate stays */
  g_assert_true (gtk_widget_get_visible (find_row (settings, "Momentum")));
  g_assert_false (gtk_widget_get_visible (find_row (settings, "Beta 1")));
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_cmpint (bp_builder_get_report (f->builder)->spec->optim.kind, ==, BP_OPTIM_ADAM);
  g_assert_true (gtk_widget_get_visible (find_row (settings, "Beta 1")));

  /* Pick Wine (13 features, 3 classes) and fit the network to it. */
  for (size_t i = 0; i < n_builtins; i++)
    if (g_str_equal (builtins[i].name, "wine"))
      wine = (guint) i;
  g_assert_cmpuint (wine, !=, G_MAXUINT);
  source = find_row (settings, "Source");
  adw_combo_row_set_selected (ADW_COMBO_ROW (source), wine);
  g_assert_true (ui_test_wait (data_loaded, f, 20));
  fit = find_widget (find_row (settings, "Fit the network to it"), is_button, NULL);
  g_assert_nonnull (fit);
  g_signal_emit_by_name (fit, "clicked");
  spec = bp_builder_get_report (f->builder)->spec;
  g_assert_cmpint (spec->input.rank, ==, 1);
  g_assert_cmpint (spec->input.dims[0], ==, 13);
  g_assert_cmpint (spec->layers[spec->n_layers - 1].u.dense.units, ==, 3);
  g_assert_cmpint (spec->loss, ==, BP_LOSS_CROSS_ENTROPY);
  g_assert_true (bp_builder_get_report (f->builder)->ok);
  /* 13*16 + 16, then dropout, then 16*3 + 3 */
  g_assert_cmpuint (bp_builder_get_report (f->builder)->params, ==, 224 + 51);
}

/* The page's whole document (spec, data, training settings) as the file would hold it. */
static char *
document_json (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  bp_experiment *exp = bp_builder_get_experiment (f->builder, &error);
  char *text, *copy;

  g_assert_no_error (error);
  text = bp_experiment_to_json (exp, NULL);
  g_assert_nonnull (text);
  copy = g_strdup (text);
  free (text);
  bp_experiment_free (exp);
  return copy;
}

static GtkWidget *
control_of (GtkWidget *settings, const char *title)
{
  GtkWidget *row = find_row (settings, title), *control;

  g_assert_nonnull (row);
  control = find_widget (row, is_spin, NULL);
  if (control == NULL)
    control = find_widget (row, is_switch, NULL);
  g_assert_nonnull (control);
  return control;
}

static guint
builtin_index (const char *name)
{
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);

  for (size_t i = 0; i < n; i++)
    if (g_str_equal (list[i].name, name))
      return (guint) i;
  g_assert_not_reached ();
}

static void
count_call (int *n)
{
  (*n)++;
}

/* Dataset and training settings are edits like any other: each is one step of the same undo
 * history as the graph, it marks the page modified, and undo puts back the very settings (the
 * document's JSON to the byte) and shows them in the panel. Typing in one field is one step. */
static void
test_settings_undo (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *settings = GTK_WIDGET (bp_builder_get_settings (f->builder));
  GPtrArray *docs = g_ptr_array_new_with_free_func (g_free);
  guint iris = builtin_index ("iris"), wine = builtin_index ("wine");
  int modified_notes = 0;
  guint n;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find_row (settings, "Source"))),
                    ==, iris);
  g_signal_connect_swapped (f->builder, "notify::modified", G_CALLBACK (count_call),
                            &modified_notes);
  g_ptr_array_add (docs, document_json (f));

#define EDIT(stmt)                                                                         \
  G_STMT_START                                                                             \
  {                                                                                        \
    stmt;                                                                                  \
    g_assert_true (bp_builder_get_modified (f->builder));                                  \
    g_ptr_array_add (docs, document_json (f));                                             \
    g_assert_cmpstr (docs->pdata[docs->len - 1], !=, docs->pdata[docs->len - 2]);          \
  }                                                                                        \
  G_STMT_END

  /* The dataset picker, a split, the scaling, the loss, a hyperparameter, the batch size, the
   * epochs, the schedule, early stopping: data, spec and training settings in turn. */
  EDIT (adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (settings, "Source")), wine));
  EDIT (gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Validation share")),
                                   0.35));
  EDIT (adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (settings, "Scaling")), 2));
  EDIT (adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (settings, "Loss")), 3));
  EDIT (adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (settings, "Optimizer")), 0));
  EDIT (gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Momentum")), 0.9));
  EDIT (gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Batch size")), 64));
  EDIT (gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Epochs")), 7));
  EDIT (adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (settings, "Schedule")), 3));
  /* Typing 3 then 34 in one field: one step. */
  EDIT ({
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Patience")), 3);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (control_of (settings, "Patience")), 34);
  });
  EDIT (gtk_switch_set_active (GTK_SWITCH (control_of (settings, "Early stopping")), FALSE));
#undef EDIT
  g_assert_cmpint (modified_notes, >=, 11);
  n = docs->len;
  {
    g_autoptr (GError) e2 = NULL;
    bp_experiment *exp = bp_builder_get_experiment (f->builder, &e2);

    g_assert_cmpstr (exp->data.source, ==, "wine");
    g_assert_cmpfloat (exp->data.val_ratio, ==, 0.35);
    g_assert_cmpint (exp->data.scaling, ==, BP_SCALING_MINMAX);
    g_assert_cmpint (exp->spec->loss, ==, BP_LOSS_HUBER);
    g_assert_cmpint (exp->spec->optim.kind, ==, BP_OPTIM_SGD);
    g_assert_cmpfloat (exp->spec->optim.momentum, ==, 0.9f);
    g_assert_cmpint (exp->spec->batch_size, ==, 64);
    g_assert_cmpint (exp->spec->epochs, ==, 7);
    g_assert_cmpint (exp->training.schedule.kind, ==, BP_SCHEDULE_COSINE);
    g_assert_false (exp->training.early_stop.enabled);
    g_assert_cmpint (exp->training.early_stop.patience, ==, 34);
    bp_experiment_free (exp);
  }

  /* Undo, one step at a time: the document of before each edit, exactly. */
  for (guint i = n - 1; i-- > 0;)
    {
      g_autofree char *now = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.undo", NULL));
      now = document_json (f);
      g_assert_cmpstr (now, ==, docs->pdata[i]);
      g_assert_true (bp_builder_get_modified (f->builder) == (i != 0));
      /* The panel shows what was put back. */
      if (i == 10)
        g_assert_true (gtk_switch_get_active (GTK_SWITCH (control_of (settings,
                                                                      "Early stopping"))));
      if (i == 9)
        g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                             control_of (settings, "Patience"))), ==, 20);
      if (i == 6)
        g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                             control_of (settings, "Batch size"))), ==, 16);
    }
  /* (One step more would undo loading the template.) The panel shows the template's settings
   * again, and the page loads its data again. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find_row (settings, "Source"))),
                    ==, iris);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find_row (settings, "Scaling"))),
                    ==, BP_SCALING_STANDARD);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                       control_of (settings, "Validation share"))), ==, 0.2);

  /* Redo all: the last document again. */
  for (guint i = 1; i < n; i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (bp_builder_redo (f->builder));
      now = document_json (f);
      g_assert_cmpstr (now, ==, docs->pdata[i]);
    }
  g_assert_false (bp_builder_can_redo (f->builder));
  g_ptr_array_unref (docs);
}

/* An unwired block is work too: dropping one marks the page modified (so quitting asks), as
 * on a template as on an opened file; the file cannot hold it, so saving says so and the page
 * stays modified until the block is wired or gone. */
static void
test_unwired_block_modified (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bp-builder-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "net.json", NULL);
  g_autofree char *spec_before = NULL, *spec_after = NULL;
  int modified_notes = 0, id;

  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_signal_connect_swapped (f->builder, "notify::modified", G_CALLBACK (count_call),
                            &modified_notes);
  spec_before = bp_builder_get_spec_json (f->builder);
  id = bp_builder_add_block (f->builder, BP_LAYER_DENSE, 700, 300);
  g_assert_cmpint (id, >, 0);
  spec_after = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (spec_after, ==, spec_before); /* the spec does not see it */
  g_assert_true (bp_builder_get_modified (f->builder));
  g_assert_cmpint (modified_notes, >=, 1);
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_false (bp_builder_get_modified (f->builder));

  /* An opened file plus a dropped block. */
  g_assert_true (bp_builder_save_file (f->builder, path, &error));
  g_assert_no_error (error);
  g_assert_true (bp_builder_open_file (f->builder, path, &error));
  g_assert_no_error (error);
  g_assert_false (bp_builder_get_modified (f->builder));
  id = bp_builder_add_block (f->builder, BP_LAYER_DENSE, 700, 300);
  g_assert_true (bp_builder_get_modified (f->builder));

  /* Saved: the file leaves it out, says so, and the page still has unsaved work. */
  g_assert_true (bp_builder_save_file (f->builder, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bp_builder_get_last_message (f->builder), ==,
                   "Saved without 1 block not wired to the input");
  g_assert_true (bp_builder_get_modified (f->builder));
  /* Deleting it gives back what the file holds. */
  bp_builder_canvas_select (bp_builder_get_canvas (f->builder), id, FALSE);
  bp_builder_delete_selection (f->builder);
  g_assert_cmpint (bp_builder_get_graph (f->builder)->n_nodes, ==, 3);
  g_assert_false (bp_builder_get_modified (f->builder));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
is_chart (GtkWidget *w, gconstpointer data)
{
  return BP_IS_CHART (w);
}

static gboolean
is_label_prefixed (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_LABEL (w) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (w)), data);
}

static gboolean
is_action_button (GtkWidget *w, gconstpointer data)
{
  return GTK_IS_BUTTON (w) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)),
                                         data) == 0;
}

static gsize
chart_points (BpBuilder *b)
{
  BpChart *chart = BP_CHART (find_widget (GTK_WIDGET (b), is_chart, NULL));
  guint ids[8];
  guint n = bp_chart_get_series (chart, ids, G_N_ELEMENTS (ids));
  gsize total = 0;

  for (guint i = 0; i < n; i++)
    total += bp_chart_series_get_n_points (chart, ids[i]);
  return total;
}

static gboolean
run_status_shown (gpointer data)
{
  Fixture *f = data;

  return find_widget (GTK_WIDGET (f->builder), is_label_prefixed, "Epoch ") != NULL
         && chart_points (f->builder) > 0;
}

/* A new network (a template, an opened file) has no run yet: the Run panel forgets the last
 * one, its status and its curve. The buttons say what they do now: Pause while training, Stop
 * only while there is a run to end. */
static void
test_run_panel_follows (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *train = find_widget (GTK_WIDGET (f->builder), is_action_button, "builder.train");
  GtkWidget *stop = find_widget (GTK_WIDGET (f->builder), is_action_button, "builder.stop");

  g_assert_nonnull (train);
  g_assert_nonnull (stop);
  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_false (gtk_widget_get_sensitive (stop));
  g_assert_true (bp_builder_train (f->builder, &error));
  g_assert_no_error (error);
  /* Training from the click on (while the data load too). */
  g_assert_true (bp_builder_get_training (f->builder));
  g_assert_true (gtk_widget_get_sensitive (stop));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (train), ==, "Pause this run (Ctrl+Return)");
  g_assert_true (ui_test_wait (trained_epochs, f, 30));
  g_assert_true (ui_test_wait (run_status_shown, f, 10));
  bp_builder_stop (f->builder);
  bp_session_wait (bp_builder_get_session (f->builder), 10);
  ui_test_spin (0.3);
  /* Ended: nothing to stop, Train starts a new run. */
  g_assert_false (gtk_widget_get_sensitive (stop));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (train), ==,
                   "Train this network on the dataset (Ctrl+Return)");

  g_assert_true (bp_builder_load_template (f->builder, "playground-spiral", &error));
  g_assert_no_error (error);
  ui_test_spin (0.2);
  g_assert_null (find_widget (GTK_WIDGET (f->builder), is_label_prefixed, "Epoch "));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->builder), is_label_prefixed, "Press Train"));
  g_assert_cmpuint (chart_points (f->builder), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (stop));
}

static void
test_window_page (void)
{
  BpWindow *window = bp_window_new (NULL);
  g_autoptr (GError) error = NULL;

  g_object_ref_sink (window);
  g_assert_true (bp_window_set_page (window, "builder", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (bp_window_get_page (window), ==, "builder");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

#define ADD(path, fn) g_test_add ("/builder/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("templates", test_templates);
  ADD ("edit-undo-redo", test_edit_undo_redo);
  ADD ("delete-joins", test_delete_joins);
  ADD ("output-checked-against-data", test_output_checked_against_data);
  ADD ("inspector", test_inspector);
  ADD ("red-block", test_red_block);
  ADD ("save-open", test_save_open);
  ADD ("train", test_train);
  ADD ("palette-and-settings", test_palette_and_settings);
  ADD ("settings-undo", test_settings_undo);
  ADD ("unwired-block-modified", test_unwired_block_modified);
  ADD ("run-panel-follows", test_run_panel_follows);
#undef ADD
  g_test_add_func ("/builder/window-page", test_window_page);
  return g_test_run ();
}
