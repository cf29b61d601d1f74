/// An error raised while preparing or coordinating a job.
///
/// Every error has a ``Code`` and a one-line ``message`` naming what is wrong (the input, the
/// task, the path or CID) and, where possible, what to do about it.
public struct OrchestratorError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A pipeline input names a CID whose blocks are not in the local store.
        public static let unknownCID = Code("unknown CID")
        /// A tool folder or input path could not be added to the store.
        public static let addFailed = Code("cannot add")
        /// The stored spec of a job cannot be read back, or a task cannot be turned into a step.
        public static let invalidJob = Code("invalid job")
        /// The job cannot be driven in its current state (it already succeeded, say).
        public static let notRunnable = Code("not runnable")
        /// A dispatcher broke its contract (a batch answered with another number of steps).
        public static let dispatchFailed = Code("dispatch failed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
