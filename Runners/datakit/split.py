"""split: divides a CSV file into a training and a validation set, by seed.

Reads the CSV of input `data` (a file, or a folder holding exactly one `.csv` file) with its header
row. Row positions are shuffled with SplitMix64 seeded by `seed` (Fisher-Yates from the last
position down; the same generator as ShoalTesting's in Swift), and the first
round(rows × validation) of the shuffled positions go to validation. With `stratify` naming a
column, each of its values (in code-point order) is shuffled and divided on its own, so both sets
keep the classes' proportions. Both sets keep the original row order and the header.

Writes output `train` (`train.csv`) and output `validation` (`validation.csv`).
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import os

from toolkit import Param, SplitMix64, ToolError, find_csv, in_range, load_params, output_folder, read_csv
from toolkit import run, write_csv

PARAMS = [
    Param("validation", "float", 0.2, in_range(0, 1, low_open=True, high_open=True), "fraction of rows for validation"),
    Param("seed", "int", 0, in_range(0, (1 << 64) - 1), "seed of the shuffle"),
    Param("stratify", "str", "", None, "column whose values keep their proportions in both sets (empty: none)"),
]
USAGE = "python3 split.py [--validation 0.2] [--seed 0] [--stratify COLUMN]"


def share(count, fraction):
    """round(count × fraction) with halves rounded up (Python's round() rounds halves to even)."""
    return int(count * fraction + 0.5)


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    path, shown = find_csv("data")
    header, rows, _ = read_csv(path, shown)
    if len(rows) < 2:
        raise ToolError(f"{shown} has {len(rows)} data row{'s' if len(rows) != 1 else ''}; a split needs at least 2")

    generator = SplitMix64(params["seed"])
    if params["stratify"]:
        column = params["stratify"]
        if column not in header:
            raise ToolError(f"parameter 'stratify' names column '{column}', which {shown} does not have "
                            f"(columns: {', '.join(header)})")
        position = header.index(column)
        groups = {}
        for index, row in enumerate(rows):
            groups.setdefault(row[position], []).append(index)
        chosen = []
        for value in sorted(groups):
            members = groups[value]
            generator.shuffle(members)
            chosen += members[:share(len(members), params["validation"])]
    else:
        order = list(range(len(rows)))
        generator.shuffle(order)
        chosen = order[:share(len(rows), params["validation"])]

    validation = set(chosen)
    if not validation or len(validation) == len(rows):
        which = "validation" if not validation else "training"
        raise ToolError(f"a validation fraction of {params['validation']} leaves the {which} set of "
                        f"{len(rows)} rows empty; choose a fraction that leaves rows on both sides")
    train_rows = [row for index, row in enumerate(rows) if index not in validation]
    validation_rows = [row for index, row in enumerate(rows) if index in validation]
    write_csv(os.path.join(output_folder("train"), "train.csv"), header, train_rows)
    write_csv(os.path.join(output_folder("validation"), "validation.csv"), header, validation_rows)
    print(f"split: {len(train_rows)} training and {len(validation_rows)} validation rows of {len(rows)} (seed {params['seed']})")


if __name__ == "__main__":
    run("split", main)
