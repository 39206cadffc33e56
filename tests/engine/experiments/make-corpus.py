#!/usr/bin/python3
# Writes the corpus of experiment files test-experiment.c opens: two good ones and many bad
# ones, each bad in one way. Standard library only; the output is committed, so this runs only
# when the corpus changes: /usr/bin/python3 tests/engine/experiments/make-corpus.py
import json
import math
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SPEC = {
    "input": {"shape": [2]},
    "layers": [
        {"type": "dense", "name": "h", "units": 3, "activation": "tanh"},
        {"type": "batchnorm", "name": "bn"},
        {"type": "dense", "name": "out", "units": 2},
    ],
    "loss": "cross_entropy",
}
DATA = {"source": "spiral", "params": {"n": 200, "noise": 0.1, "seed": 3},
        "split": {"val": 0.25, "test": 0, "seed": 2}, "scaling": "standard"}
TRAINING = {"schedule": {"type": "step", "step_size": 5, "gamma": 0.5},
            "early_stopping": {"patience": 4}}

# The network's tensors in file order, values k / 8 - 1 (exact in float32).
SHAPES = [("h.weight", [3, 2]), ("h.bias", [3]), ("bn.gamma", [3]), ("bn.beta", [3]),
          ("bn.running_mean", [3]), ("bn.running_var", [3]), ("out.weight", [2, 3]),
          ("out.bias", [2])]


def values(shape, start):
    n = math.prod(shape)
    return [(start + i) / 8.0 - 1.0 for i in range(n)]


def tensors():
    out, k = [], 0
    for name, shape in SHAPES:
        v = values(shape, k)
        k += len(v)
        out.append([name, shape, v])
    return out


def meta(**over):
    m = {"format": "backprop-experiment", "version": "1", "spec": json.dumps(SPEC),
         "data": json.dumps(DATA), "training": json.dumps(TRAINING)}
    for k, v in over.items():
        if v is None:
            m.pop(k, None)
        else:
            m[k] = v
    return m


def header_and_data(ts, metadata, dtype="F32"):
    h, data = {}, b""
    if metadata is not None:
        h["__metadata__"] = metadata
    for name, shape, v in ts:
        raw = struct.pack("<%df" % len(v), *v)
        h[name] = {"dtype": dtype, "shape": shape,
                   "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    return h, data


def pack(header, data, hlen=None):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    n = len(text) if hlen is None else hlen
    return struct.pack("<Q", n) + text + data


def write(name, blob):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(blob if isinstance(blob, bytes) else blob.encode())


def st(name, ts=None, metadata="default", **kw):
    ts = tensors() if ts is None else ts
    metadata = meta() if metadata == "default" else metadata
    h, d = header_and_data(ts, metadata)
    write(name, pack(h, d, **kw))
    return h, d


h, d = st("good.bpx")
good = pack(h, d)
st("good-plain.bpx", ts=[])
write("empty.bpx", b"")
write("truncated-length.bpx", good[:5])
write("truncated-header.bpx", good[:40])
write("truncated-data.bpx", good[:len(good) - 10])
write("header-length-too-big.bpx", pack(h, d, hlen=len(good)))
write("header-length-absurd.bpx", b"\xff" * 8 + good[8:])
rng = random.Random(7)
write("binary-garbage.bpx", bytes(rng.randrange(256) for _ in range(300)))
write("bad-json-header.bpx", pack(json.dumps(h).encode()[:-1] + b",}", d))
write("header-not-object.bpx", pack(b"[1, 2, 3]", b""))
write("header-trailing-garbage.bpx", pack(json.dumps(h).encode() + b"xyz", d))
st("no-metadata.bpx", metadata=None)
st("metadata-no-spec.bpx", metadata=meta(spec=None))
write("metadata-not-string.bpx", pack({"__metadata__": {"format": 1}}, b""))
st("wrong-format.bpx", metadata=meta(format="pytorch-checkpoint"))
st("future-version.bpx", metadata=meta(version="2"))
bad_spec = json.loads(json.dumps(SPEC))
bad_spec["layers"][0]["units"] = -3
st("spec-invalid.bpx", ts=[], metadata=meta(spec=json.dumps(bad_spec)))
st("spec-not-json.bpx", ts=[], metadata=meta(spec='{"input": {"shape": [2]}, "layers": [}'))
st("data-bad.bpx", ts=[], metadata=meta(data='{"source": "iris", "split": {"val": 1.5}}'))
st("training-bad.bpx", ts=[], metadata=meta(training='{"schedule": "sometimes"}'))

# Offsets: the header lies about where the bytes are.
ts = tensors()
h, d = header_and_data(ts, meta())
h["h.bias"]["data_offsets"] = [8, 20]
write("offsets-overlap.bpx", pack(h, d))
h, d = header_and_data(ts, meta())
h["out.bias"]["data_offsets"] = [len(d) - 8 + 4096, len(d) + 4096]
write("offsets-out-of-range.bpx", pack(h, d))
h, d = header_and_data(ts, meta())
for name, _, _ in ts[1:]:
    h[name]["data_offsets"] = [o + 4 for o in h[name]["data_offsets"]]
write("offsets-gap.bpx", pack(h, d[:24] + b"\0" * 4 + d[24:]))
h, d = header_and_data(ts, meta())
write("bytes-after-data.bpx", pack(h, d + b"\0" * 8))
h, d = header_and_data(ts, meta())
h["h.weight"]["shape"] = [3, 3]
write("shape-disagrees-with-offsets.bpx", pack(h, d))
h, d = header_and_data(ts, meta())
h["h.weight"]["shape"] = [-3, 2]
write("negative-dimension.bpx", pack(h, d))

# Self-consistent files whose tensors do not fit the spec.
ts = tensors()
ts[0] = ["h.weight", [2, 3], ts[0][2]]
st("wrong-shape-for-spec.bpx", ts=ts)
ts = tensors()
ts[1] = ["h.bias", [4], ts[1][2] + [0.5]]
st("wrong-size-for-spec.bpx", ts=ts)
ts = tensors()
h, d = header_and_data(ts, meta(), dtype="F16")
write("wrong-dtype.bpx", pack(h, d))
ts = tensors()
ts[7][2][1] = float("nan")
st("nan-weights.bpx", ts=ts)
ts = tensors()
ts[2][2][0] = float("inf")
st("inf-weights.bpx", ts=ts)
st("extra-tensor.bpx", ts=tensors() + [["ghost.weight", [2], [1.0, 2.0]]])
st("missing-tensor.bpx", ts=tensors()[:-1])
h, d = header_and_data(tensors(), meta())
text = json.dumps(h).encode()
dup = b', "out.bias": ' + json.dumps(h["out.bias"]).encode() + b"}"
write("duplicate-tensor.bpx", pack(text[:-1] + dup, d))

# The .json form.
EXP = {"format": "backprop-experiment", "version": 1, "spec": SPEC, "data": DATA,
       "training": TRAINING}


def js(name, obj):
    write(name, json.dumps(obj, indent=2) + "\n")


js("good.json", EXP)
write("bad-json.json", json.dumps(EXP, indent=2).replace('"loss":', '"loss"', 1))
write("truncated.json", json.dumps(EXP, indent=2)[:200])
js("spec-only.json", SPEC)
js("unknown-field.json", dict(EXP, trainig=TRAINING))
js("label-on-builtin.json", dict(EXP, data={"source": "iris", "label": "species"}))
js("epochs-in-training.json", dict(EXP, training={"epochs": 5}))
js("params-for-table.json", dict(EXP, data={"source": "iris", "params": {"n": 10}}))
js("split-leaves-nothing.json", dict(EXP, data={"source": "iris",
                                                "split": {"val": 0.6, "test": 0.4}}))
js("bad-feature.json", dict(EXP, data={"source": "spiral", "features": ["x1", "x3"]}))
js("spec-file-missing.json", dict(EXP, spec="no-such-spec.json"))
js("spec-in-json-with-weights-key.json", dict(EXP, weights=[1, 2]))
