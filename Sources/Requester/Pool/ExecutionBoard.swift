import Orchestrator
import Synchronization

/// How one execution ended, as the dispatcher waiting for it learns.
enum ExecutionEnding: Sendable {
    /// Its node reported this outcome.
    case reported(StepOutcome)
    /// Its lease expired or its node restarted.
    case lost(node: String?, reason: String)
    /// Its node left the pool and handed it back.
    case returned(node: String?)
    /// The job was cancelled (or the waiting task was).
    case cancelled
    /// The scheduler found nowhere it can run.
    case unplaceable(reason: String, message: String)
    /// The requester is shutting down; the execution goes on without it.
    case interrupted
}

/// Where dispatchers wait for their executions to end, and where the routes and loops that
/// learn of an end (a report, a lease expiry, a placement failure) tell them.
///
/// The store is the truth: a waiter registers first and then checks the execution's stored
/// state, and whoever ends an execution writes the store first and then calls
/// ``complete(_:_:)``. So an end that happens before the waiter registers is found in the
/// store, and one that happens after wakes it; an ending nobody waits for is dropped.
final class ExecutionBoard: Sendable {
    private struct State {
        var waiters: [String: CheckedContinuation<ExecutionEnding, Never>] = [:]
        /// Waits in progress per execution, registered or not: only those can take a
        /// cancellation that comes before their waiter registers.
        var inProgress: [String: Int] = [:]
        var cancelledEarly: Set<String> = []
        var interrupted = false
    }

    private let state = Mutex(State())

    /// Waits for execution `id` to end. `check` runs once the waiter is registered: it looks
    /// the execution up in the store and completes it if it already ended.
    ///
    /// A cancellation is remembered only while a wait for `id` is in progress (it may come
    /// before the waiter registers) and is dropped when the wait returns, so one that comes as
    /// or after the execution ends leaves nothing behind.
    func wait(_ id: String, check: @Sendable () -> Void) async -> ExecutionEnding {
        state.withLock { $0.inProgress[id, default: 0] += 1 }
        defer {
            state.withLock { state in
                let left = (state.inProgress[id] ?? 1) - 1
                state.inProgress[id] = left > 0 ? left : nil
                if left <= 0 { state.cancelledEarly.remove(id) }
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionEnding, Never>) in
                let now: ExecutionEnding? = state.withLock { state in
                    if state.interrupted { return .interrupted }
                    if state.cancelledEarly.remove(id) != nil || Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) } else { check() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<ExecutionEnding, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if state.inProgress[id] != nil { state.cancelledEarly.insert(id) }
                return nil
            }
            waiter?.resume(returning: .cancelled)
        }
    }

    /// Wakes the dispatcher waiting for `id`, if any.
    func complete(_ id: String, _ ending: ExecutionEnding) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: ending)
    }

    /// Wakes every waiter with ``ExecutionEnding/interrupted`` and makes later waits return it at once.
    func interrupt() {
        let all = state.withLock { state in
            state.interrupted = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in all { waiter.resume(returning: .interrupted) }
    }

    var isInterrupted: Bool { state.withLock { $0.interrupted } }

    /// How many dispatchers are waiting (metrics and tests).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// How many cancellations are kept for waits that have not registered yet (tests: none may
    /// outlive its wait).
    var leftovers: Int { state.withLock { $0.cancelledEarly.count } }
}
