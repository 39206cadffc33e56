/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ui-frames: the speed promises of the window (issues 5 and 8), measured in the real window.
 *
 *   ui-frames --page playground [--rounds 3] [--seconds 10] [--size 1280x800]
 *   ui-frames --page dashboard  [--rounds 3] [--epochs 2] [--threads N] [--size 1920x1080]
 *   (--nice N: the trainers' nice steps below the window, bp-cpu-share.h; default 10)
 *   (and --screenshot FILE.png: the window at the end of the last round; --shown-only: the
 *   dashboard without the headless runs, to profile the window; --damage: what each frame
 *   sent to the X server and which views it touched, ui-frames-damage.c)
 *
 * playground: the window on its playground page trains the default spiral for --seconds per
 * round (reset in between); prints the session's epochs/s and the frame times.
 * dashboard: per round, interleaved, the dashboard's own session object trains --epochs of
 * the mlp workload (Fashion-MNIST 784-256-128-10, Adam, batch 64) three times: headless with
 * the training threads the window's trainer uses, headless on every core (what
 * backprop-train does), and shown: the window on its dashboard page, every view of the
 * training part on screen and updating. The samples/s are the trainer's own per-epoch figures
 * (training time only, validation excluded).
 *
 * Frame times come from the window's frame clock, before-paint to after-paint, wall and
 * UI-thread CPU; "drawn" percentiles count only the frames in which the window rendered.
 * Run it under a display of the size asked, e.g.
 *   xvfb-run -a -s "-screen 0 1920x1080x24" bench/ui-frames --page dashboard
 * See bench/UI.md for the method and the last figures. */
#include "bp-config.h"

#include "bp-dashboard.h"
#include "bp-screenshot.h"
#include "ui-frames.h"
#include "bp-cpu-share.h"
#include "bp-ui.h"
#include "bp-window.h"
#include "engine/blas.h"
#include "engine/workers.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  const char *page;
  int rounds, epochs, threads, width, height;
  double seconds;
  const char *shot; /* --screenshot: the window at the end of the last round, as PNG */
  gboolean shown_only; /* --shown-only: no headless runs (to profile the window) */
  gboolean damage;     /* --damage: per frame, what the X server was sent */
} Options;

typedef gboolean (*Cond) (gpointer data);

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop (blocking between events, so the bench itself costs nothing) until
 * cond (data) or timeout_s. */
static gboolean
run_until (Cond cond, gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  guint id = g_timeout_add (20, wake, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
spin (double s)
{
  run_until (never, NULL, s);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static GtkWidget *
find_descendant (GtkWidget *w, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static BpWindow *
open_window (const Options *o, const char *page)
{
  g_autoptr (GError) error = NULL;
  BpWindow *window = bp_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), o->width, o->height);
  if (!bp_window_set_page (window, page, &error))
    g_error ("%s", error->message);
  gtk_window_present (GTK_WINDOW (window));
  if (!run_until (is_mapped, window, 20))
    g_error ("the window did not appear");
  spin (1.0); /* start-up transitions */
  return window;
}

/* "window 1280x800 (GskCairoRenderer)": the size of its surface, as the display sees it. */
static const char *
describe_window (BpWindow *window)
{
  static char buf[128];
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_snprintf (buf, sizeof buf, "window %dx%d (%s)", gdk_surface_get_width (surface),
              gdk_surface_get_height (surface),
              bp_cpu_share_renderer_name (GTK_WIDGET (window)));
  return buf;
}

static void
keep_shot (const Options *o, BpWindow *window)
{
  g_autoptr (GError) error = NULL;

  if (o->shot != NULL && !bp_screenshot_widget_to_png (GTK_WIDGET (window), o->shot, &error))
    fprintf (stderr, "ui-frames: %s\n", error->message);
}

/* ---- the playground ---- */

static int
run_playground (const Options *o)
{
  BpWindow *window = open_window (o, "playground");
  BpPlayground *pg = bp_window_get_playground (window);
  Shown r[MAX_ROUNDS];

  printf ("playground: %s, %d rounds of %.0f s, load %.2f\n", describe_window (window),
          o->rounds, o->seconds, load_average ());
  for (int i = 0; i < o->rounds; i++)
    {
      g_autoptr (BpFrameStats) fs = bp_frame_stats_new ();
      double steps_per_s, cpu0;
      gint64 t0;

      Phases ph;
      DamageWatch dw;

      bp_playground_reset (pg);
      spin (0.5);
      if (o->damage)
        damage_begin (&dw, GTK_WIDGET (window));
      phases_begin (&ph, GTK_WIDGET (window));
      stats_begin (fs, GTK_WIDGET (window));
      cpu0 = thread_cpu_s ();
      t0 = g_get_monotonic_time ();
      bp_playground_set_running (pg, TRUE);
      spin (o->seconds);
      bp_playground_set_running (pg, FALSE);
      r[i].ui_cpu_share = (thread_cpu_s () - cpu0) * 1e6 / (g_get_monotonic_time () - t0);
      stats_end (fs, &r[i]);
      spin (0.3);
      bp_playground_get_training_rate (pg, &r[i].rate, &steps_per_s);
      if (i == o->rounds - 1)
        keep_shot (o, window);
      printf ("round %d: %.0f epochs/s (%.0f steps/s)\n", i + 1, r[i].rate, steps_per_s);
      print_shown ("window", &r[i]);
      phases_end (&ph);
      if (o->damage)
        damage_end (&dw);
    }
  {
    Shown m = median_shown (r, o->rounds);

    printf ("MEDIAN of %d rounds: %.0f epochs/s\n", o->rounds, m.rate);
    print_shown ("window", &m);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
  return 0;
}

/* ---- the dashboard ---- */

typedef struct {
  BpDashboardTraining *t;
  int epochs;
  gboolean poll; /* headless: nobody else polls */
} EpochWait;

static gboolean
epochs_done (gpointer data)
{
  EpochWait *w = data;
  BpRun *run;

  if (w->poll)
    bp_dashboard_training_poll (w->t);
  run = bp_dashboard_training_get_current_run (w->t);
  return run != NULL && bp_run_get_n_epochs (run) >= (gsize) w->epochs;
}

/* Samples/s over the first `epochs` epochs of the current run: all samples over all the
 * training time (each epoch's figure excludes its validation). */
static double
run_rate (BpDashboardTraining *t, int epochs)
{
  BpRun *run = bp_dashboard_training_get_current_run (t);
  const bp_epoch_record *e = bp_run_get_epochs (run);
  double time = 0;

  for (int i = 0; i < epochs; i++)
    time += 1.0 / e[i].samples_per_s;
  return epochs / time;
}

static double
headless_rate (BpDataSource *src, const Options *o, int threads, double *steal)
{
  CpuTicks c0, c1;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDashboardTraining) t = bp_dashboard_training_new ();
  EpochWait w = { t, o->epochs, TRUE };
  BpTrainSettings s;
  double rate;

  bp_train_settings_defaults (&s, src);
  s.epochs = o->epochs;
  bp_workers_use_for_training (threads);
  if (!bp_dashboard_training_start (t, src, &s, &error))
    g_error ("%s", error->message);
  cpu_ticks_read (&c0);
  bp_dashboard_training_play (t);
  if (!run_until (epochs_done, &w, 1200))
    g_error ("headless training did not finish");
  cpu_ticks_read (&c1);
  *steal = cpu_ticks_steal (&c0, &c1);
  rate = run_rate (t, o->epochs);
  bp_dashboard_training_close (t);
  return rate;
}

static double
shown_rate (BpDataSource *src, const Options *o, int threads, Shown *r, Phases *ph)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpFrameStats) fs = bp_frame_stats_new ();
  BpWindow *window = open_window (o, "dashboard");
  BpDashboard *dash = BP_DASHBOARD (find_descendant (GTK_WIDGET (window), BP_TYPE_DASHBOARD));
  BpDashboardTraining *t = bp_dashboard_get_training (dash);
  EpochWait w = { t, o->epochs, FALSE };
  double cpu0;
  gint64 t0;
  DamageWatch dw;
  CpuTicks c0, c1;

  bp_workers_use_for_training (threads);
  bp_dashboard_set_source (dash, src);
  if (!bp_dashboard_new_run (dash, FALSE, &error))
    g_error ("%s", error->message);
  spin (0.5);
  printf ("  shown in the %s\n", describe_window (window));
  if (o->damage)
    damage_begin (&dw, GTK_WIDGET (window));
  phases_begin (ph, GTK_WIDGET (window));
  stats_begin (fs, GTK_WIDGET (window));
  cpu0 = thread_cpu_s ();
  t0 = g_get_monotonic_time ();
  cpu_ticks_read (&c0);
  bp_dashboard_training_play (t);
  if (!run_until (epochs_done, &w, 1200))
    g_error ("training in the window did not finish");
  cpu_ticks_read (&c1);
  r->steal = cpu_ticks_steal (&c0, &c1);
  r->ui_cpu_share = (thread_cpu_s () - cpu0) * 1e6 / (g_get_monotonic_time () - t0);
  stats_end (fs, r);
  if (o->damage)
    damage_end (&dw);
  bp_dashboard_training_pause (t);
  r->rate = run_rate (t, o->epochs);
  keep_shot (o, window);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.3);
  return r->rate;
}

/* A round whose phases all lost less than this to steal counts as quiet. */
#define QUIET_STEAL 0.05

static int
run_dashboard (const Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load ("fashion-mnist", &error);
  int default_threads = (int) g_get_num_processors ();
  int threads = o->threads > 0 ? o->threads : bp_cpu_share_trainer_threads ();
  double same[MAX_ROUNDS], dflt[MAX_ROUNDS], r_same[MAX_ROUNDS], r_dflt[MAX_ROUNDS];
  double st_same[MAX_ROUNDS], st_dflt[MAX_ROUNDS], r_adj[MAX_ROUNDS], r_quiet[MAX_ROUNDS];
  int n_quiet = 0;
  Shown r[MAX_ROUNDS];
  Phases ph;

  if (src == NULL)
    {
      fprintf (stderr, "ui-frames: the dashboard needs Fashion-MNIST: %s\n", error->message);
      return 1;
    }
  printf ("dashboard: %d rounds of %d epochs of the mlp workload; window trainer threads "
          "%d (nice +%d), every core %d; load %.2f\n",
          o->rounds, o->epochs, threads, bp_cpu_share_trainer_nice (), default_threads,
          load_average ());
  for (int i = 0; i < o->rounds; i++)
    {
      double head, head_adj, steal_max;

      /* Each round in a different order, so a slow patch of the machine does not always hit
       * the same phase. */
      same[i] = dflt[i] = st_same[i] = st_dflt[i] = NAN;
      for (int k = 0; k < (o->shown_only ? 1 : 3); k++)
        switch (o->shown_only ? 2 : (k + i) % 3)
          {
          case 0:
            same[i] = headless_rate (src, o, threads, &st_same[i]);
            break;
          case 1:
            dflt[i] = headless_rate (src, o, default_threads, &st_dflt[i]);
            break;
          default:
            shown_rate (src, o, threads, &r[i], &ph);
            break;
          }
      bp_workers_use_for_training (default_threads);
      r_same[i] = r[i].rate / same[i];
      r_dflt[i] = r[i].rate / dflt[i];
      /* What each phase would have done with the whole machine, if samples/s scale with the
       * CPU the hypervisor left (they do roughly; two threads that wait for each other lose a
       * little more): shown against the mean of the two headless phases. */
      head = (same[i] + dflt[i]) / 2;
      head_adj = (same[i] / (1 - st_same[i]) + dflt[i] / (1 - st_dflt[i])) / 2;
      r_adj[i] = r[i].rate / (1 - r[i].steal) / head_adj;
      steal_max = MAX (r[i].steal, MAX (st_same[i], st_dflt[i]));
      if (steal_max < QUIET_STEAL)
        r_quiet[n_quiet++] = r[i].rate / head;
      printf ("round %d: headless %d threads %.0f samples/s, headless %d threads %.0f, shown %.0f "
              "(%.1f %% and %.1f %%)\n",
              i + 1, threads, same[i], default_threads, dflt[i], r[i].rate, 100 * r_same[i],
              100 * r_dflt[i]);
      printf ("  stolen by the hypervisor: %.1f %%, %.1f %%, shown %.1f %%; shown / headless "
              "mean %.1f %%, with the steal taken out %.1f %%\n",
              100 * st_same[i], 100 * st_dflt[i], 100 * r[i].steal, 100 * r[i].rate / head,
              100 * r_adj[i]);
      print_shown ("window", &r[i]);
      phases_end (&ph);
    }
  {
    Shown m = median_shown (r, o->rounds);

    printf ("MEDIAN of %d rounds: headless %d threads %.0f samples/s, headless %d threads %.0f, "
            "shown %.0f; shown/headless %.1f %% (same threads), %.1f %% (default threads)\n",
            o->rounds, threads, median (same, o->rounds), default_threads,
            median (dflt, o->rounds), m.rate, 100 * median (r_same, o->rounds),
            100 * median (r_dflt, o->rounds));
    printf ("  with the steal taken out: %.1f %%; rounds where no phase lost %.0f %% or more "
            "to steal: %d, shown / headless mean %.1f %%\n",
            100 * median (r_adj, o->rounds), 100 * QUIET_STEAL, n_quiet,
            n_quiet > 0 ? 100 * median (r_quiet, n_quiet) : NAN);
    print_shown ("window", &m);
  }
  return 0;
}

/* ---- main ---- */

static void
usage (void)
{
  fprintf (stderr, "usage: ui-frames --page {playground,dashboard} [--rounds N] [--seconds S] "
                   "[--epochs E] [--threads N] [--nice N] [--size WxH] [--screenshot FILE.png] "
                   "[--shown-only] [--damage]\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  Options o = { NULL, 3, 2, 0, 0, 0, 10, NULL, FALSE, FALSE };
  const char *size = NULL;
  g_autofree char *renderer = NULL;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

      if (strcmp (a, "--shown-only") == 0 || strcmp (a, "--damage") == 0)
        {
          *(a[2] == 's' ? &o.shown_only : &o.damage) = TRUE;
          continue;
        }
      if (v == NULL)
        usage ();
      if (strcmp (a, "--page") == 0)
        o.page = v;
      else if (strcmp (a, "--rounds") == 0)
        o.rounds = atoi (v);
      else if (strcmp (a, "--seconds") == 0)
        o.seconds = g_ascii_strtod (v, NULL);
      else if (strcmp (a, "--epochs") == 0)
        o.epochs = atoi (v);
      else if (strcmp (a, "--threads") == 0)
        o.threads = atoi (v);
      else if (strcmp (a, "--nice") == 0)
        bp_cpu_share_set_trainer_nice (atoi (v));
      else if (strcmp (a, "--size") == 0)
        size = v;
      else if (strcmp (a, "--screenshot") == 0)
        o.shot = v;
      else
        usage ();
      i++;
    }
  if (o.page == NULL || o.rounds < 1 || o.rounds > MAX_ROUNDS || o.epochs < 1
      || o.seconds <= 0 || o.threads < 0)
    usage ();
  if (size != NULL && sscanf (size, "%dx%d", &o.width, &o.height) != 2)
    usage ();
  if (o.width <= 0)
    {
      gboolean dash = strcmp (o.page, "dashboard") == 0;

      o.width = dash ? 1920 : 1280;
      o.height = dash ? 1080 : 800;
    }

  if (!gtk_init_check ())
    {
      fprintf (stderr, "ui-frames: no display (run it under xvfb-run)\n");
      return 1;
    }
  renderer = bp_cpu_share_choose_renderer (gdk_display_get_default ());
  printf ("renderer: %s\n", renderer);
  adw_init ();
  bp_ui_init ();
  if (strcmp (o.page, "playground") == 0)
    return run_playground (&o);
  if (strcmp (o.page, "dashboard") == 0)
    return run_dashboard (&o);
  usage ();
  return 2;
}
