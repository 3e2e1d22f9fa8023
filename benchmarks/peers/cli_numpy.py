#!/usr/bin/env python3
"""The course's cat network as its NumPy code runs it (L_layer_model with the
course's own functions, course_cat.py beside this file), on the CLI configuration's
.npy files: X (209, 12288) float64, one example per row, transposed to the course's
(features × m) layout; y (209,) 0/1. Prints the training accuracy at the end, as
`backprop train` does. benchmarks/peers/cli_bench.py times the whole process.

    python3 cli_numpy.py cat --x cat-x.npy --y cat-y.npy --iterations 250
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import course_cat  # noqa: E402


def cat(args):
    train_x = np.load(args.x).T  # (12288, 209)
    train_y = np.load(args.y).astype(np.float64).reshape(1, -1)
    layers_dims = [12288, 20, 7, 5, 1]
    parameters = course_cat.initialize_parameters_deep(layers_dims)
    for _ in range(args.iterations):
        AL, caches = course_cat.forward(train_x, parameters)
        course_cat.cost_of(AL, train_y)  # the course computes the cost every iteration
        grads = course_cat.backward(AL, train_y, caches, parameters)
        for l in range(1, len(layers_dims)):
            parameters["W" + str(l)] -= 0.0075 * grads["dW" + str(l)]
            parameters["b" + str(l)] -= 0.0075 * grads["db" + str(l)]
    print("Train accuracy: %f" % course_cat.predict(train_x, train_y, parameters))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("task", choices=["cat"])
    p.add_argument("--x", required=True)
    p.add_argument("--y", required=True)
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--threads", type=int, default=None, help="(set OPENBLAS_NUM_THREADS before starting instead)")
    cat(p.parse_args())


if __name__ == "__main__":
    main()
