/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adding and removing single points. */
#include "data/points.h"

#include <math.h>
#include <string.h>

#include "data/internal.h"

long
bp_dataset_add_point (bp_dataset *ds, const float *x, int32_t label, const float *targets,
                      char *err, size_t errlen)
{
  if (ds->storage != BP_FEATURES_F32)
    {
      bp_data_err (err, errlen, "%s: points can only be added to float datasets", ds->name);
      return -1;
    }
  if (ds->task == BP_TASK_CLASSIFICATION && (label < 0 || label >= ds->n_classes))
    {
      bp_data_err (err, errlen, "%s: class %d does not exist (0 to %d)", ds->name, (int) label,
                   ds->n_classes - 1);
      return -1;
    }
  if (ds->task == BP_TASK_REGRESSION && targets == NULL)
    {
      bp_data_err (err, errlen, "%s: a regression point needs its target", ds->name);
      return -1;
    }
  for (int j = 0; j < ds->n_features; j++)
    if (!isfinite (x[j]))
      {
        bp_data_err (err, errlen, "%s: feature %d of the new point is not finite", ds->name,
                     j + 1);
        return -1;
      }
  for (int t = 0; ds->task == BP_TASK_REGRESSION && t < ds->n_targets; t++)
    if (!isfinite (targets[t]))
      {
        bp_data_err (err, errlen, "%s: target %d of the new point is not finite", ds->name,
                     t + 1);
        return -1;
      }
  if (ds->n_rows == ds->capacity_rows
      && bp_dataset_reserve (ds, ds->capacity_rows ? ds->capacity_rows * 2 : 64, err, errlen)
           != 0)
    return -1;
  const size_t i = ds->n_rows, nf = (size_t) ds->n_features, nt = (size_t) ds->n_targets;
  memcpy (ds->x_f32 + i * nf, x, nf * sizeof *x);
  if (ds->task == BP_TASK_CLASSIFICATION)
    ds->labels[i] = label;
  else
    memcpy (ds->targets + i * nt, targets, nt * sizeof *targets);
  ds->n_rows++;
  return (long) i;
}

int
bp_dataset_remove_row (bp_dataset *ds, size_t i)
{
  if (i >= ds->n_rows)
    return -1;
  const size_t after = ds->n_rows - i - 1, nf = (size_t) ds->n_features;
  if (ds->storage == BP_FEATURES_U8)
    memmove (ds->x_u8 + i * nf, ds->x_u8 + (i + 1) * nf, after * nf);
  else
    memmove (ds->x_f32 + i * nf, ds->x_f32 + (i + 1) * nf, after * nf * sizeof (float));
  if (ds->task == BP_TASK_CLASSIFICATION)
    memmove (ds->labels + i, ds->labels + i + 1, after * sizeof *ds->labels);
  else
    {
      const size_t nt = (size_t) ds->n_targets;
      memmove (ds->targets + i * nt, ds->targets + (i + 1) * nt, after * nt * sizeof (float));
    }
  ds->n_rows--;
  return 0;
}

long
bp_dataset_nearest (const bp_dataset *ds, float x1, float x2, float max_dist)
{
  if (ds->n_features < 2)
    return -1;
  long best = -1;
  double best_d2 = max_dist < 0 ? INFINITY : (double) max_dist * max_dist;
  for (size_t i = 0; i < ds->n_rows; i++)
    {
      double dx = bp_dataset_feature (ds, i, 0) - x1, dy = bp_dataset_feature (ds, i, 1) - x2;
      double d2 = dx * dx + dy * dy;
      if (d2 < best_d2 || (best < 0 && d2 <= best_d2))
        {
          best = (long) i;
          best_d2 = d2;
        }
    }
  return best;
}

long
bp_dataset_remove_nearest (bp_dataset *ds, float x1, float x2, float max_dist)
{
  long i = bp_dataset_nearest (ds, x1, x2, max_dist);
  if (i >= 0)
    bp_dataset_remove_row (ds, (size_t) i);
  return i;
}
