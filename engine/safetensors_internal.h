/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by safetensors.c (writer, helpers) and safetensors_read.c (reader). */
#pragma once

#include "engine/safetensors.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bp_safetensors {
  int n;
  bp_st_tensor *tensors;
  char **names;
  float **data;
  int n_meta;
  char **meta_keys, **meta_values;
};

void bp_st_fail (char *err, size_t errlen, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
bool bp_st_host_le (void);
void bp_st_swap32 (void *p, size_t n);
/* Element count of a shape, or -1 when it overflows what a file could hold. */
int64_t bp_st_numel (int rank, const int64_t *dims);
