/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dataset an experiment names, ready for a session: loaded (built-in, synthetic with its
 * parameters, CSV or IDX with their options), features mapped, split, scaler fitted. */
#include "engine/experiment.h"

#include "data/feature_map.h"
#include "data/source.h"
#include "data/synth.h"
#include "engine/session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
bp_experiment_source_string (const bp_experiment_data *d)
{
  if (d->source == NULL)
    return NULL;
  if (strchr (d->source, ':') != NULL || bp_synth_kind_from_name (d->source) < 0)
    return strdup (d->source);
  /* The shortest noise text that reads back as the same double. */
  char noise[40];
  for (int prec = 1; prec <= 17; prec++)
    {
      snprintf (noise, sizeof noise, "%.*g", prec, d->synth.noise);
      if (strtod (noise, NULL) == d->synth.noise)
        break;
    }
  char buf[256];
  int at = snprintf (buf, sizeof buf, "%s:", d->source);
  if (d->synth.n > 0)
    at += snprintf (buf + at, sizeof buf - (size_t) at, "n=%d,", d->synth.n);
  if (d->synth.k > 0)
    at += snprintf (buf + at, sizeof buf - (size_t) at, "k=%d,", d->synth.k);
  snprintf (buf + at, sizeof buf - (size_t) at, "noise=%s,seed=%llu", noise,
            (unsigned long long) d->synth.seed);
  return strdup (buf);
}

void
bp_experiment_dataset_free (bp_experiment_dataset *d)
{
  if (d == NULL)
    return;
  bp_split_free (&d->split);
  if (d->scaler.n_features > 0)
    bp_scaler_free (&d->scaler);
  bp_dataset_free (d->ds);
  memset (d, 0, sizeof *d);
}

const bp_scaler *
bp_experiment_dataset_scaler (const bp_experiment_dataset *d)
{
  return d->scaler.n_features > 0 ? &d->scaler : NULL;
}

/* x1 and x2's range over the training rows, widened by 10%. */
static void
raw_plane (const bp_dataset *raw, const bp_split *split, float plane[4])
{
  float lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  for (uint32_t i = 0; i < split->n_train; i++)
    for (int j = 0; j < 2; j++)
      {
        float v = bp_dataset_feature (raw, split->train[i], j);
        lo[j] = fminf (lo[j], v);
        hi[j] = fmaxf (hi[j], v);
      }
  for (int j = 0; j < 2; j++)
    {
      float pad = (hi[j] - lo[j]) * 0.1f;
      if (!(pad > 0))
        pad = 1.0f;
      plane[2 * j] = lo[j] - pad;
      plane[2 * j + 1] = hi[j] + pad;
    }
}

int
bp_experiment_load_dataset (const bp_experiment *exp, bp_experiment_dataset *out, char *err,
                            size_t errlen)
{
  memset (out, 0, sizeof *out);
  const bp_experiment_data *d = &exp->data;
  if (d->source == NULL)
    {
      snprintf (err, errlen, "the experiment names no dataset (\"data\".\"source\")");
      return -1;
    }
  char *source = bp_experiment_source_string (d);
  if (source == NULL)
    {
      snprintf (err, errlen, "out of memory");
      return -1;
    }
  bp_source_options opts = {
    .csv = {
      .delimiter = d->delimiter,
      .header = d->header,
      .label = d->label,
      .task = d->task,
      .drop_bad_rows = d->drop_bad_rows,
    },
    .idx_labels = d->idx_labels,
  };
  bp_csv_info info = { 0 };
  bp_dataset *raw = bp_source_load (source, &opts, &info, err, errlen);
  free (source);
  out->csv = info;
  if (raw == NULL)
    return -1;
  out->rows_dropped = info.rows_dropped;
  memcpy (out->first_drop, info.first_drop, sizeof out->first_drop); /* both 256 bytes */
  bp_dataset *ds = raw;
  if (d->features != 0)
    {
      char msg[512];
      ds = bp_features_map (raw, d->features, msg, sizeof msg);
      if (ds == NULL)
        {
          snprintf (err, errlen, "\"data\".\"features\": %s", msg);
          bp_dataset_free (raw);
          return -1;
        }
    }
  int rc = bp_split_make (ds, d->val_ratio, d->test_ratio, d->split_seed, &out->split, err,
                          errlen);
  if (rc == 0 && d->scaling != BP_SCALING_NONE
      && bp_scaler_fit (ds, out->split.train, out->split.n_train, d->scaling, &out->scaler) != 0)
    {
      snprintf (err, errlen, "out of memory for the scaler");
      rc = -1;
    }
  if (rc == 0 && d->features != 0)
    {
      out->maps = d->features;
      raw_plane (raw, &out->split, out->plane);
    }
  if (ds != raw)
    bp_dataset_free (raw);
  out->ds = ds;
  if (rc != 0)
    bp_experiment_dataset_free (out);
  return rc;
}

/* The session's plane map: raw (x1, x2) -> the mapped features. */
static void
plane_map (const float *xy, int n, float *out, void *user)
{
  unsigned maps = *(const unsigned *) user;
  int width = 0;
  for (unsigned m = maps; m != 0; m &= m - 1)
    width++;
  for (int i = 0; i < n; i++)
    bp_features_map_point (maps, xy[2 * i], xy[2 * i + 1], out + (size_t) i * (size_t) width);
}

void
bp_experiment_dataset_configure (const bp_experiment_dataset *d, bp_session_config *cfg)
{
  if (d->maps == 0)
    return;
  cfg->plane_map = plane_map;
  cfg->plane_map_user = (void *) &d->maps;
  memcpy (cfg->plane, d->plane, sizeof cfg->plane);
}
