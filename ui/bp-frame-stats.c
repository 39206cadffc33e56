/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-frame-stats.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

struct _BpFrameStats {
  GArray *paint_us; /* gint64 per frame: after-paint minus before-paint */
  GArray *cpu_us;   /* gint64 per frame: the UI thread's CPU time over the same span, which
                       other processes on a busy machine do not inflate */
  gint64 pending_cpu_us;
  gint64 first_start_us, last_start_us;
  gint64 pending_start_us; /* before-paint of the frame being drawn, 0 if none */
  GdkFrameClock *clock;
  gulong before_id, after_id;
};

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
on_before_paint (GdkFrameClock *clock, BpFrameStats *self)
{
  self->pending_start_us = g_get_monotonic_time ();
  self->pending_cpu_us = thread_cpu_us ();
}

static void
on_after_paint (GdkFrameClock *clock, BpFrameStats *self)
{
  gint64 cpu;

  if (self->pending_start_us == 0)
    return;
  cpu = MAX (thread_cpu_us () - self->pending_cpu_us, 0);
  bp_frame_stats_record (self, self->pending_start_us, g_get_monotonic_time ());
  g_array_append_val (self->cpu_us, cpu);
  self->pending_start_us = 0;
}

BpFrameStats *
bp_frame_stats_new (void)
{
  BpFrameStats *self = g_new0 (BpFrameStats, 1);

  self->paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  return self;
}

void
bp_frame_stats_free (BpFrameStats *self)
{
  if (self == NULL)
    return;
  bp_frame_stats_attach (self, NULL);
  g_array_unref (self->paint_us);
  g_array_unref (self->cpu_us);
  g_free (self);
}

void
bp_frame_stats_attach (BpFrameStats *self, GdkFrameClock *clock)
{
  g_return_if_fail (self != NULL);

  if (self->clock == clock)
    return;
  if (self->clock != NULL)
    {
      /* When its surface goes, the clock is disposed, which drops every handler already:
       * disconnect only what is still connected. */
      if (g_signal_handler_is_connected (self->clock, self->before_id))
        g_signal_handler_disconnect (self->clock, self->before_id);
      if (g_signal_handler_is_connected (self->clock, self->after_id))
        g_signal_handler_disconnect (self->clock, self->after_id);
      self->before_id = self->after_id = 0;
      g_clear_object (&self->clock);
    }
  self->pending_start_us = 0;
  if (clock != NULL)
    {
      self->clock = g_object_ref (clock);
      self->before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), self);
      self->after_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
    }
}

void
bp_frame_stats_record (BpFrameStats *self, gint64 start_us, gint64 end_us)
{
  gint64 d = MAX (end_us - start_us, 0);

  g_return_if_fail (self != NULL);

  if (self->paint_us->len == 0)
    self->first_start_us = start_us;
  self->last_start_us = start_us;
  g_array_append_val (self->paint_us, d);
}

guint
bp_frame_stats_n_frames (const BpFrameStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->paint_us->len;
}

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *values, double p)
{
  g_autofree gint64 *sorted = NULL;
  guint n = values->len;
  double rank;
  guint lo, hi;

  if (n == 0)
    return 0.0;
  sorted = g_memdup2 (values->data, n * sizeof (gint64));
  qsort (sorted, n, sizeof (gint64), cmp_i64);

  /* Linear interpolation between closest ranks, as numpy.percentile's default. */
  rank = CLAMP (p, 0.0, 100.0) / 100.0 * (n - 1);
  lo = (guint) floor (rank);
  hi = MIN (lo + 1, n - 1);
  return (sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo])) / 1000.0;
}

double
bp_frame_stats_paint_ms (const BpFrameStats *self, double p)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return percentile_ms (self->paint_us, p);
}

double
bp_frame_stats_cpu_ms (const BpFrameStats *self, double p)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return percentile_ms (self->cpu_us, p);
}

double
bp_frame_stats_fps (const BpFrameStats *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->paint_us->len < 2 || self->last_start_us <= self->first_start_us)
    return 0.0;
  return (self->paint_us->len - 1) * 1e6 / (double) (self->last_start_us - self->first_start_us);
}
