/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-train: the headless trainer. Loads and describes datasets (cli-data.c) and trains
 * (cli-train.c): one option entry, one case, one help line each. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/cli-data.h"
#include "data/builtin.h"
#include "app/cli-train.h"
#include "data/split.h"
#include "engine/spec.h"

#ifndef BP_VERSION
#define BP_VERSION "0.1.0"
#endif

typedef struct train_args {
  bp_cli_data_options data;
  bool describe;
  bp_cli_train_options train;
} train_args;

/* Long options without a short form get codes above the char range. */
enum {
  OPT_DATA = 256,
  OPT_LABEL,
  OPT_IDX_LABELS,
  OPT_TASK,
  OPT_DROP_BAD_ROWS,
  OPT_DESCRIBE,
  OPT_SPEC,
  OPT_EPOCHS,
  OPT_STEPS,
  OPT_SEED,
  OPT_BATCH_SIZE,
  OPT_LR,
  OPT_VAL_RATIO,
  OPT_TEST_RATIO,
  OPT_SCALE,
  OPT_THREADS,
  OPT_METRICS_CSV,
  OPT_SAVE_WEIGHTS,
  OPT_QUIET,
  OPT_HELP,
  OPT_VERSION,
};

static const struct option long_options[] = {
  { "data", required_argument, NULL, OPT_DATA },
  { "label", required_argument, NULL, OPT_LABEL },
  { "idx-labels", required_argument, NULL, OPT_IDX_LABELS },
  { "task", required_argument, NULL, OPT_TASK },
  { "drop-bad-rows", no_argument, NULL, OPT_DROP_BAD_ROWS },
  { "describe", no_argument, NULL, OPT_DESCRIBE },
  { "spec", required_argument, NULL, OPT_SPEC },
  { "epochs", required_argument, NULL, OPT_EPOCHS },
  { "steps", required_argument, NULL, OPT_STEPS },
  { "seed", required_argument, NULL, OPT_SEED },
  { "batch-size", required_argument, NULL, OPT_BATCH_SIZE },
  { "lr", required_argument, NULL, OPT_LR },
  { "val-ratio", required_argument, NULL, OPT_VAL_RATIO },
  { "test-ratio", required_argument, NULL, OPT_TEST_RATIO },
  { "scale", required_argument, NULL, OPT_SCALE },
  { "threads", required_argument, NULL, OPT_THREADS },
  { "metrics-csv", required_argument, NULL, OPT_METRICS_CSV },
  { "save-weights", required_argument, NULL, OPT_SAVE_WEIGHTS },
  { "quiet", no_argument, NULL, OPT_QUIET },
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: backprop-train EXPERIMENT.json [OPTIONS]\n"
           "       backprop-train [--spec SPEC.json] --data SOURCE [OPTIONS]\n"
           "       backprop-train --describe SOURCE\n"
           "\n"
           "Trains a network headless and reports progress: a progress bar on a terminal, one\n"
           "line per epoch otherwise. EXPERIMENT is an experiment file, .json or .bpx (see\n"
           "docs/experiment-format.md and data/examples/): its spec, data, split, scaling,\n"
           "schedule, early stopping and weights; options given here win over it. Without an\n"
           "experiment or --spec: the Playground net (8-8 tanh, SGD 0.03, batch 10, 200\n"
           "epochs) for 2-D sets, an MLP (ReLU, Adam 0.001, 10 epochs) otherwise.\n"
           "\n"
           "Data:\n"
           "  --data SOURCE       a built-in dataset name, or a CSV or IDX file (plain or .gz)\n"
           "  --label COL         CSV label column: a header name, or a column number from 1\n"
           "                      (negative counts from the end; default: the last column)\n"
           "  --task KIND         classification or regression (default: text labels and few\n"
           "                      whole numbers are classes, other numbers regression)\n"
           "  --drop-bad-rows     leave out CSV rows with missing, NaN, Inf or non-numeric\n"
           "                      cells or the wrong number of fields and list their lines\n"
           "                      (without it such a row stops the load, named as\n"
           "                      FILE:LINE:COLUMN); also the CSV an EXPERIMENT names\n"
           "  --idx-labels FILE   labels for an IDX images file (default: the file named like\n"
           "                      it with \"labels\" for \"images\")\n"
           "  --describe          print rows, the split (with --val-ratio, --test-ratio and\n"
           "                      --seed as given), features, statistics and class balance;\n"
           "                      exit\n"
           "  --val-ratio R       share of rows for validation, checked every epoch (0.2)\n"
           "  --test-ratio R      share of rows for a final test (0)\n"
           "                      so by default 80/20/0 %% training/validation/test, stratified\n"
           "                      by class, seeded by --seed; the window splits 60/20/20 %%\n"
           "  --scale HOW         none, standard or minmax, fitted on the training rows\n"
           "                      (default: standard; none for images)\n"
           "\n"
           "Training:\n"
           "  --spec FILE         the network spec (JSON, see docs/spec-format.md)\n"
           "  --epochs N          stop after N epochs (default: the spec's)\n"
           "  --steps N           stop after N optimizer steps (alone: no epoch limit)\n"
           "  --seed N            weights, shuffling, dropout and the split (the spec's)\n"
           "  --batch-size N      (the spec's)\n"
           "  --lr X              learning rate (the spec's)\n"
           "  --threads N         training threads (default: every core, at most 4)\n"
           "\n"
           "Output:\n"
           "  --metrics-csv FILE  every step: step,epoch,time,loss,acc,lr\n"
           "  --save-weights FILE the trained weights as safetensors (PyTorch shapes, the\n"
           "                      spec in the metadata)\n"
           "  --quiet             no progress, only errors\n"
           "Files are written under a temporary name and renamed when complete. Ctrl+C stops\n"
           "after the current step, writes what was asked and exits with 130.\n"
           "\n"
           "  --help              this text\n"
           "  --version           the version\n"
           "\n"
           "Built-in datasets (the synthetic ones take parameters, as in\n"
           "blobs:n=500,noise=0.1,seed=1,k=3):\n");
  bp_cli_list_builtins (out);
  fprintf (out, "\nExit status: 0 on success, 2 for bad options or a bad data file (the message\n"
                "names FILE:LINE:COLUMN, or FILE: byte OFFSET for binary files), 130 when\n"
                "interrupted, 1 otherwise (training diverged, a file could not be written).\n");
}

/* A whole number in [lo, hi] from an option's value, or false (message printed). */
static bool
parse_long (const char *opt, const char *arg, long long lo, long long hi, long long *out)
{
  char *end;
  errno = 0;
  long long v = strtoll (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi)
    {
      fprintf (stderr, "backprop-train: %s %s: expected a whole number from %lld to %lld\n",
               opt, arg, lo, hi);
      return false;
    }
  *out = v;
  return true;
}

static bool
parse_double (const char *opt, const char *arg, double lo, double hi, double *out)
{
  char *end;
  errno = 0;
  double v = strtod (arg, &end);
  if (errno != 0 || end == arg || *end != '\0' || !(v >= lo && v < hi))
    {
      fprintf (stderr, "backprop-train: %s %s: expected a number in [%g, %g)\n", opt, arg, lo,
               hi);
      return false;
    }
  *out = v;
  return true;
}

/* The training options; false when the value is bad (message printed). */
static bool
parse_train_option (int c, const char *arg, bp_cli_train_options *t)
{
  long long v;
  switch (c)
    {
    case OPT_SPEC: t->spec = arg; return true;
    case OPT_SCALE: t->scaling = arg; return true;
    case OPT_METRICS_CSV: t->metrics_csv = arg; return true;
    case OPT_SAVE_WEIGHTS: t->save_weights = arg; return true;
    case OPT_QUIET: t->quiet = true; return true;
    case OPT_EPOCHS:
      if (!parse_long ("--epochs", arg, 1, 100000000, &v))
        return false;
      t->epochs = (long) v;
      return true;
    case OPT_STEPS:
      if (!parse_long ("--steps", arg, 1, 4000000000LL, &v))
        return false;
      t->steps = v;
      return true;
    case OPT_SEED:
      if (!parse_long ("--seed", arg, 0, INT64_MAX, &v))
        return false;
      t->seed = (uint64_t) v;
      t->have_seed = true;
      return true;
    case OPT_BATCH_SIZE:
      if (!parse_long ("--batch-size", arg, 1, 1 << 20, &v))
        return false;
      t->batch_size = (int) v;
      return true;
    case OPT_THREADS:
      if (!parse_long ("--threads", arg, 1, 1024, &v))
        return false;
      t->threads = (int) v;
      return true;
    case OPT_LR:
      return parse_double ("--lr", arg, 1e-12, 1e6, &t->lr) && t->lr > 0;
    case OPT_VAL_RATIO:
      return parse_double ("--val-ratio", arg, 0, 1, &t->val_ratio);
    case OPT_TEST_RATIO:
      return parse_double ("--test-ratio", arg, 0, 1, &t->test_ratio);
    default:
      return false;
    }
}

/* A dataset given where an experiment file goes: a built-in name, or a file named as data
 * files are (an experiment is .json or .bpx). */
static bool
looks_like_data (const char *arg)
{
  static const char *const endings[] = { ".csv", ".tsv", ".txt", ".gz", "-ubyte" };
  if (bp_builtin_exists (arg))
    return true;
  size_t n = strlen (arg);
  for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++)
    {
      size_t k = strlen (endings[i]);
      if (n > k && strcasecmp (arg + n - k, endings[i]) == 0)
        return true;
    }
  return false;
}

/* Fills args from argv. Returns -1 to go on, or the exit status to stop with. */
static int
parse_args (int argc, char **argv, train_args *args)
{
  int c;
  opterr = 0; /* our own messages below */
  while ((c = getopt_long (argc, argv, ":", long_options, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_DATA: args->data.source = optarg; break;
        case OPT_LABEL: args->data.label = optarg; break;
        case OPT_IDX_LABELS: args->data.idx_labels = optarg; break;
        case OPT_DROP_BAD_ROWS: args->data.drop_bad_rows = true; break;
        case OPT_DESCRIBE: args->describe = true; break;
        case OPT_TASK:
          if (!bp_cli_parse_task (optarg, &args->data.task))
            {
              fprintf (stderr, "backprop-train: --task %s: use classification or regression\n",
                       optarg);
              return BP_EXIT_USAGE;
            }
          break;
        case OPT_SPEC: case OPT_EPOCHS: case OPT_STEPS: case OPT_SEED: case OPT_BATCH_SIZE:
        case OPT_LR: case OPT_VAL_RATIO: case OPT_TEST_RATIO: case OPT_SCALE: case OPT_THREADS:
        case OPT_METRICS_CSV: case OPT_SAVE_WEIGHTS: case OPT_QUIET:
          if (!parse_train_option (c, optarg, &args->train))
            return BP_EXIT_USAGE;
          break;
        case OPT_HELP: usage (stdout); return BP_EXIT_OK;
        case OPT_VERSION: printf ("backprop-train %s\n", BP_VERSION); return BP_EXIT_OK;
        case ':':
          fprintf (stderr, "backprop-train: %s needs a value\n", argv[optind - 1]);
          return BP_EXIT_USAGE;
        default:
          fprintf (stderr, "backprop-train: unknown option %s (see --help)\n", argv[optind - 1]);
          return BP_EXIT_USAGE;
        }
    }
  if (optind < argc)
    args->train.experiment = argv[optind++];
  if (optind < argc)
    {
      fprintf (stderr, "backprop-train: unexpected argument '%s' (see --help)\n", argv[optind]);
      return BP_EXIT_USAGE;
    }
  /* "--describe FILE.csv": the file is what to describe (--describe takes no value). */
  if (args->describe && args->data.source == NULL && args->train.experiment != NULL)
    {
      args->data.source = args->train.experiment;
      args->train.experiment = NULL;
    }
  if (args->train.experiment != NULL && looks_like_data (args->train.experiment))
    {
      fprintf (stderr, "backprop-train: %s is a dataset, not an experiment file: train on it "
               "with --data %s\n", args->train.experiment, args->train.experiment);
      return BP_EXIT_USAGE;
    }
  if (args->data.source == NULL && (args->describe || args->train.experiment == NULL))
    {
      fprintf (stderr, "backprop-train: no dataset: use --data SOURCE (see --help)\n");
      return BP_EXIT_USAGE;
    }
  return -1;
}

/* --describe: the data, and the split training with these options would make (the same
 * defaults and seed as cli-train.c's: --seed, else the spec's, 1 for the default spec). */
static int
describe (const train_args *args)
{
  const bp_cli_train_options *t = &args->train;
  bp_cli_split sp = {
    .val_ratio = t->val_ratio >= 0 ? t->val_ratio : BP_SPLIT_CLI_VAL_RATIO,
    .test_ratio = t->test_ratio >= 0 ? t->test_ratio : BP_SPLIT_CLI_TEST_RATIO,
    .seed = t->have_seed ? t->seed : 1,
  };
  char given[160] = "", msg[512];
  if (!t->have_seed && t->spec != NULL)
    {
      bp_spec *spec = bp_spec_parse_file (t->spec, msg, sizeof msg);
      if (spec == NULL)
        {
          fprintf (stderr, "%s\n", msg);
          return BP_EXIT_USAGE;
        }
      sp.seed = spec->seed;
      bp_spec_free (spec);
      snprintf (given, sizeof given, " --spec's seed");
    }
  if (t->val_ratio >= 0)
    snprintf (given + strlen (given), sizeof given - strlen (given), " --val-ratio %g",
              t->val_ratio);
  if (t->test_ratio >= 0)
    snprintf (given + strlen (given), sizeof given - strlen (given), " --test-ratio %g",
              t->test_ratio);
  if (t->have_seed)
    snprintf (given + strlen (given), sizeof given - strlen (given), " --seed %llu",
              (unsigned long long) t->seed);
  sp.given = given[0] != '\0' ? given + 1 : given;

  bp_dataset *ds = bp_cli_load_data (&args->data, stderr);
  if (ds == NULL)
    return BP_EXIT_USAGE;
  int rc = bp_cli_describe (ds, &sp, stdout, stderr);
  bp_dataset_free (ds);
  if (rc != 0)
    return BP_EXIT_USAGE;
  if (fflush (stdout) != 0)
    return BP_EXIT_FAILURE;
  return BP_EXIT_OK;
}

int
main (int argc, char **argv)
{
  train_args args = { 0 };
  bp_cli_train_options_init (&args.train);
  int status = parse_args (argc, argv, &args);
  if (status >= 0)
    return status;

  if (!args.describe)
    return bp_cli_train (&args.train, &args.data, stdout, stderr);
  return describe (&args);
}
