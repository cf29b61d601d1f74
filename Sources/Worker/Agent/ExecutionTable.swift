import Foundation
import Orchestrator
import PoolAPI
import Provenance

/// The executions this agent runs now: one task each, at most `slots` at once.
///
/// The claim loop asks for as many assignments as there are free slots and starts each here;
/// the heartbeat reports ``runningIDs`` and stops the ones the requester cancels; a graceful
/// stop waits for them (``waitUntilEmpty(timeout:)``) and cancels what is left. Every task
/// started here removes itself when it ends, so when the table is empty no execution task is
/// left behind.
public actor ExecutionTable {
    /// Why an execution was stopped early, so its end is not reported as a result.
    public enum StopReason: Sendable, Hashable {
        /// The requester asked (job cancelled, lease lost, told to abandon it).
        case requester
        /// The agent is shutting down.
        case shutdown
    }

    struct Entry {
        let assignment: Assignment
        let task: Task<Void, Never>
        var stopped: StopReason?
    }

    public let slots: Int
    private var entries: [String: Entry] = [:]
    private var emptyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    private let changeContinuation: AsyncStream<Void>.Continuation
    /// Yields after every change (an execution started or ended); the claim loop waits on it
    /// for a free slot.
    public nonisolated let changes: AsyncStream<Void>

    public init(slots: Int) {
        self.slots = max(1, slots)
        (changes, changeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Slots not taken by a running execution.
    public var freeSlots: Int { max(0, slots - entries.count) }

    /// The ids of the executions running now, sorted.
    public var runningIDs: [String] { entries.keys.sorted() }

    /// The recipes of the executions running now (for the free-capacity report).
    public var runningRecipes: [Recipe] { entries.values.map(\.assignment.step.recipe) }

    /// Whether execution `id` runs here.
    public func isRunning(_ id: String) -> Bool { entries[id] != nil }

    /// Why execution `id` was stopped, if it was.
    public func stopReason(_ id: String) -> StopReason? { entries[id]?.stopped }

    /// Starts `operation` for `assignment` as a new task. An execution already running is not
    /// started twice (a claim answered again after a retry).
    ///
    /// - Returns: whether it was started.
    @discardableResult
    public func start(_ assignment: Assignment, _ operation: @escaping @Sendable () async -> Void) -> Bool {
        let id = assignment.execution
        guard entries[id] == nil else { return false }
        // The task is isolated to the table (so it can remove itself); the operation runs off it.
        let task = Task {
            await operation()
            self.finished(id)
        }
        entries[id] = Entry(assignment: assignment, task: task, stopped: nil)
        changeContinuation.yield()
        return true
    }

    private func finished(_ id: String) {
        entries[id] = nil
        changeContinuation.yield()
        if entries.isEmpty {
            let waiters = emptyWaiters
            emptyWaiters = [:]
            for waiter in waiters.values { waiter.resume() }
        }
    }

    /// Cancels the executions in `ids` that run here (the sandbox kills their process trees).
    ///
    /// - Returns: the ids that were running.
    @discardableResult
    public func stop(_ ids: some Sequence<String>, reason: StopReason) -> [String] {
        var stopped: [String] = []
        for id in ids {
            guard var entry = entries[id] else { continue }
            if entry.stopped == nil { entry.stopped = reason }
            entries[id] = entry
            entry.task.cancel()
            stopped.append(id)
        }
        return stopped
    }

    /// Cancels every running execution.
    public func stopAll(reason: StopReason) {
        stop(Array(entries.keys), reason: reason)
    }

    /// Waits until no execution runs, or until `timeout` passed.
    ///
    /// - Returns: whether the table is empty.
    public func waitUntilEmpty(timeout: Duration? = nil) async -> Bool {
        guard !entries.isEmpty else { return true }
        guard let timeout else {
            while !entries.isEmpty && !Task.isCancelled { await emptied() }
            return entries.isEmpty
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.emptied() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return entries.isEmpty
    }

    /// Returns when the table is empty, or when the calling task is cancelled.
    private func emptied() async {
        guard !entries.isEmpty else { return }
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if entries.isEmpty || Task.isCancelled {
                    continuation.resume()
                } else {
                    emptyWaiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.resumeWaiter(id) }
        }
    }

    private func resumeWaiter(_ id: Int) {
        emptyWaiters.removeValue(forKey: id)?.resume()
    }

    /// Ends the ``changes`` stream (when the agent stops).
    public func close() {
        changeContinuation.finish()
    }
}
