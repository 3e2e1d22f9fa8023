#!/usr/bin/env python3
"""JAX's (CPU, XLA) side of the Backprop benchmark suite: the same configurations,
shapes, dtypes and JSON lines as BackpropBench (see benchmarks/README.md), written
as JAX is usually written: parameters as a list of (W, b), the loss in jax.numpy,
jax.grad, one jax.jit-compiled step (compiled in the warm-up, never timed), float64
through `jax_enable_x64`. Layout: (batch × features), as PyTorch's. Every timed
call ends in `block_until_ready()` (or a float() of the result), so JAX's
asynchronous dispatch cannot hide work. Threads: jaxlib_threads.py.

    python3 benchmarks/peers/jax_bench.py --threads 1 [--quick] [--configs tiny,gemm]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import jaxlib_threads  # noqa: E402

args = B.parse_args("jax")
thread_setting = jaxlib_threads.limit(args.threads)  # before jax is imported

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)  # cat-l and dgemm are float64; every array below names its dtype


def backend_name():
    return f"jax {jax.__version__} (XLA CPU; {thread_setting})"


def init(sizes, key, dtype, scale):
    params = []
    for l in range(1, len(sizes)):
        key, sub = jax.random.split(key)
        w = jax.random.normal(sub, (sizes[l - 1], sizes[l]), dtype) * scale(sizes[l - 1])
        params.append((w, jnp.zeros(sizes[l], dtype)))
    return params


def forward(params, x, hidden):
    for w, b in params[:-1]:
        x = hidden(x @ w + b)
    w, b = params[-1]
    return x @ w + b  # logits


def sgd(params, grads, lr):
    return jax.tree.map(lambda p, g: p - lr * g, params, grads)


def mnist_mlp(args, report):
    m = B.mnist_examples(args.quick)
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.random((m, B.MNIST_SIZES[0]), dtype=np.float32))
    y = jnp.asarray(rng.integers(0, B.MNIST_SIZES[-1], m), jnp.int32)
    # The batches, sliced once outside the timed loop (JAX has no views).
    batches = [(x[s:s + B.MNIST_BATCH], y[s:s + B.MNIST_BATCH]) for s in range(0, m, B.MNIST_BATCH)]
    state = {"params": init(B.MNIST_SIZES, jax.random.PRNGKey(1), jnp.float32, lambda n: np.sqrt(2 / n))}

    def loss(params, xb, yb):
        logp = jax.nn.log_softmax(forward(params, xb, jax.nn.relu))
        return -jnp.mean(jnp.take_along_axis(logp, yb[:, None], axis=1))

    @jax.jit
    def step(params, xb, yb):
        value, grads = jax.value_and_grad(loss)(params, xb, yb)
        return sgd(params, grads, 0.1), value

    def epoch(count):
        params = state["params"]
        total = 0.0
        for xb, yb in batches[:count]:
            params, value = step(params, xb, yb)
            total = total + value
        state["params"] = params
        return float(total) / count

    epoch(len(batches))  # compiles both batch shapes (the last batch is smaller)
    B.measure_mnist_epochs(epoch, len(batches), m, args, report)


def full_batch(config, sizes, hidden, dtype, x, y, iterations, lr, scale, args, report):
    initial = init(sizes, jax.random.PRNGKey(2), dtype, scale)

    def loss(params):
        z = forward(params, x, hidden)
        return jnp.mean(jax.nn.softplus(z) - y * z)  # binary cross-entropy on the logits

    @jax.jit
    def step(params):
        value, grads = jax.value_and_grad(loss)(params)
        return sgd(params, grads, lr), value

    def train(count):
        params = initial
        value = None
        for _ in range(count):
            params, value = step(params)
        return float(value)

    train(max(3, iterations // 10))  # warm-up and compilation
    samples, cost = B.iteration_rates(train, iterations, args.runs)
    report.emit(config, f"{config}.train", jnp.dtype(dtype).name, "iterations/s", samples,
                iterations=iterations, final_cost=cost)


def cat_l(args, report):
    rng = np.random.default_rng(2)
    x = jnp.asarray(rng.random((B.CAT_EXAMPLES, B.CAT_SIZES[0])), jnp.float64)
    y = jnp.asarray(rng.integers(0, 2, (B.CAT_EXAMPLES, 1)), jnp.float64)
    full_batch("cat-l", B.CAT_SIZES, jax.nn.relu, jnp.float64, x, y, B.cat_iterations(args.quick), 0.0075,
               lambda n: 1 / np.sqrt(n), args, report)


def tiny(args, report):
    rng = np.random.default_rng(3)
    x = jnp.asarray(rng.standard_normal((B.TINY_EXAMPLES, B.TINY_SIZES[0]), dtype=np.float32))
    y = jnp.asarray(rng.integers(0, 2, (B.TINY_EXAMPLES, 1)), jnp.float32)
    full_batch("tiny", B.TINY_SIZES, jnp.tanh, jnp.float32, x, y, B.tiny_iterations(args.quick), 0.5,
               lambda n: np.sqrt(1 / n), args, report)


def infer(args, report):
    calls = B.infer_calls(args.quick)
    params = init(B.MNIST_SIZES, jax.random.PRNGKey(4), jnp.float32, lambda n: np.sqrt(2 / n))
    rng = np.random.default_rng(4)
    one = jnp.asarray(rng.random((1, B.MNIST_SIZES[0]), dtype=np.float32))
    many = jnp.asarray(rng.random((1024, B.MNIST_SIZES[0]), dtype=np.float32))
    probabilities = jax.jit(lambda x: jax.nn.softmax(forward(params, x, jax.nn.relu), axis=1))

    def predict(x):
        return probabilities(x).block_until_ready()  # the probabilities, as Backprop's network(x) returns

    predict(many)  # compiles the batch shape before measure_inference's calibration call
    B.measure_inference(predict, one, many, calls, args, report)


def gemm(args, report):
    product = jax.jit(jnp.matmul)
    for n in B.gemm_sizes(args.quick):
        for dtype, short in ((jnp.float32, "f32"), (jnp.float64, "f64")):
            rng = np.random.default_rng(n)
            a = jnp.asarray(rng.standard_normal((n, n)), dtype)
            b = jnp.asarray(rng.standard_normal((n, n)), dtype)
            product(a, b).block_until_ready()  # compilation
            t0 = B.now()
            product(a, b).block_until_ready()  # the calibration
            target = B.timed_target(args.quick)
            reps = max(1, int(target / max(B.now() - t0, 1e-7)))
            samples = []
            for _ in range(args.runs):
                count, seconds = B.timed_reps(reps, 4 * target, lambda: product(a, b).block_until_ready())
                samples.append(2 * n**3 * count / seconds / 1e9)
            report.emit("gemm", f"gemm.{short}.n{n}", jnp.dtype(dtype).name, "GFLOP/s", samples, n=n, reps=reps)


if __name__ == "__main__":
    threads = args.threads if args.threads is not None else len(os.sched_getaffinity(0))
    B.main_loop(args, B.Reporter(args, backend_name(), threads), {
        "mnist-mlp": mnist_mlp, "cat-l": cat_l, "tiny": tiny, "infer": infer, "gemm": gemm,
    })
