/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-dashboard-model.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define DEAD_PROBE_ROWS 256

/* ---- the session box ---- */

static void
box_clear (gpointer data)
{
  BpSessionBox *box = data;

  bp_session_free (box->session);
  bp_data_source_unref (box->src);
}

BpSessionBox *
bp_session_box_new (bp_session *session, BpDataSource *src)
{
  BpSessionBox *box = g_atomic_rc_box_new0 (BpSessionBox);

  box->session = session;
  box->src = bp_data_source_ref (src);
  return box;
}

BpSessionBox *
bp_session_box_ref (BpSessionBox *box)
{
  return g_atomic_rc_box_acquire (box);
}

void
bp_session_box_unref (BpSessionBox *box)
{
  g_atomic_rc_box_release_full (box, box_clear);
}

/* ---- the model view ---- */

static void
view_clear (gpointer data)
{
  BpModelView *v = data;

  for (int d = 0; d < v->n_dense; d++)
    g_free (v->dense[d].dead);
  g_free (v->dense);
  g_clear_pointer (&v->net, bp_net_free);
  g_clear_pointer (&v->st, bp_safetensors_free);
  g_clear_pointer (&v->spec, bp_spec_free);
  g_clear_pointer (&v->src, bp_data_source_unref);
  g_free (v->rows);
  g_free (v->outputs);
  g_free (v->labels);
  g_free (v->pred);
  g_free (v->cm);
  g_free (v->scores);
  g_free (v->targets);
  g_free (v->predicted);
  g_free (v->residuals);
}

BpModelView *
bp_model_view_ref (BpModelView *view)
{
  return g_atomic_rc_box_acquire (view);
}

void
bp_model_view_unref (BpModelView *view)
{
  g_atomic_rc_box_release_full (view, view_clear);
}

/* Where the weights go for a moment: memory-backed when there is such a place, so the
 * trainer does not wait on a disk's fsync. */
static char *
temp_weights_path (void)
{
  static gint counter;
  const char *dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();

  return g_strdup_printf ("%s/backprop-%d-%d.safetensors", dir, (int) getpid (),
                          g_atomic_int_add (&counter, 1));
}

static gboolean
fail (GError **error, const char *message)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", message);
  return FALSE;
}

/* The activation applied to a dense layer's output: its own, or the next layer's when that is
 * an activation layer. */
static bp_act
dense_activation (const bp_spec *spec, int i)
{
  const bp_layer_spec *ls = &spec->layers[i];

  if (ls->u.dense.activation == BP_ACT_LINEAR && i + 1 < spec->n_layers
      && spec->layers[i + 1].kind == BP_LAYER_ACTIVATION)
    return spec->layers[i + 1].u.activation.fn;
  return ls->u.dense.activation;
}

static gboolean
find_dense (BpModelView *v, GError **error)
{
  v->dense = g_new0 (BpDenseView, MAX (v->spec->n_layers, 1));
  for (int i = 0; i < v->spec->n_layers; i++)
    {
      const bp_layer_spec *ls = &v->spec->layers[i];
      BpDenseView *d = &v->dense[v->n_dense];
      char name[2 * BP_NAME_MAX];
      const bp_st_tensor *w, *b;

      if (ls->kind != BP_LAYER_DENSE)
        continue;
      g_snprintf (name, sizeof name, "%s.weight", ls->name);
      w = bp_safetensors_find (v->st, name);
      g_snprintf (name, sizeof name, "%s.bias", ls->name);
      b = bp_safetensors_find (v->st, name);
      if (w == NULL || w->rank != 2)
        return fail (error, "the saved weights have no matrix for a dense layer");
      g_strlcpy (d->name, ls->name, sizeof d->name);
      d->index = i;
      d->out = (int) w->dims[0];
      d->in = (int) w->dims[1];
      d->weight = w->data;
      d->bias = b != NULL ? b->data : NULL;
      d->activation = dense_activation (v->spec, i);
      d->dead_share = NAN;
      v->n_dense++;
    }
  return TRUE;
}

/* Runs rows through the copy in batches; outputs (n, n_outputs). */
static void
predict_rows (BpModelView *v, const guint32 *rows, guint32 n, float *outputs, double *loss)
{
  const bp_dataset *ds = v->src->ds;
  const bp_scaler *scaler = bp_data_source_get_scaler (v->src);
  g_autofree float *x = g_new (float, (gsize) BP_MODEL_BATCH * ds->n_features);
  g_autofree gint32 *labels = g_new (gint32, BP_MODEL_BATCH);
  g_autofree float *targets = g_new (float, (gsize) BP_MODEL_BATCH * MAX (ds->n_targets, 1));
  double sum = 0;

  for (guint32 at = 0; at < n; at += BP_MODEL_BATCH)
    {
      int m = (int) MIN (BP_MODEL_BATCH, n - at);
      bp_batch batch = { x, NULL, NULL, m };
      const float *out;
      int correct;

      bp_dataset_gather (ds, scaler, rows + at, m, x,
                         ds->task == BP_TASK_CLASSIFICATION ? labels : NULL,
                         ds->task == BP_TASK_REGRESSION ? targets : NULL);
      if (ds->task == BP_TASK_CLASSIFICATION)
        batch.labels = labels;
      else
        batch.targets = targets;
      if (ds->task == BP_TASK_CLASSIFICATION && v->n_outputs == 1)
        {
          /* BCE wants 0/1 targets as floats. */
          for (int i = 0; i < m; i++)
            targets[i] = (float) labels[i];
          batch.targets = targets;
          batch.labels = NULL;
        }
      sum += bp_net_eval_batch (v->net, &batch, &correct);
      out = bp_net_predict (v->net, x, m, true);
      memcpy (outputs + (gsize) at * v->n_outputs, out, sizeof (float) * (gsize) m * v->n_outputs);
    }
  *loss = n > 0 ? sum / n : NAN;
}

static void
dead_units (BpModelView *v)
{
  const bp_split *sp = &v->src->split;
  const guint32 *rows = sp->n_val > 0 ? sp->val : sp->train;
  guint32 n = MIN (sp->n_val > 0 ? sp->n_val : sp->n_train, DEAD_PROBE_ROWS);
  const bp_dataset *ds = v->src->ds;
  g_autofree float *x = NULL;
  g_autofree gboolean *alive = NULL;

  if (n == 0)
    return;
  x = g_new (float, (gsize) BP_MODEL_BATCH * ds->n_features);
  for (int d = 0; d < v->n_dense; d++)
    {
      BpDenseView *dv = &v->dense[d];
      int layer;
      int dead = 0;

      if (dv->activation != BP_ACT_RELU)
        continue;
      /* With a separate activation layer, its output is the one that is zero. */
      layer = dv->index + (v->spec->layers[dv->index].u.dense.activation == BP_ACT_LINEAR);
      alive = g_renew (gboolean, alive, dv->out);
      memset (alive, 0, sizeof (gboolean) * (gsize) dv->out);
      for (guint32 at = 0; at < n; at += BP_MODEL_BATCH)
        {
          int m = (int) MIN (BP_MODEL_BATCH, n - at);
          const float *y;

          bp_dataset_gather (ds, bp_data_source_get_scaler (v->src), rows + at, m, x, NULL, NULL);
          bp_net_predict (v->net, x, m, false);
          y = bp_net_layer_output (v->net, layer);
          for (int i = 0; i < m; i++)
            for (int u = 0; u < dv->out; u++)
              alive[u] |= y[(gsize) i * dv->out + u] > 0;
        }
      dv->dead = g_new (gboolean, dv->out);
      for (int u = 0; u < dv->out; u++)
        {
          dv->dead[u] = !alive[u];
          dead += !alive[u];
        }
      dv->dead_share = (double) dead / dv->out;
    }
}

static void
evaluate (BpModelView *v)
{
  const bp_dataset *ds = v->src->ds;
  const bp_split *sp = &v->src->split;
  gboolean test = sp->n_test > 0;

  v->n_rows = test ? sp->n_test : sp->n_val;
  v->eval_rows_name = test ? "test" : "validation";
  v->rows = g_memdup2 (test ? sp->test : sp->val, sizeof (guint32) * v->n_rows);
  v->outputs = g_new (float, (gsize) MAX (v->n_rows, 1) * v->n_outputs);
  predict_rows (v, v->rows, v->n_rows, v->outputs, &v->loss);
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      int k = ds->n_classes;

      v->n_classes = k;
      v->labels = g_new (gint32, MAX (v->n_rows, 1));
      v->pred = g_new (gint32, MAX (v->n_rows, 1));
      v->cm = g_new0 (gint64, (gsize) k * k);
      v->scores = g_new0 (bp_class_scores, k);
      for (guint32 i = 0; i < v->n_rows; i++)
        {
          v->labels[i] = ds->labels[v->rows[i]];
          v->pred[i] = bp_eval_predicted_class (v->outputs + (gsize) i * v->n_outputs,
                                                v->n_outputs);
        }
      bp_eval_confusion (v->cm, k, v->labels, v->pred, v->n_rows);
      bp_eval_class_report (v->cm, k, v->scores, &v->report);
    }
  else
    {
      v->targets = g_new (float, MAX (v->n_rows, 1));
      v->predicted = g_new (float, MAX (v->n_rows, 1));
      v->residuals = g_new (float, MAX (v->n_rows, 1));
      for (guint32 i = 0; i < v->n_rows; i++)
        {
          v->targets[i] = ds->targets[(gsize) v->rows[i] * ds->n_targets];
          v->predicted[i] = v->outputs[(gsize) i * v->n_outputs];
        }
      bp_eval_regression (v->targets, v->predicted, v->n_rows, v->residuals, &v->regression);
    }
  v->evaluated = TRUE;
}

BpModelView *
bp_model_view_new (BpSessionBox *box, gboolean evaluate_rows, GError **error)
{
  g_autoptr (BpModelView) v = g_atomic_rc_box_new0 (BpModelView);
  g_autofree char *path = temp_weights_path ();
  char err[512] = "";
  const char *json, *step, *epoch;

  g_return_val_if_fail (box != NULL, NULL);

  v->src = bp_data_source_ref (box->src);
  if (bp_session_save_weights (box->session, path, err, sizeof err) != 0)
    {
      fail (error, err);
      return NULL;
    }
  v->st = bp_safetensors_read (path, err, sizeof err);
  g_unlink (path);
  if (v->st == NULL)
    {
      fail (error, err);
      return NULL;
    }
  json = bp_safetensors_meta (v->st, "spec");
  step = bp_safetensors_meta (v->st, "step");
  epoch = bp_safetensors_meta (v->st, "epoch");
  v->step = step != NULL ? g_ascii_strtoull (step, NULL, 10) : 0;
  v->epoch = epoch != NULL ? (guint) g_ascii_strtoull (epoch, NULL, 10) : 0;
  if (json == NULL)
    {
      fail (error, "the saved weights carry no network spec");
      return NULL;
    }
  v->spec = bp_spec_parse (json, strlen (json), err, sizeof err);
  if (v->spec == NULL || (v->net = bp_net_create (v->spec, err, sizeof err)) == NULL
      || bp_net_load_safetensors (v->net, v->st, "the weights", err, sizeof err) != 0
      || bp_net_compile (v->net, BP_MODEL_BATCH, err, sizeof err) != 0)
    {
      fail (error, err);
      return NULL;
    }
  v->n_outputs = (int) bp_net_output_size (v->net);
  if (!find_dense (v, error))
    return NULL;
  dead_units (v);
  if (evaluate_rows)
    evaluate (v);
  return g_steal_pointer (&v);
}

static void
view_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  BpSessionBox *box = task_data;
  GError *error = NULL;
  BpModelView *v = bp_model_view_new (box, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task),
                                                                               "evaluate")),
                                      &error);

  if (v == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, v, (GDestroyNotify) bp_model_view_unref);
}

void
bp_model_view_new_async (BpSessionBox *box, gboolean evaluate_rows, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, bp_model_view_new_async);
  g_task_set_task_data (task, bp_session_box_ref (box), (GDestroyNotify) bp_session_box_unref);
  g_object_set_data (G_OBJECT (task), "evaluate", GINT_TO_POINTER (!!evaluate_rows));
  g_task_run_in_thread (task, view_thread);
}

BpModelView *
bp_model_view_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
bp_model_view_predict (BpModelView *view, const float *raw, float *out)
{
  const bp_dataset *ds;
  const bp_scaler *scaler;
  g_autofree float *x = NULL;
  const float *y;

  g_return_val_if_fail (view != NULL && raw != NULL && out != NULL, FALSE);

  ds = view->src->ds;
  scaler = bp_data_source_get_scaler (view->src);
  x = g_memdup2 (raw, sizeof (float) * ds->n_features);
  if (scaler != NULL)
    for (int j = 0; j < ds->n_features; j++)
      x[j] = (x[j] - scaler->shift[j]) * scaler->scale[j];
  y = bp_net_predict (view->net, x, 1, true);
  if (y == NULL)
    return FALSE;
  memcpy (out, y, sizeof (float) * view->n_outputs);
  return TRUE;
}
