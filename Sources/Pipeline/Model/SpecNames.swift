/// The spelling rules for names in a spec: task ids, input and output names, parameter keys and
/// environment variables.
///
/// Names become folder names (`/inputs/<name>`, `/outputs/<name>`) and parts of references
/// (`TASK.OUTPUT`, `{{params.x}}`), so each rule keeps them safe there: no slashes, no `.`/`..`,
/// no spaces, a bounded length.
public enum SpecNames {
    /// The word `from: inputs.X` starts with, so no task may have it as id.
    public static let reservedTaskIDs: Set<String> = ["inputs", "params"]

    /// A task id: a letter, then up to 63 letters, digits, `_` or `-` (no dots, so `TASK.OUTPUT` splits
    /// unambiguously).
    public static func isValidTaskID(_ text: String) -> Bool {
        guard let first = text.first, first.isLetterASCII, text.count <= 64 else { return false }
        return text.allSatisfy { $0.isLetterOrDigitASCII || $0 == "_" || $0 == "-" }
    }

    /// An input or output name, which is also a folder name: a letter or digit, then up to 127
    /// letters, digits, `.`, `_` or `-`. CIDs qualify, which the FPS shape relies on.
    public static func isValidDataName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetterOrDigitASCII, text.count <= 128 else { return false }
        return text.allSatisfy(isNameCharacter)
    }

    /// A parameter key at any depth: a letter or `_`, then letters, digits, `_` or `-` (no dots,
    /// since `{{params.a.b}}` walks nested maps by dots).
    public static func isValidParamKey(_ text: String) -> Bool {
        guard let first = text.first, first.isLetterASCII || first == "_", text.count <= 128 else { return false }
        return text.allSatisfy { $0.isLetterOrDigitASCII || $0 == "_" || $0 == "-" }
    }

    /// An environment variable name: a letter or `_`, then letters, digits or `_`.
    public static func isValidEnvName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetterASCII || first == "_" else { return false }
        return text.allSatisfy { $0.isLetterOrDigitASCII || $0 == "_" }
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetterOrDigitASCII || character == "." || character == "_" || character == "-"
    }

    static let taskIDRule = "a letter, then letters, digits, '_' or '-' (at most 64)"
    static let dataNameRule = "a letter or digit, then letters, digits, '.', '_' or '-' (at most 128)"
    static let paramKeyRule = "a letter or '_', then letters, digits, '_' or '-'"
    static let envNameRule = "a letter or '_', then letters, digits or '_'"
}

extension Character {
    var isLetterASCII: Bool { isASCII && isLetter }
    var isLetterOrDigitASCII: Bool { isASCII && (isLetter || isNumber) }
}
