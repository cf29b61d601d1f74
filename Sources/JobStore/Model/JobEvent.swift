import Foundation

/// One entry of a job's event log: what changed, when. Written in the same transaction as the
/// change itself, so the log and the stored state never disagree.
///
/// The log feeds progress output and `--json`, and later `shoal job logs --follow`
/// (``JobStore/events(of:after:)`` reads what came after a sequence number).
public struct JobEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case jobCreated = "job.created"
        case jobStarted = "job.started"
        case jobFinished = "job.finished"
        case taskReady = "task.ready"
        /// An attempt was opened and queued for a pool to place; it runs once a node claims it
        /// (then `task.running`).
        case taskQueued = "task.queued"
        /// An attempt started: the local runner began it, or the node it was placed on claimed it.
        case taskRunning = "task.running"
        case taskSucceeded = "task.succeeded"
        case taskCached = "task.cached"
        case taskFailed = "task.failed"
        case taskSkipped = "task.skipped"
        case taskCancelled = "task.cancelled"
        case taskReset = "task.reset"
        /// An attempt whose process stopped before reporting.
        case attemptLost = "attempt.lost"
        /// An attempt failed and the task runs again, within its `retries` (the message says how
        /// it failed and which retry follows).
        case attemptFailed = "attempt.failed"
        /// The pool placed a task's attempt on a node (the message gives the scheduler's reason).
        case taskPlaced = "task.placed"
        /// The pool keeps a task's attempt waiting (the message gives the scheduler's reason).
        case taskWaiting = "task.waiting"
        /// The pool runs a task again after its node was lost or handed it back.
        case taskRequeued = "task.requeued"

        /// The event recorded when a task enters `state`.
        static func task(_ state: TaskState) -> Kind {
            switch state {
            case .pending: .taskReset
            case .ready: .taskReady
            case .running: .taskRunning
            case .succeeded: .taskSucceeded
            case .cached: .taskCached
            case .failed: .taskFailed
            case .skipped: .taskSkipped
            case .cancelled: .taskCancelled
            }
        }
    }

    /// Increasing over the whole store: read a log incrementally by asking for events after the last one seen.
    public var sequence: Int64
    public var jobID: String
    public var time: Date
    public var kind: Kind
    public var taskID: String?
    public var attempt: Int?
    /// A short explanation (`exited with code 3`, the job's end state).
    public var message: String?

    public init(
        sequence: Int64, jobID: String, time: Date, kind: Kind, taskID: String? = nil, attempt: Int? = nil,
        message: String? = nil
    ) {
        self.sequence = sequence
        self.jobID = jobID
        self.time = time
        self.kind = kind
        self.taskID = taskID
        self.attempt = attempt
        self.message = message
    }
}
