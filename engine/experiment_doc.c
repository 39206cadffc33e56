/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The experiment document in its two forms: one JSON object (.json), or the metadata and
 * tensors of a safetensors-layout file (.bpx). Both end in from_parts(), so they check the
 * same things in the same words. */
#include "engine/experiment_private.h"

#include "engine/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int) (sizeof (a) / sizeof (a)[0]))
#define MAX_TITLE 256
#define MAX_DESCRIPTION 16384

/* The parts of a document, as found. */
typedef struct parts {
  const char *spec_text; /* JSON text of the spec */
  size_t spec_len;
  const cJSON *data, *training; /* may be NULL */
  const char *title, *description;
  const bp_st_tensor *tensors;
  int n_tensors;
} parts;

static int
check_text (const char *what, const char *s, size_t max, bool one_line, char *err, size_t errlen)
{
  size_t n = strlen (s);
  bool ok = n <= max;
  for (size_t i = 0; ok && i < n; i++)
    ok = (unsigned char) s[i] >= 0x20 || (!one_line && (s[i] == '\n' || s[i] == '\t'));
  if (!ok)
    snprintf (err, errlen, "\"%s\" must be at most %zu characters%s", what, max,
              one_line ? " on one line" : ", without control characters");
  return ok ? 0 : -1;
}

/* Builds and checks the experiment. Messages have no file name (the caller adds it). */
static bp_experiment *
from_parts (const parts *p, const char *base_dir, char *err, size_t errlen)
{
  char msg[1024] = "";
  bp_spec *spec = bp_spec_parse (p->spec_text, p->spec_len, msg, sizeof msg);
  if (spec == NULL)
    {
      snprintf (err, errlen, "\"spec\": %s", msg);
      return NULL;
    }
  bp_experiment *exp = bp_experiment_new (spec);
  bp_spec_free (spec);
  if (exp == NULL)
    {
      snprintf (err, errlen, "out of memory");
      return NULL;
    }
  int rc = 0;
  if (p->title != NULL)
    rc = check_text ("title", p->title, MAX_TITLE, true, err, errlen);
  if (rc == 0 && p->description != NULL)
    rc = check_text ("description", p->description, MAX_DESCRIPTION, false, err, errlen);
  if (rc == 0 && ((p->title != NULL && (exp->title = strdup (p->title)) == NULL)
                  || (p->description != NULL
                      && (exp->description = strdup (p->description)) == NULL)))
    {
      snprintf (err, errlen, "out of memory");
      rc = -1;
    }
  if (rc == 0 && p->data != NULL)
    rc = bp_experiment_read_data (p->data, base_dir, &exp->data, err, errlen);
  if (rc == 0 && p->training != NULL)
    rc = bp_experiment_read_training (p->training, &exp->training, err, errlen);
  if (rc == 0 && p->n_tensors > 0)
    {
      rc = bp_experiment_set_weights (exp, p->tensors, p->n_tensors, err, errlen);
      /* The weights must fit the network the spec builds: build it and try them. */
      bp_net *net = rc == 0 ? bp_net_create (exp->spec, msg, sizeof msg) : NULL;
      if (rc == 0 && net == NULL)
        {
          snprintf (err, errlen, "the network cannot be built: %s", msg);
          rc = -1;
        }
      if (rc == 0 && bp_experiment_apply_weights (exp, net, msg, sizeof msg) != 0)
        {
          snprintf (err, errlen, "the weights do not fit the spec: %s", msg);
          rc = -1;
        }
      bp_net_free (net);
    }
  if (rc != 0)
    {
      bp_experiment_free (exp);
      return NULL;
    }
  return exp;
}

static int
check_format (const char *format, bool metadata, char *err, size_t errlen)
{
  if (format == NULL || strcmp (format, BP_EXPERIMENT_FORMAT) == 0
      || (metadata && strcmp (format, "backprop-weights-1") == 0))
    return 0;
  if (strcmp (format, "backprop-spec") == 0)
    snprintf (err, errlen, "this is a network spec, not an experiment: put it under \"spec\" "
              "(see docs/experiment-format.md)");
  else
    snprintf (err, errlen, "\"format\" must be \"%s\", got \"%.64s\"", BP_EXPERIMENT_FORMAT,
              format);
  return -1;
}

static int
check_version (int version, char *err, size_t errlen)
{
  if (version == BP_EXPERIMENT_VERSION)
    return 0;
  snprintf (err, errlen, "this experiment is version %d, but this program reads version %d only",
            version, BP_EXPERIMENT_VERSION);
  return -1;
}

/* The JSON text of a spec file named by a .json experiment ("spec": "net.json"), relative to
 * its folder; read and checked here, embedded when the experiment is saved. */
static char *
spec_file_text (const char *name, const char *base_dir, char *err, size_t errlen)
{
  char *path = bp_experiment_path_from_file (name, base_dir);
  char msg[1024];
  bp_spec *spec = path != NULL ? bp_spec_parse_file (path, msg, sizeof msg) : NULL;
  char *text = spec != NULL ? bp_spec_to_json (spec) : NULL;
  if (path == NULL || (spec != NULL && text == NULL))
    snprintf (err, errlen, "out of memory");
  else if (spec == NULL)
    snprintf (err, errlen, "\"spec\": %s", msg);
  bp_spec_free (spec);
  free (path);
  return text;
}

bp_experiment *
bp_experiment_parse_json (const char *text, size_t len, const char *base_dir, char *err,
                          size_t errlen)
{
  cJSON *root = bp_spec_parse_json (text, len, err, errlen);
  if (root == NULL)
    return NULL;
  bp_spec_reader r = { .err = err, .errlen = errlen };
  bp_experiment *exp = NULL;
  char *spec_text = NULL;
  const char *format = NULL, *title = NULL, *description = NULL;
  int version = BP_EXPERIMENT_VERSION;
  static const char *const keys[] = { "format", "version", "title", "description", "spec",
                                      "data", "training" };
  const cJSON *spec = cJSON_GetObjectItemCaseSensitive (root, "spec");
  if (!cJSON_IsObject (root))
    snprintf (err, errlen, "an experiment is a JSON object {\"format\": \"%s\", \"spec\": ...}",
              BP_EXPERIMENT_FORMAT);
  else if (bp_spec_read_string (&r, root, "format", &format) < 0
           || check_format (format, false, err, errlen) < 0)
    ;
  else if (spec == NULL && cJSON_GetObjectItemCaseSensitive (root, "layers") != NULL)
    snprintf (err, errlen, "this is a network spec, not an experiment: put it under \"spec\" "
              "(see docs/experiment-format.md)");
  else if (bp_spec_read_keys (&r, root, keys, N_OF (keys)) < 0
           || bp_spec_read_int (&r, root, "version", 1, 1 << 30, &version) < 0
           || check_version (version, err, errlen) < 0
           || bp_spec_read_string (&r, root, "title", &title) < 0
           || bp_spec_read_string (&r, root, "description", &description) < 0)
    ;
  else if (spec == NULL)
    snprintf (err, errlen, "missing \"spec\" (the network)");
  else if (!cJSON_IsObject (spec) && !cJSON_IsString (spec))
    snprintf (err, errlen, "\"spec\" must be an object (a network spec) or the name of a spec "
              "file beside the experiment");
  else if ((spec_text = cJSON_IsString (spec) ? spec_file_text (spec->valuestring, base_dir,
                                                                err, errlen)
                                              : cJSON_PrintUnformatted (spec)) == NULL)
    {
      if (cJSON_IsObject (spec))
        snprintf (err, errlen, "out of memory");
    }
  else
    {
      parts p = {
        .spec_text = spec_text,
        .spec_len = strlen (spec_text),
        .data = cJSON_GetObjectItemCaseSensitive (root, "data"),
        .training = cJSON_GetObjectItemCaseSensitive (root, "training"),
        .title = title,
        .description = description,
      };
      exp = from_parts (&p, base_dir, err, errlen);
    }
  free (spec_text);
  cJSON_Delete (root);
  return exp;
}

/* A metadata value holding a JSON object: parsed, or NULL with "metadata "key": problem". */
static cJSON *
meta_json (const bp_safetensors *st, const char *key, char *err, size_t errlen)
{
  const char *text = bp_safetensors_meta (st, key);
  char msg[512];
  cJSON *v = bp_spec_parse_json (text, strlen (text), msg, sizeof msg);
  if (v == NULL)
    snprintf (err, errlen, "metadata \"%s\": %s", key, msg);
  return v;
}

bp_experiment *
bp_experiment_from_safetensors (const bp_safetensors *st, const char *base_dir, char *err,
                                size_t errlen)
{
  const char *spec = bp_safetensors_meta (st, "spec");
  const char *version = bp_safetensors_meta (st, "version");
  if (bp_safetensors_n_meta (st) == 0)
    {
      snprintf (err, errlen, "no \"__metadata__\": a safetensors file, but not an experiment "
                "(it needs \"format\": \"%s\" and a \"spec\")", BP_EXPERIMENT_FORMAT);
      return NULL;
    }
  if (check_format (bp_safetensors_meta (st, "format"), true, err, errlen) < 0)
    return NULL;
  if (version != NULL)
    {
      char *end = NULL;
      long v = strtol (version, &end, 10);
      if (end == version || *end != '\0' || v < 0 || v > 1 << 30)
        {
          snprintf (err, errlen, "metadata \"version\" must be a whole number, got \"%.32s\"",
                    version);
          return NULL;
        }
      if (check_version ((int) v, err, errlen) < 0)
        return NULL;
    }
  if (spec == NULL)
    {
      snprintf (err, errlen, "the metadata has no \"spec\" (the network): not an experiment");
      return NULL;
    }
  cJSON *data = NULL, *training = NULL;
  if (bp_safetensors_meta (st, "data") != NULL
      && (data = meta_json (st, "data", err, errlen)) == NULL)
    return NULL;
  if (bp_safetensors_meta (st, "training") != NULL
      && (training = meta_json (st, "training", err, errlen)) == NULL)
    {
      cJSON_Delete (data);
      return NULL;
    }
  int n = bp_safetensors_n_tensors (st);
  bp_st_tensor *t = calloc ((size_t) n + 1, sizeof *t);
  bp_experiment *exp = NULL;
  if (t == NULL)
    snprintf (err, errlen, "out of memory");
  else
    {
      for (int i = 0; i < n; i++)
        t[i] = *bp_safetensors_tensor (st, i);
      parts p = {
        .spec_text = spec,
        .spec_len = strlen (spec),
        .data = data,
        .training = training,
        .title = bp_safetensors_meta (st, "title"),
        .description = bp_safetensors_meta (st, "description"),
        .tensors = t,
        .n_tensors = n,
      };
      exp = from_parts (&p, base_dir, err, errlen);
    }
  free (t);
  cJSON_Delete (data);
  cJSON_Delete (training);
  return exp;
}

/* cJSON indents with tabs and writes "key":<tab>value; people read and edit these files, so
 * two spaces and ": ". cJSON escapes tabs inside strings, so every raw tab is layout. */
static char *
two_spaces (char *text)
{
  if (text == NULL)
    return NULL;
  char *out = malloc (2 * strlen (text) + 2);
  if (out != NULL)
    {
      bool line_start = true;
      char *o = out;
      for (const char *c = text; *c != '\0'; c++)
        {
          if (*c == '\t')
            {
              *o++ = ' ';
              if (line_start)
                *o++ = ' ';
              continue;
            }
          line_start = *c == '\n';
          *o++ = *c;
        }
      *o++ = '\n';
      *o = '\0';
    }
  free (text);
  return out;
}

char *
bp_experiment_to_json (const bp_experiment *exp, const char *base_dir)
{
  char *spec_text = bp_spec_to_json (exp->spec);
  cJSON *spec = spec_text != NULL ? cJSON_Parse (spec_text) : NULL;
  free (spec_text);
  cJSON *root = spec != NULL ? cJSON_CreateObject () : NULL;
  bool ok = root != NULL && cJSON_AddStringToObject (root, "format", BP_EXPERIMENT_FORMAT)
            && cJSON_AddNumberToObject (root, "version", BP_EXPERIMENT_VERSION)
            && (exp->title == NULL || cJSON_AddStringToObject (root, "title", exp->title))
            && (exp->description == NULL
                || cJSON_AddStringToObject (root, "description", exp->description));
  if (ok)
    ok = cJSON_AddItemToObject (root, "spec", spec);
  else
    cJSON_Delete (spec);
  cJSON *data = ok ? bp_experiment_data_to_cjson (&exp->data, base_dir) : NULL;
  if (data != NULL && !cJSON_AddItemToObject (root, "data", data))
    cJSON_Delete (data), data = NULL;
  cJSON *training = data != NULL ? bp_experiment_training_to_cjson (&exp->training) : NULL;
  if (training != NULL && !cJSON_AddItemToObject (root, "training", training))
    cJSON_Delete (training), training = NULL;
  ok = training != NULL;
  char *text = ok ? two_spaces (cJSON_Print (root)) : NULL;
  cJSON_Delete (root);
  return text;
}
