#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints the PyTorch reference values pasted into test-activation.c, test-loss.c and
# test-layers.c (float32 throughout, as the engine). Run: /usr/bin/python3 torch_reference.py
# (Debian's python3-torch; the pyenv python3 first on PATH has no torch.)
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=10)


def c_array(name, t):
    """A C initializer, wrapped at 100 columns."""
    vals = ["%.9g" % v for v in t.detach().reshape(-1).tolist()]
    lines, line = [], "  "
    for v in vals:
        if len(line) + len(v) + 2 > 100:
            lines.append(line.rstrip())
            line = "  "
        line += v + ", "
    lines.append(line.rstrip().rstrip(","))
    print("static const float %s[] = {\n%s\n};" % (name, "\n".join(lines)))


X = torch.tensor([-90.0, -20.0, -5.0, -1.5, -0.3, 0.0, 0.2, 0.9, 3.0, 12.0, 30.0, 90.0])
c_array("act_x", X)

acts = {
    "linear": lambda x: x,
    "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "elu": lambda x: F.elu(x, 1.3),
    "gelu": F.gelu,  # exact (erf) form
    "silu": F.silu,
    "softplus": F.softplus,  # torch returns x itself above 20, where log1p(e^-x) < 1e-8
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}
for name, f in acts.items():
    x = X.clone().requires_grad_(True)
    y = f(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    c_array("act_%s_y" % name, y)
    c_array("act_%s_dx" % name, g)

# softmax over rows, with a row of huge logits (stability) and a backward with a given dy
S = torch.tensor([[1000.0, 1001.0, 999.0, -5.0, 0.0], [0.1, -0.2, 0.3, 0.0, -1.0]])
DY = torch.tensor([[0.5, -1.0, 0.25, 2.0, 0.0], [1.0, 0.0, -0.5, 0.3, 0.7]])
s = S.clone().requires_grad_(True)
y = torch.softmax(s, dim=1)
(g,) = torch.autograd.grad(y, s, DY)
c_array("softmax_x", S)
c_array("softmax_dy", DY)
c_array("softmax_y", y)
c_array("softmax_dx", g)

# losses: batch 3, dim 4 (mean reduction); gradients of the mean
OUT = torch.tensor([[0.5, -1.2, 3.0, 0.0], [60.0, -60.0, 0.7, -0.1], [2.0, 1.0, -3.0, 0.25]])
TGT = torch.tensor([[1.0, 0.0, 1.0, 0.5], [1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.3, 1.0]])
LAB = torch.tensor([2, 0, 1])
c_array("loss_out", OUT)
c_array("loss_tgt", TGT)
losses = {
    "mse": lambda o: F.mse_loss(o, TGT),
    "bce": lambda o: F.binary_cross_entropy_with_logits(o, TGT),
    "ce": lambda o: F.cross_entropy(o, LAB),
    "huber": lambda o: F.huber_loss(o, TGT, delta=1.5),
}
for name, f in losses.items():
    o = OUT.clone().requires_grad_(True)
    l = f(o)
    (g,) = torch.autograd.grad(l, o)
    print("static const double loss_%s = %.12g;" % (name, l.item()))
    c_array("loss_%s_grad" % name, g)

# BatchNorm1d: one training forward (batch statistics, running-stat update), then eval
BX = torch.tensor([[0.3, -1.0, 5.0], [1.1, 0.5, 4.0], [-0.7, 2.0, 6.5],
                   [0.0, -0.5, 5.5], [2.2, 1.0, 3.0]])
bn = torch.nn.BatchNorm1d(3, momentum=0.1, eps=1e-5)
with torch.no_grad():
    bn.weight.copy_(torch.tensor([1.5, 0.5, -1.0]))
    bn.bias.copy_(torch.tensor([0.1, -0.2, 0.0]))
bn.train()
y_train = bn(BX)
c_array("bn_x", BX)
c_array("bn_y_train", y_train)
c_array("bn_running_mean", bn.running_mean)
c_array("bn_running_var", bn.running_var)
bn.eval()
c_array("bn_y_eval", bn(BX))
