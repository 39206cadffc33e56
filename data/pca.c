/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 2-D PCA: covariance by blocks of rows with cblas_ssyrk, eigenvectors by LAPACK ssyevd. */
#include "data/pca.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/internal.h"

/* LAPACK from OpenBLAS (no LAPACKE header on Debian's OpenBLAS): Fortran symbol, arguments by
 * reference, and gfortran's hidden lengths of the two CHARACTER arguments at the end. */
extern void ssyevd_ (const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
                     float *w, float *work, const int *lwork, int *iwork, const int *liwork,
                     int *info, size_t jobz_len, size_t uplo_len);

#define PCA_MAX_FEATURES 4096 /* the covariance is n_features^2 floats */
#define PCA_BLOCK        256  /* rows per ssyrk call */

void
bp_pca_free (bp_pca *p)
{
  if (p == NULL)
    return;
  free (p->mean);
  free (p->components);
  free (p->scale);
  memset (p, 0, sizeof *p);
}

static size_t
row_at (const uint32_t *rows, size_t r)
{
  return rows != NULL ? rows[r] : r;
}

int
bp_pca_fit (const bp_dataset *ds, const uint32_t *rows, size_t n, bp_pca *out, char *err,
            size_t errlen)
{
  return bp_pca_fit_scaled (ds, NULL, rows, n, out, err, errlen);
}

int
bp_pca_fit_scaled (const bp_dataset *ds, const bp_scaler *scaler, const uint32_t *rows,
                   size_t n, bp_pca *out, char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  if (rows == NULL)
    n = ds->n_rows;
  const int d = ds->n_features;
  if (d < 2 || d > PCA_MAX_FEATURES)
    {
      bp_data_err (err, errlen, "%s: PCA needs 2 to %d features, the dataset has %d", ds->name,
                   PCA_MAX_FEATURES, d);
      return -1;
    }
  if (n < 2)
    {
      bp_data_err (err, errlen, "%s: PCA needs at least 2 rows", ds->name);
      return -1;
    }
  const size_t du = (size_t) d;
  double *mean = calloc (du, sizeof *mean);
  float *cov = calloc (du * du, sizeof *cov);        /* (d, d) upper triangle, row-major */
  float *block = malloc (PCA_BLOCK * du * sizeof *block); /* (PCA_BLOCK, d) */
  float *w = malloc (du * sizeof *w);
  out->mean = malloc (du * sizeof *out->mean);
  out->components = malloc (2 * du * sizeof *out->components);
  float *work = NULL;
  int *iwork = NULL;
  int rc = -1;
  if (mean == NULL || cov == NULL || block == NULL || w == NULL || out->mean == NULL
      || out->components == NULL)
    goto oom;
  out->n_features = d;
  if (scaler != NULL && scaler->n_features == d)
    {
      out->scale = malloc (du * sizeof *out->scale);
      if (out->scale == NULL)
        goto oom;
      memcpy (out->scale, scaler->scale, du * sizeof *out->scale);
    }
  /* (x - shift) * scale minus its mean is (x - mean) * scale: the shift cancels, so only the
   * scale matters and the mean stays the stored features' mean. */

  for (size_t r = 0; r < n; r++)
    for (int j = 0; j < d; j++)
      mean[j] += bp_dataset_feature (ds, row_at (rows, r), j);
  for (int j = 0; j < d; j++)
    {
      mean[j] /= (double) n;
      out->mean[j] = (float) mean[j];
    }
  for (size_t r0 = 0; r0 < n; r0 += PCA_BLOCK)
    {
      const size_t m = n - r0 < PCA_BLOCK ? n - r0 : PCA_BLOCK;
      for (size_t r = 0; r < m; r++)
        for (int j = 0; j < d; j++)
          block[r * du + (size_t) j]
            = (float) ((bp_dataset_feature (ds, row_at (rows, r0 + r), j) - mean[j])
                       * (out->scale != NULL ? out->scale[j] : 1.0f));
      /* cov += block^T block */
      cblas_ssyrk (CblasRowMajor, CblasUpper, CblasTrans, d, (int) m, 1.0f, block, d, 1.0f, cov,
                   d);
    }
  for (size_t i = 0; i < du * du; i++)
    cov[i] /= (float) n;
  double trace = 0;
  for (int j = 0; j < d; j++)
    trace += cov[(size_t) j * du + (size_t) j];

  /* Row-major upper is column-major lower. Query the workspace, then solve. */
  int info = 0, lwork = -1, liwork = -1, iw_query = 0;
  float w_query = 0;
  ssyevd_ ("V", "L", &d, cov, &d, w, &w_query, &lwork, &iw_query, &liwork, &info, 1, 1);
  if (info != 0)
    goto lapack;
  lwork = (int) w_query + 1;
  liwork = iw_query;
  work = malloc ((size_t) lwork * sizeof *work);
  iwork = malloc ((size_t) liwork * sizeof *iwork);
  if (work == NULL || iwork == NULL)
    goto oom;
  ssyevd_ ("V", "L", &d, cov, &d, w, work, &lwork, iwork, &liwork, &info, 1, 1);
  if (info != 0)
    goto lapack;

  /* Eigenvalues ascend; column k (contiguous in column-major) is eigenvector k. */
  for (int c = 0; c < 2; c++)
    {
      const int k = d - 1 - c;
      const float *v = cov + (size_t) k * du;
      /* The sign of an eigenvector is arbitrary: make the first of its largest entries
       * positive, with a tolerance so rounding cannot flip which one counts as first. */
      float top = 0;
      for (int j = 0; j < d; j++)
        top = fabsf (v[j]) > top ? fabsf (v[j]) : top;
      int big = 0;
      while (big < d - 1 && fabsf (v[big]) < top * 0.9999f)
        big++;
      const float sign = v[big] < 0 ? -1.0f : 1.0f;
      for (int j = 0; j < d; j++)
        out->components[(size_t) c * du + (size_t) j] = sign * v[j];
      out->variance[c] = w[k] > 0 ? w[k] : 0.0;
      out->explained[c] = trace > 0 ? out->variance[c] / trace : 0.0;
    }
  rc = 0;
  goto out;
oom:
  bp_data_err (err, errlen, "%s: out of memory for PCA", ds->name);
  goto out;
lapack:
  bp_data_err (err, errlen, "%s: LAPACK ssyevd failed (info %d)", ds->name, info);
out:
  free (mean);
  free (cov);
  free (block);
  free (w);
  free (work);
  free (iwork);
  if (rc != 0)
    bp_pca_free (out);
  return rc;
}

void
bp_pca_project (const bp_pca *p, const bp_dataset *ds, const uint32_t *rows, size_t n,
                float *xy)
{
  if (rows == NULL)
    n = ds->n_rows;
  const size_t d = (size_t) p->n_features;
  for (size_t r = 0; r < n; r++)
    {
      const size_t i = row_at (rows, r);
      double a = 0, b = 0;
      for (size_t j = 0; j < d; j++)
        {
          double v = bp_dataset_feature (ds, i, (int) j) - p->mean[j];
          if (p->scale != NULL)
            v *= p->scale[j];
          a += v * p->components[j];
          b += v * p->components[d + j];
        }
      xy[2 * r] = (float) a;
      xy[2 * r + 1] = (float) b;
    }
}
