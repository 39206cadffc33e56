/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-application.h"

#include "bp-cpu-share.h"
#include "bp-frame-stats.h"
#include "bp-ui.h"
#include "bp-window.h"

#include <stdio.h>

struct _BpApplication {
  AdwApplication parent_instance;

  char *page;            /* --page, NULL for the default */
  char *screenshot_path; /* --screenshot */
  int steps;             /* --steps: training steps before the screenshot */
  gboolean stats;        /* --stats: print speed figures on exit */
  int exit_status;
};

G_DEFINE_FINAL_TYPE (BpApplication, bp_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "page", 'p', 0, G_OPTION_ARG_STRING, NULL,
    "Open on page NAME (playground)", "NAME" },
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Render the window to FILE.png and exit", "FILE" },
  { "steps", 0, 0, G_OPTION_ARG_INT, NULL,
    "Training steps to run before --screenshot (default 0)", "N" },
  { "stats", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Print epochs/s, frames/s and frame-time percentiles on exit", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version and exit", NULL },
  { NULL }
};

static void
on_screenshot_done (BpWindow *window, gboolean ok, const char *message, gpointer user_data)
{
  BpApplication *self = user_data;

  if (!ok)
    {
      g_printerr ("backprop: %s\n", message);
      self->exit_status = 1;
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
bp_application_activate (GApplication *app)
{
  BpApplication *self = BP_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      g_autoptr (GError) error = NULL;

      window = GTK_WINDOW (bp_window_new (self));
      if (self->page != NULL && !bp_window_set_page (BP_WINDOW (window), self->page, &error))
        {
          g_printerr ("backprop: %s\n", error->message);
          self->exit_status = 1;
          gtk_window_destroy (window);
          return;
        }
      if (self->stats)
        bp_window_set_collect_stats (BP_WINDOW (window), TRUE);
      if (self->screenshot_path != NULL)
        bp_window_screenshot_after_steps (BP_WINDOW (window), self->screenshot_path,
                                          self->steps, on_screenshot_done, self);
    }
  gtk_window_present (window);
}

/* `backprop FILE`: the window, with FILE open in the builder (one experiment at a time: the
 * first file). */
static void
bp_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  GtkWindow *window;

  g_application_activate (app);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window != NULL && BP_IS_WINDOW (window) && n_files > 0)
    bp_window_open_file (BP_WINDOW (window), files[0]);
}

static int
bp_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  BpApplication *self = BP_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("backprop %s\n", BP_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "page", "s", &self->page);
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot_path);
  g_variant_dict_lookup (options, "steps", "i", &self->steps);
  self->stats = g_variant_dict_contains (options, "stats");
  if (self->steps < 0)
    {
      g_printerr ("backprop: --steps must be 0 or more, not %d\n", self->steps);
      return 2;
    }
  if (self->steps > 0 && self->screenshot_path == NULL)
    {
      g_printerr ("backprop: --steps goes with --screenshot\n");
      return 2;
    }
  /* A scripted run is a process of its own: it must not hand its work to a window that is
   * already open, nor need a session bus to be one. */
  if (self->page != NULL || self->screenshot_path != NULL || self->stats)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static gboolean
has_main_window (GtkApplication *app)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (BP_IS_WINDOW (l->data))
      return TRUE;
  return FALSE;
}

static void
bp_application_window_removed (GtkApplication *app, GtkWindow *window)
{
  BpApplication *self = BP_APPLICATION (app);

  if (self->stats && BP_IS_WINDOW (window))
    {
      g_autofree char *report = bp_window_stats_report (BP_WINDOW (window));
      fputs (report, stdout);
      fflush (stdout);
    }
  GTK_APPLICATION_CLASS (bp_application_parent_class)->window_removed (app, window);
  /* Once the last main window is gone, an About or shortcuts window left behind would keep
   * the program running with nothing to show. */
  if (BP_IS_WINDOW (window) && !has_main_window (app))
    {
      GList *windows;

      while ((windows = gtk_application_get_windows (app)) != NULL)
        gtk_window_destroy (windows->data);
    }
}

static void
action_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (app));

  /* Each main window closes as its close button would close it: with unsaved changes it asks
   * first (Save, Discard, Cancel) and Cancel keeps it open; without, it goes at once. Closing
   * (rather than g_application_quit) also lets --stats report on them; the last one takes the
   * other windows with it (window_removed above). */
  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = windows; l != NULL; l = l->next)
    if (BP_IS_WINDOW (l->data))
      gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
  if (!has_main_window (app))
    {
      while ((windows = gtk_application_get_windows (app)) != NULL)
        gtk_window_destroy (windows->data);
    }
}

static void
action_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Backprop contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", "Backprop",
                        "application-icon", BP_APP_ID,
                        "developer-name", "The Backprop contributors",
                        "version", BP_VERSION,
                        "comments", "Watch neural networks learn: build a network, pick a "
                                    "dataset, press Space.",
                        "website", "https://github.com/backprop/backprop",
                        "issue-url", "https://github.com/backprop/backprop/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", action_quit, NULL, NULL, NULL, { 0 } },
  { "about", action_about, NULL, NULL, NULL, { 0 } },
};

static void
bp_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *reset_accels[] = { "<Control>r", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *save_accels[] = { "<Control>s", NULL };
  static const char *save_as_accels[] = { "<Shift><Control>s", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  /* The resources first: GtkApplication's and AdwApplication's startup look there for
   * gtk/help-overlay.ui (the shortcuts window) and style.css. */
  bp_ui_init ();
  G_APPLICATION_CLASS (bp_application_parent_class)->startup (app);

  /* Before the first window: how drawing and training share the cores (bp-cpu-share.h). */
  if (gdk_display_get_default () != NULL)
    g_free (bp_cpu_share_choose_renderer (gdk_display_get_default ()));
  bp_cpu_share_apply_threads ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.reset", reset_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save", save_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save-as", save_as_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         help_accels);
  /* Space and Right are handled by the window itself (see bp-window.c): as accelerators they
   * would also fire inside text fields and sliders. */
}

static void
bp_application_finalize (GObject *object)
{
  BpApplication *self = BP_APPLICATION (object);

  g_free (self->page);
  g_free (self->screenshot_path);
  G_OBJECT_CLASS (bp_application_parent_class)->finalize (object);
}

static void
bp_application_class_init (BpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->finalize = bp_application_finalize;
  app_class->activate = bp_application_activate;
  app_class->open = bp_application_open;
  app_class->startup = bp_application_startup;
  app_class->handle_local_options = bp_application_handle_local_options;
  gtk_app_class->window_removed = bp_application_window_removed;
}

static void
bp_application_init (BpApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FILE]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            "Watch neural networks learn.");
}

BpApplication *
bp_application_new (void)
{
  return g_object_new (BP_TYPE_APPLICATION,
                       "application-id", BP_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", BP_RESOURCE_PREFIX,
                       NULL);
}

int
bp_application_get_exit_status (BpApplication *self)
{
  g_return_val_if_fail (BP_IS_APPLICATION (self), 1);
  return self->exit_status;
}
