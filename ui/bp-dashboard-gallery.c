/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Evaluation part's gallery: the rows of a clicked confusion-matrix cell, or the mistakes
 * (most confident first), each with a caption that names its percentages. It shows every row
 * of its pick, in batches as it scrolls: a cell of Fashion-MNIST's diagonal holds ~900 test
 * rows, too many widgets to make at once. Its state hangs on the flow box (the dashboard's
 * struct belongs to bp-dashboard.c). */
#include "bp-config.h"

#include "bp-dashboard-gallery.h"

#include "bp-dashboard-private.h"
#include "bp-data-explorer-images.h"

#define GALLERY_BATCH 48
#define GALLERY_KEY "bp-gallery-state"

typedef struct {
  BpDashboard *dash;
  BpModelView *model; /* (owned) the evaluation the picks index, kept while it is shown */
  GArray *picks;      /* guint32 indices into model->rows, in the order shown */
  guint shown;
  char *title;        /* what the picks are, without the "scroll for more" */
  guint idle_id;
} GalleryState;

static void
gallery_state_free (gpointer data)
{
  GalleryState *st = data;

  g_clear_handle_id (&st->idle_id, g_source_remove);
  g_array_unref (st->picks);
  bp_model_view_unref (st->model);
  g_free (st->title);
  g_free (st);
}

static const char *
class_name (BpModelView *m, int k)
{
  return m->src->ds->class_names[k];
}

/* One example's caption, in markup, and its tooltip. A mistake says what the network
 * predicted and what it gave the true class; a right answer what it gave the runner-up. */
static void
gallery_caption (BpModelView *m, guint32 i, char **markup, char **tooltip)
{
  const float *p = m->outputs + (gsize) i * m->n_outputs;
  guint32 row = m->rows[i];
  int t = m->labels[i], y = m->pred[i], second = -1;
  g_autofree char *tn = g_markup_escape_text (class_name (m, t), -1);
  g_autofree char *yn = g_markup_escape_text (class_name (m, y), -1);

  for (int k = 0; k < m->n_outputs; k++)
    if (k != y && (second < 0 || p[k] > p[second]))
      second = k;
  if (t != y)
    {
      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>: %.0f %%\ntrue %s: %.0f %%", row,
                                 yn, 100 * p[y], tn, 100 * p[t]);
      *tooltip = g_strdup_printf ("%s row %u, true class %s: the network predicted %s with a "
                                  "probability of %.1f %% and gave the true class %.1f %%.",
                                  m->eval_rows_name, row, class_name (m, t), class_name (m, y),
                                  100 * p[y], 100 * p[t]);
    }
  else if (second >= 0)
    {
      g_autofree char *sn = g_markup_escape_text (class_name (m, second), -1);

      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>: %.0f %%\nrunner-up %s: %.0f %%",
                                 row, yn, 100 * p[y], sn, 100 * p[second]);
      *tooltip = g_strdup_printf ("%s row %u, true class %s: the network predicted it with a "
                                  "probability of %.1f %%; the runner-up, %s, got %.1f %%.",
                                  m->eval_rows_name, row, class_name (m, t), 100 * p[y],
                                  class_name (m, second), 100 * p[second]);
    }
  else
    {
      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>", row, yn);
      *tooltip = g_strdup_printf ("%s row %u, true class %s", m->eval_rows_name, row,
                                  class_name (m, t));
    }
  /* "test row 12 ...": the tooltip is a sentence. */
  (*tooltip)[0] = g_ascii_toupper ((*tooltip)[0]);
}

/* One example: its picture (or first features) and its caption. */
static GtkWidget *
gallery_item (BpModelView *m, guint32 i)
{
  const bp_dataset *ds = m->src->ds;
  guint32 row = m->rows[i];
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autoptr (GdkTexture) tex =
    bp_dataset_row_texture (ds, row, MAX (1, 84 / MAX (ds->image_width, 1)));
  g_autofree char *markup = NULL, *tooltip = NULL;
  GtkWidget *label;

  if (tex != NULL)
    {
      GtkWidget *pic = gtk_picture_new_for_paintable (GDK_PAINTABLE (tex));

      gtk_picture_set_can_shrink (GTK_PICTURE (pic), FALSE);
      gtk_box_append (GTK_BOX (box), pic);
    }
  else
    {
      g_autoptr (GString) f = g_string_new (NULL);

      for (int j = 0; j < MIN (ds->n_features, 3); j++)
        g_string_append_printf (f, "%s%s %.3g", j ? "\n" : "", ds->feature_names[j],
                                bp_dataset_feature (ds, row, j));
      GtkWidget *features = gtk_label_new (f->str);

      gtk_label_set_xalign (GTK_LABEL (features), 0);
      gtk_box_append (GTK_BOX (box), features);
    }
  gallery_caption (m, i, &markup, &tooltip);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_tooltip_text (box, tooltip);
  return box;
}

static int
by_confidence (gconstpointer a, gconstpointer b, gpointer data)
{
  const BpModelView *m = data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  float px = m->outputs[(gsize) x * m->n_outputs + m->pred[x]];
  float py = m->outputs[(gsize) y * m->n_outputs + m->pred[y]];

  return (py > px) - (py < px);
}

static void
gallery_show_title (GalleryState *st)
{
  g_autofree char *text = NULL;

  if (st->shown < st->picks->len)
    text = g_strdup_printf ("%s — the first %u shown; scroll down for more", st->title,
                            st->shown);
  gtk_label_set_text (st->dash->gallery_label, text != NULL ? text : st->title);
}

/* The next batch: from the evaluation the gallery was made from, even when the dashboard has
 * a newer copy of the weights meanwhile. */
static void
gallery_add_batch (GalleryState *st)
{
  guint end = MIN (st->picks->len, st->shown + GALLERY_BATCH);

  for (; st->shown < end; st->shown++)
    gtk_flow_box_append (st->dash->gallery,
                         gallery_item (st->model, g_array_index (st->picks, guint32, st->shown)));
  gallery_show_title (st);
}

static gboolean
gallery_idle (gpointer data)
{
  GalleryState *st = data;

  st->idle_id = 0;
  gallery_add_batch (st);
  return G_SOURCE_REMOVE;
}

/* Near the bottom (or with the items so far not filling the view), add the next batch: from
 * an idle, as this runs inside size allocation when the adjustment's range changes. */
static void
on_gallery_scrolled (GtkAdjustment *adj, BpDashboard *self)
{
  GalleryState *st = g_object_get_data (G_OBJECT (self->gallery), GALLERY_KEY);
  double page = gtk_adjustment_get_page_size (adj);

  if (st == NULL || st->shown >= st->picks->len || st->idle_id != 0 || page <= 0)
    return;
  if (gtk_adjustment_get_value (adj) + 1.5 * page >= gtk_adjustment_get_upper (adj))
    st->idle_id = g_idle_add (gallery_idle, st);
}

/* The rows of one cell, or (t < 0) the mistakes, most confident first. */
void
_bp_dashboard_gallery_fill (BpDashboard *self, int t, int p)
{
  BpModelView *m = self->model;
  GalleryState *st;
  GtkAdjustment *adj;

  g_object_set_data (G_OBJECT (self->gallery), GALLERY_KEY, NULL);
  _bp_dashboard_clear_children (GTK_WIDGET (self->gallery));
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_ancestor (GTK_WIDGET (self->gallery), GTK_TYPE_SCROLLED_WINDOW)));
  gtk_adjustment_set_value (adj, 0);
  if (m == NULL || !m->evaluated || m->labels == NULL)
    return;
  st = g_new0 (GalleryState, 1);
  st->dash = self;
  st->model = bp_model_view_ref (m);
  st->picks = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 i = 0; i < m->n_rows; i++)
    if (t < 0 ? m->labels[i] != m->pred[i] : (m->labels[i] == t && m->pred[i] == p))
      g_array_append_val (st->picks, i);
  if (t < 0 && st->picks->len == 0)
    st->title = g_strdup_printf ("All %'u %s rows are classified correctly: no mistakes to show. "
                                 "Click a cell of the matrix to see its rows.",
                                 m->n_rows, m->eval_rows_name);
  else if (t < 0)
    {
      /* Most confident mistakes first: they say the most about what the network learnt. */
      g_array_sort_with_data (st->picks, by_confidence, m);
      st->title = g_strdup_printf ("%'u of %'u %s rows misclassified, the most confident "
                                   "mistakes first",
                                   st->picks->len, m->n_rows, m->eval_rows_name);
    }
  else if (st->picks->len == 0)
    st->title = g_strdup_printf ("No %s rows of true %s were predicted as %s.",
                                 m->eval_rows_name, class_name (m, t), class_name (m, p));
  else
    st->title = g_strdup_printf ("True %s predicted as %s: %'u row%s", class_name (m, t),
                                 class_name (m, p), st->picks->len,
                                 st->picks->len == 1 ? "" : "s");
  g_object_set_data_full (G_OBJECT (self->gallery), GALLERY_KEY, st, gallery_state_free);
  gallery_add_batch (st);
}

void
_bp_dashboard_gallery_init (BpDashboard *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_ancestor (GTK_WIDGET (self->gallery), GTK_TYPE_SCROLLED_WINDOW)));

  g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_gallery_scrolled), self, 0);
  g_signal_connect_object (adj, "changed", G_CALLBACK (on_gallery_scrolled), self, 0);
}

void
_bp_dashboard_gallery_dispose (BpDashboard *self)
{
  /* Its idle would add to a gallery that is going. */
  if (self->gallery != NULL)
    g_object_set_data (G_OBJECT (self->gallery), GALLERY_KEY, NULL);
}
