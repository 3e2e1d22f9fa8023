#!/usr/bin/env python3
"""Independent NumPy oracle for Backprop's optimizers, checked against PyTorch.

Writes optimizers.json: for each optimizer and a few hyperparameter choices,
a fixed parameter W (3, 2), six fixed gradients, the learning rate used at each
step (halved after step 3, as a schedule would), W after every step and the
state after the last, all float64, from the course's formulas written out
directly (nothing shared with the Swift kernels):

    sgd       W -= a dW
    momentum  v = b v + (1 - b) dW;                 W -= a v
    nesterov  v = mu v + dW;                        W -= a (dW + mu v)
    rmsprop   s = b2 s + (1 - b2) dW^2;             W -= a dW / (sqrt(s) + eps)
    adam      v = b1 v + (1 - b1) dW;  s = b2 s + (1 - b2) dW^2
              vhat = v / (1 - b1^t);   shat = s / (1 - b2^t);  W -= a vhat / (sqrt(shat) + eps)
    adamw     W -= a lam W, then adam

When PyTorch is importable, the same steps are run with torch.optim (float64)
and recorded as "torch_W"; the script stops if they differ from NumPy's by more
than 1e-12 (relative). The course's momentum is PyTorch's SGD(momentum=b) with
lr = a (1 - b): PyTorch's buffer has no (1 - b) factor. Deterministic: run it
again and the file is identical.

    python3 Tests/Fixtures/optimizers/make_fixtures.py
"""
import json
import os

import numpy as np

STEPS = 6


def schedule(alpha):
    return [alpha] * 3 + [alpha / 2] * (STEPS - 3)


def numpy_run(kind, hp, W0, grads, rates):
    W = W0.copy()
    v = np.zeros_like(W)
    s = np.zeros_like(W)
    trajectory = []
    for t, (dW, a) in enumerate(zip(grads, rates), start=1):
        if kind == "sgd":
            W = W - a * dW
        elif kind == "momentum":
            b = hp["momentum"]
            v = b * v + (1 - b) * dW
            W = W - a * v
        elif kind == "nesterov":
            mu = hp["momentum"]
            v = mu * v + dW
            W = W - a * (dW + mu * v)
        elif kind == "rmsprop":
            b2, eps = hp["beta2"], hp["epsilon"]
            s = b2 * s + (1 - b2) * dW ** 2
            W = W - a * dW / (np.sqrt(s) + eps)
        elif kind in ("adam", "adamw"):
            b1, b2, eps = hp["beta1"], hp["beta2"], hp["epsilon"]
            if kind == "adamw":
                W = W - a * hp["weight_decay"] * W
            v = b1 * v + (1 - b1) * dW
            s = b2 * s + (1 - b2) * dW ** 2
            vhat = v / (1 - b1 ** t)
            shat = s / (1 - b2 ** t)
            W = W - a * vhat / (np.sqrt(shat) + eps)
        else:
            raise ValueError(kind)
        trajectory.append(W.copy())
    if kind in ("momentum", "nesterov"):
        state = {"velocity": v}
    elif kind == "rmsprop":
        state = {"squared_average": s}
    elif kind in ("adam", "adamw"):
        state = {"first_moment": v, "second_moment": s}
    else:
        state = {}
    return trajectory, state


def torch_run(torch, kind, hp, W0, grads, rates):
    p = torch.nn.Parameter(torch.tensor(W0, dtype=torch.float64))

    def torch_lr(a):
        # The course's momentum with rate a is PyTorch's SGD momentum with rate a (1 - b).
        return a * (1 - hp["momentum"]) if kind == "momentum" else a

    lr = torch_lr(rates[0])
    if kind == "sgd":
        opt = torch.optim.SGD([p], lr=lr)
    elif kind == "momentum":
        opt = torch.optim.SGD([p], lr=lr, momentum=hp["momentum"])
    elif kind == "nesterov":
        opt = torch.optim.SGD([p], lr=lr, momentum=hp["momentum"], nesterov=True)
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop([p], lr=lr, alpha=hp["beta2"], eps=hp["epsilon"])
    elif kind == "adam":
        opt = torch.optim.Adam([p], lr=lr, betas=(hp["beta1"], hp["beta2"]), eps=hp["epsilon"])
    elif kind == "adamw":
        opt = torch.optim.AdamW(
            [p], lr=lr, betas=(hp["beta1"], hp["beta2"]), eps=hp["epsilon"], weight_decay=hp["weight_decay"])
    trajectory = []
    for dW, a in zip(grads, rates):
        for group in opt.param_groups:
            group["lr"] = torch_lr(a)
        p.grad = torch.tensor(dW, dtype=torch.float64)
        opt.step()
        trajectory.append(p.detach().numpy().copy())
    return trajectory


CASES = [
    ("sgd", "sgd", {"learning_rate": 0.1}),
    ("momentum", "momentum", {"learning_rate": 0.1, "momentum": 0.9}),
    ("momentum-0.5", "momentum", {"learning_rate": 0.3, "momentum": 0.5}),
    ("nesterov", "nesterov", {"learning_rate": 0.05, "momentum": 0.9}),
    ("nesterov-0.6", "nesterov", {"learning_rate": 0.1, "momentum": 0.6}),
    ("rmsprop", "rmsprop", {"learning_rate": 0.01, "beta2": 0.99, "epsilon": 1e-8}),
    ("rmsprop-large-epsilon", "rmsprop", {"learning_rate": 0.05, "beta2": 0.9, "epsilon": 0.1}),
    ("adam", "adam", {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
    ("adam-fast", "adam", {"learning_rate": 0.05, "beta1": 0.5, "beta2": 0.8, "epsilon": 1e-3}),
    ("adamw", "adamw", {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.01}),
    ("adamw-strong-decay", "adamw",
     {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6, "weight_decay": 2.0}),
]


def rows(a):
    return [[float(x) for x in row] for row in a]


def main():
    rng = np.random.default_rng(20240605)
    W0 = rng.standard_normal((3, 2))
    # Gradients of very different sizes per element (1e-3 … 10), one exactly 0 at step 2.
    scale = np.array([[1e-3, 1.0], [10.0, 0.1], [1.0, 0.01]])
    grads = [rng.standard_normal((3, 2)) * scale for _ in range(STEPS)]
    grads[1][0, 0] = 0.0
    try:
        import torch
    except ImportError:
        torch = None
    cases = []
    for name, kind, hp in CASES:
        rates = schedule(hp["learning_rate"])
        trajectory, state = numpy_run(kind, hp, W0, grads, rates)
        case = {
            "name": name, "optimizer": kind, "hyperparameters": hp, "learning_rates": rates,
            "W0": rows(W0), "grads": [rows(g) for g in grads], "W": [rows(w) for w in trajectory],
            "state": {k: rows(v) for k, v in state.items()}, "step": STEPS,
        }
        if torch is not None:
            theirs = torch_run(torch, kind, hp, W0, grads, rates)
            for ours, their in zip(trajectory, theirs):
                assert np.allclose(ours, their, rtol=1e-12, atol=1e-14), (name, ours, their)
            case["torch_W"] = [rows(w) for w in theirs]
        cases.append(case)
    out = {
        "generator": "make_fixtures.py", "numpy": np.__version__.split(".")[0] + ".x",
        "torch": None if torch is None else torch.__version__.split("+")[0], "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optimizers.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, len(cases), "cases", "(checked against torch)" if torch else "(torch not found)")


if __name__ == "__main__":
    main()
