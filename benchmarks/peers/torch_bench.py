#!/usr/bin/env python3
"""PyTorch's (CPU) side of the Backprop benchmark suite: the same
configurations, shapes, dtypes and JSON lines as BackpropBench (see
benchmarks/README.md), written as PyTorch is usually written: nn.Sequential of
Linear and activations, CrossEntropyLoss / BCEWithLogitsLoss, torch.optim.SGD,
torch.inference_mode() for inference. Tensors are PyTorch's (batch × features)
layout; the shapes of the products are those of the notes' layout, transposed.

    python3 benchmarks/peers/torch_bench.py --threads 1 [--quick] [--configs tiny,gemm]
"""
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

args = B.parse_args("torch")

import torch  # noqa: E402  (after the thread variables are set)
from torch import nn  # noqa: E402

if args.threads is not None:
    torch.set_num_threads(args.threads)


def backend_name():
    blas = "MKL" if torch.backends.mkl.is_available() else "?"
    return f"torch {torch.__version__} ({blas}, oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'})"


def mlp(sizes, hidden, dtype):
    """Linear layers of `sizes` with `hidden()` between them; the output activation
    is folded into the loss (CrossEntropyLoss / BCEWithLogitsLoss), as usual."""
    layers = []
    for l in range(1, len(sizes)):
        layers.append(nn.Linear(sizes[l - 1], sizes[l]))
        if l < len(sizes) - 1:
            layers.append(hidden())
    return nn.Sequential(*layers).to(dtype)


def mnist_mlp(args, report):
    m = B.mnist_examples(args.quick)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(m, B.MNIST_SIZES[0], generator=g)  # float32
    y = torch.randint(0, B.MNIST_SIZES[-1], (m,), generator=g)
    torch.manual_seed(1)
    model = mlp(B.MNIST_SIZES, nn.ReLU, torch.float32)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    starts = list(range(0, m, B.MNIST_BATCH))

    def epoch(count):
        total = 0.0
        for s in starts[:count]:
            xb, yb = x[s:s + B.MNIST_BATCH], y[s:s + B.MNIST_BATCH]  # views
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item()
        return total / count

    B.measure_mnist_epochs(epoch, len(starts), m, args, report)


def full_batch(config, sizes, hidden, dtype, examples, iterations, lr, seed, args, report):
    """Full-batch gradient descent with a sigmoid output and BCE → iterations/s."""
    g = torch.Generator().manual_seed(seed)
    if config == "tiny":
        x = torch.randn(examples, sizes[0], generator=g, dtype=dtype)
    else:
        x = torch.rand(examples, sizes[0], generator=g, dtype=dtype)
    y = torch.randint(0, 2, (examples, 1), generator=g).to(dtype)
    torch.manual_seed(seed)
    initial = mlp(sizes, hidden, dtype)
    loss_fn = nn.BCEWithLogitsLoss()

    def train(count):
        model = copy.deepcopy(initial)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        loss = None
        for _ in range(count):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return loss.item()

    train(max(3, iterations // 10))  # warm-up
    samples, cost = B.iteration_rates(train, iterations, args.runs)
    report.emit(config, f"{config}.train", str(dtype).replace("torch.", ""), "iterations/s", samples,
                iterations=iterations, final_cost=cost)


def cat_l(args, report):
    full_batch("cat-l", B.CAT_SIZES, nn.ReLU, torch.float64, B.CAT_EXAMPLES, B.cat_iterations(args.quick),
               0.0075, 2, args, report)


def tiny(args, report):
    full_batch("tiny", B.TINY_SIZES, nn.Tanh, torch.float32, B.TINY_EXAMPLES, B.tiny_iterations(args.quick),
               0.5, 3, args, report)


def infer(args, report):
    calls = B.infer_calls(args.quick)
    torch.manual_seed(4)
    model = mlp(B.MNIST_SIZES, nn.ReLU, torch.float32).eval()
    g = torch.Generator().manual_seed(4)
    one = torch.rand(1, B.MNIST_SIZES[0], generator=g)
    many = torch.rand(1024, B.MNIST_SIZES[0], generator=g)

    def predict(x):
        return torch.softmax(model(x), dim=1)  # the probabilities, as Backprop's network(x) returns

    with torch.inference_mode():
        B.measure_inference(predict, one, many, calls, args, report)

def gemm(args, report):
    with torch.inference_mode():
        for n in B.gemm_sizes(args.quick):
            for dtype, short in ((torch.float32, "f32"), (torch.float64, "f64")):
                g = torch.Generator().manual_seed(n)
                a = torch.randn(n, n, generator=g, dtype=dtype)
                b = torch.randn(n, n, generator=g, dtype=dtype)
                c = torch.empty(n, n, dtype=dtype)
                t0 = B.now()
                torch.mm(a, b, out=c)  # warm-up, and the calibration
                target = B.timed_target(args.quick)
                reps = max(1, int(target / max(B.now() - t0, 1e-7)))
                samples = []
                for _ in range(args.runs):
                    count, seconds = B.timed_reps(reps, 4 * target, lambda: torch.mm(a, b, out=c))
                    samples.append(2 * n**3 * count / seconds / 1e9)
                report.emit("gemm", f"gemm.{short}.n{n}", str(dtype).replace("torch.", ""), "GFLOP/s", samples,
                            n=n, reps=reps)


if __name__ == "__main__":
    B.main_loop(args, B.Reporter(args, backend_name(), torch.get_num_threads()), {
        "mnist-mlp": mnist_mlp, "cat-l": cat_l, "tiny": tiny, "infer": infer, "gemm": gemm,
    })
