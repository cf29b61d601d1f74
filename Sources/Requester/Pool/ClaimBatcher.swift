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
/// leased until the transaction's time plus `lease`. When a batch's transaction fails, each of
/// its claims is made alone, so an error reaches only the claim it belongs to.
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

    /// Claims for several nodes in one transaction (the store's, or a test's).
    typealias ClaimTransaction = @Sendable (_ requests: [(node: String, limit: Int)], _ leaseUntil: Date, _ now: Date) throws -> [[ExecutionRecord]]

    private let transaction: ClaimTransaction
    private let lease: Duration
    private let state = Mutex(State())
    /// One thread (for every requester of the process): claims never wait behind other blocking
    /// work (reports), and never run two transactions at once (they would only queue for the writer).
    static let claimer = BlockingPool(threads: 1, name: "shoal-claims")

    /// Claims queued for the next transaction.
    var queued: Int { state.withLock { $0.pending.count } }

    convenience init(store: JobStore, lease: Duration) {
        self.init(lease: lease) { requests, leaseUntil, now in
            try store.claimExecutions(for: requests, leaseUntil: leaseUntil, at: now)
        }
    }

    init(lease: Duration, transaction: @escaping ClaimTransaction) {
        self.transaction = transaction
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
                let claimed = try transaction(batch.map { (node: $0.node, limit: $0.limit) }, now + lease.timeInterval, now)
                for (request, records) in zip(batch, claimed) { request.answer.resume(returning: records) }
            } catch where batch.count > 1 {
                // One request's trouble (a row of its node that cannot be read) must not fail
                // every node's claim: each is claimed alone, and only its own error goes back.
                for request in batch {
                    let now = Date()
                    request.answer.resume(with: Result {
                        try transaction([(node: request.node, limit: request.limit)], now + lease.timeInterval, now)[0]
                    })
                }
            } catch {
                for request in batch { request.answer.resume(throwing: error) }
            }
        }
    }
}
