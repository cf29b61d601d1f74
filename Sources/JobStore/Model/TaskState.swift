/// Where a task is in its life: the task state machine.
///
/// ```
///            ┌──────────────► skipped ◄───────┐
///  pending ──┴─► ready ──► running ──┬──► succeeded
///     ▲            │          │  ▲   ├──► cached
///     │            │          └──┘   ├──► failed
///     │            └─────────────────┴──► cancelled
///     └── failed, skipped, cancelled (a resumed run tries them again)
/// ```
///
/// `running → running` is a new attempt of a task whose previous attempt was lost (the process
/// running it died). ``succeeded`` and ``cached`` are final; the other end states can go back to
/// ``pending`` when a run is resumed. The store refuses any change not drawn here
/// (``JobStoreError/Code/invalidTransition``).
public enum TaskState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for the tasks it reads from.
    case pending
    /// Every dependency is done; waiting for a free slot.
    case ready
    /// Handed to a dispatcher (an attempt is open).
    case running
    /// Ran and produced every declared output.
    case succeeded
    /// Satisfied by an earlier step with the same recipe, without running.
    case cached
    /// Ran and failed (see the task's reason).
    case failed
    /// Not run, because a task it depends on failed or the run stopped.
    case skipped
    /// Stopped or never started because the run was cancelled.
    case cancelled

    /// Whether the task has reached an end (for this run of the coordinator).
    public var isTerminal: Bool {
        switch self {
        case .pending, .ready, .running: false
        case .succeeded, .cached, .failed, .skipped, .cancelled: true
        }
    }

    /// Whether the task's outputs are available to its dependants.
    public var isSuccessful: Bool { self == .succeeded || self == .cached }

    /// Whether a resumed run tries the task again.
    public var isRetryable: Bool { self == .failed || self == .skipped || self == .cancelled }

    /// The states this one may change to.
    public var successors: Set<TaskState> {
        switch self {
        case .pending: [.ready, .skipped, .cancelled]
        case .ready: [.running, .pending, .skipped, .cancelled]
        case .running: [.running, .succeeded, .cached, .failed, .cancelled]
        case .failed, .skipped, .cancelled: [.pending]
        case .succeeded, .cached: []
        }
    }

    /// Whether the state machine allows changing from this state to `next`.
    public func canChange(to next: TaskState) -> Bool { successors.contains(next) }
}

/// Where a job is in its life.
///
/// `pending → running → succeeded | failed | cancelled`; a failed or cancelled job goes back to
/// `running` when it is resumed, and a job left `running` by a process that died is simply
/// driven again. ``succeeded`` is final.
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Created, not yet driven.
    case pending
    /// A coordinator is driving it (or was, when its process died: see ``JobRecord``).
    case running
    /// Every task succeeded or was cached.
    case succeeded
    /// At least one task failed.
    case failed
    /// Cancelled before it finished.
    case cancelled

    public var isTerminal: Bool { self == .succeeded || self == .failed || self == .cancelled }

    /// The states this one may change to.
    public var successors: Set<JobState> {
        switch self {
        case .pending: [.running, .cancelled]
        case .running: [.running, .succeeded, .failed, .cancelled]
        case .failed, .cancelled: [.running]
        case .succeeded: []
        }
    }

    public func canChange(to next: JobState) -> Bool { successors.contains(next) }
}
