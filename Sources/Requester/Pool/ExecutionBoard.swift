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
/// The store is the truth: whoever ends an execution writes the store first and then calls
/// ``complete(_:_:)``. An ending can come before its waiter registers, in two ways:
/// - an execution the dispatcher is about to store is announced with ``expect(_:)`` first; an
///   ending that comes for it before its wait registers is kept and handed to the wait, so the
///   wait reads nothing from the store (a wave of 100 fresh executions is 100 reads fewer on the
///   path to their start);
/// - any other execution (one found in the store after a restart) is checked in the store once
///   its waiter is registered: an end before that is found there, one after wakes the waiter.
///
/// Other endings nobody waits for are dropped.
final class ExecutionBoard: Sendable {
    private struct State {
        var waiters: [String: CheckedContinuation<ExecutionEnding, Never>] = [:]
        /// Executions announced by ``expect(_:)`` whose wait has not ended yet.
        var expected: Set<String> = []
        /// Endings of expected executions that came before their waiter registered.
        var early: [String: ExecutionEnding] = [:]
        /// Waits in progress per execution, registered or not: only those can take a
        /// cancellation that comes before their waiter registers.
        var inProgress: [String: Int] = [:]
        var cancelledEarly: Set<String> = []
        var interrupted = false
    }

    private let state = Mutex(State())

    /// Announces executions about to be stored, before anyone can end them: an ending that comes
    /// before their wait registers is kept for it (see the type's notes). Each one stored must be
    /// waited for (that is what forgets it); call ``unexpect(_:)`` for those that could not be stored.
    func expect(_ ids: some Sequence<String>) {
        state.withLock { state in for id in ids { state.expected.insert(id) } }
    }

    /// Withdraws announced executions that were not stored after all.
    func unexpect(_ ids: some Sequence<String>) {
        state.withLock { state in
            for id in ids {
                state.expected.remove(id)
                state.early[id] = nil
            }
        }
    }

    /// Waits for execution `id` to end.
    ///
    /// `check` looks the execution up in the store and completes it if it already ended; it runs
    /// once the waiter is registered, and not at all for an execution announced with
    /// ``expect(_:)`` (an ending that came before is kept for this wait instead).
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
                if left <= 0 {
                    state.cancelledEarly.remove(id)
                    state.expected.remove(id)
                    state.early[id] = nil
                }
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ExecutionEnding, Never>) in
                let (now, expected): (ExecutionEnding?, Bool) = state.withLock { state in
                    if state.interrupted { return (.interrupted, false) }
                    if state.cancelledEarly.remove(id) != nil || Task.isCancelled { return (.cancelled, false) }
                    if let ending = state.early.removeValue(forKey: id) { return (ending, true) }
                    state.waiters[id] = continuation
                    return (nil, state.expected.contains(id))
                }
                if let now {
                    continuation.resume(returning: now)
                } else if !expected {
                    check()
                }
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
        let waiter = state.withLock { state -> CheckedContinuation<ExecutionEnding, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            // The first ending counts, as for a registered waiter.
            if state.expected.contains(id), state.early[id] == nil { state.early[id] = ending }
            return nil
        }
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

    /// How many announced executions and kept endings there are (tests: none may outlive its wait).
    var expectations: Int { state.withLock { $0.expected.count + $0.early.count } }
}
