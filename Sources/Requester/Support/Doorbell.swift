import Synchronization

/// Wakes long-polls and loops: a waiter sleeps on a key (a node's claims, a job's events, an
/// execution's log, the placement loop) until someone rings that key, the time is up, or the
/// bell is closed for shutdown.
///
/// No ring is lost between a waiter's check and its sleep: a waiter first ``listen(_:)``s, then
/// checks the state it waits for, then ``wait(_:timeout:)``s on its ticket. A ring that comes
/// after `listen` and before `wait` marks the ticket, and the wait returns at once. (Checking
/// first and listening after would miss such a ring, and sleep for the whole timeout: up to a
/// claim's 30 s long-poll with an assignment already placed.)
///
/// ```swift
/// while true {
///     let ticket = bell.listen(node)
///     defer { bell.forget(ticket) }
///     if let work = try takeWork() { return work }
///     await bell.wait(ticket, timeout: .seconds(30))
/// }
/// ```
final class Doorbell: Sendable {
    /// A registration to hear the rings of one key, made before checking the state waited for.
    struct Ticket: Sendable, Hashable {
        let key: String
        let number: UInt64
    }

    private enum Entry {
        /// Listening; not rung yet, nobody sleeping.
        case listening
        /// Rung since `listen`.
        case rung
        /// Sleeping in ``wait(_:timeout:)``.
        case waiting(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var entries: [String: [UInt64: Entry]] = [:]
        var next: UInt64 = 0
        var closed = false

        mutating func remove(_ ticket: Ticket) -> Entry? {
            let entry = entries[ticket.key]?.removeValue(forKey: ticket.number)
            if entries[ticket.key]?.isEmpty == true { entries[ticket.key] = nil }
            return entry
        }
    }

    private let state = Mutex(State())

    /// Starts hearing the rings of `key`; pass the ticket to ``wait(_:timeout:)`` or ``forget(_:)``.
    func listen(_ key: String) -> Ticket {
        state.withLock { state in
            state.next += 1
            state.entries[key, default: [:]][state.next] = .listening
            return Ticket(key: key, number: state.next)
        }
    }

    /// Stops hearing a ticket's key (no wait is needed: the state checked was what it wanted).
    /// Harmless for a ticket already waited on or forgotten.
    func forget(_ ticket: Ticket) {
        _ = state.withLock { $0.remove(ticket) }
    }

    /// Waits until the ticket's key was rung since ``listen(_:)`` (at once if it was already),
    /// `timeout` passes, the calling task is cancelled or the bell closes. Consumes the ticket.
    func wait(_ ticket: Ticket, timeout: Duration) async {
        defer { forget(ticket) }
        guard timeout > .zero, !isClosed else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.sleep(ticket) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits until `key` is rung, `timeout` passes, the calling task is cancelled or the bell
    /// closes. Only rings after this call count: use ``listen(_:)`` when a state is checked first.
    func wait(_ key: String, timeout: Duration) async {
        await wait(listen(key), timeout: timeout)
    }

    /// Wakes everyone waiting on `key`, and marks the tickets listening to it.
    func ring(_ key: String) {
        let sleepers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var entries = state.entries[key] else { return [] }
            var sleepers: [CheckedContinuation<Void, Never>] = []
            for (number, entry) in entries {
                switch entry {
                case .listening: entries[number] = .rung
                case .rung: break
                case .waiting(let continuation):
                    sleepers.append(continuation)
                    entries[number] = nil
                }
            }
            state.entries[key] = entries.isEmpty ? nil : entries
            return sleepers
        }
        for continuation in sleepers { continuation.resume() }
    }

    /// Wakes everyone, and makes later waits return at once (shutdown).
    func close() {
        let sleepers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.flatMap(\.values).compactMap { entry in
                if case .waiting(let continuation) = entry { continuation } else { nil }
            }
        }
        for continuation in sleepers { continuation.resume() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// How many tickets are listening or waiting (tests: none may leak).
    var listening: Int { state.withLock { $0.entries.values.reduce(0) { $0 + $1.count } } }

    private func sleep(_ ticket: Ticket) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard !state.closed, !Task.isCancelled, case .listening? = state.entries[ticket.key]?[ticket.number] else {
                        _ = state.remove(ticket)
                        return true
                    }
                    state.entries[ticket.key]?[ticket.number] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let entry = state.withLock { $0.remove(ticket) }
            if case .waiting(let continuation)? = entry { continuation.resume() }
        }
    }
}
