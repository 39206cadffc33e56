/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing the canvas: a dot grid (one repeated tile), the wires (one cairo node of bezier
 * curves), then each block as render nodes: a rounded card with its kind's colour stripe and
 * icon, its name and settings, its output shape and parameters, ports, and for a bad block a
 * red card with the engine's message beside it. Everything in canvas units under one
 * translate + scale, so zoom costs nothing to lay out. */
#include "bp-config.h"

#include "bp-builder-canvas-private.h"
#include "bp-builder-kinds.h"

#include <math.h>

#define RADIUS 8.0
#define STRIPE 5.0
#define GRID 24.0
#define MESSAGE_W 280.0

static const guint32 hue_rgb[] = {
  0x77767b, /* input: slate */
  0x3584e4, /* dense: blue */
  0x2ec27e, /* activation: green */
  0x9141ac, /* dropout, batch norm: purple */
  0xe66100, /* convolution: orange */
  0xc88800, /* pooling: amber */
  0x1c9aa0, /* reshape: teal */
};

static void
rgba_hex (guint32 hex, float alpha, GdkRGBA *out)
{
  *out = (GdkRGBA) { ((hex >> 16) & 0xff) / 255.f, ((hex >> 8) & 0xff) / 255.f,
                     (hex & 0xff) / 255.f, alpha };
}

static void
fg_color (BpBuilderCanvas *self, float alpha, GdkRGBA *out)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), out);
  out->alpha *= alpha;
}

gboolean
_bp_canvas_is_dark (BpBuilderCanvas *self)
{
  GdkRGBA fg;

  fg_color (self, 1, &fg);
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}

static const bp_node_report *
node_report (BpBuilderCanvas *self, int index)
{
  if (self->report == NULL || index < 0 || index >= self->report->n_nodes)
    return NULL;
  return &self->report->nodes[index];
}

void
_bp_canvas_state_color (BpBuilderCanvas *self, int index, GdkRGBA *fill, GdkRGBA *border)
{
  gboolean dark = _bp_canvas_is_dark (self);
  const bp_node_report *nr = node_report (self, index);

  if (nr != NULL && nr->state == BP_NODE_BAD)
    {
      rgba_hex (dark ? 0x5c2a2c : 0xfbe0e0, 1, fill);
      rgba_hex (0xe01b24, 1, border);
      return;
    }
  rgba_hex (dark ? 0x38383c : 0xffffff, 1, fill);
  fg_color (self, 0.22f, border);
}

static int
hue_of (const bp_graph_node *n)
{
  const bp_block_kind_info *k = bp_block_kind_info_get (n->is_input ? BP_BLOCK_INPUT
                                                                    : (int) n->layer.kind);
  return k != NULL ? k->hue : 0;
}

/* The settings worth seeing on the block itself. */
static void
settings_line (const bp_graph_node *n, char *buf, size_t len)
{
  const bp_layer_spec *ls = &n->layer;

  buf[0] = '\0';
  if (n->is_input)
    return;
  switch (ls->kind)
    {
    case BP_LAYER_DENSE:
      if (ls->u.dense.activation == BP_ACT_LINEAR)
        g_snprintf (buf, len, "%d unit%s", ls->u.dense.units, ls->u.dense.units == 1 ? "" : "s");
      else
        g_snprintf (buf, len, "%d · %s", ls->u.dense.units, bp_act_name (ls->u.dense.activation));
      break;
    case BP_LAYER_CONV2D:
      {
        const bp_conv2d_cfg *c = &ls->u.conv2d;
        g_autoptr (GString) t = g_string_new (NULL);

        g_string_append_printf (t, "%d × %d×%d", c->filters, c->kernel_h, c->kernel_w);
        if (c->stride_h != 1 || c->stride_w != 1)
          g_string_append_printf (t, " /%d", c->stride_h);
        if (c->padding == BP_PADDING_SAME)
          g_string_append (t, " same");
        if (c->activation != BP_ACT_LINEAR)
          g_string_append_printf (t, " · %s", bp_act_name (c->activation));
        g_strlcpy (buf, t->str, len);
        break;
      }
    case BP_LAYER_MAXPOOL2D:
    case BP_LAYER_AVGPOOL2D:
      g_snprintf (buf, len, "%d×%d", ls->u.pool.size_h, ls->u.pool.size_w);
      if (ls->u.pool.stride_h != ls->u.pool.size_h || ls->u.pool.stride_w != ls->u.pool.size_w)
        {
          char s[32];
          g_snprintf (s, sizeof s, " /%d", ls->u.pool.stride_h);
          g_strlcat (buf, s, len);
        }
      break;
    case BP_LAYER_ACTIVATION:
      g_snprintf (buf, len, "%s", bp_act_name (ls->u.activation.fn));
      break;
    case BP_LAYER_DROPOUT:
      g_snprintf (buf, len, "p = %.3g", (double) ls->u.dropout.rate);
      break;
    default:
      break;
    }
}

static void
draw_text (BpBuilderCanvas *self, GtkSnapshot *snapshot, const char *markup, double x, double y,
           double width, PangoAlignment align, const GdkRGBA *color)
{
  pango_layout_set_markup (self->layout, markup, -1);
  pango_layout_set_width (self->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (self->layout, align);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, self->layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_icon (BpBuilderCanvas *self, GtkSnapshot *snapshot, const bp_graph_node *n, double x,
           double y, const GdkRGBA *color)
{
  const bp_block_kind_info *k = bp_block_kind_info_get (n->is_input ? BP_BLOCK_INPUT
                                                                    : (int) n->layer.kind);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));
  g_autoptr (GtkIconPaintable) icon = NULL;
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  if (k == NULL || !gtk_icon_theme_has_icon (theme, k->icon_name))
    return;
  icon = gtk_icon_theme_lookup_icon (theme, k->icon_name, NULL, 16,
                                     gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                                     GTK_TEXT_DIR_NONE, 0);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot, 16, 16,
                                            colors, G_N_ELEMENTS (colors));
  gtk_snapshot_restore (snapshot);
}

static void
shape_line (const bp_graph_node *n, const bp_node_report *nr, char *buf, size_t len)
{
  char shape[64], count[32];

  if (nr == NULL)
    {
      buf[0] = '\0';
      return;
    }
  switch (nr->state)
    {
    case BP_NODE_LOOSE:
      g_snprintf (buf, len, "<i>not wired to the input</i>");
      return;
    case BP_NODE_UNCHECKED:
      g_snprintf (buf, len, "→ ?");
      return;
    case BP_NODE_BAD:
      /* A block whose own shape is fine but whose wiring is not keeps its shape. */
      if (nr->out.rank > 0)
        g_snprintf (buf, len, "<b>%s</b> · see the message",
                    bp_shape_format (nr->out, shape, sizeof shape));
      else
        g_snprintf (buf, len, "<b>cannot work here</b>");
      return;
    case BP_NODE_OK:
    default:
      bp_shape_format (nr->out, shape, sizeof shape);
      if (n->is_input)
        g_snprintf (buf, len, "%s per sample", shape);
      else if (nr->n_params == 0)
        g_snprintf (buf, len, "→ %s", shape);
      else
        g_snprintf (buf, len, "→ %s  ·  %s params", shape,
                    bp_format_count ((double) nr->n_params, TRUE, count, sizeof count));
    }
}

static void
draw_port (GtkSnapshot *snapshot, double x, double y, double r, const GdkRGBA *fill,
           const GdkRGBA *ring)
{
  GskRoundedRect rr;
  const float w = 1.5f;
  GdkRGBA rings[4] = { *ring, *ring, *ring, *ring };

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT ((float) (x - r), (float) (y - r),
                                                             (float) (2 * r), (float) (2 * r)),
                                   (float) r);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, fill, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { w, w, w, w }, rings);
}

static void
draw_block (BpBuilderCanvas *self, GtkSnapshot *snapshot, int index, double dx, double dy)
{
  const bp_graph_node *n = &self->graph->nodes[index];
  const bp_node_report *nr = node_report (self, index);
  gboolean selected = g_hash_table_contains (self->selection, GINT_TO_POINTER (n->id));
  gboolean dark = _bp_canvas_is_dark (self);
  double x = n->x + dx, y = n->y + dy;
  GskRoundedRect rr;
  GdkRGBA fill, border, hue, text, dim, red, accent;
  char line[160], settings[96];
  g_autofree char *markup = NULL, *name = NULL;
  float bw;

  _bp_canvas_state_color (self, index, &fill, &border);
  rgba_hex (hue_rgb[hue_of (n)], 1, &hue);
  fg_color (self, 1, &text);
  fg_color (self, 0.62f, &dim);
  rgba_hex (dark ? 0xff7b63 : 0xc01c28, 1, &red);
  rgba_hex (0x3584e4, 1, &accent);

  if (nr != NULL && nr->state == BP_NODE_LOOSE)
    gtk_snapshot_push_opacity (snapshot, 0.6);

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT ((float) x, (float) y,
                                                             (float) BP_GRAPH_BLOCK_W,
                                                             (float) BP_GRAPH_BLOCK_H),
                                   (float) RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &fill, &rr.bounds);
  gtk_snapshot_append_color (snapshot, &hue,
                             &GRAPHENE_RECT_INIT ((float) x, (float) y, (float) STRIPE,
                                                  (float) BP_GRAPH_BLOCK_H));
  gtk_snapshot_pop (snapshot);
  bw = nr != NULL && nr->state == BP_NODE_BAD ? 2.f : 1.f;
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { bw, bw, bw, bw },
                              (GdkRGBA[4]) { border, border, border, border });
  if (selected)
    {
      /* A ring outside the card, so a red card stays red when selected. */
      GskRoundedRect ring;
      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT ((float) x - 3, (float) y - 3,
                                                                   (float) BP_GRAPH_BLOCK_W + 6,
                                                                   (float) BP_GRAPH_BLOCK_H + 6),
                                       (float) RADIUS + 3);
      gtk_snapshot_append_border (snapshot, &ring, (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { accent, accent, accent, accent });
    }

  draw_icon (self, snapshot, n, x + STRIPE + 9, y + 9, &hue);
  name = g_markup_escape_text (n->is_input ? "input" : n->layer.name, -1);
  markup = g_strdup_printf ("<b>%s</b>", name);
  pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
  draw_text (self, snapshot, markup, x + STRIPE + 32, y + 8, 110, PANGO_ALIGN_LEFT, &text);
  settings_line (n, settings, sizeof settings);
  if (settings[0] != '\0')
    {
      g_free (markup);
      markup = g_markup_escape_text (settings, -1);
      draw_text (self, snapshot, markup, x + STRIPE + 100, y + 8,
                 BP_GRAPH_BLOCK_W - STRIPE - 110, PANGO_ALIGN_RIGHT, &dim);
    }
  shape_line (n, nr, line, sizeof line);
  draw_text (self, snapshot, line, x + STRIPE + 10, y + 31, BP_GRAPH_BLOCK_W - STRIPE - 18,
             PANGO_ALIGN_LEFT,
             nr != NULL && nr->state == BP_NODE_BAD ? &red : &dim);

  if (nr != NULL && nr->state == BP_NODE_LOOSE)
    gtk_snapshot_pop (snapshot);

  /* The engine's message beside a bad block, where a chain leaves room. */
  if (nr != NULL && nr->state == BP_NODE_BAD && nr->message[0] != '\0')
    {
      g_autofree char *msg = g_markup_escape_text (nr->message, -1);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
      draw_text (self, snapshot, msg, x + BP_GRAPH_BLOCK_W + 14, y + 2, MESSAGE_W,
                 PANGO_ALIGN_LEFT, &red);
      gtk_snapshot_append_color (snapshot, &red,
                                 &GRAPHENE_RECT_INIT ((float) (x + BP_GRAPH_BLOCK_W + 6),
                                                      (float) (y + 4), 2,
                                                      (float) (BP_GRAPH_BLOCK_H - 8)));
    }
}

static void
draw_ports (BpBuilderCanvas *self, GtkSnapshot *snapshot, int index, double dx, double dy)
{
  const bp_graph_node *n = &self->graph->nodes[index];
  GdkRGBA fill, border, hue, accent;
  double px, py;

  _bp_canvas_state_color (self, index, &fill, &border);
  rgba_hex (hue_rgb[hue_of (n)], 1, &hue);
  rgba_hex (0x3584e4, 1, &accent);
  for (int p = 0; p < bp_graph_n_in_ports (n); p++)
    {
      gboolean wired = bp_graph_source_of (self->graph, n->id, p) != 0;
      gboolean hover = self->drag == BP_DRAG_WIRE && self->hover_to == n->id
                       && self->hover_port == p;
      bp_graph_in_port_pos (n, p, &px, &py);
      draw_port (snapshot, px + dx, py + dy, hover ? BP_CANVAS_PORT_R + 2 : BP_CANVAS_PORT_R,
                 wired ? &hue : &fill, hover ? &accent : &hue);
    }
  bp_graph_out_port_pos (n, &px, &py);
  draw_port (snapshot, px + dx, py + dy, BP_CANVAS_PORT_R,
             bp_graph_n_consumers (self->graph, n->id) > 0 ? &hue : &fill, &hue);
}

static void
curve (cairo_t *cr, double x1, double y1, double x2, double y2)
{
  double d = MAX (36.0, fabs (y2 - y1) / 2);

  cairo_move_to (cr, x1, y1);
  cairo_curve_to (cr, x1, y1 + d, x2, y2 - d, x2, y2);
}

static void
block_offset (BpBuilderCanvas *self, int id, double *dx, double *dy)
{
  *dx = *dy = 0;
  if (self->drag == BP_DRAG_MOVE && g_hash_table_contains (self->selection, GINT_TO_POINTER (id)))
    {
      *dx = self->drag_dx / self->zoom;
      *dy = self->drag_dy / self->zoom;
    }
}

/* In widget coordinates with the view's transform applied by cairo: GTK 4.8 misplaces cairo
 * nodes recorded under a scaled snapshot. */
static void
draw_wires (BpBuilderCanvas *self, GtkSnapshot *snapshot, int w, int h)
{
  const bp_graph *g = self->graph;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                           &GRAPHENE_RECT_INIT (0, 0, (float) w, (float) h));
  GdkRGBA wire, red, accent;

  fg_color (self, 0.5f, &wire);
  rgba_hex (0xe01b24, 0.9f, &red);
  rgba_hex (0x3584e4, 1, &accent);
  cairo_translate (cr, self->offset_x, self->offset_y);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_set_line_width (cr, 2);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int e = 0; e < g->n_edges; e++)
    {
      const bp_graph_edge *edge = &g->edges[e];
      int ti = bp_graph_index_of (g, edge->to);
      const bp_graph_node *a = bp_graph_find (g, edge->from), *b = ti >= 0 ? &g->nodes[ti] : NULL;
      const bp_node_report *nr = node_report (self, ti);
      double x1, y1, x2, y2, adx, ady, bdx, bdy;

      if (a == NULL || b == NULL)
        continue;
      /* The wire being pulled out of its port is drawn by the drag. */
      if (self->drag == BP_DRAG_WIRE && self->old_to == edge->to && self->old_port == edge->to_port)
        continue;
      block_offset (self, a->id, &adx, &ady);
      block_offset (self, b->id, &bdx, &bdy);
      bp_graph_out_port_pos (a, &x1, &y1);
      bp_graph_in_port_pos (b, edge->to_port, &x2, &y2);
      curve (cr, x1 + adx, y1 + ady, x2 + bdx, y2 + bdy);
      gdk_cairo_set_source_rgba (cr, nr != NULL && nr->state == BP_NODE_BAD ? &red
                                     : bp_builder_canvas_is_selected (self, a->id)
                                           || bp_builder_canvas_is_selected (self, b->id)
                                       ? &accent
                                       : &wire);
      cairo_stroke (cr);
    }

  if (self->drag == BP_DRAG_WIRE)
    {
      double px, py, x, y;
      const bp_graph_node *n;

      bp_builder_canvas_to_canvas (self, self->drag_x0 + self->drag_dx,
                                   self->drag_y0 + self->drag_dy, &px, &py);
      if (self->hover_to != 0 && (n = bp_graph_find (g, self->hover_to)) != NULL
          && self->wire_from != 0)
        bp_graph_in_port_pos (n, self->hover_port, &px, &py);
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      if (self->wire_from != 0 && (n = bp_graph_find (g, self->wire_from)) != NULL)
        {
          bp_graph_out_port_pos (n, &x, &y);
          curve (cr, x, y, px, py);
        }
      else if ((n = bp_graph_find (g, self->wire_to)) != NULL)
        {
          if (self->hover_to != 0 && (n = bp_graph_find (g, self->hover_to)) != NULL)
            bp_graph_out_port_pos (n, &px, &py);
          n = bp_graph_find (g, self->wire_to);
          bp_graph_in_port_pos (n, self->wire_port, &x, &y);
          curve (cr, px, py, x, y);
        }
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
draw_grid (BpBuilderCanvas *self, GtkSnapshot *snapshot, int w, int h)
{
  gboolean dark = _bp_canvas_is_dark (self);
  GdkRGBA bg, dot;
  double step = GRID * self->zoom;
  float ox, oy;

  rgba_hex (dark ? 0x242428 : 0xf3f3f5, 1, &bg);
  fg_color (self, dark ? 0.16f : 0.18f, &dot);
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, (float) w, (float) h));
  if (step < 8)
    return;
  ox = (float) fmod (self->offset_x, step);
  oy = (float) fmod (self->offset_y, step);
  if (ox < 0)
    ox += (float) step;
  if (oy < 0)
    oy += (float) step;
  gtk_snapshot_push_repeat (snapshot, &GRAPHENE_RECT_INIT (0, 0, (float) w, (float) h),
                            &GRAPHENE_RECT_INIT (ox, oy, (float) step, (float) step));
  gtk_snapshot_append_color (snapshot, &dot, &GRAPHENE_RECT_INIT (ox, oy, 1.5f, 1.5f));
  gtk_snapshot_pop (snapshot);
}

void
_bp_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpBuilderCanvas *self = BP_BUILDER_CANVAS (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA accent;

  draw_grid (self, snapshot, w, h);
  if (self->graph == NULL)
    return;
  if (self->layout == NULL)
    {
      PangoFontDescription *font;

      self->layout = gtk_widget_create_pango_layout (widget, NULL);
      font = pango_font_description_copy (pango_context_get_font_description (
        pango_layout_get_context (self->layout)));
      pango_font_description_set_absolute_size (font, 12.5 * PANGO_SCALE);
      pango_layout_set_font_description (self->layout, font);
      pango_font_description_free (font);
    }
  rgba_hex (0x3584e4, 1, &accent);

  draw_wires (self, snapshot, w, h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) self->offset_x,
                                                          (float) self->offset_y));
  gtk_snapshot_scale (snapshot, (float) self->zoom, (float) self->zoom);
  for (int i = 0; i < self->graph->n_nodes; i++)
    {
      double dx, dy;
      block_offset (self, self->graph->nodes[i].id, &dx, &dy);
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD);
      draw_block (self, snapshot, i, dx, dy);
      draw_ports (self, snapshot, i, dx, dy);
    }
  if (self->drop_hover)
    {
      GskRoundedRect rr;
      GdkRGBA a2 = accent;
      double x, y;

      bp_builder_canvas_to_canvas (self, self->drop_x, self->drop_y, &x, &y);
      a2.alpha = 0.12f;
      gsk_rounded_rect_init_from_rect (&rr,
                                       &GRAPHENE_RECT_INIT ((float) (x - BP_GRAPH_BLOCK_W / 2),
                                                            (float) (y - BP_GRAPH_BLOCK_H / 2),
                                                            (float) BP_GRAPH_BLOCK_W,
                                                            (float) BP_GRAPH_BLOCK_H),
                                       (float) RADIUS);
      gtk_snapshot_push_rounded_clip (snapshot, &rr);
      gtk_snapshot_append_color (snapshot, &a2, &rr.bounds);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1.5f, 1.5f, 1.5f, 1.5f },
                                  (GdkRGBA[4]) { accent, accent, accent, accent });
    }
  gtk_snapshot_restore (snapshot);

  if (self->drag == BP_DRAG_BAND)
    {
      graphene_rect_t band;
      GdkRGBA a2 = accent;

      graphene_rect_init (&band, (float) MIN (self->drag_x0, self->drag_x0 + self->drag_dx),
                          (float) MIN (self->drag_y0, self->drag_y0 + self->drag_dy),
                          (float) fabs (self->drag_dx), (float) fabs (self->drag_dy));
      a2.alpha = 0.15f;
      gtk_snapshot_append_color (snapshot, &a2, &band);
      gtk_snapshot_append_border (snapshot,
                                  &GSK_ROUNDED_RECT_INIT (band.origin.x, band.origin.y,
                                                          band.size.width, band.size.height),
                                  (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { accent, accent, accent, accent });
    }
}
