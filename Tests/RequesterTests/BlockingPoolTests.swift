import Foundation
import Synchronization
import Testing
@testable import Requester

@Suite struct BlockingPoolTests {
    struct Boom: Error, Equatable {}

    @Test func workRunsOnThePoolsOwnNamedThreadsAndReturnsItsResult() async throws {
        let pool = BlockingPool(threads: 2, name: "test-blocking")
        let name = try await pool.run { Thread.current.name ?? "" }
        #expect(name.hasPrefix("test-blocking-"), "ran on '\(name)'")
        #expect(try await pool.run { 6 * 7 } == 42)
    }

    @Test func anErrorOfTheWorkIsThrownToTheCaller() async throws {
        let pool = BlockingPool(threads: 1, name: "test-blocking-error")
        await #expect(throws: Boom.self) { try await pool.run { throw Boom() } }
        // The thread survives a failed job.
        #expect(try await pool.run { "still here" } == "still here")
    }

    @Test func asManyJobsRunAtOnceAsThePoolHasThreads() async throws {
        let pool = BlockingPool(threads: 3, name: "test-blocking-width")
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.run {
                        let now = running.add(1, ordering: .relaxed).newValue
                        _ = peak.max(now, ordering: .relaxed)
                        usleep(20_000)
                        running.subtract(1, ordering: .relaxed)
                    }
                }
            }
            try await group.waitForAll()
        }
        // Never more than its threads; and blocking jobs overlap (12 × 20 ms do not run one by one).
        #expect(peak.load(ordering: .relaxed) == 3)
    }
}
