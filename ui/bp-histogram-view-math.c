/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain C on purpose (see bp-histogram-view-math.h). */
#include "bp-histogram-view-math.h"

#include <math.h>
#include <stdio.h>

const double bp_hist_band_q[BP_HIST_N_BANDS] = {
  0.0, 0.0668, 0.1587, 0.3085, 0.5, 0.6915, 0.8413, 0.9332, 1.0,
};

void
bp_hist_rebin (const bp_histogram *h, double lo, double hi, int n_bins, double *out)
{
  double ow, nw;

  for (int j = 0; j < n_bins; j++)
    out[j] = 0;
  if (h->n_bins <= 0 || n_bins <= 0)
    return;
  ow = ((double) h->hi - h->lo) / h->n_bins;
  nw = (hi - lo) / n_bins;
  for (int i = 0; i < h->n_bins; i++)
    {
      double a = h->lo + i * ow, b = a + ow, c = h->counts[i];

      if (c == 0)
        continue;
      if (!(ow > 0) || !(nw > 0))
        {
          /* A degenerate range: everything in the bin holding the value. */
          int j = nw > 0 ? (int) floor ((a - lo) / nw) : 0;

          out[j < 0 ? 0 : j >= n_bins ? n_bins - 1 : j] += c;
          continue;
        }
      /* Parts of [a, b) below lo or above hi go to the end bins. */
      if (a < lo)
        {
          double share = (fmin (b, lo) - a) / ow;

          out[0] += c * share;
        }
      if (b > hi)
        {
          double share = (b - fmax (a, hi)) / ow;

          out[n_bins - 1] += c * share;
        }
      {
        double s = fmax (a, lo), e = fmin (b, hi);
        int j0, j1;

        if (!(e > s))
          continue;
        j0 = (int) floor ((s - lo) / nw);
        j1 = (int) floor ((e - lo) / nw);
        if (j0 < 0)
          j0 = 0;
        if (j1 > n_bins - 1)
          j1 = n_bins - 1;
        for (int j = j0; j <= j1; j++)
          {
            double bs = lo + j * nw, be = bs + nw;
            double overlap = fmin (e, be) - fmax (s, bs);

            if (j == n_bins - 1)
              overlap = e - fmax (s, bs); /* the last bin takes up to hi exactly */
            if (overlap > 0)
              out[j] += c * overlap / ow;
          }
      }
    }
}

double
bp_hist_percentile (const bp_histogram *h, double q)
{
  double total = 0, target, acc = 0, w, v;

  for (int i = 0; i < h->n_bins; i++)
    total += h->counts[i];
  if (total <= 0 || h->n_bins <= 0)
    return NAN;
  if (q <= 0)
    return h->min;
  if (q >= 1)
    return h->max;
  target = q * total;
  w = ((double) h->hi - h->lo) / h->n_bins;
  v = h->max;
  for (int i = 0; i < h->n_bins; i++)
    {
      double c = h->counts[i];

      if (c > 0 && acc + c >= target)
        {
          v = h->lo + w * (i + (target - acc) / c);
          break;
        }
      acc += c;
    }
  return fmin (fmax (v, h->min), h->max);
}

int
bp_hist_step_ticks (double s0, double s1, int target, double *ticks, int cap)
{
  double step, t;
  int n = 0;

  if (!(s1 >= s0) || cap <= 0)
    return 0;
  if (target < 1)
    target = 1;
  /* A nice step for about target intervals, never below one step. */
  {
    double raw = s1 > s0 ? (s1 - s0) / target : 1;
    double p = pow (10, floor (log10 (raw))), m = raw / p;

    step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  if (step < 1)
    step = 1;
  for (t = ceil (s0 / step) * step; t <= s1 + 1e-9 * step && n < cap; t += step)
    ticks[n++] = t;
  return n;
}

void
bp_hist_empty_note (unsigned n_entries, uint64_t first, uint64_t last, uint64_t from,
                    uint64_t to, char *buf, size_t len)
{
  char upto[32] = "the newest";

  if (n_entries == 0)
    {
      snprintf (buf, len, "No histograms recorded yet");
      return;
    }
  if (to > 0)
    snprintf (upto, sizeof upto, "%llu", (unsigned long long) to);
  if (n_entries == 1)
    {
      snprintf (buf, len,
                "The step range (%llu to %s) hides the one histogram, recorded at step %llu: "
                "clear the Steps boxes (from, to) to see it",
                (unsigned long long) from, upto, (unsigned long long) first);
      return;
    }
  snprintf (buf, len,
            "The step range (%llu to %s) hides all %u histograms, recorded at steps %llu to "
            "%llu: clear the Steps boxes (from, to) to see them all",
            (unsigned long long) from, upto, n_entries, (unsigned long long) first,
            (unsigned long long) last);
}
