import Foundation
import Testing

/// `Runners/datakit` (`stats`) in the real sandbox: every count checked against one computed here from the
/// same generated tokens, ties in the top list broken by code points.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct StatsTests {
    @Test func countsAndTopTokensMatchAnIndependentCount() async throws {
        var generator = FixtureGenerator(seed: 5)
        let words = (0..<12).map { _ in generator.word() }
        var files: [String: String] = [:]
        var counts: [String: Int] = [:]
        var perLine: [Int] = []
        var characters = 0
        for file in ["one.txt", "two/three.txt"] {
            var lines: [String] = []
            for _ in 0..<40 {
                // Skewed draws (the minimum of two), so the counts differ and some tie.
                let count = Int(generator.below(9))
                let tokens = (0..<count).map { _ in words[Int(min(generator.below(12), generator.below(12)))] }
                tokens.forEach { counts[$0, default: 0] += 1 }
                perLine.append(count)
                let line = tokens.joined(separator: " ")
                characters += line.unicodeScalars.count
                lines.append(line)
            }
            files[file] = lines.joined(separator: "\n") + "\n"
        }
        let total = perLine.reduce(0, +)
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }

        let run = try await runTwiceExpectingIdenticalOutputs(
            "stats", ["python3", "stats.py", "--top", "5"], inputs: ["tokens": .folder(files)], outputs: ["stats"])
        let stats = try run.json("stats", "stats.json")
        #expect(stats["files"] as? Int == 2)
        #expect(stats["lines"] as? Int == 80)
        #expect(stats["empty_lines"] as? Int == perLine.filter { $0 == 0 }.count)
        #expect(stats["tokens"] as? Int == total)
        #expect(stats["types"] as? Int == counts.count)
        #expect(stats["characters"] as? Int == characters)
        let perLineStats = try #require(stats["tokens_per_line"] as? [String: Any])
        #expect(perLineStats["max"] as? Int == perLine.max())
        #expect(abs((perLineStats["mean"] as? Double ?? -1) - Double(total) / 80) < 1e-6)
        let sorted = perLine.sorted()
        #expect(perLineStats["median"] as? Double == Double(sorted[39] + sorted[40]) / 2)
        let top = try #require(stats["top"] as? [[String: Any]])
        #expect(top.map { $0["token"] as? String ?? "" } == ranked.prefix(5).map(\.key))
        #expect(top.map { $0["count"] as? Int ?? -1 } == ranked.prefix(5).map(\.value))
        let perFile = try #require(stats["per_file"] as? [[String: Any]])
        #expect(perFile.map { $0["file"] as? String ?? "" } == ["one.txt", "two/three.txt"])
        #expect(run.stdout == "stats: \(total) tokens, \(counts.count) types, 80 lines in 2 files\n")
    }

    @Test func anEmptyCorpusFileGivesZerosNotAnError() async throws {
        let run = try await runTool("stats", ["python3", "stats.py"], inputs: ["tokens": .file("")], outputs: ["stats"])
        #expect(run.succeeded, "\(run.stderr)")
        let stats = try run.json("stats", "stats.json")
        #expect(stats["tokens"] as? Int == 0 && stats["lines"] as? Int == 0)
        #expect(stats["type_token_ratio"] as? Double == 0)
        #expect((stats["top"] as? [Any])?.isEmpty == true)
    }

    @Test func badInputsFailWithOneLine() async throws {
        expectCleanFailure(
            try await runTool("stats", ["python3", "stats.py", "--top", "-1"], inputs: ["tokens": .file("a\n")], outputs: ["stats"]),
            "stats: parameter 'top' must be >= 0 (got -1)")
        expectCleanFailure(
            try await runTool("stats", ["python3", "stats.py"], inputs: ["tokens": .folder([".hidden": "a\n"])], outputs: ["stats"]),
            "stats: input 'tokens' holds no text files")
        expectCleanFailure(
            try await runTool("stats", ["python3", "stats.py", "extra"], inputs: ["tokens": .file("a\n")], outputs: ["stats"]),
            "stats: unexpected argument 'extra'")
    }
}
