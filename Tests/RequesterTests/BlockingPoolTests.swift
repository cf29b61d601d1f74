import Foundation
import Synchronization
import Testing
@testable import Requester

@Suite struct BlockingPoolTests {
    struct Boom: Error, Equatable {}

    @Test func workRunsOnThePoolsOwnThreadsAndReturnsItsResult() async throws {
        let pool = BlockingPool(threads: 2, name: "tb-named")
        #expect(try await pool.run { pool.isCurrentThread })
        #expect(!pool.isCurrentThread)
        #expect(try await pool.run { 6 * 7 } == 42)
    }

    @Test func anErrorOfTheWorkIsThrownToTheCaller() async throws {
        let pool = BlockingPool(threads: 1, name: "tb-error")
        await #expect(throws: Boom.self) { try await pool.run { throw Boom() } }
        // The thread survives a failed job.
        #expect(try await pool.run { "still here" } == "still here")
    }

    @Test func asManyJobsRunAtOnceAsThePoolHasThreads() async throws {
        let pool = BlockingPool(threads: 3, name: "tb-width")
        let load = Load()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.run {
                        load.enter()
                        usleep(20_000)
                        load.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        // Never more than its threads, and blocking jobs overlap up to that.
        #expect(load.peak == 3)
    }

    @Test func aJobThatRanReleasesWhatItCapturedWhileTheQueueIsNotEmpty() async throws {
        final class Payload: Sendable {}
        let pool = BlockingPool(threads: 1, name: "tb-release")
        let (hold, holding, later) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        weak var watched: Payload?
        do {
            let payload = Payload()
            watched = payload
            pool.submit { hold.wait() }                               // keeps the queue from running
            pool.submit { withExtendedLifetime(payload) {} }          // captures the payload
            pool.submit { holding.signal(); later.wait() }            // runs after it, and waits
            pool.submit {}                                            // so the queue is not empty
        }
        hold.signal()
        holding.wait()
        #expect(watched == nil, "a job that ran still holds what it captured")
        later.signal()
    }

    @Test func routesOffloadShortWorkAndBulkWorkToPoolsOfTheirOwn() async throws {
        #expect(try await offload { BlockingPool.shared.isCurrentThread && !BlockingPool.bulk.isCurrentThread })
        #expect(try await offloadBulk { BlockingPool.bulk.isCurrentThread && !BlockingPool.shared.isCurrentThread })
    }

    /// How many jobs run at once, and the most that ever did.
    final class Load: Sendable {
        private let state = Mutex((running: 0, peak: 0))
        func enter() { state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) } }
        func leave() { state.withLock { $0.running -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }
}
