#!/usr/bin/env python3
"""The CLI configurations as a PyTorch user writes them: load the .npy files with
NumPy, nn.Sequential, a loss, torch.optim.SGD, a plain loop; print the training
accuracy at the end, as `backprop train` does. benchmarks/peers/cli_bench.py times
the whole process, for a short and a long run.

    python3 cli_torch.py mnist --x mnist-x.npy --y mnist-y.npy --epochs 2 [--threads 1]
    python3 cli_torch.py cat   --x cat-x.npy   --y cat-y.npy   --iterations 250
    python3 cli_torch.py tiny  --x tiny-x.npy  --y tiny-y.npy  --iterations 10000
"""

import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_args  # noqa: E402


def mlp(sizes, hidden):
    layers = []
    for l in range(1, len(sizes)):
        layers.append(nn.Linear(sizes[l - 1], sizes[l]))
        if l < len(sizes) - 1:
            layers.append(hidden())
    return nn.Sequential(*layers)


def mnist(args):
    """784-256-128-10 ReLU / softmax, SGD α = 0.1, mini-batches of 128 reshuffled each epoch."""
    x = torch.from_numpy(np.load(args.x))  # (m, 784) float32
    y = torch.from_numpy(np.load(args.y))  # (m,) int64
    torch.manual_seed(1)
    model = mlp([784, 256, 128, 10], nn.ReLU)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    m = x.shape[0]
    for _ in range(args.epochs):
        order = torch.randperm(m)
        for s in range(0, m, 128):
            idx = order[s:s + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
    with torch.inference_mode():
        accuracy = (model(x).argmax(dim=1) == y).double().mean().item()
    print(f"Train accuracy: {accuracy:f}")


def full_batch(args, sizes, hidden, dtype, lr):
    """Full-batch gradient descent, a sigmoid output and binary cross-entropy."""
    x = torch.from_numpy(np.load(args.x)).to(dtype)
    y = torch.from_numpy(np.load(args.y)).to(dtype).reshape(-1, 1)
    torch.manual_seed(1)
    model = mlp(sizes, hidden).to(dtype)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(args.iterations):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.inference_mode():
        accuracy = ((model(x) > 0).to(dtype) == y).double().mean().item()
    print(f"Train accuracy: {accuracy:f}")


def main():
    args = cli_args.parse(__doc__.splitlines()[0])
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.task == "mnist":
        mnist(args)
    elif args.task == "cat":
        full_batch(args, [12288, 20, 7, 5, 1], nn.ReLU, torch.float64, 0.0075)
    else:
        full_batch(args, [2, 16, 16, 1], nn.Tanh, torch.float32, 0.5)


if __name__ == "__main__":
    main()
