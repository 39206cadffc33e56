/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"
#include "bp-toast.h"

#include "bp-window-private.h"

#include "bp-builder.h"
#include "bp-chart.h"
#include "bp-dashboard.h"
#include "bp-data-explorer.h"
#include "bp-frame-stats.h"
#include "bp-playground-private.h"
#include "bp-screenshot.h"


G_DEFINE_FINAL_TYPE (BpWindow, bp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_message (BpPlayground *playground, const char *message, BpWindow *self)
{
  adw_toast_overlay_add_toast (self->toast_overlay, bp_toast_new_text (message));
}

/* The data explorer and the dashboard: until the dashboard has trained, what the explorer
 * shows is what its next run trains on; "Train on This Data" goes there and starts it; a file dropped anywhere on the
 * window opens in the explorer. */

static void
on_data_loaded (BpDataExplorer *explorer, BpWindow *self)
{
  /* Only while the dashboard has no run of its own: once it has trained, looking at other
   * data here must not change its data and toolbar behind its back (a new user's dashboard
   * turned into an Iris one just by opening this page); "Train on This Data" says it. */
  if (bp_dashboard_training_has_session (bp_dashboard_get_training (self->dashboard)))
    return;
  bp_dashboard_set_source (self->dashboard, bp_data_explorer_get_source (explorer));
}

static void
on_train_data (BpDataExplorer *explorer, gpointer src, BpWindow *self)
{
  g_autoptr (GError) error = NULL;

  bp_dashboard_set_source (self->dashboard, src);
  adw_view_stack_set_visible_child_name (self->view_stack, "dashboard");
  if (!bp_dashboard_new_run (self->dashboard, TRUE, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, bp_toast_new_text (error->message));
}

static gboolean
on_file_dropped (GtkDropTarget *target, const GValue *value, double x, double y, BpWindow *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  /* Experiments go to the builder (asking first about unsaved changes); anything else is
   * data. */
  if (_bp_window_is_experiment_file (g_value_get_object (value)))
    {
      bp_window_open_file (self, g_value_get_object (value));
      return TRUE;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "data");
  bp_data_explorer_open_file (self->data_explorer, g_value_get_object (value));
  return TRUE;
}

/* Space and Right go to training (of the page's run, see bp-window-header.c) unless the focus
 * is in something that uses those keys. */
static gboolean
focus_wants_keys (BpWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  for (; focus != NULL; focus = gtk_widget_get_parent (focus))
    if (GTK_IS_EDITABLE (focus) || GTK_IS_RANGE (focus) || GTK_IS_TEXT_VIEW (focus)
        || GTK_IS_DROP_DOWN (focus) || GTK_IS_POPOVER (focus) || GTK_IS_LIST_VIEW (focus)
        || GTK_IS_COLUMN_VIEW (focus) || GTK_IS_GRID_VIEW (focus))
      return TRUE;
  return FALSE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, BpWindow *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  if (keyval != GDK_KEY_space && keyval != GDK_KEY_Right)
    return FALSE;
  /* The data page's tables and lists move with the arrow keys, and a focused chart pans with
   * them (Space still trains: a chart has no use for it). */
  if (g_strcmp0 (bp_window_get_page (self), "data") == 0 || focus_wants_keys (self))
    return FALSE;
  if (keyval == GDK_KEY_Right && BP_IS_CHART (gtk_root_get_focus (GTK_ROOT (self))))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self),
                              keyval == GDK_KEY_space ? "win.play" : "win.step", NULL);
  return TRUE;
}

/* Screenshot */

static void
shot_finish (BpWindow *self, gboolean ok, const char *message)
{
  BpScreenshotDone done = self->shot_done;

  self->shot_done = NULL;
  /* The frames of the screenshot's run are counted up to the capture (see shot_tick); after,
   * only while the play button trains. */
  if (self->frame_stats != NULL && !self->header_running)
    bp_frame_stats_attach (self->frame_stats, NULL);
  if (self->shot_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->shot_tick_id);
  self->shot_tick_id = 0;
  if (done != NULL)
    done (self, ok, message, self->shot_data);
}

static void
shot_steps_done (BpPlayground *playground, gpointer user_data)
{
  BpWindow *self = user_data;

  self->shot_training = FALSE;
  self->shot_frames_left = 3;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
shot_after_paint (GdkFrameClock *clock, BpWindow *self)
{
  g_autoptr (GError) error = NULL;

  g_clear_signal_handler (&self->shot_paint_id, self->shot_clock);
  g_clear_object (&self->shot_clock);
  if (!bp_screenshot_widget_to_png (GTK_WIDGET (self), self->shot_path, &error))
    shot_finish (self, FALSE, error->message);
  else
    shot_finish (self, TRUE, NULL);
}

static gboolean
shot_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  BpWindow *self = BP_WINDOW (widget);

  if (self->shot_training)
    {
      /* The playground reports the end of the steps from its own tick, which does not run
       * while another page (--page dashboard) hides it: then look at the session from here. */
      bp_session *session = self->playground->session;

      if (!gtk_widget_get_mapped (GTK_WIDGET (self->playground)) && session != NULL
          && bp_session_get_step (session) >= self->shot_step_target
          && bp_session_get_state (session) != BP_SESSION_RUNNING)
        shot_steps_done (self->playground, self);
      return G_SOURCE_CONTINUE;
    }
  if (self->shot_steps > 0)
    {
      int steps = self->shot_steps;
      bp_session *session = self->playground->session;

      /* First frame is up: now train, then let a few frames draw the result. */
      self->shot_steps = 0;
      self->shot_training = TRUE;
      self->shot_step_target = (session ? bp_session_get_step (session) : 0) + (guint64) steps;
      /* The screenshot's steps train without the play button, which is what attaches the
       * frame statistics otherwise: count the frames from here to the capture, those that
       * draw the training and its result (a fast run may end before the next frame). */
      if (self->frame_stats != NULL)
        bp_frame_stats_attach (self->frame_stats, clock);
      bp_playground_run_steps (self->playground, steps, shot_steps_done, self);
      return G_SOURCE_CONTINUE;
    }
  if (self->shot_first_frame_us == 0)
    self->shot_first_frame_us = gdk_frame_clock_get_frame_time (clock);
  /* A few frames after training, and half a second after the window appeared, so that the
   * header's transitions are over. */
  if (self->shot_frames_left-- > 0
      || gdk_frame_clock_get_frame_time (clock) - self->shot_first_frame_us < 500000)
    {
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }
  /* Capture once this frame is laid out and painted: in the update phase a label changed by
   * the playground's tick may still wait for its allocation. */
  self->shot_tick_id = 0;
  self->shot_clock = g_object_ref (clock);
  self->shot_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (shot_after_paint),
                                          self);
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

/* GObject */

static void
bp_window_dispose (GObject *object)
{
  BpWindow *self = BP_WINDOW (object);

  if (self->shot_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->shot_tick_id);
  self->shot_tick_id = 0;
  if (self->shot_clock != NULL)
    g_clear_signal_handler (&self->shot_paint_id, self->shot_clock);
  g_clear_object (&self->shot_clock);
  g_clear_pointer (&self->frame_stats, bp_frame_stats_free);
  _bp_window_header_dispose (self);
  _bp_window_files_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BP_TYPE_WINDOW);
  G_OBJECT_CLASS (bp_window_parent_class)->dispose (object);
}

static void
bp_window_finalize (GObject *object)
{
  BpWindow *self = BP_WINDOW (object);

  g_free (self->shot_path);
  g_free (self->last_message);
  G_OBJECT_CLASS (bp_window_parent_class)->finalize (object);
}

static void
bp_window_class_init (BpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bp_window_dispose;
  object_class->finalize = bp_window_finalize;

  g_type_ensure (BP_TYPE_PLAYGROUND);
  g_type_ensure (BP_TYPE_BUILDER);
  g_type_ensure (BP_TYPE_DASHBOARD);
  g_type_ensure (BP_TYPE_DATA_EXPLORER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               BP_RESOURCE_PREFIX "/bp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BpWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, epoch_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, epoch_caption);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, step_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, playground);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, dashboard);
  gtk_widget_class_bind_template_child (widget_class, BpWindow, data_explorer);

  gtk_widget_class_bind_template_child (widget_class, BpWindow, builder);
  _bp_window_header_class_init (widget_class);
  _bp_window_files_class_init (widget_class);
  _bp_window_pages_class_init (widget_class);
}

static void
bp_window_init (BpWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  _bp_window_quit_init (self);
  _bp_window_files_init (self);

  /* A switcher with one page is noise: show the title until more pages arrive. */
  {
    g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
    adw_view_switcher_title_set_view_switcher_enabled (
      self->switcher_title, g_list_model_get_n_items (G_LIST_MODEL (pages)) > 1);
  }

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  _bp_window_pages_init (self);

  _bp_window_header_init (self);
  g_signal_connect_object (self->playground, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (self->data_explorer, "loaded", G_CALLBACK (on_data_loaded), self, 0);
  g_signal_connect_object (self->data_explorer, "train", G_CALLBACK (on_train_data), self, 0);
  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (on_file_dropped), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }
}

BpWindow *
bp_window_new (BpApplication *app)
{
  return g_object_new (BP_TYPE_WINDOW, "application", app, NULL);
}

gboolean
bp_window_set_page (BpWindow *self, const char *name, GError **error)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    {
      g_autoptr (GString) names = g_string_new (NULL);
      g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
          g_string_append_printf (names, "%s%s", i ? ", " : "", adw_view_stack_page_get_name (page));
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no page named '%s' (pages: %s)",
                   name, names->str);
      return FALSE;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  return TRUE;
}

const char *
bp_window_get_page (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

BpPlayground *
bp_window_get_playground (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return self->playground;
}

bp_session *
bp_window_get_session (BpWindow *self)
{
  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);
  return bp_window_get_followed_session (self, NULL);
}

void
bp_window_screenshot_after_steps (BpWindow *self, const char *path, int steps,
                                  BpScreenshotDone done, gpointer user_data)
{
  g_return_if_fail (BP_IS_WINDOW (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->shot_tick_id == 0);

  g_free (self->shot_path);
  self->shot_path = g_strdup (path);
  self->shot_steps = MAX (steps, 0);
  self->shot_done = done;
  self->shot_data = user_data;
  self->shot_training = FALSE;
  self->shot_frames_left = 3;
  /* Tick callbacks run only once the window is mapped and its clock runs. */
  self->shot_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), shot_tick, NULL, NULL);
}

void
bp_window_set_collect_stats (BpWindow *self, gboolean collect)
{
  g_return_if_fail (BP_IS_WINDOW (self));

  if (collect && self->frame_stats == NULL)
    self->frame_stats = bp_frame_stats_new ();
  else if (!collect)
    g_clear_pointer (&self->frame_stats, bp_frame_stats_free);
  self->header_shown = FALSE; /* attaches the stats when training runs */
  _bp_window_header_update (self);
}

char *
bp_window_stats_report (BpWindow *self)
{
  GString *s = g_string_new (NULL);
  double epochs_per_s = 0, steps_per_s = 0;

  g_return_val_if_fail (BP_IS_WINDOW (self), NULL);

  bp_playground_get_training_rate (self->playground, &epochs_per_s, &steps_per_s);
  g_string_append_printf (s, "epochs/s: %.1f\nsteps/s: %.1f\n", epochs_per_s, steps_per_s);
  if (self->frame_stats != NULL)
    {
      BpFrameStats *fs = self->frame_stats;

      /* Frames are counted while training runs: zeros would read as a window that froze. */
      if (bp_frame_stats_n_frames (fs) == 0)
        {
          g_string_append (s, "frames: no frames drawn while training\n");
          return g_string_free (s, FALSE);
        }
      g_string_append_printf (s, "frames: %u\nframes/s: %.1f\n", bp_frame_stats_n_frames (fs),
                              bp_frame_stats_fps (fs));
      g_string_append_printf (s, "frame time ms: p50 %.2f, p95 %.2f, p99 %.2f, max %.2f\n",
                              bp_frame_stats_paint_ms (fs, 50), bp_frame_stats_paint_ms (fs, 95),
                              bp_frame_stats_paint_ms (fs, 99), bp_frame_stats_paint_ms (fs, 100));
      g_string_append_printf (s, "frame cpu ms: p50 %.2f, p95 %.2f, p99 %.2f, max %.2f\n",
                              bp_frame_stats_cpu_ms (fs, 50), bp_frame_stats_cpu_ms (fs, 95),
                              bp_frame_stats_cpu_ms (fs, 99), bp_frame_stats_cpu_ms (fs, 100));
    }
  return g_string_free (s, FALSE);
}
