/// A string from `run:` or `env:` split into literal text and `{{...}}` placeholders.
///
/// Two placeholders exist:
/// - `{{params.NAME}}` (or `{{params.a.b}}` into nested maps): a scalar parameter of the task,
///   printed as written (`0.95`, `5`, `true`, text);
/// - `{{inputs.NAME.cid}}`: the CID of the task's input `NAME`, known only once the producing task
///   has run.
///
/// Spaces inside the braces are ignored (`{{ params.x }}`). There is no escape for a literal `{{`:
/// put such text in a script inside the tool folder. Parsing checks the syntax only;
/// ``SpecValidator`` checks that the names exist and ``TemplateRenderer`` fills them in.
public struct Template: Sendable, Hashable {
    /// One piece of a template.
    public enum Part: Sendable, Hashable {
        case literal(String)
        /// `{{params.a.b}}`: the key path into the task's parameters.
        case param([String])
        /// `{{inputs.NAME.cid}}`.
        case inputCID(String)
    }

    public let parts: [Part]

    /// Whether the text has no placeholder at all.
    public var isLiteral: Bool { parts.allSatisfy { if case .literal = $0 { true } else { false } } }

    static let expected = "expected {{params.NAME}} or {{inputs.NAME.cid}}"

    /// Splits `text` into literals and placeholders.
    ///
    /// - Throws: ``PipelineError/Code/invalidTemplate`` for an unclosed `{{` or a placeholder of
    ///   an unknown form, quoting it.
    public init(parsing text: String) throws(PipelineError) {
        var parts: [Part] = []
        for piece in Self.scan(text) {
            switch piece {
            case .success(let part): parts.append(part)
            case .failure(let error): throw error
            }
        }
        self.parts = parts
    }

    /// Splits `text` into pieces, each a part or the error for one bad placeholder, so a checker
    /// can report every bad placeholder of a string rather than the first.
    public static func scan(_ text: String) -> [Result<Part, PipelineError>] {
        var pieces: [Result<Part, PipelineError>] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.success(.literal(String(rest[..<open.lowerBound])))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                pieces.append(.failure(PipelineError(
                    .invalidTemplate, "unclosed placeholder '\(rest[open.lowerBound...].prefix(40))': \(expected)")))
                return pieces
            }
            pieces.append(placeholder(rest[open.upperBound..<close.lowerBound].trimmingSpaces()))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.success(.literal(String(rest)))) }
        return pieces
    }

    private static func placeholder(_ inner: Substring) -> Result<Part, PipelineError> {
        let words = inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if words.count >= 2, words[0] == "params", words.dropFirst().allSatisfy(SpecNames.isValidParamKey) {
            return .success(.param(Array(words.dropFirst())))
        }
        if words.count >= 3, words[0] == "inputs", words.last == "cid" {
            let name = words.dropFirst().dropLast().joined(separator: ".")
            if SpecNames.isValidDataName(name) { return .success(.inputCID(name)) }
        }
        return .failure(PipelineError(.invalidTemplate, "unknown placeholder '{{\(inner)}}': \(expected)"))
    }

    /// Every placeholder in the template, in order.
    public var placeholders: [Part] {
        parts.filter { if case .literal = $0 { false } else { true } }
    }
}

extension Template.Part: CustomStringConvertible {
    /// The placeholder as written canonically (`{{params.x}}`), or the literal text.
    public var description: String {
        switch self {
        case .literal(let text): text
        case .param(let path): "{{params.\(path.joined(separator: "."))}}"
        case .inputCID(let name): "{{inputs.\(name).cid}}"
        }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
