/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame-time bookkeeping for --stats and bench/ui-frames: how long each frame took to lay out
 * and paint (from the frame clock's before-paint to after-paint) and how often frames came.
 * A clock with a tick callback runs every frame even when nothing changed; those frames cost
 * next to nothing, so the frames that drew (the surface rendered) are also kept apart: their
 * percentiles are what a person sees as stutter. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _BpFrameStats BpFrameStats;

BpFrameStats *bp_frame_stats_new (void);
void bp_frame_stats_free (BpFrameStats *self);

/* Starts or stops listening to the clock's paint phases (NULL detaches). */
void bp_frame_stats_attach (BpFrameStats *self, GdkFrameClock *clock);

/* Also tells the frames in which surface rendered (drew) from those where nothing changed
 * (NULL stops). Give the surface of the clock's window. */
void bp_frame_stats_watch_surface (BpFrameStats *self, GdkSurface *surface);

/* One frame: painting started at start_us and ended at end_us (monotonic microseconds). */
void bp_frame_stats_record (BpFrameStats *self, gint64 start_us, gint64 end_us);
/* The same with the UI thread's CPU time over the frame and whether it drew. */
void bp_frame_stats_record_frame (BpFrameStats *self, gint64 start_us, gint64 end_us,
                                  gint64 cpu_us, gboolean drawn);

guint bp_frame_stats_n_frames (const BpFrameStats *self);

/* Percentile p in [0, 100] of the paint times, in milliseconds; 0 with no frames. */
double bp_frame_stats_paint_ms (const BpFrameStats *self, double p);

/* The same for the UI thread's CPU time per frame (frames seen through the frame clock). */
double bp_frame_stats_cpu_ms (const BpFrameStats *self, double p);

typedef enum {
  BP_FRAME_WALL, /* before-paint to after-paint, wall clock */
  BP_FRAME_CPU,  /* the UI thread's CPU time over the same span */
} BpFrameMeasure;

/* Frames that drew (see bp_frame_stats_watch_surface); frames recorded with
 * bp_frame_stats_record count as drawn. */
guint bp_frame_stats_n_drawn (const BpFrameStats *self);
/* Percentile p of measure m over the frames that drew, in milliseconds; 0 with none. */
double bp_frame_stats_drawn_ms (const BpFrameStats *self, BpFrameMeasure m, double p);

/* Frames per second over the span of recorded frames; 0 with fewer than two. */
double bp_frame_stats_fps (const BpFrameStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpFrameStats, bp_frame_stats_free)

G_END_DECLS
