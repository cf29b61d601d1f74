"""tokenizer.py (the `tokenize` tool; not named tokenize.py, which would shadow the standard module): splits text into tokens and builds a vocabulary with counts.

Reads every text file of input `text` in path order. Each line becomes one line of output tokens
separated by single spaces (an empty line stays empty, so line numbers still match), written to
output `tokens` under the same relative path. Tokens are the matches of a regular expression
(`mode: regex`, default pattern `\\w+`, Unicode-aware) or the whitespace-separated words
(`mode: whitespace`), lower-cased unless `lowercase` is false.

Output `vocab` holds `vocab.json`: the token and type counts and each token that occurs at least
`min_count` times with its id and count, ordered by count (highest first), then by the token's
code points; ids follow that order.
"""

import sys

sys.dont_write_bytecode = True  # /tool is read-only in the sandbox; keep the tool folder clean elsewhere

import os
import re
import unicodedata

from toolkit import Param, ToolError, in_range, input_path, list_files, load_params, output_folder, read_text
from toolkit import run, split_lines, write_json, write_text


def _mode(value):
    return None if value in ("regex", "whitespace") else "must be 'regex' or 'whitespace'"


PARAMS = [
    Param("mode", "str", "regex", _mode, "'regex' (matches of pattern) or 'whitespace' (split at spaces)"),
    Param("pattern", "str", r"\w+", None, "regular expression a token matches (mode regex)"),
    Param("lowercase", "bool", True, None, "lower-case tokens"),
    Param("normalize", "bool", True, None, "apply Unicode NFKC normalization before tokenizing"),
    Param("min_count", "int", 1, in_range(1, None), "fewest occurrences for a token to enter the vocabulary"),
]
USAGE = "python3 tokenizer.py [--mode regex|whitespace] [--pattern REGEX] [--lowercase true] [--normalize true] [--min-count 1]"


def make_tokenizer(params):
    if params["mode"] == "whitespace":
        split = str.split
    else:
        try:
            expression = re.compile(params["pattern"])
        except re.error as error:
            raise ToolError(f"parameter 'pattern' is not a valid regular expression: {error}")

        def split(line):
            return [match.group(0) for match in expression.finditer(line) if match.group(0)]

    def tokenize(line):
        if params["normalize"]:
            line = unicodedata.normalize("NFKC", line)
        if params["lowercase"]:
            line = line.lower()
        tokens = split(line)
        for token in tokens:
            if any(char.isspace() for char in token):
                raise ToolError(
                    f"parameter 'pattern' matched a token with whitespace ({token!r}); tokens are written space-separated")
        return tokens

    return tokenize


def main(argv):
    params = load_params(PARAMS, argv, USAGE)
    tokenize = make_tokenizer(params)
    source = input_path("text")
    files = list_files(source)
    if not files:
        raise ToolError(f"input 'text' holds no text files (looked in {source})")
    tokens_folder = output_folder("tokens")
    vocab_folder = output_folder("vocab")

    counts = {}
    total = lines_total = 0
    for relative, full in files:
        out = []
        for line in split_lines(read_text(full, f"text/{relative}")):
            tokens = tokenize(line)
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
            total += len(tokens)
            out.append(" ".join(tokens) + "\n")
        lines_total += len(out)
        write_text(os.path.join(tokens_folder, relative), "".join(out))

    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocabulary = [
        {"id": index, "token": token, "count": count}
        for index, (token, count) in enumerate(item for item in ordered if item[1] >= params["min_count"])
    ]
    write_json(os.path.join(vocab_folder, "vocab.json"), {
        "tool": "tokenize",
        "params": params,
        "files": len(files),
        "lines": lines_total,
        "tokens": total,
        "types": len(counts),
        "size": len(vocabulary),
        "vocab": vocabulary,
    })
    print(f"tokenize: {total} tokens, {len(counts)} types, vocabulary of {len(vocabulary)} in {len(files)} files")


if __name__ == "__main__":
    run("tokenize", main)
