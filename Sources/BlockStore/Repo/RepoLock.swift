#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The advisory lock that keeps gc from deleting blocks a writer is about to pin.
///
/// Writers (add, CAR import, pin add) hold a **shared** `flock` on `repo.lock` for the whole
/// time between writing their first block and recording their pin; gc and the index check of
/// `verify` hold it **exclusively**. So gc never runs while a write session is open: every block
/// it sees unpinned is truly unpinned, and no new pin can appear while it deletes. Writers do not
/// exclude each other (block writes are idempotent and SQLite serialises the pin set).
///
/// Each acquisition opens the lock file afresh: `flock` locks belong to an *open file
/// description*, so two ``Repo`` instances in one process exclude each other exactly as two
/// processes do. The kernel drops the lock when the process dies, so a crash never leaves the
/// repository locked.
enum RepoLock {
    enum Kind {
        case shared, exclusive

        var operation: Int32 { self == .shared ? LOCK_SH : LOCK_EX }
    }

    /// Runs `body` while holding the lock.
    ///
    /// - Parameter wait: when `false`, throws ``BlockStoreError/Code/busy`` instead of waiting
    ///   for a conflicting holder.
    static func withLock<T>(_ kind: Kind, path: String, wait: Bool = true, _ body: () throws -> T) throws -> T {
        let fd = try acquire(kind, path: path, wait: wait)
        defer { release(fd) }
        return try body()
    }

    /// Takes the lock and returns the descriptor that holds it; ``release(_:)`` gives it back.
    /// For sessions that cannot live inside one closure (``RepoWriteSession``).
    static func acquire(_ kind: Kind, path: String, wait: Bool = true) throws -> Int32 {
        let fd = try SystemCall.retrying("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        let operation = kind.operation | (wait ? 0 : LOCK_NB)
        while flock(fd, operation) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if code == EWOULDBLOCK {
                throw BlockStoreError(.busy, "another shoal process is using the repository (\(path) is locked)")
            }
            throw SystemCall.error("flock", path, code)
        }
        return fd
    }

    /// Releases the lock `fd` holds and closes it.
    ///
    /// Unlocks before closing, because closing alone may not release: a process spawned by any
    /// thread of this process at that moment holds a copy of every descriptor, sharing its open
    /// file description, until its exec closes the copies (close-on-exec). The lock would stay
    /// held for that while, and a `gc` without waiting would find the repository busy although
    /// no session is open. `LOCK_UN` through any copy releases the description's lock at once.
    static func release(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
