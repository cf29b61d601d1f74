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
        let runs = Counter(), arrived = Counter(), failures = Counter()
        let firstStarted = DispatchSemaphore(value: 0)
        onThreads(9) { number in
            if number > 0 {
                firstStarted.wait()
                firstStarted.signal()
                arrived.add()
            }
            do {
                try group.flush {
                    guard runs.add() == 1 else { return }
                    // The first flush lasts until the eight others have called (and a little
                    // more, for them to be inside `flush`): none of them may count on it.
                    firstStarted.signal()
                    while arrived.count < 8 { usleep(1_000) }
                    usleep(100_000)
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
        let arrived = Counter()
        onThreads(4) { number in
            if number > 0 {
                firstStarted.wait()
                firstStarted.signal()
                arrived.add()
            }
            do {
                try group.flush {
                    // The first flush succeeds; the second, for the three that came during it, fails.
                    if runs.add() == 1 {
                        firstStarted.signal()
                        while arrived.count < 3 { usleep(1_000) }
                        usleep(100_000)
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
