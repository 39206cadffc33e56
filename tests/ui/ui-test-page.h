/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window open on its Dashboard page, for the UI tests that look at the page (shared so
 * that each does not keep a copy). */
#pragma once

#include "bp-dashboard.h"
#include "bp-window.h"
#include "ui-test-util.h"

typedef struct {
  BpWindow *window;
  BpDashboard *dash;
} UiTestPage;

/* A new window of width x height on the Dashboard page, shown and drawn. */
static inline void
ui_test_page_open (UiTestPage *p, int width, int height)
{
  g_autoptr (GError) error = NULL;

  p->window = bp_window_new (NULL);
  g_object_ref_sink (p->window);
  g_assert_true (bp_window_set_page (p->window, "dashboard", &error));
  g_assert_no_error (error);
  p->dash = BP_DASHBOARD (gtk_widget_get_template_child (GTK_WIDGET (p->window), BP_TYPE_WINDOW,
                                                         "dashboard"));
  gtk_window_set_default_size (GTK_WINDOW (p->window), width, height);
  gtk_window_present (GTK_WINDOW (p->window));
  g_assert_true (ui_test_wait (ui_test_is_mapped, p->dash, 10));
  ui_test_spin (0.5);
}

static inline void
ui_test_page_close (UiTestPage *p)
{
  gtk_window_destroy (GTK_WINDOW (p->window));
  ui_test_spin (0.1);
  g_object_unref (p->window);
}
