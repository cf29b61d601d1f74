import Units
import Foundation
import IPLD
import ShoalTesting
import Testing
@testable import Pipeline

@Suite struct SpecLoaderTests {
    let corpusCID = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
    let dirCID = "bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby"
    let v0CID = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"

    @Test(arguments: Fixtures.names(in: "valid"))
    func everyValidFixtureLoads(name: String) throws {
        let spec = try Fixtures.load("valid", name)
        #expect(!spec.tasks.isEmpty)
    }

    @Test func canonicalShapeIsReadFieldByField() throws {
        let spec = try Fixtures.load("valid", "canonical.yaml")
        #expect(spec.name == "clean-and-train")
        #expect(spec.inputs.map(\.name) == ["corpus", "vocab"])
        let corpus = Fixtures.directory.appendingPathComponent("data/corpus.txt").path
        #expect(spec.inputs[0].source == .path(SpecPath(written: "../data/corpus.txt", resolved: corpus)))
        #expect(spec.inputs[1].source == .cid(try CID(corpusCID)))

        let dedupe = try #require(spec.task("dedupe"))
        let tool = Fixtures.directory.appendingPathComponent("tools/dedupe").path
        #expect(dedupe.tool == .path(SpecPath(written: "../tools/dedupe", resolved: tool)))
        #expect(dedupe.run == ["python3", "dedupe.py", "--threshold", "{{params.threshold}}"])
        #expect(dedupe.inputs == [TaskInput(name: "corpus", source: .pipelineInput("corpus"))])
        #expect(dedupe.params == ["threshold": .float(0.95)])
        #expect(dedupe.outputs == ["clean"])
        #expect(dedupe.resources == Resources(
            cpu: 1, memory: ByteSize(bytes: 512 << 20), disk: ByteSize(bytes: 2 << 30),
            timeout: DurationSpec(milliseconds: 600_000)))
        #expect(dedupe.network == .none)
        #expect(dedupe.locality == .preferred)
        #expect(dedupe.cache)

        let train = try #require(spec.task("train"))
        #expect(train.inputs.map(\.source) == [.taskOutput(task: "dedupe", output: "clean"), .pipelineInput("vocab")])
        #expect(train.upstreamTaskIDs == ["dedupe"])
        #expect(train.outputs == ["model", "metrics"])
    }

    @Test func everyFieldIsRead() throws {
        let spec = try Fixtures.load("valid", "everything.yaml")
        #expect(spec.inputs.map(\.isPrivate) == [false, true, false])
        #expect(spec.importSettings == ImportSettings(cidVersion: 1, rawLeaves: true, chunkSize: 1 << 20, layout: .trickle))
        let task = try #require(spec.task("analyze"))
        #expect(task.tool == .cid(try CID(dirCID)))
        // Numbers and booleans in run: and env: mean their written text.
        #expect(task.run.suffix(2) == ["7", "true"])
        #expect(task.env == ["MODE": "strict", "DEPTH": "{{params.model.depth}}", "THREADS": "4",
                             "PUBLIC_CID": "{{inputs.public.cid}}"])
        #expect(task.params == [
            "name": .string("no"),
            "model": .map(["depth": .int(3), "rate": .float(0.001), "layers": .list([.int(64), .int(32)])]),
            "enabled": .bool(true),
        ])
        #expect(task.outputs == ["summary", "summary.v2"])
        #expect(task.resources == Resources(
            cpu: 2, memory: ByteSize(bytes: 1 << 30), disk: ByteSize(bytes: 100_000_000),
            timeout: DurationSpec(milliseconds: 5_400_000), pids: 64))
        #expect(task.network == .loopback)
        #expect(!task.cache)
        #expect(task.retries == 2)
        #expect(task.constraints.map(\.description) == ["region=eu", "gpu exists", "tier!=spot", "legacy !exists"])
        #expect(task.queueTimeout == DurationSpec(milliseconds: 7_200_000))
        // Reading a private input implies compute-to-data placement.
        #expect(task.locality == .required)
        #expect(spec.task("publish")?.locality == .any)
    }

    @Test func fpsShapeMeansTheCanonicalShape() throws {
        let spec = try Fixtures.load("valid", "fps.yaml")
        let count = try #require(spec.task("count"))
        #expect(count.tool == .cid(try CID(dirCID)))
        #expect(count.run.first == "sh")
        // A list of CIDs becomes inputs named by the CID, read from pipeline inputs of the same name.
        #expect(count.inputs.map(\.name) == [v0CID, corpusCID])
        #expect(count.inputs.map(\.source) == [.pipelineInput(v0CID), .pipelineInput(corpusCID)])
        #expect(spec.inputs == [
            PipelineInput(name: v0CID, source: .cid(try CID(v0CID))),
            PipelineInput(name: corpusCID, source: .cid(try CID(corpusCID))),
        ])
        #expect(count.outputs == ["counts"])
        #expect(spec.task("summarize")?.outputs == ["summary"])
    }

    @Test func jsonSpecsLoadWithLocations() throws {
        let spec = try Fixtures.load("valid", "spec.json")
        let upper = try #require(spec.task("upper"))
        #expect(upper.params == [
            "mode": .string("fast"), "level": .int(3), "ratio": .float(0.5), "strict": .bool(true),
            "tags": .list([.string("a"), .string("b")]),
        ])
        #expect(upper.resources.memory == ByteSize(bytes: 256 << 20))
        #expect(upper.resources.cpu == 0.5)
        #expect(!upper.cache)
        // Compact JSON (no spaces) parses too, and errors in it are located.
        let compact = #"{"version":1,"tasks":[{"id":"a","run":["x"],"oops":1}]}"#
        let error = try #require(throws: PipelineError.self) {
            try SpecLoader.load(text: compact, file: "c.json", baseDirectory: nil)
        }
        #expect(error.diagnostics.map(\.description) == [
            "c.json:1:45: tasks[0].oops: unknown field 'oops': a task has fields id, tool, run, engine, inputs, params, "
                + "outputs, resources, network, locality, cache, env, retries, constraints, queueTimeout",
        ])
    }

    @Test func nameDefaultsToTheFileName() throws {
        #expect(try Fixtures.load("valid", "minimal.yaml").name == "minimal")
        let url = Fixtures.url("valid", "minimal.yaml")
        #expect(try SpecLoader.load(contentsOf: url).name == "minimal")
    }

    @Test func yamlCoreSchemaKeepsNorwayAString() throws {
        let text = "version: 1\ntasks:\n  - id: a\n    run: [echo]\n    params: {country: no, on: on, date: 2024-01-01, t: true}\n"
        let spec = try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: nil)
        #expect(spec.tasks[0].params == [
            "country": .string("no"), "on": .string("on"), "date": .string("2024-01-01"), "t": .bool(true),
        ])
    }

    @Test func serversCanRefuseLocalPaths() throws {
        let text = "version: 1\ninputs: {d: ./data.csv}\ntasks:\n  - id: a\n    tool: ./tool\n    run: [x]\n"
        let error = try #require(throws: PipelineError.self) {
            try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: nil)
        }
        #expect(error.diagnostics.map(\.description) == [
            "p.yaml:2:13: inputs.d: local paths are not accepted here: add './data.csv' to the store and use its CID",
            "p.yaml:5:11: tasks[0].tool: local paths are not accepted here: add './tool' to the store and use its CID",
        ])
    }

    @Test func pathsNeedNotExistWhenNotChecked() throws {
        let text = "version: 1\ninputs: {d: ./nowhere.csv}\ntasks:\n  - id: a\n    run: [x]\n    inputs: {d: {from: inputs.d}}\n"
        let base = URL(fileURLWithPath: "/tmp/specs")
        let spec = try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: base,
                                       options: .init(checksPathsExist: false))
        #expect(spec.inputs[0].source == .path(SpecPath(written: "./nowhere.csv", resolved: "/tmp/specs/nowhere.csv")))
    }

    @Test func replacingLocalPathsGivesCIDs() throws {
        let spec = try Fixtures.load("valid", "canonical.yaml")
        let cid = try CID(corpusCID)
        var seen: [String] = []
        let resolved = spec.replacingLocalPaths { path in
            seen.append(path.written)
            return cid
        }
        #expect(seen == ["../data/corpus.txt", "../tools/dedupe", "../tools/train"])
        #expect(resolved.inputs[0].source == .cid(cid))
        #expect(resolved.tasks.map(\.tool) == [.cid(cid), .cid(cid)])
    }

    @Test func unreadableFilesGiveOneLineErrors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/pipeline.yaml")
        #expect(throws: PipelineError(.unreadableSpec, "/nonexistent/pipeline.yaml: no such file")) {
            try SpecLoader.load(contentsOf: missing)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-spec-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("binary.yaml")
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: binary)
        #expect(throws: PipelineError(.unreadableSpec, "\(binary.relativePath): not UTF-8 text")) {
            try SpecLoader.load(contentsOf: binary)
        }
    }

    @Test func emptyAndNonMappingDocumentsAreReported() throws {
        for (text, message) in [
            ("", "the file is empty: expected a pipeline spec (version: 1, tasks: [...])"),
            ("# only a comment\n", "the file is empty: expected a pipeline spec (version: 1, tasks: [...])"),
            ("[1, 2]", "expected a pipeline spec (a map), found a list"),
        ] {
            let error = try #require(throws: PipelineError.self) {
                try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: nil)
            }
            #expect(error.code == .invalidSpec)
            #expect(error.diagnostics.map(\.message) == [message])
        }
    }

    @Test func errorSummarizesAndListsEveryDiagnostic() throws {
        let error = try #require(throws: PipelineError.self) {
            try SpecLoader.load(text: "version: 3\ntasks: []\n", file: "p.yaml", baseDirectory: nil)
        }
        #expect(error.message == "p.yaml: 2 errors")
        #expect(error.description == """
            p.yaml:1:10: version: unsupported version 3: expected 1
            p.yaml:2:8: tasks: a pipeline needs at least one task
            """)
    }

    // MARK: Typing plain scalars without Yams' resolver

    /// A load's outcome: the spec, or the error with every diagnostic and its location.
    enum Outcome: Equatable {
        case loaded(PipelineSpec)
        case refused([String])
    }

    static func outcome(_ text: String, typingPlainScalars: Bool) -> Outcome {
        do {
            return .loaded(try SpecLoader.load(
                text: text, file: "g.yaml", baseDirectory: nil, defaultName: "g", options: SpecLoader.Options(),
                typingPlainScalars: typingPlainScalars))
        } catch {
            return .refused([error.message] + error.diagnostics.map(\.description))
        }
    }

    @Test func untypedParseAgreesWithTheResolverOnGeneratedSpecs() {
        // Keys and values that type as every kind of scalar, written plain, quoted or as a block,
        // including keys that are equal only untyped (5 and '5') and ones that are duplicates.
        let words = ["5", "05", "0x1F", "1.5", ".inf", "-.nan", "true", "no", "-c", "echo 1-2", "t0", "1_000",
                     "2024-01-01", "+1", "1e3", "x", "on", "0o7", "a b", "False", "0.", "-0"]
        let nulls = ["null", "~", "", "NULL"]
        let keys = ["a", "b", "5", "'5'", "true", "\"true\"", "x_1", "null", "1.5", "~", "'a'", "on"]
        func scalar(_ random: inout SplitMix64) -> String {
            let list = random.next() % 12 == 0 ? nulls : words
            let word = list[Int(random.next() % UInt64(list.count))]
            switch random.next() % 4 {
            case 0: return "'\(word)'"
            case 1: return "\"\(word)\""
            default: return word
            }
        }
        var random = SplitMix64(seed: 0x10AD_5EC)
        var loaded = 0, refused = 0
        for _ in 0..<400 {
            let id = random.next() % 6 == 0 ? scalar(&random) : "t\(random.next() % 9)"
            var text = "version: 1\ntasks:\n  - id: \(id)\n    run: [sh"
            for _ in 0..<(random.next() % 3) { text += ", \(scalar(&random))" }
            text += "]\n    env:\n"
            for name in 0..<(1 + random.next() % 2) { text += "      E\(name): \(scalar(&random))\n" }
            text += "    params:\n"
            for _ in 0..<(1 + random.next() % 2) {
                text += "      \(keys[Int(random.next() % UInt64(keys.count))]): \(scalar(&random))\n"
            }
            if random.next() % 8 == 0 { text += "    retries: \(scalar(&random))\n" }
            if random.next() % 8 == 0 { text += "    cache: \(scalar(&random))\n" }
            if random.next() % 8 == 0 { text += "    resources: {memory: \(scalar(&random)), cpu: \(scalar(&random))}\n" }
            let fast = Self.outcome(text, typingPlainScalars: true)
            #expect(fast == Self.outcome(text, typingPlainScalars: false), "\(text)")
            if case .loaded = fast { loaded += 1 } else { refused += 1 }
        }
        // The generator reaches both valid specs and refused ones.
        #expect(loaded > 40 && refused > 40, "\(loaded) loaded, \(refused) refused")
    }

    @Test func keysEqualOnlyWhenUntypedAreTwoKeys() throws {
        let text = "version: 1\ntasks:\n  - id: a\n    run: [x]\n    params: {p5: 1, '5': 2, 5: 3}\n"
        // Untyped, 5 and '5' are the same key; typed, they are a string and an integer: each
        // refused for what it is, neither as a duplicate.
        let error = try #require(throws: PipelineError.self) {
            try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: nil)
        }
        #expect(error.diagnostics.map(\.description) == [
            "p.yaml:5:21: tasks[0].params.5: parameter name '5' is not valid: use a letter or '_', then letters, digits, '_' or '-'",
            "p.yaml:5:29: tasks[0].params: expected a parameter name, found the integer 5",
        ])
        #expect(Self.outcome(text, typingPlainScalars: true) == Self.outcome(text, typingPlainScalars: false))
        let duplicate = "version: 1\ntasks:\n  - id: a\n    run: [x]\n    params: {k: 1, k: 2}\n"
        let refused = try #require(throws: PipelineError.self) {
            try SpecLoader.load(text: duplicate, file: "p.yaml", baseDirectory: nil)
        }
        #expect(refused.diagnostics.map(\.message) == ["duplicate key 'k': each field may appear once in a map"])
    }

    @Test func explicitTagsAreStillHonoured() throws {
        let text = "version: 1\ntasks:\n  - id: a\n    run: [x]\n    params: {n: !!str 5, m: 5}\n"
        let spec = try SpecLoader.load(text: text, file: "p.yaml", baseDirectory: nil)
        #expect(spec.tasks[0].params == ["n": .string("5"), "m": .int(5)])
    }
}
