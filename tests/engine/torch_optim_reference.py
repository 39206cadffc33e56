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


# ---- test-net.c: one forward and backward of small MLPs with fixed weights ----

ACT = {"linear": ("BP_ACT_LINEAR", lambda t: t), "tanh": ("BP_ACT_TANH", torch.tanh),
       "relu": ("BP_ACT_RELU", torch.relu), "sigmoid": ("BP_ACT_SIGMOID", torch.sigmoid),
       "softmax": ("BP_ACT_SOFTMAX", lambda t: torch.softmax(t, dim=1))}

# name, loss, input size, batch, layers: ("dense", units, activation) or ("activation", fn)
NETS = [
    ("ce_softmax", "cross_entropy", 3, 4,
     [("dense", 5, "tanh"), ("dense", 4, "sigmoid"), ("dense", 3, "linear"),
      ("activation", "softmax")]),
    ("ce_logits", "cross_entropy", 3, 5, [("dense", 4, "relu"), ("dense", 3, "linear")]),
    ("bce", "bce", 3, 4, [("dense", 4, "relu"), ("dense", 2, "linear")]),
    ("mse", "mse", 2, 6,
     [("dense", 4, "linear"), ("activation", "tanh"), ("dense", 2, "linear")]),
]

LOSS = {"cross_entropy": "BP_LOSS_CROSS_ENTROPY", "bce": "BP_LOSS_BCE_LOGITS",
        "mse": "BP_LOSS_MSE"}

MAX_W, MAX_B, MAX_X, MAX_OUT, MAX_LAYERS = 32, 8, 16, 16, 4


def net_case(name, loss, n_in, batch, layers, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, n_in, generator=gen) * 4 - 2
    params = []
    h = x
    width = n_in
    fused = loss == "cross_entropy" and layers[-1] == ("activation", "softmax")
    modules = []
    for spec in layers:
        if spec[0] == "dense":
            w = (torch.rand(spec[1], width, generator=gen) * 2 - 1).requires_grad_()
            b = (torch.rand(spec[1], generator=gen) - 0.5).requires_grad_()
            params.append((w, b))
            modules.append(("dense", w, b, ACT[spec[2]][1]))
            width = spec[1]
        else:
            params.append(None)
            modules.append(("activation", ACT[spec[1]][1]))
    out_size = width

    def forward(inp, upto):
        h = inp
        for m in modules[:upto]:
            if m[0] == "dense":
                h = m[3](h @ m[1].T + m[2])
            else:
                h = m[1](h)
        return h

    run = len(modules) - 1 if fused else len(modules)
    logits = forward(x, run)
    labels = targets = None
    if loss == "cross_entropy":
        labels = torch.randint(0, out_size, (batch,), generator=gen)
        value = torch.nn.functional.cross_entropy(logits, labels)
        probs = torch.softmax(logits, dim=1)
    elif loss == "bce":
        targets = (torch.rand(batch, out_size, generator=gen) > 0.5).float()
        targets[0, 0] = 0.25  # soft targets are allowed
        value = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)
        probs = torch.sigmoid(logits)
    else:
        targets = torch.rand(batch, out_size, generator=gen) * 2 - 1
        value = torch.nn.functional.mse_loss(logits, targets)
        probs = logits
    value.backward()
    grads = [g for p in params if p is not None for g in (p[0].grad, p[1].grad)]
    norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
    return dict(name=name, loss=loss, n_in=n_in, batch=batch, layers=layers, x=x,
                params=params, logits=logits, probs=probs, labels=labels, targets=targets,
                value=float(value), norm=norm, out_size=out_size)


def c_array(values, indent):
    values = list(values)
    if not values:
        return "{ 0 }"
    return "{\n" + c_floats(values, per_line=6, indent=indent + "  ") + "\n" + indent + "}"


def net_section(out):
    out.append("#define BP_REF_NET_MAX_W %d" % MAX_W)
    out.append("#define BP_REF_NET_MAX_B %d" % MAX_B)
    out.append("#define BP_REF_NET_MAX_X %d" % MAX_X)
    out.append("#define BP_REF_NET_MAX_OUT %d" % MAX_OUT)
    out.append("#define BP_REF_NET_MAX_LAYERS %d" % MAX_LAYERS)
    out.append("""
/* A dense layer's weight is (units, in) as torch.nn.Linear's, its bias (units). */
typedef struct bp_ref_layer {
  bp_layer_kind kind;
  int units;  /* dense */
  bp_act act; /* dense's fused activation, or the activation layer's function */
  float weight[BP_REF_NET_MAX_W], bias[BP_REF_NET_MAX_B];
  float dweight[BP_REF_NET_MAX_W], dbias[BP_REF_NET_MAX_B]; /* d(mean loss) */
} bp_ref_layer;

typedef struct bp_ref_net {
  const char *name;
  bp_loss_kind loss;
  int in_size, batch, out_size, n_layers;
  bp_ref_layer layers[BP_REF_NET_MAX_LAYERS];
  float x[BP_REF_NET_MAX_X];           /* (batch, in_size) */
  float targets[BP_REF_NET_MAX_OUT];   /* (batch, out_size), BCE and MSE */
  int32_t labels[BP_REF_NET_MAX_OUT];  /* (batch), cross-entropy */
  float logits[BP_REF_NET_MAX_OUT];    /* (batch, out_size): what the loss reads */
  float probs[BP_REF_NET_MAX_OUT];     /* softmax / sigmoid of the logits (MSE: the logits) */
  double loss_value;                   /* mean over the batch */
  double grad_norm;                    /* of all parameter gradients together */
} bp_ref_net;
""")
    out.append("static const bp_ref_net bp_ref_nets[] = {")
    for i, spec in enumerate(NETS):
        c = net_case(*spec, seed=100 + i)
        assert c["batch"] * c["n_in"] <= MAX_X and c["batch"] * c["out_size"] <= MAX_OUT
        out.append("  {")
        out.append("    .name = \"%s\", .loss = %s, .in_size = %d, .batch = %d, .out_size = %d,"
                   % (c["name"], LOSS[c["loss"]], c["n_in"], c["batch"], c["out_size"]))
        out.append("    .n_layers = %d," % len(c["layers"]))
        out.append("    .layers = {")
        for spec_l, p in zip(c["layers"], c["params"]):
            if spec_l[0] == "dense":
                w, b = p
                assert w.numel() <= MAX_W and b.numel() <= MAX_B
                out.append("      { .kind = BP_LAYER_DENSE, .units = %d, .act = %s," %
                           (spec_l[1], ACT[spec_l[2]][0]))
                ind = "        "
                out.append(ind + ".weight = " + c_array(w.detach().flatten().tolist(), ind) + ",")
                out.append(ind + ".bias = " + c_array(b.detach().tolist(), ind) + ",")
                out.append(ind + ".dweight = " + c_array(w.grad.flatten().tolist(), ind) + ",")
                out.append(ind + ".dbias = " + c_array(b.grad.tolist(), ind) + " },")
            else:
                out.append("      { .kind = BP_LAYER_ACTIVATION, .act = %s }," %
                           ACT[spec_l[1]][0])
        out.append("    },")
        ind = "    "
        out.append(ind + ".x = " + c_array(c["x"].flatten().tolist(), ind) + ",")
        if c["targets"] is not None:
            out.append(ind + ".targets = " + c_array(c["targets"].flatten().tolist(), ind) + ",")
        if c["labels"] is not None:
            out.append(ind + ".labels = { %s }," % ", ".join(str(int(v)) for v in c["labels"]))
        out.append(ind + ".logits = " + c_array(c["logits"].detach().flatten().tolist(), ind)
                   + ",")
        out.append(ind + ".probs = " + c_array(c["probs"].detach().flatten().tolist(), ind) + ",")
        out.append(ind + ".loss_value = %.17g," % c["value"])
        out.append(ind + ".grad_norm = %.17g," % c["norm"])
        out.append("  },")
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
    out.append("#include <stdint.h>")
    out.append("")
    optim_section(out)
    clip_section(out)
    net_section(out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
