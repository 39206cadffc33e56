/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-runs-view.h"

#include "bp-chart.h"

#include <math.h>

struct _BpRunsView {
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkColumnView *view;
  GtkSortListModel *sorted;
};

enum { DELETE_RUN, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BpRunsView, bp_runs_view, GTK_TYPE_WIDGET)

typedef enum { FMT_TEXT, FMT_INT, FMT_G, FMT_LOSS, FMT_PERCENT, FMT_TIME, FMT_RATE } Format;

typedef struct {
  const char *title;
  const char *property;
  Format format;
  int width; /* fixed width, or -1 */
} Column;

static const Column columns[] = {
  { "Data", "dataset", FMT_TEXT, 104 },
  { "Model", "model", FMT_TEXT, 136 },
  { "Optimizer", "optimizer", FMT_TEXT, -1 },
  { "LR", "lr", FMT_G, -1 },
  { "Batch", "batch-size", FMT_INT, -1 },
  { "Params", "params", FMT_INT, -1 },
  { "Epochs", "epochs", FMT_INT, -1 },
  { "Steps", "steps", FMT_INT, -1 },
  { "Train loss", "train-loss", FMT_LOSS, -1 },
  { "Val loss", "val-loss", FMT_LOSS, -1 },
  { "Val acc", "val-acc", FMT_PERCENT, -1 },
  { "Time", "time", FMT_TIME, -1 },
  { "Samples/s", "samples-per-second", FMT_RATE, -1 },
  { "State", "state", FMT_TEXT, -1 },
};

static char *
format_value (const GValue *v, Format f)
{
  double d;

  switch (f)
    {
    case FMT_TEXT: return g_value_dup_string (v);
    case FMT_INT:
      if (G_VALUE_HOLDS_INT (v))
        return g_strdup_printf ("%d", g_value_get_int (v));
      if (G_VALUE_HOLDS_UINT (v))
        return g_strdup_printf ("%u", g_value_get_uint (v));
      if (G_VALUE_HOLDS_INT64 (v))
        return g_strdup_printf ("%'" G_GINT64_FORMAT, g_value_get_int64 (v));
      return g_strdup_printf ("%'" G_GUINT64_FORMAT, g_value_get_uint64 (v));
    default: break;
    }
  d = g_value_get_double (v);
  if (!isfinite (d) || (f == FMT_G && d == 0))
    return g_strdup ("–");
  switch (f)
    {
    case FMT_G: return g_strdup_printf ("%g", d);
    case FMT_LOSS: return g_strdup_printf ("%.4f", d);
    case FMT_PERCENT: return g_strdup_printf ("%.2f %%", 100 * d);
    case FMT_TIME: return d < 60 ? g_strdup_printf ("%.1f s", d)
                                 : g_strdup_printf ("%d:%02d", (int) d / 60, (int) d % 60);
    case FMT_RATE: return g_strdup_printf ("%'.0f", d);
    default: return NULL;
    }
}

/* ---- cells ---- */

static void
refresh_label (GObject *run, GParamSpec *pspec, GtkLabel *label)
{
  const Column *col = g_object_get_data (G_OBJECT (label), "column");
  g_auto (GValue) v = G_VALUE_INIT;
  g_autofree char *text = NULL;

  g_object_get_property (run, col->property, &v);
  text = format_value (&v, col->format);
  gtk_label_set_text (label, text != NULL ? text : "");
}

static void
setup_label (GtkSignalListItemFactory *f, GtkListItem *item, const Column *col)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), col->format == FMT_TEXT ? 0 : 1);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (col->format != FMT_TEXT)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "column", (gpointer) col);
  gtk_list_item_set_child (item, label);
}

static void
bind_label (GtkSignalListItemFactory *f, GtkListItem *item, const Column *col)
{
  GObject *run = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *signal = g_strdup_printf ("notify::%s", col->property);

  refresh_label (run, NULL, GTK_LABEL (label));
  g_signal_connect_object (run, signal, G_CALLBACK (refresh_label), label, 0);
}

static void
unbind_label (GtkSignalListItemFactory *f, GtkListItem *item, const Column *col)
{
  GObject *run = gtk_list_item_get_item (item);

  g_signal_handlers_disconnect_by_data (run, gtk_list_item_get_child (item));
}

static void
setup_name (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *name = gtk_editable_label_new ("");

  gtk_widget_set_tooltip_text (check, "Show in the charts");
  gtk_widget_set_size_request (swatch, 14, 14);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (name, "Click to rename");
  gtk_widget_set_hexpand (name, TRUE);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), name);
  gtk_list_item_set_child (item, box);
}

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
  GdkRGBA c;

  bp_chart_palette_color (GPOINTER_TO_UINT (data), &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_arc (cr, w / 2.0, h / 2.0, MIN (w, h) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* A run refuses a blank name (bp_run_set_name): when the editing ends, the field shows the
 * name the run kept rather than the blank it was left with. */
static void
on_name_editing (GtkEditableLabel *name, GParamSpec *pspec, BpRun *run)
{
  if (!gtk_editable_label_get_editing (name)
      && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (name)), bp_run_get_name (run)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (name), bp_run_get_name (run));
}

static void
bind_name (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  BpRun *run = gtk_list_item_get_item (item);
  GtkWidget *check = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *swatch = gtk_widget_get_next_sibling (check);
  GtkWidget *name = gtk_widget_get_next_sibling (swatch);
  GBinding *b1, *b2;

  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  GUINT_TO_POINTER (bp_run_get_color_index (run)), NULL);
  b1 = g_object_bind_property (run, "visible", check, "active",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  b2 = g_object_bind_property (run, "name", name, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "b1", b1);
  g_object_set_data (G_OBJECT (item), "b2", b2);
  g_signal_connect (name, "notify::editing", G_CALLBACK (on_name_editing), run);
}

static void
unbind_name (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  g_binding_unbind (g_object_get_data (G_OBJECT (item), "b1"));
  g_binding_unbind (g_object_get_data (G_OBJECT (item), "b2"));
  g_signal_handlers_disconnect_by_func (
    gtk_widget_get_last_child (gtk_list_item_get_child (item)), on_name_editing,
    gtk_list_item_get_item (item));
}

static void
on_delete_clicked (GtkButton *button, BpRunsView *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (button), "item");
  BpRun *run = gtk_list_item_get_item (item);

  if (run != NULL)
    g_signal_emit (self, signals[DELETE_RUN], 0, run);
}

static void
setup_delete (GtkSignalListItemFactory *f, GtkListItem *item, BpRunsView *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, "Delete this run");
  g_object_set_data (G_OBJECT (button), "item", item);
  g_signal_connect (button, "clicked", G_CALLBACK (on_delete_clicked), self);
  gtk_list_item_set_child (item, button);
}

static GtkSorter *
sorter_for (const Column *col)
{
  GtkExpression *e = gtk_property_expression_new (BP_TYPE_RUN, NULL, col->property);

  if (col->format == FMT_TEXT)
    return GTK_SORTER (gtk_string_sorter_new (e));
  return GTK_SORTER (gtk_numeric_sorter_new (e));
}

static void
add_column (BpRunsView *self, const char *title, GtkListItemFactory *factory, GtkSorter *sorter,
            gboolean expand, int width)
{
  GtkColumnViewColumn *c = gtk_column_view_column_new (title, factory);

  if (width > 0)
    gtk_column_view_column_set_fixed_width (c, width);

  gtk_column_view_column_set_sorter (c, sorter);
  gtk_column_view_column_set_resizable (c, TRUE);
  gtk_column_view_column_set_expand (c, expand);
  gtk_column_view_append_column (self->view, c);
  g_object_unref (c);
  if (sorter != NULL)
    g_object_unref (sorter);
}

/* ---- GObject ---- */

static void
bp_runs_view_dispose (GObject *object)
{
  BpRunsView *self = BP_RUNS_VIEW (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_runs_view_parent_class)->dispose (object);
}

static void
bp_runs_view_class_init (BpRunsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_runs_view_dispose;
  signals[DELETE_RUN] = g_signal_new ("delete-run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, BP_TYPE_RUN);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "runsview");
}

static void
bp_runs_view_init (BpRunsView *self)
{
  GtkListItemFactory *f;
  GtkSorter *name_sorter;

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_column_separators (self->view, TRUE);
  gtk_column_view_set_reorderable (self->view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  f = gtk_signal_list_item_factory_new ();
  g_signal_connect (f, "setup", G_CALLBACK (setup_name), NULL);
  g_signal_connect (f, "bind", G_CALLBACK (bind_name), NULL);
  g_signal_connect (f, "unbind", G_CALLBACK (unbind_name), NULL);
  name_sorter = GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (BP_TYPE_RUN, NULL,
                                                                                "name")));
  add_column (self, "Run", f, name_sorter, TRUE, -1);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      f = gtk_signal_list_item_factory_new ();
      g_signal_connect (f, "setup", G_CALLBACK (setup_label), (gpointer) &columns[i]);
      g_signal_connect (f, "bind", G_CALLBACK (bind_label), (gpointer) &columns[i]);
      g_signal_connect (f, "unbind", G_CALLBACK (unbind_label), (gpointer) &columns[i]);
      add_column (self, columns[i].title, f, sorter_for (&columns[i]), FALSE, columns[i].width);
    }
  f = gtk_signal_list_item_factory_new ();
  g_signal_connect (f, "setup", G_CALLBACK (setup_delete), self);
  add_column (self, "", f, NULL, FALSE, -1);
}

GtkWidget *
bp_runs_view_new (void)
{
  return g_object_new (BP_TYPE_RUNS_VIEW, NULL);
}

void
bp_runs_view_set_runs (BpRunsView *self, GListModel *runs)
{
  GtkSelectionModel *selection;

  g_return_if_fail (BP_IS_RUNS_VIEW (self));

  self->sorted = gtk_sort_list_model_new (runs != NULL ? g_object_ref (runs) : NULL,
                                          g_object_ref (gtk_column_view_get_sorter (self->view)));
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->view, selection);
  g_object_unref (selection);
}

GListModel *
bp_runs_view_get_model (BpRunsView *self)
{
  g_return_val_if_fail (BP_IS_RUNS_VIEW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

gboolean
bp_runs_view_sort_by (BpRunsView *self, const char *title, gboolean descending)
{
  GListModel *cols;

  g_return_val_if_fail (BP_IS_RUNS_VIEW (self), FALSE);

  cols = gtk_column_view_get_columns (self->view);
  for (guint i = 0; i < g_list_model_get_n_items (cols); i++)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (cols, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (c), title) == 0)
        {
          gtk_column_view_sort_by_column (self->view, c,
                                          descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
          return TRUE;
        }
    }
  return FALSE;
}
