#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A write session that is not bound to one closure: for writers that await between blocks.
///
/// ``Repo/write(wait:_:)`` holds the repository's shared lock for the duration of a synchronous
/// closure. A network fetch cannot work inside such a closure: it awaits between blocks. A
/// `RepoWriteSession` holds the same lock from ``Repo/beginWriteSession(wait:)`` until ``end()``,
/// so the blocks a fetch writes and the pin it records at the end are one session, and gc
/// cannot delete the fetched blocks in between.
///
/// ```swift
/// let session = try repo.beginWriteSession()
/// defer { session.abandon() }
/// for try await block in verifiedBlocks { try session.writer.put(block) }
/// try session.writer.pin(root)
/// try session.end()
/// ```
///
/// End every session: until then gc waits (or, with `wait: false`, fails as busy). A session
/// that is deinitialized without ``end()`` releases its lock too, after a best-effort flush.
public final class RepoWriteSession: Sendable {
    /// The writer for this session; do not use it after ``end()``.
    public let writer: RepoWriter
    /// The descriptor holding the shared lock, `nil` once the session ended.
    private let lock: Mutex<Int32?>

    fileprivate init(writer: RepoWriter, lockDescriptor: Int32) {
        self.writer = writer
        self.lock = Mutex(lockDescriptor)
    }

    /// Flushes the writer's pending index rows, closes it and releases the lock.
    ///
    /// Calling it again does nothing. The lock is released even when the flush fails.
    public func end() throws {
        guard let fd = lock.withLock({ fd in defer { fd = nil }; return fd }) else { return }
        defer {
            writer.close()
            RepoLock.release(fd)
        }
        try writer.flush()
    }

    /// Ends the session when it has not ended yet, ignoring a flush error: for `defer` on paths
    /// that already failed. Blocks already written stay (unpinned until someone pins them).
    public func abandon() {
        try? end()
    }

    deinit { abandon() }
}

extension Repo {
    /// Opens a write session that lasts until its ``RepoWriteSession/end()``.
    ///
    /// The same lock and writer as ``write(wait:_:)``, for callers that must await between
    /// writes. Taking the lock may block while gc runs: call it off the cooperative thread pool
    /// when that matters.
    ///
    /// - Parameter wait: when `false`, throws ``BlockStoreError/Code/busy`` instead of waiting
    ///   while gc runs.
    public func beginWriteSession(wait: Bool = true) throws -> RepoWriteSession {
        let fd = try RepoLock.acquire(.shared, path: lockPath, wait: wait)
        return RepoWriteSession(writer: RepoWriter(repo: self), lockDescriptor: fd)
    }
}
