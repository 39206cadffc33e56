/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the network, on the dashboard: the histogram history of the chosen layer and tensor
 * (read lock-free from the session as it grows), and the chosen dense layer's weights from the
 * latest copy of the network, with its share of dead ReLU units.
 *
 * A followed run (the Builder's or the Playground's) has no copies of its own: the session
 * belongs to its page, which may free it between two frames, so no worker may wait on it.
 * Its trainer copies the dense layer on screen between two steps when asked (engine/session.h
 * bp_session_request_weights); the UI thread takes the finished copy (a memcpy of one matrix,
 * tens of microseconds) and never waits for a step. Only the matrices: the dead-unit share
 * needs the run's data, which stay with its page. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_EVERY_US G_USEC_PER_SEC
#define FOLLOW_WEIGHTS_EVERY_US (3 * G_USEC_PER_SEC)
#define FOLLOW_PENDING_US G_USEC_PER_SEC
#define FOLLOW_KEY "bp-dashboard-inside-follow"

/* The copy of a followed run's weights, kept on the dashboard object (freed with it). */
typedef struct {
  BpModelView *view;
  const void *identity; /* the session it came from (compared, never dereferenced) */
  guint64 run, step;    /* of the copy taken last */
  gint64 us;            /* when the last copy was asked for */
  gint64 asked_us;      /* when the copy not yet taken was asked for; 0: none */
  gboolean named;       /* the histogram layers were listed with the copy's names */
} Follow;

static void
follow_free (gpointer data)
{
  Follow *f = data;

  g_clear_pointer (&f->view, bp_model_view_unref);
  g_free (f);
}

static const bp_hist_tensor tensors[] = { BP_HIST_WEIGHTS, BP_HIST_BIASES, BP_HIST_WEIGHT_GRADS,
                                          BP_HIST_BIAS_GRADS, BP_HIST_ACTIVATIONS };

static void
set_names (GtkDropDown *drop, const char *const *names)
{
  guint selected = gtk_drop_down_get_selected (drop);
  g_autoptr (GtkStringList) list = gtk_string_list_new (names);

  gtk_drop_down_set_model (drop, G_LIST_MODEL (list));
  if (selected != GTK_INVALID_LIST_POSITION
      && selected < g_list_model_get_n_items (G_LIST_MODEL (list)))
    gtk_drop_down_set_selected (drop, selected);
}

static void
restart_histograms (BpDashboard *self)
{
  self->hist_fed = 0;
  self->hist_run = 0; /* makes the next update refill */
  bp_histogram_view_clear (self->hist_view);
  _bp_dashboard_inside_update (self, FALSE);
}

static void
on_hist_choice (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  restart_histograms (self);
}

static void
on_mode (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  bp_histogram_view_set_mode (self->hist_view,
                              (BpHistogramMode) gtk_drop_down_get_selected (self->hist_mode_drop));
}

static void
on_bins (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  GObject *item = gtk_drop_down_get_selected_item (self->bins_drop);

  if (item != NULL)
    bp_histogram_view_set_bins (self->hist_view,
                                atoi (gtk_string_object_get_string (GTK_STRING_OBJECT (item))));
}

static guint64
entry_step (GtkEntry *entry)
{
  return g_ascii_strtoull (gtk_editable_get_text (GTK_EDITABLE (entry)), NULL, 10);
}

static void
on_range (GtkEditable *entry, BpDashboard *self)
{
  bp_histogram_view_set_step_range (self->hist_view, entry_step (self->from_entry),
                                    entry_step (self->to_entry));
}

static void show_weights (BpDashboard *self, BpModelView *m);
static void follow_weights (BpDashboard *self, gboolean now);

static void
on_weight_layer (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  /* A followed run's copy holds one layer: ask its trainer for the one picked, shown when
   * it comes (the layer on screen stays until then). */
  if (!bp_dashboard_training_has_session (self->training) && self->model == NULL)
    follow_weights (self, TRUE);
  else
    _bp_dashboard_inside_model (self);
}

void
_bp_dashboard_inside_init (BpDashboard *self)
{
  g_signal_connect (self->hist_layer_drop, "notify::selected", G_CALLBACK (on_hist_choice), self);
  g_signal_connect (self->hist_tensor_drop, "notify::selected", G_CALLBACK (on_hist_choice),
                    self);
  g_signal_connect (self->hist_mode_drop, "notify::selected", G_CALLBACK (on_mode), self);
  g_signal_connect (self->bins_drop, "notify::selected", G_CALLBACK (on_bins), self);
  g_signal_connect (self->from_entry, "changed", G_CALLBACK (on_range), self);
  g_signal_connect (self->to_entry, "changed", G_CALLBACK (on_range), self);
  g_signal_connect (self->weight_layer_drop, "notify::selected", G_CALLBACK (on_weight_layer),
                    self);
  g_object_bind_property (self->hinton_check, "active", self->weight_map, "hinton",
                          G_BINDING_SYNC_CREATE);
  gtk_drop_down_set_selected (self->bins_drop, 2); /* 30, as recorded */
  on_bins (NULL, NULL, self);
}

/* The histogram history on view: our run's, else that of the run we follow (the builder's
 * sessions record one; the playground's do not). The followed session is asked for afresh
 * each time: its owner may free it between two frames. */
static const bp_hist_history *
current_history (BpDashboard *self)
{
  const bp_hist_history *h = bp_dashboard_training_get_history (self->training);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  bp_session *followed;

  if (h != NULL || !bp_dashboard_training_is_following (self->training) || !BP_IS_WINDOW (root))
    return h;
  followed = bp_window_get_followed_session (BP_WINDOW (root), NULL);
  return followed != NULL ? bp_session_hist_history (followed) : NULL;
}

/* A layer's name: from our network, else from the followed run's weight copy (its dense
 * layers), else its place. */
static char *
layer_name (BpDashboard *self, int layer)
{
  const char *name = bp_dashboard_training_get_layer_name (self->training, layer);
  BpModelView *followed = _bp_dashboard_inside_followed_weights (self);

  for (int i = 0; name == NULL && followed != NULL && i < followed->n_dense; i++)
    if (followed->dense[i].index == layer)
      name = followed->dense[i].name;
  return name != NULL ? g_strdup (name) : g_strdup_printf ("layer %d", layer + 1);
}

void
_bp_dashboard_inside_update (BpDashboard *self, gboolean live)
{
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);
  const bp_hist_history *h;
  int n_layers;
  guint layer, tensor;
  guint64 count;
  Follow *follow;

  /* Another run: what the view holds is the run before's (a new session's runs count from 1
   * again, so the run number alone does not tell). */
  if (_bp_dashboard_runs_track_current (self))
    {
      bp_histogram_view_clear (self->hist_view);
      self->hist_run = 0;
      self->hist_fed = 0;
    }
  if (!bp_dashboard_training_has_session (self->training))
    {
      /* A followed run deleted while it trained shows no more (see delete_run). */
      if (bp_dashboard_training_is_following (self->training))
        follow_weights (self, FALSE);
      else if (self->model == NULL)
        show_weights (self, NULL);
    }
  h = current_history (self);
  n_layers = h != NULL ? bp_hist_history_n_layers (h) : 0;

  /* A followed run's layers get their names with its first weight copy: list them again. */
  follow = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);
  if (n_layers != self->n_layers_listed
      || (follow != NULL && !follow->named && follow->view != NULL))
    {
      g_auto (GStrv) names = g_new0 (char *, n_layers + 1);

      for (int i = 0; i < n_layers; i++)
        names[i] = layer_name (self, i);
      self->n_layers_listed = n_layers;
      if (follow != NULL)
        follow->named = follow->view != NULL;
      set_names (self->hist_layer_drop, (const char *const *) names);
    }
  if (h == NULL)
    {
      if (bp_histogram_view_get_n_entries (self->hist_view) > 0)
        bp_histogram_view_clear (self->hist_view);
      self->hist_run = 0;
      return;
    }
  layer = gtk_drop_down_get_selected (self->hist_layer_drop);
  tensor = MIN (gtk_drop_down_get_selected (self->hist_tensor_drop), G_N_ELEMENTS (tensors) - 1);
  if (layer == GTK_INVALID_LIST_POSITION || (int) layer >= n_layers)
    return;
  if (st->run != self->hist_run || (int) layer != self->hist_layer
      || tensors[tensor] != self->hist_tensor)
    {
      g_autofree char *name = layer_name (self, (int) layer);
      g_autofree char *title = g_strdup_printf ("%s · %s", name,
                                                bp_hist_tensor_name (tensors[tensor]));

      bp_histogram_view_clear (self->hist_view);
      bp_histogram_view_set_title (self->hist_view, title);
      self->hist_run = st->run;
      self->hist_layer = (int) layer;
      self->hist_tensor = tensors[tensor];
      self->hist_fed = 0;
    }
  count = bp_hist_history_count (h);
  /* A fast trainer records several histograms a second; redrawing the ridges for each one
   * would cost more than the rest of the page (measured), and a second is live enough. */
  if (live && self->hist_fed > 0 && count > self->hist_fed
      && g_get_monotonic_time () - self->hist_fed_us < HIST_EVERY_US)
    return;
  self->hist_fed_us = g_get_monotonic_time ();
  for (; self->hist_fed < count; self->hist_fed++)
    {
      bp_histogram hist;
      uint64_t step;

      if (bp_hist_history_get (h, self->hist_fed, self->hist_layer, self->hist_tensor, &hist, &step,
                               NULL))
        bp_histogram_view_append (self->hist_view, step, &hist);
    }
}

/* A copy the trainer made (one dense layer's weights) as a view of the net's dense matrices,
 * the copied one with its weights, the others without. One block holds the views and the
 * matrix, so the view's own free lets both go. */
static BpModelView *
view_of_copy (const bp_weights_snapshot *w)
{
  const bp_dense_info *c = &w->dense[w->dense_index];
  gsize nw = (gsize) c->out * c->in, head = sizeof (BpDenseView) * (gsize) w->n_dense;
  BpModelView *v = g_atomic_rc_box_new0 (BpModelView);
  float *matrix;

  v->step = w->step;
  v->n_dense = w->n_dense;
  v->dense = g_malloc0 (head + sizeof (float) * nw);
  matrix = (float *) (gpointer) ((char *) v->dense + head); /* aligned: views hold doubles */
  memcpy (matrix, w->weights, sizeof (float) * nw);
  for (int i = 0; i < w->n_dense; i++)
    {
      BpDenseView *d = &v->dense[i];

      g_strlcpy (d->name, w->dense[i].name, sizeof d->name);
      d->index = w->dense[i].layer;
      d->out = w->dense[i].out;
      d->in = w->dense[i].in;
      d->activation = w->dense[i].activation;
      d->weight = i == w->dense_index ? matrix : NULL;
      d->dead_share = NAN;
    }
  return v;
}

/* The layer the weight list has selected, as its index in the net; -1 (the trainer's first
 * dense layer) before a list. */
static int
selected_layer (BpDashboard *self, BpModelView *v)
{
  guint sel = gtk_drop_down_get_selected (self->weight_layer_drop);

  if (v == NULL || v->n_dense == 0)
    return -1;
  return v->dense[sel < (guint) v->n_dense ? sel : 0].index;
}

/* A followed run: its weights come from the trainer, which copies the layer asked for
 * between two steps (bp_session_request_weights); here we only ask and take the finished copy
 * when it is there, so the UI thread never waits for a step. A copy is asked while the
 * weights are on screen: at once when the run is paused or over and shows a step we have not
 * shown, every few seconds while it trains, and when another layer is picked (now). */
static void
follow_weights (BpDashboard *self, gboolean now)
{
  Follow *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  bp_session *s = BP_IS_WINDOW (root) ? bp_window_get_followed_session (BP_WINDOW (root), NULL)
                                      : NULL;
  const void *identity = s != NULL ? bp_session_metric_log_of_run (s, 1) : NULL;
  gint64 t0 = g_get_monotonic_time ();
  const bp_weights_snapshot *w;
  bool fresh = false;
  bp_session_status st;

  if (f == NULL)
    {
      f = g_new0 (Follow, 1);
      g_object_set_data_full (G_OBJECT (self), FOLLOW_KEY, f, follow_free);
    }
  if (identity != f->identity)
    {
      g_clear_pointer (&f->view, bp_model_view_unref);
      f->identity = identity;
      f->run = f->step = 0;
      f->us = f->asked_us = 0;
      f->named = FALSE;
      show_weights (self, NULL);
    }
  if (s == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self->weight_map)))
    return;
  w = bp_session_weights (s, &fresh);
  if (fresh && w != NULL)
    {
      f->asked_us = 0;
      f->run = w->run;
      f->step = w->step;
    }
  if (fresh && w != NULL && w->dense_index >= 0)
    {
      BpModelView *v = view_of_copy (w);
      gboolean first = f->view == NULL;
      gint64 t1 = g_get_monotonic_time ();

      g_clear_pointer (&f->view, bp_model_view_unref);
      f->view = v;
      /* A copy of another layer than the one picked since (or, the first time, than the one
       * the list had picked): list the layers, ask for the right one. */
      if (first || v->dense[w->dense_index].index == selected_layer (self, v))
        show_weights (self, v);
      if (v->dense[w->dense_index].index != selected_layer (self, v))
        now = TRUE;
      g_debug ("dashboard: a followed run's weights (%d x %d, %s) taken on the UI thread in "
               "%.3f ms, shown in %.3f ms", w->dense[w->dense_index].out,
               w->dense[w->dense_index].in, bp_session_state_name (bp_session_get_state (s)),
               (t1 - t0) / 1000.0, (g_get_monotonic_time () - t1) / 1000.0);
    }
  bp_session_get_status (s, &st);
  if (st.step == 0)
    return;
  /* One request at a time; one that went unanswered for a second (a session that stopped
   * serving, e.g. replaced) is asked again. */
  if (f->asked_us != 0 && t0 - f->asked_us < FOLLOW_PENDING_US)
    return;
  if (!now && ((st.run == f->run && st.step == f->step)
               || (st.state == BP_SESSION_RUNNING && t0 - f->us < FOLLOW_WEIGHTS_EVERY_US)))
    return;
  bp_session_request_weights (s, selected_layer (self, f->view));
  f->asked_us = f->us = t0;
}

BpModelView *
_bp_dashboard_inside_followed_weights (BpDashboard *self)
{
  Follow *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);

  return f != NULL ? f->view : NULL;
}

void
_bp_dashboard_inside_model (BpDashboard *self)
{
  show_weights (self, self->model);
}

static void
show_weights (BpDashboard *self, BpModelView *m)
{
  guint sel;
  const BpDenseView *d;
  char text[128];

  if (m == NULL || m->n_dense == 0)
    {
      bp_weight_heatmap_set_matrix (self->weight_map, NULL, 0, 0);
      gtk_label_set_text (self->dead_label, "");
      return;
    }
  if (m->n_dense != self->dense_listed)
    {
      g_autofree const char **names = g_new0 (const char *, m->n_dense + 1);

      for (int i = 0; i < m->n_dense; i++)
        names[i] = m->dense[i].name;
      self->dense_listed = m->n_dense;
      g_signal_handlers_block_by_func (self->weight_layer_drop, on_weight_layer, self);
      set_names (self->weight_layer_drop, names);
      g_signal_handlers_unblock_by_func (self->weight_layer_drop, on_weight_layer, self);
    }
  sel = gtk_drop_down_get_selected (self->weight_layer_drop);
  d = &m->dense[sel < (guint) m->n_dense ? sel : 0];
  bp_weight_heatmap_set_matrix (self->weight_map, d->weight, d->out, d->in);
  bp_weight_heatmap_set_dead (self->weight_map, d->dead, d->out);
  if (isfinite (d->dead_share))
    g_snprintf (text, sizeof text, "dead ReLU units: %d of %d (%.1f %%) · step %" G_GUINT64_FORMAT,
                (int) lround (d->dead_share * d->out), d->out, 100 * d->dead_share, m->step);
  else
    g_snprintf (text, sizeof text, "%s · step %" G_GUINT64_FORMAT, bp_act_name (d->activation),
                m->step);
  gtk_label_set_text (self->dead_label, text);
}
