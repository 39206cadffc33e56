#!/usr/bin/python3
# Reads a Backprop experiment file (safetensors layout) with the standard library and numpy
# only, as any Python tool could, and prints what it found as JSON: the metadata it parsed,
# and each tensor's shape and the SHA-256 of its float32 bytes. test-experiment.c compares that
# with what it wrote. (Debian has no python3-safetensors; safetensors.numpy.load_file would
# give the same arrays.)
#   /usr/bin/python3 read-experiment.py FILE.bpx
import hashlib
import json
import struct
import sys

import numpy as np

with open(sys.argv[1], "rb") as f:
    blob = f.read()
(n,) = struct.unpack("<Q", blob[:8])
header = json.loads(blob[8:8 + n])
meta = header.pop("__metadata__", {})
data = blob[8 + n:]
tensors = {}
for name, t in header.items():
    assert t["dtype"] == "F32", name
    b, e = t["data_offsets"]
    arr = np.frombuffer(data[b:e], dtype="<f4").reshape(t["shape"])
    tensors[name] = {"shape": list(arr.shape),
                     "sha256": hashlib.sha256(arr.astype("<f4").tobytes()).hexdigest(),
                     "sum": float(arr.astype(np.float64).sum())}
spec = json.loads(meta["spec"])
json.dump({"format": meta["format"], "version": meta["version"], "title": meta.get("title"),
           "layers": [layer["name"] for layer in spec["layers"]],
           "source": json.loads(meta["data"]).get("source"),
           "schedule": json.loads(meta["training"])["schedule"]["type"],
           "tensors": tensors}, sys.stdout)
