#!/usr/bin/env python3
"""Generates the UnixFS known-answer vectors: inputs from SplitMix64, expected CIDs from the
IPFS reference oracle (../shared/oracle: real kubo v0.22 for kubo's default parameters, boxo's
importer re-implemented in Python, cross-checked with aleph-cid, for the others).

    /tmp/oracle-venv/bin/python Tests/UnixFSTests/Vectors/make_vectors.py \
        [--oracle /work/shared/oracle] > Tests/UnixFSTests/KnownAnswerVectors.swift

The inputs are described here once; the script writes them to a temporary folder, asks the
oracle for each CID, and prints Swift source holding the same descriptions and the expected
CIDs. The Swift tests rebuild the inputs from those descriptions with
`Sources/ShoalTesting/SplitMix64.swift` (the `SplitMix64` class below is its twin) and import
them with Shoal. Every oracle answer must have all of its implementations agree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

MASK = (1 << 64) - 1
DEFAULT = 262144


class SplitMix64:
    """Twin of Sources/ShoalTesting/SplitMix64.swift: 8 little-endian bytes per output."""

    def __init__(self, seed: int):
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def bytes(self, count: int) -> bytes:
        words = (count + 7) // 8
        out = bytearray(words * 8)
        for i in range(words):
            out[i * 8:i * 8 + 8] = self.next().to_bytes(8, "little")
        return bytes(out[:count])


def fixture(seed: int, size: int) -> bytes:
    return SplitMix64(seed).bytes(size)


# ------------------------------------------------------------------ profiles
# (name, cid_version, raw_leaves, trickle): raw_leaves None = kubo's rule for the version.
MATRIX = [
    ("v0", 0, False, False), ("v0Raw", 0, True, False), ("v1", 1, True, False), ("v1DagPB", 1, False, False),
    ("v0Trickle", 0, False, True), ("v0RawTrickle", 0, True, True), ("v1Trickle", 1, True, True),
    ("v1DagPBTrickle", 1, False, True),
]


def boundary_sizes(c: int, big: bool) -> list[int]:
    sizes = [0, 1, c - 1, c, c + 1, 174 * c, 174 * c + 1]
    if big:
        # trickle depth boundaries (174 leaves + 4 subtrees of depth 1 = 870 leaves), a ragged
        # size, and the first file that needs a third balanced level: 174*174 + 1 chunks.
        sizes += [870 * c, 870 * c + 1, 4525 * c + 3, (174 * 174 + 1) * c]
    return sorted(set(s for s in sizes if s >= 0))


def file_cases():
    seed = 1000
    cases = []

    def add(size, version, raw, trickle, chunk, note):
        nonlocal seed
        seed += 1
        cases.append(dict(seed=seed, size=size, version=version, raw=raw, trickle=trickle, chunk=chunk, note=note))

    # kubo's defaults (answered by kubo itself) and --cid-version 1 (cross-checked by aleph-cid).
    for size in boundary_sizes(DEFAULT, big=False):
        add(size, 0, False, False, DEFAULT, "kubo default")
        add(size, 1, True, False, DEFAULT, "cid-version 1")
    # every leaf/version/layout combination at the boundaries of a small chunker.
    for _, version, raw, trickle in MATRIX:
        for size in boundary_sizes(64, big=True):
            add(size, version, raw, trickle, 64, "size-64 matrix")
    # other chunk sizes, including the 1 MiB maximum and sizes where a dag-pb leaf's varint
    # lengths change (127/128, 16383/16384) so the last leaf's header is shorter.
    for chunk, sizes in [(1, [0, 1, 2, 175]), (200, [100, 200, 300, 34900]), (1000, [999, 1000, 1001, 200000]),
                         (16384, [16383, 16384, 32767]), (1048576, [1048575, 1048576, 1048577, 3000000])]:
        for size in sizes:
            add(size, 1, True, False, chunk, f"size-{chunk}")
            add(size, 0, False, False, chunk, f"size-{chunk}")
            add(size, 0, False, True, chunk, f"size-{chunk} trickle")
    return cases


# ------------------------------------------------------------------ trees
# Entries: ("file", path, seed, size) | ("dir", path) | ("symlink", path, target)
NESTED = [
    ("file", "a.txt", 1, 1000),
    ("file", "Z-upper.txt", 2, 10),
    ("dir", "b"),
    ("file", "b/c.bin", 3, 300000),
    ("dir", "b/d"),
    ("file", "b/\u00fcn\u00efc\u00f6d\u00e9-\u540d\u524d.txt", 4, 10),
    ("file", "b/\u00e9.txt", 5, 11),            # NFC é
    ("file", "b/e\u0301.txt", 6, 12),           # NFD e + combining acute: a different name
    ("file", "b/\U0001F600 emoji.txt", 7, 13),
    ("file", "empty.txt", 8, 0),
    ("symlink", "link", "a.txt"),
    ("symlink", "b/dangling", "../nowhere/at/all"),
    ("symlink", "b/abs", "/etc/hostname"),
    ("file", ".hidden", 9, 50),
    ("dir", ".hiddendir"),
    ("file", ".hiddendir/x", 10, 10),
    ("dir", "b/d2"),
    ("dir", "b/d2/deeper"),
    ("file", "b/d2/deeper/f", 11, 70000),
]
SINGLE = [("file", "only.bin", 12, 5000)]


def numbered(prefix: str, count: int, extra: list) -> list:
    # Files named prefix + 5 digits + ".txt", 16 bytes each from seed = index.
    entries = [("file", f"{prefix}{i:05d}.txt", i, 16) for i in range(count)]
    return entries + extra


# Sizes for the sharding threshold (CIDv0 links are 34 bytes): 3854 entries with 34-byte names
# give 3854 * 68 = 262072; one more entry of name length 38 reaches exactly 262144 (shards),
# of length 37 stays one byte below (does not shard).
SHARD_PREFIX = "entry-with-a-longer-name-"  # 25 chars + 5 digits + ".txt" = 34 bytes
TREES = [
    # (id, entries, numbered spec or None, options list)
    ("nested", NESTED, None, [
        dict(), dict(hidden=True), dict(wrap=True), dict(version=1), dict(version=1, trickle=True, chunk=1024),
        dict(version=0, raw=True), dict(version=1, wrap=True, hidden=True), dict(version=1, raw=False, chunk=4096)]),
    ("single", SINGLE, None, [dict(), dict(wrap=True), dict(version=1, wrap=True)]),
    # kubo_ref.py's aleph-cid cross-check fails on an empty folder, so the unwrapped cases are
    # asked of the oracle's Python importer directly and checked against the well-known empty
    # directory CIDs; kubo answers the wrapped one.
    ("emptydir", [], None, [dict(direct=True), dict(version=1, direct=True), dict(wrap=True)]),
    ("sharded", None, (SHARD_PREFIX, 4000, []), [dict()]),
    ("thresholdExact", None, (SHARD_PREFIX, 3854, [("file", "x" * 34 + ".txt", 90001, 16)]), [dict()]),
    ("thresholdBelow", None, (SHARD_PREFIX, 3854, [("file", "x" * 33 + ".txt", 90001, 16)]), [dict()]),
]


def materialize(root: str, entries: list) -> None:
    os.makedirs(root, exist_ok=True)
    for e in entries:
        p = os.path.join(root, e[1])
        if e[0] == "file":
            with open(p, "wb") as f:
                f.write(fixture(e[2], e[3]))
        elif e[0] == "dir":
            os.makedirs(p, exist_ok=True)
        else:
            os.symlink(e[2], p)


# ------------------------------------------------------------------ oracle
def oracle_cid(oracle: str, python: str, path: str, version: int, raw, chunk: int, trickle: bool,
               wrap: bool = False, hidden: bool = False, source: str = "auto") -> tuple[str, str]:
    cmd = [python, os.path.join(oracle, "kubo_ref.py"), "cid", path, "--cid-version", str(version),
           "--chunker", f"size-{chunk}", "--source", source, "--json"]
    if raw is True:
        cmd.append("--raw-leaves")
    if raw is False:
        cmd.append("--no-raw-leaves")
    if trickle:
        cmd.append("--trickle")
    if wrap:
        cmd.append("--wrap")
    if hidden:
        cmd.append("--hidden")
    out = subprocess.run(cmd, cwd=oracle, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"oracle failed ({out.returncode}) for {cmd}:\n{out.stdout}\n{out.stderr}")
    res = json.loads(out.stdout)
    if not res["agree"] or not res["cid"]:
        sys.exit(f"oracle implementations disagree for {cmd}: {res['checks']}")
    checks = "+".join(sorted(k for k in res["checks"] if not k.endswith("_error")))
    return res["cid"], checks


WELL_KNOWN_EMPTY_DIRECTORY = {0: "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn",
                              1: "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"}


def direct_python_cid(oracle: str, path: str, version: int, raw, chunk: int) -> tuple[str, str]:
    """The oracle's Python importer, called as a library (for inputs kubo_ref.py's cross-checks
    cannot take); an empty directory must give the well-known CID."""
    sys.path.insert(0, oracle)
    import unixfs_ref as U
    cid = U.compute_cid(path, U.Params(cid_version=version, raw_leaves=raw, chunk_size=chunk))
    if not os.listdir(path) and cid != WELL_KNOWN_EMPTY_DIRECTORY[version]:
        sys.exit(f"python importer gives {cid} for an empty directory")
    return cid, "python+well-known"


def hamt_placements(fanout: int, count: int) -> list[tuple[str, list[int]]]:
    """Where each of `count` names lands in a HAMT of `fanout` buckets, computed with the PyPI
    `hamt-sharding` package (a port of the JS library js-ipfs-unixfs shards with): an
    independent check of how bucket indexes are cut from the murmur3 hash at small fanouts,
    where kubo cannot be asked (its fanout is fixed at 256). The hash function is the one the
    JS importer gives it: the first 64 bits of murmur3-x64-128, reversed."""
    import mmh3
    from hamt_sharding.buckets import HAMTBucket

    def hash64(b: bytes) -> bytes:
        return mmh3.hash64(b, 0, signed=False)[0].to_bytes(8, "big")[::-1]

    bits = fanout.bit_length() - 1
    root = HAMTBucket.create_hamt(hash64, bits)
    for i in range(count):
        root[f"name-{i}"] = i
    out = []

    def walk(bucket, path):
        for pos, child in bucket._children.items():
            if isinstance(child, HAMTBucket):
                walk(child, path + [pos])
            else:
                out.append((child.key, path + [pos]))
    walk(root, [])
    if len(out) != count:
        sys.exit(f"hamt-sharding placed {len(out)} of {count} names")
    return sorted(out)


def swift_string(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    return '"' + "".join(out) + '"'


def swift_entry(e) -> str:
    if e[0] == "file":
        return f".file({swift_string(e[1])}, seed: {e[2]}, size: {e[3]})"
    if e[0] == "dir":
        return f".directory({swift_string(e[1])})"
    return f".symlink({swift_string(e[1])}, target: {swift_string(e[2])})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", default="/work/shared/oracle")
    ap.add_argument("--python", default="/tmp/oracle-venv/bin/python")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="unixfs-vectors-")
    try:
        lines = ["// Generated by Tests/UnixFSTests/Vectors/make_vectors.py from the IPFS reference oracle.",
                 "// Do not edit: change the script and regenerate.", "",
                 "enum KnownAnswerVectors {"]
        lines.append("    static let files: [FileVector] = [")
        for c in file_cases():
            path = os.path.join(work, "f.bin")
            with open(path, "wb") as f:
                f.write(fixture(c["seed"], c["size"]))
            cid, checks = oracle_cid(a.oracle, a.python, path, c["version"], c["raw"], c["chunk"], c["trickle"])
            layout = ".trickle" if c["trickle"] else ".balanced"
            lines.append(f"        FileVector(seed: {c['seed']}, size: {c['size']}, cidVersion: {c['version']}, "
                         f"rawLeaves: {str(c['raw']).lower()}, chunkSize: {c['chunk']}, layout: {layout}, "
                         f"cid: \"{cid}\"),  // {c['note']}; {checks}")
            print(f"file {c['seed']} size {c['size']}: {cid} ({checks})", file=sys.stderr)
        lines.append("    ]")
        lines.append("")
        lines.append("    static let trees: [TreeVector] = [")
        for tid, entries, spec, option_sets in TREES:
            root = os.path.join(work, tid)
            shutil.rmtree(root, ignore_errors=True)
            all_entries = entries if spec is None else numbered(spec[0], spec[1], spec[2])
            materialize(root, all_entries)
            if spec is None:
                body = "[" + ", ".join(swift_entry(e) for e in entries) + "]"
            else:
                body = (f"TreeVector.numbered(prefix: {swift_string(spec[0])}, count: {spec[1]}, size: 16) + ["
                        + ", ".join(swift_entry(e) for e in spec[2]) + "]")
            for o in option_sets:
                version = o.get("version", 0)
                raw = o.get("raw", version == 1)
                chunk = o.get("chunk", DEFAULT)
                if o.get("direct"):
                    cid, checks = direct_python_cid(a.oracle, root, version, raw, chunk)
                else:
                    cid, checks = oracle_cid(a.oracle, a.python, root, version, raw, chunk, o.get("trickle", False),
                                             o.get("wrap", False), o.get("hidden", False))
                layout = ".trickle" if o.get("trickle") else ".balanced"
                lines.append(
                    f"        TreeVector(name: \"{tid}\", entries: {body},\n"
                    f"                   cidVersion: {version}, rawLeaves: {str(raw).lower()}, chunkSize: {chunk}, "
                    f"layout: {layout}, wrap: {str(o.get('wrap', False)).lower()}, "
                    f"hidden: {str(o.get('hidden', False)).lower()},\n"
                    f"                   cid: \"{cid}\"),  // {checks}")
                print(f"tree {tid} {o}: {cid} ({checks})", file=sys.stderr)
        lines.append("    ]")
        lines.append("")
        lines.append("    /// name-0 … name-299: the bucket index at each level (hamt-sharding, see the script).")
        lines.append("    static let hamtPlacements: [Int: [String: [Int]]] = [")
        for fanout in (8, 16, 32):
            lines.append(f"        {fanout}: [")
            for name, path in hamt_placements(fanout, 300):
                lines.append(f"            \"{name}\": {path},")
            lines.append("        ],")
        lines.append("    ]")
        lines.append("}")
        print("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
