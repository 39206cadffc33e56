/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A playground alone in a 1280x760 window, its first session built and drawn: the set-up of
 * test-playground.c and test-playground-edits.c. */
#pragma once

#include <adwaita.h>

#include "bp-playground-private.h"
#include "ui-test-util.h"

typedef struct {
  GtkWidget *window;
  BpPlayground *pg;
} Fixture;

/* The session exists, its latest snapshot is drawn and no rebuild is pending. */
static inline gboolean
settled (gpointer data)
{
  Fixture *f = data;

  return f->pg->session != NULL && f->pg->snapshot_run == bp_session_run (f->pg->session)
         && f->pg->tick_id == 0;
}

static inline void
wait_settled (Fixture *f)
{
  g_assert_true (ui_test_wait (settled, f, 20));
}

static inline void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->window = gtk_window_new ();
  g_object_ref_sink (f->window);
  f->pg = BP_PLAYGROUND (bp_playground_new ());
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 760);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->pg));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, f->pg, 10));
  wait_settled (f);
}

static inline void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
}
