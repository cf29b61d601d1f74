import Foundation
import Testing

/// The conventions every Python runner shares through `datakit/toolkit.py`: params from
/// `$SHOAL_PARAMS` overridden by arguments, unknown or ill-typed params refused, missing inputs named.
struct ToolkitTests {
    static let bundles = ["datakit", "hello"]

    @Test func toolFoldersHoldOnlyTheirSourcesAndReadme() throws {
        // A tool folder is added as a CID: a stray cache or editor file would change it.
        let folders = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.runners.path)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        #expect(folders == Self.bundles)
        for tool in Self.bundles {
            let files = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.tool(tool)).sorted()
            #expect(files.contains("README.md"), "\(tool) has no README.md")
            #expect(files.allSatisfy { $0 == "README.md" || $0.hasSuffix(".py") || $0.hasSuffix(".sh") }, "\(tool): \(files)")
        }
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func paramsComeFromTheParamsFileAndArgumentsWin() async throws {
        let tokens: [String: RunnerInput] = ["tokens": .file("a a a b b c\n")]
        func top(_ arguments: [String], params: String?) async throws -> [String] {
            let run = try await runTool("stats", ["python3", "stats.py"] + arguments, inputs: tokens, params: params, outputs: ["stats"])
            #expect(run.succeeded, "\(run.stderr)")
            return try #require(try run.json("stats", "stats.json")["top"] as? [[String: Any]]).compactMap { $0["token"] as? String }
        }
        #expect(try await top([], params: nil) == ["a", "b", "c"])
        #expect(try await top([], params: #"{"top": 2}"#) == ["a", "b"])
        #expect(try await top(["--top", "1"], params: #"{"top": 2}"#) == ["a"])
        #expect(try await top(["--top=1"], params: nil) == ["a"])
        #expect(try await top([], params: #"{"top": 2.0}"#) == ["a", "b"])
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func badParamsFilesAreRefusedWithOneLine() async throws {
        let tokens: [String: RunnerInput] = ["tokens": .file("a\n")]
        for (params, message) in [
            (#"{"top": 2, "bottom": 1}"#, "stats: unknown parameter 'bottom' in /inputs/.params.json (known: top)"),
            ("[1, 2]", "stats: the params file /inputs/.params.json must hold a JSON object, not a list"),
            ("{top: 2}", "stats: the params file /inputs/.params.json is not valid JSON"),
            (#"{"top": "many"}"#, "stats: parameter 'top' must be an integer (got 'many')"),
            (#"{"top": true}"#, "stats: parameter 'top' must be an integer (got true)"),
            (#"{"top": 2.5}"#, "stats: parameter 'top' must be an integer (got 2.5)"),
        ] {
            expectCleanFailure(
                try await runTool("stats", ["python3", "stats.py"], inputs: tokens, params: params, outputs: ["stats"]), message)
        }
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func outputsDoNotDependOnTheHashSeed() async throws {
        // Sets and dicts of strings iterate in an order that changes with Python's hash seed; the
        // tools that count and bucket strings must sort or use order-free reductions instead.
        var generator = FixtureGenerator(seed: 8)
        let lines = (0..<80).map { _ in generator.line(words: 10) }
        let text = (lines + lines.prefix(10).map { $0.uppercased() } + lines.suffix(10).map { $0 + "x" })
            .joined(separator: "\n") + "\n"
        let cases: [(tool: String, command: [String], input: String, outputs: [String])] = [
            ("dedupe", ["python3", "dedupe.py"], "corpus", ["clean", "report"]),
            ("tokenize", ["python3", "tokenizer.py"], "text", ["tokens", "vocab"]),
            ("stats", ["python3", "stats.py", "--top", "50"], "tokens", ["stats"]),
        ]
        for (tool, command, input, outputs) in cases {
            var seen: [[String: [String: [UInt8]]]] = []
            for seed in ["1", "2", "3"] {
                let run = try await runTool(
                    tool, command, inputs: [input: .file(text)], outputs: outputs, environment: ["PYTHONHASHSEED": seed])
                #expect(run.succeeded, "\(tool): \(run.stderr)")
                seen.append(run.outputs)
            }
            #expect(seen.allSatisfy { $0 == seen[0] }, "\(tool): outputs differ between hash seeds")
        }
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func helpListsTheParametersAndSucceeds() async throws {
        let run = try await runTool("train-linear", ["python3", "train.py", "--help"], outputs: [])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("usage: python3 train.py"))
        for name in ["--label", "--features", "--epochs", "--learning-rate", "--l2", "--batch-size", "--seed"] {
            #expect(run.stdout.contains("  \(name) ("), "\(name) missing from --help")
        }
    }

    @Test(.enabled(if: runningAsRoot, "the sandbox launcher needs root"))
    func everyToolNamesAMissingInput() async throws {
        let cases: [(tool: String, command: [String], input: String)] = [
            ("dedupe", ["python3", "dedupe.py"], "corpus"),
            ("tokenize", ["python3", "tokenizer.py"], "text"),
            ("stats", ["python3", "stats.py"], "tokens"),
            ("split", ["python3", "split.py"], "data"),
            ("train-linear", ["python3", "train.py"], "train"),
            ("evaluate", ["python3", "evaluate.py"], "model"),
            ("hello", ["sh", "hello.sh"], "names"),
        ]
        for (tool, command, input) in cases {
            let run = try await runTool(tool, command, inputs: ["unrelated": .file("x\n")], outputs: ["out"])
            expectCleanFailure(run, "\(tool): input '\(input)' is missing (expected a file or folder at /inputs/\(input))")
        }
    }
}
