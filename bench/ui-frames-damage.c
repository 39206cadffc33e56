/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/ui-frames --damage: what each frame sent to the X server, as the server saw it.
 *
 * GTK 4.8's cairo path on X11 paints the bounding box of a frame's damaged region into a
 * scratch image and sends it to the server (MIT-SHM), waiting for the copy: a frame's cost
 * grows with that box. A second X connection asks the DAMAGE extension for every rectangle
 * the window's pixels changed in; after each frame (after-paint) both connections are synced
 * and the rectangles that came are that frame's. Each frame's rectangles are named by the
 * views they touch (header, network, heatmap ...), so a report says whether a schedule that
 * means "one area per frame" really gives one. The syncs cost round trips: the frame times of
 * a --damage run are not the ones to quote. */
#include "bp-config.h"

#include "ui-frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_XDAMAGE
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <gdk/x11/gdkx.h>

/* The views a frame's damage is named by, by type name; several of a type are numbered. */
static const char *const area_types[] = {
  "AdwHeaderBar", "BpNetworkView", "BpHeatmap", "BpLossChart", "BpChart", "BpHistogramView",
  "BpWeightHeatmap", "GtkProgressBar",
};

static void
find_areas (DamageWatch *dw, GtkWidget *w, GtkWidget *window, double dx, double dy)
{
  const char *type = G_OBJECT_TYPE_NAME (w);

  for (guint i = 0; i < G_N_ELEMENTS (area_types); i++)
    if (strcmp (type, area_types[i]) == 0 && dw->n_areas < DAMAGE_MAX_AREAS - 1
        && gtk_widget_get_mapped (w))
      {
        graphene_rect_t b;
        const char *short_name;
        int n = 0;

        if (!gtk_widget_compute_bounds (w, window, &b))
          break;
        /* Named without the library's prefix: "NetworkView", "HeaderBar", "Chart2". */
        short_name = type + (g_str_has_prefix (type, "Bp") ? 2 : 3);
        for (int a = 0; a < dw->n_areas; a++)
          n += g_str_has_prefix (dw->names[a], short_name);
        dw->names[dw->n_areas] = n == 0 ? g_strdup (short_name)
                                        : g_strdup_printf ("%s%d", short_name, n + 1);
        dw->areas[dw->n_areas] = (cairo_rectangle_int_t) { (int) (b.origin.x + dx),
                                                           (int) (b.origin.y + dy),
                                                           (int) b.size.width,
                                                           (int) b.size.height };
        dw->n_areas++;
        return; /* a named view's insides are that view */
      }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    find_areas (dw, c, window, dx, dy);
}

static gboolean
overlaps (const cairo_rectangle_int_t *a, const cairo_rectangle_int_t *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height
         && b->y < a->y + a->height;
}

static void
on_after_paint (GdkFrameClock *clock, DamageWatch *dw)
{
  Display *dpy = dw->dpy;
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = G_MININT, y1 = G_MININT;
  guint mask = 0;
  gboolean any = FALSE;

  /* GTK's requests done, then ours: the events of this frame's drawing are all in. */
  gdk_display_sync (dw->display);
  XSync (dpy, False);
  while (XPending (dpy) > 0)
    {
      XEvent ev;
      XDamageNotifyEvent *de = (XDamageNotifyEvent *) &ev;
      cairo_rectangle_int_t r;
      gboolean named = FALSE;

      XNextEvent (dpy, &ev);
      if (ev.type != dw->event_base + XDamageNotify)
        continue;
      r = (cairo_rectangle_int_t) { de->area.x, de->area.y, de->area.width, de->area.height };
      any = TRUE;
      if (g_strcmp0 (g_getenv ("UI_FRAMES_DAMAGE_LOG"), "rects") == 0)
        printf ("        rect %d,%d %dx%d\n", r.x, r.y, r.width, r.height);
      x0 = MIN (x0, r.x);
      y0 = MIN (y0, r.y);
      x1 = MAX (x1, r.x + r.width);
      y1 = MAX (y1, r.y + r.height);
      for (int a = 0; a < dw->n_areas; a++)
        if (overlaps (&r, &dw->areas[a]))
          {
            mask |= 1u << a;
            named = TRUE;
          }
      if (!named)
        mask |= 1u << dw->n_areas; /* "other" */
    }
  if (any)
    {
      double px = (double) (x1 - x0) * (y1 - y0);

      if (dw->log)
        {
          double cpu = thread_cpu_s ();

          /* The UI thread's CPU since the last frame that sent pixels: that frame's work and
           * whatever ran in between (timers, the idle frames' ticks). */
          printf ("      frame %" G_GINT64_FORMAT " ms: UI CPU %.1f ms since the last, box %d,%d "
                  "%dx%d:",
                  gdk_frame_clock_get_frame_time (clock) / 1000,
                  dw->log_cpu_s > 0 ? (cpu - dw->log_cpu_s) * 1e3 : 0.0, x0, y0, x1 - x0,
                  y1 - y0);
          dw->log_cpu_s = cpu;
          for (int a = 0; a <= dw->n_areas; a++)
            if (mask & (1u << a))
              printf (" %s", dw->names[a]);
          printf ("\n");
        }
      g_array_append_val (dw->box_px, px);
      g_array_append_val (dw->masks, mask);
    }
}

void
damage_begin (DamageWatch *dw, GtkWidget *window)
{
  GdkDisplay *display = gtk_widget_get_display (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  int error_base;
  double dx, dy;

  memset (dw, 0, sizeof *dw);
  if (!GDK_IS_X11_DISPLAY (display))
    {
      fprintf (stderr, "ui-frames: --damage needs X11\n");
      return;
    }
  dw->dpy = XOpenDisplay (DisplayString (gdk_x11_display_get_xdisplay (display)));
  if (dw->dpy == NULL || !XDamageQueryExtension (dw->dpy, &dw->event_base, &error_base))
    {
      fprintf (stderr, "ui-frames: no DAMAGE extension\n");
      if (dw->dpy != NULL)
        XCloseDisplay (dw->dpy);
      dw->dpy = NULL;
      return;
    }
  dw->display = display;
  dw->log = g_getenv ("UI_FRAMES_DAMAGE_LOG") != NULL;
  dw->win_px = (double) gdk_surface_get_width (surface) * gdk_surface_get_height (surface);
  /* Widget coordinates -> the surface's (client-side decorations add a margin). */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  find_areas (dw, window, window, dx, dy);
  dw->names[dw->n_areas] = g_strdup ("other");
  dw->damage = XDamageCreate (dw->dpy, gdk_x11_surface_get_xid (surface),
                              XDamageReportRawRectangles);
  XSync (dw->dpy, False);
  dw->box_px = g_array_new (FALSE, FALSE, sizeof (double));
  dw->masks = g_array_new (FALSE, FALSE, sizeof (guint));
  dw->clock = gtk_widget_get_frame_clock (window);
  dw->handler = g_signal_connect_after (dw->clock, "after-paint", G_CALLBACK (on_after_paint),
                                        dw);
}

static int
cmp_uint_count (gconstpointer a, gconstpointer b)
{
  const guint *x = a, *y = b;

  return (int) y[1] - (int) x[1];
}

void
damage_end (DamageWatch *dw)
{
  guint n, combos[64][2], n_combos = 0, multi = 0;
  double *px, p50, p95;

  if (dw->dpy == NULL)
    return;
  g_signal_handler_disconnect (dw->clock, dw->handler);
  XDamageDestroy (dw->dpy, dw->damage);
  XCloseDisplay (dw->dpy);
  n = dw->box_px->len;
  px = (double *) (void *) dw->box_px->data;
  qsort (px, n, sizeof *px, cmp_double);
  p50 = n > 0 ? px[(n - 1) / 2] : 0;
  p95 = n > 0 ? px[(guint) (0.95 * (n - 1))] : 0;
  for (guint i = 0; i < n; i++)
    {
      guint m = g_array_index (dw->masks, guint, i), k;

      multi += (m & (m - 1)) != 0;
      for (k = 0; k < n_combos && combos[k][0] != m; k++)
        ;
      if (k == n_combos && n_combos < G_N_ELEMENTS (combos))
        combos[n_combos++][0] = m, combos[k][1] = 0;
      if (k < n_combos)
        combos[k][1]++;
    }
  qsort (combos, n_combos, sizeof combos[0], cmp_uint_count);
  printf ("    damage: %u frames sent pixels; bounding box p50 %.0f k px (%.0f %% of the "
          "window), p95 %.0f k px (%.0f %%); %u frames (%.0f %%) touched two views or more\n",
          n, p50 / 1e3, 100 * p50 / dw->win_px, p95 / 1e3, 100 * p95 / dw->win_px, multi,
          n > 0 ? 100.0 * multi / n : 0);
  for (guint k = 0; k < MIN (n_combos, 8u); k++)
    {
      g_autoptr (GString) s = g_string_new (NULL);

      for (int a = 0; a <= dw->n_areas; a++)
        if (combos[k][0] & (1u << a))
          g_string_append_printf (s, "%s%s", s->len > 0 ? " + " : "", dw->names[a]);
      printf ("      %5u frames: %s\n", combos[k][1], s->str);
    }
  fflush (stdout);
  for (int a = 0; a <= dw->n_areas; a++)
    g_free (dw->names[a]);
  g_array_unref (dw->box_px);
  g_array_unref (dw->masks);
  memset (dw, 0, sizeof *dw);
}

#else /* !HAVE_XDAMAGE */

void
damage_begin (DamageWatch *dw, GtkWidget *window)
{
  memset (dw, 0, sizeof *dw);
  fprintf (stderr, "ui-frames: built without libXdamage: no --damage\n");
}

void
damage_end (DamageWatch *dw)
{
}

#endif
