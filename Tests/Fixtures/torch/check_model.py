#!/usr/bin/env python3
"""Loads a Backprop model file in PyTorch and checks its probabilities.

    python3 check_model.py MODEL.safetensors INPUTS.npy EXPECTED.npy

INPUTS.npy holds raw inputs (m, n0); EXPECTED.npy the outputs A[L] Backprop
computed for them (m, nL). The model is rebuilt the way the model file
documents it: an nn.Module whose `layers` is an nn.ModuleList of nn.Linear,
loaded with load_state_dict (strict: every weight and bias must match); the
activations, output and preprocessing come from __metadata__. Prints the
largest absolute difference and exits 1 when it is above 1e-5.
"""
import json
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file


class Net(torch.nn.Module):
    def __init__(self, sizes, dtype):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [torch.nn.Linear(sizes[l - 1], sizes[l], dtype=dtype) for l in range(1, len(sizes))])


def activation(name, z, alpha=None):
    base, _, parameter = name.partition(":")
    if base == "identity": return z
    if base == "step": return (z >= 0).to(z.dtype)
    if base == "sigmoid": return torch.sigmoid(z)
    if base == "tanh": return torch.tanh(z)
    if base == "arctan": return torch.atan(z)
    if base == "relu": return torch.relu(z)
    if base == "leaky-relu": return torch.nn.functional.leaky_relu(z, float(parameter or 0.01))
    if base == "prelu": return torch.where(z > 0, z, alpha * z)
    if base == "elu": return torch.nn.functional.elu(z, float(parameter or 1.0))
    if base == "softplus": return torch.nn.functional.softplus(z)
    if base == "softmax": return torch.softmax(z, dim=-1)
    raise ValueError(name)


def main():
    model_path, inputs_path, expected_path = sys.argv[1:4]
    with safe_open(model_path, framework="pt") as f:
        metadata = f.metadata()
    assert metadata["format"] == "backprop-model", metadata
    sizes = json.loads(metadata["layer_sizes"])
    activations = json.loads(metadata["activations"])
    dtype = torch.float64 if metadata["dtype"] == "float64" else torch.float32
    state = load_file(model_path)
    net = Net(sizes, dtype)
    net.load_state_dict({k: v for k, v in state.items() if not k.endswith(".alpha")}, strict=True)

    prep = json.loads(metadata["preprocessing"])
    x = np.load(inputs_path).astype(np.float64) / prep["divisor"]
    if prep["method"] != "none":
        x = (x - np.array(prep["offsets"])) / np.array(prep["scales"])
    a = torch.tensor(x, dtype=dtype)
    with torch.no_grad():
        for l, layer in enumerate(net.layers):
            a = activation(activations[l], layer(a), state.get("layers.%d.alpha" % l))
    got = a.numpy().astype(np.float64)
    expected = np.load(expected_path).astype(np.float64)
    difference = float(np.max(np.abs(got - expected)))
    print("max |PyTorch - Backprop| = %.3e over %d examples" % (difference, got.shape[0]))
    sys.exit(0 if got.shape == expected.shape and difference <= 1e-5 else 1)


if __name__ == "__main__":
    main()
