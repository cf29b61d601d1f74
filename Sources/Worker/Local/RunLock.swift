import Foundation

/// The lock that keeps two `shoal` processes from driving one run at once.
///
/// An exclusive `flock` on `runs/<job>.lock`, held for as long as this value lives. The kernel
/// drops it when the process ends, however it ends, so a killed run never leaves a stale lock
/// behind and `--resume` can take over at once.
final class RunLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock of `job`, or throws ``WorkerError/Code/runBusy`` when another process holds
    /// it for longer than `grace` (a probe by ``isHeld(home:job:)`` holds it for a moment).
    init(home: WorkerHome, job: String, grace: Duration = RunLock.probeGrace) throws {
        try WorkerHome.makeFolder(home.runs)
        let path = "\(home.runs)/\(job).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WorkerError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        // A holder for less than `grace` is only ``isHeld(home:job:)`` looking (`shoal runs` in
        // another process), not a run: wait that out rather than refuse.
        let deadline = ContinuousClock.now + grace
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK, ContinuousClock.now < deadline {
                usleep(5_000)
                continue
            }
            close(fd)
            if code == EWOULDBLOCK {
                throw WorkerError(.runBusy, "run \(job) is being run by another shoal process; wait for it or stop it first")
            }
            throw WorkerError(.io, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    /// How long a lock found held may be only someone's ``isHeld(home:job:)`` probe.
    static let probeGrace: Duration = .milliseconds(200)

    /// Whether some process holds the lock of `job` now (a run in progress, not an interrupted one).
    static func isHeld(home: WorkerHome, job: String) -> Bool {
        let fd = open("\(home.runs)/\(job).lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Unlocks before closing: a process spawned at this moment shares the descriptor's open file
    /// description until its exec closes the copy, and closing alone would leave the run looking
    /// busy to a `--resume` started right after.
    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
