/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "engine/eval.h"

#include <math.h>
#include <string.h>

int32_t
bp_eval_predicted_class (const float *scores, int k)
{
  int32_t best = 0;

  if (k == 1)
    return scores[0] > 0.5f ? 1 : 0;
  /* The first of equal scores wins, as numpy's argmax; NaN never wins. */
  for (int i = 1; i < k; i++)
    if (scores[i] > scores[best])
      best = i;
  return best;
}

void
bp_eval_confusion (int64_t *cm, int k, const int32_t *labels, const int32_t *pred, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (labels[i] < 0 || labels[i] >= k || pred[i] < 0 || pred[i] >= k)
        continue;
      cm[(size_t) labels[i] * (size_t) k + (size_t) pred[i]]++;
    }
}

static double
ratio (double num, double den)
{
  return den > 0 ? num / den : 0.0;
}

void
bp_eval_class_report (const int64_t *cm, int k, bp_class_scores *per_class,
                      bp_class_report *report)
{
  int64_t total = 0, correct = 0;

  memset (report, 0, sizeof *report);
  for (int c = 0; c < k; c++)
    {
      int64_t tp = cm[(size_t) c * k + c], row = 0, col = 0;
      bp_class_scores *s = &per_class[c];

      for (int j = 0; j < k; j++)
        {
          row += cm[(size_t) c * k + j];
          col += cm[(size_t) j * k + c];
        }
      s->precision = ratio ((double) tp, (double) col);
      s->recall = ratio ((double) tp, (double) row);
      s->f1 = ratio (2 * s->precision * s->recall, s->precision + s->recall);
      s->support = row;
      total += row;
      correct += tp;
    }
  report->total = total;
  report->accuracy = ratio ((double) correct, (double) total);
  for (int c = 0; c < k; c++)
    {
      const bp_class_scores *s = &per_class[c];
      double w = ratio ((double) s->support, (double) total);

      report->macro.precision += s->precision / k;
      report->macro.recall += s->recall / k;
      report->macro.f1 += s->f1 / k;
      report->weighted.precision += s->precision * w;
      report->weighted.recall += s->recall * w;
      report->weighted.f1 += s->f1 * w;
    }
  report->macro.support = report->weighted.support = total;
}

void
bp_eval_confusion_normalize (const int64_t *cm, int k, bp_cm_norm how, double *out)
{
  size_t kk = (size_t) k * (size_t) k;
  double all = 0;

  for (size_t i = 0; i < kk; i++)
    {
      out[i] = (double) cm[i];
      all += out[i];
    }
  if (how == BP_CM_COUNTS)
    return;
  for (int a = 0; a < k; a++)
    {
      double sum = 0;

      for (int b = 0; b < k; b++)
        sum += how == BP_CM_NORM_TRUE ? out[(size_t) a * k + b]
               : how == BP_CM_NORM_PRED ? out[(size_t) b * k + a]
                                        : 0;
      for (int b = 0; b < k; b++)
        {
          size_t at = how == BP_CM_NORM_PRED ? (size_t) b * k + a : (size_t) a * k + b;

          if (how == BP_CM_NORM_ALL)
            out[at] = ratio (out[at], all);
          else
            out[at] = ratio (out[at], sum);
        }
    }
}

size_t
bp_eval_cell_rows (const int32_t *labels, const int32_t *pred, size_t n, int32_t true_class,
                   int32_t pred_class, uint32_t *out, size_t cap)
{
  size_t m = 0;

  for (size_t i = 0; i < n; i++)
    if (labels[i] == true_class && pred[i] == pred_class)
      {
        if (m < cap)
          out[m] = (uint32_t) i;
        m++;
      }
  return m;
}

void
bp_eval_regression (const float *target, const float *pred, size_t n, float *residuals,
                    bp_regression_report *out)
{
  double mean = 0, ss_res = 0, ss_tot = 0, ae = 0;

  memset (out, 0, sizeof *out);
  if (n == 0)
    return;
  for (size_t i = 0; i < n; i++)
    mean += target[i];
  mean /= (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double r = (double) target[i] - (double) pred[i], t = (double) target[i] - mean;

      if (residuals != NULL)
        residuals[i] = (float) r;
      ss_res += r * r;
      ss_tot += t * t;
      ae += fabs (r);
    }
  out->rmse = sqrt (ss_res / (double) n);
  out->mae = ae / (double) n;
  /* A constant target: 1 for an exact fit, else 0 (scikit-learn's r2_score). */
  out->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : ss_res == 0 ? 1 : 0;
}
