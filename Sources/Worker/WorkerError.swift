/// An error raised by the worker side: staging, the local runner and its logs.
///
/// A step that fails is not an error (it is a ``Orchestrator/StepOutcome``); these are the
/// problems around steps: a run that cannot start, a run id that names nothing, logs that do not exist.
public struct WorkerError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A tool or input could not be exported from the store for a step.
        public static let staging = Code("staging")
        /// The run is being driven by another `shoal` process.
        public static let runBusy = Code("run busy")
        /// There is nothing to show (no such task, no logs yet).
        public static let notFound = Code("not found")
        /// A lock of the worker's home is held by someone else (asked not to wait).
        public static let busy = Code("busy")
        /// A file or folder of the worker's home could not be used.
        public static let io = Code("I/O error")
        /// The requester refuses this node for good (its credential and its worker token were
        /// revoked): the agent stops.
        public static let refused = Code("refused")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
