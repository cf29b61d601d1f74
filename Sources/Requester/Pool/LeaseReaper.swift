import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Ends what the pool can no longer count on, every ``RequesterConfiguration/reaperInterval``:
///
/// - an execution whose lease expired (its node stopped heartbeating) is **lost**: its
///   dispatcher re-queues the step elsewhere or fails it with reason `lost`;
/// - a node silent for a whole lease is marked **down**, and what was placed on it but not
///   claimed goes back to the queue;
/// - an execution placed on a node that has not claimed it within a lease goes back to the queue.
///
/// A lease is renewed by every heartbeat of its node that lists the execution as running
/// (``JobStore/JobStore/renewLeases(node:until:running:)``), so with the default 30 s lease and 5 s heartbeats a node must miss six in a row.
final class LeaseReaper: Service, Sendable {
    let store: JobStore
    let registry: PoolRegistry
    let board: ExecutionBoard
    let metrics: RequesterMetrics
    let configuration: RequesterConfiguration
    let events: Doorbell
    let wake: @Sendable () -> Void

    init(
        store: JobStore, registry: PoolRegistry, board: ExecutionBoard, metrics: RequesterMetrics,
        configuration: RequesterConfiguration, events: Doorbell, wake: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.registry = registry
        self.board = board
        self.metrics = metrics
        self.configuration = configuration
        self.events = events
        self.wake = wake
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.configuration.reaperInterval)
                do {
                    try self.sweep(now: Date())
                } catch {
                    self.configuration.logger.error("lease sweep failed: \(error)")
                }
            }
        }
    }

    /// One sweep.
    func sweep(now: Date) throws {
        var changed = false
        for execution in try store.expireLeases(now: now) {
            changed = true
            metrics.lostExecutions.increment()
            configuration.logger.warning("execution \(execution.id) (\(execution.jobID)/\(execution.taskID)#\(execution.attempt)) lost: lease of \(execution.node ?? "?") expired")
            board.complete(execution.id, .lost(node: execution.node, reason: "lease expired"))
        }
        let deadline = now - configuration.lease.timeInterval
        for node in registry.silentNodes(since: deadline) {
            changed = true
            try store.setNodeState(node, to: .down)
            registry.setState(node, .down)
            let back = try store.unplaceExecutions(node: node)
            configuration.logger.warning("node \(node) is down (no heartbeat for \(configuration.lease)); \(back.count) placed step(s) queued again")
        }
        let stale = try store.activeExecutions().filter { $0.state == .placed && ($0.placed ?? now) < deadline }
        if !stale.isEmpty {
            changed = true
            try store.unplaceExecutions(ids: stale.map(\.id))
        }
        if changed { wake() }
    }
}
