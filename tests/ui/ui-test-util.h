/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the UI tests: run the main loop until something happens, read pixels. */
#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>
#include <stdarg.h>
#include <string.h>

#include "bp-screenshot.h"

typedef gboolean (*UiTestCondition) (gpointer data);

/* Iterates the default main context until cond(data) or timeout_s; returns cond's last value. */
static inline gboolean
ui_test_wait (UiTestCondition cond, gpointer data, double timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static inline gboolean
ui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget)) && gtk_widget_get_width (widget) > 0;
}

/* A UiTestCondition: the gboolean at data is TRUE (a flag that a callback sets). */
static inline gboolean
ui_test_is_true (gpointer data)
{
  return *(gboolean *) data;
}

static inline gboolean
ui_test_set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run for s seconds (frames get drawn). It waits as the program's own loop
 * does, asleep between events: a loop that polls every millisecond takes a few percent of a
 * core, which the dashboard counts against its views (BP_CPU_SHARE_VIEW_BUDGET). */
static inline void
ui_test_spin (double s)
{
  gboolean done = FALSE;

  g_timeout_add ((guint) MAX (s * 1000, 0), ui_test_set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The widget's picture, as soon as it has one: a widget that has not drawn yet, or that
 * changed since its last frame, has none until its next frame (which a loaded machine may
 * delay by seconds). Fails the test when none comes in ~4 s. */
static inline GdkTexture *
ui_test_shot (GtkWidget *widget)
{
  GdkTexture *tex = NULL;

  for (int i = 0; i < 400 && tex == NULL; i++)
    {
      tex = bp_screenshot_widget (widget, NULL);
      if (tex == NULL)
        ui_test_spin (0.01);
    }
  g_assert_nonnull (tex);
  return tex;
}

/* Keeps the picture as $BP_TEST_SHOTS/name when BP_TEST_SHOTS names a folder. */
static inline void
ui_test_keep_shot (GdkTexture *tex, const char *name)
{
  const char *dir = g_getenv ("BP_TEST_SHOTS");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (tex, path);
}

/* child alone in a new window of width x height, shown and drawn. */
static inline GtkWidget *
ui_test_show_in_window (GtkWidget *child, int width, int height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, child, 10));
  ui_test_spin (0.2);
  return window;
}

/* Runs xdotool with the arguments up to NULL; fails the test when it fails. */
static inline void
ui_test_xdo (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* RGB (0-255) of pixel (x, y) of a texture. */
static inline void
ui_test_pixel (GdkTexture *texture, int x, int y, int rgb[3])
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  guchar *data = g_malloc ((gsize) w * h * 4);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, w);
  g_assert_cmpint (y, <, h);
  /* Downloads as native-endian ARGB32 (cairo's layout): B, G, R, A on little endian. */
  gdk_texture_download (texture, data, (gsize) w * 4);
  {
    guint32 px = *(guint32 *) (data + (gsize) y * w * 4 + (gsize) x * 4);
    rgb[0] = (px >> 16) & 0xff;
    rgb[1] = (px >> 8) & 0xff;
    rgb[2] = px & 0xff;
  }
  g_free (data);
}

/* ---- finding widgets ---- */

/* A test of one widget for ui_test_find. */
typedef gboolean (*UiTestMatch) (GtkWidget *w, gconstpointer data);

/* The first widget under root (root included, depth first, children in order) that match
 * accepts, or NULL (also for a NULL root). A match that never accepts sees every widget, in
 * the order they are drawn: a way to collect them. */
static inline GtkWidget *
ui_test_find (GtkWidget *root, UiTestMatch match, gconstpointer data)
{
  if (root == NULL || match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* UiTestMatch: a widget of the GType in data (GSIZE_TO_POINTER (GTK_TYPE_SPIN_BUTTON)). */
static inline gboolean
ui_test_is_type (GtkWidget *w, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (w, (GType) GPOINTER_TO_SIZE (type));
}

/* UiTestMatch: a label whose text holds the string in data. */
static inline gboolean
ui_test_label_holds (GtkWidget *w, gconstpointer needle)
{
  return GTK_IS_LABEL (w) && strstr (gtk_label_get_text (GTK_LABEL (w)), needle) != NULL;
}

/* UiTestMatch: a settings row (AdwPreferencesRow) titled as the string in data. */
static inline gboolean
ui_test_row_titled (GtkWidget *w, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (w)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0;
}

/* The first label under root whose text holds needle, or NULL. */
static inline GtkLabel *
ui_test_find_label (GtkWidget *root, const char *needle)
{
  return (GtkLabel *) ui_test_find (root, ui_test_label_holds, needle);
}

/* The settings row under root titled title, or NULL. */
static inline GtkWidget *
ui_test_find_row (GtkWidget *root, const char *title)
{
  return ui_test_find (root, ui_test_row_titled, title);
}

typedef struct {
  GType type;
  const char *tooltip_prefix; /* NULL: any tooltip or none */
} UiTestTypeTip;

/* UiTestMatch: a widget of the type in the UiTestTypeTip at data, with its tooltip. */
static inline gboolean
ui_test_type_tip (GtkWidget *w, gconstpointer data)
{
  const UiTestTypeTip *t = data;
  const char *tip = gtk_widget_get_tooltip_text (w);

  return G_TYPE_CHECK_INSTANCE_TYPE (w, t->type)
         && (t->tooltip_prefix == NULL
             || (tip != NULL && g_str_has_prefix (tip, t->tooltip_prefix)));
}

/* The first widget of type under root whose tooltip starts with tooltip_prefix (NULL: any
 * tooltip or none), or NULL. */
static inline GtkWidget *
ui_test_find_widget (GtkWidget *root, GType type, const char *tooltip_prefix)
{
  UiTestTypeTip t = { type, tooltip_prefix };

  return ui_test_find (root, ui_test_type_tip, &t);
}
