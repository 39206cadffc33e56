/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IDX reader: plain files, gzip files and memory buffers share one header check, one
 * allocation of the final buffer and one read straight into it. */
#include "data/idx.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "data/internal.h"

/* A source of uncompressed bytes. read returns the bytes read (short at the end) or -1. */
typedef struct source {
  const char *name;
  long long known_size; /* total uncompressed size when known up front, else -1 */
  long long (*read) (struct source *s, void *buf, size_t n);
  const char *(*why) (struct source *s); /* after a -1 */
  int fd;
  gzFile gz;
  const unsigned char *mem;
  size_t mem_len, mem_pos;
  z_stream zs;
  int z_status;
  bool truncated; /* the compressed stream ended before its end marker */
} source;

static long long
fd_read (source *s, void *buf, size_t n)
{
  size_t got = 0;
  while (got < n)
    {
      ssize_t r = read (s->fd, (char *) buf + got, n - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      got += (size_t) r;
    }
  return (long long) got;
}

static const char *
fd_why (source *s)
{
  (void) s;
  return strerror (errno);
}

static long long
gz_read (source *s, void *buf, size_t n)
{
  size_t got = 0;
  while (got < n)
    {
      unsigned chunk = n - got > (1u << 30) ? 1u << 30 : (unsigned) (n - got);
      int r = gzread (s->gz, (char *) buf + got, chunk);
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      got += (size_t) r;
    }
  /* zlib reports a truncated stream only as a short read plus an error state: surface it. */
  int code;
  gzerror (s->gz, &code);
  if (code == Z_BUF_ERROR)
    s->truncated = true;
  else if (code != Z_OK)
    return -1;
  return (long long) got;
}

static const char *
gz_why (source *s)
{
  int code;
  const char *msg = gzerror (s->gz, &code);
  return msg != NULL && msg[0] ? msg : "corrupt gzip data";
}

static long long
mem_read (source *s, void *buf, size_t n)
{
  size_t left = s->mem_len - s->mem_pos, take = n < left ? n : left;
  memcpy (buf, s->mem + s->mem_pos, take);
  s->mem_pos += take;
  return (long long) take;
}

static long long
inflate_read (source *s, void *buf, size_t n)
{
  size_t got = 0;
  while (got < n && s->z_status != Z_STREAM_END)
    {
      size_t want = n - got;
      s->zs.next_out = (unsigned char *) buf + got;
      s->zs.avail_out = want > (1u << 30) ? 1u << 30 : (uInt) want;
      uInt before = s->zs.avail_out;
      if (s->zs.avail_in == 0 && s->mem_pos < s->mem_len)
        {
          size_t left = s->mem_len - s->mem_pos;
          s->zs.next_in = (unsigned char *) s->mem + s->mem_pos;
          s->zs.avail_in = left > (1u << 30) ? 1u << 30 : (uInt) left;
          s->mem_pos += s->zs.avail_in;
        }
      int rc = inflate (&s->zs, Z_NO_FLUSH);
      got += before - s->zs.avail_out;
      if (rc == Z_STREAM_END)
        s->z_status = Z_STREAM_END;
      else if (rc == Z_BUF_ERROR && s->zs.avail_in == 0 && s->mem_pos >= s->mem_len)
        {
          s->truncated = true; /* input ends early: a short read, reported as truncation */
          break;
        }
      else if (rc != Z_OK)
        {
          s->z_status = rc;
          return -1;
        }
    }
  return (long long) got;
}

static const char *
inflate_why (source *s)
{
  return s->zs.msg != NULL ? s->zs.msg : "corrupt gzip data";
}

static bool
valid_type (int t)
{
  return t == BP_IDX_U8 || t == BP_IDX_I8 || t == BP_IDX_I16 || t == BP_IDX_I32
         || t == BP_IDX_F32 || t == BP_IDX_F64;
}

bool
bp_idx_sniff (const unsigned char *start, size_t len)
{
  return len >= 4 && start[0] == 0 && start[1] == 0 && valid_type (start[2]) && start[3] >= 1
         && start[3] <= BP_IDX_MAX_DIMS;
}

static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static void
to_host (bp_idx_array *a)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  unsigned char *p = a->data;
  const size_t w = a->elem_size;
  if (w == 2)
    for (size_t i = 0; i < a->count; i++, p += 2)
      {
        unsigned char t = p[0];
        p[0] = p[1];
        p[1] = t;
      }
  else if (w == 4)
    for (size_t i = 0; i < a->count; i++, p += 4)
      {
        uint32_t v;
        memcpy (&v, p, 4);
        v = __builtin_bswap32 (v);
        memcpy (p, &v, 4);
      }
  else if (w == 8)
    for (size_t i = 0; i < a->count; i++, p += 8)
      {
        uint64_t v;
        memcpy (&v, p, 8);
        v = __builtin_bswap64 (v);
        memcpy (p, &v, 8);
      }
#else
  (void) a;
#endif
}

/* Floats must be finite: a NaN in the pixels would only show up as a NaN loss much later. */
static int
check_finite (const bp_idx_array *a, const char *name, char *err, size_t errlen)
{
  for (size_t i = 0; i < a->count; i++)
    {
      double v = a->type == BP_IDX_F32 ? (double) ((const float *) a->data)[i]
                 : a->type == BP_IDX_F64 ? ((const double *) a->data)[i] : 0.0;
      if (!isfinite (v))
        {
          bp_data_err (err, errlen, "%s: byte %zu: %s value", name,
                       a->data_offset + i * a->elem_size, isnan (v) ? "NaN" : "infinite");
          return -1;
        }
    }
  return 0;
}

static int
read_idx (source *s, size_t max_bytes, bp_idx_array *out, char *err, size_t errlen)
{
  memset (out, 0, sizeof *out);
  if (max_bytes == 0)
    max_bytes = BP_IDX_DEFAULT_MAX_BYTES;
  unsigned char head[4 + 4 * BP_IDX_MAX_DIMS];
  long long got = s->read (s, head, 4);
  if (got < 0)
    goto io_error;
  if (got < 4)
    {
      bp_data_err (err, errlen, "%s: byte %lld: file ends inside the 4-byte IDX magic", s->name,
                   got);
      return -1;
    }
  if (head[0] != 0 || head[1] != 0)
    {
      bp_data_err (err, errlen, "%s: byte 0: not an IDX file (magic %02x %02x %02x %02x, "
                   "expected 00 00 TYPE DIMS)", s->name, head[0], head[1], head[2], head[3]);
      return -1;
    }
  if (!valid_type (head[2]))
    {
      bp_data_err (err, errlen, "%s: byte 2: unknown IDX element type 0x%02x (expected 08, 09, "
                   "0b, 0c, 0d or 0e)", s->name, head[2]);
      return -1;
    }
  if (head[3] < 1 || head[3] > BP_IDX_MAX_DIMS)
    {
      bp_data_err (err, errlen, "%s: byte 3: %d dimensions (1 to %d supported)", s->name, head[3],
                   BP_IDX_MAX_DIMS);
      return -1;
    }
  out->type = head[2];
  out->ndim = head[3];
  out->elem_size = out->type == BP_IDX_U8 || out->type == BP_IDX_I8 ? 1
                   : out->type == BP_IDX_I16 ? 2 : out->type == BP_IDX_F64 ? 8 : 4;
  out->data_offset = 4 + 4 * (size_t) out->ndim;
  got = s->read (s, head + 4, 4 * (size_t) out->ndim);
  if (got < 0)
    goto io_error;
  if ((size_t) got < 4 * (size_t) out->ndim)
    {
      bp_data_err (err, errlen, "%s: byte %lld: file ends inside the dimensions (%d declared)",
                   s->name, 4 + got, out->ndim);
      return -1;
    }
  size_t count = 1, bytes;
  for (int d = 0; d < out->ndim; d++)
    {
      out->dims[d] = be32 (head + 4 + 4 * d);
      if (out->dims[d] == 0)
        {
          bp_data_err (err, errlen, "%s: byte %d: dimension %d is 0 (no data)", s->name,
                       4 + 4 * d, d + 1);
          return -1;
        }
      if (bp_data_mul (count, out->dims[d], &count) != 0)
        count = SIZE_MAX;
    }
  if (count == SIZE_MAX || bp_data_mul (count, out->elem_size, &bytes) != 0 || bytes > max_bytes)
    {
      char dims[64] = "";
      for (int d = 0; d < out->ndim; d++)
        snprintf (dims + strlen (dims), sizeof dims - strlen (dims), "%s%u", d ? " x " : "",
                  out->dims[d]);
      char words[32];
      bp_data_err (err, errlen, "%s: byte 4: dimensions %s need more than the %s allowed",
                   s->name, dims, bp_data_size_words (max_bytes, words, sizeof words));
      return -1;
    }
  out->count = count;
  if (s->known_size >= 0 && (unsigned long long) s->known_size != out->data_offset + bytes)
    {
      unsigned long long have = (unsigned long long) s->known_size;
      if (have < out->data_offset + bytes)
        bp_data_err (err, errlen, "%s: byte %llu: truncated: the header declares %zu bytes of "
                     "data, the file holds %llu", s->name, have, bytes, have - out->data_offset);
      else
        bp_data_err (err, errlen, "%s: byte %zu: %llu bytes after the declared data", s->name,
                     out->data_offset + bytes, have - out->data_offset - bytes);
      return -1;
    }
  out->data = malloc (bytes);
  if (out->data == NULL)
    {
      bp_data_err (err, errlen, "%s: out of memory for %zu bytes", s->name, bytes);
      return -1;
    }
  got = s->read (s, out->data, bytes);
  if (got < 0)
    goto io_error;
  if ((size_t) got < bytes)
    {
      bp_data_err (err, errlen, "%s: byte %zu: truncated: the header declares %zu bytes of data, "
                   "the file ends after %lld", s->name, out->data_offset + (size_t) got, bytes,
                   got);
      goto fail;
    }
  unsigned char extra;
  got = s->read (s, &extra, 1);
  if (got < 0)
    goto io_error;
  if (got > 0)
    {
      bp_data_err (err, errlen, "%s: byte %zu: more bytes after the declared data", s->name,
                   out->data_offset + bytes);
      goto fail;
    }
  if (s->truncated)
    {
      bp_data_err (err, errlen, "%s: byte %zu: truncated gzip stream (the file ends before the "
                   "gzip trailer)", s->name, out->data_offset + bytes);
      goto fail;
    }
  to_host (out);
  if (check_finite (out, s->name, err, errlen) != 0)
    goto fail;
  return 0;

io_error:
  bp_data_err (err, errlen, "%s: %s", s->name, s->why (s));
fail:
  bp_idx_array_clear (out);
  return -1;
}

void
bp_idx_array_clear (bp_idx_array *a)
{
  if (a == NULL)
    return;
  free (a->data);
  memset (a, 0, sizeof *a);
}

int
bp_idx_read_buffer (const void *data, size_t len, const char *name, size_t max_bytes,
                    bp_idx_array *out, char *err, size_t errlen)
{
  const unsigned char *p = data;
  source s = { .name = name ? name : "(buffer)", .mem = p, .mem_len = len };
  if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    {
      s.known_size = -1;
      s.read = inflate_read;
      s.why = inflate_why;
      if (inflateInit2 (&s.zs, 16 + MAX_WBITS) != Z_OK)
        {
          memset (out, 0, sizeof *out);
          bp_data_err (err, errlen, "%s: cannot start zlib", s.name);
          return -1;
        }
      int rc = read_idx (&s, max_bytes, out, err, errlen);
      inflateEnd (&s.zs);
      return rc;
    }
  s.known_size = (long long) len;
  s.read = mem_read;
  s.why = fd_why; /* never called: memory reads do not fail */
  return read_idx (&s, max_bytes, out, err, errlen);
}

int
bp_idx_read_file (const char *path, size_t max_bytes, bp_idx_array *out, char *err,
                  size_t errlen)
{
  memset (out, 0, sizeof *out);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      bp_data_err (err, errlen, "%s: %s", path, strerror (errno));
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      bp_data_err (err, errlen, "%s: not a regular file", path);
      close (fd);
      return -1;
    }
  unsigned char magic[2];
  ssize_t m = pread (fd, magic, 2, 0);
  source s = { .name = path, .fd = fd };
  if (m == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    {
      s.gz = gzdopen (fd, "rb");
      if (s.gz == NULL)
        {
          close (fd);
          bp_data_err (err, errlen, "%s: cannot open the gzip stream", path);
          return -1;
        }
      gzbuffer (s.gz, 1 << 18);
      s.known_size = -1;
      s.read = gz_read;
      s.why = gz_why;
      int rc = read_idx (&s, max_bytes, out, err, errlen);
      gzclose (s.gz); /* closes fd too */
      return rc;
    }
  s.known_size = st.st_size;
  s.read = fd_read;
  s.why = fd_why;
  int rc = read_idx (&s, max_bytes, out, err, errlen);
  close (fd);
  return rc;
}
