/// An error raised by the job store.
///
/// Every error has a ``Code`` callers can match on and a one-line ``message`` that names the job
/// or task involved. SQL statements and their arguments never appear in messages.
public struct JobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The database could not be opened, read or written.
        public static let database = Code("job database")
        /// No job (or task) has the id given.
        public static let notFound = Code("not found")
        /// A job id prefix matches more than one job.
        public static let ambiguous = Code("ambiguous id")
        /// A state change that the task or job state machine does not allow.
        public static let invalidTransition = Code("invalid state change")
        /// A stored row could not be read back (written by another version, or corrupt).
        public static let corruptRecord = Code("corrupt record")
        /// The job is being driven by another process.
        public static let busy = Code("busy")
        /// A record given to the store is not what the call takes (a token that is not a node credential).
        public static let invalidArgument = Code("invalid argument")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
