/// A place in a spec file: the file as the user named it, and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem found in a spec: where it is, which field, and what was expected.
///
/// Its description is the line printed by `shoal validate`:
/// `pipeline.yaml:12:15: tasks[1].inputs.data.from: unknown task 'dedup' (tasks: dedupe, train)`.
/// A spec built in code rather than read from a file has no ``location``.
public struct SpecDiagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where the offending text is, when the spec came from a file.
    public var location: SourceLocation?
    /// The field, written as in the file: `tasks[1].inputs.data.from`; `(root)` for the document.
    public var path: String
    /// What is wrong and what was expected.
    public var message: String

    public init(location: SourceLocation?, path: String, message: String) {
        self.location = location
        self.path = path
        self.message = message
    }

    public var description: String {
        let field = path.isEmpty ? "(root)" : path
        if let location { return "\(location): \(field): \(message)" }
        return "\(field): \(message)"
    }

    enum CodingKeys: String, CodingKey { case file, line, column, path, message }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let file = try container.decodeIfPresent(String.self, forKey: .file) {
            location = SourceLocation(
                file: file,
                line: try container.decode(Int.self, forKey: .line),
                column: try container.decode(Int.self, forKey: .column))
        }
        path = try container.decode(String.self, forKey: .path)
        message = try container.decode(String.self, forKey: .message)
    }

    /// Encodes flat: `{file, line, column, path, message}` (location fields absent when unknown).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(location?.file, forKey: .file)
        try container.encodeIfPresent(location?.line, forKey: .line)
        try container.encodeIfPresent(location?.column, forKey: .column)
        try container.encode(path, forKey: .path)
        try container.encode(message, forKey: .message)
    }
}
