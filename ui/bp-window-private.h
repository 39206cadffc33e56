/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's insides, shared by bp-window.c and bp-window-files.c. */
#pragma once

#include "bp-window.h"

#include "bp-builder.h"
#include "bp-dashboard.h"
#include "bp-data-explorer.h"
#include "bp-frame-stats.h"
#include "bp-playground.h"

G_BEGIN_DECLS

struct _BpWindow {
  AdwApplicationWindow parent_instance;

  /* template */
  GtkButton *play_button;
  GtkLabel *epoch_label;
  GtkLabel *epoch_caption; /* "Epochs done": finished ones, not the one in progress */
  GtkLabel *step_label;
  GtkLabel *rate_label;
  AdwViewStack *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay *toast_overlay;
  BpPlayground *playground;
  BpDashboard *dashboard;
  BpDataExplorer *data_explorer;
  BpBuilder *builder;

  /* Experiment files (bp-window-files.c) */
  AdwMessageDialog *prompt; /* the unsaved-changes question on screen, or NULL */
  int after_prompt;         /* what the prompt was asked for (BpWindowNext) */
  GFile *pending_file;      /* the file to open once the prompt is answered */
  char *pending_template;   /* the template to start from once the prompt is answered */
  gboolean close_confirmed; /* the user agreed to lose changes: close without asking */
  double live_run_seconds;  /* training time from which a run is asked about at quit */
  char *last_message;       /* the last toast shown */
  GMenu *recent_menu;
  GtkRecentManager *recent;
  gulong recent_changed_id;

  /* The header bar (bp-window-header.c) */
  guint header_poll_id;     /* reads the page's run while a page other than the playground shows */
  guint header_settle_id;   /* one more look just after a command */
  gboolean header_running;  /* what the play button shows */
  gboolean header_shown;    /* header_running has been shown once */
  gboolean follow_builder;  /* the builder's run started after the playground's */
  guint64 logged_step;      /* what the debug log said last */
  int logged_target;
  gboolean logged_running;

  BpFrameStats *frame_stats; /* NULL unless --stats */

  /* A pending --screenshot */
  char *shot_path;
  int shot_steps;
  BpScreenshotDone shot_done;
  gpointer shot_data;
  guint shot_tick_id;
  int shot_frames_left; /* frames to let pass after training before capturing */
  gint64 shot_first_frame_us; /* frame time of the first frame: start-up animations settle */
  GdkFrameClock *shot_clock;
  gulong shot_paint_id;
  gboolean shot_training;
  guint64 shot_step_target; /* the session step at which --steps is done */
};

/* bp-window-header.c: play, step and reset of the page's run, and its counters. */
void _bp_window_header_class_init (GtkWidgetClass *widget_class);
void _bp_window_header_init (BpWindow *self);
void _bp_window_header_dispose (BpWindow *self);
void _bp_window_header_update (BpWindow *self);

/* bp-window-files.c: the open/save actions, the unsaved-changes prompt, recent files. */
void _bp_window_files_class_init (GtkWidgetClass *widget_class);
void _bp_window_files_init (BpWindow *self);
void _bp_window_files_dispose (BpWindow *self);
/* bp-window-quit.c: the runs that closing would end. Appends "the Builder’s run (paused at
 * epoch 3, 12 s of training)" for each to out; returns how many. */
void _bp_window_quit_init (BpWindow *self);
int _bp_window_describe_live_runs (BpWindow *self, GString *out);
/* bp-window-pages.c: Alt+1..4 and Ctrl+Page Up/Down switch pages (win.show-page,
 * win.next-page, win.previous-page). */
void _bp_window_pages_class_init (GtkWidgetClass *widget_class);
void _bp_window_pages_init (BpWindow *self);
/* Whether a dropped file is an experiment (opens in the builder) rather than data. */
gboolean _bp_window_is_experiment_file (GFile *file);

G_END_DECLS
