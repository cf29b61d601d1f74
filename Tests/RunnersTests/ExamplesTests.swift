import Foundation
import Pipeline
import Testing

/// The pipelines under `Examples/`: each loads and validates, names tools from `Runners/`, has a
/// README with the `shoal run` command, and gives (task by task in the sandbox) the outputs its
/// README shows.
struct ExamplesTests {
    static let examples = ["hello", "text-preprocess", "train-small"]

    @Test(arguments: examples)
    func loadsAndUsesToolsFromThisRepository(example: String) throws {
        let url = PackagePaths.examples.appendingPathComponent(example).appendingPathComponent("pipeline.yaml")
        let spec = try SpecLoader.load(contentsOf: url)
        #expect(spec.name == example)
        for task in spec.tasks {
            guard case .path(let tool) = task.tool else {
                Issue.record("\(example)/\(task.id): the tool should be a folder of Runners/")
                continue
            }
            #expect(tool.written.hasPrefix("../../Runners/"))
            #expect(URL(fileURLWithPath: tool.resolved).deletingLastPathComponent().standardizedFileURL == PackagePaths.runners)
        }
        for input in spec.inputs {
            guard case .path(let path) = input.source else { continue }
            #expect(FileManager.default.fileExists(atPath: path.resolved), "\(example): input \(input.name)")
        }
        let readme = try String(contentsOf: url.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("shoal run Examples/\(example)/pipeline.yaml"))
    }

    @Test func examplesRunInDependencyOrder() throws {
        func order(_ example: String) throws -> [String] {
            try TaskGraph(SpecLoader.load(
                contentsOf: PackagePaths.examples.appendingPathComponent(example).appendingPathComponent("pipeline.yaml"))).order
        }
        #expect(try order("hello") == ["greet"])
        #expect(try order("text-preprocess") == ["dedupe", "tokenize", "stats"])
        #expect(try order("train-small") == ["split", "train", "evaluate"])
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func helloGreetsTheThreeNames() async throws {
        let outcome = try await ExampleDriver(example: "hello").run()
        #expect(outcome.text("greet", "greetings", "greetings.txt")
            == "Hello, Ada Lovelace!\nHello, Grace Hopper!\nHello, Katherine Johnson!\n")
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func textPreprocessGivesTheCountsInItsReadme() async throws {
        let outcome = try await ExampleDriver(example: "text-preprocess").run()
        let report = try outcome.json("dedupe", "report", "report.json")
        #expect(report["lines"] as? Int == 458 && report["kept"] as? Int == 316)
        #expect(report["removed"] as? [String: Int] == ["blank": 38, "exact": 70, "near": 34])
        #expect(outcome.outputs["dedupe"]?["clean"]?.keys.sorted()
            == ["reserve-north.txt", "reserve-south.txt", "river-log.txt", "volunteers.txt"])
        let vocab = try outcome.json("tokenize", "vocab", "vocab.json")
        #expect(vocab["tokens"] as? Int == 5274 && vocab["types"] as? Int == 125)
        let stats = try outcome.json("stats", "stats", "stats.json")
        #expect(stats["lines"] as? Int == 316 && stats["tokens"] as? Int == 5274)
        #expect((stats["top"] as? [[String: Any]])?.first?["token"] as? String == "the")
        #expect(outcome.stdout["stats"] == "stats: 5274 tokens, 125 types, 316 lines in 4 files\n")
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func trainSmallGivesTheMetricsInItsReadme() async throws {
        let outcome = try await ExampleDriver(example: "train-small").run()
        #expect(outcome.stdout["split"] == "split: 450 training and 150 validation rows of 600 (seed 42)\n")
        let training = try outcome.json("train", "metrics", "metrics.json")
        #expect(training["accuracy"] as? Double == 0.844444)
        let metrics = try outcome.json("evaluate", "metrics", "metrics.json")
        #expect(metrics["examples"] as? Int == 150)
        #expect(metrics["accuracy"] as? Double == 0.886667)
        #expect(metrics["loss"] as? Double == 0.287307)
        #expect(metrics["confusion"] as? [String: Int] == [
            "true_positive": 61, "false_positive": 7, "true_negative": 72, "false_negative": 10,
        ])
    }
}
