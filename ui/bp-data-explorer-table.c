/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The explorer's table: a list model that makes a row object only when the column view asks
 * for one (so 70 000 rows cost nothing until they scroll into view), and a column per feature
 * (up to a limit), the label or target, the split part, and a thumbnail for images. The first
 * column is a CSV row's line in the file ("line"), else the row counted from 1 ("row"). Two small
 * private types live here with it: the row and the model. */
#include "bp-config.h"

#include "bp-data-explorer-private.h"

#define MAX_FEATURE_COLUMNS 40

/* ---- a row ---- */

#define BP_TYPE_EXPLORER_ROW (bp_explorer_row_get_type ())
G_DECLARE_FINAL_TYPE (BpExplorerRow, bp_explorer_row, BP, EXPLORER_ROW, GObject)

struct _BpExplorerRow {
  GObject parent_instance;
  guint row;
};

G_DEFINE_FINAL_TYPE (BpExplorerRow, bp_explorer_row, G_TYPE_OBJECT)

static void
bp_explorer_row_class_init (BpExplorerRowClass *klass)
{
}

static void
bp_explorer_row_init (BpExplorerRow *self)
{
}

/* ---- the rows of a dataset, made on demand ---- */

#define BP_TYPE_EXPLORER_ROWS (bp_explorer_rows_get_type ())
G_DECLARE_FINAL_TYPE (BpExplorerRows, bp_explorer_rows, BP, EXPLORER_ROWS, GObject)

struct _BpExplorerRows {
  GObject parent_instance;
  guint n;
};

static GType
rows_get_item_type (GListModel *list)
{
  return BP_TYPE_EXPLORER_ROW;
}

static guint
rows_get_n_items (GListModel *list)
{
  return BP_EXPLORER_ROWS (list)->n;
}

static gpointer
rows_get_item (GListModel *list, guint position)
{
  BpExplorerRow *row;

  if (position >= BP_EXPLORER_ROWS (list)->n)
    return NULL;
  row = g_object_new (BP_TYPE_EXPLORER_ROW, NULL);
  row->row = position;
  return row;
}

static void
rows_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = rows_get_item_type;
  iface->get_n_items = rows_get_n_items;
  iface->get_item = rows_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (BpExplorerRows, bp_explorer_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, rows_list_model_init))

static void
bp_explorer_rows_class_init (BpExplorerRowsClass *klass)
{
}

static void
bp_explorer_rows_init (BpExplorerRows *self)
{
}

/* ---- columns ---- */

typedef enum { COL_INDEX, COL_PART, COL_LABEL, COL_TARGET, COL_IMAGE, COL_FEATURE } ColumnKind;

typedef struct {
  BpDataExplorer *self;
  ColumnKind kind;
  int index; /* feature or target */
} ColumnInfo;

static void
setup_cell (GtkSignalListItemFactory *f, GtkListItem *item, ColumnInfo *ci)
{
  if (ci->kind == COL_IMAGE)
    {
      GtkWidget *pic = gtk_picture_new ();

      gtk_picture_set_can_shrink (GTK_PICTURE (pic), FALSE);
      gtk_list_item_set_child (item, pic);
      return;
    }
  {
    GtkWidget *label = gtk_label_new (NULL);

    gtk_label_set_xalign (GTK_LABEL (label), ci->kind == COL_LABEL || ci->kind == COL_PART ? 0 : 1);
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    gtk_widget_add_css_class (label, "numeric");
    gtk_list_item_set_child (item, label);
  }
}

static void
bind_cell (GtkSignalListItemFactory *f, GtkListItem *item, ColumnInfo *ci)
{
  BpExplorerRow *row = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  const bp_dataset *ds;
  char buf[64];
  static const char *parts[] = { "train", "validation", "test" };

  if (ci->self->src == NULL)
    return;
  ds = ci->self->src->ds;
  switch (ci->kind)
    {
    case COL_INDEX:
      {
        const uint32_t *lines = ci->self->src->csv_info.row_lines; /* (n_rows) or NULL */

        /* The file's line, as the bad-row note and backprop-train name it; else from 1. */
        g_snprintf (buf, sizeof buf, "%u", lines != NULL ? lines[row->row] : row->row + 1);
        break;
      }
    case COL_PART:
      g_strlcpy (buf, parts[ci->self->split_of[row->row]], sizeof buf);
      break;
    case COL_LABEL:
      g_strlcpy (buf, ds->class_names[ds->labels[row->row]], sizeof buf);
      break;
    case COL_TARGET:
      g_snprintf (buf, sizeof buf, "%.6g", ds->targets[(gsize) row->row * ds->n_targets + ci->index]);
      break;
    case COL_FEATURE:
      g_snprintf (buf, sizeof buf, "%.6g", bp_dataset_feature (ds, row->row, ci->index));
      break;
    case COL_IMAGE:
      {
        g_autoptr (GdkTexture) tex = bp_dataset_row_texture (ds, row->row, 1);

        gtk_picture_set_paintable (GTK_PICTURE (child), GDK_PAINTABLE (tex));
        return;
      }
    default:
      return;
    }
  gtk_label_set_text (GTK_LABEL (child), buf);
}

static void
add_column (BpDataExplorer *self, const char *title, ColumnKind kind, int index)
{
  ColumnInfo *ci = g_new0 (ColumnInfo, 1);
  GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  ci->self = self;
  ci->kind = kind;
  ci->index = index;
  g_signal_connect (f, "setup", G_CALLBACK (setup_cell), ci);
  g_signal_connect (f, "bind", G_CALLBACK (bind_cell), ci);
  /* The factory keeps the column's description for as long as it lives. */
  g_object_set_data_full (G_OBJECT (f), "column-info", ci, g_free);
  col = gtk_column_view_column_new (title, f);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->table, col);
  g_object_unref (col);
}

void
_bp_data_explorer_table_fill (BpDataExplorer *self)
{
  const bp_dataset *ds = self->src->ds;
  GListModel *cols = gtk_column_view_get_columns (self->table);
  BpExplorerRows *rows;
  GtkSelectionModel *sel;

  /* The model goes first: the old columns must not bind rows of the new data. */
  gtk_column_view_set_model (self->table, NULL);
  while (g_list_model_get_n_items (cols) > 0)
    {
      g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (cols, 0);

      gtk_column_view_remove_column (self->table, c);
    }
  add_column (self, self->src->csv_info.row_lines != NULL ? "line" : "row", COL_INDEX, 0);
  add_column (self, "part", COL_PART, 0);
  if (ds->task == BP_TASK_CLASSIFICATION)
    add_column (self, "label", COL_LABEL, 0);
  else
    for (int t = 0; t < ds->n_targets; t++)
      add_column (self, ds->target_names[t], COL_TARGET, t);
  if (ds->image_width > 0)
    add_column (self, "image", COL_IMAGE, 0);
  else
    for (int j = 0; j < MIN (ds->n_features, MAX_FEATURE_COLUMNS); j++)
      add_column (self, ds->feature_names[j], COL_FEATURE, j);
  rows = g_object_new (BP_TYPE_EXPLORER_ROWS, NULL);
  rows->n = (guint) ds->n_rows;
  sel = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (rows)));
  gtk_column_view_set_model (self->table, sel);
  g_object_unref (sel);
}
