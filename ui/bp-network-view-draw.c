/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Geometry, drawing and hit testing of the network view. */
#include "bp-config.h"

#include "bp-network-view-private.h"

#include "bp-palette.h"

#include <math.h>
#include <string.h>

#define BEZIER_SEGMENTS 12
#define REFRESH_INTERVAL_US (40 * G_TIME_SPAN_MILLISECOND)
#define LINKS_PER_FRAME 600
#define LINKS_PER_PART 16
#define LINK_HIT_DISTANCE 4.0

static int
max_column_size (BpNetworkView *self)
{
  int m = 1;

  for (int c = 0; c < self->n_columns; c++)
    m = MAX (m, self->columns[c].n);
  return m;
}

static void
neuron_area (BpNetworkView *self, double *top, double *height)
{
  *top = BP_NV_HEADER_H + BP_NV_COLUMN_HEAD_H;
  *height = MAX (gtk_widget_get_height (GTK_WIDGET (self)) - *top - BP_NV_FOOTER_H, 10.0);
}

static double
neuron_pitch (BpNetworkView *self)
{
  double top, height;

  neuron_area (self, &top, &height);
  return MIN (60.0, height / max_column_size (self));
}

/* The room between two columns' centres, were the neurons points. */
static double
column_spacing (BpNetworkView *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));

  return MAX (w - BP_NV_LEFT - BP_NV_RIGHT, 0.0) / MAX (self->n_columns - 1, 1);
}

double
_bp_nv_neuron_side (BpNetworkView *self)
{
  /* As tall as the column's pitch allows, but in a narrow window never wider than 45 % of the
   * room between columns: the links need the rest to be seen. */
  double side = MIN (neuron_pitch (self) * 0.8, column_spacing (self) * 0.45);

  return CLAMP (floor (side), 6.0, 48.0);
}

static double
column_x (BpNetworkView *self, int column)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double s = _bp_nv_neuron_side (self);
  double span = w - BP_NV_LEFT - BP_NV_RIGHT - s;

  if (self->n_columns < 2)
    return BP_NV_LEFT + s / 2;
  return floor (BP_NV_LEFT + s / 2 + span * column / (self->n_columns - 1)) + 0.5;
}

gboolean
_bp_nv_neuron_pos (BpNetworkView *self, int column, int index, double *x, double *y)
{
  double top, height, pitch;
  int n;

  if (column < 0 || column >= self->n_columns || index < 0 || index >= self->columns[column].n)
    return FALSE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return FALSE;
  n = self->columns[column].n;
  neuron_area (self, &top, &height);
  pitch = neuron_pitch (self);
  *x = column_x (self, column);
  /* Columns hang from the top, next to their buttons, as in TensorFlow Playground. */
  (void) height;
  (void) n;
  *y = floor (top + (index + 0.5) * pitch) + 0.5;
  return TRUE;
}

static void
link_ends (BpNetworkView *self, int layer, int out, int in, double p[4])
{
  double s = _bp_nv_neuron_side (self);

  _bp_nv_neuron_pos (self, layer, in, &p[0], &p[1]);
  _bp_nv_neuron_pos (self, layer + 1, out, &p[2], &p[3]);
  p[0] += s / 2;
  p[2] -= s / 2;
}

/* The cubic Bezier from (x0, y0) to (x1, y1) leaving and arriving horizontally. */
static void
bezier_at (const double p[4], double t, double *x, double *y)
{
  double xm = (p[0] + p[2]) / 2, u = 1 - t;

  *x = u * u * u * p[0] + 3 * u * u * t * xm + 3 * u * t * t * xm + t * t * t * p[2];
  *y = u * u * u * p[1] + 3 * u * u * t * p[1] + 3 * u * t * t * p[3] + t * t * t * p[3];
}

static double
segment_distance (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, t;

  t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

void
_bp_nv_hit_test (BpNetworkView *self, double x, double y, BpNvHit *hit)
{
  double s = _bp_nv_neuron_side (self);
  double best = LINK_HIT_DISTANCE;

  *hit = (BpNvHit) { BP_NV_HIT_NONE, -1, -1, -1, -1, -1 };
  for (int c = 0; c < self->n_columns; c++)
    {
      double cx = column_x (self, c);

      if (fabs (x - cx) > s / 2 + 2)
        continue;
      for (int i = 0; i < self->columns[c].n; i++)
        {
          double nx, ny;

          _bp_nv_neuron_pos (self, c, i, &nx, &ny);
          if (fabs (y - ny) <= s / 2 + 2)
            {
              hit->kind = BP_NV_HIT_NEURON;
              hit->column = c;
              hit->index = i;
              return;
            }
        }
    }

  /* Only the layer whose links span x can be under the pointer. */
  for (int l = 0; l + 1 < self->n_columns; l++)
    {
      if (x < column_x (self, l) + s / 2 || x > column_x (self, l + 1) - s / 2)
        continue;
      for (int o = 0; o < self->columns[l + 1].n; o++)
        for (int i = 0; i < self->columns[l].n; i++)
          {
            double p[4], ax, ay, bx, by;

            link_ends (self, l, o, i, p);
            bezier_at (p, 0, &ax, &ay);
            for (int k = 1; k <= BEZIER_SEGMENTS; k++)
              {
                double d;

                bezier_at (p, (double) k / BEZIER_SEGMENTS, &bx, &by);
                if (x >= MIN (ax, bx) - best && x <= MAX (ax, bx) + best)
                  {
                    d = segment_distance (x, y, ax, ay, bx, by);
                    if (d < best)
                      {
                        best = d;
                        *hit = (BpNvHit) { BP_NV_HIT_LINK, -1, -1, l, o, i };
                      }
                  }
                ax = bx;
                ay = by;
              }
          }
      break;
    }
}

static void
neuron_name (BpNetworkView *self, int column, int index, char *buf, size_t len)
{
  if (column == 0)
    g_snprintf (buf, len, "%s", self->columns[0].names ? self->columns[0].names[index] : "x");
  else if (column == self->n_columns - 1)
    g_snprintf (buf, len, "output %d", index + 1);
  else
    g_snprintf (buf, len, "layer %d neuron %d", column, index + 1);
}

char *
_bp_nv_describe (BpNetworkView *self, const BpNvHit *hit)
{
  char a[64], b[64];

  if (hit->kind == BP_NV_HIT_NEURON)
    {
      BpNvColumn *prev = hit->column > 0 ? &self->columns[hit->column - 1] : NULL;

      neuron_name (self, hit->column, hit->index, a, sizeof a);
      if (prev != NULL && prev->biases != NULL)
        return g_strdup_printf ("%s\nbias %.4f", a, prev->biases[hit->index]);
      return g_strdup (a);
    }
  if (hit->kind == BP_NV_HIT_LINK)
    {
      BpNvColumn *col = &self->columns[hit->layer];
      size_t k = (size_t) hit->out * col->n + hit->in;

      neuron_name (self, hit->layer, hit->in, a, sizeof a);
      neuron_name (self, hit->layer + 1, hit->out, b, sizeof b);
      if (col->weights == NULL)
        return g_strdup_printf ("%s → %s", a, b);
      if (col->grads != NULL)
        return g_strdup_printf ("%s → %s\nweight %.4f\n|∂L/∂w| %.3g\nclick to edit", a, b,
                                col->weights[k], col->grads[k]);
      return g_strdup_printf ("%s → %s\nweight %.4f\nclick to edit", a, b, col->weights[k]);
    }
  return NULL;
}

void
_bp_nv_drop_links (BpNetworkView *self, int layer)
{
  for (int l = 0; l < BP_NETWORK_VIEW_MAX_COLUMNS; l++)
    if (layer < 0 || l == layer)
      {
        for (int p = 0; p < BP_NV_LINK_PARTS; p++)
          g_clear_pointer (&self->links_nodes[l][p], gsk_render_node_unref);
        self->links_stale[l] = 0;
        self->links_grey[l] = 0;
      }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_bp_nv_links_stale (BpNetworkView *self, int layer)
{
  self->links_stale[layer] = (1u << BP_NV_LINK_PARTS) - 1;
}

/* How many parts a layer's links are drawn in (one per range of the next column's neurons). */
static int
link_parts (BpNetworkView *self, int layer)
{
  int n_out = self->columns[layer + 1].n, n = self->columns[layer].n * n_out;

  return CLAMP ((n + LINKS_PER_PART - 1) / LINKS_PER_PART, 1, MIN (BP_NV_LINK_PARTS, MAX (n_out, 1)));
}

/* The next column's neurons whose links part p of `parts` draws: [o0, o1). */
static void
part_outputs (BpNetworkView *self, int layer, int p, int parts, int *o0, int *o1)
{
  int n_out = self->columns[layer + 1].n;

  *o0 = n_out * p / parts;
  *o1 = n_out * (p + 1) / parts;
}

void
_bp_nv_drop_columns (BpNetworkView *self, int column)
{
  for (int c = 0; c < self->n_columns; c++)
    if (column < 0 || c == column)
      g_clear_pointer (&self->columns[c].column_node, gsk_render_node_unref);
}

void
_bp_nv_drop_textures (BpNetworkView *self)
{
  _bp_nv_drop_links (self, -1);
  _bp_nv_drop_columns (self, -1);
  g_clear_pointer (&self->labels_node, gsk_render_node_unref);
  for (int c = 0; c < self->n_columns; c++)
    if (self->columns[c].nodes != NULL)
      for (int i = 0; i < self->columns[c].n; i++)
        g_clear_pointer (&self->columns[c].nodes[i], gsk_render_node_unref);
}

static GskRenderNode *
neuron_node (BpNetworkView *self, int c, int i, const graphene_rect_t *r, gboolean refresh)
{
  BpNvColumn *col = &self->columns[c];
  const float *v;
  size_t n;
  float m = 0;

  if (col->thumbs == NULL)
    return NULL;
  if (col->nodes == NULL)
    col->nodes = g_new0 (GskRenderNode *, col->n);
  if (refresh)
    g_clear_pointer (&col->nodes[i], gsk_render_node_unref);
  if (col->nodes[i] != NULL)
    return col->nodes[i];
  n = (size_t) col->thumb_side * col->thumb_side;
  v = col->thumbs + n * i;
  /* Outputs of tanh fill [-1, 1] as they are; wider ranges (ReLU, raw inputs) are scaled to
   * their largest magnitude so the pattern shows. */
  for (size_t k = 0; k < n; k++)
    if (isfinite (v[k]))
      m = MAX (m, fabsf (v[k]));
  col->nodes[i] = bp_palette_grid_node (GTK_WIDGET (self), v, col->thumb_side, 1,
                                        BP_GRID_SIGNED, MAX (m, 1.0f), FALSE, r);
  return col->nodes[i];
}

/* Largest |dL/dw| in the network: gradient links are drawn relative to it, on a log scale, so
 * vanishing gradients in early layers show as fading links. */
static float
max_grad (BpNetworkView *self)
{
  float m = 0;

  for (int l = 0; l + 1 < self->n_columns; l++)
    if (self->columns[l].grads != NULL)
      {
        size_t n = (size_t) self->columns[l].n * self->columns[l + 1].n;

        for (size_t k = 0; k < n; k++)
          if (isfinite (self->columns[l].grads[k]))
            m = MAX (m, fabsf (self->columns[l].grads[k]));
      }
  return m;
}

/* The links of layer l into neurons [o0, o1) of the next column, in the order a whole layer
 * draws them: parts drawn one over the other look as the layer drawn at once. */
static void
draw_links (BpNetworkView *self, cairo_t *cr, gboolean dark, int l, int o0, int o1)
{
  float gmax = self->show_gradients ? max_grad (self) : 0;
  BpNvColumn *col = &self->columns[l];

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  /* A third of a pixel is finer than the eye sees on these curves and halves the segments. */
  cairo_set_tolerance (cr, 0.3);
  for (int o = o0; o < o1; o++)
    for (int i = 0; i < col->n; i++)
      {
        size_t k = (size_t) o * col->n + i;
        double p[4], xm, width, alpha = 0.9;
        GdkRGBA c;
        gboolean dead = FALSE;

        link_ends (self, l, o, i, p);
        if (self->show_gradients)
          {
            double g = col->grads != NULL ? fabsf (col->grads[k]) : 0, t = 0;

            if (gmax > 0 && g > 0)
              t = CLAMP (1.0 + log10 (g / gmax) / 4.0, 0.0, 1.0);
            c = (GdkRGBA) { 0.75f, 0.38f, 0.80f, 1 };
            width = 0.5 + 7.5 * t;
            alpha = 0.15 + 0.85 * t;
          }
        else if (col->weights != NULL)
          {
            float w = col->weights[k];

            dead = self->show_dead && fabsf (w) < 1e-4f;
            bp_palette_signed_color (isfinite (w) ? CLAMP (w, -1.f, 1.f) : 0, dark, &c);
            width = 1.0 + 9.0 * MIN (fabsf (w), 5.0f) / 5.0;
            /* Keep weak links visible against the background. */
            alpha = 0.35 + 0.65 * MIN (fabsf (w), 1.0f);
          }
        else
          {
            c = (GdkRGBA) { 0.5f, 0.5f, 0.5f, 1 };
            width = 1;
            alpha = 0.3;
          }
        if (self->hover.kind == BP_NV_HIT_LINK && self->hover.layer == l
            && self->hover.out == o && self->hover.in == i)
          width += 2, alpha = 1;

        xm = (p[0] + p[2]) / 2;
        cairo_move_to (cr, p[0], p[1]);
        cairo_curve_to (cr, xm, p[1], xm, p[3], p[2], p[3]);
        if (dead)
          {
            static const double dash[] = { 2, 3 };

            cairo_set_dash (cr, dash, 2, 0);
            cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
            cairo_set_line_width (cr, 1);
            cairo_stroke (cr);
            cairo_set_dash (cr, NULL, 0, 0);
          }
        else
          {
            cairo_set_source_rgba (cr, c.red, c.green, c.blue, alpha);
            cairo_set_line_width (cr, width);
            cairo_stroke (cr);
          }
      }
}

static void
append_text (BpNetworkView *self, GtkSnapshot *snapshot, const char *text, double x, double y,
             double xalign, double yalign, const GdkRGBA *color, gboolean small)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int lw, lh;

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &lw, &lh);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) round (x - xalign * lw),
                                                          (float) round (y - yalign * lh)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* The biases to draw at column c's neurons ((n) or NULL). Paced, a copy taken when the
 * column's thumbnails are redrawn (or first drawn). */
static const float *
column_biases (BpNetworkView *self, int c, gboolean refresh)
{
  BpNvColumn *col = &self->columns[c];
  const float *b = c > 0 ? self->columns[c - 1].biases : NULL;

  if (!self->paced || b == NULL)
    return b;
  if (col->biases_shown == NULL || refresh)
    {
      if (col->biases_shown == NULL)
        col->biases_shown = g_new (float, col->n);
      memcpy (col->biases_shown, b, (size_t) col->n * sizeof (float));
    }
  return col->biases_shown;
}

static void
draw_neurons (BpNetworkView *self, GtkSnapshot *parent, gboolean dark, const GdkRGBA *fg,
              const gboolean *refresh)
{
  double s = _bp_nv_neuron_side (self);
  GdkRGBA border = *fg, empty = *fg;

  border.alpha = 0.45f;
  empty.alpha = 0.08f;
  for (int c = 0; c < self->n_columns; c++)
    {
      BpNvColumn *col = &self->columns[c];
      const float *biases;
      GtkSnapshot *snapshot;

      if (col->column_node != NULL && !refresh[c])
        {
          gtk_snapshot_append_node (parent, col->column_node);
          continue;
        }
      biases = column_biases (self, c, refresh[c]);
      snapshot = gtk_snapshot_new ();
      for (int i = 0; i < col->n; i++)
        {
          double x, y;
          graphene_rect_t r;
          GskRenderNode *thumb;
          gboolean hovered = self->hover.kind == BP_NV_HIT_NEURON && self->hover.column == c
                             && self->hover.index == i;
          float bw = hovered ? 2.f : 1.f;
          float widths[4] = { bw, bw, bw, bw };
          GdkRGBA bc = hovered ? *fg : border;
          GdkRGBA colors[4] = { bc, bc, bc, bc };

          _bp_nv_neuron_pos (self, c, i, &x, &y);
          graphene_rect_init (&r, (float) (x - s / 2), (float) (y - s / 2), (float) s, (float) s);
          thumb = neuron_node (self, c, i, &r, refresh[c]);
          if (thumb != NULL)
            gtk_snapshot_append_node (snapshot, thumb);
          else
            gtk_snapshot_append_color (snapshot, &empty, &r);
          gtk_snapshot_append_border (snapshot, &GSK_ROUNDED_RECT_INIT (r.origin.x, r.origin.y,
                                                                        r.size.width,
                                                                        r.size.height),
                                      widths, colors);

          /* The bias as a small square at the lower left, coloured by sign. */
          if (biases != NULL && s >= 14)
            {
              GdkRGBA bcol;
              float b = biases[i];

              bp_palette_signed_color (isfinite (b) ? CLAMP (b, -1.f, 1.f) : 0, dark, &bcol);
              gtk_snapshot_append_color (snapshot, &bcol,
                                         &GRAPHENE_RECT_INIT (r.origin.x - 3,
                                                              r.origin.y + r.size.height - 5,
                                                              6, 6));
            }
        }
      g_clear_pointer (&col->column_node, gsk_render_node_unref);
      col->column_node = gtk_snapshot_free_to_node (snapshot);
      if (col->column_node != NULL)
        gtk_snapshot_append_node (parent, col->column_node);
    }
}

static GskRenderNode *
build_labels (BpNetworkView *self, int w, int h, const GdkRGBA *fg_in, const GdkRGBA *dim_in)
{
  GtkSnapshot *ls = gtk_snapshot_new ();
  GdkRGBA fg = *fg_in, dim = *dim_in;
  double s = _bp_nv_neuron_side (self);

  for (int i = 0; i < self->columns[0].n && self->columns[0].names != NULL; i++)
    {
      double x, y;

      _bp_nv_neuron_pos (self, 0, i, &x, &y);
      append_text (self, ls, self->columns[0].names[i], x - s / 2 - 6, y, 1.0, 0.5, &dim, FALSE);
    }
  /* Column headings and captions. */
  for (int c = 0; c < self->n_columns; c++)
    {
      char buf[64];
      double x = column_x (self, c);
      int n = self->columns[c].n;

      if (c == 0)
        g_snprintf (buf, sizeof buf, "%d input%s", n, n == 1 ? "" : "s");
      else if (c == self->n_columns - 1)
        g_snprintf (buf, sizeof buf, "output");
      else if (column_spacing (self) < 80.0) /* "8 neurons" would touch its neighbours */
        g_snprintf (buf, sizeof buf, "%d", n);
      else
        g_snprintf (buf, sizeof buf, "%d neuron%s", n, n == 1 ? "" : "s");
      append_text (self, ls, buf, x, BP_NV_HEADER_H + BP_NV_COLUMN_HEAD_H - 4, 0.5, 1.0,
                   &dim, TRUE);
      if (self->columns[c].caption != NULL)
        append_text (self, ls, self->columns[c].caption, x, h - 3, 0.5, 1.0, &dim, TRUE);
    }
  {
    int hidden = self->n_columns - 2;
    char buf[64];

    g_snprintf (buf, sizeof buf, "%d hidden layer%s", hidden, hidden == 1 ? "" : "s");
    append_text (self, ls, buf, w / 2.0, BP_NV_HEADER_H / 2, 0.5, 0.5, &fg, FALSE);
  }
  if (self->show_gradients)
    append_text (self, ls, "links: |∂L/∂w|, log scale", w - 4, BP_NV_HEADER_H / 2, 1.0,
                 0.5, &dim, TRUE);

  return gtk_snapshot_free_to_node (ls);
}

/* Part p of a layer's links, drawn between its two columns. */
static GskRenderNode *
build_links (BpNetworkView *self, int layer, int p, gboolean dark, int height)
{
  double s = _bp_nv_neuron_side (self);
  double x0 = floor (column_x (self, layer) + s / 2), x1 = ceil (column_x (self, layer + 1) - s / 2);
  cairo_surface_t *surface;
  cairo_t *cr;
  int o0, o1;

  if (self->columns[layer].weights == NULL)
    self->links_grey[layer] |= 1u << p;
  else
    self->links_grey[layer] &= ~(1u << p);
  if (x1 <= x0 || height <= 0)
    return NULL;
  part_outputs (self, layer, p, link_parts (self, layer), &o0, &o1);
  surface = bp_palette_surface_new (GTK_WIDGET (self), (int) (x1 - x0), height);
  cr = cairo_create (surface);
  cairo_translate (cr, -x0, 0);
  draw_links (self, cr, dark, layer, o0, o1);
  cairo_destroy (cr);
  return bp_palette_surface_node (surface, &GRAPHENE_RECT_INIT ((float) x0, 0, (float) (x1 - x0),
                                                                (float) height));
}

static gboolean
refresh_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  BpNetworkView *self = BP_NETWORK_VIEW (widget);

  self->refresh_tick = 0;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

void
_bp_nv_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BpNetworkView *self = BP_NETWORK_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gboolean dark = bp_palette_is_dark ();
  GdkRGBA fg, dim;

  if (self->n_columns < 2 || w <= 0 || h <= 0)
    return;
  bp_palette_widget_fg (widget, &fg);
  dim = fg;
  dim.alpha = 0.65f;

  /* The links and thumbnails. Missing parts of links are drawn first, up to LINKS_PER_FRAME
   * links a frame (at least one part); then one stale part of a layer's links or one stale
   * column of thumbnails, once refresh_interval has passed since the last (new weights come
   * at the session's snapshot rate, ~30 a second): a pause in proportion to the links just
   * drawn, so that the whole network is brought up to date a few times a second whatever
   * its size. What is left waits for the next frames. */
  {
    gint64 now = g_get_monotonic_time ();
    int n_units = 0, built = 0, budget;
    gboolean refresh[BP_NETWORK_VIEW_MAX_COLUMNS] = { FALSE };
    gboolean more = FALSE;

    for (int c = 0; c + 1 < self->n_columns; c++)
      {
        int parts = link_parts (self, c);

        for (int p = 0; p < parts; p++)
          if (self->links_nodes[c][p] == NULL)
            {
              int o0, o1, n;

              part_outputs (self, c, p, parts, &o0, &o1);
              n = self->columns[c].n * (o1 - o0);
              if (built > 0 && built + n > LINKS_PER_FRAME)
                {
                  more = TRUE;
                  continue;
                }
              self->links_nodes[c][p] = build_links (self, c, p, dark, h);
              self->links_stale[c] &= ~(1u << p);
              built += MAX (n, 1);
            }
      }
    /* Units in order: the parts of column 0's links, column 0's thumbnails, column 1's ... */
    for (int c = 0; c < self->n_columns; c++)
      n_units += (c + 1 < self->n_columns ? link_parts (self, c) : 0) + 1;
    if (self->paced)
      budget = self->refresh_grant;
    else
      budget = built == 0 && now - self->refresh_time >= self->refresh_interval ? 1 : 0;
    self->refresh_grant = 0;
    for (int k = 0, u0 = self->refresh_next % MAX (n_units, 1), used = budget; k < n_units; k++)
      {
        int u = (u0 + k) % n_units, c = 0, p;

        /* Paced, one frame's parts are neighbours: the round does not wrap from the output
         * column back to the inputs within a frame (that frame would span the network). */
        if (self->paced && budget < used && u0 + k >= n_units)
          budget = 0;

        /* Unit u -> column c and part p (p == parts: the thumbnails). */
        for (p = u;; c++)
          {
            int parts = c + 1 < self->n_columns ? link_parts (self, c) : 0;

            if (p <= parts)
              break;
            p -= parts + 1;
          }
        if (c + 1 < self->n_columns && p < link_parts (self, c))
          {
            if ((self->links_stale[c] & (1u << p)) && self->links_nodes[c][p] != NULL)
              {
                if (budget > 0)
                  {
                    int o0, o1;

                    part_outputs (self, c, p, link_parts (self, c), &o0, &o1);
                    budget--;
                    self->refresh_next = u + 1;
                    self->refresh_time = now;
                    self->refresh_interval = REFRESH_INTERVAL_US * MAX (1, self->columns[c].n
                                                                             * (o1 - o0))
                                             / 64;
                    g_clear_pointer (&self->links_nodes[c][p], gsk_render_node_unref);
                    self->links_nodes[c][p] = build_links (self, c, p, dark, h);
                    self->links_stale[c] &= ~(1u << p);
                  }
                else
                  more = TRUE;
              }
          }
        else if (self->thumbs_stale[c])
          {
            if (budget > 0)
              {
                budget--;
                self->refresh_next = u + 1;
                self->refresh_time = now;
                self->refresh_interval = REFRESH_INTERVAL_US;
                refresh[c] = TRUE;
                self->thumbs_stale[c] = FALSE;
              }
            else
              more = TRUE;
          }
      }
    for (int l = 0; l + 1 < self->n_columns; l++)
      for (int p = 0; p < link_parts (self, l); p++)
        if (self->links_nodes[l][p] != NULL)
          gtk_snapshot_append_node (snapshot, self->links_nodes[l][p]);
    draw_neurons (self, snapshot, dark, &fg, refresh);
    if (more && !self->paced && self->refresh_tick == 0)
      self->refresh_tick = gtk_widget_add_tick_callback (widget, refresh_tick, NULL, NULL);
  }

  /* Text changes with the layout, not with the weights. */
  if (self->labels_node == NULL)
    self->labels_node = build_labels (self, w, h, &fg, &dim);
  if (self->labels_node != NULL)
    gtk_snapshot_append_node (snapshot, self->labels_node);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}
