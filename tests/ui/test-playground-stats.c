/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The playground's stats line above the output: its accuracy says which set it is measured
 * on (the test points), and the line has a tooltip that says what the numbers are. */
#include "bp-config.h"

#include <adwaita.h>
#include <string.h>

#include "bp-ui.h"
#include "playground-fixture.h"

static gboolean
has_accuracy (gpointer data)
{
  Fixture *f = data;

  return strstr (gtk_label_get_text (f->pg->stats_label), "ccuracy") != NULL;
}

static gboolean
has_loss (gpointer data)
{
  Fixture *f = data;

  return strstr (gtk_label_get_text (f->pg->stats_label), "Training loss") != NULL;
}

static void
test_stats_label (Fixture *f, gconstpointer data)
{
  const char *text, *tip;

  /* The default data is a classification: after some steps the line shows an accuracy. */
  g_assert_cmpint (f->pg->data->task, ==, BP_TASK_CLASSIFICATION);
  bp_playground_run_steps (f->pg, 50, NULL, NULL);
  wait_settled (f);
  g_assert_true (ui_test_wait (has_accuracy, f, 20));
  text = gtk_label_get_text (f->pg->stats_label);
  g_assert_nonnull (strstr (text, "Test accuracy "));
  g_assert_nonnull (strstr (text, "Test loss "));
  g_assert_nonnull (strstr (text, "Training loss "));
  tip = gtk_widget_get_tooltip_text (GTK_WIDGET (f->pg->stats_label));
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "test points"));
  g_assert_nonnull (strstr (tip, "right class"));

  /* A regression has no accuracy: neither the line nor its tooltip speaks of classes. */
  bp_data_panel_select_kind (f->pg->data_panel, BP_SYNTH_REG_PLANE);
  wait_settled (f);
  bp_playground_run_steps (f->pg, 50, NULL, NULL);
  wait_settled (f);
  g_assert_true (ui_test_wait (has_loss, f, 20));
  text = gtk_label_get_text (f->pg->stats_label);
  g_assert_null (strstr (text, "ccuracy"));
  tip = gtk_widget_get_tooltip_text (GTK_WIDGET (f->pg->stats_label));
  g_assert_nonnull (tip);
  g_assert_null (strstr (tip, "class"));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  bp_ui_init ();

  g_test_add ("/playground/stats-label", Fixture, NULL, fixture_setup, test_stats_label,
              fixture_teardown);
  return g_test_run ();
}
