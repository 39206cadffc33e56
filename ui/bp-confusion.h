/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpConfusion: a confusion matrix, true classes down, predicted classes across, as counts or
 * normalised by row (recall), column (precision) or the whole. Cells are shaded by their share
 * and labelled when there is room; clicking one emits "cell-activated" (true, predicted) so the
 * page can show those examples. */
#pragma once

#include <gtk/gtk.h>

#include "engine/eval.h"

G_BEGIN_DECLS

#define BP_TYPE_CONFUSION (bp_confusion_get_type ())
G_DECLARE_FINAL_TYPE (BpConfusion, bp_confusion, BP, CONFUSION, GtkWidget)

GtkWidget *bp_confusion_new (void);

/* cm: (k, k) counts, copied; names: k class names (copied) or NULL. */
void bp_confusion_set_matrix (BpConfusion *self, const gint64 *cm, int k,
                              const char *const *names);
/* "normalize" property (a bp_cm_norm). */
void bp_confusion_set_normalize (BpConfusion *self, bp_cm_norm how);
bp_cm_norm bp_confusion_get_normalize (BpConfusion *self);
/* The highlighted cell (-1, -1 for none). */
void bp_confusion_set_selected (BpConfusion *self, int true_class, int pred_class);

/* The value shown in cell (t, p) as the current normalisation has it. */
double bp_confusion_get_value (BpConfusion *self, int true_class, int pred_class);
gboolean bp_confusion_cell_rect (BpConfusion *self, int true_class, int pred_class,
                                 graphene_rect_t *out);
gboolean bp_confusion_cell_at (BpConfusion *self, double x, double y, int *true_class,
                               int *pred_class);

G_END_DECLS
