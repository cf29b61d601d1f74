"""evaluate: applies a `train-linear` model to a labelled CSV and writes its metrics.

Reads `model.json` from input `model` (a file, or a folder holding it) and the CSV of input
`data` (a file, or a folder with exactly one `.csv`) with the model's feature and label columns.
Each row is scaled with the model's stored mean and scale, scored with the logistic function and
predicted positive when the score is at least `threshold`.

Writes output `metrics` with `metrics.json`: examples, accuracy, mean log loss, precision, recall,
F1 and the confusion counts, rounded to 6 decimals.
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import json
import math
import os

from toolkit import Param, ToolError, find_csv, in_range, input_path, load_examples, load_params, log_loss
from toolkit import number, output_folder, read_text, run, sigmoid, write_json

PARAMS = [
    Param("threshold", "float", 0.5, in_range(0, 1, low_open=True, high_open=True), "score at or above which a row is predicted positive"),
]
USAGE = "python3 evaluate.py [--threshold 0.5]"


def load_model():
    """The model's fields, checked: features, mean, scale and weights of equal length, a bias."""
    path = input_path("model")
    shown = "model"
    if os.path.isdir(path):
        path = os.path.join(path, "model.json")
        shown = "model/model.json"
        if not os.path.isfile(path):
            raise ToolError("input 'model' has no model.json (expected the 'model' output of train-linear)")
    try:
        model = json.loads(read_text(path, shown))
    except ValueError as error:
        raise ToolError(f"{shown} is not valid JSON: {error}")
    if not isinstance(model, dict) or model.get("type") != "logistic-regression":
        raise ToolError(f"{shown} is not a train-linear model (expected \"type\": \"logistic-regression\")")
    features = model.get("features")
    if not isinstance(features, list) or not features or not all(isinstance(name, str) for name in features):
        raise ToolError(f"{shown}: 'features' must be a non-empty list of column names")
    for key in ("mean", "scale", "weights"):
        values = model.get(key)
        if (not isinstance(values, list) or len(values) != len(features)
                or not all(_is_number(value) for value in values)):
            raise ToolError(f"{shown}: '{key}' must be a list of {len(features)} numbers, one per feature")
    if any(value <= 0 for value in model["scale"]):
        raise ToolError(f"{shown}: every 'scale' must be positive")
    if not _is_number(model.get("bias")) or not isinstance(model.get("label"), str):
        raise ToolError(f"{shown}: 'bias' must be a number and 'label' a column name")
    return model


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    model = load_model()
    path, shown = find_csv("data")
    _, vectors, labels = load_examples(path, shown, model["label"], model["features"])

    threshold = params["threshold"]
    probabilities = []
    for vector in vectors:
        z = model["bias"] + math.fsum(
            weight * ((value - mean) / scale)  # the same operations, in the same order, as train.py
            for weight, value, mean, scale in zip(model["weights"], vector, model["mean"], model["scale"]))
        probabilities.append(sigmoid(z))
    tp = fp = tn = fn = 0
    for p, y in zip(probabilities, labels):
        if p >= threshold:
            tp, fp = (tp + 1, fp) if y == 1 else (tp, fp + 1)
        else:
            fn, tn = (fn + 1, tn) if y == 1 else (fn, tn + 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    write_json(os.path.join(output_folder("metrics"), "metrics.json"), {
        "tool": "evaluate",
        "params": params,
        "examples": len(labels),
        "accuracy": number((tp + tn) / len(labels)),
        "loss": number(log_loss(probabilities, labels)),
        "precision": number(precision),
        "recall": number(recall),
        "f1": number(f1),
        "confusion": {"true_positive": tp, "false_positive": fp, "true_negative": tn, "false_negative": fn},
    })
    print(f"evaluate: {len(labels)} examples, accuracy {number((tp + tn) / len(labels), 4)}, "
          f"loss {number(log_loss(probabilities, labels), 4)}")


if __name__ == "__main__":
    run("evaluate", main)
