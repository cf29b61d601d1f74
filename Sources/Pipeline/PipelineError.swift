import Units
/// An error raised while loading, validating or using a pipeline spec.
///
/// Every error has a ``Code`` that callers can match on and a one-line ``message``. A spec that
/// fails validation gives one error with code ``Code/invalidSpec`` that carries **every** problem
/// found in the file as ``diagnostics``, each naming the file, line, column and field path, so a
/// user fixes them all in one round.
///
/// ```swift
/// do {
///     let spec = try SpecLoader.load(contentsOf: url)
/// } catch {
///     for diagnostic in error.diagnostics { print(diagnostic) }  // file:line:col: tasks[1].id: ...
/// }
/// ```
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The spec file broke one or more rules; see ``PipelineError/diagnostics``.
        public static let invalidSpec = Code("invalid spec")
        /// The spec file could not be read (missing, unreadable, not UTF-8).
        public static let unreadableSpec = Code("unreadable spec")
        /// A `{{...}}` placeholder is malformed or cannot be filled.
        public static let invalidTemplate = Code("invalid template")
        /// The task graph has a dependency cycle.
        public static let dependencyCycle = Code("dependency cycle")
        /// A task id is not part of the pipeline.
        public static let unknownTask = Code("unknown task")
        /// Two tasks have the same id.
        public static let duplicateTask = Code("duplicate task")
    }

    public let code: Code
    public let message: String
    /// The located problems behind an ``Code/invalidSpec`` error, in file order; empty otherwise.
    public let diagnostics: [SpecDiagnostic]

    public init(_ code: Code, _ message: String, diagnostics: [SpecDiagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    /// One line per diagnostic when there are any (each line is a complete error), else
    /// `code: message`.
    public var description: String {
        if diagnostics.isEmpty { return "\(code): \(message)" }
        return diagnostics.map(\.description).joined(separator: "\n")
    }
}
