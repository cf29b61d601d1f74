"""Checks Shoal's provenance exports with independent implementations.

Usage: python3 check_exports.py ENVELOPE.json PROV.json EXPECTED.json

- ENVELOPE.json: `shoal provenance export STEP --format in-toto` output (a DSSE envelope).
  The signature is verified with securesystemslib's DSSE implementation and an Ed25519 key
  rebuilt here from the did:key in EXPECTED (base58btc, multicodec 0xed 0x01); a tampered
  payload and a wrong key must both be rejected. The payload must be an in-toto Statement v1
  with a SLSA provenance v1 predicate whose subjects, builder and invocation match EXPECTED.
- PROV.json: `--format prov-json` output. It must load with the `prov` package (W3C PROV data
  model), have one activity per expected step with start and end times, the node as agent, and
  the expected used/wasGeneratedBy/wasAssociatedWith/wasDerivedFrom relations; it must also
  serialize back to PROV-JSON and PROV-N.
- EXPECTED.json: {"keyid": did, "builder": did, "invocationId": step CID,
  "subjects": {name: sha256 hex}, "steps": [step CID...], "outputs": [CID...],
  "inputs": [CID...], "derivations": N}.

Prints one JSON summary on stdout and exits 0 when everything holds; prints each failed check
on stderr and exits 1 otherwise; exits 3 when a package is missing
(`python3 -m pip install 'securesystemslib[crypto]' prov`). Called by ProvenanceExportTests.swift.
"""
import copy
import json
import sys

try:
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey
    from securesystemslib.exceptions import VerificationError
    import prov.model
    from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: F401 (securesystemslib needs it)
except ImportError as error:
    print(f"missing Python package ({error}): python3 -m pip install 'securesystemslib[crypto]' prov",
          file=sys.stderr)
    sys.exit(3)

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def b58decode(text):
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def ed25519_key(did):
    """An securesystemslib key for an Ed25519 did:key, written from the did:key spec."""
    assert did.startswith("did:key:z"), did
    raw = b58decode(did[len("did:key:z"):])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 did:key"
    return SSlibKey(keyid=did, keytype="ed25519", scheme="ed25519", keyval={"public": raw[2:].hex()})


def verifies(envelope, key):
    try:
        envelope.verify([key], 1)
        return True
    except VerificationError:
        return False


def check_envelope(path, expected):
    with open(path) as f:
        raw = json.load(f)
    # from_dict rewrites the dict it is given, so each envelope gets its own copy.
    envelope = Envelope.from_dict(copy.deepcopy(raw))
    key = ed25519_key(expected["keyid"])
    check(envelope.payload_type == "application/vnd.in-toto+json", f"payloadType {envelope.payload_type}")
    check(verifies(envelope, key), "DSSE signature does not verify with the did:key's public key")

    tampered = Envelope.from_dict(copy.deepcopy(raw))
    tampered.payload = envelope.payload.replace(b"https", b"http:", 1)
    check(not verifies(tampered, key), "a tampered payload still verifies")
    stranger = SSlibKey(keyid=expected["keyid"], keytype="ed25519", scheme="ed25519",
                        keyval={"public": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"})
    check(not verifies(envelope, stranger), "the envelope verifies with another key")

    statement = json.loads(envelope.payload)
    check(statement.get("_type") == "https://in-toto.io/Statement/v1", "_type")
    check(statement.get("predicateType") == "https://slsa.dev/provenance/v1", "predicateType")
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement.get("subject", [])}
    check(subjects == expected["subjects"], f"subjects {subjects} != {expected['subjects']}")
    for subject in statement.get("subject", []):
        check(subject["uri"] == "ipfs://" + subject["annotations"]["cid"], f"subject uri {subject['uri']}")
    predicate = statement.get("predicate", {})
    build = predicate.get("buildDefinition", {})
    run = predicate.get("runDetails", {})
    check(isinstance(build.get("buildType"), str) and ":" in build["buildType"], "buildType is not a URI")
    for field in ("run", "params", "env"):
        check(field in build.get("externalParameters", {}), f"externalParameters.{field}")
    for field in ("engine", "limits"):
        check(field in build.get("internalParameters", {}), f"internalParameters.{field}")
    dependencies = build.get("resolvedDependencies", [])
    check(len(dependencies) > 0 and all(d["uri"].startswith("ipfs://") and len(d["digest"]["sha256"]) == 64
                                        for d in dependencies), "resolvedDependencies")
    check(run.get("builder", {}).get("id") == expected["builder"], "builder.id")
    metadata = run.get("metadata", {})
    check(metadata.get("invocationId") == expected["invocationId"], "metadata.invocationId")
    check(metadata.get("startedOn", "").endswith("Z") and metadata.get("finishedOn", "").endswith("Z"), "times")
    check([b["name"] for b in run.get("byproducts", [])] == ["stdout", "stderr"], "byproducts")
    return {"signature": "verified", "subjects": sorted(subjects), "dependencies": len(dependencies)}


def check_prov(path, expected):
    with open(path) as f:
        text = f.read()
    document = prov.model.ProvDocument.deserialize(content=text, format="json")
    uri = lambda record_id: record_id.uri if record_id is not None else None  # noqa: E731

    activities = {uri(a.identifier): a for a in document.get_records(prov.model.ProvActivity)}
    check(set(activities) == {"urn:shoal:step:" + s for s in expected["steps"]},
          f"activities {sorted(activities)}")
    for identifier, activity in activities.items():
        check(activity.get_startTime() is not None and activity.get_endTime() is not None,
              f"{identifier} has no start/end time")
    agents = {uri(a.identifier) for a in document.get_records(prov.model.ProvAgent)}
    check(agents == {expected["builder"]}, f"agents {agents}")
    entities = {uri(e.identifier) for e in document.get_records(prov.model.ProvEntity)}
    for cid in expected["outputs"] + expected["inputs"]:
        check("ipfs://" + cid in entities, f"entity ipfs://{cid} missing")

    def relation_pairs(kind, first, second):
        return {(uri(r.get_attribute(first).pop()) if r.get_attribute(first) else None,
                 uri(r.get_attribute(second).pop()) if r.get_attribute(second) else None)
                for r in document.get_records(kind)}

    generated = relation_pairs(prov.model.ProvGeneration, "prov:entity", "prov:activity")
    for cid in expected["outputs"]:
        check(any(entity == "ipfs://" + cid for entity, _ in generated), f"no wasGeneratedBy for {cid}")
    used = relation_pairs(prov.model.ProvUsage, "prov:activity", "prov:entity")
    for cid in expected["inputs"]:
        check(any(entity == "ipfs://" + cid for _, entity in used), f"no used for {cid}")
    associations = relation_pairs(prov.model.ProvAssociation, "prov:activity", "prov:agent")
    check({activity for activity, _ in associations} == set(activities), "wasAssociatedWith")
    derivations = list(document.get_records(prov.model.ProvDerivation))
    check(len(derivations) == expected["derivations"], f"{len(derivations)} derivations")

    # It must also survive the library's own serializers.
    again = prov.model.ProvDocument.deserialize(content=document.serialize(format="json"), format="json")
    check(again == document, "PROV-JSON does not round-trip through the prov package")
    check("activity(" in document.get_provn(), "no PROV-N")
    return {"activities": len(activities), "agents": len(agents), "entities": len(entities),
            "derivations": len(derivations)}


def main():
    envelope_path, prov_path, expected_path = sys.argv[1:4]
    with open(expected_path) as f:
        expected = json.load(f)
    summary = {"in-toto": check_envelope(envelope_path, expected), "prov": check_prov(prov_path, expected)}
    if failures:
        for failure in failures:
            print("check failed: " + failure, file=sys.stderr)
        sys.exit(1)
    json.dump(summary, sys.stdout, sort_keys=True)


main()
