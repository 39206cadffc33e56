/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A 2-D PCA projection for drawing high-dimensional data: the covariance of the (chosen) rows,
 * its two leading eigenvectors from LAPACK ssyevd (OpenBLAS), and every row projected on them. */
#pragma once

#include "data/dataset.h"

typedef struct bp_pca {
  int n_features;
  float *mean;       /* (n_features) */
  float *components; /* (2, n_features) unit vectors, largest variance first; the sign makes
                      * each vector's first largest-magnitude entry positive */
  float *scale;      /* (n_features) the scaler's scale when fitted on scaled features, else
                      * NULL: a row projects as ((x - mean) * scale) . component */
  double variance[2];       /* the two largest eigenvalues (population covariance) */
  double explained[2];      /* their share of the total variance */
} bp_pca;

/* Fits on rows[0..n) (rows == NULL: every row). Features are taken as they are stored (after
 * u8_scale), not standardised. Returns 0, or -1 with a message. */
int bp_pca_fit (const bp_dataset *ds, const uint32_t *rows, size_t n, bp_pca *out, char *err,
                size_t errlen);
/* The same on the features as scaler maps them ((x - shift) * scale; NULL: as stored), so
 * that a plot of standardised data shows the components of the standardised features.
 * bp_pca_project then applies the same scaling. */
int bp_pca_fit_scaled (const bp_dataset *ds, const bp_scaler *scaler, const uint32_t *rows,
                       size_t n, bp_pca *out, char *err, size_t errlen);
void bp_pca_free (bp_pca *p);

/* Projects rows[0..n) (rows == NULL: every row) into xy (n, 2). */
void bp_pca_project (const bp_pca *p, const bp_dataset *ds, const uint32_t *rows, size_t n,
                     float *xy);
