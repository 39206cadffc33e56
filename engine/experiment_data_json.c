/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "data" object of an experiment: which dataset, its loader options, the features, the
 * split and the scaling (docs/experiment-format.md). */
#include "engine/experiment_private.h"

#include "data/feature_map.h"
#include "data/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int) (sizeof (a) / sizeof (a)[0]))
#define MAX_PATH_TEXT 4096

static const char *const task_names[] = { "auto", "classification", "regression" };
static const char *const header_names[] = { "auto", "yes", "no" };
static const char *const scaling_names[] = { "none", "standard", "minmax" };

static const char *
task_name_of (int v)
{
  return v >= 0 && v < N_OF (task_names) ? task_names[v] : NULL;
}

static const char *
header_name_of (int v)
{
  return v >= 0 && v < N_OF (header_names) ? header_names[v] : NULL;
}

static const char *
scaling_name_of (int v)
{
  return v >= 0 && v < N_OF (scaling_names) ? scaling_names[v] : NULL;
}

static const char *
feature_name_of (int v)
{
  return v >= 0 && v < BP_FMAP_N ? bp_feature_map_name (1u << v) : NULL;
}

/* The synthetic kind a source names without inline parameters, or -1. */
static int
synth_kind_of (const char *source)
{
  if (source == NULL || strchr (source, ':') != NULL)
    return -1;
  return bp_synth_kind_from_name (source);
}

/* A string field naming a value among names (the enum's order). 1, 0 absent, -1 error. */
static int
read_choice (bp_spec_reader *r, const cJSON *obj, const char *key, const char *what,
             bp_spec_name_of name_of, int n, int *out)
{
  const char *s;
  int got = bp_spec_read_string (r, obj, key, &s);
  if (got <= 0)
    return got;
  bp_spec_reader sub = *r;
  /* Messages say "data"."task": unknown task ...; a prefix too long is cut, not overrun. */
  if (snprintf (sub.prefix, sizeof sub.prefix, "%s\"%s\".\"%s\": ", r->prefix, r->section,
                key) < 0)
    sub.prefix[0] = '\0';
  return bp_spec_read_enum (&sub, what, s, name_of, n, out) < 0 ? -1 : 1;
}

/* A double in [lo, hi) (hi_open) or [lo, hi]. 1, 0, -1. */
static int
read_double (bp_spec_reader *r, const cJSON *obj, const char *key, double lo, double hi,
             bool hi_open, double *out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  double x = cJSON_IsNumber (v) ? v->valuedouble : NAN;
  if (isfinite (x) && x >= lo && (hi_open ? x < hi : x <= hi))
    {
      *out = x;
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be a number >= %g and %s %g, got %s", lo, hi_open ? "<" : "<=",
                     hi, bp_spec_describe (v, got, sizeof got));
  return -1;
}

/* A path or name: 1 to 4096 bytes, no control characters. */
static int
read_text (bp_spec_reader *r, const cJSON *obj, const char *key, const char **out)
{
  int got = bp_spec_read_string (r, obj, key, out);
  if (got <= 0)
    return got;
  size_t n = strlen (*out);
  bool ok = n > 0 && n <= MAX_PATH_TEXT;
  for (size_t i = 0; ok && i < n; i++)
    ok = (unsigned char) (*out)[i] >= 0x20 && (*out)[i] != 0x7f;
  if (!ok)
    {
      bp_spec_say_field (r, key, "must be 1 to %d characters, none of them control characters",
                         MAX_PATH_TEXT);
      return -1;
    }
  return 1;
}

static int
read_params (bp_spec_reader *r, const cJSON *v, bp_experiment_synth *p)
{
  char got[96];
  if (!cJSON_IsObject (v))
    {
      bp_spec_say_field (r, "params", "must be an object, got %s",
                         bp_spec_describe (v, got, sizeof got));
      return -1;
    }
  bp_spec_reader sub = *r;
  sub.section = "data\".\"params";
  static const char *const keys[] = { "n", "noise", "seed", "k" };
  if (bp_spec_read_keys (&sub, v, keys, N_OF (keys)) < 0
      || bp_spec_read_int (&sub, v, "n", 1, BP_SYNTH_MAX_POINTS, &p->n) < 0
      || read_double (&sub, v, "noise", 0.0, 0.5, false, &p->noise) < 0
      || bp_experiment_read_u64 (&sub, v, "seed", UINT64_MAX, &p->seed) < 0
      || bp_spec_read_int (&sub, v, "k", 2, BP_SYNTH_MAX_CLASSES, &p->k) < 0)
    return -1;
  return 0;
}

static int
read_split (bp_spec_reader *r, const cJSON *v, bp_experiment_data *d)
{
  char got[96];
  if (!cJSON_IsObject (v))
    {
      bp_spec_say_field (r, "split", "must be an object {\"val\": ..., \"test\": ..., "
                         "\"seed\": ...}, got %s", bp_spec_describe (v, got, sizeof got));
      return -1;
    }
  bp_spec_reader sub = *r;
  sub.section = "data\".\"split";
  static const char *const keys[] = { "val", "test", "seed" };
  if (bp_spec_read_keys (&sub, v, keys, N_OF (keys)) < 0
      || read_double (&sub, v, "val", 0.0, 1.0, true, &d->val_ratio) < 0
      || read_double (&sub, v, "test", 0.0, 1.0, true, &d->test_ratio) < 0
      || bp_experiment_read_u64 (&sub, v, "seed", UINT64_MAX, &d->split_seed) < 0)
    return -1;
  if (d->val_ratio + d->test_ratio >= 1.0)
    {
      bp_spec_say (r, "\"data\".\"split\": val %g and test %g leave no training rows",
                   d->val_ratio, d->test_ratio);
      return -1;
    }
  return 0;
}

static int
read_features (bp_spec_reader *r, const cJSON *v, unsigned *maps)
{
  char got[96];
  if (!cJSON_IsArray (v) || cJSON_GetArraySize (v) == 0)
    {
      bp_spec_say_field (r, "features", "must be a list of feature names such as [\"x1\", "
                         "\"x2\", \"x1^2\"], got %s", bp_spec_describe (v, got, sizeof got));
      return -1;
    }
  bp_spec_reader sub = *r;
  snprintf (sub.prefix, sizeof sub.prefix, "%s\"data\".\"features\": ", r->prefix);
  unsigned m = 0;
  for (const cJSON *f = v->child; f != NULL; f = f->next)
    {
      int bit = -1;
      if (!cJSON_IsString (f))
        {
          bp_spec_say (&sub, "%s is not a feature name", bp_spec_describe (f, got, sizeof got));
          return -1;
        }
      if (bp_spec_read_enum (&sub, "feature", f->valuestring, feature_name_of, BP_FMAP_N, &bit)
          < 0)
        return -1;
      if (m & (1u << bit))
        {
          bp_spec_say (&sub, "\"%s\" appears twice", f->valuestring);
          return -1;
        }
      m |= 1u << bit;
    }
  *maps = m;
  return 0;
}

/* Stores a path field, joined to base_dir when relative. */
static int
set_path (bp_spec_reader *r, char **field, const char *stored, const char *base_dir)
{
  free (*field);
  *field = bp_experiment_path_from_file (stored, base_dir);
  if (*field == NULL)
    {
      bp_spec_say (r, "out of memory");
      return -1;
    }
  return 0;
}

/* CSV and IDX options make sense for files only. */
static int
refuse_for_builtin (bp_spec_reader *r, const cJSON *obj, const char *source)
{
  static const char *const file_keys[] = { "label", "task", "header", "delimiter",
                                           "drop_bad_rows", "idx_labels" };
  for (int i = 0; i < N_OF (file_keys); i++)
    if (cJSON_GetObjectItemCaseSensitive (obj, file_keys[i]) != NULL)
      {
        bp_spec_say_field (r, file_keys[i], "applies to CSV and IDX files, not to the built-in "
                           "dataset \"%s\"", source);
        return -1;
      }
  return 0;
}

static int
read_file_options (bp_spec_reader *r, const cJSON *obj, const char *base_dir,
                   bp_experiment_data *d)
{
  const cJSON *label = cJSON_GetObjectItemCaseSensitive (obj, "label");
  const char *s = NULL;
  char buf[32], got[96];
  if (label != NULL && cJSON_IsNumber (label))
    {
      double v = label->valuedouble;
      if (!(v == floor (v) && fabs (v) >= 1 && fabs (v) <= BP_DATASET_MAX_FEATURES + 1))
        {
          bp_spec_say_field (r, "label", "must be a column name or a column number from 1 (or "
                             "from -1 counting from the end), got %s",
                             bp_spec_describe (label, got, sizeof got));
          return -1;
        }
      snprintf (buf, sizeof buf, "%.0f", v);
      s = buf;
    }
  else if (read_text (r, obj, "label", &s) < 0)
    return -1;
  if (s != NULL && (d->label = strdup (s)) == NULL)
    {
      bp_spec_say (r, "out of memory");
      return -1;
    }
  int task = d->task, header = d->header;
  if (read_choice (r, obj, "task", "task", task_name_of, N_OF (task_names), &task) < 0
      || read_choice (r, obj, "header", "header setting", header_name_of, N_OF (header_names),
                      &header) < 0
      || bp_spec_read_bool (r, obj, "drop_bad_rows", &d->drop_bad_rows) < 0)
    return -1;
  d->task = (bp_csv_task) task;
  d->header = (bp_csv_header) header;
  if (bp_spec_read_string (r, obj, "delimiter", &s) > 0)
    {
      if (strcmp (s, "auto") == 0)
        d->delimiter = 0;
      else if (strlen (s) == 1 && strchr (",;\t| ", s[0]) != NULL)
        d->delimiter = s[0];
      else
        {
          bp_spec_say_field (r, "delimiter", "must be \",\", \";\", \"\\t\", \"|\", \" \" or "
                             "\"auto\", got %s",
                             bp_spec_describe (cJSON_GetObjectItemCaseSensitive (obj, "delimiter"),
                                               got, sizeof got));
          return -1;
        }
    }
  else if (cJSON_GetObjectItemCaseSensitive (obj, "delimiter") != NULL)
    return -1;
  s = NULL;
  if (read_text (r, obj, "idx_labels", &s) < 0
      || (s != NULL && set_path (r, &d->idx_labels, s, base_dir) < 0))
    return -1;
  return 0;
}

int
bp_experiment_read_data (const cJSON *obj, const char *base_dir, bp_experiment_data *d,
                         char *err, size_t errlen)
{
  bp_spec_reader r = { .err = err, .errlen = errlen, .section = "data" };
  char got[96];
  if (!cJSON_IsObject (obj))
    {
      bp_spec_say (&r, "\"data\" must be an object, got %s",
                   bp_spec_describe (obj, got, sizeof got));
      return -1;
    }
  static const char *const keys[] = { "source", "params", "label", "task", "header",
                                      "delimiter", "drop_bad_rows", "idx_labels", "features",
                                      "split", "scaling" };
  if (bp_spec_read_keys (&r, obj, keys, N_OF (keys)) < 0)
    return -1;
  const char *source = NULL;
  if (read_text (&r, obj, "source", &source) < 0)
    return -1;
  const cJSON *params = cJSON_GetObjectItemCaseSensitive (obj, "params");
  if (source == NULL)
    {
      static const char *const needs_source[] = { "params", "label", "task", "header",
                                                  "delimiter", "drop_bad_rows", "idx_labels" };
      for (int i = 0; i < N_OF (needs_source); i++)
        if (cJSON_GetObjectItemCaseSensitive (obj, needs_source[i]) != NULL)
          {
            bp_spec_say_field (&r, needs_source[i], "needs a \"source\"");
            return -1;
          }
    }
  else if (bp_experiment_source_is_builtin (source))
    {
      if (refuse_for_builtin (&r, obj, source) < 0)
        return -1;
      if (params != NULL && synth_kind_of (source) < 0)
        {
          bp_spec_say_field (&r, "params", "applies to the synthetic datasets only (%s)",
                             strchr (source, ':') != NULL
                               ? "here the source already has its parameters after ':'"
                               : "not to this one");
          return -1;
        }
      if (params != NULL && read_params (&r, params, &d->synth) < 0)
        return -1;
      if ((d->source = strdup (source)) == NULL)
        {
          bp_spec_say (&r, "out of memory");
          return -1;
        }
    }
  else
    {
      if (params != NULL)
        {
          bp_spec_say_field (&r, "params", "applies to the synthetic datasets only, and "
                             "\"%s\" is not one of them (nor any built-in name)", source);
          return -1;
        }
      if (set_path (&r, &d->source, source, base_dir) < 0
          || read_file_options (&r, obj, base_dir, d) < 0)
        return -1;
    }
  const cJSON *v;
  if ((v = cJSON_GetObjectItemCaseSensitive (obj, "features")) != NULL
      && read_features (&r, v, &d->features) < 0)
    return -1;
  if ((v = cJSON_GetObjectItemCaseSensitive (obj, "split")) != NULL && read_split (&r, v, d) < 0)
    return -1;
  int scaling = d->scaling;
  if (read_choice (&r, obj, "scaling", "scaling", scaling_name_of, N_OF (scaling_names),
                   &scaling) < 0)
    return -1;
  d->scaling = (bp_scaling) scaling;
  return 0;
}

/* ---- the writer ---- */

static bool
add_file_options (cJSON *o, const bp_experiment_data *d, const char *base_dir)
{
  bool ok = true;
  if (d->label != NULL)
    ok = cJSON_AddStringToObject (o, "label", d->label) != NULL;
  char delim[2] = { d->delimiter, '\0' };
  ok = ok && cJSON_AddStringToObject (o, "task", task_name_of (d->task)) != NULL
       && cJSON_AddStringToObject (o, "header", header_name_of (d->header)) != NULL
       && cJSON_AddStringToObject (o, "delimiter", d->delimiter ? delim : "auto") != NULL
       && cJSON_AddBoolToObject (o, "drop_bad_rows", d->drop_bad_rows) != NULL;
  if (ok && d->idx_labels != NULL)
    {
      char *p = base_dir ? bp_experiment_path_for_file (d->idx_labels, base_dir)
                         : strdup (d->idx_labels);
      ok = p != NULL && cJSON_AddStringToObject (o, "idx_labels", p) != NULL;
      free (p);
    }
  return ok;
}

cJSON *
bp_experiment_data_to_cjson (const bp_experiment_data *d, const char *base_dir)
{
  cJSON *o = cJSON_CreateObject ();
  bool ok = o != NULL;
  if (ok && d->source != NULL && bp_experiment_source_is_builtin (d->source))
    {
      ok = cJSON_AddStringToObject (o, "source", d->source) != NULL;
      if (ok && synth_kind_of (d->source) >= 0)
        {
          cJSON *p = cJSON_AddObjectToObject (o, "params");
          ok = p != NULL && (d->synth.n <= 0 || cJSON_AddNumberToObject (p, "n", d->synth.n))
               && cJSON_AddNumberToObject (p, "noise", d->synth.noise) != NULL
               && bp_experiment_add_u64 (p, "seed", d->synth.seed)
               && (d->synth.k <= 0 || cJSON_AddNumberToObject (p, "k", d->synth.k));
        }
    }
  else if (ok && d->source != NULL)
    {
      char *p = base_dir ? bp_experiment_path_for_file (d->source, base_dir) : strdup (d->source);
      ok = p != NULL && cJSON_AddStringToObject (o, "source", p) != NULL
           && add_file_options (o, d, base_dir);
      free (p);
    }
  if (ok && d->features != 0)
    {
      cJSON *f = cJSON_AddArrayToObject (o, "features");
      for (int b = 0; ok && b < BP_FMAP_N; b++)
        if (d->features & (1u << b))
          ok = f != NULL && cJSON_AddItemToArray (f, cJSON_CreateString (feature_name_of (b)));
    }
  cJSON *split = ok ? cJSON_AddObjectToObject (o, "split") : NULL;
  ok = split != NULL && cJSON_AddNumberToObject (split, "val", d->val_ratio) != NULL
       && cJSON_AddNumberToObject (split, "test", d->test_ratio) != NULL
       && bp_experiment_add_u64 (split, "seed", d->split_seed)
       && scaling_name_of (d->scaling) != NULL
       && cJSON_AddStringToObject (o, "scaling", scaling_name_of (d->scaling)) != NULL;
  if (!ok)
    {
      cJSON_Delete (o);
      return NULL;
    }
  return o;
}
