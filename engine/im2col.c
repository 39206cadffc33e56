/* SPDX-License-Identifier: GPL-3.0-or-later */
/* im2col and col2im. Each matrix row is one (channel, kernel row, kernel column) and is written
 * one output row at a time: for a given kernel offset, the output columns whose input lies
 * inside the image form one contiguous run (a memcpy at stride 1), with zeros on either side. */
#include "engine/im2col.h"

#include "engine/simd.h"
#include <string.h>

/* The runs are short (an image row, 28 floats for Fashion-MNIST), so a call to memcpy per run
 * would cost about as much as the copy itself: inline loops, four floats at a time. */
static inline void
copy_run (float *restrict d, const float *restrict s, int n)
{
  int i = 0;
  for (; i + 4 <= n; i += 4)
    bp_v4f_store (d + i, bp_v4f_load (s + i));
  for (; i < n; i++)
    d[i] = s[i];
}

static inline void
add_run (float *restrict d, const float *restrict s, int n)
{
  int i = 0;
  for (; i + 4 <= n; i += 4)
    bp_v4f_store (d + i, bp_v4f_load (d + i) + bp_v4f_load (s + i));
  for (; i < n; i++)
    d[i] += s[i];
}

int
bp_window_axis (int n, int k, int s, int same, int *pad_before)
{
  *pad_before = 0;
  if (n <= 0 || k <= 0 || s <= 0)
    return 0;
  if (!same)
    return n < k ? 0 : (n - k) / s + 1;
  int out = (n + s - 1) / s;
  int total = (out - 1) * s + k - n;
  if (total > 0)
    *pad_before = total / 2;
  return out;
}

/* Output positions o in [0, n_out) whose input o*s - pad + off falls inside [0, n_in):
 * [*lo, *hi). */
static inline void
inside_run (int n_in, int n_out, int s, int pad, int off, int *lo, int *hi)
{
  int first = pad - off; /* smallest input offset o*s must reach */
  *lo = first <= 0 ? 0 : (first + s - 1) / s;
  int last = n_in - 1 + pad - off; /* largest o*s allowed */
  *hi = last < 0 ? 0 : last / s + 1;
  if (*hi > n_out)
    *hi = n_out;
  if (*lo > *hi)
    *lo = *hi;
}

void
bp_im2col (const bp_window_geom *g, const float *x, float *col, size_t ldcol)
{
  const int oh = g->oh, ow = g->ow;
  size_t row = 0;
  for (int ci = 0; ci < g->c; ci++)
    {
      const float *plane = x + (size_t) ci * g->h * g->w; /* (h, w) */
      for (int ki = 0; ki < g->kh; ki++)
        {
          int oy_first, oy_end;
          inside_run (g->h, oh, g->sh, g->pad_top, ki, &oy_first, &oy_end);
          for (int kj = 0; kj < g->kw; kj++, row++)
            {
              float *dst = col + row * ldcol; /* (oh, ow) */
              int ox_lo, ox_hi;
              inside_run (g->w, ow, g->sw, g->pad_left, kj, &ox_lo, &ox_hi);
              /* a kernel column that only ever sees padding gives a row of zeros */
              int oy_lo = oy_first, oy_hi = ox_hi > ox_lo ? oy_end : oy_first;
              if (oy_lo > 0)
                memset (dst, 0, (size_t) oy_lo * ow * sizeof *dst);
              for (int oy = oy_lo; oy < oy_hi; oy++)
                {
                  float *d = dst + (size_t) oy * ow;
                  /* the input under output column ox_lo: inside the image */
                  const float *src = plane + (size_t) (oy * g->sh - g->pad_top + ki) * g->w
                                     + (ox_lo * g->sw - g->pad_left + kj);
                  for (int ox = 0; ox < ox_lo; ox++)
                    d[ox] = 0.0f;
                  if (g->sw == 1)
                    copy_run (d + ox_lo, src, ox_hi - ox_lo);
                  else
                    for (int ox = ox_lo; ox < ox_hi; ox++)
                      d[ox] = src[(size_t) (ox - ox_lo) * g->sw];
                  for (int ox = ox_hi; ox < ow; ox++)
                    d[ox] = 0.0f;
                }
              if (oy_hi < oh)
                memset (dst + (size_t) oy_hi * ow, 0, (size_t) (oh - oy_hi) * ow * sizeof *dst);
            }
        }
    }
}

void
bp_col2im (const bp_window_geom *g, const float *col, size_t ldcol, float *x)
{
  const int ow = g->ow;
  size_t row = 0;
  for (int ci = 0; ci < g->c; ci++)
    {
      float *plane = x + (size_t) ci * g->h * g->w; /* (h, w) */
      for (int ki = 0; ki < g->kh; ki++)
        {
          int oy_lo, oy_hi;
          inside_run (g->h, g->oh, g->sh, g->pad_top, ki, &oy_lo, &oy_hi);
          for (int kj = 0; kj < g->kw; kj++, row++)
            {
              const float *srcrow = col + row * ldcol; /* (oh, ow) */
              int ox_lo, ox_hi;
              inside_run (g->w, ow, g->sw, g->pad_left, kj, &ox_lo, &ox_hi);
              if (ox_hi == ox_lo)
                continue;
              for (int oy = oy_lo; oy < oy_hi; oy++)
                {
                  const float *s = srcrow + (size_t) oy * ow;
                  float *d = plane + (size_t) (oy * g->sh - g->pad_top + ki) * g->w
                             + (ox_lo * g->sw - g->pad_left + kj);
                  if (g->sw == 1)
                    add_run (d, s + ox_lo, ox_hi - ox_lo);
                  else
                    for (int ox = ox_lo; ox < ox_hi; ox++)
                      d[(size_t) (ox - ox_lo) * g->sw] += s[ox];
                }
            }
        }
    }
}
