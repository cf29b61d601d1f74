import Foundation
import ShoalTesting
@testable import Worker

/// A pipeline in a temporary folder: a spec, a tool folder and an input file, with a home.
struct PipelineWorld {
    let folder = TemporaryDirectory("pipeline")
    var home: String { folder.file("home") }
    var specPath: String { folder.file("pipeline.yaml") }

    /// A diamond: words → (upper, count) → report. `extra` is appended to every task.
    static let diamond = """
        version: 1
        name: diamond
        inputs:
          text: data/words.txt
        tasks:
          - id: words
            tool: tool
            run: [sh, split.sh]
            inputs: {text: {from: inputs.text}}
            outputs: [list]
          - id: upper
            tool: tool
            run: [sh, upper.sh]
            inputs: {list: {from: words.list}}
            outputs: [list]
          - id: count
            run: [sh, -c, "wc -l < /inputs/list/words > /outputs/n/count"]
            inputs: {list: {from: words.list}}
            outputs: [n]
          - id: report
            run: [sh, -c, "cat /inputs/n/count /inputs/upper/words > /outputs/r/report"]
            inputs: {n: {from: count.n}, upper: {from: upper.list}}
            outputs: [r]
        """

    init(spec: String = PipelineWorld.diamond) throws {
        try folder.mkdir("tool")
        try folder.write("tool/split.sh", text: "tr ' ' '\\n' < /inputs/text > /outputs/list/words\n")
        try folder.write("tool/upper.sh", text: "tr a-z A-Z < /inputs/list/words > /outputs/list/words\n")
        try folder.mkdir("data")
        try folder.write("data/words.txt", text: "alpha beta gamma\n")
        try folder.write("pipeline.yaml", text: spec)
    }

    func options(noCache: Bool = false, keepGoing: Bool = false) -> LocalRun.Options {
        LocalRun.Options(home: home, noCache: noCache, keepGoing: keepGoing, concurrency: 2)
    }

    func run(noCache: Bool = false, keepGoing: Bool = false) async throws -> RunReport {
        try await LocalRun.run(.spec(specPath), options: options(noCache: noCache, keepGoing: keepGoing))
    }

    func task(_ report: RunReport, _ id: String) -> RunReport.Task? { report.tasks.first { $0.id == id } }
}
