/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The safetensors file format (as Hugging Face's `safetensors` reads and writes it):
 *   8 bytes   little-endian uint64 N, the header length
 *   N bytes   JSON: {"__metadata__": {"key": "value", ...},
 *                    "name": {"dtype": "F32", "shape": [d0, d1], "data_offsets": [b, e]}, ...}
 *             padded with spaces to a multiple of 8
 *   the data  tensors' raw little-endian bytes, [b, e) relative to the end of the header,
 *             back to back with no gaps
 * Only float32 tensors are written or read. The reader treats the file as hostile: every
 * length, offset and shape is checked before use, and errors name the file and the problem.
 * Network weights are stored as "<layer name>.<weight|bias|gamma|beta|running_mean|...>"
 * with PyTorch's shapes (dense weight (out, in)). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BP_ST_MAX_RANK 8
#define BP_ST_MAX_HEADER ((uint64_t) 100 << 20) /* 100 MB, as the Python reader's limit */

typedef struct bp_st_tensor {
  const char *name;
  int rank;
  int64_t dims[BP_ST_MAX_RANK];
  const float *data; /* product of dims values */
} bp_st_tensor;

/* Writes tensors and metadata (meta_keys[i] -> meta_values[i], n_meta pairs; may be 0) to
 * path atomically: a temporary file in the same folder, fsync, rename. Returns 0 or -1 with a
 * message naming the file. */
int bp_safetensors_write (const char *path, const bp_st_tensor *tensors, int n_tensors,
                          const char *const *meta_keys, const char *const *meta_values,
                          int n_meta, char *err, size_t errlen);

/* Creates a new file named "<path>.tmp-XXXXXX" (written into tmp, len >= strlen (path) + 16)
 * for writing, with the umask's permissions; returns its descriptor or -1 (errno set). For
 * atomic saves: write, fsync, rename over path. */
int bp_open_temp_beside (const char *path, char *tmp, size_t len);

typedef struct bp_safetensors bp_safetensors;

/* Reads and validates a whole file / a buffer (`what` names it in messages). NULL + message
 * on any problem: short file, header length out of range, bad JSON, unknown dtype, shape and
 * offsets that disagree, overlapping or gapped data, duplicate names, bytes left over. */
bp_safetensors *bp_safetensors_read (const char *path, char *err, size_t errlen);
bp_safetensors *bp_safetensors_parse (const void *buf, size_t len, const char *what, char *err,
                                      size_t errlen);
void bp_safetensors_free (bp_safetensors *st);

/* Tensors in the order of their data in the file; data is aligned, native-endian float. */
int bp_safetensors_n_tensors (const bp_safetensors *st);
const bp_st_tensor *bp_safetensors_tensor (const bp_safetensors *st, int i);
const bp_st_tensor *bp_safetensors_find (const bp_safetensors *st, const char *name);
/* Metadata value for key, or NULL. */
const char *bp_safetensors_meta (const bp_safetensors *st, const char *key);
int bp_safetensors_n_meta (const bp_safetensors *st);
void bp_safetensors_meta_at (const bp_safetensors *st, int i, const char **key,
                             const char **value);

/* A network's parameters and persistent buffers, named as above. The spec JSON goes in the
 * metadata under "spec", with extra pairs appended. */
typedef struct bp_net bp_net;
int bp_net_save_safetensors (bp_net *net, const char *path, const char *const *meta_keys,
                             const char *const *meta_values, int n_meta, char *err,
                             size_t errlen);
/* Loads every tensor of the network from st: names and shapes must match exactly (extra
 * tensors in the file are an error too). On error nothing is changed. */
int bp_net_load_safetensors (bp_net *net, const bp_safetensors *st, const char *what, char *err,
                             size_t errlen);
