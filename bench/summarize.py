#!/usr/bin/python3
"""Medians of bench/run.sh's RESULT lines and the ratios of Backprop to its peers."""
import re, statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    rows[kv["name"]].append(kv)

def med(name, key):
    vals = [float(r[key]) for r in rows.get(name, []) if key in r]
    return statistics.median(vals) if vals else None

def fmt(v, spec="%.4g"):
    return "-" if v is None else spec % v

print("| run | samples/s | steps/s | GFLOP/s | final train loss | acc | peak RSS MB | reps |")
print("|---|---|---|---|---|---|---|---|")
for name in sorted(n for n in rows if n not in ("sgemm", "fma_peak", "clock_estimate")):
    acc = med(name, "test_acc") or med(name, "train_acc")
    print("| %s | %s | %s | %s | %s | %s | %s | %d |" % (
        name, fmt(med(name, "samples_per_s"), "%.0f"), fmt(med(name, "steps_per_s"), "%.0f"),
        fmt(med(name, "gflops"), "%.2f"), fmt(med(name, "final_train_loss")), fmt(acc),
        fmt(med(name, "peak_rss_mb"), "%.0f"), len(rows[name])))

print()
def ratio(a, b, key, label):
    x, y = med(a, key), med(b, key)
    if x and y:
        print("- %s: %.2fx (%s %s / %s)" % (label, x / y, key, a, b))
ratio("backprop_tiny", "torch_tiny", "steps_per_s", "tiny vs PyTorch")
ratio("backprop_tiny", "fann_tiny", "steps_per_s", "tiny vs FANN")
ratio("backprop_mlp", "torch_mlp", "samples_per_s", "mlp vs PyTorch")
ratio("backprop_mlp_wide", "torch_mlp_wide", "samples_per_s", "mlp-wide vs PyTorch")
ratio("backprop_cnn", "torch_cnn", "samples_per_s", "cnn vs PyTorch")
# sgemm_peak.c prints gflops_mean per (n, threads); the issue compares with N=1024, 2 threads.
peak = [float(r["gflops_mean"]) for r in rows.get("sgemm", [])
        if r.get("n") == "1024" and r.get("threads") == "2"]
if peak and med("backprop_mlp_wide", "gflops"):
    print("- mlp-wide GFLOP/s vs OpenBLAS SGEMM N=1024, 2 threads (median %.1f): %.0f%%" % (
        statistics.median(peak), 100 * med("backprop_mlp_wide", "gflops") / statistics.median(peak)))
for a, b in (("backprop_mlp", "torch_mlp"), ("backprop_cnn", "torch_cnn")):
    x, y = med(a, "test_acc"), med(b, "test_acc")
    if x is not None and y is not None:
        print("- %s test accuracy %.4f vs %s %.4f (%+.2f points)" % (a, x, b, y, 100 * (x - y)))
for line in open(sys.argv[1]):
    if line.startswith("load"):
        print("- " + line.strip())
