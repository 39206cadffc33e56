/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-data-explorer-source.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/builtin.h"
#include "data/source.h"

#define FASHION_VAL_ROWS 5000

static void
source_clear (gpointer data)
{
  BpDataSource *src = data;

  bp_split_free (&src->split);
  bp_scaler_free (&src->scaler);
  bp_dataset_free (src->ds);
  free (src->csv_info.row_lines);
  g_free (src->source);
  g_free (src->note);
}

BpDataSource *
bp_data_source_ref (BpDataSource *src)
{
  g_return_val_if_fail (src != NULL, NULL);
  return g_atomic_rc_box_acquire (src);
}

void
bp_data_source_unref (BpDataSource *src)
{
  g_return_if_fail (src != NULL);
  g_atomic_rc_box_release_full (src, source_clear);
}

const bp_scaler *
bp_data_source_get_scaler (const BpDataSource *src)
{
  g_return_val_if_fail (src != NULL, NULL);
  return src->scaler.n_features > 0 ? &src->scaler : NULL;
}

gboolean
bp_data_source_is_28x28 (const BpDataSource *src)
{
  g_return_val_if_fail (src != NULL, FALSE);
  return src->ds->image_channels == 1 && src->ds->image_height == 28
         && src->ds->image_width == 28;
}

/* Fashion-MNIST's training and test files as one dataset, test rows last. */
static bp_dataset *
fashion_mnist_both (GError **error)
{
  char err[512] = "";
  bp_dataset *train = NULL, *test = NULL, *all = NULL;
  size_t f;

  train = bp_builtin_fashion_mnist (NULL, false, err, sizeof err);
  if (train != NULL)
    test = bp_builtin_fashion_mnist (NULL, true, err, sizeof err);
  if (test != NULL)
    all = bp_dataset_new (train->n_rows + test->n_rows, train->n_features, BP_FEATURES_U8,
                          BP_TASK_CLASSIFICATION, train->n_classes, err, sizeof err);
  if (all == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err);
      bp_dataset_free (train);
      bp_dataset_free (test);
      return NULL;
    }
  f = (size_t) train->n_features;
  memcpy (all->x_u8, train->x_u8, train->n_rows * f);
  memcpy (all->x_u8 + train->n_rows * f, test->x_u8, test->n_rows * f);
  memcpy (all->labels, train->labels, train->n_rows * sizeof *all->labels);
  memcpy (all->labels + train->n_rows, test->labels, test->n_rows * sizeof *all->labels);
  all->u8_scale = train->u8_scale;
  all->image_channels = train->image_channels;
  all->image_height = train->image_height;
  all->image_width = train->image_width;
  bp_dataset_set_text (all, "fashion-mnist", train->source);
  for (int c = 0; c < train->n_classes; c++)
    bp_dataset_set_class_name (all, c, train->class_names[c]);
  for (int j = 0; j < train->n_features; j++)
    bp_dataset_set_feature_name (all, j, train->feature_names[j]);
  bp_dataset_free (train);
  bp_dataset_free (test);
  return all;
}

/* Fashion-MNIST's own split: its test file for testing, a shuffled slice of the training file
 * for validation. */
static void
fashion_split (bp_dataset *ds, bp_split *split)
{
  size_t n_train_file = 60000;
  g_autoptr (GRand) rng = g_rand_new_with_seed (BP_SPLIT_WINDOW_SEED);
  g_autofree guint32 *perm = g_new (guint32, n_train_file);

  for (guint32 i = 0; i < n_train_file; i++)
    perm[i] = i;
  for (guint32 i = (guint32) n_train_file - 1; i > 0; i--)
    {
      guint32 j = (guint32) g_rand_int_range (rng, 0, (gint32) i + 1), t = perm[i];

      perm[i] = perm[j];
      perm[j] = t;
    }
  split->n_val = FASHION_VAL_ROWS;
  split->n_train = (uint32_t) n_train_file - FASHION_VAL_ROWS;
  split->n_test = (uint32_t) (ds->n_rows - n_train_file);
  split->val = malloc (sizeof *split->val * split->n_val);
  split->train = malloc (sizeof *split->train * split->n_train);
  split->test = malloc (sizeof *split->test * split->n_test);
  g_assert (split->val != NULL && split->train != NULL && split->test != NULL);
  memcpy (split->val, perm, sizeof *split->val * split->n_val);
  memcpy (split->train, perm + split->n_val, sizeof *split->train * split->n_train);
  for (uint32_t i = 0; i < split->n_test; i++)
    split->test[i] = (uint32_t) n_train_file + i;
}

/* The window's default split in words, from the constants (data/split.h). */
static void
window_split_words (char *buf, size_t len)
{
  int val = (int) lround (BP_SPLIT_WINDOW_VAL_RATIO * 100);
  int test = (int) lround (BP_SPLIT_WINDOW_TEST_RATIO * 100);

  g_snprintf (buf, len, "split %d/%d/%d %% at random (seed %d)", 100 - val - test, val, test,
              BP_SPLIT_WINDOW_SEED);
}

BpDataSource *
bp_data_source_load (const char *source, GError **error)
{
  g_autoptr (BpDataSource) src = NULL;
  char err[512] = "";
  bp_source_options opts = { 0 };
  gboolean fashion;
  char how[96] = "";

  g_return_val_if_fail (source != NULL, NULL);

  src = g_atomic_rc_box_new0 (BpDataSource);
  src->source = g_strdup (source);
  fashion = strcmp (source, "fashion-mnist") == 0;
  if (fashion)
    src->ds = fashion_mnist_both (error);
  else
    {
      opts.csv.drop_bad_rows = TRUE; /* show the table, and say what was dropped */
      opts.csv.keep_row_lines = TRUE; /* the table numbers rows as the messages do */
      src->ds = bp_source_load (source, &opts, &src->csv_info, err, sizeof err);
      if (src->ds == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", err);
      src->is_csv = src->ds != NULL && !bp_builtin_exists (source)
                    && src->ds->storage == BP_FEATURES_F32 && src->ds->image_width == 0;
    }
  if (src->ds == NULL)
    return NULL;
  if (src->ds->n_rows < 3)
    {
      /* When rows were dropped as bad, why matters more than how few are left. */
      if (src->csv_info.rows_dropped > 0)
        {
          char words[512];

          bp_csv_drop_summary (&src->csv_info, words, sizeof words);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: %zu rows are too few to split into training, validation and test "
                       "rows; %s", source, src->ds->n_rows, words);
        }
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "%s: %zu rows are too few to split into training, validation and test rows",
                     source, src->ds->n_rows);
      return NULL;
    }

  if (fashion)
    fashion_split (src->ds, &src->split);
  else if (bp_split_make (src->ds, BP_SPLIT_WINDOW_VAL_RATIO, BP_SPLIT_WINDOW_TEST_RATIO,
                          BP_SPLIT_WINDOW_SEED, &src->split, err, sizeof err) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err);
      return NULL;
    }
  if (src->split.n_train == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no rows left to train on",
                   source);
      return NULL;
    }
  /* Pixels are already in [0, 1]; tabular features get a standard scale from training rows. */
  if (src->ds->storage == BP_FEATURES_F32
      && bp_scaler_fit (src->ds, src->split.train, src->split.n_train, BP_SCALING_STANDARD,
                        &src->scaler) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: out of memory", source);
      return NULL;
    }
  if (!fashion)
    window_split_words (how, sizeof how);
  src->note = g_strdup_printf (
    "%s%s; %u training, %u validation and %u test rows%s",
    fashion ? "the official 10 000 test images for testing" : how,
    fashion || src->ds->task != BP_TASK_CLASSIFICATION ? "" : ", stratified by class",
    src->split.n_train, src->split.n_val, src->split.n_test,
    src->scaler.n_features > 0 ? "; features standardised on the training rows"
                               : "; pixels in [0, 1]");
  return g_steal_pointer (&src);
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  BpDataSource *src = bp_data_source_load (task_data, &error);

  if (src == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, src, (GDestroyNotify) bp_data_source_unref);
}

void
bp_data_source_load_async (const char *source, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, bp_data_source_load_async);
  g_task_set_task_data (task, g_strdup (source), g_free);
  g_task_run_in_thread (task, load_thread);
}

BpDataSource *
bp_data_source_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
