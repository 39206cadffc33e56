/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the network, on the dashboard: the histogram history of the chosen layer and tensor
 * (read lock-free from the session as it grows; a followed run's from its session). The
 * chosen dense layer's weights, next to it, are in bp-dashboard-weights.c. */
#include "bp-config.h"

#include "bp-dashboard-inside-private.h"

#include "bp-window.h"

#include <stdlib.h>

#define HIST_EVERY_US G_USEC_PER_SEC

static const bp_hist_tensor tensors[] = { BP_HIST_WEIGHTS, BP_HIST_BIASES, BP_HIST_WEIGHT_GRADS,
                                          BP_HIST_BIAS_GRADS, BP_HIST_ACTIVATIONS };

void
_bp_dashboard_inside_set_names (GtkDropDown *drop, const char *const *names)
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
  _bp_dashboard_inside_weights_init (self);
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
  BpFollowedWeights *follow;

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
        _bp_dashboard_inside_follow_weights (self, FALSE);
      else if (self->model == NULL)
        _bp_dashboard_inside_show_weights (self, NULL);
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
      _bp_dashboard_inside_set_names (self->hist_layer_drop, (const char *const *) names);
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
