/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: header bar (play/pause, step, reset, counters), the page stack, window
 * actions (play, step, reset, open, save) and the scripted screenshot. */
#pragma once

#include <adwaita.h>

#include "bp-application.h"
#include "bp-playground.h"
#include "engine/session.h"

G_BEGIN_DECLS

#define BP_TYPE_WINDOW (bp_window_get_type ())
G_DECLARE_FINAL_TYPE (BpWindow, bp_window, BP, WINDOW, AdwApplicationWindow)

typedef void (*BpScreenshotDone) (BpWindow *window, gboolean ok, const char *message,
                                  gpointer user_data);

BpWindow *bp_window_new (BpApplication *app);

/* Shows page name ("playground"); FALSE with an error listing the pages when there is none. */
gboolean bp_window_set_page (BpWindow *self, const char *name, GError **error);
const char *bp_window_get_page (BpWindow *self);

BpPlayground *bp_window_get_playground (BpWindow *self);

/* The session the dashboard follows when it trains none of its own: the builder's run when it
 * was started after the playground's, else the playground's; label (may be NULL) receives
 * "builder" or "playground". NULL when there is none. It may be replaced or freed whenever
 * its page changes its data or network: ask again rather than keep it. */
bp_session *bp_window_get_followed_session (BpWindow *self, const char **label);
/* bp_window_get_followed_session (self, NULL). */
bp_session *bp_window_get_session (BpWindow *self);

/* Reads the run of the page on screen into the header's counters now. The dashboard calls it
 * in the frame in which it updates its own status line and progress bar, next to the header,
 * so that the header never changes in the frame of a chart far below (bp-window-header.c):
 * on that page the header does not poll by itself. */
void bp_window_update_header (BpWindow *self);

/* Opens an experiment file in the builder page, first asking about unsaved changes there.
 * A file that does not open shows its error and leaves the current work as it was. */
void bp_window_open_file (BpWindow *self, GFile *file);
/* The unsaved-changes question (or, at close, "Stop Training and Quit?") while it is on
 * screen (responses "cancel", "discard" = go on without saving, and "save" when there is
 * something to save), or NULL. */
AdwMessageDialog *bp_window_get_prompt (BpWindow *self);
/* Closing asks "Stop Training and Quit?" while the builder's or the dashboard's run is running
 * or paused half way after this much training time (5 s; the playground's runs never ask).
 * For tests. */
void bp_window_set_live_run_seconds (BpWindow *self, double seconds);
/* The last message the window showed as a toast, or NULL. */
const char *bp_window_get_last_message (BpWindow *self);

/* Once the window is on screen: trains `steps` steps, waits for the window to draw them,
 * writes the PNG and calls done (ok FALSE and a message when something failed). */
void bp_window_screenshot_after_steps (BpWindow *self, const char *path, int steps,
                                       BpScreenshotDone done, gpointer user_data);

/* Frame times are recorded while training runs, when asked. */
void bp_window_set_collect_stats (BpWindow *self, gboolean collect);
/* epochs/s, frames/s and paint-time percentiles, as lines of text. */
char *bp_window_stats_report (BpWindow *self);

G_END_DECLS
