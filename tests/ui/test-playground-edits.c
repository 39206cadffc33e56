/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a person changes on the playground stays put: points added by clicks survive a trip to
 * regression and back; the controls that do not apply are insensitive and say why; long
 * messages are shown whole; the "network changed" cue covers no neuron; links show the real
 * weights right after a rebuild. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "bp-network-view-private.h"
#include "bp-ui.h"
#include "playground-fixture.h"

/* The first widget of type under root whose tooltip starts with prefix (NULL: any). */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *prefix)
{
  const char *tip = gtk_widget_get_tooltip_text (root);

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (prefix == NULL || (tip != NULL && g_str_has_prefix (tip, prefix))))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *w = find_widget (c, type, prefix);

      if (w != NULL)
        return w;
    }
  return NULL;
}

/* As a pick in the Problem menu does. */
static void
pick_problem (Fixture *f, BpPgProblem problem)
{
  GtkWidget *drop = find_widget (GTK_WIDGET (f->pg->hyper_bar), GTK_TYPE_DROP_DOWN,
                                 "Problem type");

  g_assert_nonnull (drop);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop), problem);
  wait_settled (f);
}

static GArray *
copy_points (Fixture *f)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (BpHeatmapPoint));

  g_array_append_vals (a, f->pg->data->points->data, f->pg->data->points->len);
  return a;
}

static void
assert_same_points (Fixture *f, GArray *want)
{
  g_assert_cmpuint (f->pg->data->points->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      const BpHeatmapPoint *a = &g_array_index (want, BpHeatmapPoint, i);
      const BpHeatmapPoint *b = &g_array_index (f->pg->data->points, BpHeatmapPoint, i);

      g_assert_cmpfloat (a->x, ==, b->x);
      g_assert_cmpfloat (a->y, ==, b->y);
      g_assert_cmpint (a->label, ==, b->label);
      g_assert_cmpint (a->test, ==, b->test);
    }
}

static void
test_problem_switch_keeps_points (Fixture *f, gconstpointer data)
{
  static const double clicks[3][2] = { { 2.5, -4.6 }, { -5.0, 5.0 }, { 5.5, 0.5 } };
  g_autoptr (GArray) before = NULL;
  g_autoptr (GArray) circle = NULL;
  BpPgDataParams p;

  for (int i = 0; i < 3; i++)
    {
      g_signal_emit_by_name (f->pg->heatmap, "add-point", clicks[i][0], clicks[i][1]);
      wait_settled (f);
    }
  g_assert_cmpuint (f->pg->data->points->len, ==, 503);
  before = copy_points (f);

  pick_problem (f, BP_PG_PROBLEM_REGRESSION);
  g_assert_cmpint (f->pg->data->task, ==, BP_TASK_REGRESSION);
  g_assert_cmpuint (f->pg->data->points->len, ==, 500);
  g_assert_cmpint (f->pg->loss, ==, BP_LOSS_MSE);

  /* Back: the same 503 points, on the same sides of the split, and a session on them. */
  pick_problem (f, BP_PG_PROBLEM_CLASSIFICATION);
  g_assert_cmpint (f->pg->data->task, ==, BP_TASK_CLASSIFICATION);
  g_assert_cmpint (f->pg->data->params.kind, ==, BP_SYNTH_SPIRAL);
  assert_same_points (f, before);
  g_assert_cmpuint (f->pg->data->split.n_train + f->pg->data->split.n_val, ==, 503);
  g_assert_cmpuint (bp_heatmap_get_n_points (f->pg->heatmap), ==, 503);
  g_assert_cmpint (f->pg->loss, ==, BP_LOSS_BCE_LOGITS);

  /* The dataset shown last comes back too, with its clicks; a new seed is new points. */
  bp_data_panel_select_kind (f->pg->data_panel, BP_SYNTH_CIRCLE);
  wait_settled (f);
  g_signal_emit_by_name (f->pg->heatmap, "add-point", 0.0, 5.8);
  wait_settled (f);
  circle = copy_points (f);
  pick_problem (f, BP_PG_PROBLEM_REGRESSION);
  pick_problem (f, BP_PG_PROBLEM_CLASSIFICATION);
  g_assert_cmpint (f->pg->data->params.kind, ==, BP_SYNTH_CIRCLE);
  assert_same_points (f, circle);
  bp_data_panel_get_params (f->pg->data_panel, &p, NULL);
  g_assert_cmpint (p.kind, ==, BP_SYNTH_CIRCLE);

  pick_problem (f, BP_PG_PROBLEM_REGRESSION);
  bp_data_panel_get_params (f->pg->data_panel, &p, NULL);
  p.seed = 7;
  bp_data_panel_set_params (f->pg->data_panel, &p, 10);
  g_signal_emit_by_name (f->pg->data_panel, "changed", (guint) BP_DATA_SEED);
  wait_settled (f);
  pick_problem (f, BP_PG_PROBLEM_CLASSIFICATION);
  g_assert_cmpuint (f->pg->data->points->len, ==, 500);
  g_assert_cmpuint (f->pg->data->params.seed, ==, 7);
}

static void
test_discretize_only_classes (Fixture *f, gconstpointer data)
{
  GtkWidget *check = GTK_WIDGET (f->pg->discretize_check);

  g_assert_true (gtk_widget_get_sensitive (check));
  gtk_check_button_set_active (f->pg->discretize_check, TRUE);
  g_assert_true (bp_heatmap_get_discretize (f->pg->heatmap));

  /* Regression: greyed out, the tooltip says why, the plot shows values again. */
  pick_problem (f, BP_PG_PROBLEM_REGRESSION);
  g_assert_false (gtk_widget_is_sensitive (check));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (check), "Only for classification"));
  g_assert_false (bp_heatmap_get_discretize (f->pg->heatmap));

  /* Back: the tick the person gave it is still in force. */
  pick_problem (f, BP_PG_PROBLEM_CLASSIFICATION);
  g_assert_true (gtk_widget_is_sensitive (check));
  g_assert_true (gtk_check_button_get_active (f->pg->discretize_check));
  g_assert_true (bp_heatmap_get_discretize (f->pg->heatmap));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (check), "Only for"));
}

/* After a new session on the same layout, every link is drawn with the new network's
 * weights: none is left grey (drawn while the weights were not there) until a step. */
static void
test_links_after_switch (Fixture *f, gconstpointer data)
{
  BpNetworkView *view = f->pg->network_view;
  BpPgDataParams p;

  /* The network of the report: four inputs, 17, 8, 8, 8. */
  bp_data_panel_get_params (f->pg->data_panel, &p, NULL);
  p.features |= BP_FEATURE_BIT (BP_FEATURE_X1_SQ) | BP_FEATURE_BIT (BP_FEATURE_X2_SQ);
  bp_data_panel_set_params (f->pg->data_panel, &p, 10);
  g_signal_emit_by_name (f->pg->data_panel, "changed", (guint) BP_DATA_FEATURES);
  wait_settled (f);
  g_signal_emit_by_name (view, "add-layer");
  wait_settled (f);
  for (int i = 0; i < 9; i++)
    {
      g_signal_emit_by_name (view, "add-neuron", 1);
      wait_settled (f);
    }
  g_assert_cmpint (bp_network_view_get_column_size (view, 1), ==, 17);
  g_assert_cmpint (view->n_columns, ==, 6);
  ui_test_spin (0.5);

  pick_problem (f, BP_PG_PROBLEM_REGRESSION);
  pick_problem (f, BP_PG_PROBLEM_CLASSIFICATION);
  /* A few frames, not the paced round of updates (a part every 40 ms or more). */
  ui_test_spin (0.1);
  for (int c = 0; c + 1 < view->n_columns; c++)
    {
      int n_out = view->columns[c + 1].n, n = view->columns[c].n * n_out;
      /* As many parts as bp-network-view-draw.c cuts the layer's links in. */
      int parts = CLAMP ((n + 15) / 16, 1, MIN (BP_NV_LINK_PARTS, n_out));

      g_assert_nonnull (view->columns[c].weights);
      g_assert_cmpuint (view->links_grey[c] & ((1u << parts) - 1), ==, 0);
      for (int k = 0; k < parts; k++)
        g_assert_nonnull (view->links_nodes[c][k]);
    }
}

static void
on_message (BpPlayground *pg, const char *message, char **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

/* A long error is shown whole: the banner's label wraps, is not ellipsized and fits the
 * window; no toast cuts it to one line. */
static void
test_long_error_whole (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("bp-csv-long-directory-name-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "a-file-with-a-rather-long-name.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *toasted = NULL;
  GtkLabel *label = f->pg->banner_label;
  graphene_rect_t r;

  g_signal_connect (f->pg, "message", G_CALLBACK (on_message), &toasted);
  g_assert_true (g_file_set_contents (bad, "a,b,c,label\n1,2,3,x\n4,5,6,y\n7,8,9,x\n1,1,1,y\n",
                                      -1, NULL));
  g_assert_false (bp_playground_load_csv (f->pg, bad, &error));
  wait_settled (f);
  g_assert_cmpuint (strlen (error->message), >, 150);
  g_assert_true (gtk_revealer_get_reveal_child (f->pg->banner_revealer));
  g_assert_cmpstr (gtk_label_get_text (label), ==, error->message);
  g_assert_cmpstr (bp_playground_get_last_error (f->pg), ==, error->message);
  g_assert_null (toasted);
  ui_test_spin (0.6); /* the revealer's slide */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  g_assert_true (gtk_label_get_wrap (label));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
  /* More than one line, all inside the window. */
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (label)), >, 1);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), f->window, &r));
  g_assert_cmpfloat (r.origin.x, >=, 0);
  g_assert_cmpfloat (r.origin.x + r.size.width, <=, gtk_widget_get_width (f->window));
  g_unlink (bad);
  g_rmdir (dir);
}

/* The "Network changed" cue is shown (over the network) and covers no neuron, caption or
 * button of the network view, with a wide first layer as in the report. */
static void
test_cue_covers_nothing (Fixture *f, gconstpointer data)
{
  BpNetworkView *view = f->pg->network_view;
  GtkWidget *cue = GTK_WIDGET (f->pg->cue_revealer);
  graphene_rect_t cue_r;
  double side;

  g_signal_emit_by_name (view, "add-layer");
  wait_settled (f);
  for (int i = 0; i < 9; i++)
    {
      g_signal_emit_by_name (view, "add-neuron", 1);
      wait_settled (f);
    }
  ui_test_spin (0.5);
  g_assert_true (gtk_revealer_get_reveal_child (f->pg->cue_revealer));
  g_assert_cmpstr (gtk_label_get_text (f->pg->cue_label), ==,
                   "Network changed: training starts again");
  g_assert_true (gtk_widget_get_mapped (cue));
  g_assert_true (gtk_widget_compute_bounds (cue, GTK_WIDGET (view), &cue_r));
  g_assert_cmpfloat (cue_r.size.width, >, 40);
  g_assert_cmpfloat (cue_r.origin.y, >=, 0);
  /* Neurons: squares of the view's side around their centres, captions under the columns. */
  side = _bp_nv_neuron_side (view);
  for (int c = 0; c < view->n_columns; c++)
    for (int i = 0; i < view->columns[c].n; i++)
      {
        double x, y;
        graphene_rect_t n;

        g_assert_true (bp_network_view_neuron_center (view, c, i, &x, &y));
        n = GRAPHENE_RECT_INIT ((float) (x - side / 2), (float) (y - side / 2), (float) side,
                                (float) side);
        g_assert_false (graphene_rect_intersection (&cue_r, &n, NULL));
      }
  g_assert_cmpfloat (cue_r.origin.y + cue_r.size.height, <,
                     gtk_widget_get_height (GTK_WIDGET (view)) - 30);
  for (GtkWidget *b = gtk_widget_get_first_child (GTK_WIDGET (view)); b != NULL;
       b = gtk_widget_get_next_sibling (b))
    {
      graphene_rect_t br;

      if (!GTK_IS_BUTTON (b) || !gtk_widget_get_mapped (b))
        continue;
      g_assert_true (gtk_widget_compute_bounds (b, GTK_WIDGET (view), &br));
      g_assert_false (graphene_rect_intersection (&cue_r, &br, NULL));
    }
  /* Column labels ("4 inputs", "17 neurons") sit just above the first neurons. */
  {
    double x, y;

    g_assert_true (bp_network_view_neuron_center (view, 0, 0, &x, &y));
    g_assert_cmpfloat (cue_r.origin.y + cue_r.size.height, <, y - side / 2 - 16);
  }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add ("/playground-edits/problem-switch-keeps-points", Fixture, NULL, fixture_setup,
              test_problem_switch_keeps_points, fixture_teardown);
  g_test_add ("/playground-edits/discretize-only-classes", Fixture, NULL, fixture_setup,
              test_discretize_only_classes, fixture_teardown);
  g_test_add ("/playground-edits/links-after-switch", Fixture, NULL, fixture_setup,
              test_links_after_switch, fixture_teardown);
  g_test_add ("/playground-edits/long-error-whole", Fixture, NULL, fixture_setup,
              test_long_error_whole, fixture_teardown);
  g_test_add ("/playground-edits/cue-covers-nothing", Fixture, NULL, fixture_setup,
              test_cue_covers_nothing, fixture_teardown);
  return g_test_run ();
}
