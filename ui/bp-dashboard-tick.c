/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Following the session: the tick that reads what the trainer published and refreshes the
 * views one part per frame, and the copies of the network it asks for. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-cpu-share.h"
#include "bp-window.h"

/* How often the views follow the training. Four times a second reads as live; every frame would
 * take CPU from the trainer on a two-core laptop, where GTK draws in software (the cairo
 * renderer, see bp-cpu-share.h): every frame that changes anything walks every node of the
 * window and repaints what changed (measured with bench/ui-frames, see bench/UI.md). While a
 * run trains, a refresh also waits until the UI thread is within BP_CPU_SHARE_VIEW_BUDGET of a
 * core since the last one began, but never longer than REFRESH_AT_MOST_US. The timer looks
 * twice per shortest period, so a slower refresh is not rounded up to a whole multiple. */
#define REFRESH_EVERY_US (250 * G_TIME_SPAN_MILLISECOND)
#define REFRESH_AT_MOST_US (1000 * G_TIME_SPAN_MILLISECOND)
#define TIMER_EVERY_MS 125
#define MODEL_EVERY_US (5000 * G_TIME_SPAN_MILLISECOND)

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
      _bp_dashboard_set_error_status (self, error->message);
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
void
_bp_dashboard_forget_model (BpDashboard *self)
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

/* Has a run started in `other` (the Builder's or Playground's session, or NULL) since the
 * last read: a new session, a new run in it, or training again after a pause? */
static gboolean
other_started (BpDashboard *self, bp_session *other)
{
  bp_session_status st;
  gboolean started, running;

  if (other == NULL)
    {
      self->other_seen = NULL;
      self->other_was_running = FALSE;
      return FALSE;
    }
  bp_session_get_status (other, &st);
  running = st.state == BP_SESSION_RUNNING;
  started = running
            && (other != self->other_seen || st.run != self->other_seen_run
                || !self->other_was_running);
  self->other_seen = other;
  self->other_seen_run = st.run;
  self->other_was_running = running;
  return started;
}

/* The session: what the trainer published, the status line, copies of the network. */
static void
read_session (BpDashboard *self)
{
  const bp_session_status *st;
  gint64 now = g_get_monotonic_time ();
  gboolean own;
  GtkRoot *root;
  const char *label = "playground";
  bp_session *other;

  own = bp_dashboard_training_has_session (self->training);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  other = BP_IS_WINDOW (root) ? bp_window_get_followed_session (BP_WINDOW (root), &label) : NULL;
  if (own && other_started (self, other)
      && bp_dashboard_training_get_status (self->training)->state != BP_SESSION_RUNNING)
    {
      /* A run started on the Builder or the Playground while this page's own run is not
       * training: that is what there is to watch now. The own run stays in Runs; New Run
       * starts another. */
      bp_dashboard_training_close (self->training);
      _bp_dashboard_forget_model (self);
      own = FALSE;
    }
  if (!own)
    /* The builder's run when it was started last, else the playground's. */
    bp_dashboard_training_follow (self->training, other, label);
  bp_dashboard_training_poll (self->training);
  _bp_dashboard_update_status (self);
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

/* A refresh's views, one per frame (PART_READ was done by the timer); then the tick goes. */
static gboolean
tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  /* The first frame draws what the timer's read changed (status line, progress bar, header)
   * and nothing else: with a view too, its box would reach from the header down to it. */
  if (self->refresh_part == PART_READ)
    {
      self->refresh_part = PART_READ + 1;
      return G_SOURCE_CONTINUE;
    }
  refresh_part (self, self->refresh_part, TRUE);
  self->refresh_part = (self->refresh_part + 1) % N_PARTS;
  if (self->refresh_part != PART_READ)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* May a refresh start now? Not before REFRESH_EVERY_US since the last; while training, not
 * before the UI thread's CPU time since then is within the budget, unless REFRESH_AT_MOST_US
 * have passed. The budget counts all the UI thread does (a chart hovered, a page scrolled):
 * while the user works in the window, the views give way. */
static gboolean
may_refresh (BpDashboard *self, gint64 now, gint64 cpu)
{
  gint64 since = now - self->last_refresh_us;

  if (since < REFRESH_EVERY_US - TIMER_EVERY_MS * G_TIME_SPAN_MILLISECOND / 2)
    return FALSE;
  if (self->seen_state != BP_SESSION_RUNNING || since >= REFRESH_AT_MOST_US)
    return TRUE;
  return (double) (cpu - self->last_refresh_cpu_us)
         <= BP_CPU_SHARE_VIEW_BUDGET * (double) since;
}

/* Up to four times a second (may_refresh) the timer reads the session, and when it has
 * moved, a tick callback redraws the views, each in a frame of its own: the window redraws
 * whatever changed in a frame in one go, so views updated together make one long frame where
 * one at a time make a few short ones (bench/UI.md has the figures). When nothing moved, no frame is made at all
 * (a tick callback kept for the whole time made the display's 60 frames a second, each
 * ~0.15 ms of the UI thread: a fifth of its time while training). */
static gboolean
on_timer (gpointer data)
{
  BpDashboard *self = data;
  const bp_session_status *st;
  gboolean first = self->last_refresh_us == 0;
  gint64 now = g_get_monotonic_time (), cpu = bp_cpu_share_thread_cpu_us ();

  if (self->tick_id != 0)
    return G_SOURCE_CONTINUE; /* the last refresh is still being drawn */
  if (!first && !may_refresh (self, now, cpu))
    return G_SOURCE_CONTINUE;
  self->last_refresh_us = now;
  self->last_refresh_cpu_us = cpu;
  refresh_part (self, PART_READ, TRUE);
  st = bp_dashboard_training_get_status (self->training);
  if (!first && st->step == self->seen_step && st->run == self->seen_run
      && (int) st->state == self->seen_state)
    return G_SOURCE_CONTINUE;
  self->seen_step = st->step;
  self->seen_run = st->run;
  self->seen_state = (int) st->state;
  self->refresh_part = PART_READ; /* the tick's first frame: the read's changes alone */
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

void
_bp_dashboard_follow_start (BpDashboard *self)
{
  if (self->timer_id != 0)
    return;
  self->last_refresh_us = 0; /* the first read refreshes every view */
  self->timer_id = g_timeout_add (TIMER_EVERY_MS, on_timer, self);
  on_timer (self);
}

void
_bp_dashboard_follow_stop (BpDashboard *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  self->refresh_part = PART_READ;
}
