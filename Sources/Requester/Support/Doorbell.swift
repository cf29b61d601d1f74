import Synchronization

/// Wakes long-polls: a waiter sleeps on a key (a node's claims, a job's events, an execution's
/// log) until someone rings that key, the time is up, or the bell is closed for shutdown.
///
/// A ring wakes the waiters present at that moment only; waiters re-check the state they wait
/// for after waking, so a ring that comes just before a wait costs at most one timeout.
final class Doorbell: Sendable {
    private struct State {
        var waiters: [String: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var next: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// Waits until `key` is rung, `timeout` passes, the calling task is cancelled or the bell closes.
    func wait(_ key: String, timeout: Duration) async {
        guard timeout > .zero, !isClosed else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForRing(key) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Wakes everyone waiting on `key`.
    func ring(_ key: String) {
        let waiting = state.withLock { $0.waiters.removeValue(forKey: key) }
        for continuation in (waiting ?? [:]).values { continuation.resume() }
    }

    /// Wakes everyone, and makes later waits return at once (shutdown).
    func close() {
        let all = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        for continuation in all { continuation.resume() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    private func waitForRing(_ key: String) async {
        let ticket = state.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || Task.isCancelled { return true }
                    state.waiters[key, default: [:]][ticket] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                let removed = state.waiters[key]?.removeValue(forKey: ticket)
                if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
                return removed
            }
            continuation?.resume()
        }
    }
}
