/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The metric log: every optimizer step's scalars and every epoch's summary, append-only and
 * lossless, written by one thread (the trainer) and read by others without locks.
 *
 * Storage is a table of fixed-size chunks. The table of chunk pointers is allocated once, at
 * creation, for the log's whole capacity, so it never moves under a reader; chunks are
 * allocated by the writer when it crosses into a new one (once per 65,536 step records) and
 * never freed or moved until the log is freed. The writer fills a record, then publishes the
 * new count with a release store; a reader loads the count with acquire and may then read
 * every record below it. One writer, any number of readers. See docs/session.md for sizes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One optimizer step: exactly 32 bytes. */
typedef struct bp_step_record {
  uint64_t step;  /* 1-based count of optimizer steps in this run */
  double time;    /* wall seconds since the run started, excluding time spent paused */
  float loss;     /* mean loss of the batch (data term, without L1/L2 penalties) */
  float acc;      /* batch accuracy in [0, 1]; NaN for regression */
  float lr;       /* learning rate used by this step */
  uint32_t epoch; /* 1-based epoch this step belongs to */
} bp_step_record;

_Static_assert (sizeof (bp_step_record) == 32, "a step record is 32 bytes");

/* One finished epoch. Train figures are the sample-weighted mean of the epoch's batch losses
 * and accuracies (as Keras reports them); validation figures come from an eval-mode pass over
 * the whole validation set. Fields that do not apply are NaN. */
typedef struct bp_epoch_record {
  uint64_t step;      /* steps done when the epoch ended */
  double time;        /* wall seconds since the run started (excluding pauses) */
  uint32_t epoch;     /* 1-based */
  float lr;           /* learning rate at the end of the epoch */
  double train_loss;
  double train_acc;   /* classification */
  double val_loss;    /* NaN without a validation set */
  double val_acc;     /* classification */
  double val_mae;     /* regression */
  double val_r2;      /* regression */
  double samples_per_s; /* training throughput over this epoch */
} bp_epoch_record;

typedef struct bp_metric_log bp_metric_log;

/* Room for max_steps step records (rounded up to whole chunks; 0 = the default,
 * BP_METRIC_LOG_DEFAULT_STEPS) and as many epoch records. NULL when memory is short. */
#define BP_METRIC_LOG_DEFAULT_STEPS ((uint64_t) 1 << 26)
#define BP_METRIC_LOG_MAX_STEPS ((uint64_t) 1 << 32)
bp_metric_log *bp_metric_log_new (uint64_t max_steps);
void bp_metric_log_free (bp_metric_log *log);

/* Writer side (one thread). Return false when the log is full or a chunk cannot be had:
 * nothing is written then, and the caller must stop appending (the session pauses). */
bool bp_metric_log_append_step (bp_metric_log *log, const bp_step_record *rec);
bool bp_metric_log_append_epoch (bp_metric_log *log, const bp_epoch_record *rec);
/* Would the next step record fit? */
bool bp_metric_log_step_room (const bp_metric_log *log);

/* Reader side (any thread, lock-free). Counts are published with release/acquire: every
 * record below a count returned here is complete and will never change. */
uint64_t bp_metric_log_n_steps (const bp_metric_log *log);
uint64_t bp_metric_log_n_epochs (const bp_metric_log *log);
uint64_t bp_metric_log_capacity (const bp_metric_log *log);

/* Copies up to max records starting at index `from` (0-based; record i has step i + 1) into
 * out; returns how many were copied (0 when from is at or past the published count). */
size_t bp_metric_log_read_steps (const bp_metric_log *log, uint64_t from, bp_step_record *out,
                                 size_t max);
size_t bp_metric_log_read_epochs (const bp_metric_log *log, uint64_t from,
                                  bp_epoch_record *out, size_t max);

/* Zero-copy access: a pointer to record i and how many records follow it contiguously in the
 * same chunk (at least 1), or NULL when i is not published yet. */
const bp_step_record *bp_metric_log_step_at (const bp_metric_log *log, uint64_t i,
                                             size_t *contiguous);

/* Bytes held (chunks plus table). */
size_t bp_metric_log_memory (const bp_metric_log *log);

/* Appends step records [from, to) as CSV lines "step,epoch,time,loss,acc,lr" (no header;
 * to is clamped to the published count); returns records written, or -1 on a write error. */
long bp_metric_log_write_steps_csv (const bp_metric_log *log, FILE *f, uint64_t from,
                                    uint64_t to);

/* The storage under the metric log and the histogram history: fixed-size records in chunks of
 * 2^chunk_shift records, a chunk table allocated once for `capacity` records, one writer,
 * lock-free readers (count published with release, read with acquire). */
typedef struct bp_chunk_store bp_chunk_store;

bp_chunk_store *bp_chunk_store_new (size_t record_size, unsigned chunk_shift, uint64_t capacity);
void bp_chunk_store_free (bp_chunk_store *cs);
/* Writer: a zeroed slot for record number count (allocating its chunk when it starts one), or
 * NULL when full or out of memory. Fill it, then publish. */
void *bp_chunk_store_slot (bp_chunk_store *cs);
void bp_chunk_store_publish (bp_chunk_store *cs);
/* Reader. */
uint64_t bp_chunk_store_count (const bp_chunk_store *cs);
uint64_t bp_chunk_store_capacity (const bp_chunk_store *cs);
const void *bp_chunk_store_at (const bp_chunk_store *cs, uint64_t i, size_t *contiguous);
size_t bp_chunk_store_memory (const bp_chunk_store *cs);
