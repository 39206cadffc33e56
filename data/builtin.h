/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Datasets known by name: the small tables compiled into the program (Iris, Wine, Breast
 * Cancer Wisconsin, 8x8 digits; see data/README.md), Fashion-MNIST from Debian's
 * dataset-fashion-mnist package, and the synthetic 2-D sets with optional parameters:
 * "spiral", "blobs:k=4,n=600,noise=0.2,seed=3" (n points, noise 0-0.5 or "20%", seed, k
 * classes). */
#pragma once

#include "data/dataset.h"

#define BP_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

typedef struct bp_builtin_info {
  const char *name;
  const char *summary; /* one line for --help */
} bp_builtin_info;

/* Every built-in name, in the order --help shows them. */
const bp_builtin_info *bp_builtin_list (size_t *n);

/* True when spec (up to a ':') names a built-in dataset. */
bool bp_builtin_exists (const char *spec);

/* Loads a built-in dataset by spec. NULL with a message (unknown name, bad parameter,
 * Fashion-MNIST not installed: the message says which Debian package to install). */
bp_dataset *bp_builtin_load (const char *spec, char *err, size_t errlen);

/* Fashion-MNIST from dir (NULL: BP_FASHION_MNIST_DIR): the 60000 training images, or with
 * test the 10000 test images; uint8 pixels scaled 1/255, 1x28x28, 10 named classes. */
bp_dataset *bp_builtin_fashion_mnist (const char *dir, bool test, char *err, size_t errlen);
