/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-data-explorer-private.h"

#include "data/builtin.h"

#include <math.h>

#define DEFAULT_SOURCE "iris"

enum { TRAIN, LOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpDataExplorer, bp_data_explorer, GTK_TYPE_WIDGET)

/* The built-ins offered, in the order of data/builtin.h, without the test half of
 * Fashion-MNIST (its rows come with "fashion-mnist") and without it when not installed. */
static GStrv
builtin_names (void)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  size_t n;
  const bp_builtin_info *list = bp_builtin_list (&n);
  gboolean fashion = g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz",
                                  G_FILE_TEST_EXISTS);

  for (size_t i = 0; i < n; i++)
    {
      if (g_str_has_prefix (list[i].name, "fashion-mnist")
          && (!fashion || strcmp (list[i].name, "fashion-mnist") != 0))
        continue;
      g_strv_builder_add (b, list[i].name);
    }
  return g_strv_builder_end (b);
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *c;

  while ((c = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, c);
}

static GtkWidget *
small_label (const char *text, float xalign)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (l, "caption");
  if (xalign > 0.5f)
    gtk_widget_add_css_class (l, "numeric");
  return l;
}

/* name | bar | count (share) */
static void
bar_row (GtkGrid *grid, int row, const char *name, gsize count, gsize total, gsize top)
{
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (top, 1));
  g_autofree char *text = g_strdup_printf ("%'zu (%.1f %%)", count,
                                           total > 0 ? 100.0 * count / total : 0);

  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), (double) count);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 60, -1);
  gtk_grid_attach (grid, small_label (name, 0), 0, row, 1, 1);
  gtk_grid_attach (grid, bar, 1, row, 1, 1);
  gtk_grid_attach (grid, small_label (text, 1), 2, row, 1, 1);
}

static void
fill_side (BpDataExplorer *self)
{
  const BpDataSource *src = self->src;
  const bp_dataset *ds = src->ds;
  const bp_split *sp = &src->split;
  g_autoptr (GString) info = g_string_new (NULL);
  g_autoptr (GString) cols = g_string_new (NULL);
  g_autoptr (GString) note = g_string_new (src->note);
  g_autofree char *name = g_markup_escape_text (ds->name, -1);
  g_autofree char *where = g_markup_escape_text (ds->source != NULL ? ds->source : "", -1);

  g_string_append_printf (info, "<b>%s</b>\n<small>%s</small>\n%'zu rows · %d features · ",
                          name, where, ds->n_rows, ds->n_features);
  if (ds->task == BP_TASK_CLASSIFICATION)
    g_string_append_printf (info, "%d classes", ds->n_classes);
  else
    g_string_append_printf (info, "regression, %d target%s", ds->n_targets,
                            ds->n_targets == 1 ? "" : "s");
  gtk_label_set_markup (self->info_label, info->str);

  /* Column types. */
  if (ds->image_width > 0)
    g_string_append_printf (cols, "%d × %d × %d image pixels, bytes shown as 0 … 1",
                            ds->image_channels, ds->image_height, ds->image_width);
  else
    {
      g_string_append_printf (cols, "%d number column%s: ", ds->n_features,
                              ds->n_features == 1 ? "" : "s");
      for (int j = 0; j < MIN (ds->n_features, 12); j++)
        {
          g_autofree char *f = g_markup_escape_text (ds->feature_names[j], -1);

          g_string_append_printf (cols, "%s%s", j ? ", " : "", f);
        }
      if (ds->n_features > 12)
        g_string_append_printf (cols, " and %d more", ds->n_features - 12);
    }
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      g_string_append_printf (cols, "\nlabel: a class, one of %d: ", ds->n_classes);
      for (int c = 0; c < MIN (ds->n_classes, 10); c++)
        {
          g_autofree char *cn = g_markup_escape_text (ds->class_names[c], -1);

          g_string_append_printf (cols, "%s%s", c ? ", " : "", cn);
        }
      if (ds->n_classes > 10)
        g_string_append (cols, " …");
    }
  else
    for (int t = 0; t < ds->n_targets; t++)
      {
        g_autofree char *tn = g_markup_escape_text (ds->target_names[t], -1);

        g_string_append_printf (cols, "\ntarget: %s, a number", tn);
      }
  if (src->is_csv)
    {
      g_string_append_printf (cols, "\nCSV: '%c' between fields, %s, the label in column %d; "
                              "the table's <i>line</i> is the row's line in the file",
                              src->csv_info.delimiter == '\t' ? 't' : src->csv_info.delimiter,
                              src->csv_info.had_header ? "a header row" : "no header row",
                              src->csv_info.label_column + 1);
      if (src->csv_info.rows_dropped > 0)
        {
          char words[512];

          /* The same words and line numbers as backprop-train --drop-bad-rows prints. */
          bp_csv_drop_summary (&src->csv_info, words, sizeof words);
          g_string_append_printf (note, "\n%s\n(backprop-train stops at such a row unless "
                                  "given --drop-bad-rows)", words);
        }
    }
  gtk_label_set_markup (self->columns_label, cols->str);
  gtk_label_set_text (self->note_label, note->str);
  gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "error");
  if (src->is_csv && src->csv_info.rows_dropped > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "warning");

  clear_grid (self->split_grid);
  bar_row (self->split_grid, 0, "training", sp->n_train, ds->n_rows, ds->n_rows);
  bar_row (self->split_grid, 1, "validation", sp->n_val, ds->n_rows, ds->n_rows);
  bar_row (self->split_grid, 2, "test", sp->n_test, ds->n_rows, ds->n_rows);

  clear_grid (self->balance_grid);
  gtk_widget_set_visible (GTK_WIDGET (self->balance_title), ds->task == BP_TASK_CLASSIFICATION);
  if (ds->task == BP_TASK_CLASSIFICATION)
    {
      gsize top = 0;

      for (int c = 0; c < ds->n_classes; c++)
        top = MAX (top, self->class_n[c]);
      for (int c = 0; c < ds->n_classes; c++)
        bar_row (self->balance_grid, c, ds->class_names[c], self->class_n[c], ds->n_rows, top);
    }
}

/* The drop-down shows what is loaded: its built-in name, or the file's, as a last entry. */
static void
show_source_name (BpDataExplorer *self)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (self->source_drop));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autofree char *base = NULL;

  self->updating_drops = TRUE;
  for (guint i = 0; i < n; i++)
    if (strcmp (gtk_string_list_get_string (list, i), self->src->source) == 0)
      {
        gtk_drop_down_set_selected (self->source_drop, i);
        self->updating_drops = FALSE;
        return;
      }
  /* A file: one entry for the file in view, replacing the previous file's. */
  base = g_path_get_basename (self->src->source);
  if (self->file_item)
    gtk_string_list_splice (list, n - 1, 1, (const char *const[]) { base, NULL });
  else
    gtk_string_list_append (list, base);
  self->file_item = TRUE;
  gtk_drop_down_set_selected (self->source_drop, g_list_model_get_n_items (G_LIST_MODEL (list)) - 1);
  self->updating_drops = FALSE;
}

/* Which part of the split each row is in, and the rows of each class. */
static void
index_rows (BpDataExplorer *self)
{
  const bp_dataset *ds = self->src->ds;
  const bp_split *sp = &self->src->split;
  int k = ds->task == BP_TASK_CLASSIFICATION ? ds->n_classes : 0;

  self->split_of = g_new0 (guint8, ds->n_rows);
  for (guint32 i = 0; i < sp->n_val; i++)
    self->split_of[sp->val[i]] = 1;
  for (guint32 i = 0; i < sp->n_test; i++)
    self->split_of[sp->test[i]] = 2;
  self->class_n = g_new0 (gsize, MAX (k, 1));
  self->class_rows = g_new0 (guint32 *, MAX (k, 1));
  for (gsize i = 0; i < ds->n_rows && k > 0; i++)
    if (ds->labels[i] >= 0 && ds->labels[i] < k)
      self->class_n[ds->labels[i]]++;
  for (int c = 0; c < k; c++)
    {
      self->class_rows[c] = g_new (guint32, MAX (self->class_n[c], 1));
      self->class_n[c] = 0;
    }
  for (gsize i = 0; i < ds->n_rows && k > 0; i++)
    if (ds->labels[i] >= 0 && ds->labels[i] < k)
      self->class_rows[ds->labels[i]][self->class_n[ds->labels[i]]++] = (guint32) i;
}

static void
drop_indexes (BpDataExplorer *self)
{
  if (self->class_rows != NULL)
    for (int c = 0; c < MAX (self->src->ds->n_classes, 1); c++)
      g_free (self->class_rows[c]);
  g_clear_pointer (&self->class_rows, g_free);
  g_clear_pointer (&self->class_n, g_free);
  g_clear_pointer (&self->split_of, g_free);
}

void
bp_data_explorer_set_source (BpDataExplorer *self, BpDataSource *src)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER (self));
  g_return_if_fail (src != NULL);

  _bp_data_explorer_plots_clear (self);
  if (self->src != NULL)
    drop_indexes (self);
  g_clear_pointer (&self->src, bp_data_source_unref);
  g_clear_pointer (&self->error, g_free);
  self->src = bp_data_source_ref (src);
  index_rows (self);
  fill_side (self);
  _bp_data_explorer_table_fill (self);
  _bp_data_explorer_plots_fill (self);
  gtk_stack_page_set_visible (self->images_page, src->ds->image_width > 0
                                                   && src->ds->task == BP_TASK_CLASSIFICATION);
  bp_data_explorer_images_set_dataset (self->images, src->ds, src->split.train, src->split.n_train,
                                       12);
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_button), TRUE);
  show_source_name (self);
  g_signal_emit (self, signals[LOADED], 0);
}

/* ---- loading ---- */

typedef struct {
  BpDataExplorer *self;
  GCallback done;
  gpointer user_data;
} Load;

static void
show_error (BpDataExplorer *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->note_label, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "error");
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *l = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load_finish (result, &error);

  if (src == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (l);
      return;
    }
  if (src != NULL)
    bp_data_explorer_set_source (l->self, src);
  else
    show_error (l->self, error->message);
  if (l->done != NULL)
    ((void (*) (BpDataExplorer *, gpointer)) l->done) (l->self, l->user_data);
  g_free (l);
}

void
bp_data_explorer_load (BpDataExplorer *self, const char *source, GCallback done,
                       gpointer user_data)
{
  Load *l;

  g_return_if_fail (BP_IS_DATA_EXPLORER (self));
  g_return_if_fail (source != NULL);

  l = g_new0 (Load, 1);
  l->self = self; /* not a reference: dispose and every new load cancel this one */
  l->done = done;
  l->user_data = user_data;
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_label_set_text (self->note_label, "Loading…");
  gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "error");
  bp_data_source_load_async (source, self->cancellable, on_loaded, l);
}

void
bp_data_explorer_open_file (BpDataExplorer *self, GFile *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BP_IS_DATA_EXPLORER (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, "Only local files can be opened");
      return;
    }
  /* A path never names a built-in: ./iris is the file, iris the table. */
  if (!g_path_is_absolute (path))
    {
      g_autofree char *rel = g_strconcat ("./", path, NULL);

      bp_data_explorer_load (self, rel, NULL, NULL);
      return;
    }
  bp_data_explorer_load (self, path, NULL, NULL);
}

static void
on_source_selected (GObject *drop, GParamSpec *pspec, BpDataExplorer *self)
{
  GObject *item = gtk_drop_down_get_selected_item (self->source_drop);
  guint n = g_list_model_get_n_items (gtk_drop_down_get_model (self->source_drop));

  if (self->updating_drops || item == NULL)
    return;
  /* The file entry: open it again from where it came from. */
  if (self->file_item && gtk_drop_down_get_selected (self->source_drop) == n - 1)
    {
      if (self->src != NULL && !bp_builtin_exists (self->src->source))
        bp_data_explorer_load (self, self->src->source, NULL, NULL);
      return;
    }
  bp_data_explorer_load (self, gtk_string_object_get_string (GTK_STRING_OBJECT (item)), NULL,
                         NULL);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, BpDataExplorer *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        bp_data_explorer_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_open_clicked (GtkButton *button, BpDataExplorer *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open a Dataset", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "CSV and IDX files");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.tsv");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_filter_add_pattern (filter, "*.gz");
  gtk_file_filter_add_pattern (filter, "*ubyte*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, BpDataExplorer *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  bp_data_explorer_open_file (self, g_value_get_object (value));
  return TRUE;
}

static void
on_train_clicked (GtkButton *button, BpDataExplorer *self)
{
  if (self->src != NULL)
    g_signal_emit (self, signals[TRAIN], 0, self->src);
}

/* ---- GObject ---- */

static void
bp_data_explorer_map (GtkWidget *widget)
{
  BpDataExplorer *self = BP_DATA_EXPLORER (widget);

  GTK_WIDGET_CLASS (bp_data_explorer_parent_class)->map (widget);
  /* Something to look at the first time the page is opened. */
  if (self->src == NULL && self->error == NULL)
    bp_data_explorer_load (self, DEFAULT_SOURCE, NULL, NULL);
}

static void
bp_data_explorer_dispose (GObject *object)
{
  BpDataExplorer *self = BP_DATA_EXPLORER (object);

  g_cancellable_cancel (self->cancellable);
  _bp_data_explorer_plots_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_DATA_EXPLORER);
  if (self->src != NULL)
    drop_indexes (self);
  g_clear_pointer (&self->src, bp_data_source_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (bp_data_explorer_parent_class)->dispose (object);
}

static void
bp_data_explorer_finalize (GObject *object)
{
  g_free (BP_DATA_EXPLORER (object)->error);
  G_OBJECT_CLASS (bp_data_explorer_parent_class)->finalize (object);
}

static void
bp_data_explorer_class_init (BpDataExplorerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_data_explorer_dispose;
  object_class->finalize = bp_data_explorer_finalize;
  widget_class->map = bp_data_explorer_map;

  signals[TRAIN] = g_signal_new ("train", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (BP_TYPE_CHART);
  g_type_ensure (BP_TYPE_DATA_EXPLORER_IMAGES);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-data-explorer.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, BpDataExplorer, name)
  BIND (root);
  BIND (source_drop);
  BIND (open_button);
  BIND (info_label);
  BIND (note_label);
  BIND (columns_label);
  BIND (split_grid);
  BIND (balance_title);
  BIND (balance_grid);
  BIND (train_button);
  BIND (views);
  BIND (table);
  BIND (feature_drop);
  BIND (feature_stats);
  BIND (feature_chart);
  BIND (x_drop);
  BIND (y_drop);
  BIND (scatter_note);
  BIND (scatter_chart);
  BIND (images_page);
  BIND (images);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dataexplorer");
}

static void
bp_data_explorer_init (BpDataExplorer *self)
{
  g_auto (GStrv) names = builtin_names ();
  g_autoptr (GtkStringList) list = gtk_string_list_new ((const char *const *) names);
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->updating_drops = TRUE;
  gtk_drop_down_set_model (self->source_drop, G_LIST_MODEL (list));
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], DEFAULT_SOURCE) == 0)
      gtk_drop_down_set_selected (self->source_drop, i);
  self->updating_drops = FALSE;
  g_signal_connect (self->source_drop, "notify::selected", G_CALLBACK (on_source_selected), self);
  g_signal_connect (self->open_button, "clicked", G_CALLBACK (on_open_clicked), self);
  g_signal_connect (self->train_button, "clicked", G_CALLBACK (on_train_clicked), self);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  gtk_stack_page_set_visible (self->images_page, FALSE);
  _bp_data_explorer_plots_init (self);
}

/* ---- public API ---- */

GtkWidget *
bp_data_explorer_new (void)
{
  return g_object_new (BP_TYPE_DATA_EXPLORER, NULL);
}

BpDataSource *
bp_data_explorer_get_source (BpDataExplorer *self)
{
  g_return_val_if_fail (BP_IS_DATA_EXPLORER (self), NULL);
  return self->src;
}

const char *
bp_data_explorer_get_error (BpDataExplorer *self)
{
  g_return_val_if_fail (BP_IS_DATA_EXPLORER (self), NULL);
  return self->error;
}

void
bp_data_explorer_show_view (BpDataExplorer *self, const char *view)
{
  g_return_if_fail (BP_IS_DATA_EXPLORER (self));
  gtk_stack_set_visible_child_name (self->views, view);
}

GtkWidget *
bp_data_explorer_get_part (BpDataExplorer *self, const char *name)
{
  g_return_val_if_fail (BP_IS_DATA_EXPLORER (self), NULL);

  if (g_strcmp0 (name, "table") == 0)
    return GTK_WIDGET (self->table);
  if (g_strcmp0 (name, "feature-chart") == 0)
    return GTK_WIDGET (self->feature_chart);
  if (g_strcmp0 (name, "scatter-chart") == 0)
    return GTK_WIDGET (self->scatter_chart);
  if (g_strcmp0 (name, "scatter-note") == 0)
    return GTK_WIDGET (self->scatter_note);
  if (g_strcmp0 (name, "images") == 0)
    return GTK_WIDGET (self->images);
  if (g_strcmp0 (name, "balance") == 0)
    return GTK_WIDGET (self->balance_grid);
  if (g_strcmp0 (name, "split") == 0)
    return GTK_WIDGET (self->split_grid);
  if (g_strcmp0 (name, "columns") == 0)
    return GTK_WIDGET (self->columns_label);
  if (g_strcmp0 (name, "info") == 0)
    return GTK_WIDGET (self->info_label);
  if (g_strcmp0 (name, "note") == 0)
    return GTK_WIDGET (self->note_label);
  return NULL;
}
