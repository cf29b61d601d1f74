"""Validates JSON documents against Specs/pipeline.schema.json with the `jsonschema` package.

Usage: python3 schema_check.py SCHEMA DOCUMENT...
Prints one JSON object on stdout: {"<document path>": ["<error>", ...], ...} (an empty list means
valid). Exits 2 when the schema itself is not a valid draft 2020-12 schema, 3 when jsonschema is
not installed (`pip install jsonschema`). Called by PipelineSchemaTests.swift.
"""
import json
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("jsonschema is not installed: pip install jsonschema", file=sys.stderr)
    sys.exit(3)


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as error:  # SchemaError: the contract itself is broken
        print(f"invalid schema: {error}", file=sys.stderr)
        sys.exit(2)
    validator = Draft202012Validator(schema)
    results = {}
    for path in sys.argv[2:]:
        with open(path) as f:
            document = json.load(f)
        results[path] = [
            f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(document)
        ]
    json.dump(results, sys.stdout)


main()
