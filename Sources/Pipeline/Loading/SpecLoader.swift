import Foundation
import Yams

/// Reads pipeline spec files (YAML or JSON) into validated ``PipelineSpec`` values.
///
/// Loading parses the text with Yams into a node tree that keeps line and column marks, decodes
/// it (both the canonical and the FPS shape), then validates it as a whole. Every problem is
/// collected, located (`file:line:column`), tied to its field path and explained; if there are
/// any, loading throws one ``PipelineError`` with code ``PipelineError/Code/invalidSpec`` that
/// carries them all in file order.
///
/// ```swift
/// let spec = try SpecLoader.load(contentsOf: URL(filePath: "Examples/hello/pipeline.yaml"))
/// ```
///
/// Relative paths (`tool:` folders and local `inputs:`) are resolved against the spec file's
/// folder and checked to exist; they are not added to any store here.
public enum SpecLoader {
    /// How local paths in a spec are treated.
    public struct Options: Sendable {
        /// Whether specs may name local paths (a client loading a file) or only CIDs (a server
        /// receiving a spec over the network, where a path would mean the server's own disk).
        public var allowsLocalPaths: Bool
        /// Whether each local path must exist (a tool must be a folder).
        public var checksPathsExist: Bool

        public init(allowsLocalPaths: Bool = true, checksPathsExist: Bool = true) {
            self.allowsLocalPaths = allowsLocalPaths
            self.checksPathsExist = checksPathsExist
        }
    }

    /// Loads and validates the spec file at `url`.
    ///
    /// - Parameter options: How local paths are treated; by default they are allowed, resolved
    ///   against the file's folder and checked to exist.
    /// - Throws: ``PipelineError/Code/unreadableSpec`` when the file cannot be read as UTF-8 text;
    ///   ``PipelineError/Code/invalidSpec`` with every problem found.
    public static func load(contentsOf url: URL, options: Options = Options()) throws(PipelineError) -> PipelineSpec {
        let text = try readText(url)
        return try load(
            text: text, file: url.relativePath, baseDirectory: url.absoluteURL.deletingLastPathComponent(),
            defaultName: url.deletingPathExtension().lastPathComponent, options: options)
    }

    /// Loads and validates spec text.
    ///
    /// - Parameters:
    ///   - text: YAML or JSON.
    ///   - file: The name used in error locations.
    ///   - baseDirectory: The folder relative paths are resolved against; `nil` rejects local paths.
    ///   - defaultName: The pipeline name when the spec has no `name:`.
    /// - Throws: ``PipelineError/Code/invalidSpec`` with every problem found.
    public static func load(
        text: String, file: String, baseDirectory: URL?, defaultName: String = "pipeline",
        options: Options = Options()
    ) throws(PipelineError) -> PipelineSpec {
        try load(text: text, file: file, baseDirectory: baseDirectory, defaultName: defaultName, options: options,
                 typingPlainScalars: true)
    }

    /// ``load(text:file:baseDirectory:defaultName:options:)``; with `typingPlainScalars` false, every
    /// scalar is typed by Yams' resolver (the reference the fast path is tested against).
    static func load(
        text: String, file: String, baseDirectory: URL?, defaultName: String, options: Options, typingPlainScalars: Bool
    ) throws(PipelineError) -> PipelineSpec {
        var effective = options
        if baseDirectory == nil { effective.allowsLocalPaths = false }
        let decoder = SpecDecoder(file: file, baseDirectory: baseDirectory, options: effective)
        guard let root = parse(text, decoder: decoder, typingPlainScalars: typingPlainScalars) else {
            throw invalid(decoder.diagnostics, file: file)
        }
        let decoded = decoder.decodePipeline(root, defaultName: defaultName)
        var validator = SpecValidator(sourceMap: decoder.sourceMap, skippingOutputsOf: decoder.tasksWithBrokenOutputs)
        let spec = validator.validate(decoded)
        let all = decoder.diagnostics + validator.diagnostics
        guard all.isEmpty else { throw invalid(all, file: file) }
        return spec
    }

    static func readText(_ url: URL) throws(PipelineError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "cannot be read"
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw PipelineError(.unreadableSpec, "\(url.relativePath): \(exists ? reason : "no such file")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError(.unreadableSpec, "\(url.relativePath): not UTF-8 text")
        }
        return text
    }

    /// Parses YAML/JSON text into a node tree, turning a syntax error into a located diagnostic.
    static func parse(_ text: String, decoder: SpecDecoder, typingPlainScalars: Bool = true) -> Node? {
        let start = SourceLocation(file: decoder.file, line: 1, column: 1)
        do {
            guard let root = try compose(text, decoder: decoder, typingPlainScalars: typingPlainScalars) else {
                decoder.diagnostics.append(SpecDiagnostic(
                    location: start, path: "", message: "the file is empty: expected a pipeline spec (version: 1, tasks: [...])"))
                return nil
            }
            return root
        } catch let error as YamlError {
            decoder.diagnostics.append(syntaxDiagnostic(error, file: decoder.file))
            return nil
        } catch {
            decoder.diagnostics.append(SpecDiagnostic(location: start, path: "", message: "cannot parse: \(error)"))
            return nil
        }
    }

    /// Composes `text` into nodes, with the scalars typed by the spec's schema (``SpecResolver``).
    ///
    /// Text without a `!` has no explicit tags, so the parser can leave plain scalars untyped and
    /// the decoder types the ones it reads (``SpecDecoder/tag(of:)``) without Yams' resolver, whose
    /// regular expressions cost more than the parse. Keys are compared untyped then, which can only
    /// find more duplicates (`5` and `'5'` are one key untyped, two typed): a duplicate found that
    /// way is decided again with the keys typed, as is any text with tags.
    static func compose(_ text: String, decoder: SpecDecoder, typingPlainScalars: Bool = true) throws -> Node? {
        if typingPlainScalars, !text.utf8.contains(UInt8(ascii: "!")) {
            do {
                let root = try Yams.compose(yaml: text, Resolver.basic)
                decoder.typesPlainScalars = true
                return root
            } catch let error as YamlError {
                guard case .duplicatedKeysInMapping = error else { throw error }
            }
        }
        return try Yams.compose(yaml: text, SpecResolver.resolver)
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> SpecDiagnostic {
        func at(_ mark: Mark?, _ message: String) -> SpecDiagnostic {
            let location = SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
            return SpecDiagnostic(location: location, path: "", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return at(mark, "syntax error: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return at(context.mark, "duplicate key \(keys): each field may appear once in a map")
        case .reader(let problem, _, _, _):
            return at(nil, "cannot read the text: \(problem)")
        default:
            return at(nil, "cannot parse: \(error)")
        }
    }

    static func invalid(_ diagnostics: [SpecDiagnostic], file: String) -> PipelineError {
        // File order; diagnostics without a location (none come from a file) go first.
        let sorted = diagnostics.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (l?, r?) where l != r: return l < r
            case (nil, _?): return true
            case (_?, nil): return false
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
        let count = sorted.count
        return PipelineError(.invalidSpec, "\(file): \(count) error\(count == 1 ? "" : "s")", diagnostics: sorted)
    }
}
