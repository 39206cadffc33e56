/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which runs quitting would throw away. The builder's and the dashboard's runs are work: a
 * network the user built, or a dashboard run of minutes (a CNN on Fashion-MNIST). One that is
 * running or paused half way and has trained for a while is worth a question before the
 * window closes. The playground's runs are not asked about: its toy networks train from the
 * moment the window opens, learn in seconds and start over at a click, so a question there
 * would come on nearly every quit and teach the user to click it away. */
#include "bp-config.h"

#include "bp-dashboard-training.h"

#include "bp-window-private.h"

/* Training time (pauses excluded) from which a run counts: a few seconds of Space is not
 * work to lose. */
#define LIVE_RUN_SECONDS 5.0

static gboolean
add_if_live (BpWindow *self, bp_session *session, const char *what, GString *out)
{
  bp_session_status st;

  if (session == NULL)
    return FALSE;
  bp_session_get_status (session, &st);
  if (st.state != BP_SESSION_RUNNING && st.state != BP_SESSION_PAUSED)
    return FALSE; /* finished, or diverged: nothing left to run */
  if (st.step == 0 || st.time < self->live_run_seconds)
    return FALSE;
  if (out->len > 0)
    g_string_append (out, " and ");
  g_string_append_printf (out, "%s (%s at epoch %u, %.0f s of training)", what,
                          st.state == BP_SESSION_RUNNING ? "running" : "paused", st.epoch + 1,
                          st.time);
  return TRUE;
}

int
_bp_window_describe_live_runs (BpWindow *self, GString *out)
{
  bp_session *builder = bp_builder_get_session (self->builder);
  bp_session *dashboard =
    bp_dashboard_training_get_session (bp_dashboard_get_training (self->dashboard));
  int n = 0;

  n += add_if_live (self, builder, "the Builder’s run", out);
  if (dashboard != builder)
    n += add_if_live (self, dashboard, "the Dashboard’s run", out);
  return n;
}

void
_bp_window_quit_init (BpWindow *self)
{
  self->live_run_seconds = LIVE_RUN_SECONDS;
}

void
bp_window_set_live_run_seconds (BpWindow *self, double seconds)
{
  g_return_if_fail (BP_IS_WINDOW (self));
  self->live_run_seconds = seconds;
}
