/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Histograms with tracked ranges, snapshot options, and the histogram history store. */
#include "engine/session_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const tensor_names[BP_HIST_TENSOR_COUNT] = {
  "weights", "biases", "weight gradients", "bias gradients", "activations",
};

const char *
bp_hist_tensor_name (bp_hist_tensor t)
{
  return (unsigned) t < BP_HIST_TENSOR_COUNT ? tensor_names[t] : "unknown";
}

void
bp_snapshot_options_defaults (bp_snapshot_options *o)
{
  o->interval_s = 1.0 / 30.0;
  o->bins = BP_HIST_DEFAULT_BINS;
  o->histograms = true;
  o->grid = true;
  o->grid_size = 100;
  o->neurons = true;
  o->neuron_size = 24;
  o->weights = true;
  o->max_share = 0.04;
}

/* 1, 2 or 5 times a power of ten, at least x. */
static double
nice_step (double x)
{
  double p = pow (10.0, floor (log10 (x)));
  double m = x / p;
  return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 5.0 ? 5.0 : 10.0) * p;
}

/* The tracked range: grow at once to cover [mn, mx], shrink when the data use less than
 * half of it. Ends are multiples of a nice step of a tenth of the span. */
static void
track_range (float mn, float mx, float *lo, float *hi)
{
  bool none = !(*hi > *lo);
  bool outside = mn < *lo || mx > *hi;
  bool too_wide = (double) mx - mn < 0.5 * ((double) *hi - *lo);
  if (!none && !outside && !too_wide)
    return;
  double span = (double) mx - mn;
  double mag = fmax (fabs ((double) mn), fabs ((double) mx));
  if (!(span > mag * 1e-6) || !(span > 1e-30))
    span = mag > 0 ? mag * 0.1 : 1e-3; /* a constant tensor: a small window around it */
  double step = nice_step (span / 10.0);
  double l = floor ((double) mn / step) * step, h = ceil ((double) mx / step) * step;
  if (!(h > l))
    h = l + step;
  if (h == mx && mx - mn == 0)
    h += step;
  *lo = (float) l;
  *hi = (float) h;
  if (!(*hi > *lo)) /* float rounding of huge values */
    *hi = nextafterf (*lo, INFINITY);
}

/* The values a histogram looks at: all of x when n <= max_values, else blocks of 256
 * contiguous values evenly spread over x (contiguous, so the sample costs memory traffic in
 * proportion to its size, which an even stride would not). */
#define SAMPLE_BLOCK 256

typedef struct sample_plan {
  size_t n, blocks, len; /* blocks of len values */
} sample_plan;

static sample_plan
plan_sample (size_t n, size_t max_values)
{
  sample_plan p = { n, 1, n };
  if (n > max_values && max_values >= SAMPLE_BLOCK * 2)
    {
      p.blocks = max_values / SAMPLE_BLOCK;
      p.len = SAMPLE_BLOCK;
    }
  return p;
}

static size_t
block_start (const sample_plan *p, size_t k)
{
  return p->blocks == 1 ? 0 : k * (p->n - p->len) / (p->blocks - 1);
}

void
bp_histogram_compute_sampled (bp_histogram *h, const float *x, size_t n, size_t max_values,
                              int n_bins, float *lo, float *hi)
{
  if (n_bins < 1)
    n_bins = 1;
  if (n_bins > BP_HIST_MAX_BINS)
    n_bins = BP_HIST_MAX_BINS;
  h->n_bins = n_bins;
  memset (h->counts, 0, sizeof (uint32_t) * (size_t) n_bins);
  sample_plan sp = plan_sample (n, max_values);
  float mn = INFINITY, mx = -INFINITY;
  double sum = 0.0, sum2 = 0.0;
  uint64_t seen = 0, bad = 0;
  for (size_t k = 0; k < sp.blocks; k++)
    {
      const float *b = x + block_start (&sp, k);
      float bs = 0.0f, bs2 = 0.0f; /* a block's sums in float, then added up in double */
      for (size_t i = 0; i < sp.len; i++)
        {
          float v = b[i];
          if (!isfinite (v))
            {
              bad++;
              continue;
            }
          mn = v < mn ? v : mn;
          mx = v > mx ? v : mx;
          bs += v;
          bs2 += v * v;
        }
      seen += sp.len;
      sum += bs;
      sum2 += bs2;
    }
  uint64_t good = seen - bad;
  h->n = seen;
  h->n_nonfinite = bad;
  if (good == 0)
    {
      h->min = h->max = h->mean = h->std = 0.0f;
      if (!(*hi > *lo))
        {
          *lo = -1.0f;
          *hi = 1.0f;
        }
      h->lo = *lo;
      h->hi = *hi;
      return;
    }
  double mean = sum / (double) good;
  double var = sum2 / (double) good - mean * mean;
  h->min = mn;
  h->max = mx;
  h->mean = (float) mean;
  h->std = (float) sqrt (var > 0 ? var : 0);
  track_range (mn, mx, lo, hi);
  h->lo = *lo;
  h->hi = *hi;
  const float scale = (float) n_bins / (*hi - *lo), base = *lo;
  const int last = n_bins - 1;
  for (size_t k = 0; k < sp.blocks; k++)
    {
      const float *b = x + block_start (&sp, k);
      for (size_t i = 0; i < sp.len; i++)
        {
          float v = b[i];
          if (!isfinite (v))
            continue;
          int bin = (int) ((v - base) * scale);
          bin = bin < 0 ? 0 : bin > last ? last : bin;
          h->counts[bin]++;
        }
    }
}

void
bp_histogram_compute (bp_histogram *h, const float *x, size_t n, int n_bins, float *lo,
                      float *hi)
{
  bp_histogram_compute_sampled (h, x, n, SIZE_MAX, n_bins, lo, hi);
}

/* ---- history store ---- */

typedef struct hist_compact {
  float lo, hi, min, max, mean, std;
  uint64_t n, n_nonfinite;
  int32_t n_bins; /* 0: the layer has no such tensor */
  uint32_t pad;
} hist_compact;

typedef struct history_head {
  uint64_t step;
  uint32_t epoch;
  uint32_t pad;
} history_head;

static size_t
entry_size (int bins)
{
  return sizeof (hist_compact) + sizeof (uint32_t) * (size_t) bins;
}

bp_hist_history *
bp_hist_history_new (int n_layers, int bins, uint64_t every)
{
  if (bins < 1 || bins > BP_HIST_MAX_BINS)
    bins = BP_HIST_DEFAULT_BINS;
  bp_hist_history *h = calloc (1, sizeof *h);
  if (h == NULL)
    return NULL;
  h->n_layers = n_layers;
  h->bins = bins;
  h->every = every;
  h->next_step = every;
  h->record_size = sizeof (history_head)
                   + (size_t) n_layers * BP_HIST_TENSOR_COUNT * entry_size (bins);
  unsigned shift = 0;
  while (shift < 16 && (h->record_size << (shift + 1)) <= ((size_t) 256 << 10))
    shift++;
  h->store = bp_chunk_store_new (h->record_size, shift, (uint64_t) BP_HIST_HISTORY_BLOCK * 48);
  h->ranges = calloc ((size_t) n_layers * BP_HIST_TENSOR_COUNT + 1, sizeof *h->ranges);
  if (h->store == NULL || h->ranges == NULL)
    {
      bp_hist_history_free (h);
      return NULL;
    }
  return h;
}

void
bp_hist_history_free (bp_hist_history *h)
{
  if (h == NULL)
    return;
  bp_chunk_store_free (h->store);
  free (h->ranges);
  free (h);
}

uint64_t
bp_hist_history_count (const bp_hist_history *h)
{
  return h != NULL ? bp_chunk_store_count (h->store) : 0;
}

int
bp_hist_history_n_layers (const bp_hist_history *h)
{
  return h != NULL ? h->n_layers : 0;
}

bool
bp_hist_history_get (const bp_hist_history *h, uint64_t i, int layer, bp_hist_tensor which,
                     bp_histogram *out, uint64_t *step, uint32_t *epoch)
{
  if (h == NULL || layer < 0 || layer >= h->n_layers || (unsigned) which >= BP_HIST_TENSOR_COUNT)
    return false;
  const char *rec = bp_chunk_store_at (h->store, i, NULL);
  if (rec == NULL)
    return false;
  const history_head *head = (const history_head *) rec;
  if (step != NULL)
    *step = head->step;
  if (epoch != NULL)
    *epoch = head->epoch;
  const char *e = rec + sizeof (history_head)
                  + ((size_t) layer * BP_HIST_TENSOR_COUNT + which) * entry_size (h->bins);
  hist_compact c;
  memcpy (&c, e, sizeof c);
  if (c.n_bins == 0)
    return false;
  out->n_bins = c.n_bins;
  out->lo = c.lo;
  out->hi = c.hi;
  out->min = c.min;
  out->max = c.max;
  out->mean = c.mean;
  out->std = c.std;
  out->n = c.n;
  out->n_nonfinite = c.n_nonfinite;
  memcpy (out->counts, e + sizeof c, sizeof (uint32_t) * (size_t) c.n_bins);
  return true;
}

/* Writer: called by the trainer with each layer's histograms (has[] per tensor). */
bool
bp_hist_history_append (bp_hist_history *h, uint64_t step, uint32_t epoch,
                        const bp_histogram *hists, const bool *has)
{
  char *rec = bp_chunk_store_slot (h->store);
  if (rec == NULL)
    return false;
  history_head head = { step, epoch, 0 };
  memcpy (rec, &head, sizeof head);
  for (int k = 0; k < h->n_layers * BP_HIST_TENSOR_COUNT; k++)
    {
      char *e = rec + sizeof head + (size_t) k * entry_size (h->bins);
      hist_compact c = { 0 };
      if (has[k])
        {
          const bp_histogram *s = &hists[k];
          c = (hist_compact) { s->lo, s->hi, s->min, s->max, s->mean, s->std, s->n,
                               s->n_nonfinite, s->n_bins, 0 };
          memcpy (e + sizeof c, s->counts, sizeof (uint32_t) * (size_t) s->n_bins);
        }
      memcpy (e, &c, sizeof c);
    }
  bp_chunk_store_publish (h->store);
  return true;
}
