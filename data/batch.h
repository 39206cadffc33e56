/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shuffled mini-batches as row indices: the dataset is never copied, each batch is a slice of
 * one permutation that is reshuffled in place at the start of every epoch. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/rng.h"

typedef struct bp_batcher {
  uint32_t *order; /* (n) the rows, in this epoch's order */
  uint32_t n;
  uint32_t batch_size;
  uint32_t pos;   /* next index into order */
  uint64_t epoch; /* epochs started so far */
  bool shuffle;
  bp_rng rng;
} bp_batcher;

/* Batches over rows[0..n) (copied). With shuffle, every epoch first runs Fisher-Yates
 * (j = SplitMix64(seed) % (i + 1)) over the previous epoch's order, which is what the W4
 * benchmark peers do. Returns 0, or -1 with a message. */
int bp_batcher_init (bp_batcher *b, const uint32_t *rows, uint32_t n, uint32_t batch_size,
                     bool shuffle, uint64_t seed, char *err, size_t errlen);
void bp_batcher_free (bp_batcher *b);

/* Points *rows at the next batch and returns its size: batch_size, or less for the last batch of
 * an epoch (kept, not dropped). An epoch ends when the last batch has been handed out; the next
 * call starts (and shuffles) a new one. Returns 0 only when there are no rows at all. */
uint32_t bp_batcher_next (bp_batcher *b, const uint32_t **rows);

/* True when the next call to bp_batcher_next starts a new epoch. */
static inline bool
bp_batcher_epoch_done (const bp_batcher *b)
{
  return b->pos == 0 || b->pos >= b->n;
}
