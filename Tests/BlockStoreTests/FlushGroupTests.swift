import Foundation
import Synchronization
import Testing
@testable import BlockStore

@Suite struct FlushGroupTests {
    struct Boom: Error {}

    /// A counter threads share.
    final class Counter: Sendable {
        private let value = Mutex(0)
        @discardableResult
        func add() -> Int { value.withLock { $0 += 1; return $0 } }
        var count: Int { value.withLock { $0 } }
    }

    /// Runs `body` on `count` new threads at once and waits for all of them.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for number in 0..<count {
            done.enter()
            Thread { body(number); done.leave() }.start()
        }
        done.wait()
    }

    /// Polls `condition` every millisecond, for up to 30 s (then the test's counts tell).
    ///
    /// The callers are known to be inside `flush` from the group itself, not from a counter they
    /// bump just before calling plus a pause: on a loaded machine a thread can stop between the
    /// two for longer than any pause, come during the *next* flush, and need a third.
    private static func waitUntil(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(30)
        while !condition(), Date() < deadline { usleep(1_000) }
    }

    @Test func aLoneCallRunsOneFlush() throws {
        let group = FlushGroup()
        let runs = Counter()
        try group.flush { runs.add() }
        try group.flush { runs.add() }
        #expect(runs.count == 2)
        #expect(group.count == 2)
    }

    @Test func callsThatArriveDuringAFlushShareTheNextOne() throws {
        let group = FlushGroup()
        let runs = Counter(), failures = Counter()
        let firstStarted = DispatchSemaphore(value: 0)
        onThreads(9) { number in
            if number > 0 {
                firstStarted.wait()
                firstStarted.signal()
            }
            do {
                try group.flush {
                    guard runs.add() == 1 else { return }
                    // The first flush lasts until the eight others are inside `flush`, waiting:
                    // none of them may count on it.
                    firstStarted.signal()
                    Self.waitUntil { group.waitingForNextFlush == 8 }
                }
            } catch {
                failures.add()
            }
        }
        #expect(failures.count == 0)
        // Nine calls, two flushes: the first caller's, then one for the eight that came during it.
        #expect(runs.count == 2)
        #expect(group.count == 2)
    }

    @Test func aCallIsNeverServedByAFlushThatStartedBeforeIt() throws {
        let group = FlushGroup()
        let started = Counter()
        let secondCallerIn = DispatchSemaphore(value: 0)
        let firstRunning = DispatchSemaphore(value: 0)
        let seenBySecond = Mutex(0)
        onThreads(2) { number in
            if number == 0 {
                try? group.flush {
                    started.add()
                    firstRunning.signal()
                    secondCallerIn.wait()
                    usleep(50_000)
                }
            } else {
                firstRunning.wait()
                secondCallerIn.signal()
                try? group.flush { started.add() }
                seenBySecond.withLock { $0 = started.count }
            }
        }
        // The second call came while the first flush ran: it returned only after a second flush.
        #expect(seenBySecond.withLock { $0 } == 2)
    }

    @Test func everyCallerOfAFailedFlushGetsItsErrorAndTheNextFlushStartsClean() throws {
        let group = FlushGroup()
        let runs = Counter(), failures = Counter()
        let firstStarted = DispatchSemaphore(value: 0)
        onThreads(4) { number in
            if number > 0 {
                firstStarted.wait()
                firstStarted.signal()
            }
            do {
                try group.flush {
                    // The first flush succeeds; the second, for the three that came during it, fails.
                    if runs.add() == 1 {
                        firstStarted.signal()
                        Self.waitUntil { group.waitingForNextFlush == 3 }
                    } else {
                        throw Boom()
                    }
                }
            } catch {
                failures.add()
            }
        }
        #expect(runs.count == 2)
        #expect(failures.count == 3)
        try group.flush { runs.add() }
        #expect(runs.count == 3)
    }
}
