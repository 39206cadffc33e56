/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/ui-frames: the figures of a shown phase and their report (see ui-frames.c). */
#include "bp-config.h"

#include "ui-frames.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const double pcts[3] = { 50, 95, 99 };

double
load_average (void)
{
  double l = NAN;
  FILE *f = fopen ("/proc/loadavg", "r");

  if (f != NULL)
    {
      if (fscanf (f, "%lf", &l) != 1)
        l = NAN;
      fclose (f);
    }
  return l;
}

double
thread_cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
cpu_ticks_read (CpuTicks *t)
{
  unsigned long long v[10] = { 0 };
  FILE *f = fopen ("/proc/stat", "r");

  t->total = t->steal = 0;
  if (f == NULL)
    return;
  /* cpu  user nice system idle iowait irq softirq steal guest guest_nice */
  if (fscanf (f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
              &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9])
      >= 8)
    {
      /* guest and guest_nice are already inside user and nice. */
      for (int k = 0; k < 8; k++)
        t->total += v[k];
      t->steal = v[7];
    }
  fclose (f);
}

double
cpu_ticks_steal (const CpuTicks *a, const CpuTicks *b)
{
  return b->total > a->total ? (double) (b->steal - a->steal) / (double) (b->total - a->total)
                             : 0;
}

void
stats_begin (BpFrameStats *fs, GtkWidget *window)
{
  bp_frame_stats_attach (fs, gtk_widget_get_frame_clock (window));
  bp_frame_stats_watch_surface (fs, gtk_native_get_surface (GTK_NATIVE (window)));
}

void
stats_end (BpFrameStats *fs, Shown *r)
{
  bp_frame_stats_attach (fs, NULL);
  bp_frame_stats_watch_surface (fs, NULL);
  r->fps = bp_frame_stats_fps (fs);
  r->frames = bp_frame_stats_n_frames (fs);
  r->drawn = bp_frame_stats_n_drawn (fs);
  for (int i = 0; i < 3; i++)
    {
      r->wall[i] = bp_frame_stats_paint_ms (fs, pcts[i]);
      r->cpu[i] = bp_frame_stats_cpu_ms (fs, pcts[i]);
      r->drawn_wall[i] = bp_frame_stats_drawn_ms (fs, BP_FRAME_WALL, pcts[i]);
      r->drawn_cpu[i] = bp_frame_stats_drawn_ms (fs, BP_FRAME_CPU, pcts[i]);
    }
  r->load = load_average ();
}

void
print_shown (const char *what, const Shown *r)
{
  printf ("  %s: %.1f frames/s, %u frames (%u drew), UI thread %.1f %% of a core, load %.2f\n"
          "    all frames   wall ms p50 %.2f p95 %.2f p99 %.2f | CPU ms p50 %.2f p95 %.2f p99 %.2f\n"
          "    drawn frames wall ms p50 %.2f p95 %.2f p99 %.2f | CPU ms p50 %.2f p95 %.2f p99 %.2f\n",
          what, r->fps, r->frames, r->drawn, 100 * r->ui_cpu_share, r->load, r->wall[0],
          r->wall[1], r->wall[2], r->cpu[0], r->cpu[1], r->cpu[2], r->drawn_wall[0],
          r->drawn_wall[1], r->drawn_wall[2], r->drawn_cpu[0], r->drawn_cpu[1], r->drawn_cpu[2]);
  fflush (stdout);
}

int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
median (const double *v, int n)
{
  double s[MAX_ROUNDS];

  memcpy (s, v, n * sizeof *v);
  qsort (s, n, sizeof *s, cmp_double);
  return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* The median over rounds of each field of Shown. */
Shown
median_shown (const Shown *r, int n)
{
  Shown m = { 0 };
  double v[MAX_ROUNDS] = { 0 };

#define MED(field)                                                                              \
  do                                                                                            \
    {                                                                                           \
      for (int i = 0; i < n; i++)                                                               \
        v[i] = r[i].field;                                                                      \
      m.field = median (v, n);                                                                  \
    }                                                                                           \
  while (0)
  MED (rate);
  MED (fps);
  MED (frames);
  MED (drawn);
  MED (ui_cpu_share);
  MED (load);
  MED (steal);
  for (int k = 0; k < 3; k++)
    {
      MED (wall[k]);
      MED (cpu[k]);
      MED (drawn_wall[k]);
      MED (drawn_cpu[k]);
    }
#undef MED
  return m;
}

static const char *const phase_signals[N_PHASES] = { "update", "layout", "paint",
                                                     "after-paint" };

static gboolean
phase_hook (GSignalInvocationHint *hint, guint n, const GValue *params, gpointer data)
{
  Phases *ph = data;
  gpointer instance = g_value_get_object (&params[0]);

  if (instance == (gpointer) ph->surface)
    {
      ph->drawn = TRUE; /* "render" */
      return TRUE;
    }
  if (instance != (gpointer) ph->clock)
    return TRUE;
  for (int k = 0; k < N_PHASES; k++)
    if (hint->signal_id == ph->signal[k])
      {
        ph->start[k] = thread_cpu_s ();
        if (k != PH_AFTER)
          continue;
        /* A phase nobody asked for this frame is not emitted: it cost nothing. */
        if (ph->drawn)
          for (int j = 0; j < N_PHASES - 1; j++)
            {
              double ms = 0;

              if (ph->start[j] > 0)
                for (int e = j + 1; e < N_PHASES; e++)
                  if (ph->start[e] > 0)
                    {
                      ms = 1000 * (ph->start[e] - ph->start[j]);
                      break;
                    }
              g_array_append_val (ph->cost[j], ms);
            }
        memset (ph->start, 0, sizeof ph->start);
        ph->drawn = FALSE;
      }
  return TRUE;
}

void
phases_begin (Phases *ph, GtkWidget *window)
{
  memset (ph, 0, sizeof *ph);
  ph->clock = gtk_widget_get_frame_clock (window);
  ph->surface = gtk_native_get_surface (GTK_NATIVE (window));
  for (int k = 0; k <= N_PHASES; k++)
    {
      ph->signal[k] = k < N_PHASES ? g_signal_lookup (phase_signals[k], GDK_TYPE_FRAME_CLOCK)
                                   : g_signal_lookup ("render", GDK_TYPE_SURFACE);
      ph->hook[k] = g_signal_add_emission_hook (ph->signal[k], 0, phase_hook, ph, NULL);
    }
  for (int j = 0; j < N_PHASES - 1; j++)
    ph->cost[j] = g_array_new (FALSE, FALSE, sizeof (double));
}

void
phases_end (Phases *ph)
{
  static const char *const names[] = { "update (views read the session)", "layout",
                                       "paint (snapshot + render)" };

  for (int k = 0; k <= N_PHASES; k++)
    g_signal_remove_emission_hook (ph->signal[k], ph->hook[k]);
  printf ("    drawn frames' CPU ms by phase (p50 / p95):");
  for (int j = 0; j < N_PHASES - 1; j++)
    {
      GArray *a = ph->cost[j];
      double p50 = 0, p95 = 0;

      if (a->len > 0)
        {
          g_array_sort (a, cmp_double);
          p50 = g_array_index (a, double, a->len / 2);
          p95 = g_array_index (a, double, MIN (a->len - 1, (guint) (0.95 * a->len)));
        }
      printf ("%s %s %.2f / %.2f", j ? "," : "", names[j], p50, p95);
      g_array_unref (a);
    }
  printf ("\n");
}
