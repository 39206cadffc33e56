/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Playground input features for 2-D datasets. */
#include "data/feature_map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

static const char *const map_names[BP_FMAP_N] = {
  "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)",
};

const char *
bp_feature_map_name (unsigned map_bit)
{
  for (int b = 0; b < BP_FMAP_N; b++)
    if (map_bit == 1u << b)
      return map_names[b];
  return NULL;
}

int
bp_features_map_point (unsigned maps, float x1, float x2, float *out)
{
  const float v[BP_FMAP_N] = {
    x1, x2, x1 * x1, x2 * x2, x1 * x2, sinf (x1), sinf (x2),
  };
  int k = 0;
  for (int b = 0; b < BP_FMAP_N; b++)
    if (maps & (1u << b))
      out[k++] = v[b];
  return k;
}

bp_dataset *
bp_features_map (const bp_dataset *ds, unsigned maps, char *err, size_t errlen)
{
  maps &= BP_FMAP_ALL;
  if (ds->n_features != 2)
    {
      bp_data_err (err, errlen, "%s: feature maps need 2 features, the dataset has %d", ds->name,
                   ds->n_features);
      return NULL;
    }
  if (maps == 0)
    {
      bp_data_err (err, errlen, "choose at least one input feature");
      return NULL;
    }
  const int nf = __builtin_popcount (maps);
  const bool cls = ds->task == BP_TASK_CLASSIFICATION;
  bp_dataset *out = bp_dataset_new (ds->n_rows, nf, BP_FEATURES_F32, ds->task,
                                    cls ? ds->n_classes : ds->n_targets, err, errlen);
  if (out == NULL)
    return NULL;
  int rc = bp_dataset_set_text (out, ds->name, ds->source);
  for (int b = 0, j = 0; b < BP_FMAP_N; b++)
    if (maps & (1u << b))
      rc |= bp_dataset_set_feature_name (out, j++, map_names[b]);
  for (int c = 0; cls && c < ds->n_classes; c++)
    rc |= bp_dataset_set_class_name (out, c, ds->class_names[c]);
  for (int t = 0; !cls && t < ds->n_targets; t++)
    rc |= bp_dataset_set_target_name (out, t, ds->target_names[t]);
  if (rc != 0)
    {
      bp_dataset_free (out);
      bp_data_err (err, errlen, "out of memory");
      return NULL;
    }
  for (size_t i = 0; i < ds->n_rows; i++)
    bp_features_map_point (maps, bp_dataset_feature (ds, i, 0), bp_dataset_feature (ds, i, 1),
                           out->x_f32 + i * (size_t) nf);
  if (cls)
    memcpy (out->labels, ds->labels, ds->n_rows * sizeof *ds->labels);
  else
    memcpy (out->targets, ds->targets, ds->n_rows * (size_t) ds->n_targets * sizeof (float));
  return out;
}
