/* SPDX-License-Identifier: GPL-3.0-or-later */
/* im2col and col2im. Each matrix row is one (channel, kernel row, kernel column). In general it
 * is written one output row at a time: for a given kernel offset, the output columns whose input
 * lies inside the image form one contiguous run, with zeros on either side. When the output has
 * the input's width at stride 1 (padding 'same', the usual case), a whole matrix row is the input
 * plane shifted by the kernel offset: one block copy, then the few columns that wrapped around
 * an edge are set to zero. */
#include "engine/im2col.h"

#include "engine/simd.h"
#include <stdbool.h>
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

/* Zeros columns [c0, c1) of rows [r0, r1) of a (rows, w) block. Walked column by column, so
 * GCC does not turn each row's few stores into a call to memset. */
static inline void
zero_columns (float *m, int w, int r0, int r1, int c0, int c1)
{
  for (int c = c0; c < c1; c++)
    for (int r = r0; r < r1; r++)
      m[(size_t) r * (size_t) w + (size_t) c] = 0.0f;
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

/* The matrix row of kernel offset (ki, kj) when sh = sw = 1 and ow = w: for the output rows
 * [oy_lo, oy_hi) whose input row exists, dst[oy*w + ox] = plane[(oy + ki - pt)*w + ox + kj - pl],
 * which is one contiguous range of the plane (clipped where it would start before the plane
 * or end after it: those entries are wrap-around ones and zeroed after). */
static inline void
block_range (const bp_window_geom *g, int ki, int kj, int oy_lo, int oy_hi, size_t *dst,
             size_t *src, size_t *len)
{
  long plane = (long) g->h * g->w;
  long d = (long) oy_lo * g->w;
  long s = (long) (oy_lo + ki - g->pad_top) * g->w + (kj - g->pad_left);
  long n = (long) (oy_hi - oy_lo) * g->w;
  if (s < 0)
    {
      d -= s;
      n += s;
      s = 0;
    }
  if (s + n > plane)
    n = plane - s;
  *dst = (size_t) d;
  *src = (size_t) s;
  *len = n > 0 ? (size_t) n : 0;
}

static bool
shifted_rows (const bp_window_geom *g)
{
  return g->sh == 1 && g->sw == 1 && g->ow == g->w;
}

static void
im2col_shifted (const bp_window_geom *g, const float *x, float *col, size_t ldcol)
{
  const int oh = g->oh, w = g->w;
  size_t row = 0;
  for (int ci = 0; ci < g->c; ci++)
    {
      const float *plane = x + (size_t) ci * g->h * w; /* (h, w) */
      for (int ki = 0; ki < g->kh; ki++)
        {
          int oy_lo, oy_hi;
          inside_run (g->h, oh, 1, g->pad_top, ki, &oy_lo, &oy_hi);
          for (int kj = 0; kj < g->kw; kj++, row++)
            {
              float *dst = col + row * ldcol; /* (oh, w) */
              int ox_lo, ox_hi;
              inside_run (w, w, 1, g->pad_left, kj, &ox_lo, &ox_hi);
              if (ox_lo == ox_hi || oy_lo == oy_hi)
                {
                  memset (dst, 0, (size_t) oh * w * sizeof *dst);
                  continue;
                }
              memset (dst, 0, (size_t) oy_lo * w * sizeof *dst);
              size_t d, s, n;
              block_range (g, ki, kj, oy_lo, oy_hi, &d, &s, &n);
              memcpy (dst + d, plane + s, n * sizeof *dst);
              zero_columns (dst, w, oy_lo, oy_hi, 0, ox_lo);
              zero_columns (dst, w, oy_lo, oy_hi, ox_hi, w);
              memset (dst + (size_t) oy_hi * w, 0, (size_t) (oh - oy_hi) * w * sizeof *dst);
            }
        }
    }
}

static void
col2im_shifted (const bp_window_geom *g, float *col, size_t ldcol, float *x)
{
  const int w = g->w;
  size_t row = 0;
  for (int ci = 0; ci < g->c; ci++)
    {
      float *plane = x + (size_t) ci * g->h * w; /* (h, w) */
      for (int ki = 0; ki < g->kh; ki++)
        {
          int oy_lo, oy_hi;
          inside_run (g->h, g->oh, 1, g->pad_top, ki, &oy_lo, &oy_hi);
          for (int kj = 0; kj < g->kw; kj++, row++)
            {
              float *src = col + row * ldcol; /* (oh, w) */
              int ox_lo, ox_hi;
              inside_run (w, w, 1, g->pad_left, kj, &ox_lo, &ox_hi);
              if (ox_lo == ox_hi || oy_lo == oy_hi)
                continue;
              /* what fell on the padding must not land on the other edge */
              zero_columns (src, w, oy_lo, oy_hi, 0, ox_lo);
              zero_columns (src, w, oy_lo, oy_hi, ox_hi, w);
              size_t d, s, n;
              block_range (g, ki, kj, oy_lo, oy_hi, &d, &s, &n);
              add_run (plane + s, src + d, (int) n);
            }
        }
    }
}

void
bp_im2col (const bp_window_geom *g, const float *x, float *col, size_t ldcol)
{
  if (shifted_rows (g))
    {
      im2col_shifted (g, x, col, ldcol);
      return;
    }
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
bp_col2im (const bp_window_geom *g, float *col, size_t ldcol, float *x)
{
  if (shifted_rows (g))
    {
      col2im_shifted (g, col, ldcol, x);
      return;
    }
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
