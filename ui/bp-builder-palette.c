/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-builder-palette.h"

#include "bp-builder-kinds.h"
#include "bp-ui.h"

struct _BpBuilderPalette {
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkListBox *list;
  GtkWidget *rows[BP_BLOCK_COUNT];
};

G_DEFINE_FINAL_TYPE (BpBuilderPalette, bp_builder_palette, GTK_TYPE_WIDGET)

enum {
  SIGNAL_ACTIVATE_KIND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
bp_builder_ensure_icons (GdkDisplay *display)
{
  GtkIconTheme *theme;
  char **paths;
  gboolean found = FALSE;

  if (display == NULL)
    return;
  theme = gtk_icon_theme_get_for_display (display);
  paths = gtk_icon_theme_get_resource_path (theme);
  for (int i = 0; paths != NULL && paths[i] != NULL; i++)
    found |= g_str_equal (paths[i], BP_RESOURCE_PREFIX "/icons");
  g_strfreev (paths);
  if (!found)
    gtk_icon_theme_add_resource_path (theme, BP_RESOURCE_PREFIX "/icons");
}

static const char *
kind_string (int kind)
{
  return kind == BP_BLOCK_INPUT ? "input" : bp_layer_kind_name ((bp_layer_kind) kind);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source, double x, double y, GtkWidget *row)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "bp-kind"));

  return gdk_content_provider_new_typed (G_TYPE_STRING, kind_string (kind));
}

static void
on_drag_begin (GtkDragSource *source, GdkDrag *drag, GtkWidget *row)
{
  g_autoptr (GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, gtk_widget_get_width (row) / 4,
                            gtk_widget_get_height (row) / 2);
}

static GtkWidget *
make_row (int kind)
{
  const bp_block_kind_info *info = bp_block_kind_info_get (kind);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
  GtkWidget *image = gtk_image_new_from_icon_name (info->icon_name);
  GtkWidget *title = gtk_label_new (info->title), *summary = gtk_label_new (info->summary);
  GtkDragSource *source = gtk_drag_source_new ();
  g_autofree char *tip = g_strdup_printf ("%s — drag onto the canvas, or press Enter to add it "
                                          "after the selected block", info->summary);

  gtk_widget_add_css_class (image, "bp-kind-icon");
  gtk_widget_add_css_class (row, "bp-palette-row");
  gtk_widget_set_valign (image, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (summary), 22);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (summary, "caption");
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), summary);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, tip);
  g_object_set_data (G_OBJECT (row), "bp-kind", GINT_TO_POINTER (kind));

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  return row;
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, BpBuilderPalette *self)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "bp-kind"));

  g_signal_emit (self, signals[SIGNAL_ACTIVATE_KIND], 0, kind);
}

static void
bp_builder_palette_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bp_builder_palette_parent_class)->root (widget);
  bp_builder_ensure_icons (gtk_widget_get_display (widget));
}

static void
bp_builder_palette_dispose (GObject *object)
{
  BpBuilderPalette *self = BP_BUILDER_PALETTE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (bp_builder_palette_parent_class)->dispose (object);
}

static void
bp_builder_palette_class_init (BpBuilderPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_builder_palette_dispose;
  widget_class->root = bp_builder_palette_root;
  signals[SIGNAL_ACTIVATE_KIND] =
    g_signal_new ("activate-kind", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "builder-palette");
}

static void
bp_builder_palette_init (BpBuilderPalette *self)
{
  const int *order = bp_block_palette_order ();

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  /* A press starts a drag; adding without dragging takes Enter or a double click. */
  gtk_list_box_set_activate_on_single_click (self->list, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
  for (int i = 0; i < BP_BLOCK_COUNT; i++)
    {
      self->rows[order[i]] = make_row (order[i]);
      gtk_list_box_append (self->list, self->rows[order[i]]);
    }
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
}

GtkWidget *
bp_builder_palette_new (void)
{
  return g_object_new (BP_TYPE_BUILDER_PALETTE, NULL);
}

GtkWidget *
bp_builder_palette_get_row (BpBuilderPalette *self, int kind)
{
  g_return_val_if_fail (BP_IS_BUILDER_PALETTE (self), NULL);
  g_return_val_if_fail (kind >= 0 && kind < BP_BLOCK_COUNT, NULL);
  return self->rows[kind];
}
