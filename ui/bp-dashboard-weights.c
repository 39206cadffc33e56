/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the network, on the dashboard: the chosen dense layer's weights from the latest copy
 * of the network, with its share of dead ReLU units. bp-dashboard-inside.c has the histogram
 * history next to it.
 *
 * A followed run (the Builder's or the Playground's) has no copies of its own: the session
 * belongs to its page, which may free it between two frames, so no worker may wait on it.
 * Its trainer copies the dense layer on screen between two steps when asked (engine/session.h
 * bp_session_request_weights); the UI thread takes the finished copy (a memcpy of one matrix,
 * tens of microseconds) and never waits for a step. Only the matrices: the dead-unit share
 * needs the run's data, which stay with its page. */
#include "bp-config.h"

#include "bp-dashboard-inside-private.h"

#include "bp-window.h"

#include <math.h>
#include <string.h>

#define FOLLOW_WEIGHTS_EVERY_US (3 * G_USEC_PER_SEC)
#define FOLLOW_PENDING_US G_USEC_PER_SEC

static void
follow_free (gpointer data)
{
  BpFollowedWeights *f = data;

  g_clear_pointer (&f->view, bp_model_view_unref);
  g_free (f);
}

static void
on_weight_layer (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  /* A followed run's copy holds one layer: ask its trainer for the one picked, shown when
   * it comes (the layer on screen stays until then). */
  if (!bp_dashboard_training_has_session (self->training) && self->model == NULL)
    _bp_dashboard_inside_follow_weights (self, TRUE);
  else
    _bp_dashboard_inside_model (self);
}

void
_bp_dashboard_inside_weights_init (BpDashboard *self)
{
  g_signal_connect (self->weight_layer_drop, "notify::selected", G_CALLBACK (on_weight_layer),
                    self);
  g_object_bind_property (self->hinton_check, "active", self->weight_map, "hinton",
                          G_BINDING_SYNC_CREATE);
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
void
_bp_dashboard_inside_follow_weights (BpDashboard *self, gboolean now)
{
  BpFollowedWeights *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);
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
      f = g_new0 (BpFollowedWeights, 1);
      g_object_set_data_full (G_OBJECT (self), FOLLOW_KEY, f, follow_free);
    }
  if (identity != f->identity)
    {
      g_clear_pointer (&f->view, bp_model_view_unref);
      f->identity = identity;
      f->run = f->step = 0;
      f->us = f->asked_us = 0;
      f->named = FALSE;
      _bp_dashboard_inside_show_weights (self, NULL);
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
        _bp_dashboard_inside_show_weights (self, v);
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
  BpFollowedWeights *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);

  return f != NULL ? f->view : NULL;
}

void
_bp_dashboard_inside_model (BpDashboard *self)
{
  _bp_dashboard_inside_show_weights (self, self->model);
}

void
_bp_dashboard_inside_show_weights (BpDashboard *self, BpModelView *m)
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
      _bp_dashboard_inside_set_names (self->weight_layer_drop, names);
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
