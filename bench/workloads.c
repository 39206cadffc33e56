/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bench/workloads.h"
#include "data/builtin.h"
#include "engine/safetensors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adam as torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8); PyTorch's default init. */
#define ADAM "\"optimizer\": {\"type\": \"adam\", \"lr\": 0.001, \"beta1\": 0.9, " \
             "\"beta2\": 0.999, \"eps\": 1e-8}, \"loss\": \"cross_entropy\""

static const bp_workload workloads[] = {
  { "mlp", "mlp",
    "{\"input\": {\"shape\": [784]}, \"layers\": ["
    "{\"type\": \"dense\", \"units\": 256, \"activation\": \"relu\"},"
    "{\"type\": \"dense\", \"units\": 128, \"activation\": \"relu\"},"
    "{\"type\": \"dense\", \"units\": 10}], " ADAM "}",
    64, 6.0 * 235146 },
  { "mlp-wide", "mlp_wide",
    "{\"input\": {\"shape\": [784]}, \"layers\": ["
    "{\"type\": \"dense\", \"units\": 1024, \"activation\": \"relu\"},"
    "{\"type\": \"dense\", \"units\": 1024, \"activation\": \"relu\"},"
    "{\"type\": \"dense\", \"units\": 10}], " ADAM "}",
    256, 6.0 * 1863690 },
  { "cnn", "cnn",
    "{\"input\": {\"shape\": [1, 28, 28]}, \"layers\": ["
    "{\"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\","
    " \"activation\": \"relu\"},"
    "{\"type\": \"maxpool2d\", \"pool_size\": 2},"
    "{\"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": 3, \"padding\": \"same\","
    " \"activation\": \"relu\"},"
    "{\"type\": \"maxpool2d\", \"pool_size\": 2},"
    "{\"type\": \"flatten\"},"
    "{\"type\": \"dense\", \"units\": 128, \"activation\": \"relu\"},"
    "{\"type\": \"dense\", \"units\": 10}], " ADAM "}",
    64, 6.0 * 1218048 },
  { "tiny", "tiny",
    "{\"input\": {\"shape\": [2]}, \"layers\": ["
    "{\"type\": \"dense\", \"units\": 8, \"activation\": \"tanh\"},"
    "{\"type\": \"dense\", \"units\": 8, \"activation\": \"tanh\"},"
    "{\"type\": \"dense\", \"units\": 1}],"
    " \"optimizer\": {\"type\": \"sgd\", \"lr\": 0.03}, \"loss\": \"bce\"}",
    10, 6.0 * 105 },
};

const bp_workload *
bp_workload_find (const char *name)
{
  for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
    if (!strcmp (workloads[i].name, name))
      return &workloads[i];
  return NULL;
}

bp_net *
bp_workload_net (const bp_workload *w, uint64_t seed, char *err, size_t errlen)
{
  bp_spec *spec = bp_spec_parse (w->spec_json, strlen (w->spec_json), err, errlen);
  if (!spec)
    return NULL;
  spec->seed = seed;
  spec->batch_size = w->batch;
  bp_net *net = bp_net_create (spec, err, errlen);
  bp_spec_free (spec);
  if (net && bp_net_compile (net, w->batch, err, errlen) != 0)
    {
      bp_net_free (net);
      net = NULL;
    }
  return net;
}

int
bp_fmnist_load (bp_fmnist *fm, char *err, size_t errlen)
{
  fm->train = bp_builtin_load ("fashion-mnist", err, errlen);
  fm->test = fm->train ? bp_builtin_load ("fashion-mnist-test", err, errlen) : NULL;
  if (!fm->test)
    {
      bp_fmnist_clear (fm);
      return -1;
    }
  return 0;
}

void
bp_fmnist_clear (bp_fmnist *fm)
{
  bp_dataset_free (fm->train);
  bp_dataset_free (fm->test);
  fm->train = fm->test = NULL;
}

double
bp_eval_dataset (bp_net *net, const bp_dataset *ds, float *x, int32_t *labels, int batch,
                 double *acc)
{
  uint32_t *rows = malloc ((size_t) batch * sizeof *rows);
  double loss = 0;
  long correct = 0;
  for (size_t i = 0; i < ds->n_rows; i += (size_t) batch)
    {
      int nb = (int) (ds->n_rows - i < (size_t) batch ? ds->n_rows - i : (size_t) batch);
      for (int k = 0; k < nb; k++)
        rows[k] = (uint32_t) (i + (size_t) k);
      bp_dataset_gather (ds, NULL, rows, nb, x, labels, NULL);
      bp_batch b = { .x = x, .labels = labels, .n = nb };
      int c = 0;
      loss += bp_net_eval_batch (net, &b, &c);
      correct += c;
    }
  free (rows);
  if (acc)
    *acc = (double) correct / (double) ds->n_rows;
  return loss / (double) ds->n_rows;
}

int
bp_trace_save_net (const char *prefix, const char *what, bp_net *net, char *err, size_t errlen)
{
  char path[4096];
  snprintf (path, sizeof path, "%s.%s.safetensors", prefix, what);
  return bp_net_save_safetensors (net, path, NULL, NULL, 0, err, errlen);
}

int
bp_trace_save_run (const char *prefix, const uint32_t *order, int epochs, size_t n_rows,
                   const double *losses, long steps, char *err, size_t errlen)
{
  char path[4096];
  size_t n = (size_t) epochs * n_rows;
  float *f = malloc ((n > 0 ? n : 1) * sizeof *f); /* (epochs, n_rows) */
  if (!f)
    {
      snprintf (err, errlen, "out of memory");
      return -1;
    }
  for (size_t i = 0; i < n; i++)
    f[i] = (float) order[i];
  bp_st_tensor t = { .name = "order", .rank = 2, .dims = { epochs, (int64_t) n_rows }, .data = f };
  snprintf (path, sizeof path, "%s.order.safetensors", prefix);
  int rc = bp_safetensors_write (path, &t, 1, NULL, NULL, 0, err, errlen);
  free (f);
  if (rc != 0)
    return -1;
  snprintf (path, sizeof path, "%s.loss.txt", prefix);
  FILE *out = fopen (path, "w");
  if (!out)
    {
      snprintf (err, errlen, "%s: cannot write", path);
      return -1;
    }
  for (long s = 0; s < steps; s++)
    fprintf (out, "%ld %.9g\n", s + 1, losses[s]);
  if (fclose (out) != 0)
    {
      snprintf (err, errlen, "%s: write error", path);
      return -1;
    }
  return 0;
}
