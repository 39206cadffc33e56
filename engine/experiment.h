/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiment files: a network spec, the dataset it trains on with its split and scaling, the
 * training settings the spec does not hold (schedule, early stopping, plateau ...) and,
 * optionally, trained weights. docs/experiment-format.md is the format; in short:
 *
 *  - `*.bpx` (any name but *.json): the safetensors layout (engine/safetensors.h). Its
 *    "__metadata__" holds "format" = "backprop-experiment", "version" = "1", and "spec",
 *    "data", "training" as JSON text; the tensors are the weights, "<layer>.weight" etc.
 *  - `*.json`: the same experiment as one JSON object, without weights (the templates in
 *    data/examples/ are such files; backprop-train reads them).
 *
 * Loading tells the two apart by content. Every problem is refused with one message naming the
 * file and what is wrong; nothing is half-made. Saves are atomic (a temporary file in the same
 * folder, fsync, rename, fsync of the folder). No GLib. The dataset part calls data/ (as the
 * session's gather does). */
#pragma once

#include "data/csv.h"
#include "data/dataset.h"
#include "data/split.h"
#include "engine/safetensors.h"
#include "engine/schedule.h"
#include "engine/spec.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BP_EXPERIMENT_FORMAT "backprop-experiment"
#define BP_EXPERIMENT_VERSION 1

typedef struct bp_session_config bp_session_config;
typedef struct bp_net bp_net;

/* Parameters of the synthetic built-ins (spiral, circle, blobs ...), the "NAME:n=..,noise=.."
 * of data/builtin.h in fields. */
typedef struct bp_experiment_synth {
  int n;         /* points; 0: the generator's default (500; 1200 for reg-plane, reg-gauss) */
  double noise;  /* 0 to 0.5 (default 0) */
  uint64_t seed; /* default 1 */
  int k;         /* classes of blobs and spirals, 2 to 16; 0: default (3) */
} bp_experiment_synth;

/* Where the rows come from and how they are cut and scaled. Strings are malloc'd and owned
 * (replace them with free + strdup); NULL means "not set". */
typedef struct bp_experiment_data {
  /* A built-in name ("spiral", "iris", "fashion-mnist"), or a CSV/IDX path. In memory a
   * relative path is relative to the current directory: loading joins the file's folder to
   * the path it stores, saving writes it relative to the new file's folder when it can.
   * NULL: no dataset chosen (a weights file written by a session has none). */
  char *source;
  bp_experiment_synth synth; /* synthetic built-ins only */
  /* CSV files */
  char *label;          /* label column: header name or 1-based number ("-1": last); NULL: last */
  bp_csv_task task;
  bp_csv_header header;
  char delimiter;       /* ',' ';' '\t' '|' or 0: sniffed */
  bool drop_bad_rows;
  /* IDX files: the labels file (a path, like source); NULL: named after the images file */
  char *idx_labels;
  /* 2-D sets: bp_feature_map bits (x1, x2, x1^2 ... of data/feature_map.h); 0: the features
   * as loaded. */
  unsigned features;
  double val_ratio, test_ratio; /* [0, 1), sum < 1; default 0.2 and 0 */
  uint64_t split_seed;          /* default 1 */
  bp_scaling scaling;           /* fitted on the training rows; default none */
} bp_experiment_data;

/* How the session trains, beyond what the spec says (the spec holds the optimizer, loss, batch
 * size, epochs, seed and clip_norm). */
typedef struct bp_experiment_training {
  uint64_t max_steps; /* 0: no step limit */
  bool shuffle;       /* default true */
  bool drop_last;     /* default false */
  bp_schedule schedule;     /* default constant; a cosine t_max of 0 means the spec's epochs */
  bp_early_stop early_stop; /* default off */
  bp_plateau plateau;       /* default off */
} bp_experiment_training;

/* One trained tensor, named "<layer>.<weight|bias|gamma|beta|running_mean|running_var>" with
 * PyTorch's shapes. */
typedef struct bp_experiment_tensor {
  char *name;
  int rank;
  int64_t dims[BP_ST_MAX_RANK];
  float *data; /* product of dims floats */
} bp_experiment_tensor;

typedef struct bp_experiment {
  char *title;       /* one line for pickers, or NULL */
  char *description; /* a few sentences, or NULL */
  bp_spec *spec;     /* never NULL */
  bp_experiment_data data;
  bp_experiment_training training;
  int n_weights;     /* 0: a plain experiment (weights start from spec->seed) */
  bp_experiment_tensor *weights;
} bp_experiment;

/* A new experiment holding a copy of spec, with default data and training settings. NULL when
 * out of memory or spec is NULL. */
bp_experiment *bp_experiment_new (const bp_spec *spec);
bp_experiment *bp_experiment_copy (const bp_experiment *exp);
void bp_experiment_free (bp_experiment *exp);

/* The defaults written in the comments above. */
void bp_experiment_data_defaults (bp_experiment_data *d);
void bp_experiment_training_defaults (bp_experiment_training *t);

/* Reads a .json or a safetensors-layout experiment, told apart by content. The spec is parsed
 * and shape-checked; weights, when present, must match the network the spec builds in names
 * and shapes, and be finite. Relative dataset paths are joined to the file's folder.
 * NULL + "PATH: problem" on any failure. */
bp_experiment *bp_experiment_load (const char *path, char *err, size_t errlen);
/* The same from memory: `what` names it in messages, base_dir (may be NULL) is the folder that
 * relative dataset paths are relative to. */
bp_experiment *bp_experiment_parse (const void *buf, size_t len, const char *what,
                                    const char *base_dir, char *err, size_t errlen);

/* Writes exp to path atomically: JSON when path ends in ".json" (refused when exp has weights:
 * JSON holds none), else the safetensors layout with the weights. Dataset paths become
 * relative to path's folder when the two share a folder other than the root ("../data/x.csv"),
 * else absolute. Returns 0, or -1 with "PATH: problem" (the file at path is then untouched). */
int bp_experiment_save (const bp_experiment *exp, const char *path, char *err, size_t errlen);

/* The experiment as JSON text without weights (caller frees), dataset paths relative to
 * base_dir as bp_experiment_save writes them (base_dir NULL: as they are). NULL when out of
 * memory. */
char *bp_experiment_to_json (const bp_experiment *exp, const char *base_dir);

/* Copies every parameter and buffer of net into exp's weights (replacing any). The net should
 * be built from exp->spec. Returns 0, or -1 with a message (exp unchanged). */
int bp_experiment_take_weights (bp_experiment *exp, bp_net *net, char *err, size_t errlen);
/* Copies n tensors (e.g. those of a session's checkpoint file) into exp's weights (replacing
 * any); names must be unique and values finite. 0, or -1 with a message (exp unchanged). */
int bp_experiment_set_weights (bp_experiment *exp, const bp_st_tensor *tensors, int n, char *err,
                               size_t errlen);
void bp_experiment_clear_weights (bp_experiment *exp);

/* Puts exp's weights into net: every tensor the net has must be there with its exact shape,
 * no other tensor may be, and every value must be finite. Returns 0, or -1 with a message
 * naming the tensor (the net is unchanged then). With no weights in exp, -1 ("no weights"). */
int bp_experiment_apply_weights (const bp_experiment *exp, bp_net *net, char *err,
                                 size_t errlen);

/* A session configuration: bp_session_config_defaults for exp->spec, then the training
 * settings. The pointers in cfg (checkpoint path, notify) are left NULL. */
void bp_experiment_session_config (const bp_experiment *exp, bp_session_config *cfg);

/* ---- the dataset (calls data/: loaders, feature maps, split, scaler) ---- */

typedef struct bp_experiment_dataset {
  bp_dataset *ds;     /* after the feature maps */
  bp_split split;
  bp_scaler scaler;   /* n_features 0 when the scaling is none */
  unsigned maps;      /* exp->data.features */
  float plane[4];     /* with maps: x1 and x2's range over the training rows, widened 10% */
  size_t rows_dropped;  /* CSV rows skipped with drop_bad_rows */
  char first_drop[256]; /* why the first was ("" when none) */
  /* The CSV loader's whole report (dropped lines for bp_csv_drop_summary); after a failed
   * load csv.failed_on_bad_cell still says whether drop_bad_rows would have loaded it. */
  bp_csv_info csv;
} bp_experiment_dataset;

/* Loads exp->data.source (synthetic parameters, CSV and IDX options applied), maps the
 * features, splits and fits the scaler on the training rows. Returns 0, or -1 with the
 * loader's message (out is then empty but for csv, the loader's report). */
int bp_experiment_load_dataset (const bp_experiment *exp, bp_experiment_dataset *out, char *err,
                                size_t errlen);
/* With feature maps, points the session's decision-boundary plane at the raw (x1, x2)
 * plane (plane_map, its user data and bounds); otherwise leaves cfg alone. d must outlive
 * the session. */
void bp_experiment_dataset_configure (const bp_experiment_dataset *d, bp_session_config *cfg);
/* The scaler to hand to bp_session_new: NULL when the scaling is none. */
const bp_scaler *bp_experiment_dataset_scaler (const bp_experiment_dataset *d);
void bp_experiment_dataset_free (bp_experiment_dataset *d);

/* True when source names a built-in dataset ("iris", "spiral:n=300") rather than a file. */
bool bp_experiment_source_is_builtin (const char *source);

/* The string bp_source_load takes for exp->data: a synthetic name with its parameters
 * ("spiral:n=500,noise=0.1,seed=1"), else the source as it is. Caller frees; NULL when no
 * source is set or out of memory. */
char *bp_experiment_source_string (const bp_experiment_data *d);
