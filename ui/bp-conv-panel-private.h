/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by bp-conv-panel.c (the object, the strip of test images, the drawing pad) and
 * bp-conv-panel-show.c (filters and feature maps from a snapshot or a copy of the network). */
#pragma once

#include "bp-conv-panel.h"

G_BEGIN_DECLS

struct _BpConvPanel {
  GtkWidget parent_instance;

  /* template */
  GtkWidget *root;
  GtkFlowBox *sample_box;
  GtkWidget *pad_box;
  BpDrawPad *draw_pad;
  GtkButton *clear_button;
  GtkLabel *input_label;
  GtkLabel *filters_title;
  GtkLabel *filters_label;
  BpFilterView *filter_view;
  GtkLabel *empty_label;
  BpFeatureMaps *feature_maps;

  BpDataSource *src;
  bp_spec *spec;
  GArray *strip_rows;   /* gint64: the dataset row of each strip child */
  const char *rows_name; /* "test", "validation" or "training" image */
  const guint32 *part;  /* the split's rows the strip picks from */
  guint32 n_part;
  gint64 row;           /* the picked row, or -1 */
  gboolean drawing;     /* the input is the drawing */
  BpModelView *model;
  guint draw_source;
  gboolean no_drawing;  /* no copies of the network will come: the pad stays hidden */
};

/* bp-conv-panel-show.c: the drawing's feature maps through the copy of the network. */
void _bp_conv_panel_show_drawing (BpConvPanel *self);

G_END_DECLS
