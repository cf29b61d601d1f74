import Foundation
@testable import Pipeline

/// The spec files under `Tests/PipelineTests/Fixtures`: `valid/` ones load, `invalid/` ones fail
/// with the diagnostics their tests list, `normalized/` holds expected canonical forms.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").standardizedFileURL

    /// The package root, for `Specs/` and `Examples/`.
    static let packageRoot = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ folder: String, _ name: String) -> URL {
        directory.appendingPathComponent(folder).appendingPathComponent(name)
    }

    static func names(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }

    static func text(_ folder: String, _ name: String) throws -> String {
        try String(contentsOf: url(folder, name), encoding: .utf8)
    }

    /// Loads a fixture with its bare file name in locations, so expected lines do not depend on
    /// where the repository is checked out.
    static func load(_ folder: String, _ name: String) throws -> PipelineSpec {
        try SpecLoader.load(
            text: try text(folder, name), file: name, baseDirectory: directory.appendingPathComponent(folder),
            defaultName: (name as NSString).deletingPathExtension)
    }

    /// The diagnostics a fixture fails with, as printed by `shoal validate`.
    static func diagnostics(_ folder: String, _ name: String) throws -> [String] {
        do {
            _ = try load(folder, name)
            return []
        } catch let error as PipelineError {
            return error.diagnostics.map(\.description)
        }
    }
}
