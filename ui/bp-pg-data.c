/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-pg-data.h"

#include "data/csv.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static const char *feature_labels[BP_N_FEATURES] = {
  "X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin X₁", "sin X₂",
};

const char *
bp_feature_label (BpFeature f)
{
  g_return_val_if_fail (f < BP_N_FEATURES, "?");
  return feature_labels[f];
}

void
bp_pg_features_map (const float *xy, int n, float *out, void *user)
{
  guint mask = *(const guint *) user;
  int n_out = 0;

  for (int f = 0; f < BP_N_FEATURES; f++)
    if (mask & BP_FEATURE_BIT (f))
      n_out++;
  for (int i = 0; i < n; i++)
    {
      float x1 = xy[2 * i], x2 = xy[2 * i + 1];
      float *o = out + (size_t) i * n_out;
      int j = 0;

      for (int f = 0; f < BP_N_FEATURES; f++)
        {
          float v;

          if (!(mask & BP_FEATURE_BIT (f)))
            continue;
          switch (f)
            {
            case BP_FEATURE_X1: v = x1; break;
            case BP_FEATURE_X2: v = x2; break;
            case BP_FEATURE_X1_SQ: v = x1 * x1; break;
            case BP_FEATURE_X2_SQ: v = x2 * x2; break;
            case BP_FEATURE_X1_X2: v = x1 * x2; break;
            case BP_FEATURE_SIN_X1: v = sinf (x1); break;
            case BP_FEATURE_SIN_X2: default: v = sinf (x2); break;
            }
          o[j++] = v;
        }
    }
}

void
bp_pg_data_params_defaults (BpPgDataParams *p)
{
  *p = (BpPgDataParams) {
    .kind = BP_SYNTH_SPIRAL,
    .n_points = 500,
    .noise = 0.0,
    .seed = 1,
    .n_classes = 3,
    .train_ratio = 0.5,
    .features = BP_FEATURES_DEFAULT,
  };
}

BpPgData *
bp_pg_data_new (void)
{
  BpPgData *d = g_new0 (BpPgData, 1);

  bp_pg_data_params_defaults (&d->params);
  d->points = g_array_new (FALSE, FALSE, sizeof (BpHeatmapPoint));
  d->plane[0] = d->plane[2] = BP_PG_PLANE_MIN;
  d->plane[1] = d->plane[3] = BP_PG_PLANE_MAX;
  d->target_scale = 1;
  return d;
}

static void
clear_built (BpPgData *d)
{
  if (!d->built)
    return;
  bp_scaler_free (&d->scaler);
  bp_split_free (&d->split);
  g_clear_pointer (&d->ds, bp_dataset_free);
  d->built = FALSE;
}

void
bp_pg_data_free (BpPgData *d)
{
  if (d == NULL)
    return;
  clear_built (d);
  g_array_unref (d->points);
  g_free (d->file);
  g_free (d);
}

BpPgData *
bp_pg_data_copy (const BpPgData *d)
{
  BpPgData *c = bp_pg_data_new ();

  bp_pg_data_assign (c, d);
  return c;
}

void
bp_pg_data_assign (BpPgData *d, const BpPgData *src)
{
  clear_built (d);
  d->params = src->params;
  d->task = src->task;
  d->n_classes = src->n_classes;
  g_array_set_size (d->points, 0);
  g_array_append_vals (d->points, src->points->data, src->points->len);
  memcpy (d->plane, src->plane, sizeof d->plane);
  d->target_scale = src->target_scale;
  g_free (d->file);
  d->file = g_strdup (src->file);
  d->split_kept = src->split_kept;
}

/* The rows of a two-feature dataset as points. */
static void
take_points (BpPgData *d, const bp_dataset *ds)
{
  clear_built (d);
  d->task = ds->task;
  d->n_classes = ds->task == BP_TASK_CLASSIFICATION ? ds->n_classes : 0;
  g_array_set_size (d->points, 0);
  d->split_kept = FALSE;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      BpHeatmapPoint pt = {
        .x = bp_dataset_feature (ds, i, 0),
        .y = bp_dataset_feature (ds, i, 1),
        .label = ds->task == BP_TASK_CLASSIFICATION ? ds->labels[i] : -1,
        .target = ds->task == BP_TASK_REGRESSION ? ds->targets[i * ds->n_targets] : 0,
      };
      g_array_append_val (d->points, pt);
    }
}

gboolean
bp_pg_data_generate (BpPgData *d, const BpPgDataParams *p, GError **error)
{
  bp_synth_params sp = { p->kind, (size_t) p->n_points, p->noise, p->seed, p->n_classes };
  char err[256] = "";
  bp_dataset *ds;

  ds = bp_synth_generate (&sp, err, sizeof err);
  if (ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", err);
      return FALSE;
    }
  d->params = *p;
  take_points (d, ds);
  bp_dataset_free (ds);
  g_clear_pointer (&d->file, g_free);
  d->plane[0] = d->plane[2] = BP_PG_PLANE_MIN;
  d->plane[1] = d->plane[3] = BP_PG_PLANE_MAX;
  d->target_scale = 1;
  return bp_pg_data_build (d, error);
}

gboolean
bp_pg_data_load_csv (BpPgData *d, const char *path, GError **error)
{
  char err[512] = "";
  bp_dataset *ds = bp_csv_load_file (path, NULL, NULL, err, sizeof err);
  float lo[2] = { G_MAXFLOAT, G_MAXFLOAT }, hi[2] = { -G_MAXFLOAT, -G_MAXFLOAT };

  if (ds == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", err);
      return FALSE;
    }
  if (ds->n_features != 2 || ds->n_rows < 4
      || (ds->task == BP_TASK_REGRESSION && ds->n_targets != 1))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: the playground needs two numeric features and one label or target "
                   "column in at least 4 rows; this file has %d features, %zu rows",
                   path, ds->n_features, ds->n_rows);
      bp_dataset_free (ds);
      return FALSE;
    }
  take_points (d, ds);
  bp_dataset_free (ds);
  g_free (d->file);
  d->file = g_strdup (path);
  /* The plane drawn: the points' range widened by a tenth on each side. */
  d->target_scale = 0;
  for (guint i = 0; i < d->points->len; i++)
    {
      const BpHeatmapPoint *pt = &g_array_index (d->points, BpHeatmapPoint, i);

      lo[0] = MIN (lo[0], pt->x), hi[0] = MAX (hi[0], pt->x);
      lo[1] = MIN (lo[1], pt->y), hi[1] = MAX (hi[1], pt->y);
      d->target_scale = MAX (d->target_scale, fabsf (pt->target));
    }
  if (d->target_scale <= 0)
    d->target_scale = 1;
  for (int a = 0; a < 2; a++)
    {
      float pad = MAX ((hi[a] - lo[a]) * 0.1f, 1e-3f);

      d->plane[2 * a] = lo[a] - pad;
      d->plane[2 * a + 1] = hi[a] + pad;
    }
  return bp_pg_data_build (d, error);
}

/* The split the points' test flags say (malloc'd, as bp_split_free frees it). */
static int
split_from_flags (BpPgData *d, char *err, size_t errlen)
{
  guint n = d->points->len, n_test = 0;
  bp_split *s = &d->split;

  for (guint i = 0; i < n; i++)
    n_test += g_array_index (d->points, BpHeatmapPoint, i).test ? 1 : 0;
  memset (s, 0, sizeof *s);
  s->train = malloc (MAX (n - n_test, 1u) * sizeof *s->train);
  s->val = malloc (MAX (n_test, 1u) * sizeof *s->val);
  if (s->train == NULL || s->val == NULL)
    {
      bp_split_free (s);
      g_strlcpy (err, "out of memory", errlen);
      return -1;
    }
  for (guint i = 0; i < n; i++)
    if (g_array_index (d->points, BpHeatmapPoint, i).test)
      s->val[s->n_val++] = i;
    else
      s->train[s->n_train++] = i;
  return 0;
}

void
bp_pg_data_resplit (BpPgData *d)
{
  d->split_kept = FALSE;
}

gboolean
bp_pg_data_build (BpPgData *d, GError **error)
{
  char err[256] = "";
  guint n = d->points->len;
  int n_features = 0;
  g_autofree float *xy = NULL;

  clear_built (d);
  d->features = d->params.features & (BP_FEATURE_BIT (BP_N_FEATURES) - 1);
  if (d->features == 0)
    d->features = BP_FEATURES_DEFAULT;
  for (int f = 0; f < BP_N_FEATURES; f++)
    if (d->features & BP_FEATURE_BIT (f))
      n_features++;
  if (n < 4)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%u points are too few to train on: add some", n);
      return FALSE;
    }

  d->ds = bp_dataset_new (n, n_features, BP_FEATURES_F32, d->task,
                          d->task == BP_TASK_CLASSIFICATION ? d->n_classes : 1, err, sizeof err);
  if (d->ds == NULL)
    goto fail;
  d->ds->n_rows = n;
  xy = g_new (float, 2 * (size_t) n);
  for (guint i = 0; i < n; i++)
    {
      const BpHeatmapPoint *p = &g_array_index (d->points, BpHeatmapPoint, i);

      xy[2 * i] = p->x;
      xy[2 * i + 1] = p->y;
      if (d->task == BP_TASK_CLASSIFICATION)
        d->ds->labels[i] = p->label;
      else
        d->ds->targets[i] = p->target;
    }
  bp_pg_features_map (xy, (int) n, d->ds->x_f32, &d->features);
  for (int f = 0, j = 0; f < BP_N_FEATURES; f++)
    if (d->features & BP_FEATURE_BIT (f))
      {
        free (d->ds->feature_names[j]);
        d->ds->feature_names[j++] = strdup (feature_labels[f]);
      }

  if (d->split_kept ? split_from_flags (d, err, sizeof err) != 0
                    : bp_split_make (d->ds, 1.0 - CLAMP (d->params.train_ratio, 0.1, 0.9), 0.0,
                                     d->params.seed, &d->split, err, sizeof err) != 0)
    {
      g_clear_pointer (&d->ds, bp_dataset_free);
      goto fail;
    }
  if (bp_scaler_fit (d->ds, d->split.train, d->split.n_train, BP_SCALING_STANDARD, &d->scaler)
      != 0)
    {
      bp_split_free (&d->split);
      g_clear_pointer (&d->ds, bp_dataset_free);
      g_strlcpy (err, "out of memory", sizeof err);
      goto fail;
    }
  for (guint i = 0; i < n; i++)
    g_array_index (d->points, BpHeatmapPoint, i).test = FALSE;
  for (guint i = 0; i < d->split.n_val; i++)
    g_array_index (d->points, BpHeatmapPoint, d->split.val[i]).test = TRUE;
  d->split_kept = TRUE;
  d->built = TRUE;
  return TRUE;

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err);
  return FALSE;
}

gboolean
bp_pg_data_add_point (BpPgData *d, float x, float y, int label, float target)
{
  BpHeatmapPoint p = { x, y, -1, target, FALSE };

  if (d->task == BP_TASK_CLASSIFICATION)
    {
      if (label < 0 || label >= d->n_classes)
        return FALSE;
      p.label = label;
    }
  g_array_append_val (d->points, p);
  return TRUE;
}

gboolean
bp_pg_data_remove_near (BpPgData *d, float x, float y, float radius)
{
  int best = -1;
  float best_d2 = radius * radius;

  for (guint i = 0; i < d->points->len; i++)
    {
      const BpHeatmapPoint *p = &g_array_index (d->points, BpHeatmapPoint, i);
      float d2 = (p->x - x) * (p->x - x) + (p->y - y) * (p->y - y);

      if (d2 <= best_d2)
        {
          best_d2 = d2;
          best = (int) i;
        }
    }
  if (best < 0)
    return FALSE;
  g_array_remove_index (d->points, best);
  return TRUE;
}
