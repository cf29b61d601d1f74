/// A rule about a worker's labels that a task needs: `region=eu`, `region!=us`, `gpu exists`,
/// `gpu !exists`.
///
/// Workers advertise labels (`shoal worker --label region=eu`); the scheduler places a task only
/// on a worker whose labels satisfy all of the task's constraints.
public struct LabelConstraint: Sendable, Hashable, CustomStringConvertible {
    /// What the rule checks about the label.
    public enum Operator: Sendable, Hashable {
        case equals(String)
        case notEquals(String)
        case exists
        case notExists
    }

    /// The label name: letters, digits, `.`, `_`, `-` and `/`.
    public var key: String
    public var op: Operator

    public init(key: String, op: Operator) {
        self.key = key
        self.op = op
    }

    static let expected = "expected KEY=VALUE, KEY!=VALUE, 'KEY exists' or 'KEY !exists'"

    /// Parses one constraint string.
    ///
    /// - Returns: `nil` when the text is none of the accepted forms (``expected`` says which).
    public init?(parsing text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 2, Self.isKey(words[0]) {
            switch words[1] {
            case "exists": self.init(key: String(words[0]), op: .exists)
            case "!exists": self.init(key: String(words[0]), op: .notExists)
            default: return nil
            }
            return
        }
        guard words.count == 1, let equals = text.firstIndex(of: "=") else { return nil }
        let negated = equals > text.startIndex && text[text.index(before: equals)] == "!"
        let key = text[..<(negated ? text.index(before: equals) : equals)]
        let value = text[text.index(after: equals)...]
        guard Self.isKey(key), Self.isValue(value) else { return nil }
        self.init(key: String(key), op: negated ? .notEquals(String(value)) : .equals(String(value)))
    }

    /// Whether a worker with these labels satisfies the rule.
    public func isSatisfied(by labels: [String: String]) -> Bool {
        switch op {
        case .equals(let value): labels[key] == value
        case .notEquals(let value): labels[key] != value
        case .exists: labels[key] != nil
        case .notExists: labels[key] == nil
        }
    }

    public var description: String {
        switch op {
        case .equals(let value): "\(key)=\(value)"
        case .notEquals(let value): "\(key)!=\(value)"
        case .exists: "\(key) exists"
        case .notExists: "\(key) !exists"
        }
    }

    static func isKey(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.count <= 128 && text.allSatisfy { SpecNames.isNameCharacter($0) || $0 == "/" }
            && text.first!.isLetterOrDigitASCII
    }

    static func isValue(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.count <= 256 && text.allSatisfy { SpecNames.isNameCharacter($0) || $0 == "/" || $0 == ":" }
    }
}
