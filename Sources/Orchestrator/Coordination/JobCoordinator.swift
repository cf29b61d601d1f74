import Foundation
import IPLD
import JobStore
import Pipeline
import Provenance

/// Drives one job's task DAG to its end: starts each task once its inputs exist, hands it to a
/// ``StepDispatcher``, records every outcome in the ``JobStore/JobStore``, and decides what
/// happens after a failure.
///
/// All state lives in the store; the coordinator keeps only what it can rebuild from there. So a
/// coordinator started on a job that another process was driving when it died picks the job up
/// where it was: succeeded and cached tasks stay done, tasks left `running` are offered to the
/// dispatcher's ``StepDispatcher/reattach(_:)`` (or run again as a new attempt), the rest runs.
///
/// Rules (see ``JobStateMachine``): up to ``concurrency`` steps run at once, in graph order; a
/// step that fails in a way worth retrying (``StepFailure/isRetryable(reason:)``) runs again as a
/// new attempt, up to the task's `retries` times; a failed task's dependants are skipped
/// (`dependency-failed`); without `keepGoing` the first failure stops new starts while running
/// steps finish; cancelling the calling task cancels running steps and marks what did not start
/// as cancelled.
///
/// ```swift
/// let coordinator = JobCoordinator(store: store, dispatcher: LocalDispatcher(executor: executor),
///                                  concurrency: 2) { event in print(event.kind, event.taskID ?? "") }
/// let job = try await coordinator.run(job: id)
/// print(job.state)               // succeeded
/// ```
public struct JobCoordinator: Sendable {
    public let store: JobStore
    public let dispatcher: any StepDispatcher
    /// Steps dispatched at once, at least 1.
    public let concurrency: Int
    /// Where parents of pipeline inputs made by earlier jobs are looked up (the store's index by default).
    public let index: any ProvenanceIndex
    /// The node recorded on attempts when it is known when they start (the local node).
    public let node: String?
    /// Called with each event the job logs, in order, as the job progresses.
    public let observer: (@Sendable (JobEvent) -> Void)?

    public init(
        store: JobStore, dispatcher: any StepDispatcher, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        index: (any ProvenanceIndex)? = nil, node: String? = nil, observer: (@Sendable (JobEvent) -> Void)? = nil
    ) {
        self.store = store
        self.dispatcher = dispatcher
        self.concurrency = max(1, concurrency)
        self.index = index ?? store.provenanceIndex
        self.node = node
        self.observer = observer
    }

    /// Drives job `id` until it ends, and returns its final record.
    ///
    /// A job that already succeeded is returned as it is. Errors of the store end the drive
    /// (running steps are cancelled and stay `running` in the store, for a later drive), and so
    /// does a dispatcher that throws ``DispatchInterrupted`` (its steps stay `running`).
    ///
    /// - Parameter spec: The job's resolved spec when the caller holds it already (the one it
    ///   just stored with ``PreparedJob/submit(to:specFile:options:id:)``), so the drive does not
    ///   read and load the stored copy again; `nil` (a resumed job, after a restart) loads the
    ///   stored copy.
    /// - Parameter recipes: The recipes the job's submission built
    ///   (``PreparedJob/submitKeepingRecipes(to:specFile:options:id:)``), used instead of building
    ///   them again; none (a resumed job) builds every recipe.
    /// - Throws: ``OrchestratorError/Code/invalidJob`` when the stored spec cannot be read,
    ///   ``JobStore/JobStoreError`` from the store, and ``DispatchInterrupted``.
    @discardableResult
    public func run(job id: String, spec: PipelineSpec? = nil, recipes: SubmittedRecipes = SubmittedRecipes()) async throws -> JobRecord {
        var drive = try Drive(coordinator: self, job: id, spec: spec, recipes: recipes)
        if drive.job.state == .succeeded { return drive.job }
        return try await drive.run()
    }
}

/// One drive of a job: the coordinator's working state (rebuilt from the store every time).
struct Drive {
    let coordinator: JobCoordinator
    var job: JobRecord
    let builder: AssignmentBuilder
    var machine: JobStateMachine
    var records: [String: TaskRecord]
    /// Each task's `retries`: how many failed attempts may be followed by another.
    let retries: [String: Int]
    var lastEvent: Int64 = 0

    var store: JobStore { coordinator.store }

    /// What a child task reports back.
    struct Finished: Sendable {
        enum Kind: Sendable { case dispatched, reattached }
        var task: String
        var attempt: Int
        var kind: Kind
        var result: Result<StepOutcome?, any Error>
        var assignment: StepAssignment
    }

    init(coordinator: JobCoordinator, job id: String, spec given: PipelineSpec? = nil, recipes: SubmittedRecipes = SubmittedRecipes()) throws {
        self.coordinator = coordinator
        job = try coordinator.store.job(id)
        let spec = try given ?? StoredSpec.decode(job.spec, job: id)
        let graph: TaskGraph
        do { graph = try TaskGraph(spec) } catch {
            throw OrchestratorError(.invalidJob, "run \(id): \(error.message)")
        }
        let tasks = try coordinator.store.tasks(of: id)
        let stored = Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0) })
        if let missing = graph.order.first(where: { stored[$0] == nil }) {
            throw OrchestratorError(.invalidJob, "run \(id) has no stored task '\(missing)'")
        }
        records = stored
        retries = Dictionary(spec.tasks.map { ($0.id, $0.retries) }, uniquingKeysWith: { first, _ in first })
        builder = AssignmentBuilder(job: job, spec: spec, index: coordinator.index, recipes: recipes)
        // The observer hears about this drive only, not what earlier drives logged.
        if coordinator.observer != nil { lastEvent = try coordinator.store.events(of: id).last?.sequence ?? 0 }
        machine = JobStateMachine(graph: graph, states: stored.mapValues(\.state), keepGoing: job.options.keepGoing)
    }

    mutating func run() async throws -> JobRecord {
        job = try store.setJobState(job.id, to: .running)
        try await withThrowingTaskGroup(of: Finished.self) { group in
            var inFlight = 0
            for id in machine.running {
                let attempt = records[id]!.attempts
                guard let assignment = try assignment(for: id, attempt: attempt) else { continue }
                let dispatcher = coordinator.dispatcher
                group.addTask {
                    let result = await Drive.capture { try await dispatcher.reattach(assignment) }
                    return Finished(task: id, attempt: attempt, kind: .reattached, result: result, assignment: assignment)
                }
                inFlight += 1
            }
            while true {
                if Task.isCancelled, !machine.isCancelled { machine.cancel() }
                try await startReadyTasks(in: &group, inFlight: &inFlight)
                try publishEvents()
                if inFlight == 0 { break }
                guard let finished = try await group.next() else { break }
                inFlight -= 1
                if case .success(nil) = finished.result, !machine.isCancelled {
                    // The earlier process's attempt cannot be reached: run it again as a new attempt.
                    let attempt = try store.startAttempt(
                        job: job.id, task: finished.task, node: coordinator.node, queued: coordinator.dispatcher.queuesSteps)
                    records[finished.task]?.attempts = attempt
                    var assignment = finished.assignment
                    assignment.attempt = attempt
                    dispatch(assignment, in: &group)
                    inFlight += 1
                    continue
                }
                if let again = try retry(finished) {
                    dispatch(again, in: &group)
                    inFlight += 1
                    continue
                }
                try record(finished)
            }
        }
        try closeRemaining()
        try await coordinator.dispatcher.settle(job: job.id)
        let outcome = machine.outcome
        job = try store.setJobState(job.id, to: outcome, reason: outcome == .succeeded ? nil : failureReason())
        try publishEvents()
        return job
    }

    /// Starts ready tasks while slots are free, a wave at a time.
    ///
    /// A wave is every ready task a free slot allows, in graph order: their attempts are opened
    /// in one store transaction and they go to the dispatcher as one batch, so the last task of a
    /// 100-task fan-out does not wait for 99 separate starts. A task whose assignment cannot be
    /// built ends the wave: its attempt is opened with the others and recorded as failed (which,
    /// without `keepGoing`, stops further starts, as it would have one task at a time).
    mutating func startReadyTasks(in group: inout ThrowingTaskGroup<Finished, any Error>, inFlight: inout Int) async throws {
        while true {
            // One transaction for the whole wave, the tasks it makes ready with it (or those
            // alone when nothing starts now): a fan-out of N tasks is not N commits, nor two,
            // before the first of them can start.
            let promoted = machine.promoteReady().filter { records[$0]?.state == .pending }
            for id in promoted { records[id]?.state = .ready }
            var wave: [String] = []
            var steps: [StepAssignment] = []
            var unbuildable: OrchestratorError?
            while unbuildable == nil, inFlight + wave.count < coordinator.concurrency, let id = machine.nextToStart() {
                machine.start(id)
                wave.append(id)
                do {
                    // The attempt number is set below, once the store has opened it.
                    steps.append(try builder.assignment(for: id, attempt: (records[id]?.attempts ?? 0) + 1, tasks: records))
                } catch let error as OrchestratorError {
                    unbuildable = error
                }
            }
            guard !wave.isEmpty else {
                try store.markReady(job: job.id, tasks: promoted)
                return
            }
            let attempts = try store.startAttempts(
                job: job.id, tasks: wave, node: coordinator.node, queued: coordinator.dispatcher.queuesSteps, readying: promoted)
            for (id, attempt) in zip(wave, attempts) {
                records[id]?.state = .running
                records[id]?.attempts = attempt
            }
            for index in steps.indices { steps[index].attempt = attempts[index] }
            try await dispatch(steps, in: &group)
            inFlight += steps.count
            if let unbuildable, let id = wave.last, let attempt = attempts.last {
                try finish(id, attempt: attempt, result: TaskResult(
                    state: .failed, reason: StepFailure.internalError.rawValue, message: unbuildable.message,
                    recipe: records[id]?.recipe))
            }
        }
    }

    /// Hands a wave's steps to the dispatcher as one batch and adds a child that waits for each
    /// one's outcome. A batch the dispatcher refuses fails each of its steps with that error
    /// (``DispatchInterrupted`` ends the drive when the first of them is recorded).
    func dispatch(_ steps: [StepAssignment], in group: inout ThrowingTaskGroup<Finished, any Error>) async throws {
        guard !steps.isEmpty else { return }
        let dispatched: [DispatchedStep]
        do {
            dispatched = try await coordinator.dispatcher.dispatch(steps)
            guard dispatched.count == steps.count else {
                throw OrchestratorError(
                    .dispatchFailed, "the dispatcher took \(dispatched.count) of a batch of \(steps.count) steps")
            }
        } catch {
            for assignment in steps {
                group.addTask {
                    Finished(task: assignment.taskID, attempt: assignment.attempt, kind: .dispatched,
                             result: .failure(error), assignment: assignment)
                }
            }
            return
        }
        for (assignment, step) in zip(steps, dispatched) {
            group.addTask {
                let result = await Drive.capture { try await step.outcome() }
                return Finished(
                    task: assignment.taskID, attempt: assignment.attempt, kind: .dispatched, result: result, assignment: assignment)
            }
        }
    }

    /// Hands one step to the dispatcher (a new attempt of a step an earlier process started).
    func dispatch(_ assignment: StepAssignment, in group: inout ThrowingTaskGroup<Finished, any Error>) {
        let dispatcher = coordinator.dispatcher
        group.addTask {
            let result = await Drive.capture { try await dispatcher.dispatch(assignment) }
            return Finished(
                task: assignment.taskID, attempt: assignment.attempt, kind: .dispatched, result: result, assignment: assignment)
        }
    }

    /// The assignment of a running task, or `nil` after recording the task as failed when none
    /// can be built (an input without a CID, a placeholder that cannot be filled).
    mutating func assignment(for id: String, attempt: Int) throws -> StepAssignment? {
        do {
            return try builder.assignment(for: id, attempt: attempt, tasks: records)
        } catch let error as OrchestratorError {
            let recipe = records[id]?.recipe
            try finish(id, attempt: attempt, result: TaskResult(
                state: .failed, reason: StepFailure.internalError.rawValue, message: error.message, recipe: recipe))
            return nil
        }
    }

    /// The next attempt of a task whose attempt just failed, when the failure is worth retrying
    /// and the task's `retries` allow one more; `nil` leaves the outcome to ``record(_:)``.
    ///
    /// The failed attempt is closed and the next one opened in one store transaction
    /// (``JobStore/JobStore/retryTask(job:task:attempt:failure:message:node:queued:)``), so a
    /// drive that stops in between resumes either the failed report or the new attempt.
    mutating func retry(_ finished: Finished) throws -> StepAssignment? {
        guard case .success(let reported?) = finished.result, reported.taskID == finished.task,
              reported.status == .failed, StepFailure.isRetryable(reason: reported.reason),
              !machine.isStopping, !Task.isCancelled  // a job already failing (without keepGoing) starts nothing more
        else { return nil }
        let limit = retries[finished.task] ?? 0
        guard limit > 0 else { return nil }
        let failed = try store.attempts(job: job.id, task: finished.task).filter { $0.state == TaskState.failed.rawValue }
        let retry = failed.count + 1
        guard retry <= limit else { return nil }
        let how = [reported.reason, reported.message].compactMap { $0 }.joined(separator: ": ")
        let message = "attempt \(reported.attempt) failed (\(how)); running it again (retry \(retry) of \(limit))"
        guard let attempt = try store.retryTask(
            job: job.id, task: finished.task, attempt: reported.attempt, failure: reported.taskResult, message: message,
            node: coordinator.node, queued: coordinator.dispatcher.queuesSteps)
        else { return nil }
        records[finished.task]?.attempts = attempt
        var assignment = finished.assignment
        assignment.attempt = attempt
        return assignment
    }

    /// Records a finished child's outcome.
    mutating func record(_ finished: Finished) throws {
        let outcome: StepOutcome
        switch finished.result {
        case .failure(let error as DispatchInterrupted):
            throw error
        case .success(let reported?) where reported.taskID == finished.task && reported.attempt > finished.attempt:
            // The dispatcher ran the step again as a later attempt it opened in the store.
            records[finished.task]?.attempts = reported.attempt
            try finish(finished.task, attempt: reported.attempt, result: reported.taskResult)
            return
        case .success(let reported?):
            outcome = reported
        case .success(nil):
            outcome = .unrecorded(finished.assignment, status: .cancelled, reason: .cancelled, message: "the run was cancelled")
        case .failure(let error) where error is CancellationError:
            outcome = .unrecorded(finished.assignment, status: .cancelled, reason: .cancelled, message: "the run was cancelled")
        case .failure(let error):
            outcome = .unrecorded(finished.assignment, status: .failed, reason: .internalError, message: "\(error)")
        }
        try finish(finished.task, attempt: finished.attempt, result: outcome.taskResult)
    }

    /// Stores a task's end, then skips its dependants if it did not succeed.
    mutating func finish(_ id: String, attempt: Int, result: TaskResult) throws {
        if Task.isCancelled, !machine.isCancelled { machine.cancel() }
        try store.finishTask(job: job.id, task: id, attempt: attempt, result: result)
        records[id] = try store.task(job: job.id, id: id)
        let skipped = machine.finish(id, as: records[id]!.state)
        for dependant in skipped {
            if machine.isCancelled {
                try store.cancelTask(job: job.id, task: dependant, message: "the run was cancelled before it started")
            } else {
                try store.skipTask(
                    job: job.id, task: dependant, reason: StepFailure.dependencyFailed.rawValue,
                    message: "dependency '\(id)' \(result.state == .cancelled ? "was cancelled" : "failed")")
            }
            records[dependant]?.state = machine.isCancelled ? .cancelled : .skipped
        }
    }

    /// Marks what never started, once nothing runs any more.
    mutating func closeRemaining() throws {
        if machine.isCancelled {
            for id in machine.closeRemaining(as: .cancelled) {
                try store.cancelTask(job: job.id, task: id, message: "the run was cancelled before it started")
            }
        } else {
            let failed = machine.firstFailure ?? "a task"
            for id in machine.closeRemaining(as: .skipped) {
                try store.skipTask(
                    job: job.id, task: id, reason: StepFailure.notStarted.rawValue,
                    message: "not started: the run stopped after '\(failed)' failed (--keep-going runs what does not depend on it)")
            }
        }
    }

    /// The job's reason when it did not succeed: the first failed task and why.
    func failureReason() -> String {
        if machine.isCancelled { return "cancelled" }
        let order = machine.graph.order
        if let failed = order.first(where: { records[$0]?.state == .failed }) {
            let why = records[failed]?.message ?? records[failed]?.reason ?? "failed"
            return "task '\(failed)' failed: \(why)"
        }
        if let other = order.first(where: { records[$0]?.state.isSuccessful == false }) {
            return "task '\(other)' \(records[other]?.state.rawValue ?? "did not run")"
        }
        return "failed"
    }

    /// The result of `body`, or the error it threw.
    static func capture(_ body: () async throws -> StepOutcome?) async -> Result<StepOutcome?, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// Hands events logged since the last call to the observer.
    mutating func publishEvents() throws {
        guard let observer = coordinator.observer else { return }
        for event in try store.events(of: job.id, after: lastEvent) {
            observer(event)
            lastEvent = event.sequence
        }
    }
}
