import Foundation
import IPLD
import ShoalTesting
import Spawning
import Testing
@testable import Provenance

struct ProvenanceExportTests {
    @Test func paeMatchesTheDSSESpecExample() {
        // From the DSSE protocol document: PAE("http://example.com/HelloWorld", "hello world").
        let pae = DSSEEnvelope.pae(payloadType: "http://example.com/HelloWorld", body: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        // Lengths are in bytes, not characters.
        let utf8 = DSSEEnvelope.pae(payloadType: "t", body: Array("é".utf8))
        #expect(String(decoding: utf8, as: UTF8.self) == "DSSEv1 1 t 2 é")
    }

    @Test func envelopeSignaturesVerifyOnlyForTheSigner() throws {
        let identity = ProvenanceFixture.identity(seed: 7)
        let envelope = try DSSEEnvelope(signing: Array("{}".utf8), payloadType: DSSEEnvelope.inTotoPayloadType, with: identity)
        #expect(envelope.signatures.map(\.keyid) == [identity.didKey.string])
        #expect(envelope.payload == "e30=")
        #expect(envelope.validSigners(among: [identity.didKey]) == [identity.didKey])
        let other = ProvenanceFixture.identity(seed: 8).didKey
        #expect(envelope.validSigners(among: [other]).isEmpty)
        var tampered = envelope
        tampered.payload = Data("[]".utf8).base64EncodedString()
        #expect(tampered.validSigners(among: [identity.didKey]).isEmpty)
        var retyped = envelope
        retyped.payloadType = "application/json"
        #expect(retyped.validSigners(among: [identity.didKey]).isEmpty)
    }

    @Test func statementDescribesTheStep() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        // Asking with the output CID or the step CID gives the same statement.
        let statement = try ProvenanceExport.inTotoStatement(step: d.model, source: fixture.store, index: fixture.index)
        #expect(try ProvenanceExport.inTotoStatement(step: d.join.step, source: fixture.store, index: fixture.index) == statement)
        #expect(statement["_type"] == "https://in-toto.io/Statement/v1")
        #expect(statement["predicateType"] == "https://slsa.dev/provenance/v1")
        let subject = try #require(statement["subject"]?.list?.first)
        #expect(subject["name"] == "model")
        #expect(subject["digest"]?["sha256"]?.string == ProvenanceExport.sha256Hex(d.model))
        #expect(subject["digest"]?["sha256"]?.string?.count == 64)
        #expect(subject["annotations"]?["cid"]?.string == d.model.string)
        let build = try #require(statement["predicate"]?["buildDefinition"])
        #expect(build["buildType"]?.string == ProvenanceExport.buildType)
        #expect(build["externalParameters"]?["run"] == ["sh", "-c", "run join"])
        #expect(build["externalParameters"]?["params"] == ["task": "join"])
        #expect(build["externalParameters"]?["env"] == ["LANG": "C"])
        #expect(build["internalParameters"]?["engine"] == "shoal-sandbox/1")
        #expect(build["internalParameters"]?["recipe"]?.string == d.join.recipe.string)
        let names = build["resolvedDependencies"]?.list?.compactMap { $0["name"]?.string }
        #expect(names == ["tool", "inputs/a", "inputs/b"])
        #expect(build["resolvedDependencies"]?.list?.first?["uri"]?.string == "ipfs://\(d.tool)")
        let run = try #require(statement["predicate"]?["runDetails"])
        #expect(run["builder"]?["id"]?.string == fixture.identity.didKey.string)
        #expect(run["metadata"]?["invocationId"]?.string == d.join.step.string)
        #expect(run["metadata"]?["startedOn"] == "2025-01-02T03:04:05.000Z")
        #expect(run["byproducts"]?.list?.compactMap { $0["name"]?.string } == ["stdout", "stderr"])
    }

    @Test func envelopeWrapsTheStatement() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let envelope = try ProvenanceExport.inToto(step: d.join.step, source: fixture.store, index: fixture.index,
                                                   signer: fixture.identity)
        #expect(envelope.payloadType == "application/vnd.in-toto+json")
        let payload = try #require(envelope.payloadBytes)
        #expect(try DagJSON.decode(payload) == ProvenanceExport.inTotoStatement(step: d.join.step, source: fixture.store,
                                                                               index: fixture.index))
        #expect(envelope.validSigners(among: [fixture.identity.didKey]) == [fixture.identity.didKey])
        let json = envelope.jsonText
        #expect(try JSONDecoder().decode(DSSEEnvelope.self, from: Data(json.utf8)) == envelope)
    }

    @Test func exportsRefuseWhatTheyCannotDescribe() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let raw = #expect(throws: ProvenanceError.self) {
            try ProvenanceExport.inToto(step: d.corpus, source: fixture.store, index: fixture.index, signer: fixture.identity)
        }
        #expect(raw?.code == .exportFailed)
        #expect(raw?.message == "\(d.corpus) is neither a step nor the output of a recorded step")
        let recipe = #expect(throws: ProvenanceError.self) {
            try ProvenanceExport.resolveStep(d.join.recipe, source: fixture.store, index: fixture.index)
        }
        #expect(recipe?.message.contains("is a recipe") == true)
        fixture.store.remove(d.join.recipe)
        let missing = #expect(throws: ProvenanceError.self) {
            try ProvenanceExport.inTotoStatement(step: d.join.step, source: fixture.store, index: fixture.index)
        }
        #expect(missing?.description == "export failed: shoal.recipe/1 \(d.join.recipe): block not found")
        // An identity-hashed output has no sha256 digest to name it by.
        let tiny = CID(codec: .raw, multihash: .identity([1, 2, 3]))
        let odd = try fixture.record(task: "odd", inputs: [:], outputs: [], seed: 0, outputs: ["o": tiny])
        let identity = #expect(throws: ProvenanceError.self) {
            try ProvenanceExport.inTotoStatement(step: odd.step, source: fixture.store, index: fixture.index)
        }
        #expect(identity?.message.contains("not a sha2-256 CID") == true)
    }

    @Test func provDocumentHasAnActivityPerStep() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let text = try ProvenanceExport.provJSON(from: d.model, source: fixture.store, index: fixture.index)
        let document = try DagJSON.decode(text)
        #expect(document["prefix"]?["ipfs"] == "ipfs://")
        let activities = try #require(document["activity"]?.map)
        #expect(Set(activities.keys) == Set([d.prep, d.left, d.right, d.join].map { "step:\($0.step)" }))
        let join = try #require(activities["step:\(d.join.step)"])
        #expect(join["prov:startTime"] == "2025-01-02T03:04:05.000Z")
        #expect(join["prov:endTime"] == "2025-01-02T03:04:06.500Z")
        #expect(document["agent"]?.map?.keys == ["node:" + fixture.identity.didKey.string.dropFirst("did:key:".count)])
        #expect(document["used"]?.map?.count == 6)             // prep 1, left 1, right 1, join tool + a + b
        #expect(document["wasGeneratedBy"]?.map?.count == 12)  // 4 outputs + 4 × (stdout, stderr)
        #expect(document["wasAssociatedWith"]?.map?.count == 4)
        #expect(document["wasDerivedFrom"]?.map?.count == 6)   // 1 + 1 + 1 + model from tool, l, r
        // One step only with a depth limit of 1.
        let one = try DagJSON.decode(ProvenanceExport.provJSON(from: d.model, source: fixture.store, index: fixture.index,
                                                               maxDepth: 1))
        #expect(one["activity"]?.map?.keys == ["step:\(d.join.step)"])
    }

    @Test func exportEntryPointPicksTheFormat() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let inToto = try ProvenanceExport.export(d.join.step, format: .inToto, source: fixture.store, index: fixture.index,
                                                 signer: fixture.identity)
        #expect(inToto.contains("\"payloadType\" : \"application/vnd.in-toto+json\""))
        let prov = try ProvenanceExport.export(d.join.step, format: .provJSON, source: fixture.store, index: fixture.index,
                                               signer: fixture.identity)
        #expect(prov.hasPrefix("{\"activity\":"))
        #expect(ProvenanceExport.Format(rawValue: "in-toto") == .inToto)
        #expect(ProvenanceExport.Format(rawValue: "prov-json") == .provJSON)
    }
}

/// The exports checked by independent implementations: securesystemslib verifies the DSSE
/// envelope with a key rebuilt from the did:key, and the `prov` package loads the PROV-JSON.
/// See `Scripts/check_exports.py`. Skipped when python3 lacks those packages.
@Suite(.enabled(if: ExportChecker.isAvailable,
                "needs python3 with securesystemslib[crypto] and prov (python3 -m pip install 'securesystemslib[crypto]' prov)"))
struct ProvenanceExportInteropTests {
    @Test func independentImplementationsAcceptTheExports() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let envelope = try ProvenanceExport.inToto(step: d.model, source: fixture.store, index: fixture.index,
                                                   signer: fixture.identity)
        let prov = try ProvenanceExport.provJSON(from: d.model, source: fixture.store, index: fixture.index)
        let steps = [d.prep, d.left, d.right, d.join]
        let expected: [String: Any] = [
            "keyid": fixture.identity.didKey.string,
            "builder": fixture.identity.didKey.string,
            "invocationId": d.join.step.string,
            "subjects": ["model": ProvenanceExport.sha256Hex(d.model)!],
            "steps": steps.map(\.step.string),
            "outputs": steps.flatMap { $0.outputs.values.map(\.string) },
            "inputs": [d.corpus, d.tool, d.clean].map(\.string),
            "derivations": 6,
        ]
        let result = try ExportChecker.check(envelope: envelope.jsonText, prov: prov, expected: expected)
        #expect(result.status == 0, "check_exports.py: \(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]]
        #expect(summary?["in-toto"]?["signature"] as? String == "verified")
        #expect(summary?["in-toto"]?["subjects"] as? [String] == ["model"])
        #expect(summary?["prov"]?["activities"] as? Int == 4)
        #expect(summary?["prov"]?["agents"] as? Int == 1)
    }

    @Test func theCheckerRejectsAForgedEnvelope() throws {
        // The check must be able to fail: an envelope signed by another key, claiming ours.
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        var envelope = try ProvenanceExport.inToto(step: d.model, source: fixture.store, index: fixture.index,
                                                   signer: ProvenanceFixture.identity(seed: 66))
        envelope.signatures[0].keyid = fixture.identity.didKey.string
        let prov = try ProvenanceExport.provJSON(from: d.model, source: fixture.store, index: fixture.index)
        let result = try ExportChecker.check(envelope: envelope.jsonText, prov: prov, expected: [
            "keyid": fixture.identity.didKey.string, "builder": fixture.identity.didKey.string,
            "invocationId": d.join.step.string, "subjects": ["model": ProvenanceExport.sha256Hex(d.model)!],
            "steps": [d.prep, d.left, d.right, d.join].map(\.step.string), "outputs": [String](), "inputs": [String](),
            "derivations": 6,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("DSSE signature does not verify"))
    }
}

/// Runs `Scripts/check_exports.py`.
enum ExportChecker {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/check_exports.py")

    static let isAvailable: Bool = (try? run(["python3", "-c",
        "import securesystemslib.dsse, securesystemslib.signer, prov.model, cryptography"]).status) == 0

    static func check(envelope: String, prov: String, expected: [String: Any]) throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-export-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = ["envelope.json": Data(envelope.utf8), "prov.json": Data(prov.utf8),
                     "expected.json": try JSONSerialization.data(withJSONObject: expected)]
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
        return try run(["python3", script.path] + ["envelope.json", "prov.json", "expected.json"].map {
            folder.appendingPathComponent($0).path
        })
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try SpawnedProcess.run(["/usr/bin/env"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }
}
