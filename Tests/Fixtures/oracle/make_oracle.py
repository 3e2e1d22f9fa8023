#!/usr/bin/env python3
"""Independent NumPy oracle for Backprop's forward and backward propagation.

Writes forward_backward.json: for small fixed networks (every hidden activation
of the notes' table with every output/loss pairing), the parameters, the batch,
and what the course's formulas give in float64:

    Z[l] = W[l]·A[l-1] + b[l]       A[l] = g[l](Z[l])
    J = (1/m) Σ L(A[L], Y)
    dA[L] from the loss, dZ[l] = dA[l] * g'(Z[l])   (softmax: the full Jacobian)
    dW[l] = (1/m) dZ[l]·A[l-1]ᵀ     db[l] = (1/m) Σ_columns dZ[l]     dA[l-1] = W[l]ᵀ·dZ[l]

Nothing here shares code with the Swift implementation: the output layer's
gradient is derived through dA[L] and g'(Z[L]) (the course's
sigmoid_backward(dAL) path) rather than the fused dZ[L] = A[L] − Y, and the
costs use the course's formulas on A[L]. Deterministic: run it again and the
file is identical.

    python3 Tests/Fixtures/oracle/make_oracle.py
"""
import json
import os

import numpy as np

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0

def g(name, z, alpha=None):
    if name == "identity": return z.copy()
    if name == "step": return (z >= 0).astype(np.float64)
    if name == "sigmoid": return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh": return np.tanh(z)
    if name == "arctan": return np.arctan(z)
    if name == "relu": return np.maximum(0.0, z)
    if name == "leaky-relu": return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "prelu": return np.where(z > 0, z, alpha * z)
    if name == "elu": return np.where(z > 0, z, ELU_ALPHA * (np.exp(np.minimum(z, 0)) - 1))
    if name == "softplus": return np.log1p(np.exp(z))
    if name == "softmax":
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)
    raise ValueError(name)

def g_prime(name, z, alpha=None):
    if name == "identity": return np.ones_like(z)
    if name == "step": return np.zeros_like(z)
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z)); return s * (1 - s)
    if name == "tanh": return 1 - np.tanh(z) ** 2
    if name == "arctan": return 1 / (z ** 2 + 1)
    if name == "relu": return (z > 0).astype(np.float64)
    if name == "leaky-relu": return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if name == "prelu": return np.where(z > 0, 1.0, alpha * np.ones_like(z))
    if name == "elu": return np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0)))
    if name == "softplus": return 1.0 / (1.0 + np.exp(-z))
    raise ValueError(name)

def rows(a):
    return [[float(v) for v in row] for row in np.atleast_2d(a)]

def make_case(rng, hidden, output, sizes, m):
    L = len(sizes) - 1
    out_act = {"sigmoid": "sigmoid", "softmax": "softmax", "identity": "identity"}[output]
    while True:
        params = {}
        for l in range(1, L + 1):
            params["W%d" % l] = rng.standard_normal((sizes[l], sizes[l - 1])) * 0.8
            params["b%d" % l] = rng.standard_normal((sizes[l], 1)) * 0.3
            if hidden == "prelu" and l < L:
                params["alpha%d" % l] = 0.1 + 0.3 * rng.random((sizes[l], 1))
        X = rng.standard_normal((sizes[0], m))
        # forward
        A = X
        caches = []
        for l in range(1, L + 1):
            act = out_act if l == L else hidden
            Z = params["W%d" % l] @ A + params["b%d" % l]
            alpha = params.get("alpha%d" % l)
            caches.append((A, Z, act, alpha))
            A = g(act, Z, alpha)
        # keep hidden Z away from kinks so finite-precision comparisons are meaningful
        if all(np.min(np.abs(c[1])) > 1e-2 for c in caches[:-1]):
            break
    AL = A
    if output == "sigmoid":
        Y = (rng.random((sizes[-1], m)) < 0.5).astype(np.float64)
        cost = float(np.sum(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))) / m)
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        dZL = dAL * g_prime("sigmoid", caches[-1][1])
        labels = Y
    elif output == "softmax":
        k = sizes[-1]
        classes = rng.integers(0, k, size=m)
        Y = np.zeros((k, m)); Y[classes, np.arange(m)] = 1
        cost = float(-np.sum(Y * np.log(AL)) / m)
        dAL = -Y / AL
        # softmax Jacobian per column: dZ = J^T dA with J = diag(a) - a a^T
        dZL = np.zeros_like(AL)
        for j in range(m):
            a = AL[:, j:j + 1]
            J = np.diagflat(a) - a @ a.T
            dZL[:, j:j + 1] = J.T @ dAL[:, j:j + 1]
        labels = classes.reshape(1, m).astype(np.float64)
    else:
        Y = rng.standard_normal((sizes[-1], m))
        cost = float(np.sum(0.5 * (AL - Y) ** 2) / m)
        dAL = AL - Y
        dZL = dAL * g_prime("identity", caches[-1][1])
        labels = Y
    grads = {}
    dZ = dZL
    for l in range(L, 0, -1):
        A_prev, Z, act, alpha = caches[l - 1]
        if l < L:
            dZ = dA * g_prime(act, Z, alpha)
            if act == "prelu":
                grads["dalpha%d" % l] = np.sum(dA * np.where(Z > 0, 0.0, Z), axis=1, keepdims=True) / m
        grads["dW%d" % l] = dZ @ A_prev.T / m
        grads["db%d" % l] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = params["W%d" % l].T @ dZ
    case = {
        "name": "%s-%s" % (hidden, output),
        "hidden": hidden, "output": output, "sizes": sizes,
        "X": rows(X), "Y": rows(labels),
        "params": {k: rows(v) for k, v in params.items()},
        "Z": [rows(c[1]) for c in caches],
        "A": [rows(g(c[2], c[1], c[3])) for c in caches],
        "cost": cost,
        "grads": {k: rows(v) for k, v in grads.items()},
    }
    return case

def main():
    rng = np.random.default_rng(20261123)
    hidden = ["identity", "step", "sigmoid", "tanh", "arctan", "relu", "leaky-relu", "prelu", "elu", "softplus"]
    cases = []
    for h in hidden:
        cases.append(make_case(rng, h, "sigmoid", [3, 4, 3, 1], 5))
        cases.append(make_case(rng, h, "softmax", [3, 4, 3, 3], 6))
        cases.append(make_case(rng, h, "identity", [3, 4, 2], 4))
    cases.append(make_case(rng, "relu", "sigmoid", [5, 1], 7))  # L = 1, logistic regression
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "forward_backward.json"), "w") as f:
        json.dump({"generator": "make_oracle.py", "numpy": np.__version__.split(".")[0] + ".x", "cases": cases},
                  f, indent=None, separators=(",", ":"))
        f.write("\n")

if __name__ == "__main__":
    main()
