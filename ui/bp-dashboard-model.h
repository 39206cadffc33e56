/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the dashboard needs of the network itself, which the session keeps to its trainer
 * thread: a copy of the weights taken between two steps (through bp_session_save_weights into
 * a file in memory), rebuilt into a network of our own on a worker thread, and what that copy
 * says: each dense layer's weight matrix, the share of dead ReLU units, and an evaluation on
 * the test rows (predictions, confusion matrix, precision / recall / F1, or for regression
 * predicted-vs-actual, residuals, RMSE and R²). The copy's network also answers the drawing
 * pad, on the UI thread, once the worker is done with it. */
#pragma once

#include <gio/gio.h>

#include "bp-data-explorer-source.h"
#include "engine/eval.h"
#include "engine/net.h"
#include "engine/safetensors.h"
#include "engine/session.h"

G_BEGIN_DECLS

/* A session and the data it borrows, freed together when the last holder lets go: a worker
 * thread waiting on a save keeps the session alive while the dashboard moves on. */
typedef struct {
  bp_session *session;
  BpDataSource *src;
} BpSessionBox;

BpSessionBox *bp_session_box_new (bp_session *session, BpDataSource *src);
BpSessionBox *bp_session_box_ref (BpSessionBox *box);
void bp_session_box_unref (BpSessionBox *box);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpSessionBox, bp_session_box_unref)

typedef struct {
  char name[64];
  int index;          /* in the spec */
  int in, out;
  bp_act activation;  /* fused, or of an activation layer right after */
  const float *weight; /* (out, in) */
  const float *bias;   /* (out) or NULL */
  double dead_share;   /* units that output <= 0 for every probe row; NaN unless ReLU */
  gboolean *dead;      /* (out): which units those are, or NULL unless ReLU */
} BpDenseView;

typedef struct {
  bp_spec *spec;
  bp_net *net;        /* compiled for BP_MODEL_BATCH rows */
  bp_safetensors *st; /* the weights the views point into */
  guint64 step;
  guint epoch;
  int n_dense;
  BpDenseView *dense;
  BpDataSource *src;

  /* Evaluation on the test rows (or the validation rows when there are none). */
  gboolean evaluated;
  const char *eval_rows_name; /* "test" or "validation" */
  guint32 n_rows;
  guint32 *rows;      /* dataset rows, (n_rows) */
  int n_outputs;
  float *outputs;     /* (n_rows, n_outputs): probabilities, or raw outputs for regression */
  /* classification */
  int n_classes;
  gint32 *labels;     /* (n_rows) */
  gint32 *pred;       /* (n_rows) */
  gint64 *cm;         /* (n_classes, n_classes) */
  bp_class_scores *scores; /* (n_classes) */
  bp_class_report report;
  /* regression (first target) */
  float *targets;     /* (n_rows) */
  float *predicted;   /* (n_rows) */
  float *residuals;   /* (n_rows) */
  bp_regression_report regression;
  double loss;        /* mean loss over the rows */
} BpModelView;

#define BP_MODEL_BATCH 256

BpModelView *bp_model_view_ref (BpModelView *view);
void bp_model_view_unref (BpModelView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpModelView, bp_model_view_unref)

/* Copies the session's weights and rebuilds them on a worker thread; with evaluate, also runs
 * the test rows through. */
void bp_model_view_new_async (BpSessionBox *box, gboolean evaluate, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
BpModelView *bp_model_view_new_finish (GAsyncResult *result, GError **error);
/* The same, blocking (tests, and the worker itself). */
BpModelView *bp_model_view_new (BpSessionBox *box, gboolean evaluate, GError **error);

/* The copy's prediction for one input row of raw features (before the source's scaler):
 * probabilities (classification) or outputs into out (n_outputs). FALSE when it cannot. */
gboolean bp_model_view_predict (BpModelView *view, const float *raw, float *out);

G_END_DECLS
