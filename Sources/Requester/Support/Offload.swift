/// Runs blocking work (SQLite, the block store, file I/O of uploads) on the requester's own
/// threads (``BlockingPool``), so long store operations do not hold a thread of the executor
/// that runs the async routes (on Linux, libdispatch's global queue, which `DispatchQueue.global()`
/// shares).
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingPool.shared.run(work)
}
