/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by bp-dashboard-conv.c (the Network choice and the Convolutions part for our own
 * run) and bp-dashboard-conv-follow.c (the part for a followed Builder run, and the network
 * of a followed run for the runs table). */
#pragma once

#include "bp-dashboard-private.h"

G_BEGIN_DECLS

/* The part's state for a followed Builder run, kept on the dashboard object (freed with it). */
typedef struct {
  const void *identity; /* the session shown (its first log: compared, never dereferenced) */
  BpDataSource *src;    /* the copied images, or NULL when the run has no conv layers */
  guint32 *rows;        /* (src->ds->n_rows): each image's row in the Builder's data */
} BpConvFollow;

/* bp-dashboard-conv.c */
/* The panel's "input-changed": tells the session which row to show. */
void _bp_dashboard_conv_input_changed (BpConvPanel *panel, BpDashboard *self);
void _bp_dashboard_conv_hide_part (BpDashboard *self);

/* bp-dashboard-conv-follow.c */
BpConvFollow *_bp_dashboard_conv_get_follow (BpDashboard *self);
/* The followed Builder session whose images the panel shows, else NULL. */
bp_session *_bp_dashboard_conv_followed_shown (BpDashboard *self, BpConvFollow **out);
/* The runs table's bp_dashboard_training_set_followed_spec_func. */
bp_spec *_bp_dashboard_conv_followed_spec (bp_session *s, const char *label, gpointer data);
void _bp_dashboard_conv_follow_update (BpDashboard *self);

G_END_DECLS
