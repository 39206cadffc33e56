/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's evaluation: the confusion matrix of the test rows, per-class precision,
 * recall and F1, a gallery of the examples it got wrong (or of one clicked cell) with their
 * probabilities; for regression, predicted-vs-actual and residual plots with RMSE and R². And
 * the drawing pad, whose drawing the latest copy of the network classifies as it changes. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-data-explorer-images.h"

#include <math.h>

static void
clear_children (GtkWidget *w)
{
  GtkWidget *c;

  while ((c = gtk_widget_get_first_child (w)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (w))
        gtk_flow_box_remove (GTK_FLOW_BOX (w), c);
      else if (GTK_IS_GRID (w))
        gtk_grid_remove (GTK_GRID (w), c);
      else
        gtk_widget_unparent (c);
    }
}

static GtkWidget *
cell_label (const char *text, gboolean numeric, gboolean bold)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), numeric ? 1 : 0);
  if (numeric)
    gtk_widget_add_css_class (l, "numeric");
  if (bold)
    gtk_widget_add_css_class (l, "heading");
  return l;
}

static void
grid_row (GtkGrid *grid, int row, const char *name, const bp_class_scores *s, gboolean bold)
{
  char p[16], r[16], f[16], n[32];

  g_snprintf (p, sizeof p, "%.3f", s->precision);
  g_snprintf (r, sizeof r, "%.3f", s->recall);
  g_snprintf (f, sizeof f, "%.3f", s->f1);
  g_snprintf (n, sizeof n, "%'" G_GINT64_FORMAT, s->support);
  gtk_grid_attach (grid, cell_label (name, FALSE, bold), 0, row, 1, 1);
  gtk_grid_attach (grid, cell_label (p, TRUE, FALSE), 1, row, 1, 1);
  gtk_grid_attach (grid, cell_label (r, TRUE, FALSE), 2, row, 1, 1);
  gtk_grid_attach (grid, cell_label (f, TRUE, FALSE), 3, row, 1, 1);
  gtk_grid_attach (grid, cell_label (n, TRUE, FALSE), 4, row, 1, 1);
}

static void
fill_class_grid (BpDashboard *self, BpModelView *m)
{
  const bp_dataset *ds = m->src->ds;
  static const char *heads[] = { "Class", "Precision", "Recall", "F1", "Rows" };
  int row = 1;

  clear_children (GTK_WIDGET (self->class_grid));
  for (int c = 0; c < 5; c++)
    gtk_grid_attach (self->class_grid, cell_label (heads[c], c > 0, TRUE), c, 0, 1, 1);
  for (int k = 0; k < m->n_classes; k++)
    grid_row (self->class_grid, row++, ds->class_names[k], &m->scores[k], FALSE);
  gtk_grid_attach (self->class_grid, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, row++, 5,
                   1);
  grid_row (self->class_grid, row++, "macro average", &m->report.macro, TRUE);
  grid_row (self->class_grid, row++, "weighted average", &m->report.weighted, TRUE);
}

/* The gallery shows every row of its pick, in batches as it scrolls: a cell of Fashion-MNIST's
 * diagonal holds ~900 test rows, too many widgets to make at once. Its state hangs on the flow
 * box (the dashboard's struct is not this file's). */
#define GALLERY_BATCH 48
#define GALLERY_KEY "bp-gallery-state"

typedef struct {
  BpDashboard *dash;
  BpModelView *model; /* the view the picks index; none are added once it is replaced */
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
      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>: %.0f %%\ntrue %s: %.0f %%", row, yn,
                                 100 * p[y], tn, 100 * p[t]);
      *tooltip = g_strdup_printf ("%s row %u is a %s. The network predicted %s, with a "
                                  "probability of %.1f %%; it gave the true class %.1f %%.",
                                  m->eval_rows_name, row, class_name (m, t), class_name (m, y),
                                  100 * p[y], 100 * p[t]);
    }
  else if (second >= 0)
    {
      g_autofree char *sn = g_markup_escape_text (class_name (m, second), -1);

      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>: %.0f %%\nrunner-up %s: %.0f %%", row, yn,
                                 100 * p[y], sn, 100 * p[second]);
      *tooltip = g_strdup_printf ("%s row %u is a %s, and the network says so with a "
                                  "probability of %.1f %%; the runner-up, %s, got %.1f %%.",
                                  m->eval_rows_name, row, class_name (m, t), 100 * p[y],
                                  class_name (m, second), 100 * p[second]);
    }
  else
    {
      *markup = g_strdup_printf ("row %u\npredicted <b>%s</b>", row, yn);
      *tooltip = g_strdup_printf ("%s row %u, a %s", m->eval_rows_name, row, class_name (m, t));
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
  g_autoptr (GdkTexture) tex = bp_dataset_row_texture (ds, row, MAX (1, 84 / MAX (ds->image_width, 1)));
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
      gtk_box_append (GTK_BOX (box), cell_label (f->str, FALSE, FALSE));
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

/* The next batch, while the model it indexes is still the dashboard's. */
static void
gallery_add_batch (GalleryState *st)
{
  guint end = MIN (st->picks->len, st->shown + GALLERY_BATCH);

  if (st->dash->model != st->model)
    return;
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
static void
fill_gallery (BpDashboard *self, int t, int p)
{
  BpModelView *m = self->model;
  GalleryState *st;
  GtkAdjustment *adj;

  g_object_set_data (G_OBJECT (self->gallery), GALLERY_KEY, NULL);
  clear_children (GTK_WIDGET (self->gallery));
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_ancestor (GTK_WIDGET (self->gallery), GTK_TYPE_SCROLLED_WINDOW)));
  gtk_adjustment_set_value (adj, 0);
  if (m == NULL || !m->evaluated || m->labels == NULL)
    return;
  st = g_new0 (GalleryState, 1);
  st->dash = self;
  st->model = m;
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

static void
show_regression (BpDashboard *self, BpModelView *m)
{
  g_autofree double *x = g_new (double, MAX (m->n_rows, 1));
  g_autofree double *xp = g_new (double, MAX (m->n_rows, 1));
  double lo = INFINITY, hi = -INFINITY;
  double line_x[2];
  float line_y[2];
  guint id;

  for (guint32 i = 0; i < m->n_rows; i++)
    {
      x[i] = m->targets[i];
      xp[i] = m->predicted[i];
      lo = MIN (lo, MIN (m->targets[i], m->predicted[i]));
      hi = MAX (hi, MAX (m->targets[i], m->predicted[i]));
    }
  bp_chart_clear (self->scatter_chart);
  bp_chart_clear (self->residual_chart);
  id = bp_chart_add_series (self->scatter_chart, "rows", NULL, BP_CHART_POINTS);
  bp_chart_series_append (self->scatter_chart, id, x, m->predicted, m->n_rows);
  line_x[0] = lo;
  line_x[1] = hi;
  line_y[0] = (float) lo;
  line_y[1] = (float) hi;
  id = bp_chart_add_series (self->scatter_chart, "perfect", NULL, BP_CHART_LINE);
  bp_chart_series_append (self->scatter_chart, id, line_x, line_y, 2);
  bp_chart_set_x_label (self->scatter_chart, "actual");
  id = bp_chart_add_series (self->residual_chart, "rows", NULL, BP_CHART_POINTS);
  bp_chart_series_append (self->residual_chart, id, xp, m->residuals, m->n_rows);
  bp_chart_set_x_label (self->residual_chart, "predicted");
}

void
_bp_dashboard_eval_show (BpDashboard *self)
{
  BpModelView *m = self->model;
  g_autofree char *summary = NULL;

  if (m == NULL || !m->evaluated)
    return;
  /* Normalising a confusion matrix means nothing for regression, which has none. */
  gtk_widget_set_visible (GTK_WIDGET (self->norm_drop), m->n_classes > 0);
  if (m->n_classes > 0)
    {
      const bp_dataset *ds = m->src->ds;

      bp_confusion_set_matrix (self->confusion, m->cm, m->n_classes,
                               (const char *const *) ds->class_names);
      bp_confusion_set_selected (self->confusion, -1, -1);
      fill_class_grid (self, m);
      fill_gallery (self, -1, -1);
      summary = g_strdup_printf ("<b>%s accuracy %.2f %%</b> · loss %.4f · macro F1 %.3f · "
                                 "%'u %s rows · the weights of step %'" G_GUINT64_FORMAT,
                                 m->eval_rows_name[0] == 't' ? "Test" : "Validation",
                                 100 * m->report.accuracy, m->loss, m->report.macro.f1, m->n_rows,
                                 m->eval_rows_name, m->step);
      gtk_stack_set_visible_child_name (self->eval_stack, "classification");
    }
  else
    {
      show_regression (self, m);
      summary = g_strdup_printf ("<b>RMSE %.4g</b> · R² %.4f · MAE %.4g · %'u %s rows · the "
                                 "weights of step %'" G_GUINT64_FORMAT,
                                 m->regression.rmse, m->regression.r2, m->regression.mae,
                                 m->n_rows, m->eval_rows_name, m->step);
      gtk_stack_set_visible_child_name (self->eval_stack, "regression");
    }
  gtk_label_set_markup (self->eval_label, summary);
}

static void
on_evaluate_clicked (GtkButton *button, BpDashboard *self)
{
  if (!bp_dashboard_training_has_session (self->training))
    {
      gtk_label_set_text (self->eval_label, "Evaluation needs a run of the dashboard's own: "
                                            "press New Run");
      return;
    }
  _bp_dashboard_request_model (self, TRUE);
}

void
_bp_dashboard_eval_set_busy (BpDashboard *self, gboolean busy)
{
  self->eval_busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->evaluate_button), !busy);
  gtk_button_set_label (self->evaluate_button, busy ? "Evaluating…" : "_Evaluate");
  gtk_widget_set_visible (GTK_WIDGET (self->eval_spinner), busy);
  gtk_spinner_set_spinning (self->eval_spinner, busy);
}

static void
on_norm (GObject *drop, GParamSpec *pspec, BpDashboard *self)
{
  bp_confusion_set_normalize (self->confusion, (bp_cm_norm) gtk_drop_down_get_selected (self->norm_drop));
}

static void
on_cell (BpConfusion *confusion, int t, int p, BpDashboard *self)
{
  fill_gallery (self, t, p);
}

static void
on_pad_changed (BpDrawPad *pad, BpDashboard *self)
{
  _bp_dashboard_draw_predict (self);
}

static void
on_clear_clicked (GtkButton *button, BpDashboard *self)
{
  bp_draw_pad_clear (self->draw_pad);
}

static void
on_part_changed (GObject *stack, GParamSpec *pspec, BpDashboard *self)
{
  /* The pad answers with the newest weights. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "draw") == 0)
    _bp_dashboard_request_model (self, FALSE);
}

void
_bp_dashboard_eval_init (BpDashboard *self)
{
  self->prob_bars = g_ptr_array_new ();
  self->prob_labels = g_ptr_array_new ();
  g_signal_connect (self->evaluate_button, "clicked", G_CALLBACK (on_evaluate_clicked), self);
  self->eval_spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->eval_spinner), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->eval_spinner), "Evaluating");
  gtk_widget_insert_after (GTK_WIDGET (self->eval_spinner),
                           gtk_widget_get_parent (GTK_WIDGET (self->evaluate_button)),
                           GTK_WIDGET (self->evaluate_button));
  g_signal_connect (self->norm_drop, "notify::selected", G_CALLBACK (on_norm), self);
  g_signal_connect (self->confusion, "cell-activated", G_CALLBACK (on_cell), self);
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
      gtk_widget_get_ancestor (GTK_WIDGET (self->gallery), GTK_TYPE_SCROLLED_WINDOW)));

    g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_gallery_scrolled), self, 0);
    g_signal_connect_object (adj, "changed", G_CALLBACK (on_gallery_scrolled), self, 0);
  }
  g_signal_connect (self->draw_pad, "changed", G_CALLBACK (on_pad_changed), self);
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (on_clear_clicked), self);
  g_signal_connect (self->stack, "notify::visible-child", G_CALLBACK (on_part_changed), self);
  gtk_stack_set_visible_child_name (self->eval_stack, "empty");
}

void
_bp_dashboard_eval_dispose (BpDashboard *self)
{
  g_clear_pointer (&self->prob_bars, g_ptr_array_unref);
  g_clear_pointer (&self->prob_labels, g_ptr_array_unref);
  /* Its idle would add to a gallery that is going. */
  if (self->gallery != NULL)
    g_object_set_data (G_OBJECT (self->gallery), GALLERY_KEY, NULL);
}

void
_bp_dashboard_draw_setup (BpDashboard *self)
{
  const bp_dataset *ds = self->source != NULL ? self->source->ds : NULL;

  clear_children (GTK_WIDGET (self->prob_grid));
  g_ptr_array_set_size (self->prob_bars, 0);
  g_ptr_array_set_size (self->prob_labels, 0);
  if (ds == NULL || !bp_data_source_is_28x28 (self->source))
    return;
  for (int k = 0; k < ds->n_classes; k++)
    {
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      GtkWidget *pct = cell_label ("–", TRUE, FALSE);

      gtk_widget_set_size_request (bar, 240, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      /* No low/high colours: a probability is not a battery level. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_size_request (pct, 56, -1);
      gtk_grid_attach (self->prob_grid, cell_label (ds->class_names[k], FALSE, FALSE), 0, k, 1, 1);
      gtk_grid_attach (self->prob_grid, bar, 1, k, 1, 1);
      gtk_grid_attach (self->prob_grid, pct, 2, k, 1, 1);
      g_ptr_array_add (self->prob_bars, bar);
      g_ptr_array_add (self->prob_labels, pct);
    }
}

void
_bp_dashboard_draw_predict (BpDashboard *self)
{
  BpModelView *m = self->model;
  g_autofree float *out = NULL;
  int best = 0;

  if (m == NULL || self->prob_bars->len == 0 || m->n_outputs != (int) self->prob_bars->len
      || m->src->ds->n_features != BP_DRAW_PAD_SIZE * BP_DRAW_PAD_SIZE)
    return;
  out = g_new (float, m->n_outputs);
  if (!bp_model_view_predict (m, bp_draw_pad_get_pixels (self->draw_pad), out))
    return;
  for (int k = 1; k < m->n_outputs; k++)
    if (out[k] > out[best])
      best = k;
  for (int k = 0; k < m->n_outputs; k++)
    {
      char text[16];
      GtkWidget *label = g_ptr_array_index (self->prob_labels, k);

      gtk_level_bar_set_value (g_ptr_array_index (self->prob_bars, k), out[k]);
      g_snprintf (text, sizeof text, "%.1f %%", 100 * out[k]);
      gtk_label_set_text (GTK_LABEL (label), text);
      if (k == best)
        gtk_widget_add_css_class (label, "heading");
      else
        gtk_widget_remove_css_class (label, "heading");
    }
}
