/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One entry point for "a dataset the user named": a built-in name (see data/builtin.h) or a
 * path to a CSV or IDX file (plain or gzip), told apart by content, not by extension. */
#pragma once

#include "data/csv.h"

typedef struct bp_source_options {
  bp_csv_options csv;     /* for CSV files */
  /* The labels file for an IDX images file; NULL: derived from the images file's name
   * ("train-images-idx3-ubyte.gz" -> "train-labels-idx1-ubyte.gz", else "images" -> "labels"). */
  const char *idx_labels;
} bp_source_options;

/* Loads source. A name before ':' that is a built-in wins; anything else is a path (write
 * ./iris for a file called iris). opts and csv_info may be NULL. NULL with a message. */
bp_dataset *bp_source_load (const char *source, const bp_source_options *opts,
                            bp_csv_info *csv_info, char *err, size_t errlen);

/* The labels file bp_source_load would pair with an IDX images file, in buf; false when the name
 * has no "images" in it to replace. */
bool bp_source_idx_labels_path (const char *images, char *buf, size_t len);
