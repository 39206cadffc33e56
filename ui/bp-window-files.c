/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's experiment files: Open (Ctrl+O), Save (Ctrl+S), Save As (Shift+Ctrl+S), the
 * unsaved-changes question before a file or a template replaces the builder's network or the
 * window closes (its close button, Ctrl+W, Ctrl+Q), and the five most recent files in the
 * primary menu. The builder page does the reading and writing (bp_builder_open_file,
 * bp_builder_save_file) and sends its own Open, Save and template items here; this decides
 * when. */
#include "bp-config.h"
#include "bp-toast.h"

#include "bp-window-private.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define RECENT_APP "backprop"
#define RECENT_MAX 5

/* What to do once the unsaved-changes question is answered (or was not needed). */
typedef enum {
  NEXT_NOTHING,
  NEXT_OPEN_DIALOG,
  NEXT_OPEN_FILE,
  NEXT_TEMPLATE,
  NEXT_CLOSE,
} BpWindowNext;

static void open_dialog (BpWindow *self);
static void save_dialog (BpWindow *self, BpWindowNext next);

static void
show_message (BpWindow *self, const char *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, bp_toast_new_text (message));
}

/* A file that could not be opened or saved: the whole reason matters, and a one-line toast
 * would cut it, so it is a dialog: "Could not open “x.bpx”" over the problem in words. */
static void
show_file_error (BpWindow *self, const char *verb, const char *path, const char *problem)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *heading = g_strdup_printf ("Could not %s “%s”", verb, name);
  size_t n = strlen (path);
  AdwMessageDialog *dialog;

  /* The engine's messages start with the path: the heading already names the file. */
  if (strncmp (problem, path, n) == 0 && problem[n] == ':' && problem[n + 1] == ' ')
    problem += n + 2;
  g_free (self->last_message);
  self->last_message = g_strdup_printf ("%s: %s", heading, problem);
  g_debug ("window: %s", self->last_message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_format_body (dialog, "%s\n\n%s", problem, path);
  adw_message_dialog_add_response (dialog, "close", "_Close");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
_bp_window_is_experiment_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && (g_str_has_suffix (name, ".bpx") || g_str_has_suffix (name, ".json"));
}

/* ---- recent files ---- */

static void
add_recent (BpWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) (g_str_has_suffix (uri, ".json") ? "application/json"
                                                           : "application/octet-stream"),
    .app_name = (char *) RECENT_APP,
    .app_exec = (char *) RECENT_APP " %f",
  };

  gtk_recent_manager_add_full (self->recent, uri, &data);
}

static int
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (tb, ta);
}

static void
rebuild_recent (GtkRecentManager *manager, BpWindow *self)
{
  GList *items = g_list_sort (gtk_recent_manager_get_items (manager), newest_first);
  int n = 0;

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL && n < RECENT_MAX; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr (GMenuItem) item = NULL;
      g_autofree char *label = NULL;
      g_auto (GStrv) parts = NULL;

      if (!gtk_recent_info_has_application (info, RECENT_APP) || !gtk_recent_info_exists (info))
        continue;
      /* An underscore in a file name is not a mnemonic. */
      parts = g_strsplit (gtk_recent_info_get_display_name (info), "_", -1);
      label = g_strjoinv ("__", parts);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

/* ---- open and save ---- */

static gboolean
open_now (BpWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;

  adw_view_stack_set_visible_child_name (self->view_stack, "builder");
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      show_file_error (self, "open", uri, "It is not a local file.");
      return FALSE;
    }
  if (bp_builder_open_file (self->builder, path, &error))
    {
      add_recent (self, file);
      return TRUE;
    }
  show_file_error (self, "open", path, error->message);
  return FALSE;
}

static gboolean
save_to (BpWindow *self, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (!bp_builder_save_file (self->builder, path, &error))
    {
      show_file_error (self, "save", path, error->message);
      return FALSE;
    }
  add_recent (self, file);
  /* Only the builder's experiment goes to files: saved from another page (Ctrl+S on the
   * playground), the toast must not let the user think the page on screen was saved. */
  if (g_strcmp0 (bp_window_get_page (self), "builder") == 0)
    message = g_strdup_printf ("Saved “%s”", name);
  else
    message = g_strdup_printf ("Saved the Builder’s network as “%s” (this page is not saved "
                               "to files)", name);
  show_message (self, message);
  return TRUE;
}

static gboolean
close_later (gpointer window)
{
  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

static void
proceed (BpWindow *self, BpWindowNext next)
{
  g_autoptr (GFile) file = NULL;

  switch (next)
    {
    case NEXT_OPEN_DIALOG:
      open_dialog (self);
      break;
    case NEXT_OPEN_FILE:
      file = g_steal_pointer (&self->pending_file);
      if (file != NULL)
        open_now (self, file);
      break;
    case NEXT_TEMPLATE:
      if (self->pending_template != NULL)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *name = g_steal_pointer (&self->pending_template);

          adw_view_stack_set_visible_child_name (self->view_stack, "builder");
          if (!bp_builder_load_template (self->builder, name, &error))
            show_message (self, error->message);
        }
      break;
    case NEXT_CLOSE:
      self->close_confirmed = TRUE;
      /* Not from inside the dialog's response: destroying the window there pulls the dialog
       * away under its own feet. */
      g_idle_add_full (G_PRIORITY_DEFAULT, close_later, g_object_ref (self), g_object_unref);
      break;
    case NEXT_NOTHING:
    default:
      break;
    }
}

/* The question was cancelled (or saving failed): nothing waits for it any more. */
static void
forget_pending (BpWindow *self)
{
  g_clear_object (&self->pending_file);
  g_clear_pointer (&self->pending_template, g_free);
}

static void
on_prompt_response (AdwMessageDialog *dialog, const char *response, BpWindow *self)
{
  BpWindowNext next = self->after_prompt;
  const char *path = bp_builder_get_path (self->builder);

  if (self->prompt != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->prompt), (gpointer *) &self->prompt);
  self->prompt = NULL;
  if (g_strcmp0 (response, "discard") == 0)
    proceed (self, next);
  else if (g_strcmp0 (response, "save") == 0 && path != NULL)
    {
      if (save_to (self, path))
        proceed (self, next);
      else
        forget_pending (self);
    }
  else if (g_strcmp0 (response, "save") == 0)
    save_dialog (self, next);
  else
    forget_pending (self);
  g_debug ("window: prompt answered %s", response);
}

/* With G_MESSAGES_DEBUG=Backprop: the question is on screen, and where its buttons are on its
 * own X window, for tests that answer it with the real pointer (test-builder-dnd.sh). The
 * response buttons are the ones whose label has a mnemonic; log FALSE only counts those not
 * laid out yet. */
static int
find_buttons (GtkWidget *widget, GtkWidget *dialog, gboolean log)
{
  int waiting = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      const char *label = GTK_IS_BUTTON (c) ? gtk_button_get_label (GTK_BUTTON (c)) : NULL;
      graphene_point_t p;
      double sx, sy;

      if (label != NULL && label[0] == '_' && gtk_widget_get_width (c) <= 0)
        waiting++;
      else if (log && label != NULL && label[0] == '_'
               && gtk_widget_compute_point (c, dialog,
                                            &GRAPHENE_POINT_INIT (gtk_widget_get_width (c) / 2.0f,
                                                                  gtk_widget_get_height (c) / 2.0f),
                                            &p))
        {
          g_autofree char *name = g_ascii_strdown (label + 1, -1);

          gtk_native_get_surface_transform (GTK_NATIVE (dialog), &sx, &sy);
          g_debug ("window: at prompt:%s %d %d", name, (int) (p.x + sx), (int) (p.y + sy));
        }
      waiting += find_buttons (c, dialog, log);
    }
  return waiting;
}

static gboolean
log_prompt (GtkWidget *dialog, GdkFrameClock *clock, gpointer data)
{
  int *frames = data;

  /* Once the buttons have their places (a few frames after mapping). */
  if (find_buttons (dialog, dialog, FALSE) > 0 && ++*frames < 120)
    return G_SOURCE_CONTINUE;
#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (dialog));

    if (GDK_IS_X11_SURFACE (surface))
      g_debug ("window: prompt xid %lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  }
#endif
  find_buttons (dialog, dialog, TRUE);
  g_debug ("window: prompt shown: %s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  return G_SOURCE_REMOVE;
}

static void
on_prompt_mapped (GtkWidget *dialog, gpointer data)
{
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    gtk_widget_add_tick_callback (dialog, log_prompt, g_new0 (int, 1), g_free);
}

/* Runs next now, or after asking when the builder's network has unsaved changes (or, before
 * closing, when a run in progress would end). */
static void
ask_then (BpWindow *self, BpWindowNext next)
{
  const char *path;
  g_autofree char *name = NULL;
  g_autoptr (GString) runs = g_string_new (NULL);
  gboolean modified = bp_builder_get_modified (self->builder);
  AdwMessageDialog *dialog;

  /* Closing also ends the runs in progress: one question covers both. */
  if (next == NEXT_CLOSE)
    _bp_window_describe_live_runs (self, runs);
  if (!modified && runs->len == 0)
    {
      proceed (self, next);
      return;
    }
  if (self->prompt != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->prompt));
      return;
    }
  path = bp_builder_get_path (self->builder);
  name = path != NULL ? g_path_get_basename (path) : g_strdup ("Untitled network");
  if (runs->len > 0)
    {
      runs->str[0] = g_ascii_toupper (runs->str[0]);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           "Stop Training and Quit?", NULL));
      if (modified)
        adw_message_dialog_format_body (dialog, "%s would end; its weights are lost.\n\n"
                                        "“%s” has changes that are not saved.", runs->str, name);
      else
        adw_message_dialog_format_body (dialog, "%s would end; its weights are lost.",
                                        runs->str);
      adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "discard",
                                        modified ? "_Quit Without Saving" : "_Quit", NULL);
      if (modified)
        adw_message_dialog_add_response (dialog, "save", "_Save and Quit");
      adw_message_dialog_set_default_response (dialog, "cancel");
    }
  else
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), "Save Changes?",
                                                           NULL));
      adw_message_dialog_format_body (dialog,
                                      "“%s” has changes that are not saved. Without saving, "
                                      "they are lost.", name);
      adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "discard", "_Discard",
                                        "save", "_Save", NULL);
      adw_message_dialog_set_default_response (dialog, "save");
    }
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  if (modified)
    adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_prompt_response), self, 0);
  self->after_prompt = next;
  self->prompt = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->prompt);
  g_signal_connect (dialog, "map", G_CALLBACK (on_prompt_mapped), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_filters (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) both = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) bpx = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) json = gtk_file_filter_new ();

  gtk_file_filter_set_name (both, "Experiments (*.bpx, *.json)");
  gtk_file_filter_add_pattern (both, "*.bpx");
  gtk_file_filter_add_pattern (both, "*.json");
  gtk_file_filter_set_name (bpx, "Experiments with weights (*.bpx)");
  gtk_file_filter_add_pattern (bpx, "*.bpx");
  gtk_file_filter_set_name (json, "Networks as JSON (*.json)");
  gtk_file_filter_add_pattern (json, "*.json");
  gtk_file_chooser_add_filter (chooser, both);
  gtk_file_chooser_add_filter (chooser, bpx);
  gtk_file_chooser_add_filter (chooser, json);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, BpWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        open_now (self, file);
    }
  g_object_unref (dialog);
}

static void
open_dialog (BpWindow *self)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open Experiment", GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");

  add_filters (GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_open_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save_response (GtkNativeDialog *dialog, int response, BpWindow *self)
{
  BpWindowNext next = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "bp-next"));
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL && save_to (self, path))
    proceed (self, next);
  else
    forget_pending (self);
  g_object_unref (dialog);
}

static void
save_dialog (BpWindow *self, BpWindowNext next)
{
  const char *path = bp_builder_get_path (self->builder);
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : g_strdup ("network.bpx");
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Save the Builder’s Experiment", GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");

  add_filters (GTK_FILE_CHOOSER (dialog));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "bp-next", GINT_TO_POINTER (next));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- actions ---- */

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  ask_then (BP_WINDOW (widget), NEXT_OPEN_DIALOG);
}

static void
action_open_recent (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  bp_window_open_file (BP_WINDOW (widget), file);
}

static void
action_template (GtkWidget *widget, const char *name, GVariant *param)
{
  BpWindow *self = BP_WINDOW (widget);

  g_free (self->pending_template);
  self->pending_template = g_variant_dup_string (param, NULL);
  ask_then (self, NEXT_TEMPLATE);
}

static void
action_save (GtkWidget *widget, const char *name, GVariant *param)
{
  BpWindow *self = BP_WINDOW (widget);
  const char *path = bp_builder_get_path (self->builder);

  if (path != NULL)
    save_to (self, path);
  else
    save_dialog (self, NEXT_NOTHING);
}

static void
action_save_as (GtkWidget *widget, const char *name, GVariant *param)
{
  save_dialog (BP_WINDOW (widget), NEXT_NOTHING);
}

static gboolean
on_close_request (GtkWindow *window, BpWindow *self)
{
  g_autoptr (GString) runs = NULL;

  if (self->close_confirmed)
    return FALSE;
  runs = g_string_new (NULL);
  if (!bp_builder_get_modified (self->builder) && _bp_window_describe_live_runs (self, runs) == 0)
    return FALSE;
  ask_then (self, NEXT_CLOSE);
  return TRUE;
}

void
_bp_window_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, BpWindow, recent_menu);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", action_open_recent);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, action_save_as);
  gtk_widget_class_install_action (widget_class, "win.template", "s", action_template);
}

/* The window's title (task switchers, the window list) names the experiment, with a dot
 * while it has unsaved changes: "• iris-mlp.json — Backprop". */
static void
update_title (BpBuilder *builder, GParamSpec *pspec, BpWindow *self)
{
  const char *path = bp_builder_get_path (builder);
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;
  g_autofree char *title = NULL;

  if (name == NULL && !bp_builder_get_modified (builder))
    title = g_strdup ("Backprop");
  else
    title = g_strdup_printf ("%s%s — Backprop", bp_builder_get_modified (builder) ? "• " : "",
                             name != NULL ? name : "Untitled network");
  if (g_strcmp0 (title, gtk_window_get_title (GTK_WINDOW (self))) != 0)
    gtk_window_set_title (GTK_WINDOW (self), title);
}

void
_bp_window_files_init (BpWindow *self)
{
  g_signal_connect_object (self->builder, "notify::modified", G_CALLBACK (update_title), self,
                           0);
  update_title (self->builder, NULL, self);
  self->recent = g_object_ref (gtk_recent_manager_get_default ());
  self->recent_changed_id = g_signal_connect (self->recent, "changed",
                                              G_CALLBACK (rebuild_recent), self);
  rebuild_recent (self->recent, self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), self);
}

void
_bp_window_files_dispose (BpWindow *self)
{
  if (self->recent != NULL)
    g_clear_signal_handler (&self->recent_changed_id, self->recent);
  g_clear_object (&self->recent);
  if (self->prompt != NULL)
    {
      AdwMessageDialog *prompt = self->prompt;

      g_object_remove_weak_pointer (G_OBJECT (prompt), (gpointer *) &self->prompt);
      self->prompt = NULL;
      gtk_window_destroy (GTK_WINDOW (prompt));
    }
  forget_pending (self);
}

/* ---- public ---- */

void
bp_window_open_file (BpWindow *self, GFile *file)
{
  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->pending_file, file);
  ask_then (self, NEXT_OPEN_FILE);
}

AdwMessageDialog *
bp_window_get_prompt (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->prompt;
}

const char *
bp_window_get_last_message (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->last_message;
}
