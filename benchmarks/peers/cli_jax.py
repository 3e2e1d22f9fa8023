#!/usr/bin/env python3
"""The CLI configurations as a JAX user writes them: load the .npy files with
NumPy, parameters as a list of (W, b), the loss in jax.numpy, jax.grad, and one
jax.jit-compiled SGD step; print the training accuracy at the end, as `backprop
train` does. benchmarks/peers/cli_bench.py times the whole process, for a short and
a long run (so the compilation is part of the fixed cost, not of the per-epoch time).

    python3 cli_jax.py mnist --x mnist-x.npy --y mnist-y.npy --epochs 2 [--threads 1]
    python3 cli_jax.py cat   --x cat-x.npy   --y cat-y.npy   --iterations 250
    python3 cli_jax.py tiny  --x tiny-x.npy  --y tiny-y.npy  --iterations 10000
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_args  # noqa: E402
import jaxlib_threads  # noqa: E402


def parse():
    return cli_args.parse(__doc__.splitlines()[0])


args = parse()
jaxlib_threads.limit(args.threads)  # before jax is imported

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

if args.task == "cat":
    jax.config.update("jax_enable_x64", True)  # the course's float64


def init(sizes, key, dtype):
    params = []
    for l in range(1, len(sizes)):
        key, sub = jax.random.split(key)
        w = jax.random.normal(sub, (sizes[l - 1], sizes[l]), dtype) / np.sqrt(sizes[l - 1])
        params.append((w, jnp.zeros(sizes[l], dtype)))
    return params


def forward(params, x, hidden):
    for w, b in params[:-1]:
        x = hidden(x @ w + b)
    w, b = params[-1]
    return x @ w + b  # logits


def mnist():
    x = jnp.asarray(np.load(args.x))  # (m, 784) float32
    y = jnp.asarray(np.load(args.y))  # (m,) int64 (int32 without x64)
    params = init([784, 256, 128, 10], jax.random.PRNGKey(1), jnp.float32)

    def loss(params, xb, yb):
        logp = jax.nn.log_softmax(forward(params, xb, jax.nn.relu))
        return -jnp.mean(jnp.take_along_axis(logp, yb[:, None], axis=1))

    @jax.jit
    def step(params, x, y, idx):
        grads = jax.grad(loss)(params, x[idx], y[idx])
        return jax.tree.map(lambda p, g: p - 0.1 * g, params, grads)

    m = x.shape[0]
    key = jax.random.PRNGKey(0)
    for _ in range(args.epochs):
        key, sub = jax.random.split(key)
        order = jax.random.permutation(sub, m)
        for s in range(0, m, 128):
            params = step(params, x, y, order[s:s + 128])
    accuracy = float(jnp.mean(jnp.argmax(forward(params, x, jax.nn.relu), axis=1) == y))
    print(f"Train accuracy: {accuracy:f}")


def full_batch(sizes, hidden, dtype, lr):
    x = jnp.asarray(np.load(args.x), dtype)
    y = jnp.asarray(np.load(args.y), dtype).reshape(-1, 1)
    params = init(sizes, jax.random.PRNGKey(1), dtype)

    def loss(params):
        z = forward(params, x, hidden)
        # Binary cross-entropy on the logits: −y·log σ(z) − (1−y)·log(1−σ(z)).
        return jnp.mean(jax.nn.softplus(z) - y * z)

    @jax.jit
    def step(params):
        grads = jax.grad(loss)(params)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads)

    for _ in range(args.iterations):
        params = step(params)
    accuracy = float(jnp.mean((forward(params, x, hidden) > 0).astype(dtype) == y))
    print(f"Train accuracy: {accuracy:f}")


if args.task == "mnist":
    mnist()
elif args.task == "cat":
    full_batch([12288, 20, 7, 5, 1], jax.nn.relu, jnp.float64, 0.0075)
else:
    full_batch([2, 16, 16, 1], jnp.tanh, jnp.float32, 0.5)
