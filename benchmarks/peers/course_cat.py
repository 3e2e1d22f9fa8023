#!/usr/bin/env python3
"""The course's week-4 cat classifier in plain NumPy, as the notebook runs it.

The peer for `benchmarks/course-cat.sh`: the deeplearning.ai "Deep Neural
Network - Application" notebook's L_layer_model (dnn_app_utils_v3): layers
[12288, 20, 7, 5, 1], ReLU hidden layers, a sigmoid output, np.random.seed(1)
and W = randn(n[l], n[l-1]) / sqrt(n[l-1]), learning rate 0.0075, 2500
iterations of full-batch gradient descent. Written here from the notes'
formulas; prints the same lines Backprop prints, and the time.

    python3 benchmarks/peers/course_cat.py ../shared/data/cat
"""
import sys
import time

import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def initialize_parameters_deep(layer_dims):
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev = A
        Z = parameters["W" + str(l)].dot(A_prev) + parameters["b" + str(l)]
        A = sigmoid(Z) if l == L else np.maximum(0, Z)
        caches.append((A_prev, Z))
    return A, caches


def cost_of(AL, Y):
    m = Y.shape[1]
    return np.squeeze((1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T)))


def backward(AL, Y, caches, parameters):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        A_prev, Z = caches[l - 1]
        if l == L:
            s = sigmoid(Z)
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        grads["dW" + str(l)] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l)] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(parameters["W" + str(l)].T, dZ)
    return grads


def predict(X, y, parameters):
    AL, _ = forward(X, parameters)
    p = (AL > 0.5).astype(np.float64)
    return np.sum(p == y) / X.shape[1]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/cat"
    train_x = np.load(folder + "/train_x.npy")
    train_y = np.load(folder + "/train_y.npy").reshape(1, -1)
    test_x = np.load(folder + "/test_x.npy")
    test_y = np.load(folder + "/test_y.npy").reshape(1, -1)
    train_x = train_x.reshape(train_x.shape[0], -1).T / 255.
    test_x = test_x.reshape(test_x.shape[0], -1).T / 255.
    start = time.perf_counter()
    parameters = initialize_parameters_deep([12288, 20, 7, 5, 1])
    for i in range(2500):
        AL, caches = forward(train_x, parameters)
        cost = cost_of(AL, train_y)
        grads = backward(AL, train_y, caches, parameters)
        for l in range(1, 5):
            parameters["W" + str(l)] -= 0.0075 * grads["dW" + str(l)]
            parameters["b" + str(l)] -= 0.0075 * grads["db" + str(l)]
        if i % 100 == 0 or i == 2499:
            print("Cost after iteration %d: %f" % (i, cost))
    elapsed = time.perf_counter() - start
    print("Train accuracy: %f" % predict(train_x, train_y, parameters))
    print("Test accuracy: %f" % predict(test_x, test_y, parameters))
    print("Trained in %.2f s" % elapsed, file=sys.stderr)


if __name__ == "__main__":
    main()
