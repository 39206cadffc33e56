/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shuffled mini-batches over row indices. */
#include "data/batch.h"

#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

int
bp_batcher_init (bp_batcher *b, const uint32_t *rows, uint32_t n, uint32_t batch_size,
                 bool shuffle, uint64_t seed, char *err, size_t errlen)
{
  memset (b, 0, sizeof *b);
  if (batch_size == 0)
    {
      bp_data_err (err, errlen, "batch size must be at least 1");
      return -1;
    }
  b->order = malloc ((n > 0 ? n : 1) * sizeof *b->order);
  if (b->order == NULL)
    {
      bp_data_err (err, errlen, "out of memory for %u row indices", n);
      return -1;
    }
  if (n > 0)
    memcpy (b->order, rows, n * sizeof *rows);
  b->n = n;
  b->batch_size = batch_size;
  b->shuffle = shuffle;
  bp_rng_seed (&b->rng, seed);
  return 0;
}

void
bp_batcher_free (bp_batcher *b)
{
  if (b == NULL)
    return;
  free (b->order);
  memset (b, 0, sizeof *b);
}

uint32_t
bp_batcher_next (bp_batcher *b, const uint32_t **rows)
{
  if (b->n == 0)
    {
      *rows = b->order;
      return 0;
    }
  if (b->pos >= b->n)
    b->pos = 0;
  if (b->pos == 0)
    {
      if (b->shuffle)
        bp_rng_shuffle_u32 (&b->rng, b->order, b->n);
      b->epoch++;
    }
  uint32_t take = b->n - b->pos < b->batch_size ? b->n - b->pos : b->batch_size;
  *rows = b->order + b->pos;
  b->pos += take;
  return take;
}
