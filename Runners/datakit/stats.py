"""stats: corpus statistics of whitespace-separated tokens, as JSON.

Reads every text file of input `tokens` in path order (the output of `tokenize`, or any text:
tokens are whatever lies between whitespace) and writes output `stats` with `stats.json`: file,
line, empty-line, token, type and character counts, tokens per line (mean, median, max), the
type/token ratio, per-file counts and the `top` most frequent tokens (ties broken by the token's
code points). Ratios are rounded to 6 decimals so the file is byte-for-byte stable.
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import os

from toolkit import Param, ToolError, in_range, input_path, list_files, load_params, number, output_folder
from toolkit import read_text, run, split_lines, write_json

PARAMS = [
    Param("top", "int", 10, in_range(0, 100_000), "how many of the most frequent tokens to list"),
]
USAGE = "python3 stats.py [--top 10]"


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return 0
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    source = input_path("tokens")
    files = list_files(source)
    if not files:
        raise ToolError(f"input 'tokens' holds no text files (looked in {source})")
    folder = output_folder("stats")

    counts = {}
    per_line = []
    per_file = []
    characters = 0
    for relative, full in files:
        lines = split_lines(read_text(full, f"tokens/{relative}"))
        file_tokens = 0
        for line in lines:
            tokens = line.split()
            characters += len(line)
            per_line.append(len(tokens))
            file_tokens += len(tokens)
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
        per_file.append({"file": relative, "lines": len(lines), "tokens": file_tokens})

    total = sum(per_line)
    lines = len(per_line)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:params["top"]]
    write_json(os.path.join(folder, "stats.json"), {
        "tool": "stats",
        "params": params,
        "files": len(files),
        "lines": lines,
        "empty_lines": sum(1 for count in per_line if count == 0),
        "tokens": total,
        "types": len(counts),
        "characters": characters,
        "tokens_per_line": {
            "mean": number(total / lines) if lines else 0.0,
            "median": number(median(per_line)),
            "max": max(per_line, default=0),
        },
        "type_token_ratio": number(len(counts) / total) if total else 0.0,
        "top": [{"token": token, "count": count, "share": number(count / total)} for token, count in ranked],
        "per_file": per_file,
    })
    print(f"stats: {total} tokens, {len(counts)} types, {lines} lines in {len(files)} files")


if __name__ == "__main__":
    run("stats", main)
