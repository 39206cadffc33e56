/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dashboard's convolutions: the toolbar's Network choice for images (an MLP, or a CNN:
 * the LeNet-style front of bp-conv-front.h before the hidden layers) and the Convolutions
 * part (BpConvPanel), shown while the network in training has conv layers.
 *
 * The part reads the session only through snapshots, from the dashboard's tick (four times a
 * second): the first conv layer's kernels and the feature maps of the test image the user
 * picked, which the session computes for the row we give it (bp_session_set_sample_row).
 * Our own session, or a followed run of the Builder: that page has no conv views and never
 * reads its session's snapshots nor sets its sample row, so both are ours while we follow it.
 * Never the Playground's (2-D data, and its snapshots are its own). What is shown is copied
 * out at once, so a snapshot is never held across ticks. Drawings go through the dashboard's
 * copies of the network (BpModelView), which a followed run does not have.
 *
 * A followed run's data belong to the Builder, which may drop them between two frames: the
 * panel gets a data source of its own, a copy of one test image per class (what its strip
 * shows), and the rows those images have in the Builder's data turn the panel's rows into
 * the session's and back. */
#include "bp-config.h"

#include "bp-dashboard-private.h"

#include "bp-builder.h"
#include "bp-window.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FOLLOW_KEY "bp-dashboard-conv-follow"

/* The part's state for a followed Builder run, kept on the dashboard object (freed with it). */
typedef struct {
  const void *identity; /* the session shown (its first log: compared, never dereferenced) */
  BpDataSource *src;    /* the copied images, or NULL when the run has no conv layers */
  guint32 *rows;        /* (src->ds->n_rows): each image's row in the Builder's data */
} Follow;

static void
follow_free (gpointer data)
{
  Follow *f = data;

  g_clear_pointer (&f->src, bp_data_source_unref);
  g_free (f->rows);
  g_free (f);
}

static Follow *
get_follow (BpDashboard *self)
{
  Follow *f = g_object_get_data (G_OBJECT (self), FOLLOW_KEY);

  if (f == NULL)
    {
      f = g_new0 (Follow, 1);
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

/* Dense layers that suit each network: LeNet-5's 120, 84 after the convolutions. */
static const char *const mlp_hidden = "256, 128";
static const char *const cnn_hidden = "120, 84";

static gboolean
images (BpDashboard *self)
{
  return self->source != NULL && self->source->ds->image_width > 0;
}

static void
on_network_changed (GtkDropDown *drop, GParamSpec *pspec, BpDashboard *self)
{
  gboolean cnn = gtk_drop_down_get_selected (drop) == 1;
  const char *now = gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry));

  /* Follow the network with the layers that suit it, unless the user chose others. */
  if (cnn && g_strcmp0 (now, mlp_hidden) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), cnn_hidden);
  else if (!cnn && g_strcmp0 (now, cnn_hidden) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), mlp_hidden);
}

/* The followed Builder session whose images the panel shows, else NULL. */
static bp_session *
followed_shown (BpDashboard *self, Follow **out)
{
  Follow *f = get_follow (self);
  BpBuilder *builder;
  bp_session *s = followed_builder (self, &builder);

  *out = f;
  if (s == NULL || f->src == NULL || bp_session_metric_log_of_run (s, 1) != f->identity)
    return NULL;
  return s;
}

static void
on_input_changed (BpConvPanel *panel, BpDashboard *self)
{
  bp_session *s;

  if (!bp_dashboard_training_has_session (self->training))
    {
      Follow *f;
      gint64 row = bp_conv_panel_get_row (panel);

      /* The panel's row is the copy's; the session wants the Builder's. */
      s = followed_shown (self, &f);
      if (s != NULL && row >= 0 && (guint64) row < f->src->ds->n_rows)
        {
          bp_session_set_sample_row (s, f->rows[row]);
          bp_session_request_snapshot (s);
        }
      return;
    }
  s = bp_dashboard_training_get_session (self->training);
  if (bp_conv_panel_get_row (panel) >= 0)
    {
      bp_session_set_sample_row (s, bp_conv_panel_get_row (panel));
      bp_session_request_snapshot (s);
    }
  else if (self->model == NULL)
    _bp_dashboard_request_model (self, FALSE); /* a drawing needs a copy of the network */
}

/* The network of a followed session for the runs table: the Builder says what its run trains;
 * the Playground's small dense nets are read from a copy of their weights (the spec travels
 * with them; one tiny save per run). */
static bp_spec *
followed_spec (bp_session *s, const char *label, gpointer data)
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

void
_bp_dashboard_conv_init (BpDashboard *self)
{
  bp_dashboard_training_set_followed_spec_func (self->training, followed_spec, self);
  g_signal_connect (self->network_drop, "notify::selected", G_CALLBACK (on_network_changed),
                    self);
  g_signal_connect (self->conv_panel, "input-changed", G_CALLBACK (on_input_changed), self);
  gtk_widget_set_visible (self->network_box, FALSE);
  gtk_stack_page_set_visible (self->conv_page, FALSE);
}

void
_bp_dashboard_conv_source (BpDashboard *self)
{
  gtk_widget_set_visible (self->network_box, images (self));
}

gboolean
_bp_dashboard_conv_chosen (BpDashboard *self)
{
  return images (self) && gtk_drop_down_get_selected (self->network_drop) == 1;
}

void
_bp_dashboard_conv_show_settings (BpDashboard *self, const BpTrainSettings *s)
{
  gtk_drop_down_set_selected (self->network_drop, s->conv ? 1 : 0);
}

static void
hide_part (BpDashboard *self)
{
  gtk_stack_page_set_visible (self->conv_page, FALSE);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "convolutions") == 0)
    gtk_stack_set_visible_child_name (self->stack, "training");
  bp_conv_panel_set_network (self->conv_panel, NULL, NULL);
}

void
_bp_dashboard_conv_setup (BpDashboard *self)
{
  const bp_spec *spec = bp_dashboard_training_get_spec (self->training);
  gboolean conv = bp_spec_has_conv (spec);
  Follow *f = get_follow (self);

  /* Our own run: a followed one is set up afresh when we follow it again. */
  g_clear_pointer (&f->src, bp_data_source_unref);
  g_clear_pointer (&f->rows, g_free);
  f->identity = NULL;
  self->conv_seq = 0;
  gtk_stack_page_set_visible (self->conv_page, conv);
  if (!conv)
    {
      hide_part (self);
      return;
    }
  /* A new session: tell it which row to follow (set_network picks the first image). */
  bp_conv_panel_set_drawing_allowed (self->conv_panel, TRUE);
  bp_conv_panel_set_network (self->conv_panel, self->source, spec);
  on_input_changed (self->conv_panel, self);
}

/* The Builder's run, followed: the part is set up once per session (shown when its network
 * has conv layers), then fed its snapshots with the sample row turned into the copy's. */
static void
follow_update (BpDashboard *self)
{
  Follow *f = get_follow (self);
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
          on_input_changed (self->conv_panel, self);
        }
      else if (gtk_stack_page_get_visible (self->conv_page))
        hide_part (self);
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

void
_bp_dashboard_conv_update (BpDashboard *self)
{
  const bp_snapshot *sn;

  if (!bp_dashboard_training_has_session (self->training))
    {
      follow_update (self);
      return;
    }
  if (!gtk_stack_page_get_visible (self->conv_page)
      || !bp_dashboard_training_has_session (self->training)
      || !gtk_widget_get_mapped (GTK_WIDGET (self->conv_panel)))
    return;
  sn = bp_session_snapshot (bp_dashboard_training_get_session (self->training), NULL);
  if (sn == NULL || sn->seq == self->conv_seq)
    return;
  self->conv_seq = sn->seq;
  bp_conv_panel_show_snapshot (self->conv_panel, sn);
}

void
_bp_dashboard_conv_model (BpDashboard *self)
{
  if (self->model != NULL && bp_spec_has_conv (self->model->spec))
    bp_conv_panel_set_model (self->conv_panel, self->model);
}
