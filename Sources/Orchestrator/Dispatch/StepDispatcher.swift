/// Where the coordinator sends steps to run: in-process on this machine, or to the pool's workers.
///
/// The coordinator hands over the attempts it starts in batches, one batch per wave of tasks that
/// became ready together (up to its concurrency limit), through ``dispatch(_:)-([StepAssignment])``,
/// then waits for each step's ``StepOutcome`` on its own and records it. A dispatcher that only
/// implements the one-step ``dispatch(_:)-(StepAssignment)`` gets a batch that calls it for each
/// step; one that stores steps somewhere durable (the pool's queue) takes the whole batch in one
/// transaction. Implementations must:
/// - return an outcome for every step that ended, failed steps included (throw only when the
///   step could not be handled at all; the coordinator then records it as failed with reason
///   `error`);
/// - honour task cancellation: a cancelled `dispatch` stops the step and returns a
///   ``StepOutcome/Status/cancelled`` outcome (or throws `CancellationError`);
/// - be safe to call concurrently.
///
/// A dispatcher that stops waiting for steps that go on running elsewhere (a requester shutting
/// down while workers hold their leases) throws ``DispatchInterrupted``: the coordinator then
/// records nothing for that step and ends the drive with the task still `running`, for a later
/// drive to ``reattach(_:)``.
///
/// A dispatcher may run a step as several attempts (a pool re-queues a step whose worker was
/// lost, after opening a new attempt in the store); the coordinator records the outcome under
/// the attempt the outcome names.
///
/// A coordinator restarted on a job finds tasks that were running when the previous process
/// stopped. It calls ``reattach(_:)`` for each: a dispatcher that can still reach the step (a
/// pool worker holding its lease) waits for it and returns its outcome; one that cannot (the
/// in-process dispatcher, whose process is gone) returns `nil`, and the coordinator starts a new
/// attempt.
///
/// ```swift
/// struct Echo: StepDispatcher {
///     func dispatch(_ step: StepAssignment) async throws -> StepOutcome {
///         StepOutcome(jobID: step.jobID, taskID: step.taskID, attempt: step.attempt,
///                     status: .succeeded, recipe: step.recipeCID)
///     }
/// }
/// ```
public protocol StepDispatcher: Sendable {
    /// Runs one attempt of a step and reports how it ended.
    func dispatch(_ assignment: StepAssignment) async throws -> StepOutcome

    /// Takes several attempts at once and returns, for each and in the same order, how to wait
    /// for its outcome.
    ///
    /// All or none: when this throws, no step of the batch was taken (the coordinator records
    /// each as failed with the error, or, for ``DispatchInterrupted``, ends the drive with them
    /// `running`). The steps' work may start before their outcomes are awaited; each
    /// ``DispatchedStep/outcome`` is awaited once, in its own child task, and keeps the contract of
    /// the one-step ``dispatch(_:)-(StepAssignment)`` (cancellation included). The default
    /// returns outcomes that call it.
    func dispatch(_ steps: [StepAssignment]) async throws -> [DispatchedStep]

    /// Waits for an attempt started by an earlier process, or returns `nil` when it cannot be
    /// reached (the default), so that the coordinator starts a new attempt.
    func reattach(_ assignment: StepAssignment) async throws -> StepOutcome?

    /// Called once when a job's last step has ended, before the job's end is recorded: a
    /// dispatcher that batches durability (the in-process one makes the block store durable
    /// once per run rather than once per step) does it here. The default does nothing.
    func settle(job: String) async throws

    /// Whether a dispatched step only waits in a queue until something else starts it (the
    /// pool: the placement loop places it, a node claims it). The coordinator then logs an
    /// attempt it opens as `task.queued`, and whoever starts it logs `task.running`; otherwise
    /// (the default, `false`: the step starts when dispatched) the coordinator logs `task.running`.
    var queuesSteps: Bool { get }
}

extension StepDispatcher {
    public func dispatch(_ steps: [StepAssignment]) async throws -> [DispatchedStep] {
        steps.map { step in DispatchedStep(step) { try await self.dispatch(step) } }
    }

    public func reattach(_ assignment: StepAssignment) async throws -> StepOutcome? { nil }

    public func settle(job: String) async throws {}

    public var queuesSteps: Bool { false }
}

/// A step a ``StepDispatcher`` took as part of a batch, and how to wait for its outcome.
public struct DispatchedStep: Sendable {
    /// The attempt taken.
    public let assignment: StepAssignment
    /// Waits for the step to end and returns its outcome, like ``StepDispatcher/dispatch(_:)-(StepAssignment)``.
    public let outcome: @Sendable () async throws -> StepOutcome

    public init(_ assignment: StepAssignment, outcome: @escaping @Sendable () async throws -> StepOutcome) {
        self.assignment = assignment
        self.outcome = outcome
    }
}

/// Thrown by a ``StepDispatcher`` that stops waiting for a step which may still be running
/// elsewhere (its process is shutting down): the coordinator leaves the task `running` and ends
/// the drive by rethrowing it, instead of recording a failure.
public struct DispatchInterrupted: Error, Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String { "the dispatcher stopped waiting for the step (shutting down)" }
}
