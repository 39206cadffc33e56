/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's toolbar: the training settings' fields, New Run and Train, and the status
 * line with the progress bar. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-window.h"

#include <math.h>

static const bp_act activations[] = { BP_ACT_RELU, BP_ACT_TANH, BP_ACT_SIGMOID, BP_ACT_GELU,
                                      BP_ACT_LEAKY_RELU, BP_ACT_ELU };
static const bp_optim_kind optimizers[] = { BP_OPTIM_ADAM, BP_OPTIM_ADAMW, BP_OPTIM_SGD,
                                            BP_OPTIM_RMSPROP, BP_OPTIM_ADAGRAD };

/* ---- the toolbar ---- */

/* The number a drop-down of numbers shows. */
static double
selected_number (GtkDropDown *drop)
{
  GObject *item = gtk_drop_down_get_selected_item (drop);

  return item != NULL ? g_ascii_strtod (gtk_string_object_get_string (GTK_STRING_OBJECT (item)),
                                        NULL)
                      : 0;
}

/* Selects the entry nearest to v (on a log scale: these are rates and sizes). */
static void
select_number (GtkDropDown *drop, double v)
{
  GListModel *model = gtk_drop_down_get_model (drop);
  guint best = 0;
  double best_d = G_MAXDOUBLE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);
      double x = g_ascii_strtod (gtk_string_object_get_string (item), NULL);
      double d = fabs (log (MAX (x, 1e-12)) - log (MAX (v, 1e-12)));

      if (d < best_d)
        {
          best_d = d;
          best = i;
        }
    }
  gtk_drop_down_set_selected (drop, best);
}

void
_bp_dashboard_show_settings (BpDashboard *self, const BpTrainSettings *s)
{
  g_autoptr (GString) hidden = g_string_new (NULL);

  _bp_dashboard_conv_show_settings (self, s);
  for (int i = 0; i < s->n_hidden; i++)
    g_string_append_printf (hidden, "%s%d", i ? ", " : "", s->hidden[i]);
  gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), hidden->str);
  for (guint i = 0; i < G_N_ELEMENTS (activations); i++)
    if (activations[i] == s->activation)
      gtk_drop_down_set_selected (self->activation_drop, i);
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (optimizers[i] == s->optimizer)
      gtk_drop_down_set_selected (self->optimizer_drop, i);
  select_number (self->lr_drop, s->lr);
  select_number (self->batch_drop, s->batch_size);
  select_number (self->epochs_drop, s->epochs);
}

/* What is wrong with the Hidden layers field, under it (NULL: nothing): a few words as wide
 * as the field, the whole message in its tooltip (and the status line). */
static void
show_hidden_error (BpDashboard *self, const char *message)
{
  gtk_label_set_text (self->hidden_error, message != NULL ? "Sizes like “256, 128”" : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->hidden_error), message);
  gtk_widget_set_visible (GTK_WIDGET (self->hidden_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->hidden_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->hidden_entry), "error");
}

static void
on_hidden_changed (GtkEditable *entry, BpDashboard *self)
{
  show_hidden_error (self, NULL);
}

/* The settings in the toolbar; FALSE with an error (also shown next to the field) for hidden
 * layers that are missing or do not parse. */
gboolean
_bp_dashboard_read_settings (BpDashboard *self, BpTrainSettings *s, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry)),
                                         ", ", -1);

  bp_train_settings_defaults (s, self->source);
  s->n_hidden = 0;
  for (int i = 0; parts[i] != NULL; i++)
    {
      guint64 units;

      if (parts[i][0] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 65536, &units, NULL)
          || s->n_hidden == BP_TRAIN_MAX_HIDDEN)
        {
          g_autofree char *what = g_strdup_printf ("Up to %d sizes from 1 to 65536, like “256, 128”",
                                                   BP_TRAIN_MAX_HIDDEN);

          show_hidden_error (self, what);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Hidden layers: %s", what);
          return FALSE;
        }
      s->hidden[s->n_hidden++] = (int) units;
    }
  if (s->n_hidden == 0)
    {
      const char *what = "Give each hidden layer's size, like “256, 128”";

      show_hidden_error (self, what);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Hidden layers: %s", what);
      return FALSE;
    }
  show_hidden_error (self, NULL);
  s->activation = activations[MIN (gtk_drop_down_get_selected (self->activation_drop),
                                   G_N_ELEMENTS (activations) - 1)];
  s->optimizer = optimizers[MIN (gtk_drop_down_get_selected (self->optimizer_drop),
                                 G_N_ELEMENTS (optimizers) - 1)];
  s->lr = selected_number (self->lr_drop);
  s->batch_size = (int) selected_number (self->batch_drop);
  s->epochs = (int) selected_number (self->epochs_drop);
  s->conv = _bp_dashboard_conv_chosen (self);
  if (!(s->lr > 0) || s->batch_size < 1 || s->epochs < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Pick a learning rate, a batch size and a number of epochs");
      return FALSE;
    }
  return TRUE;
}

static void
format_duration (double s, char *buf, gsize len)
{
  if (!isfinite (s) || s < 0)
    g_strlcpy (buf, "–", len);
  else if (s < 3600)
    g_snprintf (buf, len, "%d:%02d", (int) s / 60, (int) s % 60);
  else
    g_snprintf (buf, len, "%d:%02d:%02d", (int) s / 3600, (int) s / 60 % 60, (int) s % 60);
}

/* The status widgets are set on every read of the session (four times a second), mostly to
 * what they already say: setting a GtkProgressBar's fraction or a tooltip redraws even when
 * nothing changed, and on an idle page such redraws were the only frames. */
static void
set_fraction (GtkProgressBar *bar, double fraction)
{
  if (gtk_progress_bar_get_fraction (bar) != fraction)
    gtk_progress_bar_set_fraction (bar, fraction);
}

static void
set_bar_text (GtkProgressBar *bar, const char *text)
{
  if (g_strcmp0 (gtk_progress_bar_get_text (bar), text) != 0)
    gtk_progress_bar_set_text (bar, text);
}

static void
set_tooltip (GtkWidget *widget, const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

void
_bp_dashboard_update_status (BpDashboard *self)
{
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);
  gboolean own = bp_dashboard_training_has_session (self->training);
  gboolean following = bp_dashboard_training_is_following (self->training);
  gboolean running = st->state == BP_SESSION_RUNNING;
  g_autoptr (GString) text = g_string_new (NULL);
  char progress[96], eta[32];
  const char *icon;
  g_autofree char *tip = NULL;
  long epochs = own ? bp_dashboard_training_get_settings (self->training)->epochs : 0;
  double frac = st->steps_per_epoch > 0 ? (double) st->epoch_step / st->steps_per_epoch : 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), own);
  icon = running ? "media-playback-pause-symbolic" : "media-playback-start-symbolic";
  if (g_strcmp0 (gtk_button_get_icon_name (self->play_button), icon) != 0)
    gtk_button_set_icon_name (self->play_button, icon);
  set_tooltip (GTK_WIDGET (self->play_button),
               running ? "Pause"
               : st->state == BP_SESSION_FINISHED
                 ? "Train a new run (this one has finished), as New Run does"
                 : "Train");
  gtk_widget_set_visible (self->next_run_caption, following);
  if (!own && !following)
    {
      set_fraction (self->progress, 0);
      set_bar_text (self->progress, "Not training");
      gtk_label_set_text (self->status_label, "Press New Run to train on the data");
      set_tooltip (GTK_WIDGET (self->status_label), NULL);
      return;
    }
  if (epochs > 0)
    g_snprintf (progress, sizeof progress, "epoch %ld of %ld · %.0f %%",
                MIN ((long) st->epoch + 1, epochs), epochs, 100 * frac);
  else /* open-ended (the Playground's): no share of a whole to show, the bar stays empty */
    g_snprintf (progress, sizeof progress, "epoch %u", st->epoch + 1);
  if (st->state == BP_SESSION_FINISHED)
    g_snprintf (progress, sizeof progress, "finished after %u epoch%s", st->epoch,
                st->epoch == 1 ? "" : "s");
  set_fraction (self->progress, st->state == BP_SESSION_FINISHED ? 1 : epochs > 0 ? frac : 0);
  set_bar_text (self->progress, progress);

  if (following)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      const char *label = "playground";

      if (BP_IS_WINDOW (root))
        bp_window_get_followed_session (BP_WINDOW (root), &label);
      g_string_append_printf (text, "following the %s · ", label);
      /* The fields beside it are the next New Run's, not this run's: say so where one looks. */
      tip = g_strdup_printf ("Showing the %s's run. The fields on the left are the settings of "
                             "the next New Run; this run's own settings are in the Runs tab.",
                             label);
    }
  g_string_append_printf (text, "step %'" G_GUINT64_FORMAT, st->step);
  /* No samples/s: the header shows them. The line stays one line (a wrapping one would move
   * the page under the pointer as its length changes) and short enough to be whole at
   * 1280 px, where "step · samples/s · ETA · batch loss" was cut at "batch loss 0...."; the
   * tooltip has it all. */
  if (running && epochs > 0 && st->steps_per_s > 0)
    {
      double left = (double) epochs * st->steps_per_epoch - (double) st->epoch * st->steps_per_epoch
                    - (double) st->epoch_step;

      format_duration (left / st->steps_per_s, eta, sizeof eta);
      g_string_append_printf (text, " · ETA %s", eta);
    }
  if (isfinite (st->loss))
    g_string_append_printf (text, " · batch loss %.4f", st->loss);
  if (st->message[0] != '\0')
    g_string_append_printf (text, " · %s", st->message);
  /* An error said here before is over: the line is not red any more. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_label_set_text (self->status_label, text->str);
  if (running && st->samples_per_s > 0)
    g_string_append_printf (text, " · %'.0f samples/s", st->samples_per_s);
  {
    g_autofree char *whole = tip != NULL ? g_strdup_printf ("%s\n\n%s", text->str, tip) : NULL;

    set_tooltip (GTK_WIDGET (self->status_label), whole != NULL ? whole : text->str);
  }
}

void
_bp_dashboard_set_error_status (BpDashboard *self, const char *message)
{
  gtk_label_set_text (self->status_label, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
on_new_run_clicked (GtkButton *button, BpDashboard *self)
{
  g_autoptr (GError) error = NULL;

  if (self->source == NULL)
    {
      BpTrainSettings s;

      /* The data load first: a field that is wrong says so now, not after the load. */
      if (!_bp_dashboard_read_settings (self, &s, &error))
        _bp_dashboard_set_error_status (self, error->message);
      else
        bp_dashboard_train_default (self, TRUE, NULL, NULL);
      return;
    }
  if (!bp_dashboard_new_run (self, TRUE, &error))
    _bp_dashboard_set_error_status (self, error->message);
}

static void
on_play_clicked (GtkButton *button, BpDashboard *self)
{
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);
  g_autoptr (GError) error = NULL;

  if (st->state == BP_SESSION_RUNNING)
    bp_dashboard_training_pause (self->training);
  else if (st->state == BP_SESSION_FINISHED)
    {
      /* A finished run cannot go on: as the header's play, this starts the next one. */
      if (!bp_dashboard_new_run (self, TRUE, &error))
        _bp_dashboard_set_error_status (self, error->message);
    }
  else
    bp_dashboard_training_play (self->training);
}

/* While the charts show another page's run, the fields are not that run's settings but those
 * of the next New Run: a caption before them says so where the eye reads the toolbar (a
 * tooltip is found by few). */
static void
add_next_run_caption (BpDashboard *self)
{
  GtkWidget *data_box = gtk_widget_get_parent (GTK_WIDGET (self->data_label));
  GtkWidget *label = gtk_label_new ("Next run:");

  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "accent");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (label, "The charts show another page's run. These fields are the "
                                      "settings of your next New Run; the run shown has its "
                                      "own settings in the Runs tab.");
  gtk_widget_set_visible (label, FALSE);
  gtk_box_prepend (GTK_BOX (gtk_widget_get_parent (data_box)), label);
  self->next_run_caption = label;
}

void
_bp_dashboard_toolbar_init (BpDashboard *self)
{
  add_next_run_caption (self);
  g_signal_connect (self->new_run_button, "clicked", G_CALLBACK (on_new_run_clicked), self);
  g_signal_connect (self->play_button, "clicked", G_CALLBACK (on_play_clicked), self);
  self->hidden_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->hidden_error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->hidden_error), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->hidden_error), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->hidden_error), FALSE);
  gtk_box_append (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->hidden_entry))),
                  GTK_WIDGET (self->hidden_error));
  g_signal_connect (self->hidden_entry, "changed", G_CALLBACK (on_hidden_changed), self);
}
