/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chunked append-only storage with a published count, and the metric log built on it. */
#include "engine/metric_log.h"

#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct bp_chunk_store {
  size_t record_size;
  unsigned shift;      /* records per chunk = 1 << shift */
  uint64_t capacity;   /* records; a whole number of chunks */
  size_t n_table;      /* chunk table entries */
  /* Entries are written by the writer before the release store of count that first covers
   * a record of the chunk, so a reader that acquired count sees them: no atomics needed. */
  char **table;
  size_t n_chunks;     /* allocated so far (writer only) */
  _Atomic uint64_t count;
};

bp_chunk_store *
bp_chunk_store_new (size_t record_size, unsigned chunk_shift, uint64_t capacity)
{
  if (record_size == 0 || chunk_shift > 30 || capacity == 0)
    return NULL;
  uint64_t per = (uint64_t) 1 << chunk_shift;
  uint64_t n_table = (capacity + per - 1) / per;
  if (n_table > ((uint64_t) 1 << 24))
    return NULL;
  bp_chunk_store *cs = calloc (1, sizeof *cs);
  if (cs == NULL)
    return NULL;
  cs->table = calloc ((size_t) n_table, sizeof *cs->table);
  if (cs->table == NULL)
    {
      free (cs);
      return NULL;
    }
  cs->record_size = record_size;
  cs->shift = chunk_shift;
  cs->n_table = (size_t) n_table;
  cs->capacity = n_table * per;
  atomic_init (&cs->count, 0);
  return cs;
}

void
bp_chunk_store_free (bp_chunk_store *cs)
{
  if (cs == NULL)
    return;
  for (size_t i = 0; i < cs->n_chunks; i++)
    free (cs->table[i]);
  free (cs->table);
  free (cs);
}

void *
bp_chunk_store_slot (bp_chunk_store *cs)
{
  /* Only the writer changes count, so a relaxed load of our own value is exact. */
  uint64_t i = atomic_load_explicit (&cs->count, memory_order_relaxed);
  if (i >= cs->capacity)
    return NULL;
  size_t c = (size_t) (i >> cs->shift);
  if (c >= cs->n_chunks)
    {
      /* Once per chunk: the only allocation on the writer's path. */
      char *chunk = malloc (cs->record_size << cs->shift);
      if (chunk == NULL)
        return NULL;
      cs->table[c] = chunk;
      cs->n_chunks = c + 1;
    }
  char *p = cs->table[c] + (size_t) (i & (((uint64_t) 1 << cs->shift) - 1)) * cs->record_size;
  memset (p, 0, cs->record_size);
  return p;
}

void
bp_chunk_store_publish (bp_chunk_store *cs)
{
  uint64_t i = atomic_load_explicit (&cs->count, memory_order_relaxed);
  atomic_store_explicit (&cs->count, i + 1, memory_order_release);
}

uint64_t
bp_chunk_store_count (const bp_chunk_store *cs)
{
  return atomic_load_explicit (&((bp_chunk_store *) cs)->count, memory_order_acquire);
}

uint64_t
bp_chunk_store_capacity (const bp_chunk_store *cs)
{
  return cs->capacity;
}

const void *
bp_chunk_store_at (const bp_chunk_store *cs, uint64_t i, size_t *contiguous)
{
  uint64_t n = bp_chunk_store_count (cs);
  if (i >= n)
    return NULL;
  uint64_t per = (uint64_t) 1 << cs->shift;
  uint64_t in_chunk = i & (per - 1);
  if (contiguous != NULL)
    {
      uint64_t left = per - in_chunk;
      *contiguous = (size_t) (left < n - i ? left : n - i);
    }
  return cs->table[i >> cs->shift] + (size_t) in_chunk * cs->record_size;
}

size_t
bp_chunk_store_memory (const bp_chunk_store *cs)
{
  /* n_chunks belongs to the writer; derive the chunks in use from the published count. */
  uint64_t n = bp_chunk_store_count (cs);
  uint64_t chunks = (n + ((uint64_t) 1 << cs->shift) - 1) >> cs->shift;
  return (size_t) chunks * (cs->record_size << cs->shift) + cs->n_table * sizeof (char *)
         + sizeof *cs;
}

/* ---- The metric log ---- */

#define STEP_CHUNK_SHIFT 16  /* 65,536 records = 2 MiB per chunk */
#define EPOCH_CHUNK_SHIFT 10 /* 1,024 epoch records = 88 KiB per chunk */

struct bp_metric_log {
  bp_chunk_store *steps;
  bp_chunk_store *epochs;
};

bp_metric_log *
bp_metric_log_new (uint64_t max_steps)
{
  if (max_steps == 0)
    max_steps = BP_METRIC_LOG_DEFAULT_STEPS;
  if (max_steps > BP_METRIC_LOG_MAX_STEPS)
    max_steps = BP_METRIC_LOG_MAX_STEPS;
  bp_metric_log *log = calloc (1, sizeof *log);
  if (log == NULL)
    return NULL;
  log->steps = bp_chunk_store_new (sizeof (bp_step_record), STEP_CHUNK_SHIFT, max_steps);
  /* An epoch has at least one step, so the step capacity bounds the epochs too. */
  log->epochs = bp_chunk_store_new (sizeof (bp_epoch_record), EPOCH_CHUNK_SHIFT, max_steps);
  if (log->steps == NULL || log->epochs == NULL)
    {
      bp_metric_log_free (log);
      return NULL;
    }
  return log;
}

void
bp_metric_log_free (bp_metric_log *log)
{
  if (log == NULL)
    return;
  bp_chunk_store_free (log->steps);
  bp_chunk_store_free (log->epochs);
  free (log);
}

bool
bp_metric_log_append_step (bp_metric_log *log, const bp_step_record *rec)
{
  void *p = bp_chunk_store_slot (log->steps);
  if (p == NULL)
    return false;
  memcpy (p, rec, sizeof *rec);
  bp_chunk_store_publish (log->steps);
  return true;
}

bool
bp_metric_log_append_epoch (bp_metric_log *log, const bp_epoch_record *rec)
{
  void *p = bp_chunk_store_slot (log->epochs);
  if (p == NULL)
    return false;
  memcpy (p, rec, sizeof *rec);
  bp_chunk_store_publish (log->epochs);
  return true;
}

bool
bp_metric_log_step_room (const bp_metric_log *log)
{
  return bp_chunk_store_count (log->steps) < bp_chunk_store_capacity (log->steps);
}

uint64_t
bp_metric_log_n_steps (const bp_metric_log *log)
{
  return bp_chunk_store_count (log->steps);
}

uint64_t
bp_metric_log_n_epochs (const bp_metric_log *log)
{
  return bp_chunk_store_count (log->epochs);
}

uint64_t
bp_metric_log_capacity (const bp_metric_log *log)
{
  return bp_chunk_store_capacity (log->steps);
}

static size_t
read_records (const bp_chunk_store *cs, uint64_t from, void *out, size_t max, size_t size)
{
  size_t done = 0;
  while (done < max)
    {
      size_t contiguous;
      const void *p = bp_chunk_store_at (cs, from + done, &contiguous);
      if (p == NULL)
        break;
      size_t k = contiguous < max - done ? contiguous : max - done;
      memcpy ((char *) out + done * size, p, k * size);
      done += k;
    }
  return done;
}

size_t
bp_metric_log_read_steps (const bp_metric_log *log, uint64_t from, bp_step_record *out,
                          size_t max)
{
  return read_records (log->steps, from, out, max, sizeof *out);
}

size_t
bp_metric_log_read_epochs (const bp_metric_log *log, uint64_t from, bp_epoch_record *out,
                           size_t max)
{
  return read_records (log->epochs, from, out, max, sizeof *out);
}

const bp_step_record *
bp_metric_log_step_at (const bp_metric_log *log, uint64_t i, size_t *contiguous)
{
  return bp_chunk_store_at (log->steps, i, contiguous);
}

size_t
bp_metric_log_memory (const bp_metric_log *log)
{
  return bp_chunk_store_memory (log->steps) + bp_chunk_store_memory (log->epochs)
         + sizeof *log;
}

long
bp_metric_log_write_steps_csv (const bp_metric_log *log, FILE *f, uint64_t from, uint64_t to)
{
  uint64_t n = bp_metric_log_n_steps (log);
  if (to > n)
    to = n;
  long written = 0;
  for (uint64_t i = from; i < to;)
    {
      size_t contiguous;
      const bp_step_record *r = bp_metric_log_step_at (log, i, &contiguous);
      for (size_t k = 0; k < contiguous && i < to; k++, i++, r++)
        {
          /* %.9g keeps every bit of a float; an empty acc means "not a classification". */
          int rc;
          if (isnan (r->acc))
            rc = fprintf (f, "%" PRIu64 ",%" PRIu32 ",%.6f,%.9g,,%.9g\n", r->step, r->epoch,
                          r->time, (double) r->loss, (double) r->lr);
          else
            rc = fprintf (f, "%" PRIu64 ",%" PRIu32 ",%.6f,%.9g,%.9g,%.9g\n", r->step, r->epoch,
                          r->time, (double) r->loss, (double) r->acc, (double) r->lr);
          if (rc < 0)
            return -1;
          written++;
        }
    }
  return written;
}
