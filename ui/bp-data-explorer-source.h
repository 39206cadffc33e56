/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpDataSource: a dataset the user loaded, with its train/validation/test split and the
 * scaler fitted on the training rows: what the data explorer shows and the dashboard trains
 * on. Reference counted (any thread), immutable once loaded, so a training session and a
 * worker thread can keep it alive while the explorer moves on to another file. */
#pragma once

#include <gio/gio.h>

#include "data/csv.h"
#include "data/dataset.h"
#include "data/split.h"

G_BEGIN_DECLS

typedef struct {
  char *source;          /* what was asked for: "iris", "fashion-mnist", a path */
  bp_dataset *ds;
  bp_split split;        /* train / validation / test rows of ds */
  bp_scaler scaler;      /* fitted on the training rows; n_features 0 when none (images) */
  gboolean is_csv;
  bp_csv_info csv_info;  /* when is_csv; row_lines: each row's line in the file */
  char *note;            /* how it was loaded and split, in words */
} BpDataSource;

/* Loads source (a built-in name or a file, see data/source.h) and splits it: Fashion-MNIST
 * gets its official 10 000 test images as the test rows and 5 000 of its training images for
 * validation; other data the window's split, BP_SPLIT_WINDOW_* in data/split.h (60/20/20 %,
 * stratified for classes). Tabular features are standardised with the training rows' mean and
 * deviation; images stay in [0, 1].
 * Slow for big files: call it from a worker thread (bp_data_source_load_async). */
BpDataSource *bp_data_source_load (const char *source, GError **error);
void bp_data_source_load_async (const char *source, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
BpDataSource *bp_data_source_load_finish (GAsyncResult *result, GError **error);

BpDataSource *bp_data_source_ref (BpDataSource *src);
void bp_data_source_unref (BpDataSource *src);

/* The scaler to give a session, or NULL when features are used as stored. */
const bp_scaler *bp_data_source_get_scaler (const BpDataSource *src);
/* Images of 28x28 pixels with one channel (the drawing pad's size). */
gboolean bp_data_source_is_28x28 (const BpDataSource *src);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpDataSource, bp_data_source_unref)

G_END_DECLS
