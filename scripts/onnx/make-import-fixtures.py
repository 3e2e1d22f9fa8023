#!/usr/bin/env python3
"""Writes the ONNX files that `backprop import` is tested on, from the frameworks themselves.

    python3 scripts/onnx/make-import-fixtures.py        # rewrites Tests/Fixtures/onnx-import/

Made with torch 2.15.0, onnx 1.23.2, scikit-learn 1.9.1, skl2onnx 1.20.0, numpy 2.4.6
(python 3.11). Every model is seeded and small (tens of parameters to a few hundred).

For each model NAME the folder holds:

    NAME.onnx            the framework's own export (torch.onnx.export, skl2onnx.convert_sklearn)
    NAME.x.npy           inputs, one example per row (m, n0), in the graph's input type
    NAME.expected.npy    the framework's own prediction for them (m, n[L]): torch's forward in
                         eval mode; scikit-learn's predict_proba (a binary classifier: the
                         positive class's column, the one logistic unit) or predict (regression,
                         always (m, outputs))

`manifest.json` lists each model with its dtype, its output (softmax, sigmoid, identity), its class
names (skl2onnx's labels) and where it came from. The `bad-*.onnx` graphs, crafted with
onnx.helper, are the ones an import must refuse with a clear message (listed with the words the
message must contain).

torch: the TorchScript exporter (dynamo=False). The dynamo exporter needs the onnxscript package,
which is not installed here; the script says so and skips it.
"""
import json
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

warnings.filterwarnings("ignore")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "onnx-import")
os.makedirs(OUT, exist_ok=True)
manifest = {"models": {}, "bad": {}}


def save(name, x, expected, dtype, output, source, class_names=None):
    np.save(os.path.join(OUT, name + ".x.npy"), x)
    np.save(os.path.join(OUT, name + ".expected.npy"), expected)
    entry = {"dtype": dtype, "output": output, "source": source}
    if class_names is not None:
        entry["class_names"] = class_names
    manifest["models"][name] = entry


# ---------------------------------------------------------------- torch


class Atan(nn.Module):
    """tan⁻¹, exported as ONNX's Atan."""

    def forward(self, x):
        return torch.atan(x)


class LinearByMatMul(nn.Module):
    """x·Wᵀ + b written out: the exporter folds Wᵀ into an initializer and emits MatMul + Add."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) / n_in**0.5)
        self.bias = nn.Parameter(torch.randn(n_out) * 0.3)

    def forward(self, x):
        return x @ self.weight.t() + self.bias


def torch_model(name, layers, dtype, output, n0=4, m=24, opset=None, variant=None, **export):
    torch.manual_seed(sum(map(ord, name)))
    model = nn.Sequential(*layers).to(dtype)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm1d):  # random statistics, as after training
            with torch.no_grad():
                module.running_mean.copy_(torch.randn(module.num_features) * 0.3)
                module.running_var.copy_(torch.rand(module.num_features) + 0.5)
                module.weight.copy_(1 + 0.2 * torch.randn(module.num_features))
                module.bias.copy_(0.3 * torch.randn(module.num_features))
    model.eval()
    x = torch.randn(m, n0, dtype=dtype) * 1.5
    with torch.no_grad():
        expected = model(x).numpy()
    path = os.path.join(OUT, name + ".onnx")
    kwargs = dict(input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}}, dynamo=False)
    if opset:
        kwargs["opset_version"] = opset
    kwargs.update(export)
    torch.onnx.export(model, torch.zeros(1, n0, dtype=dtype), path, **kwargs)
    if variant == "constant-nodes":  # every initializer as a Constant node instead
        proto = onnx.load(path)
        constants = [helper.make_node("Constant", [], [t.name], name="const_" + t.name, value=t)
                     for t in proto.graph.initializer]
        del proto.graph.initializer[:]
        nodes = constants + list(proto.graph.node)
        del proto.graph.node[:]
        proto.graph.node.extend(nodes)
        onnx.save(proto, path)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    save(name, x.numpy(), expected, "float64" if dtype == torch.float64 else "float32", output, "torch")


def mixed(dtype_name):
    """Every hidden activation torch exports as one ONNX operator."""
    return [
        nn.Linear(4, 6), nn.ELU(0.5),
        nn.Linear(6, 6), nn.Softplus(),
        nn.Linear(6, 5), nn.LeakyReLU(0.2),
        nn.Linear(5, 5), nn.PReLU(5),
        nn.Linear(5, 5), nn.PReLU(),
        nn.Linear(5, 4), Atan(),
        nn.Linear(4, 4), nn.Identity(),
        nn.Linear(4, 4), nn.Sigmoid(),
        nn.Linear(4, 3), nn.Tanh(),
        nn.Linear(3, 2),
    ]


for dtype, suffix in [(torch.float32, "f32"), (torch.float64, "f64")]:
    torch_model(f"torch-relu-softmax-{suffix}",
                [nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1)], dtype, "softmax")
    torch_model(f"torch-flatten-tanh-sigmoid-{suffix}",
                [nn.Flatten(), nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1), nn.Sigmoid()], dtype, "sigmoid")
    torch_model(f"torch-every-activation-{suffix}", mixed(suffix), dtype, "identity")
    torch_model(f"torch-batchnorm-{suffix}",
                [nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=-1)], dtype,
                "softmax")
torch_model("torch-matmul-add-f32", [LinearByMatMul(4, 5), nn.ReLU(), LinearByMatMul(5, 2)], torch.float32,
            "identity")
torch_model("torch-opset11-f32", [nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3), nn.Softmax(dim=1)], torch.float32,
            "softmax", opset=11, keep_initializers_as_inputs=True)
torch_model("torch-constant-nodes-f64", [nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 1), nn.Sigmoid()],
            torch.float64, "sigmoid", variant="constant-nodes")
try:
    import onnxscript  # noqa: F401  (the dynamo exporter's dependency)
    torch_model("torch-dynamo-f32", [nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3), nn.Softmax(dim=1)],
                torch.float32, "softmax", dynamo=True)
except ImportError:
    print("skipped the dynamo exporter: onnxscript is not installed")

# ---------------------------------------------------------------- scikit-learn

from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from skl2onnx import convert_sklearn  # noqa: E402
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType  # noqa: E402

rng = np.random.RandomState(0)
X = rng.randn(150, 4) * [0.8, 0.4, 1.7, 0.7] + [5.8, 3.0, 3.7, 1.2]  # iris-like scales
iris_names = np.array(["setosa", "versicolor", "virginica"])
y3 = iris_names[np.digitize(X[:, 2] + 0.5 * rng.randn(150), [3.0, 4.5])]
y2 = np.array(["no", "yes"])[(X[:, 0] + X[:, 3] + 0.3 * rng.randn(150) > 7).astype(int)]
y2int = (X[:, 1] > 3.0).astype(int)
targets = np.stack([X[:, 0] * 0.5 - X[:, 2], np.sin(X[:, 3])], axis=1)


def sklearn_model(name, estimator, y, dtype, output, zipmap=True):
    tensor_type, np_type = (DoubleTensorType, np.float64) if dtype == "float64" else (FloatTensorType, np.float32)
    estimator.fit(X.astype(np_type), y)
    options = None if zipmap else {id(estimator): {"zipmap": False}}
    proto = convert_sklearn(estimator, initial_types=[("input", tensor_type([None, 4]))], options=options)
    onnx.save(proto, os.path.join(OUT, name + ".onnx"))
    x = X[:20].astype(np_type)
    class_names = None
    if output == "identity":
        expected = estimator.predict(x).reshape(len(x), -1)
    else:
        expected = estimator.predict_proba(x)
        class_names = [str(c) for c in estimator.classes_]
        if output == "sigmoid":
            expected = expected[:, 1:]  # the one logistic unit: P(classes_[1])
    save(name, x, expected.astype(np_type), dtype, output, "scikit-learn", class_names)


for dtype, suffix in [("float32", "f32"), ("float64", "f64")]:
    sklearn_model(f"sklearn-multiclass-{suffix}",
                  MLPClassifier(hidden_layer_sizes=(8, 6), activation="relu", max_iter=300, random_state=1), y3, dtype, "softmax")
    sklearn_model(f"sklearn-multiclass-nozipmap-{suffix}",
                  MLPClassifier(hidden_layer_sizes=(7,), activation="tanh", max_iter=300, random_state=2), y3, dtype, "softmax",
                  zipmap=False)
    sklearn_model(f"sklearn-binary-{suffix}",
                  MLPClassifier(hidden_layer_sizes=(5,), activation="logistic", max_iter=300, random_state=3), y2, dtype, "sigmoid")
    sklearn_model(f"sklearn-binary-nozipmap-{suffix}",
                  MLPClassifier(hidden_layer_sizes=(6, 4), activation="relu", max_iter=300, random_state=4), y2int, dtype, "sigmoid",
                  zipmap=False)
    sklearn_model(f"sklearn-regressor-{suffix}",
                  MLPRegressor(hidden_layer_sizes=(8,), activation="relu", max_iter=300, random_state=5), targets[:, 0], dtype,
                  "identity")
    sklearn_model(f"sklearn-regressor-2-outputs-{suffix}",
                  MLPRegressor(hidden_layer_sizes=(6,), activation="identity", max_iter=300, random_state=6), targets, dtype,
                  "identity")

# ---------------------------------------------------------------- graphs an import refuses


def bad(name, nodes, inputs, outputs, initializers, words, opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="fixture")
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    manifest["bad"][name] = words


def tensor(name, shape, dtype=np.float32):
    return numpy_helper.from_array((np.arange(np.prod(shape)).reshape(shape) / 10).astype(dtype), name)


def value(name, elem=TensorProto.FLOAT, shape=("batch", 4)):
    return helper.make_tensor_value_info(name, elem, list(shape))


w, b = tensor("W", (3, 4)), tensor("b", (3,))
bad("bad-conv", [helper.make_node("Gemm", ["input", "W", "b"], ["z"], name="Gemm_0", transB=1),
                 helper.make_node("Conv", ["z", "W"], ["output"], name="Conv_3")],
    [value("input")], [value("output", shape=("batch", 3))], [w, b], ["'Conv_3'", "(Conv)", "not supported"])
bad("bad-two-inputs", [helper.make_node("Gemm", ["input", "W", "b"], ["z"], name="Gemm_0", transB=1),
                       helper.make_node("Add", ["z", "other"], ["output"], name="Add_1")],
    [value("input"), value("other", shape=("batch", 3))], [value("output", shape=("batch", 3))], [w, b],
    ["2 inputs", "'input'", "'other'"])
bad("bad-softmax-axis", [helper.make_node("Gemm", ["input", "W", "b"], ["z"], name="Gemm_0", transB=1),
                         helper.make_node("Softmax", ["z"], ["output"], name="Softmax_1", axis=0)],
    [value("input")], [value("output", shape=("batch", 3))], [w, b], ["'Softmax_1'", "axis 0"])
bad("bad-missing-initializer", [helper.make_node("Gemm", ["input", "W", "b"], ["output"], name="Gemm_0", transB=1)],
    [value("input")], [value("output", shape=("batch", 3))], [b], ["'Gemm_0'", "'W'", "initializer"])
bad("bad-int-input", [helper.make_node("Gemm", ["input", "W", "b"], ["output"], name="Gemm_0", transB=1)],
    [value("input", TensorProto.INT64)], [value("output", shape=("batch", 3))], [w, b], ["'input'", "INT64"])
bad("bad-shapes", [helper.make_node("Gemm", ["input", "W", "b"], ["z"], name="Gemm_0", transB=1),
                   helper.make_node("Relu", ["z"], ["a"], name="Relu_1"),
                   helper.make_node("Gemm", ["a", "W", "b"], ["output"], name="Gemm_2", transB=1)],
    [value("input")], [value("output", shape=("batch", 3))], [w, b], ["'Gemm_2'", "(3, 4)", "3"])
bad("bad-int-weights", [helper.make_node("Gemm", ["input", "W", "b"], ["output"], name="Gemm_0", transB=1)],
    [value("input")], [value("output", shape=("batch", 3))], [tensor("W", (3, 4), np.int32), b],
    ["'W'", "INT32"])
bad("bad-relu-output", [helper.make_node("Gemm", ["input", "W", "b"], ["z"], name="Gemm_0", transB=1),
                        helper.make_node("Relu", ["z"], ["output"], name="Relu_1")],
    [value("input")], [value("output", shape=("batch", 3))], [w, b], ["Relu", "output"])

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {len(manifest['models'])} models and {len(manifest['bad'])} bad graphs to {os.path.normpath(OUT)}")
