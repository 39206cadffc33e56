/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's files and data: templates (data/examples/ compiled into the resources),
 * experiments opened and saved through engine/experiment.h, and the dataset, loaded on a worker
 * thread whenever its settings change so the page can say what it holds and train on it. */
#include "bp-config.h"

#include "bp-builder-private.h"

#include <math.h>

#define TEMPLATE_DIR BP_RESOURCE_PREFIX "/templates/"

/* ---- experiments ---- */

static void
set_saved (BpBuilder *self, const char *path)
{
  if (path != NULL)
    {
      /* path may be self->path itself (Save): copy before letting go. */
      char *copy = g_strdup (path);

      g_free (self->path);
      self->path = copy;
    }
  _bp_builder_set_saved (self);
}

void
bp_builder_set_experiment (BpBuilder *self, const bp_experiment *exp)
{
  char err[512];
  bp_graph *g;
  bp_experiment *copy;

  g_return_if_fail (BP_IS_BUILDER (self));
  g_return_if_fail (exp != NULL);

  if ((g = bp_graph_from_spec (exp->spec, err, sizeof err)) == NULL)
    {
      _bp_builder_message (self, err);
      return;
    }
  if ((copy = bp_experiment_copy (exp)) == NULL)
    {
      bp_graph_free (g);
      _bp_builder_message (self, "Out of memory");
      return;
    }
  _bp_builder_free_session (self);
  _bp_builder_clear_run (self);
  bp_experiment_free (self->exp);
  self->exp = copy;
  _bp_builder_replace_graph (self, g, "open");
  /* The data loads when the page shows (Fashion-MNIST takes a moment); until then the old
   * one stays, and its key tells it apart. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    _bp_builder_load_data (self);
}

bp_experiment *
bp_builder_get_experiment (BpBuilder *self, GError **error)
{
  bp_experiment *exp;
  bp_spec *spec;

  g_return_val_if_fail (BP_IS_BUILDER (self), NULL);
  if (self->report->spec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", self->report->message);
      return NULL;
    }
  if ((exp = bp_experiment_copy (self->exp)) == NULL
      || (spec = bp_spec_copy (self->report->spec)) == NULL)
    {
      bp_experiment_free (exp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "out of memory");
      return NULL;
    }
  bp_spec_free (exp->spec);
  exp->spec = spec;
  /* Weights belong to the network they were read with. */
  bp_experiment_clear_weights (exp);
  return exp;
}

char **
bp_builder_list_templates (void)
{
  g_auto (GStrv) names = g_resources_enumerate_children (TEMPLATE_DIR, 0, NULL);
  GPtrArray *out = g_ptr_array_new ();

  for (int i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".json"))
      g_ptr_array_add (out, g_strndup (names[i], strlen (names[i]) - 5));
  g_ptr_array_sort (out, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static bp_experiment *
parse_template (const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (TEMPLATE_DIR, name, ".json", NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, error);
  bp_experiment *exp;
  gsize len;
  const void *data;
  char err[512];

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  exp = bp_experiment_parse (data, len, name, NULL, err, sizeof err);
  if (exp == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", err);
  return exp;
}

gboolean
bp_builder_load_template (BpBuilder *self, const char *name, GError **error)
{
  bp_experiment *exp;

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  if ((exp = parse_template (name, error)) == NULL)
    return FALSE;
  bp_builder_set_experiment (self, exp);
  bp_experiment_free (exp);
  g_clear_pointer (&self->path, g_free);
  set_saved (self, NULL);
  return TRUE;
}

void
_bp_builder_setup_templates (BpBuilder *self)
{
  g_auto (GStrv) names = bp_builder_list_templates ();
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) templates = g_menu_new ();
  g_autoptr (GMenu) files = g_menu_new ();

  for (int i = 0; names[i] != NULL; i++)
    {
      bp_experiment *exp = parse_template (names[i], NULL);
      g_autoptr (GMenuItem) item = g_menu_item_new (exp != NULL && exp->title != NULL
                                                      ? exp->title : names[i], NULL);
      g_menu_item_set_action_and_target (item, "builder.template", "s", names[i]);
      g_menu_append_item (templates, item);
      bp_experiment_free (exp);
    }
  g_menu_append (files, "_Open Experiment…", "builder.open");
  g_menu_append (files, "_Save Experiment", "builder.save");
  g_menu_append (files, "Save Experiment _As…", "builder.save-as");
  g_menu_append_section (menu, "Start from a template", G_MENU_MODEL (templates));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (files));
  gtk_menu_button_set_menu_model (self->templates_button, G_MENU_MODEL (menu));
}

gboolean
bp_builder_open_file (BpBuilder *self, const char *path, GError **error)
{
  char err[1024];
  bp_experiment *exp;

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  if ((exp = bp_experiment_load (path, err, sizeof err)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", err);
      return FALSE;
    }
  bp_builder_set_experiment (self, exp);
  bp_experiment_free (exp);
  set_saved (self, path);
  return TRUE;
}

typedef struct {
  bp_experiment *exp;
  char err[512];
} TakeWeights;

static int
take_weights (bp_net *net, void *user)
{
  TakeWeights *t = user;

  return bp_experiment_take_weights (t->exp, net, t->err, sizeof t->err);
}

gboolean
bp_builder_save_file (BpBuilder *self, const char *path, GError **error)
{
  g_autofree char *spec = NULL;
  bp_experiment *exp;
  char err[1024];
  int n_unwired;

  g_return_val_if_fail (BP_IS_BUILDER (self), FALSE);
  if ((exp = bp_builder_get_experiment (self, error)) == NULL)
    return FALSE;
  /* The last run's weights go with it when it trained this very network. */
  spec = bp_builder_get_spec_json (self);
  if (!g_str_has_suffix (path, ".json") && self->session != NULL
      && g_strcmp0 (spec, self->session_spec) == 0)
    {
      TakeWeights t = { exp, "" };
      if (bp_session_with_net (self->session, take_weights, &t) < 0)
        _bp_builder_message (self, t.err);
    }
  if (bp_experiment_save (exp, path, err, sizeof err) < 0)
    {
      bp_experiment_free (exp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err);
      return FALSE;
    }
  bp_experiment_free (exp);
  set_saved (self, path);
  if ((n_unwired = _bp_builder_n_unsaved_blocks (self)) > 0)
    {
      /* The file holds the network only: say what it left out (the page stays modified). */
      g_autofree char *msg = g_strdup_printf (
        n_unwired == 1 ? "Saved without %d block not wired to the input"
                       : "Saved without %d blocks not wired to the input", n_unwired);
      _bp_builder_message (self, msg);
    }
  return TRUE;
}

/* ---- dialogs ---- */

static GtkWindow *
parent_window (BpBuilder *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
on_open_response (GtkNativeDialog *dialog, int response, BpBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !bp_builder_open_file (self, path, &error))
        _bp_builder_message (self, error->message);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static GtkFileFilter *
experiment_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();

  gtk_file_filter_set_name (f, "Experiments (.bpx, .json)");
  gtk_file_filter_add_pattern (f, "*.bpx");
  gtk_file_filter_add_pattern (f, "*.json");
  gtk_file_filter_add_pattern (f, "*.safetensors");
  return f;
}

void
_bp_builder_open_dialog (BpBuilder *self)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open Experiment", parent_window (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  g_autoptr (GtkFileFilter) filter = experiment_filter ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save_response (GtkNativeDialog *dialog, int response, BpBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !bp_builder_save_file (self, path, &error))
        _bp_builder_message (self, error->message);
      else if (path != NULL)
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf ("Saved %s", base);
          _bp_builder_message (self, msg);
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

void
_bp_builder_save_dialog (BpBuilder *self, gboolean save_as)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GError) error = NULL;

  if (!save_as && self->path != NULL)
    {
      if (!bp_builder_save_file (self, self->path, &error))
        _bp_builder_message (self, error->message);
      return;
    }
  dialog = gtk_file_chooser_native_new ("Save Experiment", parent_window (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "network.bpx");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_data_response (GtkNativeDialog *dialog, int response, BpBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          free (self->exp->data.source);
          self->exp->data.source = strdup (path);
          g_clear_pointer (&self->exp->data.label, free);
          g_clear_pointer (&self->exp->data.idx_labels, free);
          /* Feature maps are for the built-in 2-D sets. */
          self->exp->data.features = 0;
          _bp_builder_settings_edited (self, NULL, TRUE);
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

void
_bp_builder_open_data_dialog (BpBuilder *self)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open a Dataset", parent_window (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "CSV and IDX files (also gzip)");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.csv.gz");
  gtk_file_filter_add_pattern (filter, "*.tsv");
  gtk_file_filter_add_pattern (filter, "*ubyte*");
  gtk_file_filter_add_pattern (filter, "*.idx*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_data_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
