/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's Convolutions part for a followed run of the Builder (bp-dashboard-conv.c
 * has the part for our own run), and the network of a followed run for the runs table.
 *
 * A followed run's data belong to the Builder, which may drop them between two frames: the
 * panel gets a data source of its own, a copy of one test image per class (what its strip
 * shows), and the rows those images have in the Builder's data turn the panel's rows into
 * the session's and back. */
#include "bp-config.h"

#include "bp-dashboard-conv-private.h"

#include "bp-builder.h"
#include "bp-window.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FOLLOW_KEY "bp-dashboard-conv-follow"

static void
follow_free (gpointer data)
{
  BpConvFollow *f = data;

  g_clear_pointer (&f->src, bp_data_source_unref);
  g_free (f->rows);
  g_free (f);
}

BpConvFollow *
_bp_dashboard_conv_get_follow (BpDashboard *self)
{
  BpConvFollow *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);

  if (f == NULL)
    {
      f = g_new0 (BpConvFollow, 1);
      g_object_set_data_full (G_OBJECT (self), FOLLOW_KEY, f, follow_free);
    }
  return f;
}

/* The session followed when it is the Builder's run (and the Builder), else NULL. Asked for
 * afresh each time: the Builder may free it between two frames. */
static bp_session *
followed_builder (BpDashboard *self, BpBuilder **builder)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *label = NULL;
  bp_session *s;
  GObject *b;

  *builder = NULL;
  if (!bp_dashboard_training_is_following (self->training) || !BP_IS_WINDOW (root))
    return NULL;
  s = bp_window_get_followed_session (BP_WINDOW (root), &label);
  b = gtk_widget_get_template_child (GTK_WIDGET (root), BP_TYPE_WINDOW, "builder");
  if (s == NULL || g_strcmp0 (label, "builder") != 0 || !BP_IS_BUILDER (b)
      || bp_builder_get_session (BP_BUILDER (b)) != s)
    return NULL;
  *builder = BP_BUILDER (b);
  return s;
}

/* One image of each class from the Builder's data (the first of each in the split's order, as
 * the panel's strip picks them) in a data source of our own; rows receives their rows there. */
static BpDataSource *
copy_images (const bp_experiment_dataset *d, guint32 **rows_out)
{
  const bp_dataset *ds = d->ds;
  const bp_split *sp = &d->split;
  const guint32 *part = sp->n_test > 0 ? sp->test : sp->n_val > 0 ? sp->val : sp->train;
  guint32 n_part = sp->n_test > 0 ? sp->n_test : sp->n_val > 0 ? sp->n_val : sp->n_train;
  guint32 rows[20];
  int n = 0;
  bp_dataset *copy;
  BpDataSource *src;
  char err[256];

  if (ds == NULL || ds->image_width <= 0 || ds->task != BP_TASK_CLASSIFICATION)
    return NULL;
  for (int c = 0; c < MIN (ds->n_classes, (int) G_N_ELEMENTS (rows)); c++)
    for (guint32 i = 0; i < n_part; i++)
      if (ds->labels[part[i]] == c)
        {
          rows[n++] = part[i];
          break;
        }
  if (n == 0)
    return NULL;
  copy = bp_dataset_new ((size_t) n, ds->n_features, BP_FEATURES_F32, BP_TASK_CLASSIFICATION,
                         ds->n_classes, err, sizeof err);
  if (copy == NULL)
    return NULL;
  bp_dataset_set_text (copy, ds->name, ds->source);
  for (int c = 0; c < ds->n_classes; c++)
    bp_dataset_set_class_name (copy, c, ds->class_names[c]);
  copy->image_channels = ds->image_channels;
  copy->image_height = ds->image_height;
  copy->image_width = ds->image_width;
  /* Raw features: the panel scales a drawing itself, with the scaler copied below. */
  bp_dataset_gather (ds, NULL, rows, n, copy->x_f32, copy->labels, NULL);

  src = g_atomic_rc_box_new0 (BpDataSource);
  src->source = g_strdup (ds->name);
  src->note = g_strdup ("a few test images of the Builder's data");
  src->ds = copy;
  src->split.test = malloc (sizeof (uint32_t) * (size_t) n);
  src->split.n_test = src->split.test != NULL ? (uint32_t) n : 0;
  for (uint32_t i = 0; i < src->split.n_test; i++)
    src->split.test[i] = i;
  if (d->scaler.n_features == ds->n_features && d->scaler.shift != NULL)
    {
      size_t bytes = sizeof (float) * (size_t) ds->n_features;

      src->scaler.shift = malloc (bytes);
      src->scaler.scale = malloc (bytes);
      if (src->scaler.shift != NULL && src->scaler.scale != NULL)
        {
          memcpy (src->scaler.shift, d->scaler.shift, bytes);
          memcpy (src->scaler.scale, d->scaler.scale, bytes);
          src->scaler.n_features = ds->n_features;
        }
    }
  *rows_out = g_memdup2 (rows, sizeof (guint32) * (gsize) n);
  return src;
}

/* The followed Builder session whose images the panel shows, else NULL. */
bp_session *
_bp_dashboard_conv_followed_shown (BpDashboard *self, BpConvFollow **out)
{
  BpConvFollow *f = _bp_dashboard_conv_get_follow (self);
  BpBuilder *builder;
  bp_session *s = followed_builder (self, &builder);

  *out = f;
  if (s == NULL || f->src == NULL || bp_session_metric_log_of_run (s, 1) != f->identity)
    return NULL;
  return s;
}

/* The network of a followed session for the runs table: the Builder says what its run trains;
 * the Playground's small dense nets are read from a copy of their weights (the spec travels
 * with them; one tiny save per run). */
bp_spec *
_bp_dashboard_conv_followed_spec (bp_session *s, const char *label, gpointer data)
{
  BpDashboard *self = data;
  BpBuilder *builder;
  const char *dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *path = NULL;
  bp_safetensors *st;
  bp_spec *spec;
  char err[256];

  if (followed_builder (self, &builder) == s && builder != NULL)
    return bp_builder_get_session_spec (builder);
  if (g_strcmp0 (label, "playground") != 0)
    return NULL;
  path = g_strdup_printf ("%s/backprop-spec-%d.safetensors", dir, (int) getpid ());
  if (bp_session_save_weights (s, path, err, sizeof err) != 0)
    {
      g_debug ("dashboard: the followed run's network is unknown: %s", err);
      return NULL;
    }
  st = bp_safetensors_read (path, err, sizeof err);
  g_unlink (path);
  spec = st != NULL ? _bp_dashboard_spec_of_weights (st) : NULL;
  if (st != NULL)
    bp_safetensors_free (st);
  return spec;
}

bp_spec *
_bp_dashboard_spec_of_weights (const bp_safetensors *st)
{
  const char *json = bp_safetensors_meta (st, "spec");
  bp_spec *spec = NULL;
  char err[256] = "";

  if (json != NULL)
    spec = bp_spec_parse (json, strlen (json), err, sizeof err);
  if (spec == NULL)
    g_debug ("dashboard: the network of a followed run is unknown: %s",
             json == NULL ? "no spec with its weights" : err);
  return spec;
}

/* The Builder's run, followed: the part is set up once per session (shown when its network
 * has conv layers), then fed its snapshots with the sample row turned into the copy's. */
void
_bp_dashboard_conv_follow_update (BpDashboard *self)
{
  BpConvFollow *f = _bp_dashboard_conv_get_follow (self);
  BpBuilder *builder;
  bp_session *s = followed_builder (self, &builder);
  const void *identity = s != NULL ? bp_session_metric_log_of_run (s, 1) : NULL;
  const bp_snapshot *sn;
  bp_snapshot shown;
  gint64 row;

  if (identity != f->identity)
    {
      bp_spec *spec = s != NULL ? bp_builder_get_session_spec (builder) : NULL;
      const bp_experiment_dataset *data = s != NULL ? bp_builder_get_session_data (builder)
                                                    : NULL;

      g_clear_pointer (&f->src, bp_data_source_unref);
      g_clear_pointer (&f->rows, g_free);
      f->identity = identity;
      self->conv_seq = 0;
      if (spec != NULL && data != NULL && bp_spec_has_conv (spec))
        f->src = copy_images (data, &f->rows);
      if (f->src != NULL)
        {
          gtk_stack_page_set_visible (self->conv_page, TRUE);
          /* No copies of a followed network come to draw through. */
          bp_conv_panel_set_drawing_allowed (self->conv_panel, FALSE);
          bp_conv_panel_set_network (self->conv_panel, f->src, spec);
          _bp_dashboard_conv_input_changed (self->conv_panel, self);
        }
      else if (gtk_stack_page_get_visible (self->conv_page))
        _bp_dashboard_conv_hide_part (self);
      if (spec != NULL)
        bp_spec_free (spec);
    }
  if (f->src == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self->conv_panel)))
    return;
  sn = bp_session_snapshot (s, NULL);
  if (sn == NULL || sn->seq == self->conv_seq)
    return;
  self->conv_seq = sn->seq;
  shown = *sn;
  row = bp_conv_panel_get_row (self->conv_panel);
  shown.sample_row = row >= 0 && (guint64) row < f->src->ds->n_rows
                         && sn->sample_row == (gint64) f->rows[row]
                       ? row
                       : -1;
  bp_conv_panel_show_snapshot (self->conv_panel, &shown);
}
