/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How the window shares the cores with its trainers (bp-cpu-share.h): which GL renderers are
 * software rasterisers, the threads given to a trainer, and that explicit settings in the
 * environment win. */
#include "bp-config.h"

#include <gtk/gtk.h>

#include "bp-cpu-share.h"
#include "engine/blas.h"
#include "engine/workers.h"

static void
test_software_gl (void)
{
  /* GL_RENDERER strings as Mesa, the GPU drivers and the OS fallbacks report them. */
  g_assert_true (bp_cpu_share_is_software_gl ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (bp_cpu_share_is_software_gl ("softpipe"));
  g_assert_true (bp_cpu_share_is_software_gl ("Software Rasterizer"));
  g_assert_true (bp_cpu_share_is_software_gl ("SWR (LLVM 3.9, 256 bits)"));
  g_assert_true (bp_cpu_share_is_software_gl ("D3D12 (Microsoft Basic Render Driver)"));
  g_assert_true (bp_cpu_share_is_software_gl ("Apple Software Renderer"));
  g_assert_false (bp_cpu_share_is_software_gl ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (bp_cpu_share_is_software_gl ("AMD Radeon RX 6600 (navi23, LLVM 15.0.6, "
                                               "DRM 3.49, 6.1.0-13-amd64)"));
  g_assert_false (bp_cpu_share_is_software_gl ("NVIDIA GeForce GTX 1650/PCIe/SSE2"));
  g_assert_false (bp_cpu_share_is_software_gl ("Apple M1"));
}

static void
test_threads_for (void)
{
  /* Every core, up to the engine's most workers. */
  const int cores[] = { 1, 2, 3, 4, 5, 8, 16 };
  const int expect[] = { 1, 2, 3, 4, 4, 4, 4 };

  for (guint i = 0; i < G_N_ELEMENTS (cores); i++)
    g_assert_cmpint (bp_cpu_share_threads_for (cores[i]), ==, expect[i]);
  g_assert_cmpint (bp_cpu_share_trainer_threads (), ==,
                   bp_cpu_share_threads_for ((int) g_get_num_processors ()));
}

static void
test_apply_threads (void)
{
  g_autofree char *openblas = g_strdup (g_getenv ("OPENBLAS_NUM_THREADS"));
  g_autofree char *omp = g_strdup (g_getenv ("OMP_NUM_THREADS"));
  int want = bp_cpu_share_trainer_threads ();
  /* A count the policy would not choose, to see whether it was changed. */
  int other = want == 1 ? 2 : 1;

  /* Told by the environment: left alone. */
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);
  bp_blas_set_threads (other);
  bp_cpu_share_apply_threads ();
  g_assert_cmpint (bp_blas_get_threads (), ==, other);
  g_unsetenv ("OPENBLAS_NUM_THREADS");
  g_setenv ("OMP_NUM_THREADS", "1", TRUE);
  bp_cpu_share_apply_threads ();
  g_assert_cmpint (bp_blas_get_threads (), ==, other);
  g_assert_cmpint (bp_workers_get_threads (), ==, other); /* following BLAS, as set */
  /* Not told: the policy, OpenBLAS on one thread and the engine's workers on `want`. */
  g_unsetenv ("OMP_NUM_THREADS");
  bp_cpu_share_apply_threads ();
  g_assert_cmpint (bp_blas_get_threads (), ==, 1);
  g_assert_cmpint (bp_workers_get_threads (), ==, want);

  if (openblas != NULL)
    g_setenv ("OPENBLAS_NUM_THREADS", openblas, TRUE);
  if (omp != NULL)
    g_setenv ("OMP_NUM_THREADS", omp, TRUE);
  bp_blas_set_threads (1);
  bp_workers_set_threads (0);
}

static void
test_choose_renderer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autofree char *given = NULL;
  g_autofree char *chosen = NULL;

  g_assert_nonnull (display);
  /* An explicit GSK_RENDERER is the user's choice. */
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  given = bp_cpu_share_choose_renderer (display);
  g_assert_cmpstr (given, ==, "GSK_RENDERER=gl");
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");

  /* Without it: cairo exactly when the display's GL is a software rasteriser (Xvfb's is
   * llvmpipe; without GL at all, GTK is left to choose). */
  g_unsetenv ("GSK_RENDERER");
  chosen = bp_cpu_share_choose_renderer (display);
  g_test_message ("%s", chosen);
  if (g_str_has_prefix (chosen, "cairo (GL is software: "))
    g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
  else
    {
      g_assert_true (g_str_has_prefix (chosen, "GTK's choice"));
      g_assert_null (g_getenv ("GSK_RENDERER"));
    }
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpu-share/software-gl", test_software_gl);
  g_test_add_func ("/cpu-share/threads-for", test_threads_for);
  g_test_add_func ("/cpu-share/apply-threads", test_apply_threads);
  g_test_add_func ("/cpu-share/choose-renderer", test_choose_renderer);
  return g_test_run ();
}
