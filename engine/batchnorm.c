/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batch normalisation, as torch.nn.BatchNorm1d (rank-1 input: per feature over the batch) and
 * BatchNorm2d (rank-3 NCHW input: per channel over batch, height and width).
 * Parameters gamma then beta (C each); buffers running_mean then running_var (C each). */
#include "engine/layer.h"

#include <math.h>
#include <stdio.h>

/* Channels C and the spatial run S of one channel within a sample: element (n, c, s) is at
 * n * C * S + c * S + s. */
static void
bn_geometry (const bp_layer *L, int *C, size_t *S)
{
  if (L->in.rank == 3)
    {
      *C = L->in.dims[0];
      *S = (size_t) L->in.dims[1] * (size_t) L->in.dims[2];
    }
  else
    {
      *C = (int) L->in_size;
      *S = 1;
    }
}

static int
batchnorm_infer (const bp_layer_spec *ls, bp_shape in, bp_shape *out, size_t *n_params,
                 size_t *n_buffers, char *err, size_t errlen)
{
  const bp_batchnorm_cfg *c = &ls->u.batchnorm;
  if (in.rank != 1 && in.rank != 3)
    {
      snprintf (err, errlen, "needs features (rank 1) or channels x height x width (rank 3), "
                "but gets rank %d", in.rank);
      return -1;
    }
  if (bp_shape_size (in) == 0)
    {
      snprintf (err, errlen, "has no inputs");
      return -1;
    }
  if (!(c->momentum >= 0.0f && c->momentum <= 1.0f))
    {
      snprintf (err, errlen, "has momentum %g; it must be between 0 and 1",
                (double) c->momentum);
      return -1;
    }
  if (!(c->eps > 0.0f))
    {
      snprintf (err, errlen, "has eps %g; it must be above 0", (double) c->eps);
      return -1;
    }
  size_t channels = (size_t) in.dims[0];
  *out = in;
  *n_params = 2 * channels;
  *n_buffers = 2 * channels;
  return 0;
}

/* The batch's mean and 1/sqrt(var + eps) per channel, (2, C), for backward. */
static size_t
batchnorm_scratch_size (const bp_layer *L, int batch)
{
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  return 2 * (size_t) C;
}

static void
batchnorm_init (bp_layer *L, bp_rng *rng)
{
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  float *gamma = L->params, *beta = L->params + C;
  float *rmean = L->buffers, *rvar = L->buffers + C;
  for (int c = 0; c < C; c++)
    {
      gamma[c] = 1.0f;
      beta[c] = 0.0f;
      rmean[c] = 0.0f;
      rvar[c] = 1.0f;
    }
}

static void
batchnorm_forward (bp_layer *L, int batch, bool train)
{
  const bp_batchnorm_cfg *cfg = &L->spec->u.batchnorm;
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  size_t stride = (size_t) C * S; /* one sample */
  const float *gamma = L->params, *beta = L->params + C;
  float *rmean = L->buffers, *rvar = L->buffers + C;
  float *smean = L->scratch, *sinvstd = L->scratch + C;
  const float *x = L->x;
  float *y = L->y;
  double count = (double) batch * (double) S;
  double m = cfg->momentum;

  for (int c = 0; c < C; c++)
    {
      double mean, inv;
      if (train)
        {
          /* two passes in double: the one-pass formula E[x^2] - E[x]^2 cancels badly when
           * the mean is large next to the spread */
          double sum = 0.0;
          for (int n = 0; n < batch; n++)
            {
              const float *xc = x + (size_t) n * stride + (size_t) c * S;
              for (size_t s = 0; s < S; s++)
                sum += xc[s];
            }
          mean = sum / count;
          double ss = 0.0;
          for (int n = 0; n < batch; n++)
            {
              const float *xc = x + (size_t) n * stride + (size_t) c * S;
              for (size_t s = 0; s < S; s++)
                {
                  double d = xc[s] - mean;
                  ss += d * d;
                }
            }
          double var = ss / count; /* biased: what normalises this batch */
          inv = 1.0 / sqrt (var + (double) cfg->eps);
          smean[c] = (float) mean;
          sinvstd[c] = (float) inv;
          /* torch updates the running variance with the unbiased estimate. With a single
           * value per channel there is none (torch refuses to train on it); the running
           * variance is then left alone rather than pulled towards 0. */
          rmean[c] = (float) ((1.0 - m) * rmean[c] + m * mean);
          if (count > 1.0)
            rvar[c] = (float) ((1.0 - m) * rvar[c] + m * ss / (count - 1.0));
        }
      else
        {
          mean = rmean[c];
          inv = 1.0 / sqrt ((double) rvar[c] + (double) cfg->eps);
        }
      /* y = (x - mean) (gamma inv) + beta; folding it into x a + b instead would cancel
       * badly when |mean| is large next to the spread */
      float a = (float) (gamma[c] * inv), mf = (float) mean, b = beta[c];
      for (int n = 0; n < batch; n++)
        {
          const float *xc = x + (size_t) n * stride + (size_t) c * S;
          float *yc = y + (size_t) n * stride + (size_t) c * S;
          for (size_t s = 0; s < S; s++)
            yc[s] = (xc[s] - mf) * a + b;
        }
    }
}

/* With xhat = (x - mean) inv and N values per channel:
 * dbeta = sum dy, dgamma = sum dy xhat,
 * dx = gamma inv / N * (N dy - sum dy - xhat sum(dy xhat)). */
static void
batchnorm_backward (bp_layer *L, int batch)
{
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  size_t stride = (size_t) C * S;
  const float *gamma = L->params;
  float *dgamma = L->grads, *dbeta = L->grads + C;
  const float *smean = L->scratch, *sinvstd = L->scratch + C;
  const float *x = L->x, *dy = L->dy;
  float *dx = L->dx;
  double count = (double) batch * (double) S;

  for (int c = 0; c < C; c++)
    {
      double mean = smean[c], inv = sinvstd[c];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for (int n = 0; n < batch; n++)
        {
          size_t at = (size_t) n * stride + (size_t) c * S;
          for (size_t s = 0; s < S; s++)
            {
              double g = dy[at + s];
              sum_dy += g;
              sum_dy_xhat += g * ((x[at + s] - mean) * inv);
            }
        }
      dbeta[c] += (float) sum_dy;
      dgamma[c] += (float) sum_dy_xhat;
      if (dx == NULL)
        continue;
      /* dx = k * (dy - mean_dy - xhat * mean_dy_xhat), k = gamma inv */
      double k = gamma[c] * inv;
      double mean_dy = sum_dy / count, mean_dy_xhat = sum_dy_xhat / count;
      for (int n = 0; n < batch; n++)
        {
          size_t at = (size_t) n * stride + (size_t) c * S;
          for (size_t s = 0; s < S; s++)
            {
              double xhat = (x[at + s] - mean) * inv;
              dx[at + s] += (float) (k * (dy[at + s] - mean_dy - xhat * mean_dy_xhat));
            }
        }
    }
}

static int
batchnorm_param_views (const bp_layer *L, bp_param_view *views)
{
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  /* Not penalised: L1/L2 of the layer apply to weights and kernels only. */
  views[0] = (bp_param_view) {
    .suffix = "gamma", .value = L->params, .grad = L->grads, .rank = 1, .dims = { C },
  };
  views[1] = (bp_param_view) {
    .suffix = "beta", .value = L->params + C, .grad = L->grads + C, .rank = 1, .dims = { C },
  };
  return 2;
}

static int
batchnorm_buffer_views (const bp_layer *L, bp_buffer_view *views)
{
  int C;
  size_t S;
  bn_geometry (L, &C, &S);
  views[0] = (bp_buffer_view) {
    .suffix = "running_mean", .value = L->buffers, .rank = 1, .dims = { C },
  };
  views[1] = (bp_buffer_view) {
    .suffix = "running_var", .value = L->buffers + C, .rank = 1, .dims = { C },
  };
  return 2;
}

const bp_layer_ops bp_batchnorm_ops = {
  .kind = BP_LAYER_BATCHNORM,
  .infer = batchnorm_infer,
  .scratch_size = batchnorm_scratch_size,
  .init = batchnorm_init,
  .forward = batchnorm_forward,
  .backward = batchnorm_backward,
  .param_views = batchnorm_param_views,
  .buffer_views = batchnorm_buffer_views,
};
