import Foundation
import IPLD
import ShoalTesting

/// A folder with pipelines, tools (shell and Python written here) and data, and a fresh
/// `SHOAL_HOME`, driven through the real `shoal` binary.
struct Workspace {
    let folder = TemporaryDirectory("e2e")
    let shoal: ShoalProcess
    var home: String { folder.file("home") }

    init() throws {
        shoal = try ShoalProcess(home: folder.file("home"))
        try folder.mkdir("tools/text")
        try folder.write("tools/text/clean.py", text: """
            import os, sys
            seen, out = set(), []
            for line in open("/inputs/corpus", encoding="utf-8"):
                line = line.strip().lower()
                if line and line not in seen:
                    seen.add(line)
                    out.append(line)
            open("/outputs/clean/lines.txt", "w").write("\\n".join(out) + "\\n")
            print(f"kept {len(out)} lines", file=sys.stderr)
            """)
        try folder.write("tools/text/vocab.py", text: """
            import collections, json
            counts = collections.Counter(open("/inputs/text/lines.txt").read().split())
            json.dump(dict(sorted(counts.items())), open("/outputs/vocab/vocab.json", "w"), sort_keys=True)
            """)
        try folder.mkdir("data")
        // Deterministic text from SplitMix64: 40 lines of 6 words from a small vocabulary.
        let words = ["alpha", "beta", "gamma", "delta", "Alpha", "epsilon", "zeta", "eta"]
        let bytes = SplitMix64.bytes(seed: 42, count: 240)
        var lines: [String] = []
        for line in 0..<40 {
            var picked: [String] = []
            for word in 0..<6 {
                let index = Int(bytes[line * 6 + word]) % 4 + (line % 2) * 4
                picked.append(words[index])
            }
            lines.append(picked.joined(separator: " "))
        }
        let text = (lines + lines[0..<10]).joined(separator: "\n") + "\n"
        try folder.write("data/corpus.txt", text: text)
    }

    /// Writes a spec file and returns its name.
    @discardableResult
    func spec(_ name: String, _ text: String) throws -> String {
        try folder.write(name, text: text)
        return name
    }

    /// `shoal ARGUMENTS` in the workspace folder.
    func run(_ arguments: String...) throws -> ShoalProcess.Result {
        try shoal.run(arguments, in: folder.path)
    }

    func run(_ arguments: [String]) throws -> ShoalProcess.Result {
        try shoal.run(arguments, in: folder.path)
    }

    /// The diamond: clean → (stats, vocab) → report.
    static let diamond = """
        version: 1
        name: text-diamond
        inputs:
          corpus: data/corpus.txt
        tasks:
          - id: clean
            tool: tools/text
            run: [python3, clean.py]
            inputs: {corpus: {from: inputs.corpus}}
            outputs: [clean]
          - id: stats
            run: [sh, -c, "wc -l < /inputs/text/lines.txt > /outputs/stats/lines"]
            inputs: {text: {from: clean.clean}}
            outputs: [stats]
          - id: vocab
            tool: tools/text
            run: [python3, vocab.py]
            inputs: {text: {from: clean.clean}}
            outputs: [vocab]
          - id: report
            run: [sh, -c, "cat /inputs/stats/lines /inputs/vocab/vocab.json > /outputs/report/report.txt"]
            inputs: {stats: {from: stats.stats}, vocab: {from: vocab.vocab}}
            outputs: [report]
        """
}

/// One task of a `shoal run --json` document.
struct TaskReport {
    let object: [String: Any]
    var id: String { object["id"] as? String ?? "" }
    var state: String { object["state"] as? String ?? "" }
    var reason: String? { object["reason"] as? String }
    var message: String? { object["message"] as? String }
    var attempts: Int { object["attempts"] as? Int ?? -1 }
    var cached: Bool { object["cached"] as? Bool ?? false }
    var outputs: [String: String] { object["outputs"] as? [String: String] ?? [:] }
    var step: String? { object["step"] as? String }
    var original: String? { object["original"] as? String }
    var recipe: String? { object["recipe"] as? String }
}

/// A parsed `shoal run --json` document.
struct RunDocument {
    let object: [String: Any]

    init(_ result: ShoalProcess.Result) throws {
        object = try result.json()
    }

    var run: String { object["run"] as? String ?? "" }
    var state: String { object["state"] as? String ?? "" }
    var tasks: [TaskReport] { (object["tasks"] as? [[String: Any]] ?? []).map(TaskReport.init) }
    subscript(task: String) -> TaskReport? { tasks.first { $0.id == task } }
}
