import BlockStore
import Foundation
import IPLD
import JobStore
import Provenance
import ShoalTesting
import Spawning
import Testing

/// `shoal lineage`, `shoal verify [--rerun]` and `shoal provenance export` on what `shoal run` recorded.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"))
struct ShoalAuditTests {
    /// Runs the diamond and returns the workspace and its run document.
    func diamond() throws -> (Workspace, RunDocument) {
        let workspace = try Workspace()
        try workspace.spec("diamond.yaml", Workspace.diamond)
        let result = try workspace.run("run", "diamond.yaml", "--json")
        guard result.status == 0 else { throw ShoalProcessError("run failed: \(result)") }
        return (workspace, try RunDocument(result))
    }

    /// The CID the corpus was added as (what lineage must reach).
    func corpusCID(_ workspace: Workspace) throws -> String {
        try workspace.run("add", "--only-hash", "-Q", "data/corpus.txt").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func lineageOfTheFinalOutputReachesTheRawInput() throws {
        let (workspace, run) = try diamond()
        let report = try #require(run["report"]?.outputs["report"])
        let tree = try workspace.run("lineage", report)
        #expect(tree.status == 0)
        let corpus = try corpusCID(workspace)
        #expect(tree.stdout.contains("input corpus: data \(corpus) (raw)"), "\(tree.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(try workspace.run("lineage", report, "--format", "json").stdout.utf8))
        let text = "\(json)"
        #expect(text.contains(corpus))
        for task in ["clean", "stats", "vocab", "report"] { #expect(text.contains(try #require(run[task]?.step))) }
        let dot = try workspace.run("lineage", report, "--format", "dot")
        #expect(dot.stdout.hasPrefix("digraph"))
        let shallow = try workspace.run("lineage", report, "--depth", "1")
        #expect(!shallow.stdout.contains(corpus))
    }

    @Test func verifyPassesAndRerunReproduces() throws {
        let (workspace, run) = try diamond()
        let report = try #require(run["report"]?.outputs["report"])
        let verify = try workspace.run("verify", report)
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.hasSuffix("verdict: verified\n"))
        let rerun = try workspace.run("verify", report, "--rerun")
        #expect(rerun.status == 0, "\(rerun)")
        let lines = rerun.stdout.split(separator: "\n").filter { $0.hasPrefix("rerun ") }
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.hasSuffix(": reproduced") })
        let json = try workspace.run("verify", report, "--rerun", "--json").json()
        #expect(json["passed"] as? Bool == true)
        #expect((json["reruns"] as? [[String: Any]])?.allSatisfy { $0["reproduced"] as? Bool == true } == true)
    }

    @Test func verifyDetectsATamperedStepBlock() throws {
        let (workspace, run) = try diamond()
        let step = try CID(try #require(run["vocab"]?.step))
        let path = workspace.home + "/blocks/" + FlatFSKey.relativePath(for: step.multihash)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let verify = try workspace.run("verify", try #require(run["report"]?.outputs["report"]))
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FAILED block \(step): step: block does not hash to its CID"), "\(verify.stdout)")
        #expect(verify.stdout.hasSuffix("verdict: failed\n"))
    }

    @Test func verifyDetectsAForgedAttestation() throws {
        let (workspace, run) = try diamond()
        let step = try CID(try #require(run["stats"]?.step))
        // Someone adds an attestation that claims this node's key but is signed by another.
        let node = try workspace.run("id").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let impostor = try NodeIdentity(seed: [UInt8](repeating: 9, count: 32))
        let forged = Attestation(step: step, signer: node, sig: IPLDBytes(try impostor.signature(for: step.bytes)))
        let block = try forged.block()
        try Repo(home: workspace.home).write { try $0.put(block) }
        try JobStore(home: workspace.home).provenanceIndex.recordAttestation(block.cid, of: step)
        let verify = try workspace.run("verify", try #require(run["report"]?.outputs["report"]), "--json")
        #expect(verify.status == 1)
        let document = try verify.json()
        let report = try #require(document["report"] as? [String: Any])
        #expect(report["verdict"] as? String == "failed")
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["status"] as? String == "failed" && $0["cid"] as? String == block.cid.string }, "\(findings)")
    }

    @Test func verifyReportsAMissingBlockAsUnverifiable() throws {
        let (workspace, run) = try diamond()
        let recipe = try CID(try #require(run["clean"]?.recipe))
        try FileManager.default.removeItem(atPath: workspace.home + "/blocks/" + FlatFSKey.relativePath(for: recipe.multihash))
        let verify = try workspace.run("verify", try #require(run["report"]?.outputs["report"]))
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("UNVERIFIABLE"), "\(verify.stdout)")
        #expect(verify.stdout.contains(recipe.string))
        #expect(!verify.stdout.hasSuffix("verdict: verified\n"))
    }

    @Test(.enabled(if: ExportChecker.isAvailable, "needs python3 -m pip install 'securesystemslib[crypto]' prov"))
    func exportsVerifyWithIndependentImplementations() throws {
        let workspace = try Workspace()
        try workspace.spec("train.yaml", """
            version: 1
            name: train
            inputs: {corpus: data/corpus.txt}
            tasks:
              - id: clean
                tool: tools/text
                run: [python3, clean.py]
                inputs: {corpus: {from: inputs.corpus}}
                outputs: [clean]
              - id: train
                tool: tools/text
                run: [sh, -c, "wc -w /inputs/data/lines.txt > /outputs/model/weights; echo '{\\"loss\\": 0.1}' > /outputs/metrics/m.json"]
                inputs: {data: {from: clean.clean}}
                outputs: [model, metrics]
            """)
        let run = try RunDocument(try workspace.run("run", "train.yaml", "--json"))
        #expect(run.state == "succeeded")
        let model = try CID(try #require(run["train"]?.outputs["model"]))
        let metrics = try CID(try #require(run["train"]?.outputs["metrics"]))
        let clean = try #require(run["clean"]?.outputs["clean"])
        let envelope = try workspace.run("provenance", "export", model.string, "--format", "in-toto")
        #expect(envelope.status == 0, "\(envelope)")
        let prov = try workspace.run("provenance", "export", model.string, "--format", "prov-json")
        #expect(prov.status == 0, "\(prov)")
        let node = try workspace.run("id").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let tool = try workspace.run("add", "-r", "--only-hash", "-Q", "tools/text").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let hex = { (cid: CID) in cid.multihash.digest.map { String(format: "%02x", $0) }.joined() }
        let expected: [String: Any] = [
            "keyid": node, "builder": node, "invocationId": try #require(run["train"]?.step),
            "subjects": ["model": hex(model), "metrics": hex(metrics)],
            "steps": [try #require(run["clean"]?.step), try #require(run["train"]?.step)],
            "outputs": [clean, model.string, metrics.string],
            "inputs": [try corpusCID(workspace), tool, clean],
            "derivations": 6,   // clean: 1 output × (tool + 1 input); train: 2 outputs × (tool + 1 input)
        ]
        let check = try ExportChecker.check(envelope: envelope.stdout, prov: prov.stdout, expected: expected)
        #expect(check.status == 0, "check_exports.py: \(check.stderr)")
        #expect(check.stdout.contains("\"signature\": \"verified\""), "\(check.stdout)")
    }
}

/// Runs `Tests/ProvenanceTests/Scripts/check_exports.py` (securesystemslib and prov).
enum ExportChecker {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ProvenanceTests/Scripts/check_exports.py").standardized

    static let isAvailable: Bool = (try? run(["python3", "-c", "import securesystemslib.dsse, prov.model, cryptography"]).status) == 0

    static func check(envelope: String, prov: String, expected: [String: Any]) throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = TemporaryDirectory("exports")
        try folder.write("envelope.json", text: envelope)
        try folder.write("prov.json", text: prov)
        try folder.write("expected.json", try Array(JSONSerialization.data(withJSONObject: expected)))
        return try run(["python3", script.path, folder.file("envelope.json"), folder.file("prov.json"), folder.file("expected.json")])
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try SpawnedProcess.run(["/usr/bin/env"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }
}
