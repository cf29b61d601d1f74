import Foundation
import ShoalTesting
import Testing

/// The pipelines under `Examples/` through `shoal run`, as the README and each example's README
/// promise: they succeed on the embedded default, give the numbers their READMEs print, re-run as
/// cache hits with the same output CIDs, and their results trace back to the raw data.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"), .serialized)
struct ExamplesRunTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples").path

    let home = TemporaryDirectory("e2e-examples")

    func shoal(_ arguments: String...) throws -> ShoalProcess.Result {
        try ShoalProcess(home: home.file("home")).run(arguments, in: home.path)
    }

    /// Runs an example twice and returns the first run's outputs by `task.output`.
    func runTwice(_ example: String) throws -> [String: String] {
        let spec = "\(Self.examples)/\(example)/pipeline.yaml"
        let first = try shoal("run", spec, "--json")
        #expect(first.status == 0, "\(first)")
        let second = try shoal("run", spec, "--json")
        let tasks = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        let again = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        var outputs: [String: String] = [:]
        for task in tasks?["tasks"] as? [[String: Any]] ?? [] {
            #expect(task["state"] as? String == "succeeded", "\(task)")
            for (name, cid) in task["outputs"] as? [String: String] ?? [:] { outputs["\(task["id"]!).\(name)"] = cid }
        }
        var cached: [String: String] = [:]
        for task in again?["tasks"] as? [[String: Any]] ?? [] {
            #expect(task["state"] as? String == "cached", "\(task)")
            for (name, cid) in task["outputs"] as? [String: String] ?? [:] { cached["\(task["id"]!).\(name)"] = cid }
        }
        #expect(cached == outputs)
        return outputs
    }

    func json(_ path: String) throws -> [String: Any] {
        let cat = try shoal("cat", path)
        #expect(cat.status == 0, "\(cat)")
        return try JSONSerialization.jsonObject(with: Data(cat.stdoutBytes)) as? [String: Any] ?? [:]
    }

    @Test func hello() throws {
        let outputs = try runTwice("hello")
        let greetings = try #require(outputs["greet.greetings"])
        #expect(try shoal("cat", greetings + "/greetings.txt").stdout
            == "Hello, Ada Lovelace!\nHello, Grace Hopper!\nHello, Katherine Johnson!\n")
    }

    @Test func textPreprocessGivesTheREADMEsNumbersAndTracesBackToTheCorpus() throws {
        let outputs = try runTwice("text-preprocess")
        let report = try json(try #require(outputs["dedupe.report"]) + "/report.json")
        #expect(report["lines"] as? Int == 458)
        #expect(report["kept"] as? Int == 316)
        #expect(report["removed"] as? [String: Int] == ["blank": 38, "exact": 70, "near": 34])
        let stats = try json(try #require(outputs["stats.stats"]) + "/stats.json")
        #expect(stats["tokens"] as? Int == 5274)
        #expect(stats["types"] as? Int == 125)
        #expect(stats["lines"] as? Int == 316)

        let corpus = try shoal("add", "-r", "-Q", "--only-hash", "\(Self.examples)/text-preprocess/corpus").line
        let lineage = try shoal("lineage", outputs["stats.stats"]!)
        #expect(lineage.stdout.contains("input corpus: data \(corpus)"), "\(lineage)")
        let verify = try shoal("verify", outputs["stats.stats"]!)
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.contains("verdict: verified"))
    }

    @Test func trainSmallGivesTheREADMEsAccuracy() throws {
        let outputs = try runTwice("train-small")
        let training = try json(try #require(outputs["train.metrics"]) + "/metrics.json")
        #expect(training["accuracy"] as? Double == 0.844444)
        let evaluation = try json(try #require(outputs["evaluate.metrics"]) + "/metrics.json")
        #expect(evaluation["accuracy"] as? Double == 0.886667)
        #expect(evaluation["examples"] as? Int == 150)
    }
}
