/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-frame-stats.h"

#include "bp-cpu-share.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
  gint64 wall_us; /* after-paint minus before-paint */
  gint64 cpu_us;  /* the UI thread's CPU time over the same span, which other processes on a
                     busy machine do not inflate; -1 when not known */
  gboolean drawn; /* the surface rendered in this frame */
} Frame;

struct _BpFrameStats {
  GArray *frames; /* Frame */
  guint n_drawn;
  gint64 pending_cpu_us;
  gint64 first_start_us, last_start_us;
  gint64 pending_start_us; /* before-paint of the frame being drawn, 0 if none */
  gboolean pending_drawn;
  GdkFrameClock *clock;
  gulong before_id, after_id;
  GdkSurface *surface;
  guint render_signal;
  gulong render_hook;
};

static void
on_before_paint (GdkFrameClock *clock, BpFrameStats *self)
{
  self->pending_start_us = g_get_monotonic_time ();
  self->pending_cpu_us = bp_cpu_share_thread_cpu_us ();
  self->pending_drawn = FALSE;
}

/* GTK's own "render" handler stops the emission (it returns TRUE), so a handler connected
 * after it never runs: an emission hook runs before the handlers of a RUN_LAST signal. */
static gboolean
on_render_hook (GSignalInvocationHint *hint, guint n_params, const GValue *params,
                gpointer data)
{
  BpFrameStats *self = data;

  if (g_value_get_object (&params[0]) == (gpointer) self->surface)
    self->pending_drawn = TRUE;
  return TRUE; /* stay */
}

static void
on_after_paint (GdkFrameClock *clock, BpFrameStats *self)
{
  gint64 cpu;

  if (self->pending_start_us == 0)
    return;
  cpu = MAX (bp_cpu_share_thread_cpu_us () - self->pending_cpu_us, 0);
  bp_frame_stats_record_frame (self, self->pending_start_us, g_get_monotonic_time (), cpu,
                               self->surface == NULL || self->pending_drawn);
  self->pending_start_us = 0;
}

BpFrameStats *
bp_frame_stats_new (void)
{
  BpFrameStats *self = g_new0 (BpFrameStats, 1);

  self->frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  return self;
}

void
bp_frame_stats_free (BpFrameStats *self)
{
  if (self == NULL)
    return;
  bp_frame_stats_attach (self, NULL);
  bp_frame_stats_watch_surface (self, NULL);
  g_array_unref (self->frames);
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
bp_frame_stats_watch_surface (BpFrameStats *self, GdkSurface *surface)
{
  g_return_if_fail (self != NULL);

  if (self->surface == surface)
    return;
  if (self->surface != NULL)
    {
      g_signal_remove_emission_hook (self->render_signal, self->render_hook);
      self->render_hook = 0;
      g_clear_object (&self->surface);
    }
  if (surface != NULL)
    {
      self->surface = g_object_ref (surface);
      self->render_signal = g_signal_lookup ("render", GDK_TYPE_SURFACE);
      self->render_hook = g_signal_add_emission_hook (self->render_signal, 0, on_render_hook,
                                                      self, NULL);
    }
}

void
bp_frame_stats_record_frame (BpFrameStats *self, gint64 start_us, gint64 end_us, gint64 cpu_us,
                             gboolean drawn)
{
  Frame f = { MAX (end_us - start_us, 0), cpu_us, drawn };

  g_return_if_fail (self != NULL);

  if (self->frames->len == 0)
    self->first_start_us = start_us;
  self->last_start_us = start_us;
  g_array_append_val (self->frames, f);
  self->n_drawn += drawn ? 1 : 0;
}

void
bp_frame_stats_record (BpFrameStats *self, gint64 start_us, gint64 end_us)
{
  bp_frame_stats_record_frame (self, start_us, end_us, -1, TRUE);
}

guint
bp_frame_stats_n_frames (const BpFrameStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->frames->len;
}

guint
bp_frame_stats_n_drawn (const BpFrameStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_drawn;
}

static int
cmp_i64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Percentile p of measure m over the frames (only those that drew when drawn_only), in ms. */
static double
percentile_ms (const BpFrameStats *self, BpFrameMeasure m, gboolean drawn_only, double p)
{
  g_autofree gint64 *sorted = g_new (gint64, self->frames->len + 1);
  guint n = 0;
  double rank;
  guint lo, hi;

  for (guint i = 0; i < self->frames->len; i++)
    {
      const Frame *f = &g_array_index (self->frames, Frame, i);
      gint64 v = m == BP_FRAME_WALL ? f->wall_us : f->cpu_us;

      if ((!drawn_only || f->drawn) && v >= 0)
        sorted[n++] = v;
    }
  if (n == 0)
    return 0.0;
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
  return percentile_ms (self, BP_FRAME_WALL, FALSE, p);
}

double
bp_frame_stats_cpu_ms (const BpFrameStats *self, double p)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return percentile_ms (self, BP_FRAME_CPU, FALSE, p);
}

double
bp_frame_stats_drawn_ms (const BpFrameStats *self, BpFrameMeasure m, double p)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return percentile_ms (self, m, TRUE, p);
}

double
bp_frame_stats_fps (const BpFrameStats *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->frames->len < 2 || self->last_start_us <= self->first_start_us)
    return 0.0;
  return (self->frames->len - 1) * 1e6 / (double) (self->last_start_us - self->first_start_us);
}
