/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The page's dataset: loaded (with its split and scaler) on a worker thread by
 * bp_experiment_load_dataset whenever the data settings change, kept while they stay the same,
 * and described under the dataset picker. A session borrows it, so a new dataset ends the run
 * on the old one first. */
#include "bp-config.h"

#include "bp-builder-private.h"

#include <math.h>

typedef struct {
  bp_experiment *exp;
  bp_experiment_dataset data;
  char err[512];
  int rc;
  char *key;
  gboolean dropped_instead; /* loaded only with drop_bad_rows, which exp did not ask for */
} LoadJob;

static void
load_job_free (gpointer p)
{
  LoadJob *job = p;

  if (job->rc == 0)
    bp_experiment_dataset_free (&job->data);
  bp_experiment_free (job->exp);
  g_free (job->key);
  g_free (job);
}

char *
_bp_builder_data_key (BpBuilder *self)
{
  const bp_experiment_data *d = &self->exp->data;

  return g_strdup_printf ("%s|%d|%.17g|%" G_GUINT64_FORMAT "|%d|%s|%d|%d|%d|%d|%s|%u|%.17g|%.17g|"
                          "%" G_GUINT64_FORMAT "|%d",
                          d->source != NULL ? d->source : "", d->synth.n, d->synth.noise,
                          (guint64) d->synth.seed, d->synth.k, d->label != NULL ? d->label : "",
                          d->task, d->header, d->delimiter, d->drop_bad_rows,
                          d->idx_labels != NULL ? d->idx_labels : "", d->features, d->val_ratio,
                          d->test_ratio, (guint64) d->split_seed, d->scaling);
}

void
_bp_builder_drop_data (BpBuilder *self)
{
  if (self->data == NULL)
    return;
  _bp_builder_free_session (self);
  bp_experiment_dataset_free (self->data);
  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->data_key, g_free);
}

/* The data as loaded, with the split in rows and in percent (as the Data page words it, so the
 * two pages can be compared: the same ratios and seed give the same rows). */
static char *
describe (const bp_experiment_dataset *d, const bp_experiment_data *how)
{
  const bp_dataset *ds = d->ds;
  GString *s = g_string_new (NULL);
  char rows[32], a[32], b[32], c[32];

  g_string_append_printf (s, "%s rows · ", bp_format_count ((double) ds->n_rows, FALSE, rows,
                                                             sizeof rows));
  if (ds->image_channels > 0)
    g_string_append_printf (s, "images (%d, %d, %d)", ds->image_channels, ds->image_height,
                            ds->image_width);
  else
    g_string_append_printf (s, "%d feature%s", ds->n_features, ds->n_features == 1 ? "" : "s");
  if (ds->task == BP_TASK_CLASSIFICATION)
    g_string_append_printf (s, " · %d classes", ds->n_classes);
  else
    g_string_append_printf (s, " · %d target%s (regression)", ds->n_targets,
                            ds->n_targets == 1 ? "" : "s");
  g_string_append_printf (s, "\n%s to train, %s to validate, %s to test (split %d/%d/%d %%, "
                          "seed %" G_GUINT64_FORMAT ")",
                          bp_format_count (d->split.n_train, FALSE, a, sizeof a),
                          bp_format_count (d->split.n_val, FALSE, b, sizeof b),
                          bp_format_count (d->split.n_test, FALSE, c, sizeof c),
                          100 - (int) lround (how->val_ratio * 100)
                            - (int) lround (how->test_ratio * 100),
                          (int) lround (how->val_ratio * 100),
                          (int) lround (how->test_ratio * 100), (guint64) how->split_seed);
  if (d->rows_dropped > 0)
    g_string_append_printf (s, "\n%zu bad row%s left out, the first: %s", d->rows_dropped,
                            d->rows_dropped == 1 ? "" : "s", d->first_drop);
  return g_string_free (s, FALSE);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;

  job->rc = bp_experiment_load_dataset (job->exp, &job->data, job->err, sizeof job->err);
  /* A file refused for bad cells loads as on the Data page, those rows left out and said
   * (load_done keeps drop_bad_rows in the experiment, so a saved file trains the same rows
   * in backprop-train). Other problems fail the same with the option, and stay errors. */
  if (job->rc < 0 && !job->exp->data.drop_bad_rows
      && !bp_experiment_source_is_builtin (job->exp->data.source))
    {
      char err[512];

      job->exp->data.drop_bad_rows = true;
      if (bp_experiment_load_dataset (job->exp, &job->data, err, sizeof err) == 0)
        {
          job->rc = 0;
          job->dropped_instead = TRUE;
        }
      else
        job->exp->data.drop_bad_rows = false;
    }
  g_task_return_boolean (task, TRUE);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BpBuilder *self = BP_BUILDER (source);
  GTask *task = G_TASK (result);
  LoadJob *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *info = NULL;

  if (g_cancellable_is_cancelled (cancellable))
    return; /* a newer load, or the page went away */
  if (cancellable == self->data_cancel)
    g_clear_object (&self->data_cancel);
  if (job->rc < 0)
    {
      bp_builder_settings_set_data_info (self->settings, job->err, TRUE);
      if (self->train_when_loaded)
        _bp_builder_message (self, job->err);
      /* Nothing to train on: Train is Train again. */
      bp_builder_pause (self);
      return;
    }
  if (self->session != NULL)
    _bp_builder_message (self, "The dataset changed: the run on the old one ended");
  _bp_builder_drop_data (self);
  self->data = g_new (bp_experiment_dataset, 1);
  *self->data = job->data;
  job->rc = -1; /* taken */
  self->data_key = g_steal_pointer (&job->key);
  if (job->dropped_instead)
    {
      /* The page's data now leave bad rows out: the experiment says so, and the key is the
       * one of the settings that load these data. */
      self->exp->data.drop_bad_rows = true;
      g_free (self->data_key);
      self->data_key = _bp_builder_data_key (self);
    }
  info = describe (self->data, &job->exp->data);
  bp_builder_settings_set_data_info (self->settings, info, FALSE);
  _bp_builder_show_report (self);
  _bp_builder_data_ready (self);
}

void
_bp_builder_load_data (BpBuilder *self)
{
  g_autofree char *key = _bp_builder_data_key (self);
  g_autoptr (GTask) task = NULL;
  LoadJob *job;

  if (self->data != NULL && g_strcmp0 (key, self->data_key) == 0)
    {
      _bp_builder_data_ready (self);
      return;
    }
  if (self->data_cancel != NULL)
    g_cancellable_cancel (self->data_cancel);
  g_clear_object (&self->data_cancel);
  if (self->exp->data.source == NULL)
    {
      bp_builder_settings_set_data_info (self->settings, "No dataset chosen", TRUE);
      return;
    }
  job = g_new0 (LoadJob, 1);
  job->exp = bp_experiment_copy (self->exp);
  job->key = g_steal_pointer (&key);
  job->rc = -1;
  if (job->exp == NULL)
    {
      load_job_free (job);
      _bp_builder_message (self, "Out of memory");
      return;
    }
  self->data_cancel = g_cancellable_new ();
  task = g_task_new (self, self->data_cancel, load_done, NULL);
  g_task_set_task_data (task, job, load_job_free);
  g_task_run_in_thread (task, load_thread);
  bp_builder_settings_set_data_info (self->settings, "Loading…", FALSE);
}

/* Input shape from the data; the last dense block gives one output per class (cross-entropy),
 * one for two classes (BCE) or one per target (MSE). One undoable edit. */
void
_bp_builder_fit_data (BpBuilder *self)
{
  const bp_dataset *ds;
  bp_graph *g;
  bp_graph_node *last = NULL;
  const bp_graph_report *r = self->report;

  if (self->data == NULL)
    {
      _bp_builder_message (self, "The dataset is not loaded yet");
      return;
    }
  ds = self->data->ds;
  if ((g = bp_graph_copy (self->graph)) == NULL)
    return;
  ((bp_graph_node *) bp_graph_input_node (g))->shape =
    ds->image_channels > 0 ? (bp_shape) { 3, { ds->image_channels, ds->image_height,
                                               ds->image_width } }
                           : bp_shape_vec (ds->n_features);
  for (int i = 0; r->spec != NULL && i < r->n_nodes; i++)
    if (r->nodes[i].layer == r->spec->n_layers - 1)
      last = &g->nodes[i];
  if (ds->task == BP_TASK_REGRESSION)
    g->loss = g->loss == BP_LOSS_HUBER ? BP_LOSS_HUBER : BP_LOSS_MSE;
  else
    g->loss = ds->n_classes > 2 || (last != NULL && last->layer.kind == BP_LAYER_DENSE
                                    && last->layer.u.dense.units > 1 && ds->n_classes > 1
                                    && g->loss == BP_LOSS_CROSS_ENTROPY)
                ? BP_LOSS_CROSS_ENTROPY
                : BP_LOSS_BCE_LOGITS;
  if (last != NULL && last->layer.kind == BP_LAYER_DENSE)
    {
      last->layer.u.dense.units = ds->task == BP_TASK_REGRESSION ? ds->n_targets
                                  : g->loss == BP_LOSS_CROSS_ENTROPY ? ds->n_classes
                                                                     : 1;
      last->layer.u.dense.activation = BP_ACT_LINEAR;
    }
  else
    _bp_builder_message (self, "The last block is not dense: set its outputs by hand");
  _bp_builder_begin_edit (self, NULL);
  bp_graph_free (self->graph);
  self->graph = g;
  _bp_builder_refresh (self);
}
