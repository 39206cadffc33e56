/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiments in memory: lifecycle, defaults, weights to and from a network, and the session
 * configuration they give. Files are experiment_io.c, JSON is experiment_json.c. */
#include "engine/experiment.h"

#include "engine/layer.h"
#include "engine/net.h"
#include "engine/session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bp_experiment_data_defaults (bp_experiment_data *d)
{
  memset (d, 0, sizeof *d);
  d->synth.seed = 1;
  d->task = BP_CSV_TASK_AUTO;
  d->header = BP_CSV_HEADER_AUTO;
  d->val_ratio = BP_SPLIT_CLI_VAL_RATIO; /* backprop-train's, data/split.h says why */
  d->test_ratio = BP_SPLIT_CLI_TEST_RATIO;
  d->split_seed = 1;
  d->scaling = BP_SCALING_NONE;
}

void
bp_experiment_training_defaults (bp_experiment_training *t)
{
  memset (t, 0, sizeof *t);
  t->shuffle = true;
  bp_schedule_defaults (&t->schedule, BP_SCHEDULE_CONSTANT);
  bp_early_stop_defaults (&t->early_stop);
  bp_plateau_defaults (&t->plateau);
}

bp_experiment *
bp_experiment_new (const bp_spec *spec)
{
  if (spec == NULL)
    return NULL;
  bp_experiment *exp = calloc (1, sizeof *exp);
  if (exp == NULL)
    return NULL;
  exp->spec = bp_spec_copy (spec);
  if (exp->spec == NULL)
    {
      free (exp);
      return NULL;
    }
  bp_experiment_data_defaults (&exp->data);
  bp_experiment_training_defaults (&exp->training);
  return exp;
}

static void
free_tensors (bp_experiment_tensor *t, int n)
{
  for (int i = 0; t != NULL && i < n; i++)
    {
      free (t[i].name);
      free (t[i].data);
    }
  free (t);
}

void
bp_experiment_clear_weights (bp_experiment *exp)
{
  free_tensors (exp->weights, exp->n_weights);
  exp->weights = NULL;
  exp->n_weights = 0;
}

void
bp_experiment_free (bp_experiment *exp)
{
  if (exp == NULL)
    return;
  bp_experiment_clear_weights (exp);
  bp_spec_free (exp->spec);
  free (exp->title);
  free (exp->description);
  free (exp->data.source);
  free (exp->data.label);
  free (exp->data.idx_labels);
  free (exp);
}

/* strdup that keeps NULL; *ok becomes false when memory runs out. */
static char *
dup_or_null (const char *s, bool *ok)
{
  if (s == NULL)
    return NULL;
  char *d = strdup (s);
  if (d == NULL)
    *ok = false;
  return d;
}

static int64_t
tensor_numel (int rank, const int64_t *dims)
{
  int64_t n = 1;
  for (int d = 0; d < rank; d++)
    n *= dims[d];
  return n;
}

/* Deep copies of n tensors; NULL when out of memory (or n is 0). */
static bp_experiment_tensor *
copy_tensors (const bp_st_tensor *src, int n)
{
  bp_experiment_tensor *t = calloc ((size_t) n + 1, sizeof *t);
  if (t == NULL)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      size_t count = (size_t) tensor_numel (src[i].rank, src[i].dims);
      t[i].name = strdup (src[i].name);
      t[i].data = malloc (count ? count * sizeof (float) : sizeof (float));
      t[i].rank = src[i].rank;
      memcpy (t[i].dims, src[i].dims, sizeof t[i].dims);
      if (t[i].name == NULL || t[i].data == NULL)
        {
          free_tensors (t, i + 1);
          return NULL;
        }
      memcpy (t[i].data, src[i].data, count * sizeof (float));
    }
  return t;
}

bp_experiment *
bp_experiment_copy (const bp_experiment *exp)
{
  if (exp == NULL)
    return NULL;
  bp_experiment *c = bp_experiment_new (exp->spec);
  if (c == NULL)
    return NULL;
  bool ok = true;
  c->data = exp->data;
  c->data.source = dup_or_null (exp->data.source, &ok);
  c->data.label = dup_or_null (exp->data.label, &ok);
  c->data.idx_labels = dup_or_null (exp->data.idx_labels, &ok);
  c->training = exp->training;
  c->title = dup_or_null (exp->title, &ok);
  c->description = dup_or_null (exp->description, &ok);
  if (ok && exp->n_weights > 0)
    {
      bp_st_tensor *view = calloc ((size_t) exp->n_weights, sizeof *view);
      for (int i = 0; view != NULL && i < exp->n_weights; i++)
        {
          view[i].name = exp->weights[i].name;
          view[i].rank = exp->weights[i].rank;
          memcpy (view[i].dims, exp->weights[i].dims, sizeof view[i].dims);
          view[i].data = exp->weights[i].data;
        }
      c->weights = view != NULL ? copy_tensors (view, exp->n_weights) : NULL;
      c->n_weights = c->weights != NULL ? exp->n_weights : 0;
      ok = c->weights != NULL;
      free (view);
    }
  if (!ok)
    {
      bp_experiment_free (c);
      return NULL;
    }
  return c;
}

int
bp_experiment_set_weights (bp_experiment *exp, const bp_st_tensor *tensors, int n, char *err,
                           size_t errlen)
{
  for (int i = 0; i < n; i++)
    {
      const bp_st_tensor *t = &tensors[i];
      if (t->name == NULL || t->name[0] == '\0' || t->rank < 0 || t->rank > BP_ST_MAX_RANK)
        {
          snprintf (err, errlen, "tensor %d has no name or a bad rank", i + 1);
          return -1;
        }
      for (int d = 0; d < t->rank; d++)
        if (t->dims[d] < 0 || t->dims[d] > (int64_t) BP_MAX_PARAMS)
          {
            snprintf (err, errlen, "tensor '%s': dimension %d is out of range", t->name, d);
            return -1;
          }
      for (int j = 0; j < i; j++)
        if (strcmp (tensors[j].name, t->name) == 0)
          {
            snprintf (err, errlen, "tensor '%s' appears twice", t->name);
            return -1;
          }
      int64_t count = tensor_numel (t->rank, t->dims);
      if (count > (int64_t) BP_MAX_PARAMS)
        {
          snprintf (err, errlen, "tensor '%s' is larger than a network can be", t->name);
          return -1;
        }
      for (int64_t k = 0; k < count; k++)
        if (!isfinite (t->data[k]))
          {
            snprintf (err, errlen, "tensor '%s': element %lld is %s; weights must be finite",
                      t->name, (long long) k, isnan (t->data[k]) ? "NaN" : "infinite");
            return -1;
          }
    }
  bp_experiment_tensor *copy = NULL;
  if (n > 0 && (copy = copy_tensors (tensors, n)) == NULL)
    {
      snprintf (err, errlen, "out of memory for the weights");
      return -1;
    }
  bp_experiment_clear_weights (exp);
  exp->weights = copy;
  exp->n_weights = n;
  return 0;
}

/* ---- the network's tensors ---- */

static char *
shape_text (int rank, const int64_t *dims, char *buf, size_t len)
{
  size_t at = (size_t) snprintf (buf, len, "(");
  for (int d = 0; d < rank && at < len; d++)
    at += (size_t) snprintf (buf + at, len - at, d ? ", %lld" : "%lld", (long long) dims[d]);
  if (at < len)
    snprintf (buf + at, len - at, ")");
  return buf;
}

int
bp_experiment_take_weights (bp_experiment *exp, bp_net *net, char *err, size_t errlen)
{
  int n = 0;
  bp_named_tensor *v = bp_net_named_tensors (net, &n);
  bp_st_tensor *t = v != NULL ? calloc ((size_t) n + 1, sizeof *t) : NULL;
  if (t == NULL)
    {
      free (v);
      snprintf (err, errlen, "out of memory");
      return -1;
    }
  for (int i = 0; i < n; i++)
    {
      t[i].name = v[i].name;
      t[i].rank = v[i].view.rank;
      for (int d = 0; d < v[i].view.rank; d++)
        t[i].dims[d] = v[i].view.dims[d];
      t[i].data = v[i].view.value;
    }
  int rc = bp_experiment_set_weights (exp, t, n, err, errlen);
  free (t);
  free (v);
  return rc;
}

int
bp_experiment_apply_weights (const bp_experiment *exp, bp_net *net, char *err, size_t errlen)
{
  if (exp->n_weights == 0)
    {
      snprintf (err, errlen, "the experiment holds no weights");
      return -1;
    }
  int n = 0;
  bp_named_tensor *v = bp_net_named_tensors (net, &n);
  int *match = v != NULL ? calloc ((size_t) n + 1, sizeof *match) : NULL;
  if (match == NULL)
    {
      free (v);
      snprintf (err, errlen, "out of memory");
      return -1;
    }
  /* Check everything before changing anything. */
  int rc = 0;
  for (int i = 0; rc == 0 && i < n; i++)
    {
      match[i] = -1;
      for (int j = 0; j < exp->n_weights && match[i] < 0; j++)
        if (strcmp (exp->weights[j].name, v[i].name) == 0)
          match[i] = j;
      if (match[i] < 0)
        {
          snprintf (err, errlen, "tensor '%s' is missing (the network has %d tensors)",
                    v[i].name, n);
          rc = -1;
          break;
        }
      const bp_experiment_tensor *t = &exp->weights[match[i]];
      int64_t want[BP_ST_MAX_RANK] = { 0 };
      bool same = t->rank == v[i].view.rank;
      for (int d = 0; d < v[i].view.rank; d++)
        {
          want[d] = v[i].view.dims[d];
          same = same && t->dims[d] == want[d];
        }
      if (!same)
        {
          char a[96], b[96];
          snprintf (err, errlen, "tensor '%s' has shape %s, but the network's is %s", t->name,
                    shape_text (t->rank, t->dims, a, sizeof a),
                    shape_text (v[i].view.rank, want, b, sizeof b));
          rc = -1;
        }
      int64_t count = tensor_numel (t->rank, t->dims);
      for (int64_t k = 0; rc == 0 && k < count; k++)
        if (!isfinite (t->data[k]))
          {
            snprintf (err, errlen, "tensor '%s': element %lld is %s; weights must be finite",
                      t->name, (long long) k, isnan (t->data[k]) ? "NaN" : "infinite");
            rc = -1;
          }
    }
  /* Every network tensor found once, and names are unique: equal counts mean no extras. */
  for (int j = 0; rc == 0 && j < exp->n_weights; j++)
    {
      bool used = false;
      for (int i = 0; i < n && !used; i++)
        used = match[i] == j;
      if (!used)
        {
          snprintf (err, errlen, "tensor '%s' belongs to no layer of the network",
                    exp->weights[j].name);
          rc = -1;
        }
    }
  for (int i = 0; rc == 0 && i < n; i++)
    memcpy (v[i].view.value, exp->weights[match[i]].data,
            (size_t) tensor_numel (exp->weights[match[i]].rank, exp->weights[match[i]].dims)
              * sizeof (float));
  free (match);
  free (v);
  return rc;
}

void
bp_experiment_session_config (const bp_experiment *exp, bp_session_config *cfg)
{
  bp_session_config_defaults (cfg, exp->spec);
  const bp_experiment_training *t = &exp->training;
  cfg->max_steps = t->max_steps;
  cfg->shuffle = t->shuffle;
  cfg->drop_last = t->drop_last;
  cfg->schedule = t->schedule;
  /* A cosine over the whole run unless told otherwise (t_max counts epochs then). */
  if (cfg->schedule.kind == BP_SCHEDULE_COSINE && cfg->schedule.t_max == 0
      && !cfg->schedule.per_step)
    cfg->schedule.t_max = exp->spec->epochs;
  cfg->early_stop = t->early_stop;
  cfg->plateau = t->plateau;
}
