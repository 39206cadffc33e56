/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the dashboard's files: bp-dashboard.c (object, toolbar, tick), bp-dashboard-curves.c
 * (the learning curves and the runs chart), bp-dashboard-inside.c and -weights.c (histograms
 * and weights), bp-dashboard-eval.c (evaluation, gallery, drawing pad) and
 * bp-dashboard-conv.c and -conv-follow.c (the network choice and the convolutions). */
#pragma once

#include "bp-dashboard.h"

#include "bp-confusion.h"
#include "bp-conv-panel.h"
#include "bp-draw-pad.h"
#include "bp-histogram-view.h"
#include "bp-runs-view.h"
#include "bp-weight-heatmap.h"

G_BEGIN_DECLS

struct _BpDashboard {
  GtkWidget parent_instance;

  /* template */
  GtkWidget *root;
  GtkLabel *data_label;
  GtkWidget *network_box;
  GtkDropDown *network_drop;
  GtkEntry *hidden_entry;
  GtkDropDown *activation_drop;
  GtkDropDown *optimizer_drop;
  GtkDropDown *lr_drop;
  GtkDropDown *batch_drop;
  GtkDropDown *epochs_drop;
  GtkButton *new_run_button;
  GtkButton *play_button;
  GtkProgressBar *progress;
  GtkLabel *status_label;
  GtkStack *stack;
  GtkAdjustment *smoothing_adjustment;
  GtkCheckButton *log_check;
  BpChart *loss_chart;
  BpChart *acc_chart;
  BpChart *lr_chart;
  GtkDropDown *hist_layer_drop;
  GtkDropDown *hist_tensor_drop;
  GtkDropDown *hist_mode_drop;
  GtkDropDown *bins_drop;
  GtkEntry *from_entry;
  GtkEntry *to_entry;
  BpHistogramView *hist_view;
  GtkDropDown *weight_layer_drop;
  GtkCheckButton *hinton_check;
  GtkLabel *dead_label;
  BpWeightHeatmap *weight_map;
  GtkButton *evaluate_button;
  GtkDropDown *norm_drop;
  GtkLabel *eval_label;
  GtkStack *eval_stack;
  BpConfusion *confusion;
  GtkGrid *class_grid;
  GtkLabel *gallery_label;
  GtkFlowBox *gallery;
  BpChart *scatter_chart;
  BpChart *residual_chart;
  BpChart *runs_chart;
  BpRunsView *runs_view;
  GtkStackPage *draw_page;
  BpDrawPad *draw_pad;
  GtkButton *clear_button;
  GtkGrid *prob_grid;
  GtkStackPage *conv_page;
  BpConvPanel *conv_panel;

  BpDashboardTraining *training;
  BpDataSource *source;       /* what the next run trains on */
  GCancellable *cancellable;  /* loads and model copies in flight */
  guint tick_id;  /* while the views of a refresh are redrawn, one per frame */
  guint timer_id; /* while mapped: reads the session up to four times a second */
  gint64 last_refresh_us;     /* when the last refresh began (monotonic) */
  gint64 last_refresh_cpu_us; /* the UI thread's CPU time then (bp_cpu_share_thread_cpu_us) */
  int refresh_part;           /* what the tick refreshes next: one view per frame */
  /* The session as the last refresh read it: when it has not moved since, the views have
   * nothing new and the refresh stops after reading (no frames for nothing). */
  guint64 seen_step, seen_run;
  int seen_state;
  /* The Builder's or Playground's session as the last read saw it, to tell when a run starts
   * there (see read_session in bp-dashboard-tick.c). */
  bp_session *other_seen;
  guint64 other_seen_run;
  gboolean other_was_running;

  /* curves: one entry per run (RunCurves), by run */
  GHashTable *curves;
  /* histograms: what the view holds */
  guint64 hist_run;
  int hist_layer;
  bp_hist_tensor hist_tensor;
  guint64 hist_fed;
  gint64 hist_fed_us;         /* when entries were last added to the view */
  int n_layers_listed;
  /* the weights and the evaluation */
  BpModelView *model;         /* the newest copy */
  gboolean model_pending;
  gint64 model_us;            /* when the last copy was asked for */
  guint64 evaluated_step;     /* the step last evaluated (or being evaluated) */
  GCallback eval_done;
  gpointer eval_done_data;
  gboolean eval_pending;
  int dense_listed;
  GPtrArray *prob_bars;       /* GtkLevelBar per class */
  GPtrArray *prob_labels;     /* GtkLabel per class */
  guint64 conv_seq;           /* the snapshot the convolutions part shows */
  GtkLabel *hidden_error;     /* under the Hidden layers field: what is wrong with it */
  GtkSpinner *eval_spinner;   /* next to Evaluate while an evaluation is under way */
  gboolean eval_busy;
  GtkWidget *next_run_caption; /* "Next run:" before the fields, while another page's run shows */
};

/* bp-dashboard-curves.c */
void _bp_dashboard_curves_init (BpDashboard *self);
void _bp_dashboard_curves_dispose (BpDashboard *self);
typedef enum {
  BP_CURVES_LOSS = 1 << 0,
  BP_CURVES_ACC = 1 << 1,
  BP_CURVES_LR = 1 << 2,
  BP_CURVES_RUNS = 1 << 3,
  BP_CURVES_ALL = 0xf,
} BpCurvesCharts;
/* Appends what the runs gained since the last call to the charts named; adds and drops series
 * as runs come and go. */
void _bp_dashboard_curves_update (BpDashboard *self, BpCurvesCharts charts);

/* bp-dashboard-runs.c: deleting a run (and undoing it), what a new current run resets */
void _bp_dashboard_runs_init (BpDashboard *self);
void _bp_dashboard_runs_delete (BpDashboard *self, BpRun *run);
/* Puts the last deleted run back; FALSE when there is none. */
gboolean _bp_dashboard_runs_undo (BpDashboard *self);
/* TRUE when the current run is another than at the last call: then the charts' zoom and the
 * histograms' step range were reset for it. */
gboolean _bp_dashboard_runs_track_current (BpDashboard *self);

/* bp-dashboard-inside.c (the histograms) and bp-dashboard-weights.c (the weights) */
void _bp_dashboard_inside_init (BpDashboard *self);
/* Histograms: the layer list, then whatever the history gained (live: at most once a
 * second). */
void _bp_dashboard_inside_update (BpDashboard *self, gboolean live);
/* bp-dashboard-weights.c: a new copy of the network arrived: the weight heatmap and the dead-unit share. */
void _bp_dashboard_inside_model (BpDashboard *self);
/* The last copy of a followed run's weights (dense matrices only: no network, no data), taken
 * by _bp_dashboard_inside_update while the weights are on screen, or NULL. */
BpModelView *_bp_dashboard_inside_followed_weights (BpDashboard *self);

/* bp-dashboard-eval.c */
void _bp_dashboard_eval_init (BpDashboard *self);
void _bp_dashboard_eval_dispose (BpDashboard *self);
/* A copy with an evaluation arrived. */
void _bp_dashboard_eval_show (BpDashboard *self);
/* An evaluation is under way (busy) or over: the button waits, a spinner says so. */
void _bp_dashboard_eval_set_busy (BpDashboard *self, gboolean busy);
/* The drawing pad's classes and its prediction. */
void _bp_dashboard_draw_setup (BpDashboard *self);
void _bp_dashboard_draw_predict (BpDashboard *self);

/* bp-dashboard-conv.c: the Network choice and the Convolutions part */
void _bp_dashboard_conv_init (BpDashboard *self);
/* The source changed: the Network choice is offered for images. */
void _bp_dashboard_conv_source (BpDashboard *self);
/* The CNN is chosen (and the data are images). */
gboolean _bp_dashboard_conv_chosen (BpDashboard *self);
void _bp_dashboard_conv_show_settings (BpDashboard *self, const BpTrainSettings *s);
/* A new run started: the part shows when its network has conv layers. */
void _bp_dashboard_conv_setup (BpDashboard *self);
/* From the tick: the newest snapshot, when the part is on screen. */
void _bp_dashboard_conv_update (BpDashboard *self);
/* A new copy of the network arrived. */
void _bp_dashboard_conv_model (BpDashboard *self);
/* The network saved with a followed run's weights (bp_spec_free), or NULL. */
bp_spec *_bp_dashboard_spec_of_weights (const bp_safetensors *st);

/* bp-dashboard-toolbar.c: the training settings' fields, New Run and Train, the status line */
void _bp_dashboard_toolbar_init (BpDashboard *self);
void _bp_dashboard_show_settings (BpDashboard *self, const BpTrainSettings *s);
/* The settings in the toolbar; FALSE with an error (also shown next to the field) for hidden
 * layers that are missing or do not parse. */
gboolean _bp_dashboard_read_settings (BpDashboard *self, BpTrainSettings *s, GError **error);
void _bp_dashboard_update_status (BpDashboard *self);
void _bp_dashboard_set_error_status (BpDashboard *self, const char *message);

/* bp-dashboard-tick.c: following the session, and the copies of the network */
/* Asks for a copy of the network (with an evaluation when evaluate). */
void _bp_dashboard_request_model (BpDashboard *self, gboolean evaluate);
/* A new run: the copy of the old network (and one on its way) no longer says anything. */
void _bp_dashboard_forget_model (BpDashboard *self);
/* The frame-clock tick callback, added while the page is mapped. */
/* Following the session while the page is on screen (bp-dashboard-tick.c): map and unmap. */
void _bp_dashboard_follow_start (BpDashboard *self);
void _bp_dashboard_follow_stop (BpDashboard *self);

G_END_DECLS
