#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the tiny IDX files of tests/data/files/ (run by hand; the outputs are checked in).
import gzip
import struct


def idx(typ, dims, payload, magic0=0):
    head = bytes([magic0, 0, typ, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return head + payload


def write(name, data, gz=False):
    if gz:
        # mtime 0: the same bytes on every run
        data = gzip.compress(data, mtime=0)
    with open(name, "wb") as f:
        f.write(data)


# 3 images of 2x2 pixels, labels 2, 0, 1
pixels = bytes([0, 255, 128, 64, 1, 2, 3, 4, 10, 20, 30, 40])
write("tiny-images-idx3-ubyte", idx(0x08, [3, 2, 2], pixels))
write("tiny-labels-idx1-ubyte", idx(0x08, [3], bytes([2, 0, 1])))
write("tiny-images-idx3-ubyte.gz", idx(0x08, [3, 2, 2], pixels), gz=True)
write("tiny-labels-idx1-ubyte.gz", idx(0x08, [3], bytes([2, 0, 1])), gz=True)
# every element type: 2 rows of 2 values, big-endian
write("i16-images.idx", idx(0x0B, [2, 2], struct.pack(">4h", -300, 2, 3, 32767)))
write("i32-images.idx", idx(0x0C, [2, 2], struct.pack(">4i", -70000, 1, 2, 3)))
write("f32-images.idx", idx(0x0D, [2, 2], struct.pack(">4f", 0.5, -1.25, 3.0, 1e-3)))
write("f64-images.idx", idx(0x0E, [2, 2], struct.pack(">4d", 0.1, -2.5, 1e10, 7.0)))
write("i8-images.idx", idx(0x09, [2, 2], struct.pack(">4b", -128, 127, 0, -1)))
write("f32-targets.idx", idx(0x0D, [2], struct.pack(">2f", 1.5, -0.25)))
write("i16-labels.idx", idx(0x0B, [2], struct.pack(">2h", 1, 0)))
write("4d-images.idx", idx(0x08, [2, 3, 1, 2], bytes(range(12))))
# malformed
write("bad-magic.idx", b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"\x00")
write("bad-type.idx", idx(0x0A, [1], b"\x00"))
write("bad-ndim.idx", bytes([0, 0, 8, 5]) + struct.pack(">5I", 1, 1, 1, 1, 1) + b"\x00")
write("bad-ndim0.idx", bytes([0, 0, 8, 0]))
write("bad-zero-dim.idx", idx(0x08, [3, 0, 2], b""))
write("bad-short-magic.idx", b"\x00\x00")
write("bad-short-dims.idx", bytes([0, 0, 8, 3]) + struct.pack(">I", 3) + b"\x00\x00")
write("bad-truncated.idx", idx(0x08, [3, 2, 2], pixels[:7]))
write("bad-trailing.idx", idx(0x08, [3, 2, 2], pixels + b"\x99\x99"))
# 65536^4 overflows 64 bits; 60000 x 60000 x 60000 is 216 TB: both refused before allocating
write("bad-overflow.idx", idx(0x0E, [65536, 65536, 65536, 65536], b""))
write("bad-huge.idx", idx(0x08, [60000, 60000, 60000], b"\x00" * 16))
write("bad-huge.idx.gz", idx(0x08, [60000, 60000, 60000], b"\x00" * 16), gz=True)
write("bad-truncated.idx.gz", gzip.compress(idx(0x08, [3, 2, 2], pixels), mtime=0)[:-12])
write("bad-nan.idx", idx(0x0D, [2, 2], struct.pack(">4f", 1.0, float("nan"), 0.0, 0.0)))
write("bad-neg-labels.idx", idx(0x09, [3], struct.pack(">3b", 0, -3, 1)))
write("bad-big-labels.idx", idx(0x0C, [3], struct.pack(">3i", 0, 5000, 1)))
write("bad-count-labels.idx", idx(0x08, [2], bytes([0, 1])))
