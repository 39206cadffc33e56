/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the experiment files (experiment*.c). Not part of the public contract. */
#pragma once

#include "engine/experiment.h"
#include "engine/spec_private.h"

#include <cjson/cJSON.h>

/* The largest .json experiment read (a spec is limited to 4 MiB; the rest is small). */
#define BP_EXPERIMENT_MAX_JSON ((size_t) 4 << 20)

/* ---- experiment_data_json.c: the "data" object ---- */

/* Reads obj (the "data" object) into d, which holds the defaults. Relative paths are joined to
 * base_dir (may be NULL). Messages name fields as "data"."split"."val". 0 or -1. */
int bp_experiment_read_data (const cJSON *obj, const char *base_dir, bp_experiment_data *d,
                             char *err, size_t errlen);
/* The "data" object, paths written relative to base_dir (NULL: as they are). NULL: no memory. */
cJSON *bp_experiment_data_to_cjson (const bp_experiment_data *d, const char *base_dir);

/* ---- experiment_json.c: the "training" object and the whole document ---- */

int bp_experiment_read_training (const cJSON *obj, bp_experiment_training *t, char *err,
                                 size_t errlen);
cJSON *bp_experiment_training_to_cjson (const bp_experiment_training *t);

/* Whole numbers up to 2^64 - 1: a JSON number up to 2^53 - 1, or a string of digits. 1 read,
 * 0 absent, -1 error written. */
int bp_experiment_read_u64 (bp_spec_reader *r, const cJSON *obj, const char *key, uint64_t max,
                            uint64_t *out);
/* Adds a u64 the way bp_experiment_read_u64 reads it. */
bool bp_experiment_add_u64 (cJSON *obj, const char *key, uint64_t v);
/* Adds a float in the shortest form that reads back as the same float. */
bool bp_experiment_add_float (cJSON *obj, const char *key, float f);

/* ---- experiment_doc.c: the two forms of the document ---- */

/* Parses a JSON text experiment (the .json form); relative paths joined to base_dir. */
bp_experiment *bp_experiment_parse_json (const char *text, size_t len, const char *base_dir,
                                         char *err, size_t errlen);

/* The experiment in a validated safetensors file (metadata and tensors). */
bp_experiment *bp_experiment_from_safetensors (const bp_safetensors *st, const char *base_dir,
                                               char *err, size_t errlen);

/* ---- experiment_io.c: paths ---- */

/* A path as stored in a file at base_dir turned into one usable from here: joined to base_dir
 * when relative. NULL when out of memory. */
char *bp_experiment_path_from_file (const char *stored, const char *base_dir);
/* The form to store in a file at base_dir: relative to it when they share a folder other than
 * the root, else absolute. NULL when out of memory. */
char *bp_experiment_path_for_file (const char *path, const char *base_dir);
