#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints tests/engine/optim-reference.h: what PyTorch computes for the cases of
test-optim.c (optimizers, gradient clipping) and test-net.c (one forward/backward of a small
MLP with fixed weights). The tests compare against these numbers and never need torch.

    /usr/bin/python3 tests/engine/torch_optim_reference.py > tests/engine/optim-reference.h

Every hyperparameter is rounded to float32 first, because the engine keeps them as floats:
torch then derives its double scalars (1 - beta, lr / bias correction) from the same values.
"""

import math
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float32)

N_PARAMS = 7
N_STEPS = 5


def f32(x):
    return float(np.float32(x))


def c_float(x):
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("reference values must be finite")
    text = "%.9g" % x
    if "." not in text and "e" not in text:
        text += ".0"
    return text + "f"


def c_floats(values, per_line=6, indent="    "):
    values = [c_float(v) for v in values]
    lines = []
    for i in range(0, len(values), per_line):
        lines.append(indent + ", ".join(values[i:i + per_line]) + ",")
    return "\n".join(lines)


# Starting parameters and the gradient fed at each step: fixed, varied magnitudes, one
# exact zero (a parameter Adam must still move through its moments).
INITIAL = [0.5, -1.25, 2.0, -0.75, 0.125, 1.5, -2.5]
GRADS = [
    [0.1, -0.2, 0.3, 1.5, -0.05, 0.0, 2.0],
    [0.2, 0.1, -0.4, 1.0, 0.02, -0.3, -1.0],
    [-0.3, 0.25, 0.5, -2.0, 0.01, 0.7, 0.5],
    [0.05, -0.6, 0.2, 0.4, -0.08, 0.0, 3.0],
    [0.4, 0.3, -0.1, -0.9, 0.06, -0.2, -0.25],
]

# name, torch class, kwargs (torch names), the C cfg fields
CASES = [
    ("sgd", "SGD", dict(lr=0.1), {}),
    ("sgd_momentum", "SGD", dict(lr=0.05, momentum=0.9), {}),
    ("sgd_dampening", "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3), {}),
    ("sgd_nesterov", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True), {}),
    ("sgd_weight_decay", "SGD", dict(lr=0.1, weight_decay=0.05), {}),
    ("sgd_nesterov_decay", "SGD", dict(lr=0.03, momentum=0.7, nesterov=True, weight_decay=0.1),
     {}),
    ("rmsprop", "RMSprop", dict(lr=0.01), {}),
    ("rmsprop_momentum", "RMSprop", dict(lr=0.01, momentum=0.9, alpha=0.9), {}),
    ("rmsprop_centered", "RMSprop", dict(lr=0.02, centered=True), {}),
    ("rmsprop_all", "RMSprop",
     dict(lr=0.005, alpha=0.95, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True), {}),
    ("adagrad", "Adagrad", dict(lr=0.1), {}),
    ("adagrad_decay", "Adagrad",
     dict(lr=0.1, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-6), {}),
    ("adam", "Adam", dict(lr=0.01), {}),
    ("adam_betas", "Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), {}),
    ("adam_weight_decay", "Adam", dict(lr=0.01, weight_decay=0.1), {}),
    ("adam_amsgrad", "Adam", dict(lr=0.02, amsgrad=True), {}),
    ("adamw", "AdamW", dict(lr=0.01), {}),
    ("adamw_amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True), {}),
]

KIND = {"SGD": "BP_OPTIM_SGD", "RMSprop": "BP_OPTIM_RMSPROP", "Adagrad": "BP_OPTIM_ADAGRAD",
        "Adam": "BP_OPTIM_ADAM", "AdamW": "BP_OPTIM_ADAMW"}

# torch's defaults, as the C side must be told every field
DEFAULTS = {
    "SGD": dict(momentum=0, dampening=0, nesterov=False, weight_decay=0),
    "RMSprop": dict(alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False),
    "Adagrad": dict(lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10),
    "Adam": dict(betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False),
    "AdamW": dict(betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False),
}


def rounded(kwargs):
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, bool):
            out[k] = v
        elif isinstance(v, tuple):
            out[k] = tuple(f32(x) for x in v)
        else:
            out[k] = f32(v)
    return out


def c_cfg(cls, kw):
    full = full_kwargs(cls, kw)
    betas = full.get("betas", (0.9, 0.999))
    fields = [
        ".kind = %s" % KIND[cls],
        ".lr = %s" % c_float(full["lr"]),
        ".momentum = %s" % c_float(full.get("momentum", 0)),
        ".dampening = %s" % c_float(full.get("dampening", 0)),
        ".nesterov = %s" % ("true" if full.get("nesterov") else "false"),
        ".beta1 = %s" % c_float(betas[0]),
        ".beta2 = %s" % c_float(betas[1]),
        ".alpha = %s" % c_float(full.get("alpha", 0.99)),
        ".eps = %s" % c_float(full.get("eps", 1e-8)),
        ".weight_decay = %s" % c_float(full.get("weight_decay", 0)),
        ".lr_decay = %s" % c_float(full.get("lr_decay", 0)),
        ".initial_accumulator = %s" % c_float(full.get("initial_accumulator_value", 0)),
        ".centered = %s" % ("true" if full.get("centered") else "false"),
        ".amsgrad = %s" % ("true" if full.get("amsgrad") else "false"),
    ]
    return "{ " + ", ".join(fields) + " }"


def full_kwargs(cls, kw):
    # Every hyperparameter, defaults included, rounded to float32 as the engine holds them.
    full = dict(DEFAULTS[cls])
    full.update(kw)
    return rounded(full)


def run_case(cls, kw):
    p = torch.nn.Parameter(torch.tensor(INITIAL, dtype=torch.float32))
    opt = getattr(torch.optim, cls)([p], foreach=False, **full_kwargs(cls, kw))
    steps = []
    for g in GRADS:
        p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        steps.append(p.detach().clone().tolist())
    return steps


def optim_section(out):
    out.append("#define BP_REF_OPTIM_N %d" % N_PARAMS)
    out.append("#define BP_REF_OPTIM_STEPS %d" % N_STEPS)
    out.append("")
    out.append("static const float bp_ref_optim_initial[BP_REF_OPTIM_N] = {")
    out.append(c_floats(INITIAL, per_line=7))
    out.append("};")
    out.append("")
    out.append("static const float bp_ref_optim_grads[BP_REF_OPTIM_STEPS][BP_REF_OPTIM_N] = {")
    for g in GRADS:
        out.append("  {\n" + c_floats(g, per_line=7) + "\n  },")
    out.append("};")
    out.append("")
    out.append("typedef struct bp_ref_optim_case {")
    out.append("  const char *name;")
    out.append("  bp_optim_cfg cfg;")
    out.append("  float after[BP_REF_OPTIM_STEPS][BP_REF_OPTIM_N]; /* parameters after step k */")
    out.append("} bp_ref_optim_case;")
    out.append("")
    out.append("static const bp_ref_optim_case bp_ref_optim_cases[] = {")
    for name, cls, kw, _ in CASES:
        steps = run_case(cls, kw)
        out.append("  { \"%s\", %s, {" % (name, c_cfg(cls, kw)))
        for s in steps:
            out.append("    {\n" + c_floats(s, per_line=7, indent="      ") + "\n    },")
        out.append("  } },")
    out.append("};")
    out.append("")


def clip_section(out):
    # Two tensors clipped together, as one flat vector in the engine.
    torch.manual_seed(7)
    a = torch.randn(5) * 2
    b = torch.randn(3)
    flat = torch.cat([a, b]).tolist()
    out.append("#define BP_REF_CLIP_N 8")
    out.append("static const float bp_ref_clip_grads[BP_REF_CLIP_N] = {")
    out.append(c_floats(flat, per_line=8))
    out.append("};")
    out.append("typedef struct bp_ref_clip_case {")
    out.append("  float max_norm;")
    out.append("  double norm; /* what clip_grad_norm_ returned */")
    out.append("  float clipped[BP_REF_CLIP_N];")
    out.append("} bp_ref_clip_case;")
    out.append("static const bp_ref_clip_case bp_ref_clip_cases[] = {")
    for max_norm in (1.0, 2.5, 100.0):
        pa = torch.nn.Parameter(torch.zeros(5))
        pb = torch.nn.Parameter(torch.zeros(3))
        pa.grad = a.clone()
        pb.grad = b.clone()
        norm = torch.nn.utils.clip_grad_norm_([pa, pb], f32(max_norm))
        clipped = torch.cat([pa.grad, pb.grad]).tolist()
        out.append("  { %s, %.17g, {\n%s\n  } }," % (c_float(max_norm), float(norm),
                                                    c_floats(clipped, per_line=8)))
    out.append("};")
    out.append("")


def main():
    out = []
    out.append("/* SPDX-License-Identifier: GPL-3.0-or-later */")
    out.append("/* Generated by tests/engine/torch_optim_reference.py with torch %s; do not edit."
               % torch.__version__)
    out.append(" * What PyTorch computes for the cases of test-optim.c and test-net.c. */")
    out.append("#pragma once")
    out.append("")
    out.append("#include \"engine/spec.h\"")
    out.append("#include <stdbool.h>")
    out.append("")
    optim_section(out)
    clip_section(out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
