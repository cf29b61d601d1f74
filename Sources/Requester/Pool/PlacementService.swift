import Foundation
import JobStore
import Logging
import Orchestrator
import Scheduling
import ServiceLifecycle
import Synchronization

/// The placement loop: decides where queued executions run, whenever something changes and
/// every ``RequesterConfiguration/placementInterval`` (so windows and queue timeouts are
/// noticed while nothing happens).
///
/// One pass reads the active executions from the store (the queue, and what placed or running
/// executions hold on each node), builds a ``Scheduling/NodeSnapshot`` per node from the
/// ``PoolRegistry`` less those reservations, and a ``Scheduling/TaskDemand`` per queued
/// execution (kept in a ``DemandCache``: the dispatcher hands over the demands of the executions
/// it queues through ``queued(_:)``, and a pass builds from the store, with ``DemandBuilder``,
/// only those of executions it has not seen, such as every active one after a restart), and calls
/// ``Scheduling/Scheduler/place(tasks:nodes:now:search:)``:
///
/// - **place**: the execution becomes `placed` on that node, the task's attempt records the node,
///   the job's events get `task.placed` with the scheduler's reason
///   (`placed on w2: 4.1 GiB of 4.1 GiB inputs local`), and the node's claim long-poll wakes;
/// - **wait**: the reason is kept for `job status`, and logged as `task.waiting` when the cause
///   changes (not on every pass);
/// - **fail**: the execution ends `unplaceable` and its dispatcher returns a failed outcome.
final class PlacementService: Service, Sendable {
    let store: JobStore
    let registry: PoolRegistry
    let builder: DemandBuilder
    let demands = DemandCache()
    let board: ExecutionBoard
    let metrics: RequesterMetrics
    let configuration: RequesterConfiguration
    /// Claim long-polls wait on their node's key; job event long-polls on the job id.
    let claims: Doorbell
    let events: Doorbell

    private struct State {
        var dirty = true
        /// The latest wait reason and cause of each waiting execution.
        var waiting: [String: (reason: String, cause: PlacementDecision.WaitCause)] = [:]
    }

    private let state = Mutex(State())
    private let bell = Doorbell()
    private static let key = "placement"

    init(
        store: JobStore, registry: PoolRegistry, builder: DemandBuilder, board: ExecutionBoard, metrics: RequesterMetrics,
        configuration: RequesterConfiguration, claims: Doorbell, events: Doorbell
    ) {
        self.store = store
        self.registry = registry
        self.builder = builder
        self.board = board
        self.metrics = metrics
        self.configuration = configuration
        self.claims = claims
        self.events = events
    }

    /// Takes the executions a dispatcher just stored as queued, with their assignments, and asks
    /// for a pass: their demands are built from the assignments (nothing is read back from the
    /// store or decoded) and kept for the passes. An execution whose demand cannot be built here
    /// is left to the pass, which builds it from the store or fails it with the reason.
    func queued(_ executions: [(record: ExecutionRecord, assignment: StepAssignment)]) {
        var built: [String: TaskDemand] = [:]
        var assignments: [String: StepAssignment] = [:]
        for (record, assignment) in executions {
            // The time as the store gives it back (seconds since 1970, a Double), so the demand is
            // the one a pass would build from the stored execution, to the last bit.
            var stored = record
            stored.readySince = Date(timeIntervalSince1970: record.readySince.timeIntervalSince1970)
            if let demand = try? builder.demand(for: stored, assignment: assignment) {
                built[record.id] = demand
                assignments[record.id] = assignment
            }
        }
        demands.remember(built, assignments: assignments)
        wake()
    }

    /// Asks for a pass soon (something changed: a new execution, a node, a report).
    func wake() {
        state.withLock { $0.dirty = true }
        bell.ring(Self.key)
    }

    /// Why a queued execution waits, as the last pass decided.
    func waitReason(_ execution: String) -> String? {
        state.withLock { $0.waiting[execution]?.reason }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !bell.isClosed {
                // Listen before reading the flag: a wake() after the read rings this ticket, so
                // the loop never sleeps through a change (the interval is only the fallback).
                let ticket = bell.listen(Self.key)
                let dirty = state.withLock { state in
                    defer { state.dirty = false }
                    return state.dirty
                }
                if dirty { bell.forget(ticket) } else { await bell.wait(ticket, timeout: configuration.placementInterval) }
                if bell.isClosed { break }
                state.withLock { $0.dirty = false }
                do {
                    // On a thread of its own: a pass is blocking store work, and on the executor's
                    // few threads it waited behind whatever else held them while its wave waited.
                    try await BlockingPool.placement.run { try self.pass(now: Date()) }
                } catch {
                    configuration.logger.error("placement pass failed: \(error)")
                    try? await Task.sleep(for: configuration.placementInterval)
                }
            }
        } onGracefulShutdown: {
            self.bell.close()
        }
    }

    /// One placement pass over everything queued now.
    func pass(now: Date) throws {
        let generation = self.demands.beginPass()
        let active = try store.activeExecutions()
        var reserved: [String: Resources] = [:]
        var queued: [ExecutionSummary] = []
        var demands: [TaskDemand] = []
        var byKey: [TaskKey: ExecutionSummary] = [:]
        let known = self.demands.known()
        var fresh: [String: TaskDemand] = [:]
        for execution in active {
            let demand: TaskDemand
            if let cached = known[execution.id] {
                demand = cached
            } else {
                do {
                    guard let record = try store.execution(execution.id) else { continue }
                    demand = try builder.demand(for: record)
                } catch {
                    if execution.state == .queued { fail(execution, reason: "error", message: "cannot be placed: \(error)") }
                    continue
                }
            }
            fresh[execution.id] = demand
            switch execution.state {
            case .queued:
                if let notBefore = execution.notBefore, notBefore > now { continue }
                queued.append(execution)
                demands.append(demand)
                byKey[demand.key] = execution
            case .placed, .assigned, .running:
                if let node = execution.node {
                    let used = reserved[node] ?? .zero
                    let add = demand.resources
                    reserved[node] = Resources(
                        slots: used.slots + max(1, add.slots), milliCPU: used.milliCPU + add.milliCPU,
                        memory: used.memory + add.memory, disk: used.disk + add.disk)
                }
            default:
                break
            }
        }
        self.demands.endPass(generation, keeping: fresh)
        state.withLock { state in
            state.waiting = state.waiting.filter { fresh[$0.key] != nil }
        }
        metrics.queueDepth.set(Double(active.filter { $0.state == .queued }.count))
        guard !demands.isEmpty else { return }

        let clock = ContinuousClock()
        let started = clock.now
        let decisions = Scheduler.place(tasks: demands, nodes: registry.snapshots(reserved: reserved), now: now)
        metrics.schedulerPass.record(clock.now - started)

        var placements: [(id: String, node: String, reason: String)] = []
        var reasons: [String: PlacementDecision] = [:]
        var waitingEvents: [(job: String, kind: JobEvent.Kind, task: String?, attempt: Int?, message: String?)] = []
        for decision in decisions {
            guard let execution = byKey[decision.task] else { continue }
            switch decision.action {
            case .place(let node, _, _):
                placements.append((execution.id, node, decision.reason))
                reasons[execution.id] = decision
            case .wait(let cause):
                let changed = state.withLock { state -> Bool in
                    let previous = state.waiting[execution.id]
                    state.waiting[execution.id] = (decision.reason, cause)
                    return previous?.cause != cause
                }
                if changed {
                    try? store.notePlacement(execution.id, reason: decision.reason)
                    waitingEvents.append((execution.jobID, .taskWaiting, execution.taskID, execution.attempt, decision.reason))
                }
            case .fail(let cause):
                // The task's message says why it failed; the reason word already says it failed.
                let why = decision.reason.hasPrefix("failed: ") ? String(decision.reason.dropFirst("failed: ".count)) : decision.reason
                fail(execution, reason: Self.word(cause), message: why)
            }
        }
        // Their `task.placed` events are logged with them (``JobStore/placeExecutions(_:at:)``).
        let placed = try store.placeExecutions(placements, at: now)
        // The nodes' claims first: they are what the placed steps wait for.
        let placedIDs = Set(placed)
        for node in Set(placements.filter { placedIDs.contains($0.id) }.map(\.node)) { claims.ring(node) }
        let byID = Dictionary(uniqueKeysWithValues: queued.map { ($0.id, $0) })
        for job in Set(placed.compactMap { byID[$0]?.jobID }) { self.events.ring(job) }
        for id in placed {
            guard let execution = byID[id], let decision = reasons[id] else { continue }
            metrics.placementLatency.record(Duration.seconds(max(0, now.timeIntervalSince(execution.readySince))))
            metrics.placements("placed").increment()
            configuration.logger.debug("\(decision)")
        }
        state.withLock { state in for id in placed { state.waiting[id] = nil } }
        try store.logEvents(waitingEvents)
        for job in Set(waitingEvents.map(\.job)) { self.events.ring(job) }
    }

    private func fail(_ execution: ExecutionSummary, reason: String, message: String) {
        // The note first: nothing that can fail comes between the end's commit and the waiter's
        // wake-up (a dispatcher that announced the execution waits for that call alone).
        do {
            try store.notePlacement(execution.id, reason: message)
            guard try store.endExecution(execution.id, as: .unplaceable, reason: reason) != nil else { return }
        } catch {
            configuration.logger.error("cannot fail execution \(execution.id): \(error)")
            return
        }
        metrics.placements("failed").increment()
        configuration.logger.info("\(execution.jobID)/\(execution.taskID): \(message)")
        board.complete(execution.id, .unplaceable(reason: reason, message: message))
    }

    /// The reason word of a placement failure (`queue-timeout`, `no-matching-node`, …).
    static func word(_ cause: PlacementDecision.FailCause) -> String {
        switch cause {
        case .noMatchingNode: "no-matching-node"
        case .tooLarge: "too-large"
        case .privateInputUnavailable: "private-input-unavailable"
        case .queueTimeout: "queue-timeout"
        }
    }
}
