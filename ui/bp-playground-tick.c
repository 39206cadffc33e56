/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground reads its session's metric log and snapshots from a frame-clock tick that
 * runs only while the session has something to show, and while training gives each frame to
 * one area of the window (the schedule below). */
#include "bp-config.h"

#include "bp-playground-private.h"

#include <math.h>

#define EPOCH_READ_CHUNK 256
#define TEXT_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)
#define COUNTERS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
/* Stale parts of the network view (a part of a layer's links, ~1 ms of cairo, or a column of
 * thumbnails) redrawn in a frame given to the network while training. */
#define NETWORK_UNITS_PER_FRAME 2

/* ---- reading ---- */

static void
read_epochs (BpPlayground *self)
{
  const bp_metric_log *log = bp_session_metric_log (self->session);
  guint64 run = bp_session_run (self->session);
  bp_epoch_record recs[EPOCH_READ_CHUNK];
  size_t n;

  if (run != self->log_run)
    {
      /* A reset or rebuild began a new run: its curve starts from nothing. */
      self->log_run = run;
      _bp_pg_clear_run_views (self);
    }
  if (log == NULL)
    return;
  while ((n = bp_metric_log_read_epochs (log, self->epochs_read, recs, EPOCH_READ_CHUNK)) > 0)
    {
      for (size_t i = 0; i < n; i++)
        bp_loss_chart_append (self->loss_chart, recs[i].epoch, recs[i].train_loss,
                              recs[i].val_loss);
      self->epochs_read += n;
      self->train_loss = recs[n - 1].train_loss;
      self->test_loss = recs[n - 1].val_loss;
      self->train_acc = recs[n - 1].train_acc;
      self->test_acc = recs[n - 1].val_acc;
      self->stats_dirty = TRUE;
    }
}

static BpGridKind
grid_kind (BpPlayground *self)
{
  switch (self->loss)
    {
    case BP_LOSS_BCE_LOGITS: return BP_GRID_PROBABILITY;
    case BP_LOSS_CROSS_ENTROPY: return BP_GRID_CLASSES;
    default: return BP_GRID_SIGNED;
    }
}

/* The output neurons show the model's grid, sampled down to thumbnail size, as signed values
 * (probabilities p become 2p - 1). */
static void
output_thumbnails (BpPlayground *self, const bp_grid_snapshot *g)
{
  int last = bp_network_view_get_n_columns (self->network_view) - 1;
  int n_out = bp_network_view_get_column_size (self->network_view, last);
  int side = MIN (g->size, 32);
  g_autofree float *v = NULL;

  if (n_out != g->n_outputs || side <= 0)
    return;
  v = g_new (float, (size_t) n_out * side * side);
  for (int o = 0; o < n_out; o++)
    for (int i = 0; i < side; i++)
      for (int j = 0; j < side; j++)
        {
          int gi = (int) ((i + 0.5) * g->size / side), gj = (int) ((j + 0.5) * g->size / side);
          float x = g->values[((size_t) gi * g->size + gj) * g->n_outputs + o];

          v[((size_t) o * side + i) * side + j]
            = self->loss == BP_LOSS_MSE ? x / self->data->target_scale : 2 * x - 1;
        }
  bp_network_view_set_thumbnails (self->network_view, last, v, side);
}

/* The output column's part of a snapshot: the decision boundary (and the hovered neuron). */
static void
apply_output (BpPlayground *self, const bp_snapshot *snap)
{
  const bp_grid_snapshot *g = &snap->grid;

  self->output_pending = FALSE;
  if (g->valid && g->values != NULL)
    bp_heatmap_set_grid (self->heatmap, g->values, g->size, g->n_outputs, grid_kind (self),
                         self->data->target_scale);
  _bp_pg_update_overlay (self);
}

/* The network's part: links, biases and thumbnails. */
static void
apply_network (BpPlayground *self, const bp_snapshot *snap)
{
  const bp_grid_snapshot *g = &snap->grid;
  int n_columns = bp_network_view_get_n_columns (self->network_view);

  self->network_pending = FALSE;
  if (snap->n_layers != n_columns - 1)
    return; /* a snapshot of the network before a rebuild */
  for (int l = 0; l < snap->n_layers; l++)
    {
      const bp_layer_snapshot *ls = &snap->layers[l];

      if (ls->in_size != bp_network_view_get_column_size (self->network_view, l)
          || ls->out_size != bp_network_view_get_column_size (self->network_view, l + 1))
        return;
      if (ls->weights != NULL)
        bp_network_view_set_weights (self->network_view, l, ls->weights, ls->biases,
                                     ls->edge_grad);
    }
  if (g->valid && g->neuron_size > 0)
    {
      if (g->input_values != NULL && g->n_inputs == bp_network_view_get_column_size (self->network_view, 0))
        bp_network_view_set_thumbnails (self->network_view, 0, g->input_values, g->neuron_size);
      for (int l = 0; l + 1 < snap->n_layers && g->neuron_values != NULL; l++)
        bp_network_view_set_thumbnails (self->network_view, l + 1, g->neuron_values[l],
                                        g->neuron_values[l] != NULL ? g->neuron_size : 0);
    }
  if (g->valid && g->values != NULL)
    output_thumbnails (self, g);
}

void
_bp_pg_update_overlay (BpPlayground *self)
{
  const float *v;
  int side = 0;
  char caption[64];
  float m = 1;

  v = bp_network_view_get_thumbnail (self->network_view, self->hover_column, self->hover_index,
                                     &side);
  if (v == NULL)
    {
      bp_heatmap_set_overlay (self->heatmap, NULL, 0, 1, NULL);
      return;
    }
  for (int k = 0; k < side * side; k++)
    if (isfinite (v[k]))
      m = MAX (m, fabsf (v[k]));
  if (self->hover_column == 0)
    g_snprintf (caption, sizeof caption, "input %d", self->hover_index + 1);
  else
    g_snprintf (caption, sizeof caption, "layer %d, neuron %d", self->hover_column,
                self->hover_index + 1);
  bp_heatmap_set_overlay (self->heatmap, v, side, m, caption);
}

/* ---- the schedule ----
 * GTK 4.8 draws a frame on X11 in software (the cairo renderer, bp-cpu-share.h): it paints the
 * bounding box of everything that changed in the frame into a scratch image and sends it to
 * the display server, waiting for the copy. The counters (top left), the network (middle)
 * and the output column (right) changed together make that box nearly the whole window.
 * While training, each frame therefore changes one of these areas: the output column (new
 * epochs on the loss chart and its label, a snapshot's decision boundary), the network (the
 * same snapshot's weights and thumbnails, a few stale parts of its drawing) or the counters
 * (ten times a second), in turn, skipping an area with nothing new. The output and the
 * network each change ~30 times a second, at the session's snapshot rate (bench/UI.md). */

enum { AREA_OUTPUT, AREA_NETWORK, AREA_COUNTERS, N_AREAS };

/* A snapshot is shown whole (its output part and its network part, in two frames) before the
 * next is taken: the pointer stays valid until the next read, and the two areas agree. */
static void
take_snapshot (BpPlayground *self, const bp_session_status *st)
{
  const bp_snapshot *snap;
  bool fresh = false;

  if (self->output_pending || self->network_pending)
    return;
  snap = bp_session_snapshot (self->session, &fresh);
  self->snap = snap;
  if (snap != NULL && fresh && snap->run == st->run)
    {
      self->snapshot_run = snap->run;
      self->snapshot_step = snap->step;
      self->output_pending = self->network_pending = TRUE;
    }
}

static gboolean
new_epochs (BpPlayground *self)
{
  const bp_metric_log *log = bp_session_metric_log (self->session);

  return bp_session_run (self->session) != self->log_run
         || (log != NULL && bp_metric_log_n_epochs (log) > self->epochs_read);
}

static double
shown_rate (const bp_session_status *st)
{
  return st->state == BP_SESSION_RUNNING ? st->samples_per_s : 0;
}

static gboolean
area_has_news (BpPlayground *self, int area, const bp_session_status *st, gint64 now)
{
  switch (area)
    {
    case AREA_OUTPUT:
      return self->output_pending || new_epochs (self);
    case AREA_NETWORK:
      return self->network_pending || bp_network_view_refresh (self->network_view, 0);
    default:
      return now - self->counters_time >= COUNTERS_INTERVAL_US
             && (self->epoch != st->epoch || self->step != (gint64) st->step
                 || self->samples_per_second != shown_rate (st));
    }
}

/* all: not training, so not one area a frame: everything now, the text whatever its pace. */
static void
show_area (BpPlayground *self, int area, const bp_session_status *st, gint64 now, gboolean all)
{
  switch (area)
    {
    case AREA_OUTPUT:
      read_epochs (self);
      if (self->output_pending)
        apply_output (self, self->snap);
      /* Text is re-laid out on every change: 20 times a second is live enough for numbers
       * that change thousands of times a second. */
      if (self->stats_dirty && (all || now - self->text_time >= TEXT_INTERVAL_US))
        {
          self->text_time = now;
          _bp_pg_update_stats_label (self);
        }
      break;
    case AREA_NETWORK:
      if (self->network_pending)
        apply_network (self, self->snap);
      bp_network_view_refresh (self->network_view,
                               all ? BP_NETWORK_VIEW_MAX_COLUMNS * (BP_NV_LINK_PARTS + 1)
                                   : NETWORK_UNITS_PER_FRAME);
      break;
    default:
      self->counters_time = now;
      _bp_pg_set_counters (self, st->epoch, (gint64) st->step, shown_rate (st));
      break;
    }
}

static void
show_news (BpPlayground *self, const bp_session_status *st)
{
  gint64 now = g_get_monotonic_time ();

  take_snapshot (self, st);
  if (st->state != BP_SESSION_RUNNING)
    {
      /* The network first: the heatmap's overlay shows a neuron's new thumbnail. */
      show_area (self, AREA_NETWORK, st, now, TRUE);
      show_area (self, AREA_OUTPUT, st, now, TRUE);
      show_area (self, AREA_COUNTERS, st, now, TRUE);
      return;
    }
  for (int k = 0; k < N_AREAS; k++)
    {
      int area = (self->next_area + k) % N_AREAS;

      if (area_has_news (self, area, st, now))
        {
          show_area (self, area, st, now, FALSE);
          self->next_area = (area + 1) % N_AREAS;
          return;
        }
    }
}

static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  BpPlayground *self = BP_PLAYGROUND (widget);
  bp_session_status st;
  gboolean settled, awaiting;

  if (self->session == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  bp_session_get_status (self->session, &st);
  self->run_time = st.time;
  show_news (self, &st);

  if (st.state == BP_SESSION_RUNNING || (self->running && _bp_pg_play_not_taken_yet (self, &st)))
    return G_SOURCE_CONTINUE;

  /* Stopped: say why when it was not asked for. */
  if (self->running)
    {
      _bp_pg_set_running_flag (self, FALSE);
      if (st.state == BP_SESSION_DIVERGED || st.reason == BP_REASON_ERROR
          || st.reason == BP_REASON_LOG_FULL)
        {
          gtk_label_set_text (self->banner_label, st.message[0] ? st.message
                                                                : "Training stopped.");
          gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
        }
      else if (st.message[0])
        _bp_pg_message (self, st.message);
    }
  settled = self->snapshot_run == st.run && self->snapshot_step >= st.step
            && !self->output_pending && !self->network_pending;
  if (self->steps_done != NULL && st.step >= self->steps_target && settled)
    {
      BpPlaygroundStepsDone done = self->steps_done;

      self->steps_done = NULL;
      done (self, self->steps_data);
    }
  /* Commands are applied by the trainer a little later: keep looking for a moment after
   * each one, and for as long as steps or a new run (reset, rebuild) are awaited. */
  awaiting = st.state != BP_SESSION_DIVERGED && st.state != BP_SESSION_FINISHED
             && (st.step < self->steps_target || st.run < self->run_target);
  if (!settled || awaiting || self->steps_done != NULL
      || g_get_monotonic_time () < self->watch_until)
    {
      if (!settled)
        bp_session_request_snapshot (self->session);
      return G_SOURCE_CONTINUE;
    }
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

void
_bp_pg_watch (BpPlayground *self)
{
  self->watch_until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  if (self->tick_id == 0 && self->session != NULL)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick, NULL, NULL);
}
