#!/usr/bin/env python3
"""NumPy's side of the Backprop benchmark suite: the same configurations,
shapes, dtypes and JSON lines as BackpropBench (see benchmarks/README.md).

cat-l runs the course's own functions (course_cat.py beside this file); the
others are plain NumPy in the notes' layout, X (features × m), W[l] (n[l], n[l-1]).
Threads: --threads N sets OPENBLAS_NUM_THREADS before NumPy loads. Run it with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (benchmarks/run does): they slow
the OpenBLAS that NumPy ships.

    python3 benchmarks/peers/numpy_bench.py --threads 1 [--quick] [--configs tiny,gemm]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

args = B.parse_args("numpy")

import numpy as np  # noqa: E402  (after the thread variables are set)

import course_cat  # noqa: E402


def blas_name():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"numpy {np.__version__} ({blas.get('name', '?')} {blas.get('version', '')})".strip()
    except Exception:
        return f"numpy {np.__version__}"


def threads_in_use():
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


# MARK: - Networks in the notes' layout


def init(sizes, rng, dtype, scale):
    """W[l] = randn(n[l], n[l-1]) · scale(n[l-1]), b[l] = 0."""
    return [
        (
            (rng.standard_normal((sizes[l], sizes[l - 1])) * scale(sizes[l - 1])).astype(dtype),
            np.zeros((sizes[l], 1), dtype=dtype),
        )
        for l in range(1, len(sizes))
    ]


def relu_softmax_forward(params, x):
    """ReLU hidden layers, softmax output; returns the caches (A[l-1], Z[l]) and A[L]."""
    caches = []
    a = x
    for l, (w, b) in enumerate(params, start=1):
        z = w @ a + b
        caches.append((a, z))
        if l < len(params):
            a = np.maximum(z, 0)
        else:
            e = np.exp(z - z.max(axis=0, keepdims=True))
            a = e / e.sum(axis=0, keepdims=True)
    return caches, a


def relu_softmax_step(params, x, labels, lr):
    """One SGD step on a mini-batch; returns the cost before the step."""
    m = x.shape[1]
    cols = np.arange(m)
    caches, a = relu_softmax_forward(params, x)
    cost = -np.mean(np.log(a[labels, cols]))
    dz = a.copy()
    dz[labels, cols] -= 1  # dZ[L] = A[L] − Y, Y one-hot
    for l in reversed(range(len(params))):
        a_prev, _ = caches[l]
        w, b = params[l]
        dw = (dz @ a_prev.T) / m
        db = dz.sum(axis=1, keepdims=True) / m
        if l > 0:
            da = w.T @ dz
            dz = da * (caches[l - 1][1] > 0)
        w -= lr * dw
        b -= lr * db
    return cost


def tanh_sigmoid_step(params, x, y, lr):
    """Full-batch gradient descent on tanh hidden layers, a sigmoid output and BCE."""
    m = x.shape[1]
    caches = []
    a = x
    for l, (w, b) in enumerate(params, start=1):
        z = w @ a + b
        caches.append((a, z))
        a = np.tanh(z) if l < len(params) else 1 / (1 + np.exp(-z))
    cost = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    dz = a - y
    for l in reversed(range(len(params))):
        a_prev, _ = caches[l]
        w, b = params[l]
        dw = (dz @ a_prev.T) / m
        db = dz.sum(axis=1, keepdims=True) / m
        if l > 0:
            da = w.T @ dz
            dz = da * (1 - np.square(a_prev))  # A[l-1] = tanh(Z[l-1]), so g'(Z[l-1]) = 1 − A[l-1]²
        w -= lr * dw
        b -= lr * db
    return cost


# MARK: - Configurations


def mnist_mlp(args, report):
    m = B.mnist_examples(args.quick)
    rng = np.random.default_rng(1)
    x_rows = rng.random((m, B.MNIST_SIZES[0]), dtype=np.float32)  # one example per row in memory…
    labels = rng.integers(0, B.MNIST_SIZES[-1], m)
    params = init(B.MNIST_SIZES, rng, np.float32, lambda n: np.sqrt(2 / n))
    batches = [(s, min(s + B.MNIST_BATCH, m)) for s in range(0, m, B.MNIST_BATCH)]

    def epoch(count):
        total = 0.0
        for s, e in batches[:count]:
            # …so X[:, s:e] in the notes' (features × m) layout is a view, no copy.
            total += float(relu_softmax_step(params, x_rows[s:e].T, labels[s:e], np.float32(0.1)))
        return total / count

    B.measure_mnist_epochs(epoch, len(batches), m, args, report)


def cat_l(args, report):
    iterations = B.cat_iterations(args.quick)
    rng = np.random.default_rng(2)
    x = rng.random((B.CAT_SIZES[0], B.CAT_EXAMPLES))  # float64, (12288, 209)
    y = rng.integers(0, 2, (1, B.CAT_EXAMPLES)).astype(np.float64)

    def train(count):
        # The course's L_layer_model loop, with the course's own functions.
        parameters = course_cat.initialize_parameters_deep(B.CAT_SIZES)
        cost = None
        for _ in range(count):
            al, caches = course_cat.forward(x, parameters)
            cost = course_cat.cost_of(al, y)
            grads = course_cat.backward(al, y, caches, parameters)
            for l in range(1, len(B.CAT_SIZES)):
                parameters["W" + str(l)] -= 0.0075 * grads["dW" + str(l)]
                parameters["b" + str(l)] -= 0.0075 * grads["db" + str(l)]
        return float(cost)

    train(3)  # warm-up
    samples, cost = B.iteration_rates(train, iterations, args.runs)
    report.emit("cat-l", "cat-l.train", "float64", "iterations/s", samples, iterations=iterations, final_cost=cost)


def tiny(args, report):
    iterations = B.tiny_iterations(args.quick)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((B.TINY_SIZES[0], B.TINY_EXAMPLES), dtype=np.float32)
    y = rng.integers(0, 2, (1, B.TINY_EXAMPLES)).astype(np.float32)
    initial = init(B.TINY_SIZES, rng, np.float32, lambda n: np.sqrt(1 / n))
    lr = np.float32(0.5)

    def train(count):
        params = [(w.copy(), b.copy()) for w, b in initial]
        cost = None
        for _ in range(count):
            cost = tanh_sigmoid_step(params, x, y, lr)
        return float(cost)

    train(iterations // 10)  # warm-up
    samples, cost = B.iteration_rates(train, iterations, args.runs)
    report.emit("tiny", "tiny.train", "float32", "iterations/s", samples, iterations=iterations, final_cost=cost)


def infer(args, report):
    calls = B.infer_calls(args.quick)
    rng = np.random.default_rng(4)
    params = init(B.MNIST_SIZES, rng, np.float32, lambda n: np.sqrt(2 / n))
    one = rng.random((B.MNIST_SIZES[0], 1), dtype=np.float32)
    many = rng.random((B.MNIST_SIZES[0], 1024), dtype=np.float32)

    def predict(x):
        return relu_softmax_forward(params, x)[1]

    B.measure_inference(predict, one, many, calls, args, report)

def gemm(args, report):
    for n in B.gemm_sizes(args.quick):
        for dtype, short in ((np.float32, "f32"), (np.float64, "f64")):
            rng = np.random.default_rng(n)
            a = rng.standard_normal((n, n)).astype(dtype)
            b = rng.standard_normal((n, n)).astype(dtype)
            c = np.empty((n, n), dtype=dtype)
            t0 = B.now()
            np.matmul(a, b, out=c)  # warm-up, and the calibration
            target = B.timed_target(args.quick)
            reps = max(1, int(target / max(B.now() - t0, 1e-7)))
            samples = []
            for _ in range(args.runs):
                count, seconds = B.timed_reps(reps, 4 * target, lambda: np.matmul(a, b, out=c))
                samples.append(2 * n**3 * count / seconds / 1e9)
            report.emit("gemm", f"gemm.{short}.n{n}", np.dtype(dtype).name, "GFLOP/s", samples, n=n, reps=reps)


if __name__ == "__main__":
    B.main_loop(args, B.Reporter(args, blas_name(), threads_in_use()), {
        "mnist-mlp": mnist_mlp, "cat-l": cat_l, "tiny": tiny, "infer": infer, "gemm": gemm,
    })
