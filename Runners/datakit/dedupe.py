"""dedupe: removes exact and near-duplicate lines from a folder of text files.

Reads every text file of input `corpus` in path order and keeps the first occurrence of each line:
- a blank line is dropped;
- an exact duplicate is a line whose normalized text (NFKC, case-folded, punctuation removed,
  whitespace collapsed) equals that of a line kept before it;
- a near duplicate is a line whose set of character shingles has a Jaccard similarity of at least
  `threshold` with a line kept before it. Candidates are found with MinHash signatures and
  locality-sensitive hashing (bands of rows), then confirmed with the exact Jaccard of the shingle
  sets, so nothing below the threshold is ever removed.
Writes the kept lines to output `clean` (one file per input file, same relative path) and a JSON
report to output `report`. Hashes are blake2b and a seeded SplitMix64, never Python's `hash()`.
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import hashlib
import os
import unicodedata

from toolkit import Param, SplitMix64, ToolError, in_range, input_path, list_files, load_params, number
from toolkit import output_folder, read_text, run, split_lines, write_json, write_text

PRIME = (1 << 61) - 1  # Mersenne prime for the universal hash family a*x + b mod p

PARAMS = [
    Param("threshold", "float", 0.8, in_range(0, 1, low_open=True), "Jaccard similarity at or above which a line is a near duplicate"),
    Param("shingle", "int", 5, in_range(1, 64), "characters per shingle"),
    Param("permutations", "int", 64, in_range(1, 1024), "MinHash signature length"),
    Param("bands", "int", 16, in_range(1, 1024), "LSH bands (must divide permutations)"),
    Param("seed", "int", 1, in_range(0, (1 << 64) - 1), "seed of the MinHash hash family"),
    Param("examples", "int", 20, in_range(0, 10_000), "near duplicates listed in the report"),
]
USAGE = "python3 dedupe.py [--threshold 0.8] [--shingle 5] [--permutations 64] [--bands 16] [--seed 1] [--examples 20]"


def normalize(line):
    """Case-folded NFKC text with punctuation and symbols removed and whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", line).casefold()
    kept = "".join(char if char.isalnum() else " " for char in folded)
    words = kept.split()
    # A line of punctuation only ("-----") keeps its characters, so it is not the empty string.
    return " ".join(words) if words else " ".join(folded.split())


def shingles(text, size):
    """The set of `size`-character substrings of `text` (the whole text when it is shorter)."""
    if len(text) <= size:
        return {text}
    return {text[start:start + size] for start in range(len(text) - size + 1)}


def base_hash(shingle):
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little")


class NearIndex:
    """Kept lines' MinHash signatures in LSH buckets, with their shingle sets for confirmation."""

    def __init__(self, params):
        self.size = params["shingle"]
        self.threshold = params["threshold"]
        self.rows = params["permutations"] // params["bands"]
        self.bands = params["bands"]
        generator = SplitMix64(params["seed"])
        self.family = [(generator.below(PRIME - 1) + 1, generator.below(PRIME)) for _ in range(params["permutations"])]
        self.buckets = {}
        self.sets = []

    def signature(self, shingle_set):
        hashes = [base_hash(shingle) for shingle in shingle_set]  # min() does not depend on order
        return [min((a * value + b) % PRIME for value in hashes) for a, b in self.family]

    def keys(self, signature):
        rows = self.rows
        return [(band, tuple(signature[band * rows:(band + 1) * rows])) for band in range(self.bands)]

    def best_match(self, shingle_set, keys):
        """The earliest kept line with the highest Jaccard ≥ threshold among the LSH candidates."""
        candidates = set()
        for key in keys:
            candidates.update(self.buckets.get(key, ()))
        best, best_score = None, -1.0
        for candidate in sorted(candidates):
            other = self.sets[candidate][1]
            score = len(shingle_set & other) / len(shingle_set | other)
            if score >= self.threshold and score > best_score:
                best, best_score = candidate, score
        return best, best_score

    def add(self, ref, shingle_set, keys):
        index = len(self.sets)
        self.sets.append((ref, shingle_set))
        for key in keys:
            self.buckets.setdefault(key, []).append(index)


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    if params["permutations"] % params["bands"] != 0:
        raise ToolError(
            f"parameter 'bands' must divide 'permutations' (got {params['bands']} bands for {params['permutations']})")
    source = input_path("corpus")
    files = list_files(source)
    if not files:
        raise ToolError(f"input 'corpus' holds no text files (looked in {source})")
    clean = output_folder("clean")
    report_folder = output_folder("report")

    exact = {}  # normalized text → (file, line) of the kept line
    near = NearIndex(params)
    counts = {"blank": 0, "exact": 0, "near": 0}
    examples = []
    per_file = []
    total = kept_total = 0
    for relative, full in files:
        lines = split_lines(read_text(full, f"corpus/{relative}"))
        kept = []
        for number_in_file, line in enumerate(lines, start=1):
            ref = {"file": relative, "line": number_in_file}
            if not line.strip():
                counts["blank"] += 1
                continue
            normalized = normalize(line)
            if normalized in exact:
                counts["exact"] += 1
                continue
            shingle_set = shingles(normalized, params["shingle"])
            keys = near.keys(near.signature(shingle_set))
            match, score = near.best_match(shingle_set, keys)
            if match is not None:
                counts["near"] += 1
                if len(examples) < params["examples"]:
                    examples.append({"file": relative, "line": number_in_file, "text": line,
                                     "duplicate_of": near.sets[match][0], "jaccard": number(score)})
                continue
            exact[normalized] = ref
            near.add(ref, shingle_set, keys)
            kept.append(line)
        write_text(os.path.join(clean, relative), "".join(line + "\n" for line in kept))
        per_file.append({"file": relative, "lines": len(lines), "kept": len(kept)})
        total += len(lines)
        kept_total += len(kept)

    write_json(os.path.join(report_folder, "report.json"), {
        "tool": "dedupe",
        "params": params,
        "files": len(files),
        "lines": total,
        "kept": kept_total,
        "removed": counts,
        "per_file": per_file,
        "near_duplicates": examples,
    })
    print(f"dedupe: kept {kept_total} of {total} lines in {len(files)} files "
          f"(removed {counts['exact']} exact, {counts['near']} near, {counts['blank']} blank)")


if __name__ == "__main__":
    run("dedupe", main)
