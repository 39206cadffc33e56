#!/usr/bin/python3
"""W3 "cnn" with the same initial weights and the same batch order in PyTorch as in Backprop.

    build-x/bench/backprop-bench --workload cnn --threads 2 --seed 1 --trace /tmp/w3s1
    /usr/bin/python3 bench/w3-same-init.py /tmp/w3s1 [--eval]

backprop-bench --trace PREFIX wrote PREFIX.init.safetensors (its initial parameters, PyTorch's
names and shapes), PREFIX.order.safetensors (the shuffled row order, float32), PREFIX.loss.txt
(its loss at every step) and PREFIX.final.safetensors (its parameters after training). This
script loads the initial parameters into torch_bench.py's W3 model, trains it with
torch.optim.Adam on the same batches (64 rows, the last one short), and prints both losses side
by side for the first --show steps, then every --every steps and the last. Identical setups
track each other to float32 rounding noise for many steps; a bug shows as an early drift.
At the end it compares the final parameters, and with --eval, evaluates both final networks
in PyTorch (train loss, test accuracy) as WORKLOADS.md defines them.

torch 1.13 has no safetensors package: the format is read with numpy (8-byte little-endian
header length, JSON header, raw little-endian data).
"""
import argparse
import gzip
import json
import os
import struct
import sys

ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
ap.add_argument("prefix", help="the --trace PREFIX given to backprop-bench")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--show", type=int, default=50, help="print every step up to this one")
ap.add_argument("--every", type=int, default=100, help="then every this many steps")
ap.add_argument("--eval", action="store_true", help="evaluate both final networks")
ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
args = ap.parse_args()

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = str(args.threads)
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)


def read_safetensors(path):
    """{name: float32 array} in the file's data order."""
    with open(path, "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<Q", b[:8])
    header = json.loads(b[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    out = {}
    for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if t["dtype"] != "F32":
            sys.exit("%s: %s is %s, expected F32" % (path, name, t["dtype"]))
        beg, end = t["data_offsets"]
        a = np.frombuffer(b, dtype="<f4", count=(end - beg) // 4, offset=8 + n + beg)
        out[name] = a.reshape(t["shape"]).astype(np.float32)
    return out


def read_idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    ndim = int.from_bytes(b[0:4], "big") & 0xFF
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def images(name):
    # Backprop's gather: byte * (1/255 in float32), which can differ from byte / 255 by 1 ulp
    x = read_idx(os.path.join(args.data_dir, name)).reshape(-1, 1, 28, 28)
    return torch.from_numpy(x.astype(np.float32) * np.float32(1.0 / 255.0))


def labels(name):
    return torch.from_numpy(read_idx(os.path.join(args.data_dir, name)).astype(np.int64))


def w3_model():
    """torch_bench.py's W3 model."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))


def load_into(model, tensors, what):
    """Backprop's tensors, in order, onto the model's parameters, in order; shapes must match."""
    params = list(model.parameters())
    if len(params) != len(tensors):
        sys.exit("%s: %d tensors, the model has %d" % (what, len(tensors), len(params)))
    with torch.no_grad():
        for p, (name, a) in zip(params, tensors.items()):
            if tuple(p.shape) != a.shape:
                sys.exit("%s: %s has shape %s, the model's is %s"
                         % (what, name, a.shape, tuple(p.shape)))
            p.copy_(torch.from_numpy(a))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        loss = sum(F.cross_entropy(model(x[i:i + 1000]), y[i:i + 1000], reduction="sum").item()
                   for i in range(0, x.shape[0], 1000)) / x.shape[0]
        right = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                    for i in range(0, x.shape[0], 1000))
    return loss, right / x.shape[0]


init = read_safetensors(args.prefix + ".init.safetensors")
order = read_safetensors(args.prefix + ".order.safetensors")["order"].astype(np.int64)
bp_loss = []
with open(args.prefix + ".loss.txt") as f:
    for line in f:
        bp_loss.append(float(line.split()[1]))

xtr = images("train-images-idx3-ubyte.gz")
ytr = labels("train-labels-idx1-ubyte.gz")
model = w3_model()
load_into(model, init, "init")
opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
batch = 64
n_rows = order.shape[1]
steps_per_epoch = (n_rows + batch - 1) // batch
steps = len(bp_loss)
samples = n_rows if steps >= steps_per_epoch else steps * batch
print("# %d steps; step  backprop  torch  difference  relative" % steps)

model.train()
step, worst, first_off = 0, 0.0, None
sums = [0.0, 0.0, 0]
for e in range(order.shape[0]):
    perm = torch.from_numpy(order[e])
    for i in range(0, min(samples, n_rows), batch):
        if step >= steps:
            break
        idx = perm[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        t, b = loss.item(), bp_loss[step]
        rel = abs(t - b) / max(abs(t), 1e-12)
        worst = max(worst, rel)
        if first_off is None and rel > 1e-4:
            first_off = (step + 1, b, t, rel)
        sums[0] += b * idx.shape[0]
        sums[1] += t * idx.shape[0]
        sums[2] += idx.shape[0]
        step += 1
        if step <= args.show or step % args.every == 0 or step == steps:
            print("%5d  %.7f  %.7f  %+.2e  %.1e" % (step, b, t, t - b, rel))

print("# epoch_avg_loss backprop %.6f torch %.6f" % (sums[0] / sums[2], sums[1] / sums[2]))
print("# largest relative loss difference %.2e" % worst)
if first_off:
    print("# first step more than 1e-4 apart: %d (backprop %.7f, torch %.7f, relative %.1e)"
          % first_off)
else:
    print("# no step more than 1e-4 apart")

final_path = args.prefix + ".final.safetensors"
if os.path.exists(final_path):
    final = read_safetensors(final_path)
    for p, (name, a) in zip(model.parameters(), final.items()):
        d = np.abs(p.detach().numpy() - a)
        print("# final %-16s max |torch - backprop| %.2e  (max |w| %.2e)"
              % (name, d.max(), np.abs(a).max()))
    if args.eval:
        xte = images("t10k-images-idx3-ubyte.gz")
        yte = labels("t10k-labels-idx1-ubyte.gz")
        twin = w3_model()
        load_into(twin, final, "final")
        for who, m in (("backprop", twin), ("torch", model)):
            tl, _ = evaluate(m, xtr, ytr)
            _, acc = evaluate(m, xte, yte)
            print("RESULT who=%s final_train_loss=%.6f test_acc=%.4f" % (who, tl, acc))
