/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-train's set-up: the experiment file, the spec (given or a default network for the
 * data), the split, the scaler and the session's configuration. */
#include "app/cli-train-private.h"

#include <cjson/cJSON.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/blas.h"

void
bp_cli_train_options_init (bp_cli_train_options *o)
{
  memset (o, 0, sizeof *o);
  o->epochs = -1;
  o->steps = -1;
  o->val_ratio = -1;
  o->test_ratio = -1;
}

static char *
read_text (const char *path, size_t *len, char *err, size_t errlen)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      snprintf (err, errlen, "%s: cannot open: %m", path);
      return NULL;
    }
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;)
    {
      if (n + 4096 + 1 > cap)
        {
          cap = cap ? cap * 2 : 65536;
          if (cap > ((size_t) 8 << 20) + 65536)
            {
              snprintf (err, errlen, "%s: larger than 8 MiB; not an experiment file", path);
              free (buf);
              fclose (f);
              return NULL;
            }
          char *nb = realloc (buf, cap);
          if (nb == NULL)
            {
              snprintf (err, errlen, "%s: out of memory", path);
              free (buf);
              fclose (f);
              return NULL;
            }
          buf = nb;
        }
      size_t k = fread (buf + n, 1, cap - n - 1, f);
      n += k;
      if (k == 0)
        break;
    }
  fclose (f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* path relative to the experiment file's folder (unless absolute); caller frees. */
static char *
beside (const char *experiment, const char *path)
{
  if (path[0] == '/' || experiment == NULL)
    return strdup (path);
  char *copy = strdup (experiment);
  const char *dir = dirname (copy);
  size_t n = strlen (dir) + strlen (path) + 2;
  char *out = malloc (n);
  snprintf (out, n, "%s/%s", dir, path);
  free (copy);
  return out;
}

static bool
number_field (const cJSON *o, const char *name, double lo, double hi, double *out,
              const char *file, char *err, size_t errlen)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, name);
  if (v == NULL)
    return true;
  if (!cJSON_IsNumber (v) || !(v->valuedouble >= lo && v->valuedouble < hi))
    {
      snprintf (err, errlen, "%s: data.%s must be a number in [%g, %g)", file, name, lo, hi);
      return false;
    }
  *out = v->valuedouble;
  return true;
}

/* Reads EXPERIMENT.json: {"spec": {...} or "spec.json", "data": "SOURCE" or {"source",
 * "label", "task", "val_ratio", "test_ratio", "scaling", "drop_bad_rows"}}. Command-line
 * options win over what it says. */
static int
read_experiment (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                 char *err, size_t errlen)
{
  size_t len;
  char *text = read_text (o->experiment, &len, err, errlen);
  if (text == NULL)
    return -1;
  p->exp = cJSON_ParseWithLength (text, len);
  free (text);
  const char *f = o->experiment;
  if (!cJSON_IsObject (p->exp))
    {
      snprintf (err, errlen, "%s: not a JSON object", f);
      return -1;
    }
  for (const cJSON *it = p->exp->child; it != NULL; it = it->next)
    if (strcmp (it->string, "format") != 0 && strcmp (it->string, "version") != 0
        && strcmp (it->string, "spec") != 0 && strcmp (it->string, "data") != 0
        && strcmp (it->string, "meta") != 0)
      {
        snprintf (err, errlen, "%s: unknown field \"%s\"", f, it->string);
        return -1;
      }
  const cJSON *spec = cJSON_GetObjectItemCaseSensitive (p->exp, "spec");
  if (o->spec == NULL && cJSON_IsString (spec))
    {
      p->spec_path = beside (f, spec->valuestring);
    }
  else if (o->spec == NULL && cJSON_IsObject (spec))
    {
      char *json = cJSON_PrintUnformatted (spec);
      char msg[512];
      p->spec = bp_spec_parse (json, strlen (json), msg, sizeof msg);
      free (json);
      if (p->spec == NULL)
        {
          snprintf (err, errlen, "%s: spec: %s", f, msg);
          return -1;
        }
    }
  else if (spec != NULL && o->spec == NULL)
    {
      snprintf (err, errlen, "%s: \"spec\" must be an object or a file name", f);
      return -1;
    }
  const cJSON *d = cJSON_GetObjectItemCaseSensitive (p->exp, "data");
  const cJSON *src = cJSON_IsObject (d) ? cJSON_GetObjectItemCaseSensitive (d, "source") : d;
  if (d != NULL && !cJSON_IsString (src))
    {
      snprintf (err, errlen, "%s: \"data\" must be a source name or an object with \"source\"", f);
      return -1;
    }
  if (data->source == NULL && src != NULL)
    {
      /* A file next to the experiment, or a built-in name as written. */
      char *path = beside (f, src->valuestring);
      FILE *probe = fopen (path, "rb");
      if (probe != NULL)
        {
          fclose (probe);
          p->data_source = path;
        }
      else
        {
          free (path);
          p->data_source = strdup (src->valuestring);
        }
      data->source = p->data_source;
    }
  if (cJSON_IsObject (d))
    {
      const cJSON *v;
      if ((v = cJSON_GetObjectItemCaseSensitive (d, "label")) && data->label == NULL)
        data->label = cJSON_IsString (v) ? v->valuestring : NULL;
      if ((v = cJSON_GetObjectItemCaseSensitive (d, "task")) && cJSON_IsString (v)
          && !bp_cli_parse_task (v->valuestring, &data->task))
        {
          snprintf (err, errlen, "%s: data.task must be classification or regression", f);
          return -1;
        }
      if ((v = cJSON_GetObjectItemCaseSensitive (d, "drop_bad_rows")) && cJSON_IsTrue (v))
        data->drop_bad_rows = true;
      if ((v = cJSON_GetObjectItemCaseSensitive (d, "scaling")) && cJSON_IsString (v))
        p->scaling = v->valuestring;
      if (!number_field (d, "val_ratio", 0, 1, &p->val_ratio, f, err, errlen)
          || !number_field (d, "test_ratio", 0, 1, &p->test_ratio, f, err, errlen))
        return -1;
    }
  return 0;
}

/* The Playground's net for 2-D sets, an MLP otherwise; sized for the data's outputs. */
static bp_spec *
default_spec (const bp_dataset *ds, char *err, size_t errlen)
{
  bool two_d = ds->n_features == 2 && ds->image_width == 0;
  bool cls = ds->task == BP_TASK_CLASSIFICATION;
  int outputs = cls ? (ds->n_classes == 2 ? 1 : ds->n_classes) : ds->n_targets;
  const char *loss = !cls ? "mse" : ds->n_classes == 2 ? "bce" : "cross_entropy";
  int h1 = two_d ? 8 : ds->n_features >= 64 ? 256 : 64;
  int h2 = two_d ? 8 : ds->n_features >= 64 ? 128 : 32;
  char json[1024];
  snprintf (json, sizeof json,
            "{\"input\":{\"shape\":[%d]},\"layers\":["
            "{\"type\":\"dense\",\"name\":\"hidden_1\",\"units\":%d,\"activation\":\"%s\"},"
            "{\"type\":\"dense\",\"name\":\"hidden_2\",\"units\":%d,\"activation\":\"%s\"},"
            "{\"type\":\"dense\",\"name\":\"out\",\"units\":%d}],"
            "\"loss\":\"%s\",\"optimizer\":%s,"
            "\"training\":{\"batch_size\":%d,\"epochs\":%d,\"seed\":1}}",
            ds->n_features, h1, two_d ? "tanh" : "relu", h2, two_d ? "tanh" : "relu", outputs,
            loss, two_d ? "{\"type\":\"sgd\",\"lr\":0.03}" : "{\"type\":\"adam\",\"lr\":0.001}",
            two_d ? 10 : ds->n_features >= 64 ? 64 : 32, two_d ? 200 : 10);
  return bp_spec_parse (json, strlen (json), err, errlen);
}

static bool
scaling_from (const char *name, const bp_dataset *ds, bp_scaling *out)
{
  if (name == NULL)
    {
      /* Images are already in [0, 1]; everything else gets zero mean and unit variance. */
      *out = ds->storage == BP_FEATURES_U8 ? BP_SCALING_NONE : BP_SCALING_STANDARD;
      return true;
    }
  if (strcmp (name, "none") == 0)
    *out = BP_SCALING_NONE;
  else if (strcmp (name, "standard") == 0)
    *out = BP_SCALING_STANDARD;
  else if (strcmp (name, "minmax") == 0)
    *out = BP_SCALING_MINMAX;
  else
    return false;
  return true;
}

void
bp_cli_plan_free (cli_plan *p)
{
  bp_spec_free (p->spec);
  bp_dataset_free (p->ds);
  bp_split_free (&p->split);
  if (p->have_scaler)
    bp_scaler_free (&p->scaler);
  cJSON_Delete (p->exp);
  free (p->spec_path);
  free (p->data_source);
}

int
bp_cli_plan_make (cli_plan *p, const bp_cli_train_options *o, bp_cli_data_options *data,
                  FILE *err)
{
  char msg[1024] = "";
  p->val_ratio = 0.2;
  p->test_ratio = 0.0;
  if (o->experiment != NULL && read_experiment (p, o, data, msg, sizeof msg) != 0)
    goto bad;
  if (data->source == NULL)
    {
      snprintf (msg, sizeof msg, "backprop-train: no dataset: use --data SOURCE or an "
                "experiment file (see --help)");
      goto bad;
    }
  if (o->spec != NULL || p->spec_path != NULL)
    {
      p->spec = bp_spec_parse_file (o->spec ? o->spec : p->spec_path, msg, sizeof msg);
      if (p->spec == NULL)
        goto bad;
    }
  p->ds = bp_cli_load_data (data, err);
  if (p->ds == NULL)
    return BP_EXIT_USAGE;
  if (p->spec == NULL && (p->spec = default_spec (p->ds, msg, sizeof msg)) == NULL)
    goto bad;
  if (o->val_ratio >= 0)
    p->val_ratio = o->val_ratio;
  if (o->test_ratio >= 0)
    p->test_ratio = o->test_ratio;
  uint64_t seed = o->have_seed ? o->seed : p->spec->seed;
  if (bp_split_make (p->ds, p->val_ratio, p->test_ratio, seed, &p->split, msg, sizeof msg) != 0)
    goto bad;
  bp_scaling how;
  if (!scaling_from (o->scaling ? o->scaling : p->scaling, p->ds, &how))
    {
      snprintf (msg, sizeof msg, "backprop-train: scaling '%s': use none, standard or minmax",
                o->scaling ? o->scaling : p->scaling);
      goto bad;
    }
  if (how != BP_SCALING_NONE)
    {
      if (bp_scaler_fit (p->ds, p->split.train, p->split.n_train, how, &p->scaler) != 0)
        {
          fprintf (err, "backprop-train: out of memory\n");
          return BP_EXIT_FAILURE;
        }
      p->have_scaler = true;
    }
  if (o->threads > 0)
    bp_blas_set_threads (o->threads);
  return 0;
bad:
  fprintf (err, "%s\n", msg);
  return BP_EXIT_USAGE;
}

void
bp_cli_plan_config (const cli_plan *p, const bp_cli_train_options *o, bp_session_config *cfg)
{
  bp_session_config_defaults (cfg, p->spec);
  if (o->have_seed)
    cfg->seed = o->seed;
  if (o->batch_size > 0)
    cfg->batch_size = o->batch_size;
  if (o->lr > 0)
    cfg->optim.lr = (float) o->lr;
  if (o->epochs >= 0)
    cfg->max_epochs = o->epochs;
  else if (o->steps >= 0)
    cfg->max_epochs = 0; /* --steps alone: as many epochs as the steps take */
  if (o->steps >= 0)
    cfg->max_steps = (uint64_t) o->steps;
  /* Room in the metric log for the whole run when it is bounded. */
  uint64_t per_epoch = (p->split.n_train + (uint64_t) cfg->batch_size - 1)
                       / (uint64_t) cfg->batch_size;
  uint64_t need = cfg->max_steps > 0 ? cfg->max_steps
                  : cfg->max_epochs > 0 ? per_epoch * (uint64_t) cfg->max_epochs : 0;
  if (need + 1 > cfg->max_log_steps)
    cfg->max_log_steps = need + 1 < BP_METRIC_LOG_MAX_STEPS ? need + 1 : BP_METRIC_LOG_MAX_STEPS;
  /* Nobody looks at snapshots here: skip the grids, keep histograms rare. */
  cfg->snapshots.grid = false;
  cfg->snapshots.neurons = false;
  cfg->snapshots.histograms = false;
  cfg->snapshots.weights = false;
  cfg->snapshots.interval_s = 3600;
  cfg->history_every = 0;
}
