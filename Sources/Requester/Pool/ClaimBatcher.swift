import Foundation
import JobStore
import Synchronization

/// Makes the claims that arrive together one store transaction (group commit for claims).
///
/// A placement pass wakes the claim long-polls of every node it placed on at once: a wave of
/// 100 tasks wakes about 50. Claimed one by one, each claim was a write transaction of its own
/// that waited its turn for SQLite's writer, behind the reports of the wave's first tasks,
/// while blocking a thread of the async executor. Here a claim queues its request; a claimer
/// thread of its own takes every queued request, claims them all in one transaction
/// (``JobStore/JobStore/claimExecutions(for:leaseUntil:at:)``) and answers each; requests that
/// arrive meanwhile go in the next transaction. Waiting claims suspend, they hold no thread.
///
/// Every claim is as if made alone: its node's oldest placed executions, up to its limit, each
/// leased until the transaction's time plus `lease`; a failed transaction fails every claim in it.
final class ClaimBatcher: Sendable {
    private struct Request {
        var node: String
        var limit: Int
        var answer: CheckedContinuation<[ExecutionRecord], any Error>
    }

    private struct State {
        var pending: [Request] = []
        var draining = false
    }

    private let store: JobStore
    private let lease: Duration
    private let state = Mutex(State())
    /// One thread (for every requester of the process): claims never wait behind other blocking
    /// work (reports), and never run two transactions at once (they would only queue for the writer).
    private static let claimer = BlockingPool(threads: 1, name: "shoal-claims")

    init(store: JobStore, lease: Duration) {
        self.store = store
        self.lease = lease
    }

    /// Claims up to `limit` executions placed on `node` (oldest placement first), with a lease.
    func claim(node: String, limit: Int) async throws -> [ExecutionRecord] {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.pending.append(Request(node: node, limit: limit, answer: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if start { Self.claimer.submit { self.drain() } }
        }
    }

    /// Claims for every queued request, one transaction per round, until none is left.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Request] in
                defer { state.pending.removeAll() }
                if state.pending.isEmpty { state.draining = false }
                return state.pending
            }
            if batch.isEmpty { return }
            let now = Date()
            do {
                let claimed = try store.claimExecutions(
                    for: batch.map { (node: $0.node, limit: $0.limit) }, leaseUntil: now + lease.timeInterval, at: now)
                for (request, records) in zip(batch, claimed) { request.answer.resume(returning: records) }
            } catch {
                for request in batch { request.answer.resume(throwing: error) }
            }
        }
    }
}
