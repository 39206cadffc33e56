/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-window.h"
#include "data/builtin.h"

#include <math.h>

/* How often the views follow the training. Four times a second reads as live; every frame would
 * take CPU from the trainer on a two-core laptop, where GTK draws in software (the cairo
 * renderer, see bp-cpu-share.h): every frame that changes anything walks every node of the
 * window and repaints what changed (measured with bench/ui-frames, see bench/UI.md). */
#define REFRESH_EVERY_US (250 * G_TIME_SPAN_MILLISECOND)
#define STATUS_EVERY_US (250 * G_TIME_SPAN_MILLISECOND)
#define MODEL_EVERY_US (5000 * G_TIME_SPAN_MILLISECOND)

G_DEFINE_FINAL_TYPE (BpDashboard, bp_dashboard, GTK_TYPE_WIDGET)

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

static void
show_settings (BpDashboard *self, const BpTrainSettings *s)
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
static gboolean
read_settings (BpDashboard *self, BpTrainSettings *s, GError **error)
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

static void
update_status (BpDashboard *self)
{
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);
  gboolean own = bp_dashboard_training_has_session (self->training);
  gboolean following = bp_dashboard_training_is_following (self->training);
  gboolean running = st->state == BP_SESSION_RUNNING;
  g_autoptr (GString) text = g_string_new (NULL);
  char progress[96], eta[32];
  long epochs = own ? bp_dashboard_training_get_settings (self->training)->epochs : 0;
  double frac = st->steps_per_epoch > 0 ? (double) st->epoch_step / st->steps_per_epoch : 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), own);
  gtk_button_set_icon_name (self->play_button, running ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), running ? "Pause" : "Train");
  if (!own && !following)
    {
      gtk_progress_bar_set_fraction (self->progress, 0);
      gtk_progress_bar_set_text (self->progress, "Not training");
      gtk_label_set_text (self->status_label, "Press New Run to train on the data");
      return;
    }
  if (epochs > 0)
    g_snprintf (progress, sizeof progress, "epoch %ld of %ld · %.0f %%",
                MIN ((long) st->epoch + 1, epochs), epochs, 100 * frac);
  else
    g_snprintf (progress, sizeof progress, "epoch %u · %.0f %%", st->epoch + 1, 100 * frac);
  if (st->state == BP_SESSION_FINISHED)
    g_snprintf (progress, sizeof progress, "finished after %u epochs", st->epoch);
  gtk_progress_bar_set_fraction (self->progress, st->state == BP_SESSION_FINISHED ? 1 : frac);
  gtk_progress_bar_set_text (self->progress, progress);

  if (following)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      const char *label = "playground";

      if (BP_IS_WINDOW (root))
        bp_window_get_followed_session (BP_WINDOW (root), &label);
      g_string_append_printf (text, "following the %s · ", label);
    }
  g_string_append_printf (text, "step %'" G_GUINT64_FORMAT, st->step);
  if (running && st->samples_per_s > 0)
    g_string_append_printf (text, " · %'.0f samples/s", st->samples_per_s);
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
}

static void
set_error_status (BpDashboard *self, const char *message)
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
      if (!read_settings (self, &s, &error))
        set_error_status (self, error->message);
      else
        bp_dashboard_train_default (self, TRUE, NULL, NULL);
      return;
    }
  if (!bp_dashboard_new_run (self, TRUE, &error))
    set_error_status (self, error->message);
}

static void
on_play_clicked (GtkButton *button, BpDashboard *self)
{
  const bp_session_status *st = bp_dashboard_training_get_status (self->training);

  if (st->state == BP_SESSION_RUNNING)
    bp_dashboard_training_pause (self->training);
  else
    bp_dashboard_training_play (self->training);
}

/* ---- the copy of the network ---- */

static void
on_model_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  BpModelView *view = bp_model_view_new_finish (result, &error);
  BpDashboard *self;
  GCallback done;

  /* Cancelled when the page went away: user_data may be gone, touch nothing. */
  if (view == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = BP_DASHBOARD (user_data);
  self->model_pending = FALSE;
  if (view == NULL)
    {
      if (!self->eval_pending)
        _bp_dashboard_eval_set_busy (self, FALSE);
      set_error_status (self, error->message);
      return;
    }
  if (view->evaluated && !self->eval_pending)
    _bp_dashboard_eval_set_busy (self, FALSE);
  g_clear_pointer (&self->model, bp_model_view_unref);
  self->model = view;
  _bp_dashboard_inside_model (self);
  _bp_dashboard_draw_predict (self);
  _bp_dashboard_conv_model (self);
  if (view->evaluated)
    {
      _bp_dashboard_eval_show (self);
      done = self->eval_done;
      self->eval_done = NULL;
      if (done != NULL)
        ((void (*) (BpDashboard *, gpointer)) done) (self, self->eval_done_data);
    }
  if (self->eval_pending)
    {
      self->eval_pending = FALSE;
      _bp_dashboard_request_model (self, TRUE);
    }
}

void
_bp_dashboard_request_model (BpDashboard *self, gboolean evaluate)
{
  g_autoptr (BpSessionBox) box = bp_dashboard_training_get_box (self->training);

  if (box == NULL)
    return;
  if (evaluate)
    _bp_dashboard_eval_set_busy (self, TRUE);
  if (self->model_pending)
    {
      /* One copy at a time; an evaluation asked for meanwhile follows it. */
      self->eval_pending |= evaluate;
      return;
    }
  self->model_pending = TRUE;
  self->model_us = g_get_monotonic_time ();
  /* No reference to self: dispose cancels, and a cancelled callback leaves self alone. */
  bp_model_view_new_async (box, evaluate, self->cancellable, on_model_ready, self);
}

/* A new run: the copy of the old network (and one on its way) no longer says anything. */
static void
forget_model (BpDashboard *self)
{
  if (self->model_pending)
    {
      /* Its callback sees the cancellation and leaves us alone. */
      g_cancellable_cancel (self->cancellable);
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->model_pending = FALSE;
      self->eval_pending = FALSE;
      self->eval_done = NULL;
    }
  _bp_dashboard_eval_set_busy (self, FALSE);
  g_clear_pointer (&self->model, bp_model_view_unref);
  self->model_us = 0;
  _bp_dashboard_inside_model (self);
  gtk_label_set_text (self->dead_label, "waiting for the first copy of the weights");
}

/* ---- the tick ---- */

/* The session: what the trainer published, the status line, copies of the network. */
static void
read_session (BpDashboard *self)
{
  const bp_session_status *st;
  gint64 now = g_get_monotonic_time ();
  gboolean own;

  own = bp_dashboard_training_has_session (self->training);
  if (!own)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      const char *label = "playground";
      bp_session *followed = BP_IS_WINDOW (root)
                               ? bp_window_get_followed_session (BP_WINDOW (root), &label)
                               : NULL;

      /* The builder's run when it was started last, else the playground's. */
      bp_dashboard_training_follow (self->training, followed, label);
    }
  bp_dashboard_training_poll (self->training);
  if (now - self->last_status_us >= STATUS_EVERY_US)
    {
      self->last_status_us = now;
      update_status (self);
    }
  if (!own)
    return;
  st = bp_dashboard_training_get_status (self->training);
  /* The weights go stale while training: copy them now and then while they are on view. */
  if (st->state == BP_SESSION_RUNNING && now - self->model_us >= MODEL_EVERY_US
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "evaluation") != 0)
    _bp_dashboard_request_model (self, FALSE);
  /* A run that ends or pauses gets evaluated once where it stopped. */
  if (st->state != BP_SESSION_RUNNING && st->step > 0 && st->step != self->evaluated_step
      && !self->model_pending)
    {
      self->evaluated_step = st->step;
      _bp_dashboard_request_model (self, TRUE);
    }
}

/* What a refresh does, in order, one part per frame when live (see tick). */
enum { PART_READ, PART_LOSS, PART_ACC, PART_LR, PART_INSIDE, PART_CONV, N_PARTS };

/* live: called from the tick, where views that are costly to redraw may wait a little. */
static void
refresh_part (BpDashboard *self, int part, gboolean live)
{
  switch (part)
    {
    case PART_READ:
      read_session (self);
      /* The header's counters change with the status line and progress bar beside them, not
       * in a chart's frame: a frame's cost grows with the box around all it changed. */
      if (BP_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
        bp_window_update_header (BP_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
      break;
    case PART_LOSS:
      _bp_dashboard_curves_update (self, BP_CURVES_LOSS);
      break;
    case PART_ACC:
      _bp_dashboard_curves_update (self, BP_CURVES_ACC);
      break;
    case PART_LR:
      _bp_dashboard_curves_update (self, BP_CURVES_LR | BP_CURVES_RUNS);
      break;
    case PART_INSIDE:
      _bp_dashboard_inside_update (self, live);
      break;
    default:
      _bp_dashboard_conv_update (self);
      break;
    }
}

void
bp_dashboard_refresh (BpDashboard *self)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));

  for (int part = 0; part < N_PARTS; part++)
    refresh_part (self, part, FALSE);
  self->refresh_part = 0;
}

/* Four times a second the views follow the session, each view in a frame of its own: the
 * window redraws whatever changed in a frame in one go, so views updated together make one
 * long frame where one at a time make a few short ones (bench/UI.md has the figures). */
static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  BpDashboard *self = BP_DASHBOARD (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->refresh_part == PART_READ)
    {
      if (now - self->last_refresh_us < REFRESH_EVERY_US)
        return G_SOURCE_CONTINUE;
      self->last_refresh_us = now;
    }
  refresh_part (self, self->refresh_part, TRUE);
  self->refresh_part = (self->refresh_part + 1) % N_PARTS;
  return G_SOURCE_CONTINUE;
}

/* A page that comes on screen while a control of the page before had the focus gets it handed
 * on to its first control (GtkStack does that): here the Hidden layers field, which would then
 * take Space, the key that trains on every page. Nothing editable keeps the focus on arrival;
 * a click or Tab still gets there. */
static void
drop_text_focus (BpDashboard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self))
      && (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_EDITABLE) != NULL))
    gtk_root_set_focus (root, NULL);
}

static gboolean
drop_text_focus_idle (gpointer data)
{
  drop_text_focus (data);
  return G_SOURCE_REMOVE;
}

static void
bp_dashboard_map (GtkWidget *widget)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  GTK_WIDGET_CLASS (bp_dashboard_parent_class)->map (widget);
  /* The stack moves the focus after mapping its new page: look once it is done. */
  drop_text_focus (self);
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, drop_text_focus_idle, g_object_ref (self),
                   g_object_unref);
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, tick, NULL, NULL);
}

static void
bp_dashboard_unmap (GtkWidget *widget)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (widget, self->tick_id);
  self->tick_id = 0;
  GTK_WIDGET_CLASS (bp_dashboard_parent_class)->unmap (widget);
}

/* ---- GObject ---- */

static void
bp_dashboard_dispose (GObject *object)
{
  BpDashboard *self = BP_DASHBOARD (object);

  g_cancellable_cancel (self->cancellable);
  _bp_dashboard_curves_dispose (self);
  _bp_dashboard_eval_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_DASHBOARD);
  g_clear_object (&self->training);
  g_clear_pointer (&self->source, bp_data_source_unref);
  g_clear_pointer (&self->model, bp_model_view_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (bp_dashboard_parent_class)->dispose (object);
}

static void
bp_dashboard_class_init (BpDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_dashboard_dispose;
  widget_class->map = bp_dashboard_map;
  widget_class->unmap = bp_dashboard_unmap;

  g_type_ensure (BP_TYPE_CHART);
  g_type_ensure (BP_TYPE_CONFUSION);
  g_type_ensure (BP_TYPE_CONV_PANEL);
  g_type_ensure (BP_TYPE_DRAW_PAD);
  g_type_ensure (BP_TYPE_HISTOGRAM_VIEW);
  g_type_ensure (BP_TYPE_RUNS_VIEW);
  g_type_ensure (BP_TYPE_WEIGHT_HEATMAP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-dashboard.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, BpDashboard, name)
  BIND (root);
  BIND (data_label);
  BIND (network_box);
  BIND (network_drop);
  BIND (hidden_entry);
  BIND (activation_drop);
  BIND (optimizer_drop);
  BIND (lr_drop);
  BIND (batch_drop);
  BIND (epochs_drop);
  BIND (new_run_button);
  BIND (play_button);
  BIND (progress);
  BIND (status_label);
  BIND (stack);
  BIND (smoothing_adjustment);
  BIND (log_check);
  BIND (loss_chart);
  BIND (acc_chart);
  BIND (lr_chart);
  BIND (hist_layer_drop);
  BIND (hist_tensor_drop);
  BIND (hist_mode_drop);
  BIND (bins_drop);
  BIND (from_entry);
  BIND (to_entry);
  BIND (hist_view);
  BIND (weight_layer_drop);
  BIND (hinton_check);
  BIND (dead_label);
  BIND (weight_map);
  BIND (evaluate_button);
  BIND (norm_drop);
  BIND (eval_label);
  BIND (eval_stack);
  BIND (confusion);
  BIND (class_grid);
  BIND (gallery_label);
  BIND (gallery);
  BIND (scatter_chart);
  BIND (residual_chart);
  BIND (runs_chart);
  BIND (runs_view);
  BIND (draw_page);
  BIND (draw_pad);
  BIND (clear_button);
  BIND (prob_grid);
  BIND (conv_page);
  BIND (conv_panel);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dashboard");
}

/* What New Run trains on when no data were loaded. */
static const char *
default_source_name (void)
{
  return g_file_test (BP_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", G_FILE_TEST_EXISTS)
           ? "fashion-mnist"
           : "digits";
}

static void
bp_dashboard_init (BpDashboard *self)
{
  BpTrainSettings s;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->training = bp_dashboard_training_new ();
  self->cancellable = g_cancellable_new ();
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
  /* Without data New Run loads an image set (see bp_dashboard_train_default): the fields
   * show what it will train. */
  bp_train_settings_defaults_for (&s, TRUE);
  show_settings (self, &s);
  gtk_label_set_text (self->data_label, default_source_name ());
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label),
                               "Loaded when you press New Run; the Data page loads other data");
  _bp_dashboard_curves_init (self);
  _bp_dashboard_inside_init (self);
  _bp_dashboard_eval_init (self);
  _bp_dashboard_conv_init (self);
  gtk_stack_page_set_visible (self->draw_page, FALSE);
  update_status (self);
}

/* ---- public API ---- */

GtkWidget *
bp_dashboard_new (void)
{
  return g_object_new (BP_TYPE_DASHBOARD, NULL);
}

void
bp_dashboard_set_source (BpDashboard *self, BpDataSource *src)
{
  BpTrainSettings s;

  g_return_if_fail (BP_IS_DASHBOARD (self));
  g_return_if_fail (src != NULL);

  if (self->source == src)
    return;
  g_clear_pointer (&self->source, bp_data_source_unref);
  self->source = bp_data_source_ref (src);
  gtk_label_set_text (self->data_label, src->ds->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label), src->note);
  _bp_dashboard_conv_source (self);
  bp_train_settings_defaults (&s, src);
  show_settings (self, &s);
}

BpDataSource *
bp_dashboard_get_source (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->source;
}

gboolean
bp_dashboard_new_run (BpDashboard *self, gboolean play, GError **error)
{
  BpTrainSettings s;

  g_return_val_if_fail (BP_IS_DASHBOARD (self), FALSE);

  if (self->source == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "Load a dataset in the Data page first");
      return FALSE;
    }
  if (!read_settings (self, &s, error)
      || !bp_dashboard_training_start (self->training, self->source, &s, error))
    return FALSE;
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  forget_model (self);
  gtk_stack_page_set_visible (self->draw_page, bp_data_source_is_28x28 (self->source));
  _bp_dashboard_draw_setup (self);
  _bp_dashboard_conv_setup (self);
  if (play)
    bp_dashboard_training_play (self->training);
  self->last_status_us = 0;
  bp_dashboard_refresh (self);
  return TRUE;
}

typedef struct {
  BpDashboard *self;
  gboolean play;
  GCallback done;
  gpointer user_data;
} DefaultLoad;

static void
on_default_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DefaultLoad *dl = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (BpDataSource) src = bp_data_source_load_finish (result, &error);

  if (src == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (dl);
      return;
    }
  if (src == NULL)
    set_error_status (dl->self, error->message);
  else
    {
      BpTrainSettings s;
      /* The fields on screen, read before the new data bring their own defaults. */
      gboolean keep = read_settings (dl->self, &s, NULL);

      bp_dashboard_set_source (dl->self, src);
      if (keep)
        show_settings (dl->self, &s);
      if (!bp_dashboard_new_run (dl->self, dl->play, &error))
        set_error_status (dl->self, error->message);
    }
  if (dl->done != NULL)
    ((void (*) (BpDashboard *, gpointer)) dl->done) (dl->self, dl->user_data);
  g_free (dl);
}

void
bp_dashboard_train_default (BpDashboard *self, gboolean play, GCallback done,
                            gpointer user_data)
{
  DefaultLoad *dl;

  g_return_if_fail (BP_IS_DASHBOARD (self));

  dl = g_new0 (DefaultLoad, 1);
  dl->self = self; /* not a reference: dispose cancels the load */
  dl->play = play;
  dl->done = done;
  dl->user_data = user_data;
  if (self->source != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!bp_dashboard_new_run (self, play, &error))
        set_error_status (self, error->message);
      if (done != NULL)
        ((void (*) (BpDashboard *, gpointer)) done) (self, user_data);
      g_free (dl);
      return;
    }
  gtk_label_set_text (self->status_label, "Loading the data…");
  bp_data_source_load_async (default_source_name (), self->cancellable,
                             on_default_loaded, dl);
}

BpDashboardTraining *
bp_dashboard_get_training (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->training;
}

void
bp_dashboard_show_part (BpDashboard *self, const char *part)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));
  gtk_stack_set_visible_child_name (self->stack, part);
}

void
bp_dashboard_evaluate (BpDashboard *self, GCallback done, gpointer user_data)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));

  self->eval_done = done;
  self->eval_done_data = user_data;
  _bp_dashboard_request_model (self, TRUE);
}

void
bp_dashboard_refresh_model (BpDashboard *self)
{
  g_return_if_fail (BP_IS_DASHBOARD (self));
  _bp_dashboard_request_model (self, FALSE);
}

BpModelView *
bp_dashboard_get_model_view (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->model;
}

BpChart *
bp_dashboard_get_loss_chart (BpDashboard *self)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);
  return self->loss_chart;
}

GtkWidget *
bp_dashboard_get_part (BpDashboard *self, const char *name)
{
  g_return_val_if_fail (BP_IS_DASHBOARD (self), NULL);

  if (g_strcmp0 (name, "acc-chart") == 0)
    return GTK_WIDGET (self->acc_chart);
  if (g_strcmp0 (name, "lr-chart") == 0)
    return GTK_WIDGET (self->lr_chart);
  if (g_strcmp0 (name, "histograms") == 0)
    return GTK_WIDGET (self->hist_view);
  if (g_strcmp0 (name, "weights") == 0)
    return GTK_WIDGET (self->weight_map);
  if (g_strcmp0 (name, "confusion") == 0)
    return GTK_WIDGET (self->confusion);
  if (g_strcmp0 (name, "gallery") == 0)
    return GTK_WIDGET (self->gallery);
  if (g_strcmp0 (name, "runs") == 0)
    return GTK_WIDGET (self->runs_view);
  if (g_strcmp0 (name, "runs-chart") == 0)
    return GTK_WIDGET (self->runs_chart);
  if (g_strcmp0 (name, "draw-pad") == 0)
    return GTK_WIDGET (self->draw_pad);
  if (g_strcmp0 (name, "scatter") == 0)
    return GTK_WIDGET (self->scatter_chart);
  if (g_strcmp0 (name, "class-grid") == 0)
    return GTK_WIDGET (self->class_grid);
  if (g_strcmp0 (name, "conv-panel") == 0)
    return GTK_WIDGET (self->conv_panel);
  if (g_strcmp0 (name, "network") == 0)
    return GTK_WIDGET (self->network_drop);
  if (g_strcmp0 (name, "evaluate-button") == 0)
    return GTK_WIDGET (self->evaluate_button);
  if (g_strcmp0 (name, "eval-spinner") == 0)
    return GTK_WIDGET (self->eval_spinner);
  if (g_strcmp0 (name, "hidden-entry") == 0)
    return GTK_WIDGET (self->hidden_entry);
  if (g_strcmp0 (name, "hidden-error") == 0)
    return GTK_WIDGET (self->hidden_error);
  if (g_strcmp0 (name, "data-label") == 0)
    return GTK_WIDGET (self->data_label);
  if (g_strcmp0 (name, "new-run") == 0)
    return GTK_WIDGET (self->new_run_button);
  if (g_strcmp0 (name, "optimizer") == 0)
    return GTK_WIDGET (self->optimizer_drop);
  if (g_strcmp0 (name, "batch") == 0)
    return GTK_WIDGET (self->batch_drop);
  if (g_strcmp0 (name, "lr") == 0)
    return GTK_WIDGET (self->lr_drop);
  if (g_strcmp0 (name, "epochs") == 0)
    return GTK_WIDGET (self->epochs_drop);
  return NULL;
}
