/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An experiment as JSON: the "training" object, and the whole document of a .json experiment
 * (docs/experiment-format.md). Field readers and messages are the spec's (spec_json.c). */
#include "engine/experiment_private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int) (sizeof (a) / sizeof (a)[0]))
#define MAX_LONG_SETTING 1000000000

int
bp_experiment_read_u64 (bp_spec_reader *r, const cJSON *obj, const char *key, uint64_t max,
                        uint64_t *out)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    return 0;
  uint64_t x = 0;
  bool ok = false;
  if (cJSON_IsNumber (v))
    {
      double d = v->valuedouble;
      ok = d >= 0 && d <= (double) BP_MAX_SEED_EXACT && d == floor (d);
      x = ok ? (uint64_t) d : 0;
    }
  else if (cJSON_IsString (v) && v->valuestring[0] != '\0' && strlen (v->valuestring) <= 20
           && strspn (v->valuestring, "0123456789") == strlen (v->valuestring))
    {
      errno = 0;
      unsigned long long s = strtoull (v->valuestring, NULL, 10);
      ok = errno == 0;
      x = s;
    }
  if (ok && x <= max)
    {
      *out = x;
      return 1;
    }
  char got[96];
  bp_spec_say_field (r, key, "must be a whole number from 0 to %llu (above %llu as a string of "
                     "digits), got %s", (unsigned long long) max,
                     (unsigned long long) BP_MAX_SEED_EXACT,
                     bp_spec_describe (v, got, sizeof got));
  return -1;
}

bool
bp_experiment_add_u64 (cJSON *obj, const char *key, uint64_t v)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%llu", (unsigned long long) v);
  /* A double holds integers exactly up to 2^53: larger ones travel as strings. */
  return v <= BP_MAX_SEED_EXACT ? cJSON_AddRawToObject (obj, key, buf) != NULL
                                : cJSON_AddStringToObject (obj, key, buf) != NULL;
}

bool
bp_experiment_add_float (cJSON *obj, const char *key, float f)
{
  if (!isfinite (f))
    return cJSON_AddNullToObject (obj, key) != NULL; /* the reader refuses it, as it should */
  char buf[32];
  for (int prec = 1; prec <= 9; prec++)
    {
      snprintf (buf, sizeof buf, "%.*g", prec, (double) f);
      if (strtof (buf, NULL) == f)
        break;
    }
  return cJSON_AddRawToObject (obj, key, buf) != NULL;
}

/* ---- "training" ---- */

static const char *
schedule_name_of (int v)
{
  return bp_schedule_name ((bp_schedule_kind) v);
}

static const char *
monitor_name_of (int v)
{
  return bp_monitor_name ((bp_monitor) v);
}

/* An object field: NULL when absent, else it must be an object (-1 in *bad otherwise). */
static const cJSON *
object_field (bp_spec_reader *r, const cJSON *obj, const char *key, bool *bad)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v != NULL && !cJSON_IsObject (v))
    {
      char got[96];
      bp_spec_say_field (r, key, "must be an object, got %s",
                         bp_spec_describe (v, got, sizeof got));
      *bad = true;
      return NULL;
    }
  return v;
}

static int
read_long (bp_spec_reader *r, const cJSON *obj, const char *key, long *out)
{
  int v = (int) *out;
  int got = bp_spec_read_int (r, obj, key, 0, MAX_LONG_SETTING, &v);
  if (got > 0)
    *out = v;
  return got;
}

static int
read_monitor (bp_spec_reader *r, const cJSON *obj, bp_monitor *m)
{
  const char *s;
  int got = bp_spec_read_string (r, obj, "monitor", &s);
  if (got <= 0)
    return got;
  bp_spec_reader sub = *r;
  if (snprintf (sub.prefix, sizeof sub.prefix, "%s\"%s\".\"monitor\": ", r->prefix,
                r->section) < 0)
    sub.prefix[0] = '\0';
  int v;
  if (bp_spec_read_enum (&sub, "monitor", s, monitor_name_of, BP_MONITOR_COUNT, &v) < 0)
    return -1;
  *m = (bp_monitor) v;
  return 1;
}

static int
read_schedule (bp_spec_reader *r, const cJSON *v, bp_schedule *s)
{
  bp_spec_reader sub = *r;
  sub.section = "training\".\"schedule";
  const cJSON *type = cJSON_IsObject (v) ? cJSON_GetObjectItemCaseSensitive (v, "type") : v;
  char got[96];
  if (!cJSON_IsString (type))
    {
      bp_spec_say (r, "\"training\".\"schedule\" must be a name or an object with a \"type\" "
                   "(constant, step, exponential, cosine), got %s",
                   bp_spec_describe (v, got, sizeof got));
      return -1;
    }
  int kind;
  snprintf (sub.prefix, sizeof sub.prefix, "%s\"training\".\"schedule\": ", r->prefix);
  if (bp_spec_read_enum (&sub, "schedule", type->valuestring, schedule_name_of,
                         BP_SCHEDULE_KIND_COUNT, &kind) < 0)
    return -1;
  bp_schedule_defaults (s, (bp_schedule_kind) kind);
  if (!cJSON_IsObject (v))
    return 0;
  snprintf (sub.prefix, sizeof sub.prefix, "%s", r->prefix);
  static const char *const keys[] = { "type", "per_step", "step_size", "gamma", "t_max",
                                      "eta_min", "warmup_steps" };
  if (bp_spec_read_keys (&sub, v, keys, N_OF (keys)) < 0
      || bp_spec_read_bool (&sub, v, "per_step", &s->per_step) < 0
      || read_long (&sub, v, "step_size", &s->step_size) < 0
      || bp_spec_read_float (&sub, v, "gamma", 0, 10, 1, 0, &s->gamma) < 0
      || read_long (&sub, v, "t_max", &s->t_max) < 0
      || bp_spec_read_float (&sub, v, "eta_min", 0, 1e6f, 0, 0, &s->eta_min) < 0
      || read_long (&sub, v, "warmup_steps", &s->warmup_steps) < 0)
    return -1;
  if (s->kind == BP_SCHEDULE_STEP && s->step_size < 1)
    {
      bp_spec_say_field (&sub, "step_size", "must be at least 1 for the step schedule");
      return -1;
    }
  return 0;
}

static int
read_early_stop (bp_spec_reader *r, const cJSON *v, bp_early_stop *e)
{
  bp_spec_reader sub = *r;
  sub.section = "training\".\"early_stopping";
  static const char *const keys[] = { "enabled", "monitor", "patience", "min_delta",
                                      "restore_best" };
  e->enabled = true; /* the object being there says so, unless it says otherwise */
  if (bp_spec_read_keys (&sub, v, keys, N_OF (keys)) < 0
      || bp_spec_read_bool (&sub, v, "enabled", &e->enabled) < 0
      || read_monitor (&sub, v, &e->monitor) < 0
      || bp_spec_read_int (&sub, v, "patience", 0, 1000000, &e->patience) < 0
      || bp_spec_read_float (&sub, v, "min_delta", 0, 1e6f, 0, 0, &e->min_delta) < 0
      || bp_spec_read_bool (&sub, v, "restore_best", &e->restore_best) < 0)
    return -1;
  return 0;
}

static int
read_plateau (bp_spec_reader *r, const cJSON *v, bp_plateau *p)
{
  bp_spec_reader sub = *r;
  sub.section = "training\".\"plateau";
  static const char *const keys[] = { "enabled", "monitor", "factor", "patience", "min_delta",
                                      "cooldown", "min_lr" };
  p->enabled = true;
  if (bp_spec_read_keys (&sub, v, keys, N_OF (keys)) < 0
      || bp_spec_read_bool (&sub, v, "enabled", &p->enabled) < 0
      || read_monitor (&sub, v, &p->monitor) < 0
      || bp_spec_read_float (&sub, v, "factor", 0, 1, 1, 1, &p->factor) < 0
      || bp_spec_read_int (&sub, v, "patience", 0, 1000000, &p->patience) < 0
      || bp_spec_read_float (&sub, v, "min_delta", 0, 1e6f, 0, 0, &p->min_delta) < 0
      || bp_spec_read_int (&sub, v, "cooldown", 0, 1000000, &p->cooldown) < 0
      || bp_spec_read_float (&sub, v, "min_lr", 0, 1e6f, 0, 0, &p->min_lr) < 0)
    return -1;
  return 0;
}

int
bp_experiment_read_training (const cJSON *obj, bp_experiment_training *t, char *err,
                             size_t errlen)
{
  bp_spec_reader r = { .err = err, .errlen = errlen, .section = "training" };
  char got[96];
  if (!cJSON_IsObject (obj))
    {
      bp_spec_say (&r, "\"training\" must be an object, got %s",
                   bp_spec_describe (obj, got, sizeof got));
      return -1;
    }
  /* One place for each setting: these are the spec's. */
  static const char *const in_spec[] = { "epochs", "batch_size", "seed", "clip_norm" };
  for (int i = 0; i < N_OF (in_spec); i++)
    if (cJSON_GetObjectItemCaseSensitive (obj, in_spec[i]) != NULL)
      {
        bp_spec_say (&r, "\"training\".\"%s\" belongs to the network spec: write it as "
                     "\"spec\".\"training\".\"%s\"", in_spec[i], in_spec[i]);
        return -1;
      }
  static const char *const keys[] = { "max_steps", "shuffle", "drop_last", "schedule",
                                      "early_stopping", "plateau" };
  if (bp_spec_read_keys (&r, obj, keys, N_OF (keys)) < 0
      || bp_experiment_read_u64 (&r, obj, "max_steps", UINT64_MAX, &t->max_steps) < 0
      || bp_spec_read_bool (&r, obj, "shuffle", &t->shuffle) < 0
      || bp_spec_read_bool (&r, obj, "drop_last", &t->drop_last) < 0)
    return -1;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, "schedule");
  if (v != NULL && read_schedule (&r, v, &t->schedule) < 0)
    return -1;
  bool bad = false;
  if ((v = object_field (&r, obj, "early_stopping", &bad)) != NULL
      && read_early_stop (&r, v, &t->early_stop) < 0)
    return -1;
  if (!bad && (v = object_field (&r, obj, "plateau", &bad)) != NULL
      && read_plateau (&r, v, &t->plateau) < 0)
    return -1;
  return bad ? -1 : 0;
}

cJSON *
bp_experiment_training_to_cjson (const bp_experiment_training *t)
{
  cJSON *o = cJSON_CreateObject ();
  cJSON *s = o ? cJSON_CreateObject () : NULL;
  cJSON *e = s ? cJSON_CreateObject () : NULL;
  cJSON *p = e ? cJSON_CreateObject () : NULL;
  const bp_schedule *sc = &t->schedule;
  const bp_early_stop *es = &t->early_stop;
  const bp_plateau *pl = &t->plateau;
  bool ok = p != NULL && bp_experiment_add_u64 (o, "max_steps", t->max_steps)
            && cJSON_AddBoolToObject (o, "shuffle", t->shuffle)
            && cJSON_AddBoolToObject (o, "drop_last", t->drop_last)
            && cJSON_AddStringToObject (s, "type", bp_schedule_name (sc->kind))
            && cJSON_AddBoolToObject (s, "per_step", sc->per_step)
            && cJSON_AddNumberToObject (s, "step_size", (double) sc->step_size)
            && bp_experiment_add_float (s, "gamma", sc->gamma)
            && cJSON_AddNumberToObject (s, "t_max", (double) sc->t_max)
            && bp_experiment_add_float (s, "eta_min", sc->eta_min)
            && cJSON_AddNumberToObject (s, "warmup_steps", (double) sc->warmup_steps)
            && cJSON_AddBoolToObject (e, "enabled", es->enabled)
            && cJSON_AddStringToObject (e, "monitor", bp_monitor_name (es->monitor))
            && cJSON_AddNumberToObject (e, "patience", es->patience)
            && bp_experiment_add_float (e, "min_delta", es->min_delta)
            && cJSON_AddBoolToObject (e, "restore_best", es->restore_best)
            && cJSON_AddBoolToObject (p, "enabled", pl->enabled)
            && cJSON_AddStringToObject (p, "monitor", bp_monitor_name (pl->monitor))
            && bp_experiment_add_float (p, "factor", pl->factor)
            && cJSON_AddNumberToObject (p, "patience", pl->patience)
            && bp_experiment_add_float (p, "min_delta", pl->min_delta)
            && cJSON_AddNumberToObject (p, "cooldown", pl->cooldown)
            && bp_experiment_add_float (p, "min_lr", pl->min_lr);
  /* Each part is added once made, so one delete frees them all. */
  if (s != NULL && !cJSON_AddItemToObject (o, "schedule", s))
    cJSON_Delete (s), ok = false;
  if (e != NULL && !cJSON_AddItemToObject (o, "early_stopping", e))
    cJSON_Delete (e), ok = false;
  if (p != NULL && !cJSON_AddItemToObject (o, "plateau", p))
    cJSON_Delete (p), ok = false;
  if (!ok)
    {
      cJSON_Delete (o);
      return NULL;
    }
  return o;
}
