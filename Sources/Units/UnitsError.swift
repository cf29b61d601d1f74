/// A size or duration that could not be read.
///
/// The message quotes the text and says what was expected, on one line, so spec diagnostics and
/// command-line errors can show it as is.
public struct UnitsError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Text that is not a byte size (`512MiB`, `2GB`, `4096`).
        public static let invalidByteSize = Code("invalid byte size")
        /// Text that is not a duration (`30s`, `10m`, `1h30m`).
        public static let invalidDuration = Code("invalid duration")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
