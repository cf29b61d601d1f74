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

    @Test func asManyJobsRunAtOnceAsThePoolHasThreads() {
        let pool = BlockingPool(threads: 3, name: "tb-width")
        let load = Load()
        // Every job is queued at once and blocks until the gate opens, so three run together
        // however the machine schedules: the jobs' overlap does not hang on how fast tasks on
        // Swift's cooperative threads (busy with the rest of the suite) would submit them.
        let gate = DispatchSemaphore(value: 0), done = DispatchGroup()
        for _ in 0..<12 {
            done.enter()
            pool.submit {
                load.enter()
                gate.wait()
                load.leave()
                done.leave()
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while load.running < 3, Date() < deadline { usleep(1_000) }
        // A moment for a fourth thread, if the pool had one, to take a queued job too.
        usleep(50_000)
        for _ in 0..<12 { gate.signal() }
        done.wait()
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
        var running: Int { state.withLock { $0.running } }
    }
}
