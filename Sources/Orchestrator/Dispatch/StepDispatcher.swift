/// Where the coordinator sends steps to run: in-process on this machine, or to the pool's workers.
///
/// The coordinator calls ``dispatch(_:)`` for each attempt it starts, up to its concurrency limit
/// at once, and records the returned ``StepOutcome``. Implementations must:
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

    /// Waits for an attempt started by an earlier process, or returns `nil` when it cannot be
    /// reached (the default), so that the coordinator starts a new attempt.
    func reattach(_ assignment: StepAssignment) async throws -> StepOutcome?

    /// Called once when a job's last step has ended, before the job's end is recorded: a
    /// dispatcher that batches durability (the in-process one makes the block store durable
    /// once per run rather than once per step) does it here. The default does nothing.
    func settle(job: String) async throws
}

extension StepDispatcher {
    public func reattach(_ assignment: StepAssignment) async throws -> StepOutcome? { nil }

    public func settle(job: String) async throws {}
}

/// Thrown by a ``StepDispatcher`` that stops waiting for a step which may still be running
/// elsewhere (its process is shutting down): the coordinator leaves the task `running` and ends
/// the drive by rethrowing it, instead of recording a failure.
public struct DispatchInterrupted: Error, Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String { "the dispatcher stopped waiting for the step (shutting down)" }
}
