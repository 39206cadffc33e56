/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spec reader: JSON text -> bp_spec. Every field is checked for type and range, unknown
 * fields are refused (a typo must not pass silently), defaults are filled, then shape inference
 * runs, so a spec that parses can be built. The format is docs/spec-format.md; the layers are
 * read by spec_parse_layers.c. */
#include "engine/spec.h"
#include "engine/spec_private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int) (sizeof (a) / sizeof (a)[0]))

static const char *
loss_name_of (int v)
{
  return bp_loss_name ((bp_loss_kind) v);
}

static const char *
optim_name_of (int v)
{
  return bp_optim_name ((bp_optim_kind) v);
}

/* An object member that must be there: says "missing ..." when it is not. */
static const cJSON *
require (bp_spec_reader *r, const cJSON *obj, const char *key, const char *why)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (obj, key);
  if (v == NULL)
    bp_spec_say (r, "missing \"%s\"%s", key, why);
  return v;
}

/* "format" and "version" are written by every writer, but optional on reading, so specs typed
 * by hand (tests, benchmarks, the command line) can be short. When present they must match. */
static int
read_header (bp_spec_reader *r, const cJSON *root)
{
  const char *format;
  int got = bp_spec_read_string (r, root, "format", &format);
  if (got < 0)
    return -1;
  if (got > 0 && strcmp (format, BP_SPEC_FORMAT) != 0)
    {
      char q[96];
      bp_spec_say (r, "\"format\" must be \"%s\", got %s: is this a network spec?",
                   BP_SPEC_FORMAT,
                   bp_spec_describe (cJSON_GetObjectItemCaseSensitive (root, "format"), q,
                                     sizeof q));
      return -1;
    }
  int version = BP_SPEC_VERSION;
  if (bp_spec_read_int (r, root, "version", 1, 1 << 30, &version) < 0)
    return -1;
  if (version != BP_SPEC_VERSION)
    {
      bp_spec_say (r, "this spec is version %d, but this program reads version %d only",
                   version, BP_SPEC_VERSION);
      return -1;
    }
  return 0;
}

static int
read_input (bp_spec_reader *r, const cJSON *root, bp_shape *shape)
{
  char got[96], a[32];
  const cJSON *input = require (r, root, "input", " (the shape of one sample)");
  if (input == NULL)
    return -1;
  if (!cJSON_IsObject (input))
    {
      bp_spec_say (r, "\"input\" must be an object {\"shape\": [...]}, got %s",
                   bp_spec_describe (input, got, sizeof got));
      return -1;
    }
  bp_spec_reader sub = *r;
  sub.section = "input";
  static const char *const keys[] = { "shape" };
  if (bp_spec_read_keys (&sub, input, keys, N_OF (keys)) < 0)
    return -1;
  const cJSON *dims = cJSON_GetObjectItemCaseSensitive (input, "shape");
  if (dims == NULL)
    {
      bp_spec_say (r, "missing \"input\".\"shape\"");
      return -1;
    }
  int rank = cJSON_IsArray (dims) ? cJSON_GetArraySize (dims) : 0;
  if (rank != 1 && rank != 3)
    {
      bp_spec_say_field (&sub, "shape", "must be [features] or [channels, height, width], "
                         "got %s", bp_spec_describe (dims, got, sizeof got));
      return -1;
    }
  shape->rank = rank;
  uint64_t size = 1;
  bool too_big = false;
  int i = 0;
  for (const cJSON *d = dims->child; d != NULL; d = d->next, i++)
    {
      double v = cJSON_IsNumber (d) ? d->valuedouble : 0;
      if (!cJSON_IsNumber (d) || !(v >= 1 && v <= BP_MAX_INPUT_SIZE) || v != floor (v))
        {
          bp_spec_say (r, "\"input\".\"shape\"[%d] must be a whole number from 1 to %d, got %s",
                       i, BP_MAX_INPUT_SIZE, bp_spec_describe (d, got, sizeof got));
          return -1;
        }
      shape->dims[i] = (int) v;
      /* Checked before multiplying: (2^24)^3 would not fit in 64 bits. */
      too_big = too_big || size > BP_MAX_INPUT_SIZE / (uint64_t) v;
      size = too_big ? size : size * (uint64_t) v;
    }
  if (too_big)
    {
      char dims_text[64];
      bp_spec_say (r, "\"input\".\"shape\" %s has more values per sample than the limit, %s",
                   bp_shape_format (*shape, dims_text, sizeof dims_text),
                   bp_spec_format_count (BP_MAX_INPUT_SIZE, a, sizeof a));
      return -1;
    }
  return 0;
}

/* "loss": "mse", or {"type": "huber", "delta": 1.0}. */
static int
read_loss (bp_spec_reader *r, const cJSON *root, bp_spec *spec)
{
  char got[96];
  const cJSON *loss = require (r, root, "loss", " (one of mse, bce, cross_entropy, huber)");
  if (loss == NULL)
    return -1;
  const cJSON *obj = NULL;
  const char *name = NULL;
  if (cJSON_IsString (loss))
    name = loss->valuestring;
  else if (cJSON_IsObject (loss))
    {
      obj = loss;
      bp_spec_reader sub = *r;
      sub.section = "loss";
      if (bp_spec_read_string (&sub, obj, "type", &name) < 0)
        return -1;
      if (name == NULL)
        {
          bp_spec_say (r, "missing \"loss\".\"type\"");
          return -1;
        }
    }
  else
    {
      bp_spec_say (r, "\"loss\" must be a name like \"mse\" or an object {\"type\": ...}, got %s",
                   bp_spec_describe (loss, got, sizeof got));
      return -1;
    }
  int kind;
  if (bp_spec_read_enum (r, "loss", name, loss_name_of, BP_LOSS_KIND_COUNT, &kind) < 0)
    return -1;
  spec->loss = (bp_loss_kind) kind;
  spec->huber_delta = 1.0f;
  if (obj != NULL)
    {
      bp_spec_reader sub = *r;
      sub.section = "loss";
      static const char *const keys[] = { "type", "delta" };
      if (bp_spec_read_keys (&sub, obj, keys, kind == BP_LOSS_HUBER ? 2 : 1) < 0
          || bp_spec_read_float (&sub, obj, "delta", 0, 1e6f, 1, 0, &spec->huber_delta) < 0)
        return -1;
    }
  return 0;
}

/* "optimizer": "adam" or {"type": "adam", "lr": ...}; absent means Adam with torch's defaults.
 * A field another optimizer takes is refused by name: "beta1" on SGD would do nothing. */
static int
read_optimizer (bp_spec_reader *r, const cJSON *root, bp_optim_cfg *cfg)
{
  char got[96];
  const cJSON *opt = cJSON_GetObjectItemCaseSensitive (root, "optimizer");
  const char *name = "adam";
  if (opt == NULL)
    ;
  else if (cJSON_IsString (opt))
    name = opt->valuestring;
  else if (cJSON_IsObject (opt))
    {
      bp_spec_reader sub = *r;
      sub.section = "optimizer";
      int has = bp_spec_read_string (&sub, opt, "type", &name);
      if (has == 0)
        bp_spec_say (r, "missing \"optimizer\".\"type\"");
      if (has <= 0)
        return -1;
    }
  else
    {
      bp_spec_say (r, "\"optimizer\" must be a name like \"adam\" or an object "
                   "{\"type\": ...}, got %s", bp_spec_describe (opt, got, sizeof got));
      return -1;
    }
  int kind;
  if (bp_spec_read_enum (r, "optimizer", name, optim_name_of, BP_OPTIM_KIND_COUNT, &kind) < 0)
    return -1;
  bp_optim_cfg_defaults (cfg, (bp_optim_kind) kind);
  cfg->kind = (bp_optim_kind) kind;
  if (!cJSON_IsObject (opt))
    return 0;

  const char *takes[32];
  int n_takes = 0;
  takes[n_takes++] = "type";
  for (int i = 0; i < bp_optim_n_fields; i++)
    if (bp_optim_fields[i].kinds & (1u << kind))
      takes[n_takes++] = bp_optim_fields[i].name;
  for (const cJSON *c = opt->child; c != NULL; c = c->next)
    for (int i = 0; i < bp_optim_n_fields; i++)
      if (c->string != NULL && strcmp (c->string, bp_optim_fields[i].name) == 0
          && !(bp_optim_fields[i].kinds & (1u << kind)))
        {
          char list[256];
          size_t o = 0;
          for (int j = 1; j < n_takes; j++)
            o += (size_t) snprintf (list + o, sizeof list - o, "%s%s", j > 1 ? ", " : "",
                                    takes[j]);
          bp_spec_say (r, "\"optimizer\": %s has no \"%s\" (it takes %s)", name, c->string, list);
          return -1;
        }
  bp_spec_reader sub = *r;
  sub.section = "optimizer";
  if (bp_spec_read_keys (&sub, opt, takes, n_takes) < 0)
    return -1;
  for (int i = 0; i < bp_optim_n_fields; i++)
    {
      const bp_optim_field *f = &bp_optim_fields[i];
      if (!(f->kinds & (1u << kind)))
        continue;
      char *p = (char *) cfg + f->offset;
      int ok = f->is_bool ? bp_spec_read_bool (&sub, opt, f->name, (bool *) p)
                          : bp_spec_read_float (&sub, opt, f->name, f->lo, f->hi, f->lo_open,
                                                f->hi_open, (float *) p);
      if (ok < 0)
        return -1;
    }
  if (kind == BP_OPTIM_SGD && cfg->nesterov && (cfg->momentum <= 0 || cfg->dampening != 0))
    {
      bp_spec_say (r, "\"optimizer\": nesterov needs \"momentum\" > 0 and \"dampening\" 0");
      return -1;
    }
  return 0;
}

/* Seeds are whole numbers; above 2^53 a double cannot hold them, so a string of digits. */
static int
read_seed (bp_spec_reader *r, const cJSON *t, unsigned long long *seed)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive (t, "seed");
  if (v == NULL)
    return 0;
  if (cJSON_IsNumber (v) && v->valuedouble >= 0 && v->valuedouble <= (double) BP_MAX_SEED_EXACT
      && v->valuedouble == floor (v->valuedouble))
    {
      *seed = (unsigned long long) v->valuedouble;
      return 0;
    }
  if (cJSON_IsString (v) && v->valuestring[0] != '\0'
      && strspn (v->valuestring, "0123456789") == strlen (v->valuestring)
      && strlen (v->valuestring) <= 20)
    {
      errno = 0;
      unsigned long long s = strtoull (v->valuestring, NULL, 10);
      if (errno == 0)
        {
          *seed = s;
          return 0;
        }
    }
  char got[96];
  bp_spec_say (r, "\"training\".\"seed\" must be a whole number from 0 to %llu, or a string "
               "of digits up to 18446744073709551615, got %s", BP_MAX_SEED_EXACT,
               bp_spec_describe (v, got, sizeof got));
  return -1;
}

static int
read_training (bp_spec_reader *r, const cJSON *root, bp_spec *spec)
{
  spec->batch_size = 32;
  spec->epochs = 10;
  spec->seed = 1;
  spec->optim.clip_norm = 0;
  const cJSON *t = cJSON_GetObjectItemCaseSensitive (root, "training");
  if (t == NULL)
    return 0;
  if (!cJSON_IsObject (t))
    {
      char got[96];
      bp_spec_say (r, "\"training\" must be an object, got %s",
                   bp_spec_describe (t, got, sizeof got));
      return -1;
    }
  bp_spec_reader sub = *r;
  sub.section = "training";
  static const char *const keys[] = { "batch_size", "epochs", "seed", "clip_norm" };
  if (bp_spec_read_keys (&sub, t, keys, N_OF (keys)) < 0
      || bp_spec_read_int (&sub, t, "batch_size", 1, BP_MAX_BATCH, &spec->batch_size) < 0
      || bp_spec_read_int (&sub, t, "epochs", 1, BP_MAX_EPOCHS, &spec->epochs) < 0
      || read_seed (r, t, &spec->seed) < 0
      || bp_spec_read_float (&sub, t, "clip_norm", 0, 1e6f, 0, 0, &spec->optim.clip_norm) < 0)
    return -1;
  return 0;
}

static int
read_meta (bp_spec_reader *r, const cJSON *root, bp_spec *spec)
{
  const cJSON *meta = cJSON_GetObjectItemCaseSensitive (root, "meta");
  if (meta == NULL)
    return 0;
  if (!cJSON_IsObject (meta))
    {
      char got[96];
      bp_spec_say (r, "\"meta\" must be an object, got %s",
                   bp_spec_describe (meta, got, sizeof got));
      return -1;
    }
  spec->meta = cJSON_PrintUnformatted (meta);
  if (spec->meta == NULL)
    {
      bp_spec_say (r, "out of memory");
      return -1;
    }
  return 0;
}

static int
read_spec (bp_spec_reader *r, const cJSON *root, bp_spec *spec)
{
  static const char *const keys[] = { "format",   "version",  "input", "layers", "loss",
                                      "optimizer", "training", "meta" };
  if (!cJSON_IsObject (root))
    {
      char got[96];
      bp_spec_say (r, "a spec must be a JSON object {\"format\": \"%s\", ...}, got %s",
                   BP_SPEC_FORMAT, bp_spec_describe (root, got, sizeof got));
      return -1;
    }
  if (bp_spec_read_keys (r, root, keys, N_OF (keys)) < 0 || read_header (r, root) < 0
      || read_input (r, root, &spec->input) < 0)
    return -1;
  const cJSON *layers = require (r, root, "layers", "");
  if (layers == NULL)
    return -1;
  if (!cJSON_IsArray (layers))
    {
      char got[96];
      bp_spec_say (r, "\"layers\" must be an array of layer objects, got %s",
                   bp_spec_describe (layers, got, sizeof got));
      return -1;
    }
  if (bp_spec_read_layers (r, layers, spec) < 0 || read_loss (r, root, spec) < 0
      || read_optimizer (r, root, &spec->optim) < 0 || read_training (r, root, spec) < 0
      || read_meta (r, root, spec) < 0)
    return -1;
  return 0;
}

bp_spec *
bp_spec_parse (const char *json, size_t len, char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  err[0] = '\0';
  cJSON *root = bp_spec_parse_json (json, len, err, errlen);
  if (root == NULL)
    return NULL;
  bp_spec *spec = calloc (1, sizeof *spec);
  bp_spec_reader r = { .err = err, .errlen = errlen };
  int ok = spec != NULL ? read_spec (&r, root, spec) : -1;
  cJSON_Delete (root);
  if (spec == NULL)
    snprintf (err, errlen, "out of memory");
  /* A spec that parses can be built: shapes and sizes are checked here, not at build time. */
  if (ok < 0 || bp_spec_infer (spec, NULL, err, errlen) < 0)
    {
      bp_spec_free (spec);
      return NULL;
    }
  return spec;
}

bp_spec *
bp_spec_parse_file (const char *path, char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  if (path == NULL)
    {
      snprintf (err, errlen, "no file given");
      return NULL;
    }
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      snprintf (err, errlen, "%s: cannot open: %s", path, strerror (errno));
      return NULL;
    }
  /* Grow the buffer as the file comes, so a small spec costs a small buffer; stop one byte
   * past the limit to tell "at the limit" from "over it". */
  char *text = NULL;
  size_t n = 0, cap = 0;
  int read_error = 0;
  while (n <= BP_SPEC_MAX_BYTES)
    {
      if (n == cap)
        {
          size_t want = cap == 0 ? 16384 : cap * 2;
          if (want > BP_SPEC_MAX_BYTES + 1)
            want = BP_SPEC_MAX_BYTES + 1;
          char *bigger = realloc (text, want);
          if (bigger == NULL)
            {
              read_error = ENOMEM;
              break;
            }
          text = bigger, cap = want;
        }
      errno = 0;
      size_t got = fread (text + n, 1, cap - n, f);
      n += got;
      if (got == 0)
        {
          if (ferror (f))
            read_error = errno != 0 ? errno : EIO;
          break;
        }
    }
  fclose (f);
  bp_spec *spec = NULL;
  char msg[512];
  if (read_error != 0)
    snprintf (msg, sizeof msg, "cannot read: %s", strerror (read_error));
  else if (n == 0)
    snprintf (msg, sizeof msg, "the file is empty");
  else if (n > BP_SPEC_MAX_BYTES)
    snprintf (msg, sizeof msg, "the file is larger than %zu MiB; a spec is a few KiB",
              BP_SPEC_MAX_BYTES >> 20);
  else
    spec = bp_spec_parse (text, n, msg, sizeof msg);
  free (text);
  if (spec == NULL)
    snprintf (err, errlen, "%s: %s", path, msg);
  return spec;
}
