/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's experiment files: `backprop FILE` opens FILE in the builder, every damaged file
 * of the engine's corpus is refused with a dialog naming it and leaves the work as it was,
 * win.save writes a file that opens to the same network, and unsaved changes (of the network
 * or of the dataset and training settings alone) are asked about before opening another file,
 * starting from a template and closing. */
#include "bp-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bp-application.h"
#include "bp-builder.h"
#include "bp-dashboard.h"
#include "bp-dashboard-training.h"
#include "bp-playground.h"
#include "bp-ui.h"
#include "bp-window.h"
#include "data/builtin.h"
#include "ui-test-util.h"

typedef struct {
  BpWindow *window;
  BpBuilder *builder;
  char *dir; /* a scratch directory for this test */
} Fixture;

static char *
example_path (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 name, NULL);

  /* As a GFile names it (no "..") */
  return g_canonicalize_filename (path, NULL);
}

/* The spec text of an experiment file as the builder shows it: opened in a page of its own. */
static char *
spec_of_file (const char *path)
{
  BpBuilder *b = BP_BUILDER (g_object_ref_sink (bp_builder_new ()));
  g_autoptr (GError) error = NULL;
  char *spec;

  g_assert_true (bp_builder_open_file (b, path, &error));
  g_assert_no_error (error);
  spec = bp_builder_get_spec_json (b);
  g_assert_nonnull (spec);
  g_assert_finalize_object (b);
  return spec;
}

static int
id_of (BpBuilder *b, const char *name)
{
  const bp_graph *g = bp_builder_get_graph (b);

  for (int i = 0; i < g->n_nodes; i++)
    if (!g->nodes[i].is_input && g_str_equal (g->nodes[i].layer.name, name))
      return g->nodes[i].id;
  g_assert_not_reached ();
}

/* An edit the spec shows: a dropout after the output. */
static void
edit_network (BpBuilder *b)
{
  g_autoptr (GError) error = NULL;
  int drop = bp_builder_add_block (b, BP_LAYER_DROPOUT, 600, 500);

  g_assert_true (bp_builder_connect (b, id_of (b, "output"), drop, 0, &error));
  g_assert_no_error (error);
  g_assert_true (bp_builder_get_modified (b));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = bp_window_new (NULL);
  g_object_ref_sink (f->window);
  f->builder = BP_BUILDER (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                          BP_TYPE_WINDOW, "builder"));
  f->dir = g_dir_make_tmp ("bp-files-XXXXXX", NULL);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, f->window, 10));
  g_assert_false (bp_builder_get_modified (f->builder));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* A copy of an example in the scratch directory (so that saving over it is harmless). */
static char *
copy_example (Fixture *f, const char *name)
{
  g_autofree char *src = example_path (name);
  g_autofree char *text = NULL;
  gsize len;
  char *dst = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (dst, text, (gssize) len, NULL));
  return dst;
}

static void
open_path (Fixture *f, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  bp_window_open_file (f->window, file);
}

/* ---- tests ---- */

typedef struct {
  char *spec;
  char *page;
  gboolean ran;
} AppCheck;

static void
on_app_activate_check (GApplication *app, AppCheck *check)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  BpBuilder *builder;

  g_assert_nonnull (window);
  builder = BP_BUILDER (gtk_widget_get_template_child (GTK_WIDGET (window), BP_TYPE_WINDOW,
                                                       "builder"));
  check->spec = bp_builder_get_spec_json (builder);
  check->page = g_strdup (bp_window_get_page (BP_WINDOW (window)));
  check->ran = TRUE;
  gtk_window_destroy (window);
}

static gboolean
check_later (gpointer app)
{
  on_app_activate_check (app, g_object_get_data (app, "check"));
  return G_SOURCE_REMOVE;
}

static void
on_app_open (GApplication *app, gpointer files, int n_files, const char *hint, gpointer data)
{
  /* After the application's own handler (connected after): the window exists and has the
   * file; look once the main loop runs. */
  g_idle_add (check_later, app);
}

static void
test_app_open (void)
{
  g_autofree char *path = example_path ("iris-mlp.json");
  g_autofree char *want = spec_of_file (path);
  g_autoptr (BpApplication) app = bp_application_new ();
  AppCheck check = { 0 };
  /* --page keeps the run a process of its own (no session bus needed). */
  char *argv[] = { "backprop", "--page", "playground", path, NULL };
  GLogLevelFlags old_fatal;
  int status;

  g_object_set_data (G_OBJECT (app), "check", &check);
  g_signal_connect_after (app, "open", G_CALLBACK (on_app_open), NULL);
  /* The application loads app/resources/gtk/help-overlay.ui, which warns on GTK 4.8
   * ("gesture-tap"): keep criticals fatal, let that warning pass. */
  old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  status = g_application_run (G_APPLICATION (app), 4, argv);
  g_log_set_always_fatal (old_fatal);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (check.ran);
  /* Opening a file shows the builder, with the file's network. */
  g_assert_cmpstr (check.page, ==, "builder");
  g_assert_cmpstr (check.spec, ==, want);
  g_free (check.spec);
  g_free (check.page);
}

static void
test_damaged (Fixture *f, gconstpointer data)
{
  g_autofree char *good = example_path ("iris-mlp.json");
  g_autofree char *want = spec_of_file (good);
  g_autofree char *bad = g_build_filename (f->dir, "broken.json", NULL);
  g_autofree char *before = NULL, *after = NULL, *text = NULL;
  gsize len;

  open_path (f, good);
  g_assert_null (bp_window_get_prompt (f->window));
  g_assert_cmpstr (bp_window_get_page (f->window), ==, "builder");
  before = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (before, ==, want);

  /* The example cut off half way. */
  g_assert_true (g_file_get_contents (good, &text, &len, NULL));
  g_assert_true (g_file_set_contents (bad, text, (gssize) (len / 2), NULL));
  open_path (f, bad);
  after = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (bp_builder_get_path (f->builder), ==, good);
  /* The error is shown, in words, with the file's name. */
  g_assert_nonnull (bp_window_get_last_message (f->window));
  g_assert_nonnull (strstr (bp_window_get_last_message (f->window), "broken.json"));
  g_assert_true (g_str_has_prefix (bp_window_get_last_message (f->window), "Could not open"));
}

/* The error dialog whose heading is `heading`, or NULL. */
static AdwMessageDialog *
find_error_dialog (const char *heading)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (tops, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w))
          && g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) == 0)
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* Every damaged file of the engine's corpus (tests/engine/experiments: truncated, wrong header
 * lengths, bad JSON, wrong tensor sizes, NaN weights ...), opened in the window as a person
 * would (Open, a drop, `backprop FILE` all come here), is refused with a dialog naming the
 * file and the problem in words, and leaves the work as it was. */
static void
test_damaged_corpus (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "engine", "experiments", NULL);
  g_autofree char *good = copy_example (f, "iris-mlp.json");
  g_autofree char *before = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  int n_bad = 0;

  g_assert_nonnull (d);
  open_path (f, good);
  edit_network (f->builder);
  before = bp_builder_get_spec_json (f->builder);
  /* Save the edit first, so that no question comes between. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.save", NULL));
  g_assert_false (bp_builder_get_modified (f->builder));
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *heading = g_strdup_printf ("Could not open “%s”", name);
      g_autofree char *now = NULL;
      const char *msg;
      AdwMessageDialog *dialog;

      if (g_str_has_prefix (name, "good")
          || !(g_str_has_suffix (name, ".bpx") || g_str_has_suffix (name, ".json")))
        continue;
      n_bad++;
      open_path (f, path);
      g_assert_null (bp_window_get_prompt (f->window));
      dialog = find_error_dialog (heading);
      if (dialog == NULL)
        g_error ("%s: no error dialog (last message: %s)", name,
                 bp_window_get_last_message (f->window));
      msg = bp_window_get_last_message (f->window);
      /* "Could not open “x.bpx”: the problem", the path not repeated before the problem. */
      g_assert_true (g_str_has_prefix (msg, heading));
      g_assert_cmpuint (strlen (msg), >, strlen (heading) + 10);
      g_assert_null (strstr (msg + strlen (heading), path));
      g_test_message ("%s", msg);
      adw_message_dialog_response (dialog, "close");
      now = bp_builder_get_spec_json (f->builder);
      g_assert_cmpstr (now, ==, before);
      g_assert_cmpstr (bp_builder_get_path (f->builder), ==, good);
      g_assert_false (bp_builder_get_modified (f->builder));
    }
  g_assert_cmpint (n_bad, >=, 40);
}

static void
test_save_action (Fixture *f, gconstpointer data)
{
  g_autofree char *path = copy_example (f, "iris-mlp.json");
  g_autofree char *original = spec_of_file (path);
  g_autofree char *edited = NULL, *reopened = NULL;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Backprop");
  open_path (f, path);
  g_assert_cmpstr (bp_builder_get_path (f->builder), ==, path);
  /* The title names the file, with a dot while there is something to save. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==,
                   "iris-mlp.json — Backprop");
  edit_network (f->builder);
  edited = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (edited, !=, original);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==,
                   "• iris-mlp.json — Backprop");

  /* Ctrl+S: the file has a name, so it is written without asking. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.save", NULL));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==,
                   "iris-mlp.json — Backprop");
  reopened = spec_of_file (path);
  g_assert_cmpstr (reopened, ==, edited);
  g_assert_nonnull (strstr (bp_window_get_last_message (f->window), "Saved"));
}

/* Ctrl+S on the playground saves the builder's experiment (the playground has no file), and
 * the toast says so: it must not read as if the playground the user edited was saved. */
static void
test_save_from_playground (Fixture *f, gconstpointer data)
{
  g_autofree char *path = copy_example (f, "iris-mlp.json");
  g_autofree char *edited = NULL, *reopened = NULL;
  const char *msg;

  open_path (f, path);
  edit_network (f->builder);
  edited = bp_builder_get_spec_json (f->builder);
  g_assert_true (bp_window_set_page (f->window, "playground", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.save", NULL));
  reopened = spec_of_file (path);
  g_assert_cmpstr (reopened, ==, edited);
  msg = bp_window_get_last_message (f->window);
  g_assert_nonnull (strstr (msg, "Builder"));
  g_assert_nonnull (strstr (msg, "iris-mlp.json"));
  g_assert_nonnull (strstr (msg, "not saved"));

  /* On the builder, the plain message. */
  g_assert_true (bp_window_set_page (f->window, "builder", NULL));
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_true (bp_builder_get_modified (f->builder));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.save", NULL));
  g_assert_cmpstr (bp_window_get_last_message (f->window), ==, "Saved “iris-mlp.json”");
}

static gboolean
has_prompt (gpointer window)
{
  AdwMessageDialog *prompt = bp_window_get_prompt (window);

  return prompt != NULL && gtk_widget_get_mapped (GTK_WIDGET (prompt));
}

static void
test_prompt_on_open (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = copy_example (f, "iris-mlp.json");
  g_autofree char *other = example_path ("playground-spiral.json");
  g_autofree char *want_other = spec_of_file (other);
  g_autofree char *edited = NULL, *now = NULL, *saved = NULL;

  open_path (f, iris);
  edit_network (f->builder);
  edited = bp_builder_get_spec_json (f->builder);

  /* Cancel: nothing opens, the edit stays. */
  open_path (f, other);
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "cancel");
  g_assert_null (bp_window_get_prompt (f->window));
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, edited);
  g_clear_pointer (&now, g_free);

  /* Save: the edit is written to the open file, then the other one opens. */
  open_path (f, other);
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "save");
  saved = spec_of_file (iris);
  g_assert_cmpstr (saved, ==, edited);
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, want_other);
  g_clear_pointer (&now, g_free);

  /* Discard: the other file opens and the edit is gone. */
  edit_network (f->builder);
  open_path (f, iris);
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "discard");
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, edited);
  g_assert_false (bp_builder_get_modified (f->builder));
}

static gboolean
is_hidden (gpointer widget)
{
  return !gtk_widget_get_visible (widget);
}

static void
test_prompt_on_close (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = example_path ("iris-mlp.json");

  /* Changed: closing asks, and Cancel keeps the window. */
  open_path (f, iris);
  edit_network (f->builder);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));

  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "discard");
  /* A window without an application is only hidden when it closes. */
  g_assert_true (ui_test_wait (is_hidden, f->window, 10));
}

static gboolean
builder_stepped (gpointer builder)
{
  bp_session *s = bp_builder_get_session (builder);

  return s != NULL && bp_session_get_step (s) >= 1
         && bp_session_get_state (s) == BP_SESSION_PAUSED;
}

static gboolean
builder_finished (gpointer builder)
{
  bp_session *s = bp_builder_get_session (builder);

  return s != NULL && bp_session_get_state (s) == BP_SESSION_FINISHED;
}

/* A run in progress (here the builder's, paused after a step) makes closing ask "Stop Training
 * and Quit?" with Cancel / Quit; with unsaved changes too, the same question also offers Save
 * and Quit. A finished run does not ask. */
static void
test_prompt_on_close_with_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *prompt;

  /* Every run counts here, however short (the window's own rule is 5 s of training). */
  bp_window_set_live_run_seconds (f->window, 0);
  g_assert_true (bp_window_set_page (f->window, "builder", NULL));
  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_true (bp_builder_step (f->builder, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (builder_stepped, f->builder, 20));

  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  prompt = bp_window_get_prompt (f->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (prompt), ==, "Stop Training and Quit?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (prompt), "Builder’s run (paused"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (prompt, "discard"), ==, "_Quit");
  g_assert_false (adw_message_dialog_has_response (prompt, "save"));
  adw_message_dialog_response (prompt, "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_cmpint (bp_session_get_state (bp_builder_get_session (f->builder)), ==,
                   BP_SESSION_PAUSED);

  /* An unsaved edit as well: one question for both. */
  edit_network (f->builder);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  prompt = bp_window_get_prompt (f->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (prompt), ==, "Stop Training and Quit?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (prompt), "not saved"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (prompt, "discard"), ==,
                   "_Quit Without Saving");
  g_assert_true (adw_message_dialog_has_response (prompt, "save"));
  adw_message_dialog_response (prompt, "cancel");
  /* Both steps of the edit (wire, then the dropped block: unwired, it is unsaved work too). */
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_true (bp_builder_undo (f->builder));
  g_assert_false (bp_builder_get_modified (f->builder));

  /* Finished: nothing left to lose, closing does not ask. */
  bp_builder_stop (f->builder);
  g_assert_true (ui_test_wait (builder_finished, f->builder, 10));
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_null (bp_window_get_prompt (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
}

static gboolean
session_stepped (gpointer session)
{
  return bp_session_get_step (session) >= 1 && bp_session_get_state (session) == BP_SESSION_PAUSED;
}

/* The dashboard's own run, paused half way, asks as well, naming it; Quit closes. */
static void
test_prompt_on_close_with_dashboard_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  BpDashboard *dash = BP_DASHBOARD (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                                   BP_TYPE_WINDOW, "dashboard"));
  g_autoptr (BpDataSource) src = bp_data_source_load ("iris", &error);
  bp_session *session;
  AdwMessageDialog *prompt;

  g_assert_no_error (error);
  bp_window_set_live_run_seconds (f->window, 0);
  bp_dashboard_set_source (dash, src);
  g_assert_true (bp_dashboard_new_run (dash, FALSE, &error));
  session = bp_dashboard_training_get_session (bp_dashboard_get_training (dash));
  g_assert_nonnull (session);
  bp_session_step (session, 3);
  g_assert_true (ui_test_wait (session_stepped, session, 20));

  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  prompt = bp_window_get_prompt (f->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (prompt), ==, "Stop Training and Quit?");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (prompt),
                                   "The Dashboard’s run (paused at epoch 1"));
  adw_message_dialog_response (prompt, "discard");
  g_assert_true (ui_test_wait (is_hidden, f->window, 10));
}

/* With the window's own rule (5 s of training), a run of one step is not worth a question. */
static void
test_no_prompt_for_short_run (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (bp_window_set_page (f->window, "builder", NULL));
  g_assert_true (bp_builder_load_template (f->builder, "iris-mlp", &error));
  g_assert_true (bp_builder_step (f->builder, &error));
  g_assert_true (ui_test_wait (builder_stepped, f->builder, 20));
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_null (bp_window_get_prompt (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
}

static gboolean
playground_stepped (gpointer playground)
{
  return bp_playground_get_step (playground) >= 20;
}

/* The playground's toy runs never ask: they run from the moment the window opens. */
static void
test_no_prompt_for_playground_run (Fixture *f, gconstpointer data)
{
  BpPlayground *pg = bp_window_get_playground (f->window);

  bp_window_set_live_run_seconds (f->window, 0);
  bp_playground_set_running (pg, TRUE);
  g_assert_true (ui_test_wait (playground_stepped, pg, 20));
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_null (bp_window_get_prompt (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
}

/* An edit of the dataset alone is an unsaved change: closing asks. Starting from a template
 * asks too, and Discard gives the template (as a new, unnamed network). */
static void
test_prompt_on_settings_and_template (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = copy_example (f, "iris-mlp.json");
  g_autofree char *spiral = example_path ("playground-spiral.json");
  g_autofree char *want_spiral = spec_of_file (spiral);
  g_autofree char *iris_spec = NULL, *now = NULL;
  GtkWidget *source;
  guint wine = G_MAXUINT;
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  g_autoptr (GError) error = NULL;
  bp_experiment *exp;

  open_path (f, iris);
  iris_spec = bp_builder_get_spec_json (f->builder);
  g_assert_false (bp_builder_get_modified (f->builder));
  for (size_t i = 0; i < n; i++)
    if (g_str_equal (list[i].name, "wine"))
      wine = (guint) i;
  source = ui_test_find_row (GTK_WIDGET (bp_builder_get_settings (f->builder)), "Source");
  g_assert_nonnull (source);
  adw_combo_row_set_selected (ADW_COMBO_ROW (source), wine);
  g_assert_true (bp_builder_get_modified (f->builder));

  /* Close: the question; Cancel keeps the window and the edit. */
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  g_assert_true (bp_builder_get_modified (f->builder));

  /* A template, as the builder's Network menu asks for one: the question first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.template", "s",
                                             "playground-spiral"));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "cancel");
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, iris_spec);
  g_clear_pointer (&now, g_free);
  exp = bp_builder_get_experiment (f->builder, &error);
  g_assert_cmpstr (exp->data.source, ==, "wine");
  bp_experiment_free (exp);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->builder), "builder.template", "s",
                                             "playground-spiral"));
  g_assert_true (ui_test_wait (has_prompt, f->window, 10));
  adw_message_dialog_response (bp_window_get_prompt (f->window), "discard");
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, want_spiral);
  g_assert_false (bp_builder_get_modified (f->builder));
  g_assert_null (bp_builder_get_path (f->builder));
  exp = bp_builder_get_experiment (f->builder, &error);
  g_assert_cmpstr (exp->data.source, ==, "spiral");
  bp_experiment_free (exp);
}

static void
test_no_prompt_when_saved (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = example_path ("iris-mlp.json");
  g_autofree char *other = example_path ("playground-spiral.json");
  g_autofree char *want = spec_of_file (other);
  g_autofree char *now = NULL;

  open_path (f, iris);
  open_path (f, other);
  g_assert_null (bp_window_get_prompt (f->window));
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, want);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_null (bp_window_get_prompt (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->window)));
}

static gboolean
recent_lists_ours (gpointer window)
{
  GMenuModel *menu = G_MENU_MODEL (gtk_widget_get_template_child (window, BP_TYPE_WINDOW,
                                                                  "recent_menu"));

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label)
          && g_str_equal (label, "only-here.json"))
        return TRUE;
    }
  return FALSE;
}

/* Opened files are listed under Open Recent (the list is the test's own: XDG_DATA_HOME). */
static void
test_recent (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = copy_example (f, "iris-mlp.json");
  g_autofree char *ours = g_build_filename (f->dir, "only-here.json", NULL);

  /* A name no other test opens. */
  g_assert_cmpint (g_rename (iris, ours), ==, 0);
  g_assert_false (recent_lists_ours (f->window));
  open_path (f, ours);
  g_assert_true (ui_test_wait (recent_lists_ours, f->window, 10));
}

/* A file dropped on the window: an experiment opens in the builder. */
static void
test_drop (Fixture *f, gconstpointer data)
{
  g_autofree char *iris = example_path ("iris-mlp.json");
  g_autofree char *want = spec_of_file (iris);
  g_autofree char *now = NULL;
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  g_autoptr (GFile) file = g_file_new_for_path (iris);
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean taken = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &taken);
  g_value_unset (&value);
  g_assert_true (taken);
  g_assert_cmpstr (bp_window_get_page (f->window), ==, "builder");
  now = bp_builder_get_spec_json (f->builder);
  g_assert_cmpstr (now, ==, want);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("bp-files-data-XXXXXX", NULL);
  int status;

  /* Recent files go to a scratch place, not the user's list. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

#define ADD(path, fn) g_test_add ("/files/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("damaged", test_damaged);
  ADD ("damaged-corpus", test_damaged_corpus);
  ADD ("prompt-on-settings-and-template", test_prompt_on_settings_and_template);
  ADD ("save-action", test_save_action);
  ADD ("save-from-playground", test_save_from_playground);
  ADD ("prompt-on-open", test_prompt_on_open);
  ADD ("prompt-on-close", test_prompt_on_close);
  ADD ("prompt-on-close-with-run", test_prompt_on_close_with_run);
  ADD ("prompt-on-close-with-dashboard-run", test_prompt_on_close_with_dashboard_run);
  ADD ("no-prompt-for-short-run", test_no_prompt_for_short_run);
  ADD ("no-prompt-for-playground-run", test_no_prompt_for_playground_run);
  ADD ("no-prompt-when-saved", test_no_prompt_when_saved);
  ADD ("drop", test_drop);
  ADD ("recent", test_recent);
#undef ADD
  g_test_add_func ("/files/app-open", test_app_open);
  status = g_test_run ();
  {
    g_autofree char *xbel = g_build_filename (data_home, "recently-used.xbel", NULL);

    g_unlink (xbel);
    g_rmdir (data_home);
  }
  return status;
}
