/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The row of hyperparameters above the playground: learning rate (1e-5 … 10, logarithmic),
 * activation, optimizer, regularization and its rate, problem type. "changed" says which
 * setting moved, so the receiver can apply live ones at once and rebuild for the others. */
#pragma once

#include <gtk/gtk.h>

#include "engine/activation.h"

G_BEGIN_DECLS

#define BP_TYPE_HYPER_BAR (bp_hyper_bar_get_type ())
G_DECLARE_FINAL_TYPE (BpHyperBar, bp_hyper_bar, BP, HYPER_BAR, GtkWidget)

typedef enum {
  BP_PG_OPTIM_SGD,
  BP_PG_OPTIM_MOMENTUM,
  BP_PG_OPTIM_ADAM,
  BP_PG_OPTIM_RMSPROP,
} BpPgOptimizer;

typedef enum {
  BP_PG_REG_NONE,
  BP_PG_REG_L1,
  BP_PG_REG_L2,
} BpPgRegularization;

typedef enum {
  BP_PG_PROBLEM_CLASSIFICATION,
  BP_PG_PROBLEM_REGRESSION,
} BpPgProblem;

typedef enum {
  BP_HYPER_LR = 1 << 0,
  BP_HYPER_ACTIVATION = 1 << 1,
  BP_HYPER_OPTIMIZER = 1 << 2,
  BP_HYPER_REGULARIZATION = 1 << 3, /* the kind or the rate */
  BP_HYPER_PROBLEM = 1 << 4,
} BpHyperField;

typedef struct {
  double learning_rate;
  bp_act activation;
  BpPgOptimizer optimizer;
  BpPgRegularization regularization;
  double reg_rate;
  BpPgProblem problem;
} BpHyperSettings;

GtkWidget *bp_hyper_bar_new (void);

void bp_hyper_bar_get_settings (BpHyperBar *self, BpHyperSettings *out);
/* Shows these settings; emits nothing. */
void bp_hyper_bar_set_settings (BpHyperBar *self, const BpHyperSettings *settings);

/* Sets the learning rate as the slider would (to the nearest of its 1-2-3-5 stops) and emits "changed". */
void bp_hyper_bar_set_learning_rate (BpHyperBar *self, double lr);

/* The activations offered, in menu order (BP_ACT_COUNT-terminated). */
const bp_act *bp_hyper_bar_activations (void);

G_END_DECLS
