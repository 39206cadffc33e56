/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's side of engine/session.h: building the spec from the controls and starting
 * sessions (bp-playground-tick.c reads them into the views). */
#include "bp-config.h"
#include "bp-cpu-share.h"

#include "bp-playground-private.h"

#include <math.h>

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

void
_bp_pg_set_counters (BpPlayground *self, gint64 epoch, gint64 step, double sps)
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

void
_bp_pg_update_stats_label (BpPlayground *self)
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
  /* The session's validation rows are the playground's test points. */
  if (!isnan (self->test_acc))
    g_string_append_printf (s, "   Test accuracy <b>%.0f%%</b>", 100 * self->test_acc);
  gtk_label_set_markup (self->stats_label, s->str);
  gtk_widget_set_tooltip_text (
    GTK_WIDGET (self->stats_label),
    isnan (self->test_acc)
      ? "After the latest epoch: the loss on the test points (never trained on) and on the "
        "training points"
      : "After the latest epoch: the loss on the test points (never trained on) and on the "
        "training points, and the share of test points put in the right class");
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
  /* A valid spec (it goes into saved weights, which others read back); the playground's session
   * itself trains with no epoch limit (max_epochs 0 below). */
  spec->epochs = 10;
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

void
_bp_pg_clear_run_views (BpPlayground *self)
{
  bp_loss_chart_clear (self->loss_chart);
  self->epochs_read = 0;
  self->train_loss = self->test_loss = self->train_acc = self->test_acc = NAN;
  _bp_pg_update_stats_label (self);
}

void
_bp_pg_play (BpPlayground *self)
{
  bp_session_play (self->session);
  self->play_time = g_get_monotonic_time ();
}

/* A pause the trainer may have reported before it took the last play command. */
gboolean
_bp_pg_play_not_taken_yet (BpPlayground *self, const bp_session_status *st)
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

/* The histogram history, for the dashboard when it follows the run (the playground draws
 * none): an entry every ten epochs. On the tiny nets an entry costs tens of microseconds and
 * the stride doubles every 500 entries, so at thousands of epochs a second it stays a small
 * share of the trainer's time; far fewer entries than the dashboard could show, and enough. */
static int
history_every (BpPlayground *self)
{
  guint64 rows = self->data->split.n_train, batch = (guint64) MAX (self->batch_size, 1);

  return (int) CLAMP (10 * ((rows + batch - 1) / batch), 1, 100000);
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
  cfg.trainer_nice = bp_cpu_share_trainer_nice ();
  cfg.plane_map = bp_pg_features_map;
  cfg.plane_map_user = &self->data->features;
  memcpy (cfg.plane, self->data->plane, sizeof cfg.plane);
  cfg.snapshots.histograms = false; /* the playground draws none */
  cfg.history_every = history_every (self);

  self->session = bp_session_new (&spec, self->data->ds, &self->data->split,
                                  &self->data->scaler, &cfg, err, sizeof err);
  self->log_run = 0;
  self->snapshot_run = self->snapshot_step = 0;
  self->run_target = self->steps_target = 0;
  _bp_pg_clear_run_views (self);
  _bp_pg_set_counters (self, 0, 0, 0);
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
  _bp_pg_clear_run_views (self);
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
