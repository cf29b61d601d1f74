import Foundation
import Testing

/// `Runners/datakit` (`dedupe`) in the real sandbox: planted exact, normalized and near duplicates go, every
/// other line stays, in order; the report counts them; reruns are byte-identical.
@Suite(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct DedupeTests {
    /// A two-file corpus with planted duplicates, and what dedupe must keep.
    struct PlantedCorpus {
        var files: [String: String] = [:]
        var kept: [String: [String]] = [:]
        var blank = 0, exact = 0, near = 0
        /// For each planted near duplicate: its (file, line) and the (file, line) of its original.
        var nearOrigins: [(file: String, line: Int, originFile: String, originLine: Int)] = []
    }

    static func plantedCorpus() -> PlantedCorpus {
        var generator = FixtureGenerator(seed: 11)
        var corpus = PlantedCorpus()
        var originals: [(text: String, file: String, line: Int)] = []
        for file in ["a.txt", "sub/b.txt"] {
            var lines: [String] = []
            var kept: [String] = []
            for _ in 0..<60 {
                let roll = generator.below(100)
                if !originals.isEmpty && roll < 10 {
                    lines.append(originals[Int(generator.below(UInt64(originals.count)))].text)
                    corpus.exact += 1
                } else if !originals.isEmpty && roll < 18 {
                    // Same words, other case, spacing and punctuation: a duplicate once normalized.
                    let original = originals[Int(generator.below(UInt64(originals.count)))].text
                    lines.append("  " + original.uppercased().replacingOccurrences(of: " ", with: "  ") + "!!")
                    corpus.exact += 1
                } else if !originals.isEmpty && roll < 28 {
                    // One letter changed in the middle of a 14-word line: Jaccard of 5-shingles ≈ 0.9.
                    let original = originals[Int(generator.below(UInt64(originals.count)))]
                    var characters = Array(original.text)
                    var position = characters.count / 2
                    while characters[position] == " " { position += 1 }
                    characters[position] = characters[position] == "q" ? "z" : "q"
                    lines.append(String(characters))
                    corpus.near += 1
                    corpus.nearOrigins.append((file, lines.count, original.file, original.line))
                } else if !originals.isEmpty && roll < 34 {
                    // Half the words replaced: similar, but far below the threshold, so it stays.
                    let original = originals[Int(generator.below(UInt64(originals.count)))].text
                    let words = original.split(separator: " ").enumerated().map { index, word in
                        index % 2 == 0 ? String(word) : generator.word()
                    }
                    let line = words.joined(separator: " ")
                    lines.append(line)
                    kept.append(line)
                    originals.append((line, file, lines.count))
                } else {
                    let line = generator.line(words: 14)
                    lines.append(line)
                    kept.append(line)
                    originals.append((line, file, lines.count))
                }
                if generator.below(10) == 0 {
                    lines.append(generator.below(2) == 0 ? "" : "   \t")
                    corpus.blank += 1
                }
            }
            corpus.files[file] = lines.joined(separator: "\n") + "\n"
            corpus.kept[file] = kept
        }
        return corpus
    }

    @Test func removesThePlantedDuplicatesAndKeepsEverythingElseInOrder() async throws {
        let corpus = Self.plantedCorpus()
        #expect(corpus.exact > 5 && corpus.near > 5 && corpus.blank > 3, "the fixture plants too few duplicates")
        let run = try await runTwiceExpectingIdenticalOutputs(
            "dedupe", ["python3", "dedupe.py", "--threshold", "0.8", "--examples", "100"],
            inputs: ["corpus": .folder(corpus.files)], outputs: ["clean", "report"])

        #expect(run.outputs["clean"]?.keys.sorted() == ["a.txt", "sub/b.txt"])
        for file in ["a.txt", "sub/b.txt"] {
            let expected = (corpus.kept[file] ?? []).map { $0 + "\n" }.joined()
            #expect(run.text("clean", file) == expected, "\(file)")
        }
        let report = try run.json("report", "report.json")
        let removed = try #require(report["removed"] as? [String: Int])
        #expect(removed == ["blank": corpus.blank, "exact": corpus.exact, "near": corpus.near])
        let total = corpus.files.values.map { $0.split(separator: "\n", omittingEmptySubsequences: false).count - 1 }.reduce(0, +)
        #expect(report["lines"] as? Int == total)
        #expect(report["kept"] as? Int == corpus.kept.values.map(\.count).reduce(0, +))

        let examples = try #require(report["near_duplicates"] as? [[String: Any]])
        #expect(examples.count == corpus.near)
        for (example, planted) in zip(examples, corpus.nearOrigins) {
            let origin = example["duplicate_of"] as? [String: Any]
            #expect(example["file"] as? String == planted.file && example["line"] as? Int == planted.line)
            #expect(origin?["file"] as? String == planted.originFile && origin?["line"] as? Int == planted.originLine)
            let jaccard = try #require(example["jaccard"] as? Double)
            #expect(jaccard >= 0.8 && jaccard < 1)
        }
        #expect(run.stdout.hasPrefix("dedupe: kept \(report["kept"] as? Int ?? -1) of \(total) lines in 2 files"))
    }

    @Test func aHigherThresholdKeepsNearDuplicatesButStillRemovesExactOnes() async throws {
        let corpus = Self.plantedCorpus()
        let run = try await runTool(
            "dedupe", ["python3", "dedupe.py"], inputs: ["corpus": .folder(corpus.files)],
            params: #"{"threshold": 0.95}"#, outputs: ["clean", "report"])
        #expect(run.succeeded, "\(run.stderr)")
        let report = try run.json("report", "report.json")
        #expect(report["removed"] as? [String: Int] == ["blank": corpus.blank, "exact": corpus.exact, "near": 0])
        #expect((report["params"] as? [String: Any])?["threshold"] as? Double == 0.95)
    }

    @Test func aSingleFileInputIsCleanedUnderItsOwnName() async throws {
        let run = try await runTool(
            "dedupe", ["python3", "dedupe.py"],
            inputs: ["corpus": .file("Café au lait.\r\ncafé AU LAIT\n\nsomething else\n")],
            outputs: ["clean", "report"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.outputs["clean"] == ["corpus": Array("Café au lait.\nsomething else\n".utf8)])
    }

    @Test func badParametersAndInputsFailWithOneLine() async throws {
        let corpus: [String: RunnerInput] = ["corpus": .folder(["a.txt": "one\ntwo\n"])]
        expectCleanFailure(
            try await runTool("dedupe", ["python3", "dedupe.py", "--threshold", "0"], inputs: corpus, outputs: ["clean", "report"]),
            "dedupe: parameter 'threshold' must be > 0")
        expectCleanFailure(
            try await runTool("dedupe", ["python3", "dedupe.py", "--bands", "5"], inputs: corpus, outputs: ["clean", "report"]),
            "dedupe: parameter 'bands' must divide 'permutations'")
        expectCleanFailure(
            try await runTool("dedupe", ["python3", "dedupe.py", "--shingle", "five"], inputs: corpus, outputs: ["clean", "report"]),
            "dedupe: option '--shingle' must be an integer")
        expectCleanFailure(
            try await runTool(
                "dedupe", ["python3", "dedupe.py"], inputs: ["corpus": .bytes([0x6f, 0x6b, 0x0a, 0xff, 0xfe])],
                outputs: ["clean", "report"]),
            "dedupe: corpus/corpus is not UTF-8 text (bad byte at offset 3)")
        expectCleanFailure(
            try await runTool("dedupe", ["python3", "dedupe.py"], inputs: ["corpus": .folder([:])], outputs: ["clean", "report"]),
            "dedupe: input 'corpus' holds no text files")
    }
}
