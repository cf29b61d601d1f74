#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IPLD

/// Decides where ready tasks run: on the nodes that already hold their input bytes.
///
/// The scheduler is a pure function of its arguments: snapshots of the pool's nodes, the ready
/// tasks, and the current time. It reads no clock and does no I/O, so the requester can call it
/// whenever something changes (a task becomes ready, a node heartbeats, a step finishes) and
/// tests and benchmarks can call it with made-up pools.
///
/// ## How one call works
///
/// Tasks are decided one at a time, oldest ``TaskDemand/readySince`` first (then by job and task
/// id), and each placement takes its resources from the chosen node before the next task is
/// decided, so one call never overcommits a node. For each task the candidates are the nodes
/// that are ready, satisfy its ``Constraint``s and have room now. They rank by:
///
/// 1. not having failed this task before (such nodes are a last resort),
/// 2. bytes of the task's inputs already pinned there (whole DAGs, from the pin reports),
/// 3. number of inputs pinned there (so a DAG reported as 0 bytes still counts),
/// 4. having produced the task's upstream outputs,
/// 5. free room: slots, then memory, CPU and disk,
/// 6. node id, so equal nodes are chosen the same way every time.
///
/// The ``LocalityPolicy`` then decides between placing on the best candidate, waiting for a
/// busy holder, and failing; see ``PlacementDecision/WaitCause`` and
/// ``PlacementDecision/FailCause``.
///
/// ## Cost
///
/// With ``Search/indexed`` a call first indexes every pinned DAG to its holders and groups the
/// nodes by each distinct constraint list. A task then costs one lookup per input, a walk over
/// those inputs' holders, and one query of a heap of free room (with lazy repair of the entries
/// earlier placements made stale) for the best node that holds nothing; no per-task scan or
/// sort of all nodes. ``Search/scan`` finds the same candidates by looking every input up in
/// every node's pins and scanning every node for room; it decides identically and is kept as
/// the baseline the benchmark and the tests compare against.
///
/// ```swift
/// let decisions = Scheduler.place(tasks: ready, nodes: pool, now: Date())
/// for decision in decisions { log.info("\(decision)") }
/// // j1/train: placed on w2: 4.1 GiB of 4.1 GiB inputs local
/// ```
public enum Scheduler {
    /// How candidates are found; both give the same decisions.
    public enum Search: Hashable, Sendable {
        /// Index holders and keep a heap of free room: the default.
        case indexed
        /// Look at every node for every task: the reference and benchmark baseline.
        case scan
    }

    /// Decides, for each task, whether to place it (and where), keep it waiting, or fail it.
    ///
    /// - Parameters:
    ///   - tasks: The ready tasks. Their order does not matter: they are decided oldest first.
    ///   - nodes: The pool. A node id given twice keeps its first snapshot.
    ///   - now: The current time, against which preferred windows and queue timeouts are measured.
    ///   - search: How candidates are found (``Search/indexed`` unless comparing).
    /// - Returns: One decision per task, in the order they were decided.
    public static func place(
        tasks: [TaskDemand], nodes: [NodeSnapshot], now: Date, search: Search = .indexed
    ) -> [PlacementDecision] {
        // Keyed by digest: `CID`'s own hashing feeds the hasher byte by byte.
        var wanted = Set<DigestKey>()
        for task in tasks { for input in task.inputs { wanted.insert(DigestKey(input.cid)) } }
        var run = PlacementRun(nodes: nodes, search: search, wanted: wanted)
        let readySince = tasks.map(\.readySince)  // compared without copying whole demands
        let order = tasks.indices.sorted { lhs, rhs in
            if readySince[lhs] != readySince[rhs] { return readySince[lhs] < readySince[rhs] }
            let a = tasks[lhs].key, b = tasks[rhs].key
            if a != b { return a < b }
            return lhs < rhs
        }
        var decisions: [PlacementDecision] = []
        decisions.reserveCapacity(tasks.count)
        for index in order { decisions.append(run.decide(tasks[index], now: now)) }
        return decisions
    }
}
