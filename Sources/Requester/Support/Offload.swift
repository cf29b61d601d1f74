/// Runs blocking work (SQLite, the block store, file I/O of uploads) on the requester's own
/// threads (``BlockingPool``), so long store operations do not hold a thread of the executor
/// that runs the async routes (on Linux, libdispatch's global queue, which `DispatchQueue.global()`
/// shares).
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingPool.shared.run(work)
}

/// Runs blocking work that may take as long as its input is large (an upload's import, a lineage
/// walk or verification of a whole DAG) on the requester's bulk threads (``BlockingPool/bulk``),
/// so it never holds the threads that reports and intake need.
func offloadBulk<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingPool.bulk.run(work)
}
