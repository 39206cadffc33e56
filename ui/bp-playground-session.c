/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's side of engine/session.h: building the spec from the controls, starting
 * sessions, and reading the metric log and snapshots from a frame-clock tick that runs only
 * while the session has something to show. */
#include "bp-config.h"

#include "bp-playground-private.h"

#include <math.h>

#define EPOCH_READ_CHUNK 256
#define TEXT_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)
#define COUNTERS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
/* Stale parts of the network view (a part of a layer's links, ~1 ms of cairo, or a column of
 * thumbnails) redrawn in a frame given to the network while training. */
#define NETWORK_UNITS_PER_FRAME 2
#define PLAY_ACK_US (2 * G_TIME_SPAN_SECOND)

void
_bp_pg_set_running_flag (BpPlayground *self, gboolean running)
{
  running = !!running;
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), _bp_pg_properties[BP_PG_PROP_RUNNING]);
}

static void
set_error (BpPlayground *self, const char *message)
{
  /* Errors name a file or a count and run long: the banner shows them whole. */
  _bp_pg_show_error (self, message);
}

static void
set_counters (BpPlayground *self, gint64 epoch, gint64 step, double sps)
{
  if (self->epoch != epoch)
    {
      self->epoch = epoch;
      g_object_notify_by_pspec (G_OBJECT (self), _bp_pg_properties[BP_PG_PROP_EPOCH]);
    }
  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), _bp_pg_properties[BP_PG_PROP_STEP]);
    }
  if (self->samples_per_second != sps)
    {
      self->samples_per_second = sps;
      g_object_notify_by_pspec (G_OBJECT (self),
                                _bp_pg_properties[BP_PG_PROP_SAMPLES_PER_SECOND]);
    }
}

static void
update_stats_label (BpPlayground *self)
{
  g_autoptr (GString) s = g_string_new (NULL);

  self->stats_dirty = FALSE;
  if (isnan (self->train_loss))
    {
      gtk_label_set_markup (self->stats_label, "<span alpha='70%'>Press Space to train</span>");
      return;
    }
  g_string_append_printf (s, "Test loss <b>%.3f</b>   Training loss <b>%.3f</b>", self->test_loss,
                          self->train_loss);
  if (!isnan (self->test_acc))
    g_string_append_printf (s, "   Accuracy <b>%.0f%%</b>", 100 * self->test_acc);
  gtk_label_set_markup (self->stats_label, s->str);
}

/* ---- building ---- */

static bp_loss_kind
loss_for_data (BpPgData *d, int *n_outputs)
{
  if (d->task == BP_TASK_REGRESSION)
    {
      *n_outputs = 1;
      return BP_LOSS_MSE;
    }
  if (d->n_classes <= 2)
    {
      *n_outputs = 1;
      return BP_LOSS_BCE_LOGITS;
    }
  *n_outputs = d->n_classes;
  return BP_LOSS_CROSS_ENTROPY;
}

static void
optim_for (const BpHyperSettings *h, bp_optim_cfg *o)
{
  switch (h->optimizer)
    {
    case BP_PG_OPTIM_MOMENTUM:
      bp_optim_cfg_defaults (o, BP_OPTIM_SGD);
      o->momentum = 0.9f;
      break;
    case BP_PG_OPTIM_ADAM:
      bp_optim_cfg_defaults (o, BP_OPTIM_ADAM);
      break;
    case BP_PG_OPTIM_RMSPROP:
      bp_optim_cfg_defaults (o, BP_OPTIM_RMSPROP);
      break;
    case BP_PG_OPTIM_SGD:
    default:
      bp_optim_cfg_defaults (o, BP_OPTIM_SGD);
      break;
    }
  o->lr = (float) h->learning_rate;
}

/* Fills spec (layers has room for BP_NV_MAX_HIDDEN_LAYERS + 1). */
static void
build_spec (BpPlayground *self, bp_spec *spec, bp_layer_spec *layers)
{
  int n_out, n_in = self->data->ds->n_features;
  float l1 = self->hyper.regularization == BP_PG_REG_L1 ? (float) self->hyper.reg_rate : 0.f;
  float l2 = self->hyper.regularization == BP_PG_REG_L2 ? (float) self->hyper.reg_rate : 0.f;

  memset (spec, 0, sizeof *spec);
  spec->loss = loss_for_data (self->data, &n_out);
  for (int i = 0; i <= self->n_hidden; i++)
    {
      bp_layer_spec *ls = &layers[i];

      bp_layer_spec_defaults (ls, BP_LAYER_DENSE);
      if (i < self->n_hidden)
        {
          g_snprintf (ls->name, sizeof ls->name, "hidden%d", i + 1);
          ls->u.dense.units = self->hidden[i];
          ls->u.dense.activation = self->activations[i];
        }
      else
        {
          g_strlcpy (ls->name, "output", sizeof ls->name);
          ls->u.dense.units = n_out;
          ls->u.dense.activation = BP_ACT_LINEAR;
        }
      ls->l1 = l1;
      ls->l2 = l2;
    }
  spec->input = bp_shape_vec (n_in);
  spec->n_layers = self->n_hidden + 1;
  spec->layers = layers;
  spec->huber_delta = 1.0f;
  optim_for (&self->hyper, &spec->optim);
  spec->batch_size = self->batch_size;
  spec->epochs = 0;
  spec->seed = self->data->params.seed;
}

static void
show_layout (BpPlayground *self)
{
  int sizes[BP_NETWORK_VIEW_MAX_COLUMNS];
  const char *names[BP_N_FEATURES];
  int n_out, n = 0;

  loss_for_data (self->data, &n_out);
  for (int f = 0; f < BP_N_FEATURES; f++)
    if (self->data->features & BP_FEATURE_BIT (f))
      names[n++] = bp_feature_label (f);
  sizes[0] = n;
  for (int i = 0; i < self->n_hidden; i++)
    sizes[i + 1] = self->hidden[i];
  sizes[self->n_hidden + 1] = n_out;
  bp_network_view_set_layout (self->network_view, self->n_hidden + 2, sizes, names);
  for (int i = 0; i < self->n_hidden; i++)
    bp_network_view_set_column_caption (self->network_view, i + 1,
                                        bp_act_name (self->activations[i]));
  bp_network_view_set_column_caption (self->network_view, self->n_hidden + 1,
                                      self->loss == BP_LOSS_MSE ? "linear"
                                      : self->loss == BP_LOSS_CROSS_ENTROPY ? "softmax"
                                                                            : "sigmoid");
  bp_network_view_set_show_dead (self->network_view,
                                 self->hyper.regularization == BP_PG_REG_L1);
}

static void
clear_run_views (BpPlayground *self)
{
  bp_loss_chart_clear (self->loss_chart);
  self->epochs_read = 0;
  self->train_loss = self->test_loss = self->train_acc = self->test_acc = NAN;
  update_stats_label (self);
}

void
_bp_pg_play (BpPlayground *self)
{
  bp_session_play (self->session);
  self->play_time = g_get_monotonic_time ();
}

/* A pause the trainer may have reported before it took the last play command. */
static gboolean
play_not_taken_yet (BpPlayground *self, const bp_session_status *st)
{
  return st->state == BP_SESSION_PAUSED
         && (st->reason == BP_REASON_NONE || st->reason == BP_REASON_PAUSED
             || st->reason == BP_REASON_STEPS_DONE)
         && g_get_monotonic_time () - self->play_time < PLAY_ACK_US;
}

void
_bp_pg_free_session (BpPlayground *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  self->snap = NULL; /* the session's */
  self->output_pending = self->network_pending = FALSE;
  g_clear_pointer (&self->session, bp_session_free);
}

static gboolean
start_session (BpPlayground *self, gboolean was_running)
{
  bp_spec spec;
  bp_layer_spec layers[BP_NV_MAX_HIDDEN_LAYERS + 1];
  bp_session_config cfg;
  char err[256] = "";

  build_spec (self, &spec, layers);
  self->loss = spec.loss;
  bp_session_config_defaults (&cfg, &spec);
  cfg.max_epochs = 0;
  cfg.plane_map = bp_pg_features_map;
  cfg.plane_map_user = &self->data->features;
  memcpy (cfg.plane, self->data->plane, sizeof cfg.plane);
  cfg.snapshots.histograms = false; /* the playground draws none */
  cfg.history_every = 0;

  self->session = bp_session_new (&spec, self->data->ds, &self->data->split,
                                  &self->data->scaler, &cfg, err, sizeof err);
  self->log_run = 0;
  self->snapshot_run = self->snapshot_step = 0;
  self->run_target = self->steps_target = 0;
  clear_run_views (self);
  set_counters (self, 0, 0, 0);
  show_layout (self);
  if (self->session == NULL)
    {
      set_error (self, err);
      _bp_pg_set_running_flag (self, FALSE);
      return FALSE;
    }
  _bp_pg_apply_live (self);
  bp_session_request_snapshot (self->session);
  if (was_running)
    _bp_pg_play (self);
  _bp_pg_set_running_flag (self, was_running);
  _bp_pg_watch (self);
  return TRUE;
}

gboolean
_bp_pg_new_session (BpPlayground *self, gboolean regenerate)
{
  g_autoptr (GError) error = NULL;
  gboolean was_running = self->running;
  gboolean ok;

  _bp_pg_free_session (self);
  if (regenerate)
    ok = bp_pg_data_generate (self->data, &self->data->params, &error);
  else
    ok = bp_pg_data_build (self->data, &error);
  bp_heatmap_set_points (self->heatmap, (const BpHeatmapPoint *) (gpointer) self->data->points->data,
                         self->data->points->len);
  bp_heatmap_set_grid (self->heatmap, NULL, 0, 0, BP_GRID_SIGNED, 1);
  bp_heatmap_set_bounds (self->heatmap, self->data->plane[0], self->data->plane[1],
                         self->data->plane[2], self->data->plane[3]);
  _bp_pg_update_discretize (self);
  bp_data_panel_set_add_choices (self->data_panel,
                                 self->data->task == BP_TASK_CLASSIFICATION ? self->data->n_classes
                                                                           : 0);
  if (!ok)
    {
      set_error (self, error->message);
      _bp_pg_set_running_flag (self, FALSE);
      return FALSE;
    }
  return start_session (self, was_running);
}

gboolean
_bp_pg_rebuild_network (BpPlayground *self)
{
  bp_spec spec;
  bp_layer_spec layers[BP_NV_MAX_HIDDEN_LAYERS + 1];
  char err[256] = "";

  if (self->session == NULL || !self->data->built)
    return _bp_pg_new_session (self, FALSE);
  build_spec (self, &spec, layers);
  self->run_target = bp_session_run (self->session) + 1;
  self->steps_target = 0;
  if (bp_session_rebuild (self->session, &spec, self->data->params.seed, err, sizeof err) != 0)
    {
      set_error (self, err);
      return FALSE;
    }
  self->loss = spec.loss;
  show_layout (self);
  clear_run_views (self);
  _bp_pg_apply_live (self);
  /* A new network starts paused; carry on if training was running. */
  if (self->running)
    _bp_pg_play (self);
  _bp_pg_watch (self);
  return TRUE;
}

void
_bp_pg_apply_live (BpPlayground *self)
{
  char err[256] = "";
  double l1 = self->hyper.regularization == BP_PG_REG_L1 ? self->hyper.reg_rate : 0;
  double l2 = self->hyper.regularization == BP_PG_REG_L2 ? self->hyper.reg_rate : 0;

  if (self->session == NULL)
    return;
  if (bp_session_set_hparam (self->session, BP_HPARAM_LR, self->hyper.learning_rate, err,
                             sizeof err) != 0
      || bp_session_set_hparam (self->session, BP_HPARAM_L1, l1, err, sizeof err) != 0
      || bp_session_set_hparam (self->session, BP_HPARAM_L2, l2, err, sizeof err) != 0
      || bp_session_set_hparam (self->session, BP_HPARAM_BATCH_SIZE, self->batch_size, err,
                                sizeof err) != 0)
    set_error (self, err);
  bp_network_view_set_show_dead (self->network_view,
                                 self->hyper.regularization == BP_PG_REG_L1);
  bp_session_request_snapshot (self->session);
  _bp_pg_watch (self);
}

void
_bp_pg_set_weight (BpPlayground *self, int layer, int out, int in, double value)
{
  char err[256] = "";

  if (self->session == NULL)
    return;
  if (bp_session_set_weight (self->session, layer, out, in, (float) value, err, sizeof err) != 0)
    {
      set_error (self, err);
      return;
    }
  bp_session_request_snapshot (self->session);
  _bp_pg_watch (self);
}

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
      clear_run_views (self);
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
          update_stats_label (self);
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
      set_counters (self, st->epoch, (gint64) st->step, shown_rate (st));
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

  if (st.state == BP_SESSION_RUNNING || (self->running && play_not_taken_yet (self, &st)))
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
