/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between bp-network-view.c (object, API, events) and bp-network-view-draw.c
 * (geometry, drawing, hit testing). */
#pragma once

#include "bp-network-view.h"

G_BEGIN_DECLS

#define BP_NV_MAX_HIDDEN_LAYERS 16
#define BP_NV_MAX_NEURONS 64
/* A layer's links are drawn in up to this many images, about 16 links each: cairo takes
 * ~60 us a link (a wide antialiased curve with a translucent colour), so a whole 8 x 8 layer
 * is a few milliseconds, a part a fraction of one. */
#define BP_NV_LINK_PARTS 8

typedef struct {
  int n;            /* neurons */
  char **names;     /* inputs: n names; others NULL */
  char *caption;    /* under the column, e.g. "tanh" */
  float *thumbs;    /* (n, thumb_side, thumb_side) or NULL */
  int thumb_side;
  GskRenderNode **nodes; /* n thumbnails drawn at their place, made lazily from thumbs */
  /* The column's neurons (thumbnails, borders, biases) as one node, kept until they change:
   * GTK compares a frame's nodes with the last frame's, and a column of changed children
   * among ~100 others could make it give up and repaint the whole view. */
  GskRenderNode *column_node;
  /* Links into the next column (none for the output column): */
  float *weights;   /* (next n, n) or NULL */
  float *biases;    /* of the next column's neurons: (next n) or NULL */
  float *grads;     /* (next n, n) or NULL */
  /* Paced: the biases drawn at this column's neurons, (n) or NULL; brought up to date with
   * the column's thumbnails, so that new biases do not change every column in one frame. */
  float *biases_shown;
  GtkWidget *minus, *plus; /* hidden columns only */
} BpNvColumn;

/* What the pointer is over. */
typedef enum { BP_NV_HIT_NONE, BP_NV_HIT_NEURON, BP_NV_HIT_LINK } BpNvHitKind;

typedef struct {
  BpNvHitKind kind;
  int column, index;     /* neuron */
  int layer, out, in;    /* link from column layer, neuron in, to column layer + 1, neuron out */
} BpNvHit;

struct _BpNetworkView {
  GtkWidget parent_instance;

  int n_columns;
  BpNvColumn columns[BP_NETWORK_VIEW_MAX_COLUMNS];

  gboolean show_gradients, show_dead;

  GtkWidget *layer_minus, *layer_plus;
  GtkWidget *popover;
  GtkWidget *spin;
  GtkWidget *popover_label;
  BpNvHit editing;       /* the link being edited */

  /* Cached drawings of each layer's links (in parts: the links into a range of the next
   * column's neurons) and each column's thumbnails. New weights or thumbnails only mark them
   * stale: a frame redraws at most one stale part or column (and a tick brings the next
   * frame), so no frame pays for the whole network. Geometry and style changes drop them,
   * and dropped ones are drawn at once. */
  GskRenderNode *links_nodes[BP_NETWORK_VIEW_MAX_COLUMNS][BP_NV_LINK_PARTS];
  guint links_stale[BP_NETWORK_VIEW_MAX_COLUMNS]; /* bit p: part p shows old weights */
  guint links_grey[BP_NETWORK_VIEW_MAX_COLUMNS];  /* bit p: part p was drawn before the layer
                                                     had weights (grey) */
  gboolean thumbs_stale[BP_NETWORK_VIEW_MAX_COLUMNS];
  GskRenderNode *labels_node; /* names, counts and captions */
  int refresh_next;    /* where the round of stale redraws resumes */
  gint64 refresh_time; /* monotonic time of the last one */
  gint64 refresh_interval; /* until the next one: longer after a big layer */
  guint refresh_tick;
  gboolean paced;      /* stale parts wait for bp_network_view_refresh () */
  int refresh_grant;   /* paced: stale parts the next snapshot may redraw */

  GtkWidget *choice_popover; /* the per-layer choice (bp-network-view-choice.c) */
  GtkWidget *choice_box;
  char **choices;
  int choice_column;

  BpNvHit hover;
  double hover_x, hover_y;
};

/* The per-layer choice (bp-network-view-choice.c). */
void _bp_nv_choice_init (BpNetworkView *self);
void _bp_nv_choice_dispose (BpNetworkView *self);
gboolean _bp_nv_choice_pressed (BpNetworkView *self, double x, double y);
void _bp_nv_emit_choice (BpNetworkView *self, int column, int index); /* bp-network-view.c */

/* Geometry (bp-network-view-draw.c). */
double _bp_nv_neuron_side (BpNetworkView *self);
gboolean _bp_nv_neuron_pos (BpNetworkView *self, int column, int index, double *x, double *y);
void _bp_nv_hit_test (BpNetworkView *self, double x, double y, BpNvHit *hit);
char *_bp_nv_describe (BpNetworkView *self, const BpNvHit *hit);
void _bp_nv_snapshot (GtkWidget *widget, GtkSnapshot *snapshot);
void _bp_nv_drop_textures (BpNetworkView *self);
/* The cached drawings of the columns' neurons (column -1: all). */
void _bp_nv_drop_columns (BpNetworkView *self, int column);
/* layer -1: all of them. */
void _bp_nv_drop_links (BpNetworkView *self, int layer);
/* New weights for a layer: its links are redrawn part by part in the frames to come. */
void _bp_nv_links_stale (BpNetworkView *self, int layer);

#define BP_NV_HEADER_H 40.0   /* the layer-count buttons */
#define BP_NV_COLUMN_HEAD_H 48.0 /* per-column buttons and the neuron count */
#define BP_NV_FOOTER_H 22.0   /* activation caption */
#define BP_NV_LEFT 70.0       /* room for input names */
#define BP_NV_RIGHT 30.0

G_END_DECLS
