import Foundation

/// Where one execution (one attempt of a task handed to the pool) is in its life.
///
/// ```
///  queued ──► placed ──► assigned ──► running ──► reported
///    │  ▲       │           │            │
///    │  └───────┘           ├────────────┴──► lost       (lease expired, node restarted)
///    │  (node gone,         ├────────────┴──► returned   (the node left and handed it back)
///    │   not claimed)       └────────────┴──► cancelled  (the job was cancelled)
///    └──► unplaceable (the scheduler failed it)   queued | placed ──► cancelled
/// ```
///
/// `assigned` and `running` hold a lease that the node's heartbeats renew; only they accept a
/// report. Every end state is final: a lost execution's task runs again as a new execution.
public enum ExecutionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting to be placed by the scheduler.
    case queued
    /// Placed on a node, waiting for that node's claim.
    case placed
    /// Claimed by its node; holds a lease.
    case assigned
    /// Its node said it runs (heartbeat or log); holds a lease.
    case running
    /// Its node reported how it ended.
    case reported
    /// Its lease expired or its node restarted: its outcome will never be accepted.
    case lost
    /// Its node left the pool gracefully and handed it back.
    case returned
    /// Its job was cancelled.
    case cancelled
    /// The scheduler found nowhere it can ever run (or its queue timeout passed).
    case unplaceable

    /// Whether the execution is still going (not an end state).
    public var isActive: Bool { self == .queued || self == .placed || self == .assigned || self == .running }

    /// Whether a node holds it under a lease.
    public var holdsLease: Bool { self == .assigned || self == .running }
}

/// One attempt of a task handed to the pool: where it was placed, who holds its lease, how it ended.
///
/// The requester stores the assignment and the outcome as opaque JSON text (the Orchestrator's
/// `StepAssignment` and `StepOutcome`), so that an execution can be handed out and its result
/// picked up again after a restart.
public struct ExecutionRecord: Sendable, Hashable {
    public var id: String
    public var jobID: String
    public var taskID: String
    public var attempt: Int
    public var state: ExecutionState
    /// The node it is placed on or held by.
    public var node: String?
    /// The `StepAssignment` as JSON.
    public var assignment: String
    /// When its task became ready (the scheduler decides the oldest first).
    public var readySince: Date
    /// Not to be placed before this time (the backoff after a lost attempt).
    public var notBefore: Date?
    public var leaseExpires: Date?
    /// The last placement decision's reason.
    public var placement: String?
    /// The reported `StepOutcome` as JSON.
    public var outcome: String?
    /// Why it ended when it did not end with a report.
    public var reason: String?
    public var created: Date
    public var placed: Date?
    public var claimed: Date?
    public var finished: Date?

    public init(
        id: String, jobID: String, taskID: String, attempt: Int, state: ExecutionState = .queued, node: String? = nil,
        assignment: String, readySince: Date = Date(), notBefore: Date? = nil, leaseExpires: Date? = nil,
        placement: String? = nil, outcome: String? = nil, reason: String? = nil, created: Date = Date(),
        placed: Date? = nil, claimed: Date? = nil, finished: Date? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.taskID = taskID
        self.attempt = attempt
        self.state = state
        self.node = node
        self.assignment = assignment
        self.readySince = readySince
        self.notBefore = notBefore
        self.leaseExpires = leaseExpires
        self.placement = placement
        self.outcome = outcome
        self.reason = reason
        self.created = created
        self.placed = placed
        self.claimed = claimed
        self.finished = finished
    }

    /// A new execution id: `x`, a time-ordered ``JobID``, then eight more random characters.
    ///
    /// A job id's 20 random bits keep jobs made in the same millisecond apart, but a dispatcher
    /// queues a whole wave of a job's executions (often 100 or more) within a millisecond or
    /// two: with 20 bits, two of a 100-step wave shared an id about once in 200 waves, and the
    /// wave's store transaction failed the job. 60 random bits make that about one in 10^14.
    public static func generateID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "x" + JobID.generate(at: Date(), using: &generator) + JobID.randomCharacters(8, using: &generator)
    }
}

/// What happened to a report of an execution's outcome.
public enum ReportDisposition: Sendable, Hashable {
    /// Recorded now; the execution is `reported`.
    case recorded(ExecutionRecord)
    /// The same outcome was recorded before (a retried report): nothing changed.
    case duplicate(ExecutionRecord)
    /// The execution is in a state that takes no report (lost, returned, cancelled, not claimed,
    /// or reported with another outcome).
    case conflict(ExecutionRecord)
    /// The execution is held by another node than the one reporting.
    case wrongNode(ExecutionRecord)
}
