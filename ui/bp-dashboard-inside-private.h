/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by bp-dashboard-inside.c (the histogram history) and bp-dashboard-weights.c (the
 * chosen dense layer's weights, a followed run's taken from its trainer): the followed run's
 * copy names the histogram layers, and both fill a drop-down with names. */
#pragma once

#include "bp-dashboard-private.h"

G_BEGIN_DECLS

#define FOLLOW_KEY "bp-dashboard-inside-follow"

/* The copy of a followed run's weights, kept on the dashboard object (freed with it). */
typedef struct {
  BpModelView *view;
  const void *identity; /* the session it came from (compared, never dereferenced) */
  guint64 run, step;    /* of the copy taken last */
  gint64 us;            /* when the last copy was asked for */
  gint64 asked_us;      /* when the copy not yet taken was asked for; 0: none */
  gboolean named;       /* the histogram layers were listed with the copy's names */
} BpFollowedWeights;

/* bp-dashboard-inside.c: new names in a drop-down, keeping its choice when it still exists. */
void _bp_dashboard_inside_set_names (GtkDropDown *drop, const char *const *names);

/* bp-dashboard-weights.c */
void _bp_dashboard_inside_weights_init (BpDashboard *self);
/* Shows a model's dense layer picked in the list (NULL: none). */
void _bp_dashboard_inside_show_weights (BpDashboard *self, BpModelView *m);
/* Takes a followed run's finished copy and asks for the next one (now: at once). */
void _bp_dashboard_inside_follow_weights (BpDashboard *self, gboolean now);

G_END_DECLS
