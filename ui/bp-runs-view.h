/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BpRunsView: the runs side by side in a table (GtkColumnView): shown in the charts or not,
 * colour, name (click to rename), data, model, optimizer, learning rate, batch size, parameters
 * and the final figures; every column sorts; a button deletes a run ("delete-run"). */
#pragma once

#include <gtk/gtk.h>

#include "bp-runs.h"

G_BEGIN_DECLS

#define BP_TYPE_RUNS_VIEW (bp_runs_view_get_type ())
G_DECLARE_FINAL_TYPE (BpRunsView, bp_runs_view, BP, RUNS_VIEW, GtkWidget)

GtkWidget *bp_runs_view_new (void);

/* runs: a list of BpRun (kept). */
void bp_runs_view_set_runs (BpRunsView *self, GListModel *runs);
/* The rows as shown (sorted), for tests. */
GListModel *bp_runs_view_get_model (BpRunsView *self);
/* Sorts by the column with this title ("Val acc" …), descending or not. */
gboolean bp_runs_view_sort_by (BpRunsView *self, const char *title, gboolean descending);

G_END_DECLS
