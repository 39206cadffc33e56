/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"
#include "bp-cpu-share.h"

#include "bp-dashboard-training.h"

#include "bp-conv-front.h"

#include <math.h>
#include <string.h>

#define READ_CHUNK 4096

/* A run still being read from a session's metric log: ours (box) or a followed one (box
 * NULL, the session given at each poll). */
typedef struct {
  BpRun *run;
  BpSessionBox *box;
  guint64 session_run;
  guint64 steps_read, epochs_read;
} LiveRun;

struct _BpDashboardTraining {
  GObject parent_instance;

  BpSessionBox *box; /* the session in use, or NULL */
  BpTrainSettings settings;
  bp_spec spec;
  bp_layer_spec layers[BP_CONV_FRONT_MAX_LAYERS + BP_TRAIN_MAX_HIDDEN + 1];
  bp_session_status status;

  /* A session someone else owns, as given before the poll, and what tells it apart from a
   * new one at the same address (never dereferenced). */
  bp_session *followed;
  char *followed_label;
  const void *followed_identity;

  BpFollowedSpecFunc followed_spec;
  gpointer followed_spec_data;

  GListStore *runs;  /* BpRun */
  GPtrArray *live;   /* LiveRun: runs whose log may still grow */
  guint next_run_id;
};

G_DEFINE_FINAL_TYPE (BpDashboardTraining, bp_dashboard_training, G_TYPE_OBJECT)

/* ---- settings ---- */

void
bp_train_settings_defaults (BpTrainSettings *s, const BpDataSource *src)
{
  bp_train_settings_defaults_for (s, src != NULL && src->ds->image_width > 0);
}

void
bp_train_settings_defaults_for (BpTrainSettings *s, gboolean images)
{
  memset (s, 0, sizeof *s);
  s->activation = BP_ACT_RELU;
  s->optimizer = BP_OPTIM_ADAM;
  s->seed = 1;
  if (images)
    {
      s->n_hidden = 2;
      s->hidden[0] = 256;
      s->hidden[1] = 128;
      s->lr = 1e-3;
      s->batch_size = 64;
      s->epochs = 10;
    }
  else
    {
      s->n_hidden = 2;
      s->hidden[0] = 32;
      s->hidden[1] = 16;
      s->lr = 3e-3;
      s->batch_size = 16;
      s->epochs = 100;
    }
}

static int
n_outputs (const bp_dataset *ds)
{
  return ds->task == BP_TASK_CLASSIFICATION ? MAX (ds->n_classes, 2) : ds->n_targets;
}

char *
bp_train_settings_describe (const BpTrainSettings *s, const BpDataSource *src)
{
  GString *out = g_string_new (NULL);

  if (s->conv && src->ds->image_width > 0)
    g_string_append_printf (out, "%s, ", bp_conv_front_describe (src->ds));
  g_string_append_printf (out, "%d", src->ds->n_features);
  for (int i = 0; i < s->n_hidden; i++)
    g_string_append_printf (out, "-%d", s->hidden[i]);
  g_string_append_printf (out, "-%d %s", n_outputs (src->ds), bp_act_name (s->activation));
  return g_string_free (out, FALSE);
}

static void
build_spec (BpDashboardTraining *self, const BpDataSource *src)
{
  const BpTrainSettings *s = &self->settings;
  bp_spec *spec = &self->spec;
  int front = s->conv ? bp_conv_front_layers (self->layers, src->ds, s->activation) : 0;

  memset (spec, 0, sizeof *spec);
  for (int i = 0; i <= s->n_hidden; i++)
    {
      bp_layer_spec *ls = &self->layers[front + i];

      bp_layer_spec_defaults (ls, BP_LAYER_DENSE);
      if (i < s->n_hidden)
        {
          g_snprintf (ls->name, sizeof ls->name, "dense%d", i + 1);
          ls->u.dense.units = s->hidden[i];
          ls->u.dense.activation = s->activation;
        }
      else
        {
          g_strlcpy (ls->name, "output", sizeof ls->name);
          ls->u.dense.units = n_outputs (src->ds);
          ls->u.dense.activation = BP_ACT_LINEAR;
        }
    }
  spec->input = front > 0 ? bp_conv_front_input (src->ds) : bp_shape_vec (src->ds->n_features);
  spec->n_layers = front + s->n_hidden + 1;
  spec->layers = self->layers;
  spec->loss = src->ds->task == BP_TASK_CLASSIFICATION ? BP_LOSS_CROSS_ENTROPY : BP_LOSS_MSE;
  spec->huber_delta = 1.0f;
  bp_optim_cfg_defaults (&spec->optim, s->optimizer);
  spec->optim.lr = (float) s->lr;
  spec->batch_size = s->batch_size;
  spec->epochs = s->epochs;
  spec->seed = s->seed;
}

/* Optimizer steps in an epoch of src's training rows (the last batch may be short). */
static guint64
steps_per_epoch (const BpDataSource *src, int batch_size)
{
  return batch_size > 0 ? (src->split.n_train + (guint) batch_size - 1) / (guint) batch_size : 0;
}

static int
history_every (const BpDataSource *src, int batch_size)
{
  /* About eight histograms per epoch, and at least one every 50 steps: a histogram of the
   * benchmark MLP's 235 000 parameters costs about what a tenth of a step does. */
  return (int) CLAMP (steps_per_epoch (src, batch_size) / 8, 1, 50);
}

/* ---- runs ---- */

static void
live_run_free (gpointer data)
{
  LiveRun *lr = data;

  g_object_unref (lr->run);
  g_clear_pointer (&lr->box, bp_session_box_unref);
  g_free (lr);
}

static BpRun *
add_run (BpDashboardTraining *self, const BpDataSource *src, guint64 session_run)
{
  g_autofree char *model = bp_train_settings_describe (&self->settings, src);
  g_autofree char *name = g_strdup_printf ("run %u", self->next_run_id);
  BpRunInfo info = {
    .dataset = src->ds->name,
    .model = model,
    .optimizer = (char *) bp_optim_name (self->settings.optimizer),
    .lr = self->settings.lr,
    .batch_size = self->settings.batch_size,
    .seed = self->settings.seed,
    .params = (gint64) bp_spec_param_count (&self->spec),
    .planned_steps = (guint64) MAX (self->settings.epochs, 0)
                     * steps_per_epoch (src, self->settings.batch_size),
    .planned_epochs = MAX (self->settings.epochs, 0),
  };
  BpRun *run = bp_run_new (self->next_run_id, name, &info);
  LiveRun *lr = g_new0 (LiveRun, 1);

  bp_run_set_color_index (run, self->next_run_id - 1);
  self->next_run_id++;
  lr->run = g_object_ref (run);
  lr->box = self->box != NULL ? bp_session_box_ref (self->box) : NULL;
  lr->session_run = session_run;
  g_ptr_array_add (self->live, lr);
  g_list_store_append (self->runs, run);
  g_object_unref (run);
  return run;
}

/* Reads what a run's log holds past what was read; TRUE when anything was. */
static gboolean
read_run (LiveRun *lr, bp_session *session)
{
  const bp_metric_log *log = bp_session_metric_log_of_run (session, lr->session_run);
  g_autofree bp_step_record *steps = NULL;
  bp_epoch_record epochs[64];
  gboolean any = FALSE;
  size_t n;

  if (log == NULL)
    return FALSE;
  steps = g_new (bp_step_record, READ_CHUNK);
  while ((n = bp_metric_log_read_steps (log, lr->steps_read, steps, READ_CHUNK)) > 0)
    {
      bp_run_append_steps (lr->run, steps, n);
      lr->steps_read += n;
      any = TRUE;
    }
  while ((n = bp_metric_log_read_epochs (log, lr->epochs_read, epochs, G_N_ELEMENTS (epochs)))
         > 0)
    {
      bp_run_append_epochs (lr->run, epochs, n);
      lr->epochs_read += n;
      any = TRUE;
    }
  return any;
}

/* ---- GObject ---- */

static void
bp_dashboard_training_dispose (GObject *object)
{
  BpDashboardTraining *self = BP_DASHBOARD_TRAINING (object);

  g_ptr_array_set_size (self->live, 0);
  g_clear_pointer (&self->box, bp_session_box_unref);
  G_OBJECT_CLASS (bp_dashboard_training_parent_class)->dispose (object);
}

static void
bp_dashboard_training_finalize (GObject *object)
{
  BpDashboardTraining *self = BP_DASHBOARD_TRAINING (object);

  g_ptr_array_unref (self->live);
  g_object_unref (self->runs);
  g_free (self->followed_label);
  G_OBJECT_CLASS (bp_dashboard_training_parent_class)->finalize (object);
}

static void
bp_dashboard_training_class_init (BpDashboardTrainingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_dashboard_training_dispose;
  object_class->finalize = bp_dashboard_training_finalize;
}

static void
bp_dashboard_training_init (BpDashboardTraining *self)
{
  self->runs = g_list_store_new (BP_TYPE_RUN);
  self->live = g_ptr_array_new_with_free_func (live_run_free);
  self->next_run_id = 1;
  self->status.loss = NAN;
  self->followed_label = g_strdup ("playground");
}

/* ---- public API ---- */

BpDashboardTraining *
bp_dashboard_training_new (void)
{
  return g_object_new (BP_TYPE_DASHBOARD_TRAINING, NULL);
}


gboolean
bp_dashboard_training_start (BpDashboardTraining *self, BpDataSource *src,
                             const BpTrainSettings *settings, GError **error)
{
  char err[512] = "";
  guint64 session_run;

  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  g_return_val_if_fail (src != NULL && settings != NULL, FALSE);

  self->settings = *settings;
  build_spec (self, src);
  if (self->box != NULL && self->box->src == src)
    {
      /* The same data: the session stays, with a new network and a new run: the one after
       * the run of now (read before the rebuild is queued: a paused trainer applies it at
       * once, and reading after could see the new run already). */
      session_run = bp_session_run (self->box->session) + 1;
      bp_session_pause (self->box->session);
      if (bp_session_rebuild (self->box->session, &self->spec, settings->seed, err, sizeof err)
          != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
          return FALSE;
        }
      bp_session_set_limits (self->box->session, settings->epochs, 0);
      /* The rebuild starts the new run once the trainer applies it; poll() reads the previous
       * one to its end and lets it go. */
    }
  else
    {
      bp_session_config cfg;
      bp_session *session;

      bp_session_config_defaults (&cfg, &self->spec);
      cfg.max_epochs = settings->epochs;
      cfg.trainer_nice = bp_cpu_share_trainer_nice ();
      cfg.snapshots.interval_s = 1.0;
      cfg.snapshots.histograms = false; /* the history has them; snapshots go unread */
      cfg.snapshots.grid = false;
      cfg.snapshots.neurons = false;
      cfg.snapshots.weights = false;
      cfg.history_every = history_every (src, settings->batch_size);
      session = bp_session_new (&self->spec, src->ds, &src->split, bp_data_source_get_scaler (src),
                                &cfg, err, sizeof err);
      if (session == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
          return FALSE;
        }
      /* The old session's runs keep their box until poll() has read them to the end. */
      if (self->box != NULL)
        bp_session_pause (self->box->session);
      g_clear_pointer (&self->box, bp_session_box_unref);
      self->box = bp_session_box_new (session, src);
      session_run = 1;
    }
  memset (&self->status, 0, sizeof self->status);
  self->status.loss = NAN;
  add_run (self, src, session_run);
  return TRUE;
}

void
bp_dashboard_training_play (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_play (self->box->session);
}

void
bp_dashboard_training_pause (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_pause (self->box->session);
}

void
bp_dashboard_training_step (BpDashboardTraining *self, guint64 steps)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_step (self->box->session, steps);
}

void
bp_dashboard_training_stop (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  if (self->box != NULL)
    bp_session_stop (self->box->session);
}

void
bp_dashboard_training_close (BpDashboardTraining *self)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));

  if (self->box == NULL)
    return;
  bp_session_pause (self->box->session);
  bp_dashboard_training_poll (self);
  for (guint i = self->live->len; i-- > 0;)
    if (((LiveRun *) g_ptr_array_index (self->live, i))->box != NULL)
      g_ptr_array_remove_index (self->live, i);
  g_clear_pointer (&self->box, bp_session_box_unref);
}

static const char *
state_word (const bp_session_status *st)
{
  switch (st->state)
    {
    case BP_SESSION_RUNNING: return "training";
    case BP_SESSION_FINISHED: return st->reason == BP_REASON_EARLY_STOP ? "stopped early"
                                                                         : "finished";
    case BP_SESSION_DIVERGED: return "diverged";
    case BP_SESSION_PAUSED:
    default: return "paused";
    }
}

char *
bp_spec_describe_model (const bp_spec *spec)
{
  GString *out = g_string_new (NULL);
  const char *sep = "";
  bp_act act = BP_ACT_LINEAR;
  gboolean dense = FALSE;

  if (spec->input.rank == 3)
    g_string_append_printf (out, "%d×%d×%d", spec->input.dims[0], spec->input.dims[1],
                            spec->input.dims[2]);
  else if (spec->input.rank == 1)
    g_string_append_printf (out, "%d", spec->input.dims[0]);
  for (int i = 0; i < spec->n_layers; i++)
    {
      const bp_layer_spec *ls = &spec->layers[i];

      switch (ls->kind)
        {
        case BP_LAYER_CONV2D:
          g_string_append_printf (out, ", conv %d %d×%d", ls->u.conv2d.filters,
                                  ls->u.conv2d.kernel_h, ls->u.conv2d.kernel_w);
          act = ls->u.conv2d.activation != BP_ACT_LINEAR ? ls->u.conv2d.activation : act;
          break;
        case BP_LAYER_MAXPOOL2D:
        case BP_LAYER_AVGPOOL2D:
          g_string_append_printf (out, ", pool %d×%d", ls->u.pool.size_h, ls->u.pool.size_w);
          break;
        case BP_LAYER_DENSE:
          /* The dense layers as one chain, after what came before: ", 120-84-10". */
          sep = dense ? "-" : spec->input.rank == 1 && i == 0 ? "-" : ", ";
          g_string_append_printf (out, "%s%d", sep, ls->u.dense.units);
          dense = TRUE;
          if (i < spec->n_layers - 1 && ls->u.dense.activation != BP_ACT_LINEAR)
            act = ls->u.dense.activation;
          break;
        case BP_LAYER_ACTIVATION:
          act = ls->u.activation.fn;
          break;
        default:
          break;
        }
    }
  if (act != BP_ACT_LINEAR)
    g_string_append_printf (out, " %s", bp_act_name (act));
  return g_string_free (out, FALSE);
}

void
bp_dashboard_training_set_followed_spec_func (BpDashboardTraining *self, BpFollowedSpecFunc func,
                                              gpointer user_data)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  self->followed_spec = func;
  self->followed_spec_data = user_data;
}

/* A followed run, made when its session starts it: its data, batch size and size as the
 * session says, its network as the followed-spec function says (the table shows them next to
 * our own runs'). */
static void
add_followed_run (BpDashboardTraining *self, guint64 session_run, float lr)
{
  g_autofree char *name = g_strdup_printf ("%s run %" G_GUINT64_FORMAT, self->followed_label,
                                           session_run);
  bp_session *s = self->followed;
  bp_spec *spec = self->followed_spec != NULL
                    ? self->followed_spec (s, self->followed_label, self->followed_spec_data)
                    : NULL;
  g_autofree char *model = spec != NULL ? bp_spec_describe_model (spec) : g_strdup ("");
  BpRunInfo info = { .dataset = (char *) bp_session_dataset_name (s), .model = model,
                     .optimizer = spec != NULL ? (char *) bp_optim_name (spec->optim.kind) : "",
                     .lr = lr,
                     .batch_size = (int) bp_session_get_hparam (s, BP_HPARAM_BATCH_SIZE),
                     .params = bp_session_param_count (s) };
  BpRun *run = bp_run_new (self->next_run_id, name, &info);
  LiveRun *live = g_new0 (LiveRun, 1);

  if (spec != NULL)
    bp_spec_free (spec);
  bp_run_set_color_index (run, self->next_run_id - 1);
  self->next_run_id++;
  live->run = run;
  live->session_run = session_run;
  g_ptr_array_add (self->live, live);
  g_list_store_append (self->runs, run);
}

static gboolean
poll_followed (BpDashboardTraining *self)
{
  bp_session *s = self->followed;
  const void *identity = s != NULL ? bp_session_metric_log_of_run (s, 1) : NULL;
  guint64 newest = 0;
  gboolean changed = FALSE;

  if (s == NULL || identity != self->followed_identity)
    {
      /* Another session (or none): what was read of the old one stays in its runs. */
      for (guint i = self->live->len; i-- > 0;)
        if (((LiveRun *) g_ptr_array_index (self->live, i))->box == NULL)
          {
            bp_run_set_state (((LiveRun *) g_ptr_array_index (self->live, i))->run, "ended");
            g_ptr_array_remove_index (self->live, i);
          }
      self->followed_identity = identity;
      changed = TRUE;
    }
  if (s == NULL)
    return changed;
  bp_session_get_status (s, &self->status);
  for (guint i = 0; i < self->live->len; i++)
    {
      LiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box == NULL)
        newest = MAX (newest, lr->session_run);
    }
  /* Runs with nothing logged yet are not worth a row. */
  for (guint64 r = newest + 1; r <= self->status.run; r++)
    {
      const bp_metric_log *log = bp_session_metric_log_of_run (s, r);

      if (log != NULL && bp_metric_log_n_steps (log) > 0)
        add_followed_run (self, r, self->status.lr);
    }
  for (guint i = 0; i < self->live->len;)
    {
      LiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box != NULL)
        {
          i++;
          continue;
        }
      changed |= read_run (lr, s);
      if (lr->session_run == self->status.run)
        bp_run_set_state (lr->run, state_word (&self->status));
      if (lr->session_run < self->status.run)
        {
          bp_run_set_state (lr->run, "ended");
          g_ptr_array_remove_index (self->live, i);
          continue;
        }
      i++;
    }
  return changed;
}

gboolean
bp_dashboard_training_poll (BpDashboardTraining *self)
{
  gboolean changed = FALSE;
  guint64 current;

  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);

  if (self->box == NULL)
    return poll_followed (self);
  bp_session_get_status (self->box->session, &self->status);
  current = self->status.run;
  for (guint i = 0; i < self->live->len;)
    {
      LiveRun *lr = g_ptr_array_index (self->live, i);
      gboolean same_session = lr->box == self->box;

      if (lr->box != NULL)
        changed |= read_run (lr, lr->box->session);
      if (same_session && lr->session_run == current)
        bp_run_set_state (lr->run, state_word (&self->status));
      /* A run of another session, or before the current one, writes no more once the
       * trainer has moved on: read to its end (done above), then let it go. */
      if (!same_session || lr->session_run < current)
        {
          if (lr->box != NULL)
            bp_run_set_state (lr->run, bp_run_get_n_epochs (lr->run) > 0 ? "finished" : "ended");
          g_ptr_array_remove_index (self->live, i);
          continue;
        }
      i++;
    }
  return changed;
}

void
bp_dashboard_training_follow (BpDashboardTraining *self, bp_session *session, const char *label)
{
  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));

  self->followed = session;
  if (label != NULL && g_strcmp0 (label, self->followed_label) != 0)
    {
      g_free (self->followed_label);
      self->followed_label = g_strdup (label);
    }
}

gboolean
bp_dashboard_training_is_following (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  return self->box == NULL && self->followed != NULL;
}

gboolean
bp_dashboard_training_has_session (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), FALSE);
  return self->box != NULL;
}

bp_session *
bp_dashboard_training_get_session (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? self->box->session : NULL;
}

BpSessionBox *
bp_dashboard_training_get_box (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? bp_session_box_ref (self->box) : NULL;
}

BpDataSource *
bp_dashboard_training_get_source (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? self->box->src : NULL;
}

const BpTrainSettings *
bp_dashboard_training_get_settings (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return &self->settings;
}

const bp_session_status *
bp_dashboard_training_get_status (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return &self->status;
}

const char *
bp_dashboard_training_get_layer_name (BpDashboardTraining *self, int layer)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  if (self->box == NULL || layer < 0 || layer >= self->spec.n_layers)
    return NULL;
  return self->layers[layer].name;
}

const bp_spec *
bp_dashboard_training_get_spec (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? &self->spec : NULL;
}

const bp_hist_history *
bp_dashboard_training_get_history (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return self->box != NULL ? bp_session_hist_history (self->box->session) : NULL;
}

GListModel *
bp_dashboard_training_get_runs (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);
  return G_LIST_MODEL (self->runs);
}

BpRun *
bp_dashboard_training_get_current_run (BpDashboardTraining *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD_TRAINING (self), NULL);

  /* Ours while we have a session, else the followed session's newest. */
  for (guint i = self->live->len; i-- > 0;)
    {
      LiveRun *lr = g_ptr_array_index (self->live, i);

      if (lr->box == self->box)
        return lr->run;
    }
  return NULL;
}

void
bp_dashboard_training_delete_run (BpDashboardTraining *self, BpRun *run)
{
  guint pos;

  g_return_if_fail (BP_IS_DASHBOARD_TRAINING (self));
  g_return_if_fail (BP_IS_RUN (run));

  for (guint i = 0; i < self->live->len; i++)
    if (((LiveRun *) g_ptr_array_index (self->live, i))->run == run)
      {
        g_ptr_array_remove_index (self->live, i);
        break;
      }
  if (g_list_store_find (self->runs, run, &pos))
    g_list_store_remove (self->runs, pos);
}
