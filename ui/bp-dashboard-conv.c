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
 * A followed Builder run is handled in bp-dashboard-conv-follow.c. */
#include "bp-config.h"

#include "bp-dashboard-conv-private.h"

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

void
_bp_dashboard_conv_input_changed (BpConvPanel *panel, BpDashboard *self)
{
  bp_session *s;

  if (!bp_dashboard_training_has_session (self->training))
    {
      BpConvFollow *f;
      gint64 row = bp_conv_panel_get_row (panel);

      /* The panel's row is the copy's; the session wants the Builder's. */
      s = _bp_dashboard_conv_followed_shown (self, &f);
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

void
_bp_dashboard_conv_init (BpDashboard *self)
{
  bp_dashboard_training_set_followed_spec_func (self->training, _bp_dashboard_conv_followed_spec,
                                                self);
  g_signal_connect (self->network_drop, "notify::selected", G_CALLBACK (on_network_changed),
                    self);
  g_signal_connect (self->conv_panel, "input-changed",
                    G_CALLBACK (_bp_dashboard_conv_input_changed), self);
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

void
_bp_dashboard_conv_hide_part (BpDashboard *self)
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
  BpConvFollow *f = _bp_dashboard_conv_get_follow (self);

  /* Our own run: a followed one is set up afresh when we follow it again. */
  g_clear_pointer (&f->src, bp_data_source_unref);
  g_clear_pointer (&f->rows, g_free);
  f->identity = NULL;
  self->conv_seq = 0;
  gtk_stack_page_set_visible (self->conv_page, conv);
  if (!conv)
    {
      _bp_dashboard_conv_hide_part (self);
      return;
    }
  /* A new session: tell it which row to follow (set_network picks the first image). */
  bp_conv_panel_set_drawing_allowed (self->conv_panel, TRUE);
  bp_conv_panel_set_network (self->conv_panel, self->source, spec);
  _bp_dashboard_conv_input_changed (self->conv_panel, self);
}

void
_bp_dashboard_conv_update (BpDashboard *self)
{
  const bp_snapshot *sn;

  if (!bp_dashboard_training_has_session (self->training))
    {
      _bp_dashboard_conv_follow_update (self);
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
