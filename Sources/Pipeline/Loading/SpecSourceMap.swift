/// Where each field of a loaded spec was written, so checks that run after decoding (references,
/// cycles, placeholders) can still point at the right line.
///
/// Keys are canonical field paths (`tasks[1].inputs.data.from`). When the file used the FPS shape,
/// a canonical field may have been written elsewhere (`tasks[1].engine.command[2]` for
/// `tasks[1].run[2]`); the map remembers the written path so errors quote what the user wrote.
public struct SpecSourceMap: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var location: SourceLocation
        var writtenPath: String
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    mutating func record(_ path: String, at location: SourceLocation, writtenAs writtenPath: String? = nil) {
        entries[path] = Entry(location: location, writtenPath: writtenPath ?? path)
    }

    /// Whether the field at `path` was written in the file (rather than defaulted).
    public func contains(_ path: String) -> Bool { entries[path] != nil }

    /// The location and written path of `path`, or of its nearest recorded parent
    /// (`tasks[1].run[0]` falls back to `tasks[1].run`, then `tasks[1]`).
    func locate(_ path: String) -> (location: SourceLocation?, writtenPath: String) {
        var candidate = path
        while true {
            if let entry = entries[candidate] {
                let suffix = candidate == path ? "" : String(path.dropFirst(candidate.count))
                return (entry.location, entry.writtenPath + suffix)
            }
            guard let cut = FieldPath.parentEnd(of: candidate) else { return (nil, path) }
            candidate = String(candidate[..<cut])
        }
    }

    /// A diagnostic for the field at canonical `path`, located where it was written.
    func diagnostic(_ path: String, _ message: String) -> SpecDiagnostic {
        let (location, written) = locate(path)
        return SpecDiagnostic(location: location, path: written, message: message)
    }
}

/// Builds and splits field paths such as `tasks[1].inputs.data.from`.
enum FieldPath {
    /// `parent.key`, or `parent["odd key"]` when the key is not a plain word.
    static func child(_ parent: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isLetterOrDigitASCII || $0 == "_" || $0 == "-" }
        let component = plain ? key : "[\"\(key.replacingOccurrences(of: "\"", with: "\\\""))\"]"
        if parent.isEmpty { return plain ? key : component }
        return plain ? "\(parent).\(key)" : parent + component
    }

    /// `parent[index]`.
    static func item(_ parent: String, _ index: Int) -> String { "\(parent)[\(index)]" }

    /// The end of the parent path of `path` (before its last `.key` or `[...]`), or `nil` at the top.
    static func parentEnd(of path: String) -> String.Index? {
        guard !path.isEmpty else { return nil }
        if path.last == "]" {
            return path.lastIndex(of: "[")
        }
        return path.lastIndex(of: ".") ?? path.startIndex
    }
}
