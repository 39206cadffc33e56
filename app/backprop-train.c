/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-train: the headless trainer. For now it loads and describes datasets; training
 * options join the table below (one option entry, one case, one help line each). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli-data.h"

#ifndef BP_VERSION
#define BP_VERSION "0.1.0"
#endif

typedef struct train_args {
  bp_cli_data_options data;
  bool describe;
} train_args;

/* Long options without a short form get codes above the char range. */
enum {
  OPT_DATA = 256,
  OPT_LABEL,
  OPT_IDX_LABELS,
  OPT_TASK,
  OPT_DROP_BAD_ROWS,
  OPT_DESCRIBE,
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
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: backprop-train --data SOURCE [OPTIONS]\n"
           "\n"
           "Data:\n"
           "  --data SOURCE       a built-in dataset name, or a CSV or IDX file (plain or .gz)\n"
           "  --label COL         CSV label column: a header name, or a column number from 1\n"
           "                      (negative counts from the end; default: the last column)\n"
           "  --task KIND         classification or regression (default: text labels and few\n"
           "                      whole numbers are classes, other numbers regression)\n"
           "  --drop-bad-rows     skip CSV rows with missing, NaN, Inf or non-numeric cells\n"
           "  --idx-labels FILE   labels for an IDX images file (default: the file named like\n"
           "                      it with \"labels\" for \"images\")\n"
           "  --describe          print rows, features, statistics and class balance; exit\n"
           "\n"
           "  --help              this text\n"
           "  --version           the version\n"
           "\n"
           "Built-in datasets (the synthetic ones take parameters, as in\n"
           "blobs:n=500,noise=0.1,seed=1,k=3):\n");
  bp_cli_list_builtins (out);
  fprintf (out, "\nExit status: 0 on success, 2 for bad options or a bad data file (the message\n"
                "names FILE:LINE:COLUMN, or FILE: byte OFFSET for binary files), 1 otherwise.\n");
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
    {
      fprintf (stderr, "backprop-train: unexpected argument '%s' (see --help)\n", argv[optind]);
      return BP_EXIT_USAGE;
    }
  if (args->data.source == NULL)
    {
      fprintf (stderr, "backprop-train: no dataset: use --data SOURCE (see --help)\n");
      return BP_EXIT_USAGE;
    }
  return -1;
}

int
main (int argc, char **argv)
{
  train_args args = { 0 };
  int status = parse_args (argc, argv, &args);
  if (status >= 0)
    return status;

  bp_dataset *ds = bp_cli_load_data (&args.data, stderr);
  if (ds == NULL)
    return BP_EXIT_USAGE;
  if (args.describe)
    bp_cli_describe (ds, stdout);
  else
    fprintf (stderr, "backprop-train: training is not available yet; use --describe\n");
  bp_dataset_free (ds);
  if (fflush (stdout) != 0)
    return BP_EXIT_FAILURE;
  return args.describe ? BP_EXIT_OK : BP_EXIT_USAGE;
}
