import Foundation
import Synchronization
import Testing
@testable import BlockStore

@Suite struct FlushGroupTests {
    struct Boom: Error {}

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
        let runs = Atomic<Int>(0)
        try group.flush { runs.add(1, ordering: .relaxed) }
        try group.flush { runs.add(1, ordering: .relaxed) }
        #expect(runs.load(ordering: .relaxed) == 2)
        #expect(group.count == 2)
    }

    @Test func callsThatArriveDuringAFlushShareTheNextOne() throws {
        let group = FlushGroup()
        let runs = Atomic<Int>(0)
        let arrived = Atomic<Int>(0)
        let firstStarted = DispatchSemaphore(value: 0)
        let failures = Atomic<Int>(0)
        onThreads(9) { number in
            if number > 0 {
                firstStarted.wait()
                firstStarted.signal()
                arrived.add(1, ordering: .relaxed)
            }
            do {
                try group.flush {
                    let run = runs.add(1, ordering: .relaxed).newValue
                    guard run == 1 else { return }
                    // The first flush lasts until the eight others have called (and a little
                    // more, for them to be inside `flush`): none of them may count on it.
                    firstStarted.signal()
                    while arrived.load(ordering: .relaxed) < 8 { usleep(1_000) }
                    usleep(100_000)
                }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        // Nine calls, two flushes: the first caller's, then one for the eight that came during it.
        #expect(runs.load(ordering: .relaxed) == 2)
        #expect(group.count == 2)
    }

    @Test func aCallIsNeverServedByAFlushThatStartedBeforeIt() throws {
        let group = FlushGroup()
        let flushesStarted = Atomic<Int>(0)
        let secondCallerIn = DispatchSemaphore(value: 0)
        let firstRunning = DispatchSemaphore(value: 0)
        let startedWhenSecondReturned = Atomic<Int>(0)
        onThreads(2) { number in
            if number == 0 {
                try? group.flush {
                    flushesStarted.add(1, ordering: .relaxed)
                    firstRunning.signal()
                    secondCallerIn.wait()
                    usleep(50_000)
                }
            } else {
                firstRunning.wait()
                secondCallerIn.signal()
                try? group.flush { flushesStarted.add(1, ordering: .relaxed) }
                startedWhenSecondReturned.store(flushesStarted.load(ordering: .relaxed), ordering: .relaxed)
            }
        }
        // The second call came while the first flush ran: it returned only after a second flush.
        #expect(startedWhenSecondReturned.load(ordering: .relaxed) == 2)
    }

    @Test func everyCallerAFailedFlushServedGetsItsErrorAndTheNextFlushStartsClean() throws {
        let group = FlushGroup()
        let runs = Atomic<Int>(0)
        #expect(throws: Boom.self) {
            try group.flush {
                runs.add(1, ordering: .relaxed)
                throw Boom()
            }
        }
        try group.flush { runs.add(1, ordering: .relaxed) }
        #expect(runs.load(ordering: .relaxed) == 2)
    }
}
