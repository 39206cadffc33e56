/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The metric log: order, chunk boundaries, capacity, CSV, and a concurrent reader that must
 * see every record exactly once, in order, complete. */
#include "engine/metric_log.h"

#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static bp_step_record
record_for (uint64_t i)
{
  bp_step_record r;
  r.step = i + 1;
  r.time = (double) i * 0.001;
  r.loss = (float) (1.0 / (double) (i + 1));
  r.acc = (float) (i % 101) / 100.0f;
  r.lr = (float) (i % 7) * 0.5f;
  r.epoch = (uint32_t) (i / 1000 + 1);
  return r;
}

static gboolean
record_ok (const bp_step_record *r, uint64_t i)
{
  bp_step_record want = record_for (i);
  return memcmp (r, &want, sizeof want) == 0;
}

static void
test_append_read (void)
{
  bp_metric_log *log = bp_metric_log_new (0);
  g_assert_nonnull (log);
  g_assert_cmpuint (bp_metric_log_capacity (log), ==, BP_METRIC_LOG_DEFAULT_STEPS);
  const uint64_t n = 200000; /* crosses three chunk boundaries (65,536 records each) */
  for (uint64_t i = 0; i < n; i++)
    {
      bp_step_record r = record_for (i);
      g_assert_true (bp_metric_log_append_step (log, &r));
    }
  g_assert_cmpuint (bp_metric_log_n_steps (log), ==, n);

  /* Read across a chunk boundary in one call. */
  bp_step_record buf[100];
  size_t got = bp_metric_log_read_steps (log, 65500, buf, 100);
  g_assert_cmpuint (got, ==, 100);
  for (size_t k = 0; k < got; k++)
    g_assert_true (record_ok (&buf[k], 65500 + k));
  /* At the end: only what is published. */
  got = bp_metric_log_read_steps (log, n - 3, buf, 100);
  g_assert_cmpuint (got, ==, 3);
  g_assert_cmpuint (bp_metric_log_read_steps (log, n, buf, 100), ==, 0);

  size_t contiguous = 0;
  const bp_step_record *p = bp_metric_log_step_at (log, 65530, &contiguous);
  g_assert_nonnull (p);
  g_assert_cmpuint (contiguous, ==, 6); /* the rest of the first chunk */
  g_assert_true (record_ok (p, 65530));
  g_assert_null (bp_metric_log_step_at (log, n, &contiguous));

  /* 4 chunks of 2 MiB in use, plus small change. */
  size_t mem = bp_metric_log_memory (log);
  g_assert_cmpuint (mem, >=, 4u * (2u << 20));
  g_assert_cmpuint (mem, <, 4u * (2u << 20) + (1u << 20));

  bp_epoch_record e = { .step = 10, .epoch = 1, .train_loss = 0.5, .val_loss = NAN };
  g_assert_true (bp_metric_log_append_epoch (log, &e));
  bp_epoch_record eb;
  g_assert_cmpuint (bp_metric_log_read_epochs (log, 0, &eb, 1), ==, 1);
  g_assert_cmpuint (eb.step, ==, 10);
  g_assert_true (isnan (eb.val_loss));
  bp_metric_log_free (log);
}

static void
test_capacity (void)
{
  /* 1000 requested -> one whole chunk of 65,536. */
  bp_metric_log *log = bp_metric_log_new (1000);
  g_assert_cmpuint (bp_metric_log_capacity (log), ==, 65536);
  for (uint64_t i = 0; i < 65536; i++)
    {
      bp_step_record r = record_for (i);
      g_assert_true (bp_metric_log_append_step (log, &r));
    }
  g_assert_false (bp_metric_log_step_room (log));
  bp_step_record r = record_for (65536);
  g_assert_false (bp_metric_log_append_step (log, &r));
  g_assert_cmpuint (bp_metric_log_n_steps (log), ==, 65536);
  bp_metric_log_free (log);
}

static void
test_csv (void)
{
  bp_metric_log *log = bp_metric_log_new (10);
  bp_step_record a = { 1, 0.5, 0.25f, 0.75f, 0.1f, 1 };
  bp_step_record b = { 2, 1.25, 2.0f, NAN, 0.05f, 1 };
  bp_metric_log_append_step (log, &a);
  bp_metric_log_append_step (log, &b);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  g_assert_cmpint (bp_metric_log_write_steps_csv (log, f, 0, 99), ==, 2);
  fclose (f);
  g_assert_cmpstr (buf, ==,
                   "1,1,0.500000,0.25,0.75,0.100000001\n"
                   "2,1,1.250000,2,,0.0500000007\n");
  free (buf);
  bp_metric_log_free (log);
}

/* ---- one writer, one reader, no locks ---- */

#define CONCURRENT_N 2000000

typedef struct shared {
  bp_metric_log *log;
  uint64_t seen;
  gboolean ok;
} shared;

static void *
writer (void *arg)
{
  shared *sh = arg;
  for (uint64_t i = 0; i < CONCURRENT_N; i++)
    {
      bp_step_record r = record_for (i);
      if (!bp_metric_log_append_step (sh->log, &r))
        return NULL;
    }
  return NULL;
}

static void *
reader (void *arg)
{
  shared *sh = arg;
  bp_step_record buf[777]; /* odd size: reads straddle chunk edges */
  sh->ok = TRUE;
  while (sh->seen < CONCURRENT_N)
    {
      size_t got = bp_metric_log_read_steps (sh->log, sh->seen, buf, G_N_ELEMENTS (buf));
      for (size_t k = 0; k < got; k++)
        if (!record_ok (&buf[k], sh->seen + k))
          sh->ok = FALSE;
      sh->seen += got;
    }
  return NULL;
}

static void
test_concurrent (void)
{
  shared sh = { bp_metric_log_new (CONCURRENT_N), 0, FALSE };
  pthread_t w, r;
  pthread_create (&r, NULL, reader, &sh);
  pthread_create (&w, NULL, writer, &sh);
  pthread_join (w, NULL);
  pthread_join (r, NULL);
  g_assert_true (sh.ok);
  g_assert_cmpuint (sh.seen, ==, CONCURRENT_N);
  g_assert_cmpuint (bp_metric_log_n_steps (sh.log), ==, CONCURRENT_N);
  bp_metric_log_free (sh.log);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metric-log/append-read", test_append_read);
  g_test_add_func ("/metric-log/capacity", test_capacity);
  g_test_add_func ("/metric-log/csv", test_csv);
  g_test_add_func ("/metric-log/concurrent", test_concurrent);
  return g_test_run ();
}
