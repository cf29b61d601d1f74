import JobStore
import Pipeline

/// The decisions of a running job, as a pure value: which tasks may start, which must be
/// skipped after a failure, when the job is over and how it ended.
///
/// ``JobCoordinator`` applies each decision to the ``JobStore/JobStore`` and to its dispatcher;
/// this type does no I/O, so the rules are unit-tested directly:
///
/// - A task becomes **ready** once every task it reads from succeeded or was cached.
/// - When a task **fails**, every task that depends on it, directly or through others, is
///   skipped (`dependency-failed`); independent branches are not touched.
/// - Without `keepGoing`, the first failure **stops new starts**: tasks already running finish,
///   and what never started is skipped (`not-started`) once they have. With `keepGoing`,
///   everything that can still run does.
/// - A **cancelled** job starts nothing more; what did not start is cancelled.
///
/// ```swift
/// var machine = JobStateMachine(graph: graph, states: states, keepGoing: false)
/// for id in machine.promoteReady() { /* pending → ready */ }
/// while let next = machine.nextToStart() { machine.start(next) /* dispatch */ }
/// let skipped = machine.finish("clean", as: .failed)     // ["train", "evaluate"]
/// ```
public struct JobStateMachine: Sendable {
    public let graph: TaskGraph
    public let keepGoing: Bool
    /// Every task's state, as this machine knows it.
    public private(set) var states: [String: TaskState]
    /// The first task that failed in this run of the machine (what stops new starts).
    public private(set) var firstFailure: String?
    /// Whether the job was cancelled.
    public private(set) var isCancelled = false

    // A coordinator asks for ready tasks after every step that ends and for each task it starts,
    // so these answer without a pass over every task of the job each time (a 100-task fan-out
    // made those passes quadratic).
    /// `graph.order`, kept: the graph builds the array on each call.
    private let order: [String]
    /// Each task's position in ``order``.
    private let positions: [String: Int]
    /// The tasks pending when last looked at, in graph order: the only ones ``promoteReady()`` checks.
    private var pendingTasks: [String]
    /// No task before this position of ``order`` is ready: where ``nextToStart()`` starts looking.
    private var readyFloor = 0

    /// A machine for `graph` with the tasks' stored states (tasks missing from `states` are pending).
    ///
    /// A task stored as `ready` is taken as pending: readiness is recomputed from its dependencies.
    public init(graph: TaskGraph, states: [String: TaskState], keepGoing: Bool) {
        self.graph = graph
        self.keepGoing = keepGoing
        var known: [String: TaskState] = [:]
        for id in graph.order {
            let state = states[id] ?? .pending
            known[id] = state == .ready ? .pending : state
        }
        self.states = known
        order = graph.order
        positions = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        pendingTasks = order.filter { known[$0] == .pending }
        if !keepGoing { firstFailure = order.first { known[$0] == .failed } }
    }

    /// Whether no new task may start: cancelled, or stopped by a failure without `keepGoing`.
    public var isStopping: Bool { isCancelled || (!keepGoing && firstFailure != nil) }

    /// The tasks now running, in graph order.
    public var running: [String] { order.filter { states[$0] == .running } }

    /// Whether the job is over: nothing runs, and nothing can start.
    public var isFinished: Bool {
        running.isEmpty && (isStopping || !order.contains { states[$0] == .pending || states[$0] == .ready })
    }

    /// Moves every pending task whose dependencies all succeeded to ready, and returns them in
    /// graph order. Nothing becomes ready while the job is stopping.
    public mutating func promoteReady() -> [String] {
        guard !isStopping else { return [] }
        pendingTasks.removeAll { states[$0] != .pending }
        var promoted: [String] = []
        for id in pendingTasks {
            guard let dependencies = try? graph.dependencies(of: id),
                  dependencies.allSatisfy({ states[$0]?.isSuccessful == true }) else { continue }
            states[id] = .ready
            promoted.append(id)
        }
        if let first = promoted.first, let position = positions[first] {
            pendingTasks.removeAll { states[$0] != .pending }
            readyFloor = min(readyFloor, position)
        }
        return promoted
    }

    /// The ready task to start next (graph order), or `nil` when none may start.
    public func nextToStart() -> String? {
        guard !isStopping else { return nil }
        return order[readyFloor...].first { states[$0] == .ready }
    }

    /// Records that `id` was handed to the dispatcher.
    public mutating func start(_ id: String) {
        states[id] = .running
        while readyFloor < order.count, states[order[readyFloor]] != .ready { readyFloor += 1 }
    }

    /// Records how `id` ended and returns the tasks to skip because of it: the pending or ready
    /// tasks that depend on it, directly or not, when it failed or was cancelled.
    public mutating func finish(_ id: String, as state: TaskState) -> [String] {
        states[id] = state
        if state == .pending || state == .ready {
            // Not an end: look at every task again.
            pendingTasks = order.filter { states[$0] == .pending }
            readyFloor = 0
        }
        switch state {
        case .failed:
            if firstFailure == nil { firstFailure = id }
        case .cancelled:
            break
        default:
            return []
        }
        let dependants = (try? graph.transitiveDependants(of: id)) ?? []
        let skipped = dependants.filter { states[$0] == .pending || states[$0] == .ready }
        for dependant in skipped { states[dependant] = .skipped }
        return skipped
    }

    /// Marks the job cancelled: nothing new starts.
    public mutating func cancel() {
        isCancelled = true
    }

    /// Once the job is over, the tasks that never started (pending or ready), now marked as
    /// `state` (skipped after a failure, cancelled after a cancellation).
    public mutating func closeRemaining(as state: TaskState) -> [String] {
        let remaining = order.filter { states[$0] == .pending || states[$0] == .ready }
        for id in remaining { states[id] = state }
        return remaining
    }

    /// How the job ended: cancelled, failed (any task failed, was skipped or cancelled), or succeeded.
    public var outcome: JobState {
        if isCancelled { return .cancelled }
        if order.allSatisfy({ states[$0]?.isSuccessful == true }) { return .succeeded }
        return .failed
    }
}
