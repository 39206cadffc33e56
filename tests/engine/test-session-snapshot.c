/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots: histograms, the decision grid and neuron thumbnails checked against a forward
 * pass done here by hand from the snapshot's own weights, the chosen sample, the histogram
 * history, a plane map, a held snapshot that nobody writes, and weight copies on request. */
#include "data/feature_map.h"
#include "engine/safetensors.h"
#include "session-fixtures.h"

#include <glib/gstdio.h>

/* out = act(W x + b), W (out, in). */
static void
dense_fwd (const float *W, const float *b, const float *x, int in, int out, bool tanh_act,
           double *y)
{
  for (int o = 0; o < out; o++)
    {
      double z = b[o];
      for (int i = 0; i < in; i++)
        z += (double) W[o * in + i] * x[i];
      y[o] = tanh_act ? tanh (z) : z;
    }
}

/* The tiny net by hand: returns the probability; h1 gets the first hidden layer. */
static double
forward_by_hand (const bp_snapshot *sn, const float *x, int in, double *h1)
{
  double a[8], b2[8];
  float f1[8], f2[8];
  dense_fwd (sn->layers[0].weights, sn->layers[0].biases, x, in, 8, true, a);
  for (int i = 0; i < 8; i++)
    {
      f1[i] = (float) a[i];
      if (h1 != NULL)
        h1[i] = a[i];
    }
  dense_fwd (sn->layers[1].weights, sn->layers[1].biases, f1, 8, 8, true, b2);
  for (int i = 0; i < 8; i++)
    f2[i] = (float) b2[i];
  double logit;
  dense_fwd (sn->layers[2].weights, sn->layers[2].biases, f2, 8, 1, false, &logit);
  return 1.0 / (1.0 + exp (-logit));
}

static uint64_t
hist_total (const bp_histogram *h)
{
  uint64_t t = 0;
  for (int i = 0; i < h->n_bins; i++)
    t += h->counts[i];
  return t;
}

static void
test_snapshot (void)
{
  bp_dataset *ds = fx_blobs (150, 0, 21);
  bp_split sp = fx_split (200, 100);
  bp_spec *spec = fx_tiny_spec (0.1f, 10);
  float shift[2] = { 1.0f, -1.0f }, scale[2] = { 0.5f, 0.25f };
  bp_scaler sc = { 2, shift, scale };
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, spec);
  cfg.max_epochs = 0;
  cfg.snapshots.grid_size = 50;
  cfg.snapshots.neuron_size = 10;
  cfg.history_every = 5;
  char err[256] = "";
  bp_session *s = bp_session_new (spec, ds, &sp, &sc, &cfg, err, sizeof err);
  g_assert_nonnull (s);
  bp_session_set_sample_row (s, 3);
  bp_session_step (s, 40);
  g_assert_cmpint (bp_session_wait (s, 30), ==, BP_SESSION_PAUSED);
  bool fresh = false;
  const bp_snapshot *sn = bp_session_snapshot (s, &fresh);
  g_assert_nonnull (sn);
  g_assert_true (fresh);
  g_assert_cmpuint (sn->step, ==, 40);
  g_assert_cmpuint (sn->run, ==, 1);
  g_assert_cmpint (sn->n_layers, ==, 3);
  g_assert_true (sn->small_dense);
  g_test_message ("snapshot cost %.3f ms", sn->cost_ms);

  /* Histograms: counts add up, the range covers the data, activations are the last batch. */
  const bp_layer_snapshot *l0 = &sn->layers[0];
  g_assert_cmpstr (l0->name, ==, "dense_1");
  g_assert_cmpint (l0->in_size, ==, 2);
  g_assert_cmpint (l0->out_size, ==, 8);
  for (int t = 0; t < BP_HIST_TENSOR_COUNT; t++)
    {
      g_assert_true (l0->has[t]);
      const bp_histogram *h = &l0->hist[t];
      g_assert_cmpint (h->n_bins, ==, 30);
      g_assert_cmpuint (hist_total (h), ==, h->n - h->n_nonfinite);
      g_assert_cmpfloat (h->lo, <=, h->min);
      g_assert_cmpfloat (h->hi, >=, h->max);
    }
  g_assert_cmpuint (l0->hist[BP_HIST_WEIGHTS].n, ==, 16);
  g_assert_cmpuint (l0->hist[BP_HIST_BIASES].n, ==, 8);
  g_assert_cmpuint (l0->hist[BP_HIST_ACTIVATIONS].n, ==, 10 * 8);
  g_assert_cmpfloat (l0->hist[BP_HIST_ACTIVATIONS].max, <=, 1.0f); /* tanh */
  double w2 = 0;
  for (int i = 0; i < 16; i++)
    w2 += (double) l0->weights[i] * l0->weights[i];
  for (int i = 0; i < 8; i++)
    w2 += (double) l0->biases[i] * l0->biases[i];
  g_assert_cmpfloat_with_epsilon (l0->weight_norm, sqrt (w2), 1e-9);
  double gsum = 0;
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpfloat (l0->edge_grad[i], >=, 0);
      gsum += l0->edge_grad[i];
    }
  g_assert_cmpfloat (gsum, >, 0);

  /* The plane: the training rows' range widened by 10%. */
  float lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  for (uint32_t i = 0; i < sp.n_train; i++)
    for (int j = 0; j < 2; j++)
      {
        lo[j] = fminf (lo[j], ds->x_f32[2 * i + j]);
        hi[j] = fmaxf (hi[j], ds->x_f32[2 * i + j]);
      }
  const bp_grid_snapshot *g = &sn->grid;
  g_assert_true (g->valid);
  g_assert_cmpint (g->size, ==, 50);
  g_assert_cmpint (g->n_outputs, ==, 1);
  g_assert_cmpfloat_with_epsilon (g->x_min, lo[0] - 0.1f * (hi[0] - lo[0]), 1e-5);
  g_assert_cmpfloat_with_epsilon (g->y_max, hi[1] + 0.1f * (hi[1] - lo[1]), 1e-5);

  /* Grid cells against the hand forward pass, with the scaler applied. */
  const int cells[][2] = { { 0, 0 }, { 7, 31 }, { 49, 49 }, { 25, 3 } };
  for (size_t c = 0; c < G_N_ELEMENTS (cells); c++)
    {
      int i = cells[c][0], j = cells[c][1];
      float x1 = g->x_min + ((float) j + 0.5f) * (g->x_max - g->x_min) / 50.0f;
      float x2 = g->y_min + ((float) i + 0.5f) * (g->y_max - g->y_min) / 50.0f;
      float x[2] = { (x1 - shift[0]) * scale[0], (x2 - shift[1]) * scale[1] };
      double p = forward_by_hand (sn, x, 2, NULL);
      g_assert_cmpfloat_with_epsilon (g->values[i * 50 + j], p, 1e-5);
    }
  /* Confident at the blob centres: (-2, -2) is class 0, (2, 2) class 1. */
  /* Neuron thumbnails: inputs and hidden units on the 10 x 10 grid. */
  g_assert_cmpint (g->neuron_size, ==, 10);
  g_assert_nonnull (g->neuron_values[0]);
  g_assert_nonnull (g->neuron_values[1]);
  g_assert_null (g->neuron_values[2]);
  for (int cell = 0; cell < 100; cell += 37)
    {
      int i = cell / 10, j = cell % 10;
      float x1 = g->x_min + ((float) j + 0.5f) * (g->x_max - g->x_min) / 10.0f;
      float x2 = g->y_min + ((float) i + 0.5f) * (g->y_max - g->y_min) / 10.0f;
      float x[2] = { (x1 - shift[0]) * scale[0], (x2 - shift[1]) * scale[1] };
      g_assert_cmpfloat_with_epsilon (g->input_values[cell], x[0], 1e-6);
      g_assert_cmpfloat_with_epsilon (g->input_values[100 + cell], x[1], 1e-6);
      double h1[8];
      forward_by_hand (sn, x, 2, h1);
      for (int u = 0; u < 8; u++)
        g_assert_cmpfloat_with_epsilon (g->neuron_values[0][u * 100 + cell], h1[u], 1e-5);
    }

  /* The chosen sample, through every layer. */
  g_assert_cmpint (sn->sample_row, ==, 3);
  g_assert_cmpint (sn->sample_label, ==, ds->labels[3]);
  float xs[2] = { (ds->x_f32[6] - shift[0]) * scale[0], (ds->x_f32[7] - shift[1]) * scale[1] };
  g_assert_cmpfloat_with_epsilon (sn->sample_input[0], xs[0], 1e-6);
  g_assert_cmpfloat_with_epsilon (sn->sample_input[1], xs[1], 1e-6);
  double h1[8];
  double p = forward_by_hand (sn, xs, 2, h1);
  g_assert_cmpfloat_with_epsilon (sn->sample_output[0], p, 1e-5);
  g_assert_cmpfloat_with_epsilon (sn->layers[0].sample_output[5], h1[5], 1e-5);
  g_assert_cmpfloat_with_epsilon (1.0 / (1.0 + exp (-sn->layers[2].sample_output[0])), p, 1e-5);

  /* History: one entry every 5 steps. */
  const bp_hist_history *hh = bp_session_hist_history (s);
  g_assert_cmpuint (bp_hist_history_count (hh), ==, 8);
  g_assert_cmpuint (sn->history_count, ==, 8);
  bp_histogram h;
  uint64_t step;
  uint32_t epoch;
  g_assert_true (bp_hist_history_get (hh, 0, 0, BP_HIST_WEIGHTS, &h, &step, &epoch));
  g_assert_cmpuint (step, ==, 5);
  g_assert_cmpuint (epoch, ==, 1);
  g_assert_cmpuint (hist_total (&h), ==, 16);
  g_assert_true (bp_hist_history_get (hh, 7, 2, BP_HIST_ACTIVATIONS, &h, &step, &epoch));
  g_assert_cmpuint (step, ==, 40);
  g_assert_cmpuint (epoch, ==, 2);
  g_assert_cmpuint (h.n, ==, 10);
  g_assert_false (bp_hist_history_get (hh, 8, 0, BP_HIST_WEIGHTS, &h, NULL, NULL));

  /* Held: while we hold it, training and new snapshots go on and ours does not change. */
  uint64_t seq = sn->seq;
  float *copy = g_memdup2 (g->values, 2500 * sizeof (float));
  bp_session_play (s);
  while (bp_session_get_step (s) < 2000)
    g_usleep (1000);
  g_usleep (80000);
  g_assert_cmpuint (sn->seq, ==, seq);
  g_assert_cmpmem (copy, 2500 * sizeof (float), g->values, 2500 * sizeof (float));
  /* A newer one is there (at once, unless a loaded machine kept the trainer off the CPU). */
  const bp_snapshot *sn2 = bp_session_snapshot (s, &fresh);
  for (int t = 0; t < 300 && !fresh; t++)
    {
      g_usleep (10000);
      sn2 = bp_session_snapshot (s, &fresh);
    }
  g_assert_true (fresh);
  g_assert_cmpuint (sn2->seq, >, seq);
  g_assert_cmpuint (sn2->step, >, 40);
  g_free (copy);
  bp_session_free (s);
  bp_spec_free (spec);
  bp_split_free (&sp);
  bp_dataset_free (ds);
}

/* Features x1, x2, x1*x2 made by data/feature_map; the grid is still the raw plane. */
static void
plane_map (const float *xy, int n, float *out, void *user)
{
  unsigned maps = GPOINTER_TO_UINT (user);
  for (int i = 0; i < n; i++)
    bp_features_map_point (maps, xy[2 * i], xy[2 * i + 1], out + 3 * i);
}

static void
test_plane_map (void)
{
  unsigned maps = BP_FMAP_X1 | BP_FMAP_X2 | BP_FMAP_X1_X2;
  bp_dataset *raw = fx_blobs (100, 0, 22);
  char err[256] = "";
  bp_dataset *ds = bp_features_map (raw, maps, err, sizeof err);
  g_assert_nonnull (ds);
  bp_split sp = fx_split (150, 50);
  const int units[] = { 8, 8, 1 };
  bp_spec *spec = fx_spec (3, units, 3, BP_ACT_TANH, BP_LOSS_BCE_LOGITS, BP_OPTIM_SGD, 0.1f, 10);
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, spec);
  cfg.plane_map = plane_map;
  cfg.plane_map_user = GUINT_TO_POINTER (maps);
  /* Without bounds a map is refused. */
  g_assert_null (bp_session_new (spec, ds, &sp, NULL, &cfg, err, sizeof err));
  g_assert_nonnull (strstr (err, "bounds"));
  float bounds[4] = { -6, 6, -5, 5 };
  memcpy (cfg.plane, bounds, sizeof bounds);
  bp_session *s = bp_session_new (spec, ds, &sp, NULL, &cfg, err, sizeof err);
  g_assert_nonnull (s);
  bp_session_step (s, 3);
  bp_session_wait (s, 30);
  const bp_snapshot *sn = bp_session_snapshot (s, NULL);
  g_assert_nonnull (sn);
  const bp_grid_snapshot *g = &sn->grid;
  g_assert_true (g->valid);
  g_assert_cmpfloat (g->x_min, ==, -6);
  g_assert_cmpfloat (g->y_max, ==, 5);
  g_assert_cmpint (g->n_inputs, ==, 3);
  int ns = g->neuron_size, cells = ns * ns;
  for (int cell = 0; cell < cells; cell += 101)
    {
      float x1 = -6 + ((float) (cell % ns) + 0.5f) * 12.0f / (float) ns;
      float x2 = -5 + ((float) (cell / ns) + 0.5f) * 10.0f / (float) ns;
      g_assert_cmpfloat_with_epsilon (g->input_values[2 * cells + cell], x1 * x2, 1e-5);
    }
  bp_session_free (s);
  bp_spec_free (spec);
  bp_split_free (&sp);
  bp_dataset_free (ds);
  bp_dataset_free (raw);
}

/* A weight copy when paused: the asked layer, exactly the weights the snapshot carries; the
 * snapshot's reader still gets its snapshot. */
static void
test_weight_copy (void)
{
  fx_rig r;
  fx_rig_prepare (&r, 150, 0, 21, 200, 100, 0.1f);
  r.cfg.history_every = 0;
  bp_session *s = fx_rig_start (&r);
  bool fresh = true;
  g_assert_null (bp_session_weights (s, &fresh));
  g_assert_false (fresh);
  bp_session_step (s, 7);
  g_assert_cmpint (fx_wait (s), ==, BP_SESSION_PAUSED);
  const bp_snapshot *sn = bp_session_snapshot (s, NULL);
  g_assert_nonnull (sn);
  g_assert_true (sn->small_dense);

  bp_session_request_weights (s, 1);
  g_assert_cmpint (fx_wait (s), ==, BP_SESSION_PAUSED);
  const bp_weights_snapshot *w = bp_session_weights (s, &fresh);
  g_assert_nonnull (w);
  g_assert_true (fresh);
  g_assert_cmpuint (w->step, ==, 7);
  g_assert_cmpuint (w->run, ==, 1);
  g_assert_cmpint (w->n_dense, ==, 3);
  g_assert_cmpstr (w->dense[2].name, ==, "dense_3");
  g_assert_cmpint (w->dense[2].layer, ==, 2);
  g_assert_cmpint (w->dense_index, ==, 1);
  g_assert_cmpint (w->dense[1].out, ==, 8);
  g_assert_cmpint (w->dense[1].in, ==, 8);
  g_assert_cmpint (w->dense[1].activation, ==, BP_ACT_TANH);
  g_assert_cmpmem (w->weights, 64 * sizeof (float), sn->layers[1].weights, 64 * sizeof (float));
  g_assert_cmpmem (w->biases, 8 * sizeof (float), sn->layers[1].biases, 8 * sizeof (float));
  /* The copy came with a snapshot (the command that woke the trainer): still the page's. */
  bp_session_snapshot (s, &fresh);
  g_assert_true (fresh);
  g_assert_true (bp_session_weights (s, &fresh) == w);
  g_assert_false (fresh);

  /* Not a dense layer's index: the first dense layer. */
  bp_session_request_weights (s, -1);
  fx_wait (s);
  w = bp_session_weights (s, &fresh);
  g_assert_true (fresh);
  g_assert_cmpint (w->dense_index, ==, 0);
  g_assert_cmpint (w->dense[0].in, ==, 2);
  sn = bp_session_snapshot (s, NULL);
  g_assert_cmpmem (w->weights, 16 * sizeof (float), sn->layers[0].weights, 16 * sizeof (float));

  /* While running: served after a step, without a command; the step it shows was done. */
  bp_session_set_limits (s, 0, 100000);
  bp_session_play (s);
  while (bp_session_get_step (s) < 100)
    g_usleep (1000);
  bp_session_request_weights (s, 2);
  fresh = false;
  for (int t = 0; t < 3000 && !fresh; t++)
    {
      w = bp_session_weights (s, &fresh);
      if (!fresh)
        g_usleep (1000);
    }
  g_assert_true (fresh);
  g_assert_cmpint (w->dense_index, ==, 2);
  g_assert_cmpuint (w->step, >=, 100);
  g_assert_cmpuint (w->step, <=, bp_session_get_step (s));
  g_assert_nonnull (w->biases);
  fx_rig_free (&r);
}

static double
median_us (double *v, int n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        double t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[n / 2];
}

/* What one update of a followed run's weight heatmap costs the thread that asks (the UI
 * thread), on a 2-256-256-1 net training: before, the weights saved and read back (waits for
 * the step in progress); now, a request and taking the copy. Reported, not asserted: times. */
static void
test_weight_copy_cost (void)
{
  fx_rig r;
  const int units[] = { 256, 256, 1 };
  fx_rig_prepare (&r, 150, 0, 21, 200, 100, 0.01f);
  bp_spec_free (r.spec);
  r.spec = fx_spec (2, units, 3, BP_ACT_RELU, BP_LOSS_BCE_LOGITS, BP_OPTIM_ADAM, 1e-3f, 64);
  bp_session_config_defaults (&r.cfg, r.spec);
  r.cfg.history_every = 0;
  r.cfg.snapshots.interval_s = 1.0;
  bp_session *s = fx_rig_start (&r);
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "test-weight-copy.safetensors",
                                            NULL);
  enum { N = 15 };
  double save[N], copy[N];
  char err[256];
  bp_session_play (s);
  while (bp_session_get_step (s) < 20)
    g_usleep (1000);
  for (int i = 0; i < N; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_assert_cmpint (bp_session_save_weights (s, path, err, sizeof err), ==, 0);
      bp_safetensors *st = bp_safetensors_read (path, err, sizeof err);
      save[i] = (double) (g_get_monotonic_time () - t0);
      g_assert_nonnull (st);
      bp_safetensors_free (st);
      g_unlink (path);

      bool fresh = false;
      double spent = 0;
      t0 = g_get_monotonic_time ();
      bp_session_request_weights (s, 1);
      spent += (double) (g_get_monotonic_time () - t0);
      for (int t = 0; t < 5000 && !fresh; t++)
        {
          t0 = g_get_monotonic_time ();
          const bp_weights_snapshot *w = bp_session_weights (s, &fresh);
          float *m = fresh ? g_memdup2 (w->weights, sizeof (float) * 256 * 256) : NULL;
          spent += (double) (g_get_monotonic_time () - t0);
          g_free (m);
          if (!fresh)
            g_usleep (500);
        }
      g_assert_true (fresh);
      copy[i] = spent;
    }
  g_test_message ("a followed layer's weights (256 x 256), cost to the asking thread, median of "
                  "%d: saved and read back %.0f us; copied by the trainer %.0f us",
                  N, median_us (save, N), median_us (copy, N));
  fx_rig_free (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session-snapshot/contents", test_snapshot);
  g_test_add_func ("/session-snapshot/plane-map", test_plane_map);
  g_test_add_func ("/session-snapshot/weight-copy", test_weight_copy);
  g_test_add_func ("/session-snapshot/weight-copy-cost", test_weight_copy_cost);
  return g_test_run ();
}
