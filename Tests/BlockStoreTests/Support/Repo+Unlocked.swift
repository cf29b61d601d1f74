import Foundation

@testable import BlockStore

extension Repo {
    /// Collects garbage without waiting, retrying while the lock is held, for tests that have just
    /// released their lock. A released lock can still look held for a moment: a process another
    /// test spawns at that instant holds a copy of every descriptor until its exec closes them
    /// (close-on-exec). Ten seconds separates that from a lock that is never released.
    func collectGarbageOnceUnlocked() throws -> GCReport {
        for _ in 0..<100 {
            if let report = try? collectGarbage(wait: false) { return report }
            usleep(100_000)
        }
        return try collectGarbage(wait: false)
    }
}
