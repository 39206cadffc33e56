/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pictures of image datasets: one row as a texture, and BpDataExplorerImages, a grid with a
 * row of samples per class (the explorer's first look at Fashion-MNIST or the 8x8 digits), or
 * more samples of one class the user picked by clicking its name. */
#pragma once

#include <gtk/gtk.h>

#include "data/dataset.h"

G_BEGIN_DECLS

/* Row `row` of an image dataset as a texture, each pixel repeated scale x scale times; NULL
 * when the dataset holds no images. Grey levels for one channel, colour for three. */
GdkTexture *bp_dataset_row_texture (const bp_dataset *ds, size_t row, int scale);

#define BP_TYPE_DATA_EXPLORER_IMAGES (bp_data_explorer_images_get_type ())
G_DECLARE_FINAL_TYPE (BpDataExplorerImages, bp_data_explorer_images, BP, DATA_EXPLORER_IMAGES,
                      GtkWidget)

GtkWidget *bp_data_explorer_images_new (void);

/* Shows up to per_class images of each class, the first ones found among rows[0..n) (NULL:
 * every row), every class again. ds and rows must outlive the widget's use of them (until the
 * next call or NULL). */
void bp_data_explorer_images_set_dataset (BpDataExplorerImages *self, const bp_dataset *ds,
                                          const guint32 *rows, gsize n, int per_class);
/* The dataset row drawn as the i-th sample of class c, or -1. */
gint64 bp_data_explorer_images_get_row (BpDataExplorerImages *self, int c, int i);

/* "class": only class c, more of its images (8 rows), or -1 for a row of each class. Clicking
 * a class name filters, clicking "‹ All classes" or the name again comes back. */
void bp_data_explorer_images_set_class (BpDataExplorerImages *self, int c);
int bp_data_explorer_images_get_class (BpDataExplorerImages *self);

G_END_DECLS
