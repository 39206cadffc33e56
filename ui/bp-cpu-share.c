/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-cpu-share.h"

#include "engine/blas.h"
#include "engine/workers.h"

#include <epoxy/gl.h>
#include <string.h>
#include <time.h>

gboolean
bp_cpu_share_is_software_gl (const char *renderer)
{
  /* Mesa's llvmpipe, softpipe, swrast and SWR; Apple's and Microsoft's fallbacks. */
  static const char *const names[] = { "llvmpipe", "softpipe", "swrast", "swr (", "software",
                                       "basic render" };
  g_autofree char *lower = NULL;

  g_return_val_if_fail (renderer != NULL, FALSE);

  lower = g_ascii_strdown (renderer, -1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strstr (lower, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

char *
bp_cpu_share_choose_renderer (GdkDisplay *display)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkGLContext) context = NULL;
  const char *renderer;
  char *reason;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  if (g_getenv ("GSK_RENDERER") != NULL)
    return g_strdup_printf ("GSK_RENDERER=%s", g_getenv ("GSK_RENDERER"));
  /* No GL at all: GSK falls back to cairo by itself. */
  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    return g_strdup_printf ("GTK's choice without GL (%s)", error->message);
  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  if (renderer != NULL && bp_cpu_share_is_software_gl (renderer))
    {
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      reason = g_strdup_printf ("cairo (GL is software: %s)", renderer);
    }
  else
    reason = g_strdup_printf ("GTK's choice (GL: %s)", renderer != NULL ? renderer : "?");
  gdk_gl_context_clear_current ();
  return reason;
}

const char *
bp_cpu_share_renderer_name (GtkWidget *window)
{
  GskRenderer *r;

  g_return_val_if_fail (GTK_IS_NATIVE (window), NULL);
  r = gtk_native_get_renderer (GTK_NATIVE (window));
  return r != NULL ? G_OBJECT_TYPE_NAME (r) : "none";
}

int
bp_cpu_share_threads_for (int cores)
{
  /* Every core, as headless (bench/UI.md): the trainers run below the window's priority, so a
   * frame takes a core when it needs one, and the network's team moves that core's chunks
   * to the others meanwhile. Leaving a core to the window instead (cores - 1, the policy until
   * this was measured) kept the frames as quick but trained the mlp a third slower on two
   * cores. */
  return CLAMP (cores, 1, BP_MAX_WORKERS);
}

static int trainer_nice = 10; /* UI thread only */

int
bp_cpu_share_trainer_nice (void)
{
  return trainer_nice;
}

void
bp_cpu_share_set_trainer_nice (int nice)
{
  trainer_nice = CLAMP (nice, 0, 19);
}

int
bp_cpu_share_trainer_threads (void)
{
  return bp_cpu_share_threads_for ((int) g_get_num_processors ());
}

void
bp_cpu_share_apply_threads (void)
{
  if (g_getenv ("OPENBLAS_NUM_THREADS") != NULL || g_getenv ("OMP_NUM_THREADS") != NULL)
    return;
  bp_workers_use_for_training (bp_cpu_share_trainer_threads ());
}

gint64
bp_cpu_share_thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}
