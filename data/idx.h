/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IDX files (the MNIST format), plain or gzip-compressed: a 4-byte magic (0, 0, element type,
 * number of dimensions), the dimensions as big-endian uint32, then the elements, big-endian.
 * Magic, dimensions and lengths are checked before anything is read into memory; errors name
 * the file and, for the data itself, the byte offset ("FILE: byte 16: ..."; offsets count
 * uncompressed bytes). */
#pragma once

#include "data/dataset.h"

typedef enum bp_idx_type {
  BP_IDX_U8 = 0x08,
  BP_IDX_I8 = 0x09,
  BP_IDX_I16 = 0x0B,
  BP_IDX_I32 = 0x0C,
  BP_IDX_F32 = 0x0D,
  BP_IDX_F64 = 0x0E,
} bp_idx_type;

#define BP_IDX_MAX_DIMS 4
#define BP_IDX_DEFAULT_MAX_BYTES ((size_t) 1 << 30) /* of element data */

typedef struct bp_idx_array {
  bp_idx_type type;
  int ndim;
  uint32_t dims[BP_IDX_MAX_DIMS];
  size_t count;     /* product of dims */
  size_t elem_size; /* 1, 2, 4 or 8 */
  size_t data_offset; /* where the elements start in the (uncompressed) file */
  void *data;       /* count elements in host byte order */
} bp_idx_array;

/* Reads one IDX file; max_bytes bounds the element data (0: BP_IDX_DEFAULT_MAX_BYTES).
 * Returns 0, or -1 with a message. */
int bp_idx_read_file (const char *path, size_t max_bytes, bp_idx_array *out, char *err,
                      size_t errlen);
/* The same from memory (gzip or not); name is what messages call it. */
int bp_idx_read_buffer (const void *data, size_t len, const char *name, size_t max_bytes,
                        bp_idx_array *out, char *err, size_t errlen);
void bp_idx_array_clear (bp_idx_array *a);

/* A dataset from an images (or features) array and a labels array with the same first
 * dimension. Images: (n), (n, d), (n, h, w) or (n, c, h, w); uint8 stays uint8 (scaled by
 * 1/255 when the rows are images, i.e. 3 or 4 dimensions), other types become float.
 * Labels: integers in [0, BP_DATASET_MAX_CLASSES) make classes 0..max; floats (n) or (n, t)
 * make regression targets. The arrays' data is moved into the dataset when possible; the
 * arrays are cleared either way. The names are the files' names for messages. */
bp_dataset *bp_idx_dataset (bp_idx_array *images, bp_idx_array *labels, const char *images_name,
                            const char *labels_name, char *err, size_t errlen);

/* Both files, then bp_idx_dataset; the dataset is named after the images file. */
bp_dataset *bp_idx_load_pair (const char *images_path, const char *labels_path, char *err,
                              size_t errlen);

/* True when the first bytes look like IDX (possibly inside gzip: pass the decompressed start). */
bool bp_idx_sniff (const unsigned char *start, size_t len);
