/// A condition on a node's labels that a task needs, such as `region=eu` or `gpu exists`.
///
/// A task lists its constraints in its spec (`constraints: ["region=eu", "gpu exists"]`); a node
/// is a candidate only when it satisfies all of them. The grammar is small on purpose:
///
/// ```
/// constraint = key "=" value          ; the label is present and equal to value
///            | key "!=" value         ; the label is absent, or present with another value
///            | key "exists"           ; the label is present (any value)
///            | key "not" "exists"     ; the label is absent
/// key        = (letter | digit) *(letter | digit | "." | "_" | "-" | "/")
/// value      = 1*(any character except whitespace, "=", '"' and "'")
/// ```
///
/// Spaces around `=` and `!=` are allowed (`region = eu`); `exists` and `not exists` are separate
/// words. Matching is exact and case-sensitive. ``description`` gives the canonical text, which
/// parses back to the same constraint.
///
/// ```swift
/// let constraints = try Constraint.parse(["region=eu", "gpu exists", "arch!=arm64"])
/// constraints.allSatisfy { $0.isSatisfied(by: node.labels) }
/// ```
public struct Constraint: Hashable, Sendable, CustomStringConvertible {
    /// How the label is tested.
    public enum Test: Hashable, Sendable {
        /// The label is present and equal to the value.
        case equals(String)
        /// The label is absent, or present with a different value.
        case notEquals(String)
        /// The label is present.
        case exists
        /// The label is absent.
        case notExists
    }

    /// The label key the constraint tests.
    public let key: String
    /// How the label is tested.
    public let test: Test

    /// Creates a constraint from parts; use ``init(parsing:)`` for text a person wrote.
    public init(key: String, _ test: Test) {
        self.key = key
        self.test = test
    }

    /// Parses one constraint written in the grammar above.
    ///
    /// - Throws: ``SchedulingError/Code/invalidConstraint`` with a message that quotes the text
    ///   and says what was expected.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhitespace
        func invalid(_ why: String) -> SchedulingError {
            SchedulingError(.invalidConstraint, "\"\(text)\": \(why)")
        }
        guard !trimmed.isEmpty else { throw invalid("empty; expected key=value, key!=value, key exists or key not exists") }

        if let equals = trimmed.firstIndex(of: "=") {
            var keyPart = trimmed[..<equals]
            let negated = keyPart.last == "!"
            if negated { keyPart = keyPart.dropLast() }
            let key = String(keyPart).trimmingWhitespace
            let value = String(trimmed[trimmed.index(after: equals)...]).trimmingWhitespace
            if let problem = Constraint.problem(withKey: key) { throw invalid(problem) }
            if value.isEmpty { throw invalid("missing value after \(negated ? "\"!=\"" : "\"=\"")") }
            if value.contains("=") { throw invalid("the value must not contain \"=\" (write key=value or key!=value)") }
            if value.contains(where: { $0 == "\"" || $0 == "'" }) { throw invalid("values are written without quotes") }
            if value.contains(where: \.isWhitespace) { throw invalid("the value must not contain spaces") }
            self.init(key: key, negated ? .notEquals(value) : .equals(value))
            return
        }

        let words = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
        let test: Test
        switch words.dropFirst() {
        case ["exists"]: test = .exists
        case ["not", "exists"]: test = .notExists
        default: throw invalid("expected key=value, key!=value, key exists or key not exists")
        }
        if let problem = Constraint.problem(withKey: words[0]) { throw invalid(problem) }
        self.init(key: words[0], test)
    }

    /// Parses a task's constraint list, failing on the first malformed entry.
    ///
    /// - Throws: ``SchedulingError/Code/invalidConstraint``; the message includes the entry's
    ///   position, so a spec validator can point at the field (`constraints[1]`).
    public static func parse(_ texts: [String]) throws -> [Constraint] {
        try texts.enumerated().map { index, text in
            do { return try Constraint(parsing: text) } catch let error as SchedulingError {
                throw SchedulingError(error.code, "constraints[\(index)] \(error.message)")
            }
        }
    }

    /// Whether a node with `labels` satisfies this constraint.
    public func isSatisfied(by labels: [String: String]) -> Bool {
        switch test {
        case .equals(let value): labels[key] == value
        case .notEquals(let value): labels[key] != value
        case .exists: labels[key] != nil
        case .notExists: labels[key] == nil
        }
    }

    /// The canonical text: `key=value`, `key!=value`, `key exists` or `key not exists`.
    public var description: String {
        switch test {
        case .equals(let value): "\(key)=\(value)"
        case .notEquals(let value): "\(key)!=\(value)"
        case .exists: "\(key) exists"
        case .notExists: "\(key) not exists"
        }
    }

    /// Why `key` is not a valid label key, or nil when it is.
    private static func problem(withKey key: String) -> String? {
        guard let first = key.unicodeScalars.first else { return "missing label key" }
        func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s))
        }
        guard isAlphanumeric(first) else { return "label key \"\(key)\" must start with a letter or digit" }
        for scalar in key.unicodeScalars where !(isAlphanumeric(scalar) || ".-_/".unicodeScalars.contains(scalar)) {
            return "label key \"\(key)\" may only contain letters, digits, \".\", \"_\", \"-\" and \"/\""
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    var trimmingWhitespace: String {
        guard let start = firstIndex(where: { !$0.isWhitespace }),
              let end = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[start...end])
    }
}
