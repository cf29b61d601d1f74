import Dispatch

/// Runs blocking work (SQLite, the block store, file I/O of uploads) on a Dispatch thread, so
/// long store operations do not hold a thread of Swift's cooperative pool.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
