"""Shared helpers for Shoal's Python runners: parameters, inputs, outputs, errors, a seeded PRNG.

Each tool folder is added to the store as its own CID and sees nothing outside itself, so every
Python runner carries an identical copy of this file (RunnersTests checks that the copies match).
Standard library only; written for the system `python3` that the sandbox sees (/usr/bin).

Conventions every runner follows:
- inputs are read from `$SHOAL_INPUTS/<name>` (default /inputs), a file or a folder;
- each output is a folder `$SHOAL_OUTPUTS/<name>` (default /outputs);
- parameters come from the JSON object in `$SHOAL_PARAMS` (if set), then from `--name value`
  arguments, which win; unknown names and values of the wrong kind are errors;
- a problem with the input ends the run with one line on stderr (`tool: what is wrong`), exit 2;
- outputs depend only on inputs and parameters: listings are sorted, JSON keys are written in a
  fixed order, floats are rounded before printing, and nothing reads the clock or the hash seed.
"""

import csv
import io
import json
import math
import os
import sys

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70


class ToolError(Exception):
    """A problem with the inputs or parameters, reported as one line."""


class Param:
    """One parameter: its name, kind (`int`, `float`, `bool`, `str`), default and a check."""

    def __init__(self, name, kind, default, check=None, help=""):
        self.name = name
        self.kind = kind
        self.default = default
        self.check = check
        self.help = help


def run(tool, main):
    """Calls `main(argv)` and turns every failure into one line on stderr and a non-zero exit."""
    try:
        main(sys.argv[1:])
    except ToolError as error:
        _fail(tool, str(error), EXIT_BAD_INPUT)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(tool, f"{where}{error.strerror or error}", EXIT_BAD_INPUT)
    except MemoryError:
        _fail(tool, "out of memory", EXIT_INTERNAL)
    except Exception as error:  # a bug: still one line, never a stack trace in the step's log
        _fail(tool, f"internal error: {type(error).__name__}: {error}", EXIT_INTERNAL)


def _fail(tool, message, code):
    one_line = " ".join(str(message).split())
    sys.stderr.write(f"{tool}: {one_line}\n")
    sys.stderr.flush()
    sys.exit(code)


# Parameters -------------------------------------------------------------------------------------


def load_params(specs, argv, usage):
    """The parameter values: defaults, then `$SHOAL_PARAMS`, then `--name value` arguments."""
    by_name = {spec.name: spec for spec in specs}
    values = {spec.name: spec.default for spec in specs}
    known = ", ".join(spec.name for spec in specs) or "none"

    path = os.environ.get("SHOAL_PARAMS", "")
    if path:
        try:
            with open(path, "rb") as file:
                document = json.loads(file.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ToolError(f"the params file {path} is not valid JSON: {error}")
        if not isinstance(document, dict):
            raise ToolError(f"the params file {path} must hold a JSON object, not {_kind_of(document)}")
        for name in sorted(document):
            if name not in by_name:
                raise ToolError(f"unknown parameter '{name}' in {path} (known: {known})")
            values[name] = _convert(by_name[name], document[name], f"parameter '{name}'")

    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument in ("-h", "--help"):
            sys.stdout.write(_usage_text(usage, specs))
            sys.exit(0)
        if not argument.startswith("--") or len(argument) == 2:
            raise ToolError(f"unexpected argument '{argument}' (options are --name value; known: {known})")
        name, has_value, value = argument[2:].partition("=")
        name = name.replace("-", "_")
        if name not in by_name:
            raise ToolError(f"unknown option '--{name}' (known: {known})")
        if not has_value:
            if index + 1 >= len(argv):
                raise ToolError(f"option '--{name}' needs a value")
            index += 1
            value = argv[index]
        values[name] = _convert(by_name[name], value, f"option '--{name}'")
        index += 1

    for spec in specs:
        if spec.check is not None:
            problem = spec.check(values[spec.name])
            if problem:
                raise ToolError(f"parameter '{spec.name}' {problem} (got {_show(values[spec.name])})")
    return values


def _convert(spec, value, what):
    """`value` (JSON value or argument text) as the parameter's kind."""
    kind = spec.kind
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip(), 10)
            except ValueError:
                pass
    elif kind == "float":
        number = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                pass
        if number is not None:
            if not math.isfinite(number):
                raise ToolError(f"{what} must be a finite number (got {_show(value)})")
            return number
    elif kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    expected = {"bool": "true or false", "int": "an integer", "float": "a number", "str": "a string"}[kind]
    raise ToolError(f"{what} must be {expected} (got {_show(value)})")


def _usage_text(usage, specs):
    lines = [f"usage: {usage}", "", "parameters (from $SHOAL_PARAMS or --name value):"]
    for spec in specs:
        lines.append(f"  --{spec.name.replace('_', '-')} ({spec.kind}, default {_show(spec.default)}): {spec.help}")
    return "\n".join(lines) + "\n"


def _show(value):
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _kind_of(value):
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def in_range(low, high, low_open=False, high_open=False):
    """A check: the value lies between `low` and `high` (each bound inclusive unless `_open`)."""

    def check(value):
        if (value <= low) if low_open else (value < low):
            return f"must be {'>' if low_open else '>='} {low}"
        if high is not None and ((value >= high) if high_open else (value > high)):
            return f"must be {'<' if high_open else '<='} {high}"
        return None

    return check


# Inputs and outputs -----------------------------------------------------------------------------


def input_path(name):
    """The path of input `name`; an error naming it when it is missing."""
    path = os.path.join(os.environ.get("SHOAL_INPUTS", "/inputs"), name)
    if not os.path.exists(path):
        raise ToolError(f"input '{name}' is missing (expected a file or folder at {path})")
    return path


def output_folder(name):
    """The folder of output `name`, created when missing (the sandbox creates it already)."""
    path = os.path.join(os.environ.get("SHOAL_OUTPUTS", "/outputs"), name)
    os.makedirs(path, exist_ok=True)
    return path


def list_files(path, suffix=None):
    """Regular files under `path` as sorted `(relative path, full path)` pairs.

    A file input lists itself under its own name. Names starting with '.' are skipped, symlinks
    are not followed, and the order is by relative path (code points), never the file system's.
    """
    if os.path.isfile(path):
        return [(os.path.basename(path), path)]
    found = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in files:
            full = os.path.join(folder, name)
            if name.startswith(".") or os.path.islink(full) or not os.path.isfile(full):
                continue
            if suffix is not None and not name.endswith(suffix):
                continue
            found.append((os.path.relpath(full, path), full))
    found.sort(key=lambda pair: pair[0])
    return found


def read_text(path, shown):
    """The UTF-8 text of a file (a leading BOM dropped); a clear error if it is not UTF-8."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ToolError(f"{shown} is not UTF-8 text (bad byte at offset {error.start})")
    return text[1:] if text.startswith("\ufeff") else text


def split_lines(text):
    """Lines split at '\\n' only (a trailing '\\r' dropped), without a final empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def write_text(path, text):
    """Writes UTF-8 text with '\\n' line ends, creating parent folders."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def write_json(path, value):
    """Writes `value` as indented JSON in the key order given; NaN and infinities are refused."""
    write_text(path, json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def number(value, places=6):
    """A float rounded to `places` decimals for printing (never -0.0), so output is stable."""
    rounded = round(float(value), places)
    return 0.0 if rounded == 0 else rounded


# CSV --------------------------------------------------------------------------------------------


def find_csv(name):
    """The CSV file of input `name`: the input itself, or the only `.csv` file in its folder."""
    path = input_path(name)
    if os.path.isfile(path):
        return path, name
    files = list_files(path, suffix=".csv")
    if len(files) != 1:
        listed = ", ".join(relative for relative, _ in files) or "none"
        raise ToolError(f"input '{name}' must be a CSV file or a folder with exactly one .csv file (found: {listed})")
    relative, full = files[0]
    return full, f"{name}/{relative}"


def read_csv(path, shown):
    """The header, the rows and each row's line number of a CSV file with a header row.

    Blank lines are skipped. Every row must have as many fields as the header, and column names
    must be unique and non-empty.
    """
    text = read_text(path, shown)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ToolError(f"{shown} is empty (expected a header row)")
        header = [name.strip() for name in header]
        for position, name in enumerate(header):
            if not name:
                raise ToolError(f"{shown}: column {position + 1} of the header has no name")
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            raise ToolError(f"{shown}: the header names column '{duplicates[0]}' more than once")
        rows, lines = [], []
        for row in reader:
            if not row or (len(row) == 1 and row[0].strip() == ""):
                continue
            if len(row) != len(header):
                raise ToolError(
                    f"{shown}:{reader.line_num}: expected {len(header)} fields like the header, found {len(row)}")
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as error:
        raise ToolError(f"{shown}:{reader.line_num}: not valid CSV: {error}")
    return header, rows, lines


def write_csv(path, header, rows):
    """Writes a CSV file with '\\n' line ends and minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, buffer.getvalue())


def parse_float(text, shown, line, column):
    """A finite float from a CSV field; an error naming the place otherwise."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ToolError(f"{shown}:{line}: column '{column}' must be a number (got {text!r})")
    if not math.isfinite(value):
        raise ToolError(f"{shown}:{line}: column '{column}' must be a finite number (got {text!r})")
    return value


def parse_label(text, shown, line, column):
    """A binary label, 0 or 1, from a CSV field."""
    value = text.strip()
    if value in ("0", "1"):
        return int(value)
    raise ToolError(f"{shown}:{line}: label column '{column}' must be 0 or 1 (got {text!r})")


# Randomness -------------------------------------------------------------------------------------


class SplitMix64:
    """The SplitMix64 generator, the same as `ShoalTesting.SplitMix64` in Swift.

    Python's `random` module may change between versions; this does not, so a seed means the
    same sequence everywhere and a Swift test can predict it.
    """

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def below(self, bound):
        """A uniform integer in [0, bound): rejection sampling, so without modulo bias."""
        limit = ((1 << 64) // bound) * bound
        while True:
            value = self.next()
            if value < limit:
                return value % bound

    def shuffle(self, items):
        """Shuffles a list in place (Fisher-Yates, from the last position down)."""
        for position in range(len(items) - 1, 0, -1):
            other = self.below(position + 1)
            items[position], items[other] = items[other], items[position]


# Binary classification --------------------------------------------------------------------------


def load_examples(path, shown, label, features):
    """Feature vectors and 0/1 labels from a CSV file.

    `features` lists the feature columns (empty: every column but the label, in header order).
    Returns `(features, vectors, labels)`.
    """
    header, rows, lines = read_csv(path, shown)
    if label not in header:
        raise ToolError(f"{shown} has no label column '{label}' (columns: {', '.join(header)})")
    names = features or [name for name in header if name != label]
    for name in names:
        if name not in header:
            raise ToolError(f"{shown} has no feature column '{name}' (columns: {', '.join(header)})")
        if name == label:
            raise ToolError(f"column '{label}' is the label; it cannot also be a feature")
    if not names:
        raise ToolError(f"{shown} has no feature columns besides the label '{label}'")
    if not rows:
        raise ToolError(f"{shown} has no data rows")
    label_at = header.index(label)
    positions = [header.index(name) for name in names]
    vectors, labels = [], []
    for line, row in zip(lines, rows):
        vectors.append([parse_float(row[at], shown, line, header[at]) for at in positions])
        labels.append(parse_label(row[label_at], shown, line, label))
    return names, vectors, labels


def sigmoid(z):
    """The logistic function, computed without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log_loss(probabilities, labels):
    """Mean binary cross-entropy, with probabilities clipped to [1e-15, 1 - 1e-15]."""
    eps = 1e-15
    total = 0.0
    for p, y in zip(probabilities, labels):
        p = min(max(p, eps), 1.0 - eps)
        total -= math.log(p) if y == 1 else math.log(1.0 - p)
    return total / len(labels)
