#!/usr/bin/env python3
"""scikit-learn's answers for Backprop's metrics (Sources/Backprop/Metrics).

Writes metrics.json: fixed classification cases (binary with tied scores and
probabilities of exactly 0 and 1, weighted, a 3-class case where one class is
never predicted, a 4-class case where one class never occurs, a binary case
with one class only, ties in the arg-max) and regression cases (one output,
weighted, two outputs, a constant target), each with what scikit-learn
computes for them:

    accuracy_score, precision_recall_fscore_support (per class with
    labels=range(K), macro and weighted with the default labels, i.e. the
    classes present in y or the predictions; zero_division=0),
    confusion_matrix, log_loss (labels=range(K)), roc_auc_score (binary, or
    multi_class='ovr' average='macro'; null where a class is missing and
    scikit-learn warns and returns NaN, or raises), classification_report's
    text (unweighted cases), mean_squared_error, mean_absolute_error, r2_score (null for a constant
    target: Backprop reports R² as undefined there, scikit-learn as 0 or 1).

Predicted classes follow the course's rule, computed here independently:
P(class 1) > 0.5 for one row of probabilities, else the first arg-max.
Deterministic: run it again and the file is identical.

    python3 -m pip install scikit-learn numpy
    python3 Tests/Fixtures/metrics/make_fixtures.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def classification_case(name, y, P, class_names=None, weights=None):
    """P: (K, m) probabilities, or (1, m) P(class 1)."""
    y = np.asarray(y)
    P = np.asarray(P, dtype=np.float64)
    K = 2 if P.shape[0] == 1 else P.shape[0]
    predicted = (P[0] > 0.5).astype(int) if P.shape[0] == 1 else np.argmax(P, axis=0)
    labels = list(range(K))
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    p, r, f, s = metrics.precision_recall_fscore_support(
        y, predicted, labels=labels, average=None, zero_division=0, sample_weight=w)
    averages = {}
    for average in ("macro", "weighted"):
        ap, ar, af, _ = metrics.precision_recall_fscore_support(
            y, predicted, average=average, zero_division=0, sample_weight=w)
        averages[average] = (float(ap), float(ar), float(af))
    proba = np.column_stack([1 - P[0], P[0]]) if P.shape[0] == 1 else P.T
    log_loss = metrics.log_loss(y, proba, labels=labels, sample_weight=w)
    try:
        if K == 2:
            auc = metrics.roc_auc_score(y, P[-1], sample_weight=w)
        else:
            auc = metrics.roc_auc_score(y, P.T, multi_class="ovr", average="macro", labels=labels, sample_weight=w)
        auc = None if np.isnan(auc) else float(auc)
    except ValueError:  # scikit-learn before 1.6 raises where later versions warn and return NaN
        auc = None
    case = {
        "name": name, "y_true": [int(v) for v in y], "probabilities": P.tolist(), "classes": K,
        "class_names": class_names, "weights": None if w is None else w.tolist(),
        "predicted": [int(v) for v in predicted],
        "accuracy": float(metrics.accuracy_score(y, predicted, sample_weight=w)),
        "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": [float(v) for v in s],
        "macro_precision": averages["macro"][0], "macro_recall": averages["macro"][1],
        "macro_f1": averages["macro"][2], "weighted_precision": averages["weighted"][0],
        "weighted_recall": averages["weighted"][1], "weighted_f1": averages["weighted"][2],
        "confusion": metrics.confusion_matrix(y, predicted, labels=labels, sample_weight=w).astype(float).tolist(),
        "log_loss": float(log_loss), "roc_auc": auc,
    }
    if w is None:
        present = sorted(set(y.tolist()) | set(predicted.tolist()))
        names = None if class_names is None else [class_names[k] for k in present]
        case["report_text"] = metrics.classification_report(y, predicted, target_names=names, zero_division=0)
    return case


def regression_case(name, y, yhat, weights=None):
    """y, yhat: (outputs, m), as Backprop holds them; scikit-learn takes (m, outputs)."""
    y = np.asarray(y, dtype=np.float64)
    yhat = np.asarray(yhat, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    constant = any(np.all(row == row[0]) for row in y)
    return {
        "name": name, "targets": y.tolist(), "predictions": yhat.tolist(),
        "weights": None if w is None else w.tolist(),
        "mse": float(metrics.mean_squared_error(y.T, yhat.T, sample_weight=w)),
        "mae": float(metrics.mean_absolute_error(y.T, yhat.T, sample_weight=w)),
        "r2": None if constant else float(metrics.r2_score(y.T, yhat.T, sample_weight=w)),
    }


def main():
    rng = np.random.default_rng(7)
    # Binary: scores on a 0.1 grid (many ties), an exact 0, 1 and 0.5, and a certain
    # mistake (P(class 1) = 1 for a class-0 example: the log loss clips it).
    y_binary = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0]
    p_binary = [[0.9, 0.1, 0.8, 0.5, 0.5, 0.3, 1.0, 0.0, 0.3, 1.0, 0.6, 0.6]]
    w_binary = [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.0, 1.5, 2.0, 1.0, 0.25, 1.0]
    # Three classes, class 2 never predicted (its logit pushed down) but present in y.
    z = rng.standard_normal((3, 15))
    z[2] -= 3.0
    p_three = softmax(z)
    y_three = [0, 1, 2, 0, 1, 2, 2, 0, 1, 1, 0, 2, 1, 0, 0]
    w_three = rng.uniform(0.2, 2.0, 15).round(3).tolist()
    # Four classes, class 3 neither true nor predicted.
    z4 = rng.standard_normal((4, 10))
    z4[3] -= 5.0
    y_four = [0, 1, 2, 2, 1, 0, 0, 1, 2, 1]
    # Exact ties for the arg-max: the first class wins.
    p_ties = [[0.4, 0.2, 0.5, 1 / 3], [0.4, 0.4, 0.25, 1 / 3], [0.2, 0.4, 0.25, 1 / 3]]
    classification = [
        classification_case("binary", y_binary, p_binary, class_names=["cat", "dog"]),
        classification_case("binary-weighted", y_binary, p_binary, weights=w_binary),
        classification_case("binary-two-rows", y_binary, [[1 - v for v in p_binary[0]], p_binary[0]]),
        classification_case(
            "three-class-never-predicted", y_three, p_three, class_names=["setosa", "versicolor", "virginica"]),
        classification_case("three-class-weighted", y_three, p_three, weights=w_three),
        classification_case("four-class-one-absent", y_four, softmax(z4)),
        classification_case("binary-one-class", [1, 1, 1, 1], [[0.2, 0.7, 0.9, 0.5]]),
        classification_case("argmax-ties", [0, 1, 2, 2], p_ties),
    ]
    y1 = rng.standard_normal((1, 20)) * 3 + 1
    yhat1 = y1 + rng.standard_normal((1, 20)) * 0.5
    y2 = rng.standard_normal((2, 9)) * np.array([[1.0], [10.0]])
    yhat2 = y2 + rng.standard_normal((2, 9))
    w2 = rng.uniform(0.5, 3.0, 9).round(2).tolist()
    regression = [
        regression_case("one-output", y1, yhat1),
        regression_case("one-output-weighted", y1, yhat1, weights=rng.uniform(0, 2, 20).round(2).tolist()),
        regression_case("two-outputs-weighted", y2, yhat2, weights=w2),
        regression_case("constant-target", [[2.0, 2.0, 2.0, 2.0]], [[1.5, 2.0, 2.5, 3.0]]),
    ]
    out = {
        "generator": "make_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__.split(".")[0] + ".x",
        "classification": classification, "regression": regression,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, len(classification), "classification and", len(regression), "regression cases")


if __name__ == "__main__":
    main()
