import Foundation
import ShoalTesting
import Spawning
import Testing
import Yams
@testable import Pipeline

/// Checks `Specs/pipeline.schema.json`, the written contract for spec files, against the loader:
/// every valid fixture and example must satisfy it, and it must reject every rejected fixture
/// whose problem is one of shape, name or format. Problems only the loader can see (references,
/// cycles, placeholders, missing files, duplicate ids) are listed in `loaderOnly`.
///
/// Each YAML file is turned into JSON with the loader's own YAML reading (core schema), so the
/// schema judges exactly the data the loader sees; `python3` with the `jsonschema` package
/// (draft 2020-12) does the validation. Skipped when that package is absent.
@Suite(.enabled(if: SchemaChecker.isAvailable, "needs python3 with the jsonschema package (pip install jsonschema)"))
struct PipelineSchemaTests {
    /// Rejected fixtures whose problems the schema cannot express, so it accepts them.
    static let loaderOnly: Set<String> = [
        "bad-refs.yaml", "cycle.yaml", "duplicate-ids.yaml", "missing-paths.yaml", "unknown-placeholders.yaml",
    ]
    /// Rejected fixtures that are not YAML at all (no document to give the schema).
    static let unparseable: Set<String> = ["syntax-error.yaml", "duplicate-keys.yaml"]

    @Test func validFixturesAndExamplesSatisfyTheSchema() throws {
        var files = Fixtures.names(in: "valid").map { Fixtures.url("valid", $0) }
        files += SchemaChecker.examples()
        let results = try SchemaChecker.check(files)
        for file in files {
            #expect(results[file.path] == [], "\(file.lastPathComponent): \(results[file.path] ?? ["not checked"])")
        }
    }

    @Test func examplesLoad() throws {
        for file in SchemaChecker.examples() {
            #expect(throws: Never.self, "\(file.path)") { try SpecLoader.load(contentsOf: file) }
        }
    }

    @Test func schemaRejectsWhatTheLoaderRejectsForShape() throws {
        let names = Fixtures.names(in: "invalid").filter { !Self.unparseable.contains($0) }
        let results = try SchemaChecker.check(names.map { Fixtures.url("invalid", $0) })
        for name in names {
            let errors = try #require(results[Fixtures.url("invalid", name).path], "\(name) not checked")
            if Self.loaderOnly.contains(name) {
                #expect(errors.isEmpty, "\(name) should pass the schema (its problems are semantic): \(errors)")
            } else {
                #expect(!errors.isEmpty, "\(name) should be rejected by the schema")
            }
        }
    }

    @Test func schemaPinpointsProblems() throws {
        let results = try SchemaChecker.check([Fixtures.url("invalid", "bad-version.yaml"), Fixtures.url("invalid", "bad-ids.yaml")])
        #expect(results[Fixtures.url("invalid", "bad-version.yaml").path] == ["version: 1 was expected"])
        let ids = results[Fixtures.url("invalid", "bad-ids.yaml").path] ?? []
        #expect(ids.count == 5)
        #expect(ids.contains("tasks/4: 'id' is a required property"))
    }

    @Test func unparseableFixturesReallyAreUnparseable() {
        for name in Self.unparseable {
            #expect(throws: (any Error).self, "\(name)") {
                _ = try Yams.compose(yaml: try Fixtures.text("invalid", name), SpecResolver.resolver)
            }
        }
    }
}

/// Runs `Tests/PipelineTests/schema_check.py` over spec files converted to JSON.
enum SchemaChecker {
    static let script = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("schema_check.py")
    static let schema = Fixtures.packageRoot.appendingPathComponent("Specs/pipeline.schema.json")

    static let isAvailable: Bool = (try? run(["python3", "-c", "import jsonschema"]).status) == 0

    /// Every `*.yaml`/`*.json` spec under `Examples/` (none until examples land).
    static func examples() -> [URL] {
        let root = Fixtures.packageRoot.appendingPathComponent("Examples")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { ["yaml", "yml", "json"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    /// Schema errors for each file, keyed by the file's path.
    static func check(_ files: [URL]) throws -> [String: [String]] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shoal-schema-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var jsonFor: [String: String] = [:]
        for (index, file) in files.enumerated() {
            let json = folder.appendingPathComponent("\(index).json")
            try jsonDocument(String(contentsOf: file, encoding: .utf8)).write(to: json)
            jsonFor[json.path] = file.path
        }
        let result = try run(["python3", script.path, schema.path] + jsonFor.keys.sorted())
        guard result.status == 0 else { throw SchemaCheckFailed(output: result.output) }
        let decoded = try JSONDecoder().decode([String: [String]].self, from: Data(result.output.utf8))
        return Dictionary(uniqueKeysWithValues: decoded.map { (jsonFor[$0.key] ?? $0.key, $0.value) })
    }

    /// The document as JSON, typed the way the loader types YAML scalars.
    static func jsonDocument(_ text: String) throws -> Data {
        let root = try Yams.compose(yaml: text, SpecResolver.resolver)
        return try JSONSerialization.data(withJSONObject: root.map(plain) ?? NSNull(), options: [.fragmentsAllowed])
    }

    static func plain(_ node: Node) -> Any {
        switch node {
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping { object[key.scalar?.string ?? "\(key)"] = plain(value) }
            return object
        case .sequence(let sequence):
            return sequence.map(plain)
        case .alias:
            return NSNull()
        case .scalar(let scalar):
            switch node.tagName {
            case .int: return SpecResolver.integer(scalar.string) ?? scalar.string
            case .float: return SpecResolver.float(scalar.string).flatMap { $0.isFinite ? $0 : nil } ?? scalar.string
            case .bool: return scalar.string.lowercased() == "true"
            case .null: return NSNull()
            default: return scalar.string
            }
        }
    }

    struct SchemaCheckFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "schema_check.py failed: \(output)" }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        SpawnedProcess.output(of: ["/usr/bin/env"] + arguments)
    }
}
