/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Losses with PyTorch's definitions and 'mean' reduction. Sums are taken in double: the loss is
 * a reported number (curves, divergence checks) and the cost is small next to the layers. */
#include "engine/loss.h"

#include "engine/metrics.h"
#include <math.h>
#include <stddef.h>

static double
mse (const float *out, const float *t, size_t n, float *grad)
{
  double sum = 0.0, g = 2.0 / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double d = (double) out[i] - (double) t[i];
      sum += d * d;
      if (grad)
        grad[i] = (float) (g * d);
    }
  return sum / (double) n;
}

/* torch.nn.HuberLoss: quadratic inside |d| < delta, linear outside, continuous slope. */
static double
huber (const float *out, const float *t, size_t n, double delta, float *grad)
{
  double sum = 0.0, g = 1.0 / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double d = (double) out[i] - (double) t[i];
      double ad = fabs (d);
      if (ad < delta)
        {
          sum += 0.5 * d * d;
          if (grad)
            grad[i] = (float) (g * d);
        }
      else
        {
          sum += delta * (ad - 0.5 * delta);
          if (grad)
            grad[i] = (float) (g * (d < 0.0 ? -delta : delta));
        }
    }
  return sum / (double) n;
}

/* Binary cross-entropy on logits z (torch.nn.BCEWithLogitsLoss):
 * -t log s(z) - (1 - t) log(1 - s(z)) = max(z, 0) - z t + log1p(e^-|z|), which never takes
 * the log of 0 nor exp of a large positive number. d/dz = s(z) - t. */
static double
bce_logits (const float *out, const float *t, size_t n, float *grad)
{
  double sum = 0.0, g = 1.0 / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double z = out[i], ti = t[i];
      double e = exp (-fabs (z));
      sum += fmax (z, 0.0) - z * ti + log1p (e);
      if (grad)
        {
          double s = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
          grad[i] = (float) (g * (s - ti));
        }
    }
  return sum / (double) n;
}

/* Softmax fused with cross-entropy (torch.nn.CrossEntropyLoss on logits): per row,
 * log-sum-exp(z) - z[label] with the max subtracted first; d/dz = softmax(z) - onehot.
 * A label outside [0, dim) is never used as an index: the row adds nothing, its gradient row
 * is zero, and the whole call returns BP_LOSS_BAD_LABEL. */
static double
cross_entropy (const float *out, const int32_t *labels, int batch, int dim, float *grad)
{
  double sum = 0.0, g = 1.0 / (double) batch;
  bool bad = false;
  for (int r = 0; r < batch; r++)
    {
      const float *z = out + (size_t) r * (size_t) dim;
      float *gr = grad ? grad + (size_t) r * (size_t) dim : NULL;
      int32_t label = labels[r];
      if (label < 0 || label >= dim)
        {
          bad = true;
          for (int j = 0; gr && j < dim; j++)
            gr[j] = 0.0f;
          continue;
        }
      double m = z[0];
      for (int j = 1; j < dim; j++)
        m = z[j] > m ? z[j] : m;
      double se = 0.0;
      for (int j = 0; j < dim; j++)
        se += exp ((double) z[j] - m);
      double lse = m + log (se);
      sum += lse - (double) z[label];
      if (gr)
        {
          for (int j = 0; j < dim; j++)
            gr[j] = (float) (g * exp ((double) z[j] - lse));
          gr[label] -= (float) g;
        }
    }
  return bad ? BP_LOSS_BAD_LABEL : sum / (double) batch;
}

double
bp_loss_compute (bp_loss_kind kind, float huber_delta, const float *out, bp_loss_target target,
                 int batch, int dim, float *grad)
{
  if (batch <= 0 || dim <= 0)
    return 0.0;
  size_t n = (size_t) batch * (size_t) dim;
  switch (kind)
    {
    case BP_LOSS_MSE:
      return mse (out, target.targets, n, grad);
    case BP_LOSS_HUBER:
      return huber (out, target.targets, n, huber_delta, grad);
    case BP_LOSS_BCE_LOGITS:
      return bce_logits (out, target.targets, n, grad);
    case BP_LOSS_CROSS_ENTROPY:
      return cross_entropy (out, target.labels, batch, dim, grad);
    case BP_LOSS_KIND_COUNT:
    default:
      return NAN;
    }
}

int
bp_loss_count_correct (bp_loss_kind kind, const float *out, bp_loss_target target, int batch,
                       int dim)
{
  int correct = 0;
  switch (kind)
    {
    case BP_LOSS_CROSS_ENTROPY:
      /* a label out of range is never correct */
      for (int r = 0; r < batch; r++)
        correct += bp_argmax (out + (size_t) r * (size_t) dim, dim) == target.labels[r];
      return correct;
    case BP_LOSS_BCE_LOGITS:
      for (size_t i = 0; i < (size_t) batch * (size_t) dim; i++)
        correct += (out[i] > 0.0f) == (target.targets[i] > 0.5f);
      return correct;
    default:
      return -1;
    }
}
