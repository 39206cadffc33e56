/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Limits and helpers shared by spec.c (lifecycle, JSON writer), spec_parse.c (JSON reader) and
 * spec_infer.c (shape inference). Not part of the engine's public contract. */
#pragma once

#include "engine/spec.h"
#include <stddef.h>
#include <stdint.h>

#define BP_SPEC_FORMAT "backprop-spec"
#define BP_SPEC_VERSION 1

/* Hostile-input bounds. A real spec is a few KiB and a few thousand JSON values. */
#define BP_SPEC_MAX_BYTES ((size_t) 4 << 20)
#define BP_SPEC_MAX_VALUES 100000
#define BP_MAX_INPUT_SIZE (1 << 24)   /* values per sample, e.g. 3 x 2048 x 2048 fits */
#define BP_MAX_WINDOW 4096         /* kernel, pool and stride sides */
#define BP_MAX_BATCH 65536
#define BP_MAX_EPOCHS 1000000
#define BP_MAX_SEED_EXACT 9007199254740991ULL /* 2^53 - 1: larger seeds travel as strings */

/* The slope or alpha a function gets when the spec does not say: leaky ReLU 0.01, ELU 1, else 0
 * (unused). */
float bp_spec_default_alpha (bp_act fn);

/* "valid", "same". */
const char *bp_spec_padding_name (bp_padding padding);

/* Writes n with thousands separators ("5,000,000,000") into buf; returns buf. */
char *bp_spec_format_count (uint64_t n, char *buf, size_t len);

/* Does this kind of layer have weights that "l1"/"l2" penalise? */
int bp_spec_kind_has_penalties (bp_layer_kind kind);

/* One optimizer hyperparameter: its JSON name, which optimizers take it, where it lives in
 * bp_optim_cfg and its allowed range. One table drives the reader and the writer. */
typedef struct bp_optim_field {
  const char *name;
  unsigned kinds;  /* bit (1u << kind) for every optimizer kind that takes it */
  size_t offset;   /* of a float, or of a bool when is_bool */
  int is_bool;
  float lo, hi;    /* range for floats; hi = INFINITY for none */
  int lo_open, hi_open;
} bp_optim_field;

extern const bp_optim_field bp_optim_fields[];
extern const int bp_optim_n_fields;

/* ---- reading JSON with errors in words (spec_json.c) ---- */

#include <cjson/cJSON.h>

/* Where the reader is, for messages: prefix "layer 2 'dense_1': " (or ""), section "optimizer"
 * (or NULL), so a field is named "units" or "optimizer"."lr". */
typedef struct bp_spec_reader {
  char *err;
  size_t errlen;
  char prefix[BP_NAME_MAX + 32];
  const char *section;
} bp_spec_reader;

/* err = prefix + message. */
void bp_spec_say (bp_spec_reader *r, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* err = prefix + the field's label + " " + message. */
void bp_spec_say_field (bp_spec_reader *r, const char *key, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
/* A JSON value as a reader would name it: -3, "fast", true, null, an object, an array of 2. */
const char *bp_spec_describe (const cJSON *v, char *buf, size_t len);
/* "known: a, b, c" or "did you mean "b"?" for an unrecognised name. */
void bp_spec_suggest (const char *got, const char *const *known, int n, char *buf, size_t len);

/* Every key of obj must be one of allowed (at most 32) and appear once; else -1 with the
 * message "unknown field ..." or "... appears twice". */
int bp_spec_read_keys (bp_spec_reader *r, const cJSON *obj, const char *const *allowed, int n);

/* Field readers: 1 = read into *out, 0 = absent (*out untouched), -1 = error written.
 * Floats must be finite and inside the range (hi = INFINITY for none); ints whole numbers. */
int bp_spec_read_float (bp_spec_reader *r, const cJSON *obj, const char *key, float lo, float hi,
                        int lo_open, int hi_open, float *out);
int bp_spec_read_int (bp_spec_reader *r, const cJSON *obj, const char *key, int lo, int hi,
                      int *out);
int bp_spec_read_bool (bp_spec_reader *r, const cJSON *obj, const char *key, bool *out);
int bp_spec_read_string (bp_spec_reader *r, const cJSON *obj, const char *key, const char **out);

/* Checks the text (size, UTF-8, no NUL, nesting, value count), parses it and refuses trailing
 * text. Returns the tree or NULL with a message naming the line and column. */
cJSON *bp_spec_parse_json (const char *text, size_t len, char *err, size_t errlen);

/* ---- the reader (spec_parse.c, spec_parse_layers.c) ---- */

/* Enum names for lookups and "known: ..." lists. */
typedef const char *(*bp_spec_name_of) (int value);

/* Finds got among values 0..n-1 by name; else says "unknown <what> "got" (known: ...)". */
int bp_spec_read_enum (bp_spec_reader *r, const char *what, const char *got,
                       bp_spec_name_of name_of, int n, int *out);

/* Reads "layers" into spec->layers (allocated), defaults and default names filled. */
int bp_spec_read_layers (bp_spec_reader *r, const cJSON *arr, bp_spec *spec);
