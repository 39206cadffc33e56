/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's evaluation: the confusion matrix of the test rows, per-class precision,
 * recall and F1, a gallery of the examples it got wrong or of one clicked cell
 * (bp-dashboard-gallery.c); for regression, predicted-vs-actual and residual plots with RMSE and R². And
 * the drawing pad, whose drawing the latest copy of the network classifies as it changes. */
#include "bp-config.h"

#include "bp-dashboard-private.h"
#include "bp-dashboard-gallery.h"

#include "bp-data-explorer-images.h"

#include <math.h>

void
_bp_dashboard_clear_children (GtkWidget *w)
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

  _bp_dashboard_clear_children (GTK_WIDGET (self->class_grid));
  for (int c = 0; c < 5; c++)
    gtk_grid_attach (self->class_grid, cell_label (heads[c], c > 0, TRUE), c, 0, 1, 1);
  for (int k = 0; k < m->n_classes; k++)
    grid_row (self->class_grid, row++, ds->class_names[k], &m->scores[k], FALSE);
  gtk_grid_attach (self->class_grid, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, row++, 5,
                   1);
  grid_row (self->class_grid, row++, "macro average", &m->report.macro, TRUE);
  grid_row (self->class_grid, row++, "weighted average", &m->report.weighted, TRUE);
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
      _bp_dashboard_gallery_fill (self, -1, -1);
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
  _bp_dashboard_gallery_fill (self, t, p);
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
  _bp_dashboard_gallery_init (self);
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
  _bp_dashboard_gallery_dispose (self);
}

void
_bp_dashboard_draw_setup (BpDashboard *self)
{
  const bp_dataset *ds = self->source != NULL ? self->source->ds : NULL;

  _bp_dashboard_clear_children (GTK_WIDGET (self->prob_grid));
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
