/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The builder's debug log (G_MESSAGES_DEBUG=Backprop): the spec after every edit, the blocks the
 * engine refuses, and where the palette rows and ports are on the window's surface, so a script
 * can drive the real program with the X server's pointer (tests/ui/test-builder-dnd.sh). */
#include "bp-config.h"

#include "bp-builder-private.h"

#include "bp-builder-kinds.h"

#include <math.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

static gboolean
debug_on (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

static void
log_point (BpBuilder *self, GtkWidget *widget, const char *what, const char *name, double x,
           double y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t out;
  double sx, sy;

  if (native == NULL
      || !gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                    &GRAPHENE_POINT_INIT ((float) x, (float) y), &out))
    return;
  gtk_native_get_surface_transform (native, &sx, &sy);
  g_debug ("builder: at %s:%s %d %d", what, name, (int) lround (out.x + sx),
           (int) lround (out.y + sy));
}

/* The side panel's tabs ("tab:Training") and the rows of the settings on screen
 * ("setting:Scaling"). */
static void
log_side (BpBuilder *self, GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if (!gtk_widget_get_mapped (c))
        continue;
      if (GTK_IS_TOGGLE_BUTTON (c) && GTK_IS_STACK_SWITCHER (widget))
        {
          GtkWidget *label = gtk_widget_get_first_child (c);

          while (label != NULL && !GTK_IS_LABEL (label))
            label = gtk_widget_get_first_child (label);
          if (label != NULL)
            log_point (self, c, "tab", gtk_label_get_text (GTK_LABEL (label)),
                       gtk_widget_get_width (c) / 2.0, gtk_widget_get_height (c) / 2.0);
          continue;
        }
      if (ADW_IS_COMBO_ROW (c))
        {
          log_point (self, c, "setting",
                     adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)),
                     gtk_widget_get_width (c) / 2.0, gtk_widget_get_height (c) / 2.0);
          continue;
        }
      log_side (self, c);
    }
}

/* Where things are on the window's surface, for scripts that move the real pointer. */
void
_bp_builder_log_geometry (BpBuilder *self)
{
  const int *order = bp_block_palette_order ();
  GtkWidget *canvas = GTK_WIDGET (self->canvas);

  if (!debug_on () || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (GTK_WIDGET (self)));
    if (GDK_IS_X11_SURFACE (surface))
      g_debug ("builder: xid %lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  }
#endif
  for (int i = 0; i < BP_BLOCK_COUNT; i++)
    {
      GtkWidget *row = bp_builder_palette_get_row (self->palette, order[i]);
      const char *name = order[i] == BP_BLOCK_INPUT ? "input"
                                                    : bp_layer_kind_name ((bp_layer_kind) order[i]);
      log_point (self, row, "palette", name, gtk_widget_get_width (row) / 2.0,
                 gtk_widget_get_height (row) / 2.0);
    }
  log_point (self, canvas, "canvas", "centre", gtk_widget_get_width (canvas) / 2.0,
             gtk_widget_get_height (canvas) / 2.0);
  log_side (self, gtk_widget_get_parent (GTK_WIDGET (self->side_stack)));
  for (int i = 0; i < self->graph->n_nodes; i++)
    {
      const bp_graph_node *n = &self->graph->nodes[i];
      const char *name = n->is_input ? "input" : n->layer.name;
      double x, y;

      if (bp_builder_canvas_out_port (self->canvas, n->id, &x, &y))
        log_point (self, canvas, "out", name, x, y);
      if (bp_builder_canvas_in_port (self->canvas, n->id, 0, &x, &y))
        log_point (self, canvas, "in", name, x, y);
    }
  g_debug ("builder: geometry done");
}

static gboolean
log_geometry_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  int *frames = data;

  /* Two frames on, the layout of the edit is done. */
  if (--*frames > 0)
    return G_SOURCE_CONTINUE;
  _bp_builder_log_geometry (BP_BUILDER (widget));
  return G_SOURCE_REMOVE;
}

void
_bp_builder_log_view (BpBuilder *self)
{
  if (!debug_on ())
    return;
  g_debug ("builder: zoom %.4f", bp_builder_canvas_get_zoom (self->canvas));
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_add_tick_callback (GTK_WIDGET (self), log_geometry_tick,
                                  g_memdup2 (&(int) { 2 }, sizeof (int)), g_free);
}

/* The dataset and training settings as one line of JSON, and whether there is anything to
 * save. */
static void
log_settings (BpBuilder *self)
{
  bp_experiment doc = *self->exp;
  bp_spec none = { 0 };
  char *json, *p;

  /* Only the settings: the spec is logged on its own. */
  doc.spec = &none;
  doc.n_weights = 0;
  doc.title = doc.description = NULL;
  json = bp_experiment_to_json (&doc, NULL);
  if (json != NULL && (p = strstr (json, "\"data\"")) != NULL)
    {
      g_strdelimit (p, "\n", ' ');
      g_debug ("builder: settings {%s", p);
    }
  free (json);
  g_debug ("builder: modified %d", bp_builder_get_modified (self));
}

void
_bp_builder_log_edit (BpBuilder *self)
{
  g_autofree char *json = NULL;

  if (!debug_on ())
    return;
  json = bp_builder_get_spec_json (self);
  if (json != NULL)
    g_strdelimit (json, "\n", ' ');
  g_debug ("builder: spec %s", json != NULL ? json : "none");
  for (int i = 0; i < self->report->n_nodes; i++)
    if (self->report->nodes[i].state == BP_NODE_BAD)
      g_debug ("builder: bad %s: %s",
               self->graph->nodes[i].is_input ? "input" : self->graph->nodes[i].layer.name,
               self->report->nodes[i].message);
  g_debug ("builder: blocks %d wires %d undo %d", self->graph->n_nodes, self->graph->n_edges,
           bp_graph_history_n_undo (self->history));
  log_settings (self);
  g_debug ("builder: zoom %.4f", bp_builder_canvas_get_zoom (self->canvas));
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_add_tick_callback (GTK_WIDGET (self), log_geometry_tick, g_memdup2 (&(int) { 2 },
                                                                                    sizeof (int)),
                                  g_free);
}

