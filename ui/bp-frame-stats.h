/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame-time bookkeeping for --stats: how long each frame took to lay out and paint (from the
 * frame clock's before-paint to after-paint) and how often frames came. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _BpFrameStats BpFrameStats;

BpFrameStats *bp_frame_stats_new (void);
void bp_frame_stats_free (BpFrameStats *self);

/* Starts or stops listening to the clock's paint phases (NULL detaches). */
void bp_frame_stats_attach (BpFrameStats *self, GdkFrameClock *clock);

/* One frame: painting started at start_us and ended at end_us (monotonic microseconds). */
void bp_frame_stats_record (BpFrameStats *self, gint64 start_us, gint64 end_us);

guint bp_frame_stats_n_frames (const BpFrameStats *self);

/* Percentile p in [0, 100] of the paint times, in milliseconds; 0 with no frames. */
double bp_frame_stats_paint_ms (const BpFrameStats *self, double p);

/* The same for the UI thread's CPU time per frame (frames seen through the frame clock). */
double bp_frame_stats_cpu_ms (const BpFrameStats *self, double p);

/* Frames per second over the span of recorded frames; 0 with fewer than two. */
double bp_frame_stats_fps (const BpFrameStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpFrameStats, bp_frame_stats_free)

G_END_DECLS
