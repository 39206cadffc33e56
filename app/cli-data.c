/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading and describing datasets for the command-line tools. */
#include "app/cli-data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/builtin.h"
#include "data/source.h"
#include "data/split.h"
#include "data/stats.h"

enum {
  NAME_WIDTH = 22,   /* feature and class names in the tables */
  MAX_SHOWN = 20,    /* features listed one by one; the rest are summarised */
  HIST_BINS = 10,
  BAR_WIDTH = 30,
};

bool
bp_cli_parse_task (const char *arg, bp_csv_task *task)
{
  if (strcmp (arg, "classification") == 0)
    *task = BP_CSV_TASK_CLASSIFICATION;
  else if (strcmp (arg, "regression") == 0)
    *task = BP_CSV_TASK_REGRESSION;
  else
    return false;
  return true;
}

bp_dataset *
bp_cli_load_data (const bp_cli_data_options *o, FILE *err)
{
  bp_source_options so = {
    .csv = { .label = o->label, .task = o->task, .drop_bad_rows = o->drop_bad_rows },
    .idx_labels = o->idx_labels,
  };
  bp_csv_info info = { 0 };
  char msg[1024] = "";
  bp_dataset *ds = bp_source_load (o->source, &so, &info, msg, sizeof msg);
  if (ds == NULL)
    fprintf (err, "%s\n", msg);
  bp_cli_report_csv (o->source, &info, ds != NULL, err);
  return ds;
}

void
bp_cli_report_csv (const char *source, const bp_csv_info *info, bool loaded, FILE *err)
{
  /* A refusal names the first bad row (FILE:LINE[:COLUMN]: why): say how to go on. */
  if (!loaded && info->failed_on_bad_cell)
    fprintf (err, "backprop-train: rows with a missing, NaN, Inf or non-numeric cell or the "
             "wrong number of fields are refused; --drop-bad-rows leaves them out and lists "
             "their lines (as the window's Data page does)\n");
  if (loaded && info->rows_dropped > 0)
    {
      char words[512];
      bp_csv_drop_summary (info, words, sizeof words);
      fprintf (err, "%s: %s\n", source, words);
    }
}

/* Writes s padded or cut to width characters (UTF-8 aware: never cuts inside a character). */
static void
put_name (FILE *out, const char *s, int width)
{
  int chars = 0;
  const char *p = s;
  while (*p != '\0' && chars < width)
    {
      const char *start = p++;
      while ((*p & 0xC0) == 0x80)
        p++;
      /* Newlines or tabs in a name (CSV headers may hold them) would break the table. */
      if (*start == '\n' || *start == '\t' || *start == '\r')
        fputc (' ', out);
      else
        fwrite (start, 1, (size_t) (p - start), out);
      chars++;
    }
  for (; chars < width; chars++)
    fputc (' ', out);
}

/* A histogram as one character per bin, from ' ' (empty) to '@' (the fullest bin). */
static void
put_histogram (FILE *out, const uint32_t *counts, int n)
{
  static const char levels[] = " .:-=+*#%@";
  uint32_t top = 0;
  for (int b = 0; b < n; b++)
    top = counts[b] > top ? counts[b] : top;
  for (int b = 0; b < n; b++)
    {
      int level = 0;
      if (counts[b] > 0 && top > 0)
        level = 1 + (int) ((double) counts[b] / top * 8.999);
      fputc (levels[level], out);
    }
}

/* One table row; counts (HIST_BINS) may be NULL for no histogram. */
static void
put_stats_row (FILE *out, const char *name, const bp_feature_stats *st, const uint32_t *counts)
{
  put_name (out, name, NAME_WIDTH);
  fprintf (out, " %11.5g %11.5g %11.5g %11.5g", st->min, st->max, st->mean, st->std);
  if (counts != NULL)
    {
      fputs ("  ", out);
      put_histogram (out, counts, HIST_BINS);
    }
  fputc ('\n', out);
}

static void
describe_features (const bp_dataset *ds, FILE *out)
{
  bp_feature_stats *st = calloc ((size_t) ds->n_features, sizeof *st);
  if (st == NULL || bp_dataset_feature_stats (ds, NULL, 0, st) != 0)
    {
      fprintf (out, "(out of memory for the statistics)\n");
      free (st);
      return;
    }
  fprintf (out, "\n");
  put_name (out, "feature", NAME_WIDTH);
  fprintf (out, " %11s %11s %11s %11s  histogram\n", "min", "max", "mean", "std");
  const int shown = ds->n_features > MAX_SHOWN ? MAX_SHOWN : ds->n_features;
  for (int j = 0; j < shown; j++)
    {
      uint32_t counts[HIST_BINS];
      bp_dataset_histogram (ds, j, NULL, 0, st[j].min, st[j].max, HIST_BINS, counts);
      put_stats_row (out, ds->feature_names[j], &st[j], counts);
    }
  if (shown < ds->n_features)
    {
      /* The rest in one line: the smallest min, the largest max, the mean of the means. */
      bp_feature_stats all = { st[shown].min, st[shown].max, 0, 0 };
      for (int j = shown; j < ds->n_features; j++)
        {
          all.min = fmin (all.min, st[j].min);
          all.max = fmax (all.max, st[j].max);
          all.mean += st[j].mean / (ds->n_features - shown);
          all.std += st[j].std / (ds->n_features - shown);
        }
      char label[64];
      snprintf (label, sizeof label, "(%d more)", ds->n_features - shown);
      put_stats_row (out, label, &all, NULL);
    }
  free (st);
}

static void
describe_classes (const bp_dataset *ds, FILE *out)
{
  size_t *counts = calloc ((size_t) ds->n_classes, sizeof *counts);
  if (counts == NULL)
    return;
  bp_dataset_class_counts (ds, NULL, 0, counts);
  size_t top = 0;
  for (int c = 0; c < ds->n_classes; c++)
    top = counts[c] > top ? counts[c] : top;
  fprintf (out, "\nclass balance\n");
  for (int c = 0; c < ds->n_classes; c++)
    {
      fprintf (out, "  %3d ", c);
      put_name (out, ds->class_names[c], NAME_WIDTH);
      double share = ds->n_rows > 0 ? 100.0 * (double) counts[c] / (double) ds->n_rows : 0.0;
      fprintf (out, " %8zu %6.1f%%  ", counts[c], share);
      int bar = top > 0 ? (int) lround ((double) counts[c] / (double) top * BAR_WIDTH) : 0;
      for (int k = 0; k < bar; k++)
        fputc ('#', out);
      fputc ('\n', out);
    }
  free (counts);
}

static void
describe_targets (const bp_dataset *ds, FILE *out)
{
  bp_feature_stats *st = calloc ((size_t) ds->n_targets, sizeof *st);
  if (st == NULL || bp_dataset_target_stats (ds, NULL, 0, st) != 0)
    {
      free (st);
      return;
    }
  fprintf (out, "\n");
  put_name (out, "target", NAME_WIDTH);
  fprintf (out, " %11s %11s %11s %11s  histogram\n", "min", "max", "mean", "std");
  for (int t = 0; t < ds->n_targets; t++)
    {
      uint32_t counts[HIST_BINS] = { 0 };
      const double width = (st[t].max - st[t].min) / HIST_BINS;
      for (size_t i = 0; i < ds->n_rows; i++)
        {
          double v = ds->targets[i * (size_t) ds->n_targets + (size_t) t];
          int b = width > 0 ? (int) ((v - st[t].min) / width) : 0;
          counts[b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b]++;
        }
      put_stats_row (out, ds->target_names[t], &st[t], counts);
    }
  free (st);
}

/* One split line: its sizes, then whose it is. Returns 0, or -1 with the message on err. */
static int
put_split (const bp_dataset *ds, double val, double test, uint64_t seed, const char *whose,
           FILE *out, FILE *err)
{
  bp_split sp = { 0 };
  char msg[256];
  if (bp_split_make (ds, val, test, seed, &sp, msg, sizeof msg) != 0)
    {
      fprintf (err, "backprop-train: %s\n", msg);
      return -1;
    }
  int v = (int) lround (val * 100), t = (int) lround (test * 100);
  fprintf (out, "%-15s %u training, %u validation, %u test rows (%d/%d/%d %%, seed %llu)\n",
           whose, sp.n_train, sp.n_val, sp.n_test, 100 - v - t, v, t, (unsigned long long) seed);
  bp_split_free (&sp);
  return 0;
}

/* The split training would use with the options given, and the window's (data/split.h), so
 * numbers from the two can be compared. */
static void
describe_split (const bp_dataset *ds, const bp_cli_split *cli, FILE *out, FILE *err)
{
  fputs ("split:     ", out);
  put_split (ds, cli->val_ratio, cli->test_ratio, cli->seed, "backprop-train:", out, err);
  fputs ("           ", out);
  if (strncmp (ds->name, "fashion-mnist", 13) == 0)
    fputs ("the window:     Fashion-MNIST's own 10000 test images, 5000 for validation\n", out);
  else
    put_split (ds, BP_SPLIT_WINDOW_VAL_RATIO, BP_SPLIT_WINDOW_TEST_RATIO, BP_SPLIT_WINDOW_SEED,
               "the window:", out, err);
  const char *strat = ds->task == BP_TASK_CLASSIFICATION ? "stratified by class; " : "";
  if (cli->given[0] != '\0')
    fprintf (out, "           (%sbackprop-train's as set by %s)\n", strat, cli->given);
  else
    fprintf (out, "           (%s--val-ratio, --test-ratio and --seed change backprop-train's)\n",
             strat);
}

int
bp_cli_describe (const bp_dataset *ds, const bp_cli_split *sp, FILE *out, FILE *err)
{
  /* A split the options make impossible is an error before anything is printed. */
  bp_split check = { 0 };
  char msg[256];
  if (bp_split_make (ds, sp->val_ratio, sp->test_ratio, sp->seed, &check, msg, sizeof msg) != 0)
    {
      fprintf (err, "backprop-train: %s\n", msg);
      return -1;
    }
  bp_split_free (&check);
  fprintf (out, "%s: %s\n", ds->name, ds->source);
  fprintf (out, "rows:      %zu\n", ds->n_rows);
  fprintf (out, "features:  %d", ds->n_features);
  if (ds->storage == BP_FEATURES_U8 && ds->u8_scale > 0 && ds->u8_scale != 1.0f)
    fprintf (out, " (uint8, scaled 1/%g)", 1.0 / ds->u8_scale);
  else if (ds->storage == BP_FEATURES_U8)
    fprintf (out, " (uint8)");
  else
    fprintf (out, " (float32)");
  if (ds->image_width > 0)
    fprintf (out, ", images %dx%dx%d (channels x height x width)", ds->image_channels,
             ds->image_height, ds->image_width);
  fputc ('\n', out);
  if (ds->task == BP_TASK_CLASSIFICATION)
    fprintf (out, "task:      classification, %d classes\n", ds->n_classes);
  else
    fprintf (out, "task:      regression, %d target%s\n", ds->n_targets,
             ds->n_targets == 1 ? "" : "s");
  describe_split (ds, sp, out, err);
  describe_features (ds, out);
  if (ds->task == BP_TASK_CLASSIFICATION)
    describe_classes (ds, out);
  else
    describe_targets (ds, out);
  return 0;
}

void
bp_cli_list_builtins (FILE *out)
{
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  for (size_t i = 0; i < n; i++)
    fprintf (out, "  %-20s %s\n", list[i].name, list[i].summary);
}
