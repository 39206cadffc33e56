/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Printing per-sample shapes for messages. */
#include "engine/shape.h"

#include <stdio.h>

char *
bp_shape_format (bp_shape s, char *buf, size_t len)
{
  if (buf == NULL || len == 0)
    return buf;
  size_t used = 0;
  buf[0] = '\0';
  int n = snprintf (buf, len, "(");
  used = n > 0 ? (size_t) n : 0;
  int rank = s.rank < 0 ? 0 : (s.rank > BP_MAX_RANK ? BP_MAX_RANK : s.rank);
  for (int i = 0; i < rank && used < len; i++)
    {
      n = snprintf (buf + used, len - used, i == 0 ? "%d" : ", %d", s.dims[i]);
      if (n < 0)
        break;
      used += (size_t) n;
    }
  if (used < len)
    snprintf (buf + used, len - used, ")");
  return buf;
}
