/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The runs' lifecycle on the dashboard: deleting a run (the one in training is stopped first,
 * and what showed it is cleared), undoing a delete (a toast's Undo, or Ctrl+Z), and what a
 * new current run resets: the charts' zoom and the histograms' step range. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-toast.h"
#include "bp-window.h"

#define RUNS_KEY "bp-dashboard-runs"
#define UNDO_KEEP 20 /* deletes that can be undone, newest first */

typedef struct {
  BpRun *run;
  guint position; /* in the list of runs */
} Deleted;

/* Kept on the dashboard object (freed with it). */
typedef struct {
  GPtrArray *deleted; /* Deleted, oldest first */
  BpRun *current;     /* the current run as last seen (a reference), or NULL */
  AdwToast *toast;    /* the last delete's toast while it shows (a weak pointer) */
} Runs;

static void
deleted_free (gpointer data)
{
  Deleted *d = data;

  g_object_unref (d->run);
  g_free (d);
}

static void
runs_free (gpointer data)
{
  Runs *r = data;

  g_ptr_array_unref (r->deleted);
  g_clear_object (&r->current);
  g_clear_weak_pointer (&r->toast);
  g_free (r);
}

static Runs *
get_runs (BpDashboard *self)
{
  Runs *r = g_object_get_data (G_OBJECT (self), RUNS_KEY);

  if (r == NULL)
    {
      r = g_new0 (Runs, 1);
      r->deleted = g_ptr_array_new_with_free_func (deleted_free);
      g_object_set_data_full (G_OBJECT (self), RUNS_KEY, r, runs_free);
    }
  return r;
}

/* Puts the deleted run d back (and forgets d). */
static void
restore (BpDashboard *self, Deleted *d)
{
  Runs *r = get_runs (self);

  bp_dashboard_training_restore_run (self->training, d->run, d->position);
  g_ptr_array_remove (r->deleted, d);
  _bp_dashboard_curves_update (self, BP_CURVES_ALL);
}

static void
on_undo_clicked (AdwToast *toast, BpDashboard *self)
{
  BpRun *run = g_object_get_data (G_OBJECT (toast), "run");
  Runs *r = get_runs (self);

  for (guint i = r->deleted->len; i-- > 0;)
    if (((Deleted *) g_ptr_array_index (r->deleted, i))->run == run)
      {
        restore (self, g_ptr_array_index (r->deleted, i));
        return;
      }
}

static void
announce (BpDashboard *self, BpRun *run, gboolean stopped)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  Runs *r = get_runs (self);
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (overlay == NULL)
    return;
  text = g_strdup_printf (stopped ? "Stopped and deleted %s" : "Deleted %s",
                          bp_run_get_name (run));
  toast = bp_toast_new_text (text);
  adw_toast_set_button_label (toast, "_Undo");
  adw_toast_set_timeout (toast, 8);
  /* The toast keeps the run only as a key: the undo list owns the reference. */
  g_object_set_data (G_OBJECT (toast), "run", run);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, 0);
  /* Deleting several runs shows the newest delete at once, not a queue of toasts (the older
   * ones stay undoable with Ctrl+Z). */
  if (r->toast != NULL)
    adw_toast_dismiss (r->toast);
  g_set_weak_pointer (&r->toast, toast);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* The views that showed the run in training, once it is stopped: histograms, weights, the
 * evaluation, status line and the window's header. */
static void
clear_views (BpDashboard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  _bp_dashboard_forget_model (self);
  gtk_label_set_text (self->dead_label, "");
  /* Only our own runs are evaluated, and the session that could show one again is gone. */
  gtk_stack_set_visible_child_name (self->eval_stack, "empty");
  gtk_label_set_text (self->eval_label, "");
  self->hist_fed = 0;
  self->hist_run = 0;
  bp_histogram_view_clear (self->hist_view);
  bp_dashboard_refresh (self);
  if (BP_IS_WINDOW (root))
    bp_window_update_header (BP_WINDOW (root));
}

void
_bp_dashboard_runs_delete (BpDashboard *self, BpRun *run)
{
  GListModel *runs = bp_dashboard_training_get_runs (self->training);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Runs *r = get_runs (self);
  gboolean current = run == bp_dashboard_training_get_current_run (self->training);
  Deleted *d;
  guint pos;

  if (!g_list_store_find (G_LIST_STORE (runs), run, &pos))
    return;
  d = g_new0 (Deleted, 1);
  d->run = g_object_ref (run);
  d->position = pos;
  /* A followed session is given afresh before it is touched: its page may have replaced it
   * since the last read. */
  if (current && !bp_dashboard_training_has_session (self->training) && BP_IS_WINDOW (root))
    {
      const char *label = NULL;
      bp_session *s = bp_window_get_followed_session (BP_WINDOW (root), &label);

      bp_dashboard_training_follow (self->training, s, label);
    }
  bp_dashboard_training_delete_run (self->training, run);
  g_ptr_array_add (r->deleted, d);
  if (r->deleted->len > UNDO_KEEP)
    g_ptr_array_remove_index (r->deleted, 0);
  _bp_dashboard_curves_update (self, BP_CURVES_ALL);
  if (current)
    clear_views (self);
  announce (self, run, current);
}

gboolean
_bp_dashboard_runs_undo (BpDashboard *self)
{
  Runs *r = get_runs (self);

  if (r->deleted->len == 0)
    return FALSE;
  restore (self, g_ptr_array_index (r->deleted, r->deleted->len - 1));
  return TRUE;
}

static void
on_delete_run (BpRunsView *view, BpRun *run, BpDashboard *self)
{
  _bp_dashboard_runs_delete (self, run);
}

/* Ctrl+Z on the page: the last delete comes back. A text field with the focus undoes its own
 * typing first (it sees the key before the window does). */
static gboolean
on_undo_key (GtkWidget *widget, GVariant *args, gpointer data)
{
  BpDashboard *self = BP_DASHBOARD (widget);

  return gtk_widget_get_mapped (widget) && _bp_dashboard_runs_undo (self);
}

void
_bp_dashboard_runs_init (BpDashboard *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();

  get_runs (self);
  g_signal_connect (self->runs_view, "delete-run", G_CALLBACK (on_delete_run), self);
  /* Managed by the window: the page rarely has the focus in it (see drop_text_focus). */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (keys), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK),
                      gtk_callback_action_new (on_undo_key, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

gboolean
_bp_dashboard_runs_track_current (BpDashboard *self)
{
  BpRun *run = bp_dashboard_training_get_current_run (self->training);
  Runs *r = get_runs (self);

  if (run == r->current)
    return FALSE;
  g_set_object (&r->current, run);
  if (run == NULL)
    return TRUE;
  /* A zoom or a step range chosen for the run before would hide the new one. */
  bp_chart_reset_view (self->loss_chart);
  bp_chart_reset_view (self->acc_chart);
  bp_chart_reset_view (self->lr_chart);
  bp_chart_reset_view (self->runs_chart);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  return TRUE;
}
