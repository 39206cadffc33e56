/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the window shares a small machine with the networks it trains. Training and drawing
 * run at the same time on the same cores: on a laptop with two to four of them, a renderer
 * that draws on the CPU, or trainer threads on every core, take the frames' time away (and
 * the other way round). Measured with bench/ui-frames; the figures are in bench/UI.md. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* When GTK would draw with OpenGL but the GL is a software rasteriser (Mesa's llvmpipe or
 * softpipe: no GPU, as under Xvfb, in many VMs and remote desktops), asks GSK for its cairo
 * renderer instead: software GL spends several times the CPU of cairo on the same frames,
 * with threads of its own that compete with training. Leaves an explicit GSK_RENDERER alone.
 * Call after gtk_init and before the first window is realized (GSK reads the variable once).
 * Returns what was chosen and why, for messages: "cairo (GL is software: llvmpipe ...)". */
char *bp_cpu_share_choose_renderer (GdkDisplay *display);

/* The renderer a realized window draws with ("GskCairoRenderer", "GskNglRenderer" ...). */
const char *bp_cpu_share_renderer_name (GtkWidget *window);

/* TRUE when a GL_RENDERER string names a rasteriser that runs on the CPU. */
gboolean bp_cpu_share_is_software_gl (const char *renderer);

/* The threads a trainer in the window should use on a machine of `cores` cores: all of them,
 * up to the engine's BP_MAX_WORKERS (the trainers' lower priority leaves the window its
 * share, bp_cpu_share_trainer_nice). */
int bp_cpu_share_threads_for (int cores);
/* The same for this machine. */
int bp_cpu_share_trainer_threads (void);

/* How many nice steps below the window the trainers in it run (bp_session_config's
 * trainer_nice): 10 by default, so that a frame and the display server get a core as soon as
 * they want one and keep it until the frame is out, while training takes every core the
 * window leaves (bench/UI.md has the figures). bench/ui-frames sets it to compare. */
int bp_cpu_share_trainer_nice (void);
void bp_cpu_share_set_trainer_nice (int nice);

/* Sets the training threads for trainers in the window (bp_cpu_share_trainer_threads, with
 * OpenBLAS on one thread: bp_workers_use_for_training), unless OPENBLAS_NUM_THREADS or
 * OMP_NUM_THREADS says otherwise. Call once at start-up. */
void bp_cpu_share_apply_threads (void);

/* The calling thread's CPU time so far, in microseconds (0 if the clock cannot be read). */
gint64 bp_cpu_share_thread_cpu_us (void);

/* The share of one core the dashboard's views may take while a run trains, as the UI
 * thread's CPU time over wall time: the views refresh four times a second when that fits,
 * less often when it does not (software rendering on a small machine), and at least once a
 * second (bench/UI.md has the figures). */
#define BP_CPU_SHARE_VIEW_BUDGET 0.03

G_END_DECLS
