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

/* The BLAS threads a trainer in the window should use on a machine of `cores` cores: on up to
 * four, one core is left to the window (cores - 1, at least 1); above that, all. */
int bp_cpu_share_threads_for (int cores);
/* The same for this machine. */
int bp_cpu_share_trainer_threads (void);

/* Sets BLAS's thread count for trainers in the window (bp_cpu_share_trainer_threads), unless
 * OPENBLAS_NUM_THREADS or OMP_NUM_THREADS says otherwise. Call once at start-up. */
void bp_cpu_share_apply_threads (void);

G_END_DECLS
