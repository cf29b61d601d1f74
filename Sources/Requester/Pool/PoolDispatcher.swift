import Foundation
import JobStore
import Logging
import Orchestrator
import PoolAPI

/// The pool's ``Orchestrator/StepDispatcher``: hands each step to the placement loop as a
/// queued execution and waits for how it ends, re-queueing it when its node is lost.
///
/// One attempt of a step is one execution in the store (``JobStore/ExecutionRecord``). The
/// dispatcher writes it (a wave of a job's steps in one transaction), wakes the placement loop
/// (once per wave), and waits on the ``ExecutionBoard``:
///
/// - **reported**: the node's outcome is returned to the coordinator, which records it.
/// - **lost** (the lease expired, the node restarted): a new attempt is opened in the store
///   (the old one is closed as lost) and queued again after a backoff that doubles with each
///   loss, avoiding the nodes that lost it; past the task's `retries` (the configured default
///   when the spec leaves it at 0) the step fails with reason `lost`.
/// - **returned** (the node left gracefully): queued again at once, without counting a loss.
/// - **unplaceable**: the scheduler's failure (`queue-timeout`, `no-matching-node`,
///   `too-large`, `private-input-unavailable`) becomes a failed outcome.
/// - **cancelled** (the coordinator's task was cancelled: the job was cancelled): the
///   execution is cancelled, so its node is told to stop at its next heartbeat.
/// - **interrupted** (the requester shuts down): ``Orchestrator/DispatchInterrupted`` is thrown and the
///   execution is left as it is, for ``reattach(_:)`` after the restart.
///
/// ``reattach(_:)`` finds the execution of the attempt the store says is running and follows
/// it the same way: a live lease keeps waiting for its report, an expired one is re-queued.
final class PoolDispatcher: StepDispatcher {
    let store: JobStore
    let board: ExecutionBoard
    let catalog: JobCatalog
    let configuration: RequesterConfiguration
    /// Hands the executions just stored as queued, with their assignments, to the placement
    /// loop (``PlacementService/queued(_:)``) and wakes it; an empty list only wakes it.
    let queued: @Sendable ([(record: ExecutionRecord, assignment: StepAssignment)]) -> Void
    /// Rings when a job's event log grows.
    let events: Doorbell

    init(
        store: JobStore, board: ExecutionBoard, catalog: JobCatalog, configuration: RequesterConfiguration,
        events: Doorbell, queued: @escaping @Sendable ([(record: ExecutionRecord, assignment: StepAssignment)]) -> Void
    ) {
        self.store = store
        self.board = board
        self.catalog = catalog
        self.configuration = configuration
        self.events = events
        self.queued = queued
    }

    /// Steps wait in the placement queue: their attempts are logged `task.queued`, placement logs
    /// `task.placed`, and the node's claim logs `task.running`.
    var queuesSteps: Bool { true }

    func dispatch(_ assignment: StepAssignment) async throws -> StepOutcome {
        if board.isInterrupted { throw DispatchInterrupted() }
        let execution = try queue(assignment, readySince: Date(), notBefore: nil)
        return try await follow(assignment, from: execution)
    }

    /// Queues a wave's executions in one transaction, wakes the placement loop once, and returns
    /// for each step a wait that follows its execution like ``dispatch(_:)-(StepAssignment)``.
    func dispatch(_ steps: [StepAssignment]) async throws -> [DispatchedStep] {
        if board.isInterrupted { throw DispatchInterrupted() }
        let executions = try queue(steps, readySince: Date())
        return zip(steps, executions).map { step, execution in
            DispatchedStep(step) { try await self.follow(step, from: execution) }
        }
    }

    func reattach(_ assignment: StepAssignment) async throws -> StepOutcome? {
        if board.isInterrupted { throw DispatchInterrupted() }
        let history = try store.executions(job: assignment.jobID, task: assignment.taskID)
        if let current = history.last(where: { $0.attempt == assignment.attempt }) {
            return try await follow(assignment, from: current)
        }
        // The requester stopped between opening the attempt and queueing it.
        let execution = try queue(assignment, readySince: Date(), notBefore: nil)
        return try await follow(assignment, from: execution)
    }

    // MARK: Following an execution to its end

    private func follow(_ first: StepAssignment, from execution: ExecutionRecord) async throws -> StepOutcome {
        var assignment = first
        var execution = execution
        while true {
            let id = execution.id
            let ending = await board.wait(id) { [store, board] in
                if let record = try? store.execution(id), !record.state.isActive { board.complete(id, Self.ending(of: record)) }
            }
            switch ending {
            case .reported(let outcome):
                return outcome
            case .interrupted:
                throw DispatchInterrupted()
            case .cancelled:
                if board.isInterrupted { throw DispatchInterrupted() }
                try store.endExecution(id, as: .cancelled, reason: "the job was cancelled")
                queued([])
                return .unrecorded(assignment, status: .cancelled, reason: .cancelled, message: "the job was cancelled")
            case .unplaceable(let reason, let message):
                return StepOutcome(
                    jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .failed,
                    reason: reason, message: message, recipe: assignment.recipeCID)
            case .lost(let node, let reason):
                let losses = try store.executions(job: assignment.jobID, task: assignment.taskID).filter { $0.state == .lost }.count
                let limit = try retries(of: assignment)
                let what = "node \(node ?? "?") lost attempt \(assignment.attempt) (\(reason))"
                if losses > limit {
                    return StepOutcome(
                        jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .failed,
                        reason: "lost", message: "\(what); lost \(losses) times, more than its \(limit) retries",
                        recipe: assignment.recipeCID, node: node)
                }
                let backoff = backoff(afterLosses: losses)
                (assignment, execution) = try requeue(assignment, after: execution, notBefore: Date() + backoff.timeInterval,
                    why: "\(what); queued again (retry \(losses) of \(limit))")
            case .returned(let node):
                (assignment, execution) = try requeue(assignment, after: execution, notBefore: nil,
                    why: "node \(node ?? "?") handed attempt \(assignment.attempt) back when it left; queued again")
            }
        }
    }

    /// Opens the next attempt in the store and queues it as a new execution.
    private func requeue(
        _ assignment: StepAssignment, after previous: ExecutionRecord, notBefore: Date?, why: String
    ) throws -> (StepAssignment, ExecutionRecord) {
        var next = assignment
        next.attempt = try store.startAttempt(job: assignment.jobID, task: assignment.taskID, node: nil, queued: true)
        try store.logEvent(job: assignment.jobID, kind: .taskRequeued, task: assignment.taskID, attempt: next.attempt, message: why)
        events.ring(assignment.jobID)
        configuration.logger.info("requeue \(assignment.label): \(why)")
        return (next, try queue(next, readySince: Date(), notBefore: notBefore))
    }

    /// Stores a queued execution for `assignment` and wakes the placement loop.
    private func queue(_ assignment: StepAssignment, readySince: Date, notBefore: Date?) throws -> ExecutionRecord {
        let record = try Self.execution(of: assignment, readySince: readySince, notBefore: notBefore)
        board.expect([record.id])
        do { try store.createExecution(record) } catch {
            board.unexpect([record.id])
            throw error
        }
        queued([(record, assignment)])
        return record
    }

    /// Stores queued executions for `steps` in one transaction and wakes the placement loop once.
    private func queue(_ steps: [StepAssignment], readySince: Date) throws -> [ExecutionRecord] {
        let records = try steps.map { try Self.execution(of: $0, readySince: readySince, notBefore: nil) }
        // Announced before they are stored: their waits need not read them back (``ExecutionBoard``).
        board.expect(records.map(\.id))
        do { try store.createExecutions(records) } catch {
            board.unexpect(records.map(\.id))
            throw error
        }
        if !records.isEmpty { queued(Array(zip(records, steps))) }
        return records
    }

    /// A new queued execution of `assignment` (not stored yet).
    private static func execution(of assignment: StepAssignment, readySince: Date, notBefore: Date?) throws -> ExecutionRecord {
        let text = String(decoding: try PoolAPI.encoder.encode(assignment), as: UTF8.self)
        return ExecutionRecord(
            id: ExecutionRecord.generateID(), jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt,
            assignment: text, readySince: readySince, notBefore: notBefore)
    }

    private func retries(of assignment: StepAssignment) throws -> Int {
        let declared = (try? catalog.task(job: assignment.jobID, id: assignment.taskID).retries) ?? 0
        return declared > 0 ? declared : configuration.defaultRetries
    }

    /// `retryBackoff`, doubled for each loss after the first, at most `maxRetryBackoff`.
    func backoff(afterLosses losses: Int) -> Duration {
        var delay = configuration.retryBackoff
        for _ in 1..<max(1, losses) where delay < configuration.maxRetryBackoff { delay = delay * 2 }
        return min(delay, configuration.maxRetryBackoff)
    }

    /// How a stored execution that is no longer active ended.
    static func ending(of record: ExecutionRecord) -> ExecutionEnding {
        switch record.state {
        case .reported:
            if let text = record.outcome, let outcome = try? PoolAPI.decoder.decode(StepOutcome.self, from: Data(text.utf8)) {
                return .reported(outcome)
            }
            return .unplaceable(reason: "error", message: "the stored outcome of execution \(record.id) cannot be read")
        case .lost: return .lost(node: record.node, reason: record.reason ?? "lost")
        case .returned: return .returned(node: record.node)
        case .cancelled: return .cancelled
        case .unplaceable: return .unplaceable(reason: record.reason ?? "error", message: record.placement ?? "cannot be placed")
        case .queued, .placed, .assigned, .running: return .interrupted  // not an end; never asked
        }
    }
}
