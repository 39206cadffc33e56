/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/ui-frames: what a shown phase measured (frame times, the UI thread's CPU time, where
 * a drawn frame's time goes) and how it is reported (ui-frames-report.c). */
#pragma once

#include <gtk/gtk.h>

#include "bp-frame-stats.h"

#define MAX_ROUNDS 32

/* One shown phase: what the frame clock saw and how the trainer did. */
typedef struct {
  double rate;      /* samples/s (dashboard) or epochs/s (playground) */
  double fps;
  guint frames, drawn;
  double wall[3], cpu[3];            /* all frames: p50, p95, p99 (ms) */
  double drawn_wall[3], drawn_cpu[3]; /* frames that drew */
  double ui_cpu_share;               /* UI thread CPU seconds per wall second */
  double load;                       /* 1-minute load average at the end */
  double steal;                      /* the share of the machine stolen while it trained */
} Shown;

/* The 1-minute load average (NaN when unknown). */
double load_average (void);
/* CPU seconds of the calling thread. */
double thread_cpu_s (void);

/* What the kernel counted for all CPUs so far (/proc/stat's "cpu" line, in ticks): the total
 * and the part stolen by the hypervisor for other guests. On a shared VM the steal changes
 * from minute to minute (0-40 % of a phase has been seen here) and takes samples/s with it,
 * whatever the program does; a phase's share tells how much of the machine it really had. */
typedef struct {
  unsigned long long total, steal;
} CpuTicks;
void cpu_ticks_read (CpuTicks *t);
/* The stolen share of the ticks between a and b (0 when unknown). */
double cpu_ticks_steal (const CpuTicks *a, const CpuTicks *b);

/* Records the frames of window into fs (and which of them drew). */
void stats_begin (BpFrameStats *fs, GtkWidget *window);
/* Stops and fills r's frame figures and load from fs. */
void stats_end (BpFrameStats *fs, Shown *r);
void print_shown (const char *what, const Shown *r);

int cmp_double (const void *a, const void *b);
double median (const double *v, int n);
/* The median over n rounds of each figure of Shown. */
Shown median_shown (const Shown *r, int n);

/* ---- where a drawn frame's CPU time goes ----
 * The frame clock's phases in order: update (tick callbacks: the views read the session),
 * layout, paint (snapshot of what changed and rendering), after-paint. Emission hooks run
 * before any handler, so each phase's hook marks the end of the one before. */
enum { PH_UPDATE, PH_LAYOUT, PH_PAINT, PH_AFTER, N_PHASES };
typedef struct {
  GdkFrameClock *clock;
  GdkSurface *surface;
  guint signal[N_PHASES + 1];
  gulong hook[N_PHASES + 1];
  double start[N_PHASES]; /* thread CPU seconds at each phase's start, this frame */
  gboolean drawn;
  GArray *cost[N_PHASES - 1]; /* double ms per drawn frame: update, layout, paint */
} Phases;

void phases_begin (Phases *ph, GtkWidget *window);
/* Stops and prints the drawn frames' CPU time by phase (p50 / p95). */
void phases_end (Phases *ph);

/* ---- what each frame sent to the X server (--damage, ui-frames-damage.c) ----
 * The window's damage as the X server's DAMAGE extension reports it, per frame: the bounding
 * box of what changed and which named views it touched. */
#define DAMAGE_MAX_AREAS 16
typedef struct {
  void *dpy;        /* a Display * of its own */
  unsigned long damage;
  int event_base;
  GdkDisplay *display;
  GdkFrameClock *clock;
  gulong handler;
  double win_px;
  int n_areas;
  char *names[DAMAGE_MAX_AREAS]; /* n_areas views, then "other" */
  cairo_rectangle_int_t areas[DAMAGE_MAX_AREAS]; /* in the surface's coordinates */
  GArray *box_px;   /* double: per frame that sent pixels, its bounding box's area */
  GArray *masks;    /* guint: the views it touched (bit n_areas: none of them) */
  gboolean log;     /* UI_FRAMES_DAMAGE_LOG set: every frame's box and views, as they come */
  double log_cpu_s; /* the UI thread's CPU time at the last frame logged */
} DamageWatch;

/* Watches window's frames (nothing when the display is not X11). */
void damage_begin (DamageWatch *dw, GtkWidget *window);
/* Stops and prints the bounding boxes and the views touched together. */
void damage_end (DamageWatch *dw);
