"""train-linear: trains a binary logistic regression with plain Python, deterministically.

Reads the CSV of input `train` (a file, or a folder with exactly one `.csv`): numeric feature
columns and a 0/1 label column. Features are standardized with the training set's mean and
standard deviation (kept in the model so `evaluate` applies the same scaling). Weights start at
zero and are fitted by mini-batch gradient descent on the mean log loss plus an L2 penalty: each
epoch visits the rows in an order shuffled by SplitMix64(`seed`) (`batch_size` 0 means one full
batch per epoch, no shuffling). Every sum runs in a fixed order, so the same data and parameters
give the same bits, and the written numbers are rounded to 12 decimals.

Writes output `model` (`model.json`: features, scaling, weights, bias, parameters) and output
`metrics` (`metrics.json`: training accuracy, loss, the loss curve).
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import math
import os

from toolkit import Param, SplitMix64, find_csv, in_range, load_examples, load_params, log_loss, number
from toolkit import output_folder, run, sigmoid, write_json

PARAMS = [
    Param("label", "str", "label", None, "name of the 0/1 label column"),
    Param("features", "str", "", None, "comma-separated feature columns (empty: every column but the label)"),
    Param("epochs", "int", 100, in_range(1, 1_000_000), "passes over the training set"),
    Param("learning_rate", "float", 0.1, in_range(0, 100, low_open=True), "gradient step size"),
    Param("l2", "float", 0.0, in_range(0, 1000), "L2 penalty on the weights (not the bias)"),
    Param("batch_size", "int", 32, in_range(0, None), "rows per gradient step (0: the whole set)"),
    Param("seed", "int", 0, in_range(0, (1 << 64) - 1), "seed of the per-epoch shuffle"),
]
USAGE = ("python3 train.py [--label label] [--features a,b] [--epochs 100] [--learning-rate 0.1] "
         "[--l2 0] [--batch-size 32] [--seed 0]")
PLACES = 12


def standardization(vectors):
    """Per-feature mean and standard deviation, rounded as written (scale 1 for a constant feature).

    Training uses the rounded values too, so `evaluate` (which reads them back) scales exactly alike.
    """
    count = len(vectors)
    means, scales = [], []
    for column in range(len(vectors[0])):
        values = [vector[column] for vector in vectors]
        mean = math.fsum(values) / count
        scale = number(math.sqrt(math.fsum((value - mean) ** 2 for value in values) / count), PLACES)
        means.append(number(mean, PLACES))
        scales.append(scale if scale > 0 else 1.0)
    return means, scales


def scaled(vectors, means, scales):
    return [[(value - mean) / scale for value, mean, scale in zip(vector, means, scales)] for vector in vectors]


def predict(weights, bias, vector):
    return sigmoid(bias + math.fsum(w * x for w, x in zip(weights, vector)))


def train(vectors, labels, params):
    """Weights and bias after `epochs` of mini-batch gradient descent, and the loss after each epoch."""
    count, width = len(vectors), len(vectors[0])
    weights, bias = [0.0] * width, 0.0
    rate, l2 = params["learning_rate"], params["l2"]
    batch = params["batch_size"] or count
    generator = SplitMix64(params["seed"])
    order = list(range(count))
    curve = []
    for _ in range(params["epochs"]):
        if batch < count:
            generator.shuffle(order)
        for start in range(0, count, batch):
            rows = order[start:start + batch]
            gradient = [0.0] * width
            gradient_bias = 0.0
            for row in rows:
                error = predict(weights, bias, vectors[row]) - labels[row]
                gradient_bias += error
                for column, value in enumerate(vectors[row]):
                    gradient[column] += error * value
            size = len(rows)
            weights = [w - rate * (g / size + l2 * w) for w, g in zip(weights, gradient)]
            bias -= rate * gradient_bias / size
        curve.append(log_loss([predict(weights, bias, vector) for vector in vectors], labels))
    return weights, bias, curve


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    features = [name.strip() for name in params["features"].split(",") if name.strip()]
    path, shown = find_csv("train")
    names, raw, labels = load_examples(path, shown, params["label"], features)
    means, scales = standardization(raw)
    vectors = scaled(raw, means, scales)
    weights, bias, curve = train(vectors, labels, params)

    # Report what the written (rounded) model does, so train and evaluate agree on the same numbers.
    weights = [number(w, PLACES) for w in weights]
    bias = number(bias, PLACES)
    probabilities = [predict(weights, bias, vector) for vector in vectors]
    correct = sum(1 for p, y in zip(probabilities, labels) if (p >= 0.5) == (y == 1))
    step = max(1, len(curve) // 10)
    samples = sorted(set(range(0, len(curve), step)) | {len(curve) - 1})

    write_json(os.path.join(output_folder("model"), "model.json"), {
        "type": "logistic-regression",
        "label": params["label"],
        "features": names,
        "mean": means,
        "scale": scales,
        "weights": weights,
        "bias": bias,
        "params": params,
    })
    write_json(os.path.join(output_folder("metrics"), "metrics.json"), {
        "tool": "train-linear",
        "examples": len(labels),
        "positives": sum(labels),
        "accuracy": number(correct / len(labels)),
        "loss": number(log_loss(probabilities, labels)),
        "loss_curve": [{"epoch": index + 1, "loss": number(curve[index])} for index in samples],
    })
    print(f"train-linear: {len(labels)} examples, {len(names)} features, {params['epochs']} epochs, "
          f"training accuracy {number(correct / len(labels), 4)}")


if __name__ == "__main__":
    run("train-linear", main)
