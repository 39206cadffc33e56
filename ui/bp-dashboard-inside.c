/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the network, on the dashboard: the histogram history of the chosen layer and tensor
 * (read lock-free from the session as it grows), and the chosen dense layer's weights from the
 * latest copy of the network, with its share of dead ReLU units. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-window.h"

#include <math.h>
#include <stdlib.h>

#define HIST_EVERY_US G_USEC_PER_SEC

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

static void
on_weight_layer (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
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

/* A layer's name: from our network, else its place. */
static char *
layer_name (BpDashboard *self, int layer)
{
  const char *name = bp_dashboard_training_get_layer_name (self->training, layer);

  return name != NULL ? g_strdup (name) : g_strdup_printf ("layer %d", layer + 1);
}

void
_bp_dashboard_inside_update (BpDashboard *self, gboolean live)
{
  const bp_hist_history *h = current_history (self);
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);
  int n_layers = h != NULL ? bp_hist_history_n_layers (h) : 0;
  guint layer, tensor;
  guint64 count;

  if (n_layers != self->n_layers_listed)
    {
      g_auto (GStrv) names = g_new0 (char *, n_layers + 1);

      for (int i = 0; i < n_layers; i++)
        names[i] = layer_name (self, i);
      self->n_layers_listed = n_layers;
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

void
_bp_dashboard_inside_model (BpDashboard *self)
{
  BpModelView *m = self->model;
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
