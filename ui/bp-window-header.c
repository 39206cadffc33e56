/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The header bar's play/pause, step and reset (and Space, Right, Ctrl+R) act on the run of the
 * page on screen, and its epoch, step and samples/s counters show that run:
 *
 *  - playground: the playground's session;
 *  - builder: the builder's run (its Train button does the same as play);
 *  - dashboard and data: the run the dashboard shows: its own when it trained one, else the
 *    one it follows, the builder's or the playground's, whichever was started last. With none
 *    at all (or when the followed run was deleted there), play trains the dashboard's
 *    default network.
 *
 * The playground tells its counters through notifications; the other pages' runs are read
 * from their sessions (lock-free status) four times a second while such a page is on screen,
 * from a timeout rather than a tick callback, which would keep the frame clock running. */
#include "bp-config.h"
#include "bp-toast.h"

#include "bp-window-private.h"

#include "bp-playground-private.h"

#define POLL_MS 250
#define SETTLE_MS 40

typedef enum {
  TARGET_PLAYGROUND,
  TARGET_BUILDER,
  TARGET_DASHBOARD, /* the dashboard's own run, or none yet */
} BpHeaderTarget;

static gboolean
page_is (BpWindow *self, const char *name)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), name) == 0;
}

static gboolean
follows_builder (BpWindow *self)
{
  return self->follow_builder && bp_builder_get_session (self->builder) != NULL;
}

static BpHeaderTarget
get_target (BpWindow *self)
{
  BpDashboardTraining *training = bp_dashboard_get_training (self->dashboard);

  if (page_is (self, "builder"))
    return TARGET_BUILDER;
  if (!page_is (self, "dashboard") && !page_is (self, "data"))
    return TARGET_PLAYGROUND;
  /* A followed run deleted on the dashboard is not shown again: no run, as at start-up. */
  if (bp_dashboard_training_has_session (training)
      || bp_dashboard_training_is_dismissed (training))
    return TARGET_DASHBOARD;
  if (follows_builder (self))
    return TARGET_BUILDER;
  return self->playground->session != NULL ? TARGET_PLAYGROUND : TARGET_DASHBOARD;
}

static bp_session *
target_session (BpWindow *self, BpHeaderTarget target)
{
  switch (target)
    {
    case TARGET_BUILDER:
      return bp_builder_get_session (self->builder);
    case TARGET_DASHBOARD:
      return bp_dashboard_training_get_session (bp_dashboard_get_training (self->dashboard));
    case TARGET_PLAYGROUND:
    default:
      return self->playground->session;
    }
}

static void
set_count (GtkLabel *label, gint64 n)
{
  char buf[32];

  /* Thin grouping makes large counts readable at a glance: 1 234 567. */
  g_snprintf (buf, sizeof buf, "%'" G_GINT64_FORMAT, n);
  if (g_strcmp0 (gtk_label_get_text (label), buf) != 0)
    gtk_label_set_text (label, buf);
}

static void
set_rate (GtkLabel *label, double rate)
{
  char buf[32];

  if (rate <= 0)
    g_strlcpy (buf, "–", sizeof buf);
  else if (rate >= 1e6)
    g_snprintf (buf, sizeof buf, "%.2f M", rate / 1e6);
  else if (rate >= 1e3)
    g_snprintf (buf, sizeof buf, "%.1f k", rate / 1e3);
  else
    g_snprintf (buf, sizeof buf, "%.0f", rate);
  if (g_strcmp0 (gtk_label_get_text (label), buf) != 0)
    gtk_label_set_text (label, buf);
}

static void
set_running (BpWindow *self, gboolean running)
{
  GtkWidget *button = GTK_WIDGET (self->play_button);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", !running);
  if (self->header_running == running && self->header_shown)
    return;
  self->header_running = running;
  self->header_shown = TRUE;
  gtk_button_set_icon_name (self->play_button, running ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (button, running ? "Pause (Space)" : "Train (Space)");
  if (running)
    gtk_widget_remove_css_class (button, "suggested-action");
  else
    gtk_widget_add_css_class (button, "suggested-action");
  if (self->frame_stats != NULL)
    bp_frame_stats_attach (self->frame_stats,
                           running ? gtk_widget_get_frame_clock (GTK_WIDGET (self)) : NULL);
}

/* With G_MESSAGES_DEBUG=Backprop, what the header shows whenever it changes: whose run, its
 * step, and whether play shows pause (tests/ui/test-builder-dnd.sh reads it). */
static void
log_header (BpWindow *self, BpHeaderTarget target, guint64 step)
{
  static const char *const names[] = { "playground", "builder", "dashboard" };

  if (step == self->logged_step && (int) target == self->logged_target
      && self->header_running == self->logged_running)
    return;
  self->logged_step = step;
  self->logged_target = (int) target;
  self->logged_running = self->header_running;
  g_debug ("window: header %s step %" G_GUINT64_FORMAT " running %d", names[target], step,
           self->header_running);
}

void
_bp_window_header_update (BpWindow *self)
{
  BpHeaderTarget target = get_target (self);
  bp_session *session = target_session (self, target);
  bp_session_status st = { 0 };
  gboolean running;

  if (target == TARGET_PLAYGROUND && page_is (self, "playground"))
    {
      /* On its own page the playground's counters are the ones its views show. */
      set_count (self->epoch_label, bp_playground_get_epoch (self->playground));
      set_count (self->step_label, bp_playground_get_step (self->playground));
      set_rate (self->rate_label, bp_playground_get_samples_per_second (self->playground));
      set_running (self, bp_playground_get_running (self->playground));
      log_header (self, target, (guint64) bp_playground_get_step (self->playground));
      return;
    }
  if (session != NULL)
    bp_session_get_status (session, &st);
  /* The builder says what it was asked (training from Train while its data loads, not once
   * paused, before the session gets to the command); the others' sessions say what they do. */
  if (target == TARGET_BUILDER)
    running = bp_builder_get_training (self->builder);
  else
    running = session != NULL && st.state == BP_SESSION_RUNNING;
  set_count (self->epoch_label, st.epoch);
  set_count (self->step_label, (gint64) st.step);
  set_rate (self->rate_label, running ? st.samples_per_s : 0);
  set_running (self, running);
  log_header (self, target, st.step);
}

static gboolean
poll (gpointer data)
{
  _bp_window_header_update (data);
  return G_SOURCE_CONTINUE;
}

/* The poll runs while the window is on screen with a page whose run the playground does not
 * report, nor the dashboard (bp_window_update_header (), in frames of its choosing). */
static void
update_poll (BpWindow *self)
{
  gboolean want = gtk_widget_get_mapped (GTK_WIDGET (self)) && !page_is (self, "playground")
                  && !page_is (self, "dashboard");

  if (want && self->header_poll_id == 0)
    self->header_poll_id = g_timeout_add (POLL_MS, poll, self);
  else if (!want)
    g_clear_handle_id (&self->header_poll_id, g_source_remove);
}

static void
on_page_changed (AdwViewStack *stack, GParamSpec *pspec, BpWindow *self)
{
  _bp_window_header_update (self);
  update_poll (self);
}

static void
on_mapped_changed (BpWindow *self, gpointer data)
{
  update_poll (self);
}

/* The dashboard follows whichever of the builder and the playground was started last. */
static void
on_builder_training (BpBuilder *builder, GParamSpec *pspec, BpWindow *self)
{
  if (bp_builder_get_training (builder))
    self->follow_builder = TRUE;
  _bp_window_header_update (self);
}

static void
on_playground_counters (BpPlayground *playground, GParamSpec *pspec, BpWindow *self)
{
  if (g_str_equal (pspec->name, "running") && bp_playground_get_running (playground))
    self->follow_builder = FALSE;
  if (page_is (self, "playground"))
    _bp_window_header_update (self);
}

/* ---- actions ---- */

static gboolean
settled (gpointer data)
{
  BpWindow *self = data;

  self->header_settle_id = 0;
  _bp_window_header_update (self);
  return G_SOURCE_REMOVE;
}

/* After a command: the header now, and again once the trainer has taken the command (a few
 * milliseconds), rather than at the next poll: Right right after Space steps at once. */
static void
update_after_command (BpWindow *self)
{
  _bp_window_header_update (self);
  if (self->header_settle_id == 0)
    self->header_settle_id = g_timeout_add (SETTLE_MS, settled, self);
}

static void
show_error (BpWindow *self, GError *error)
{
  adw_toast_overlay_add_toast (self->toast_overlay, bp_toast_new_text (error->message));
}

static void
play_playground (BpWindow *self)
{
  bp_session *session = self->playground->session;
  gboolean running = bp_playground_get_running (self->playground);

  /* Hidden, the playground does not see its run end: its session knows. */
  if (session != NULL && !page_is (self, "playground"))
    {
      gboolean session_running = bp_session_get_state (session) == BP_SESSION_RUNNING;

      if (running && !session_running)
        bp_playground_set_running (self->playground, FALSE);
      running = session_running;
    }
  bp_playground_set_running (self->playground, !running);
}

static void
action_play (GtkWidget *widget, const char *name, GVariant *param)
{
  BpWindow *self = BP_WINDOW (widget);
  BpDashboardTraining *training = bp_dashboard_get_training (self->dashboard);
  g_autoptr (GError) error = NULL;
  bp_session *session;

  switch (get_target (self))
    {
    case TARGET_BUILDER:
      if (bp_builder_get_training (self->builder))
        bp_builder_pause (self->builder);
      else if (!bp_builder_train (self->builder, &error))
        show_error (self, error);
      break;
    case TARGET_DASHBOARD:
      session = bp_dashboard_training_get_session (training);
      if (session == NULL)
        bp_dashboard_train_default (self->dashboard, TRUE, NULL, NULL);
      else if (bp_session_get_state (session) == BP_SESSION_RUNNING)
        bp_dashboard_training_pause (training);
      else if (bp_session_get_state (session) == BP_SESSION_FINISHED)
        {
          /* A finished run cannot go on: play starts the next one. */
          if (!bp_dashboard_new_run (self->dashboard, TRUE, &error))
            show_error (self, error);
        }
      else
        bp_dashboard_training_play (training);
      break;
    case TARGET_PLAYGROUND:
    default:
      play_playground (self);
      break;
    }
  update_after_command (self);
}

static void
action_step (GtkWidget *widget, const char *name, GVariant *param)
{
  BpWindow *self = BP_WINDOW (widget);
  BpDashboardTraining *training = bp_dashboard_get_training (self->dashboard);
  g_autoptr (GError) error = NULL;

  switch (get_target (self))
    {
    case TARGET_BUILDER:
      if (!bp_builder_step (self->builder, &error))
        show_error (self, error);
      break;
    case TARGET_DASHBOARD:
      if (bp_dashboard_training_has_session (training))
        bp_dashboard_training_step (training, 1);
      break;
    case TARGET_PLAYGROUND:
    default:
      bp_playground_step (self->playground);
      break;
    }
  update_after_command (self);
}

static void
action_reset (GtkWidget *widget, const char *name, GVariant *param)
{
  BpWindow *self = BP_WINDOW (widget);
  BpDashboardTraining *training = bp_dashboard_get_training (self->dashboard);
  g_autoptr (GError) error = NULL;

  switch (get_target (self))
    {
    case TARGET_BUILDER:
      bp_builder_reset (self->builder);
      break;
    case TARGET_DASHBOARD:
      /* The same network and data with fresh weights: a new run, paused at step 0. */
      if (bp_dashboard_training_has_session (training)
          && !bp_dashboard_new_run (self->dashboard, FALSE, &error))
        show_error (self, error);
      break;
    case TARGET_PLAYGROUND:
    default:
      bp_playground_reset (self->playground);
      break;
    }
  update_after_command (self);
}

/* ---- set-up ---- */

void
_bp_window_header_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.play", NULL, action_play);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, action_step);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, action_reset);
}

void
_bp_window_header_init (BpWindow *self)
{
  static const char *const playground_props[] = { "notify::epoch", "notify::step",
                                                  "notify::samples-per-second",
                                                  "notify::running" };

  for (guint i = 0; i < G_N_ELEMENTS (playground_props); i++)
    g_signal_connect_object (self->playground, playground_props[i],
                             G_CALLBACK (on_playground_counters), self, 0);
  g_signal_connect_object (self->builder, "notify::training", G_CALLBACK (on_builder_training),
                           self, 0);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_page_changed), self, 0);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped_changed), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_mapped_changed), NULL);
  _bp_window_header_update (self);
}

void
_bp_window_header_dispose (BpWindow *self)
{
  g_clear_handle_id (&self->header_poll_id, g_source_remove);
  g_clear_handle_id (&self->header_settle_id, g_source_remove);
}

void
bp_window_update_header (BpWindow *self)
{
  g_return_if_fail (BP_IS_WINDOW (self));

  _bp_window_header_update (self);
}

bp_session *
bp_window_get_followed_session (BpWindow *self, const char **label)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);

  if (follows_builder (self))
    {
      if (label != NULL)
        *label = "builder";
      return bp_builder_get_session (self->builder);
    }
  if (label != NULL)
    *label = "playground";
  return self->playground->session;
}
