import Foundation

/// Group commit for a flush to disk: concurrent callers share one flush instead of each paying
/// their own.
///
/// A caller of ``flush(_:)`` needs a flush that *started after* it called (its writes happened
/// before, so only such a flush is sure to carry them). When no flush is running, the caller
/// runs one itself and so do none of the callers that arrive while it runs: they wait, and when
/// it ends one of them runs the next flush for all of them. Under a steady stream of callers
/// there are thus at most two flushes per flush time, however many callers, and none is
/// acknowledged before a flush that started after its writes finished.
///
/// Each caller gets the result of the flush that served it: when that flush fails, every caller
/// it served throws its error (none is told its data is durable).
///
/// ```swift
/// let flushes = FlushGroup()
/// try flushes.flush { try syncEverything() }   // blocks until a flush started after this call ended
/// ```
///
/// Blocking: callers wait on a condition variable. Call it from a thread that may block (not
/// from Swift's cooperative pool when that matters).
final class FlushGroup: @unchecked Sendable {
    // @unchecked: every field below is read and written only with `condition` locked.
    private let condition = NSCondition()
    /// Flushes started so far; the running one (if any) is number `started`.
    private var started: UInt64 = 0
    /// Flushes finished so far (always `started`, or `started - 1` while one runs).
    private var finished: UInt64 = 0
    /// How many callers wait for each flush that has not finished or whose result was not yet taken.
    private var waiters: [UInt64: Int] = [:]
    /// The error of each failed flush whose callers have not all taken it.
    private var failures: [UInt64: any Error] = [:]

    /// How many flushes ran (for tests and statistics).
    var count: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    /// How many callers wait for a flush that has not started yet: those that came while one ran
    /// (for tests, which must know that callers are inside ``flush(_:)`` before it ends).
    var waitingForNextFlush: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiters[started + 1] ?? 0
    }

    init() {}

    /// Returns once a run of `body` that started after this call began has finished; throws its error.
    ///
    /// - Parameter body: the flush itself (the same for every caller of this group).
    func flush(_ body: () throws -> Void) throws {
        condition.lock()
        // The first flush that starts from now on serves this caller.
        let needed = started + 1
        waiters[needed, default: 0] += 1
        while finished < needed {
            if started == finished {
                // Nothing runs: this caller runs flush `needed` (started + 1) for everyone waiting on it.
                started += 1
                condition.unlock()
                var failure: (any Error)?
                do { try body() } catch { failure = error }
                condition.lock()
                finished = started
                if let failure { failures[finished] = failure }
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        defer { condition.unlock() }
        let failure = failures[needed]
        let left = (waiters[needed] ?? 1) - 1
        if left == 0 {
            waiters[needed] = nil
            failures[needed] = nil
        } else {
            waiters[needed] = left
        }
        if let failure { throw failure }
    }
}
