import Foundation
import IPLD
import PoolAPI
import Testing
@testable import Requester

/// A job that ends, however it ends, leaves nothing of itself in the requester's memory.
@Suite struct JobSupervisorTests {
    /// Waits (bounded, as ``TestPool/waitForStatus(_:timeout:_:)``: the drive's end runs on the
    /// cooperative threads the whole suite shares) until the drive of `job` has let go of
    /// everything it held in memory.
    static func expectNothingLeft(of job: String, in pool: TestPool) async throws {
        let requester = pool.requester
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, requester.supervisor.isDriving(job) || requester.catalog.holds(job) {
            try await Task.sleep(for: .milliseconds(20))
        }
        // A late placement pass or claim that read one of the job's executions before it ended
        // looks the job up after the drive let go of it: answered, but not kept.
        #expect(try requester.catalog.entry(job).job.id == job)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!requester.supervisor.isDriving(job))
        #expect(requester.supervisor.driveCount == 0)
        #expect(!requester.catalog.holds(job))
        #expect(requester.catalog.count == 0)
        #expect(requester.board.waiting == 0)
        #expect(requester.board.leftovers == 0)
        #expect(requester.board.expectations == 0)
    }

    @Test func aCancelledJobLeavesNothingInMemory() async throws {
        try await TestPool.with { pool in
            let data = testBlock(401).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            _ = try await worker.claimOne()
            #expect(pool.requester.catalog.holds(job))
            let cancel = try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)
            try cancel.expect(200)
            #expect(try await pool.waitForEnd(job).state == "cancelled")
            try await Self.expectNothingLeft(of: job, in: pool)
        }
    }

    @Test func aJobCancelledBeforeItsDriveStartsLeavesNothingInMemory() async throws {
        try await TestPool.with { pool in
            let data = testBlock(403).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            // Cancelled while the drive may or may not have started: either way nothing stays.
            try (try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)).expect(200)
            #expect(try await pool.waitForEnd(job).state == "cancelled")
            try await Self.expectNothingLeft(of: job, in: pool)
        }
    }

    @Test func aFailedJobLeavesNothingInMemory() async throws {
        try await TestPool.with { pool in
            let data = testBlock(402).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data, extra: """
                  - id: b
                    run: [sh, -c, "true"]
                    inputs: {x: {from: a.out}}
                """))
            let assignment = try await worker.claimOne()
            #expect(try await worker.report(assignment, worker.failed(assignment)).status == 200)
            #expect(try await pool.waitForEnd(job).state == "failed")
            try await Self.expectNothingLeft(of: job, in: pool)
        }
    }

    @Test func aJobWhoseDriveStopsOnAnErrorLeavesNothingInMemory() async throws {
        try await TestPool.with { pool in
            let data = testBlock(404).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            _ = try await worker.claimOne()
            #expect(pool.requester.catalog.holds(job))
            // The requester shutting down interrupts the drive (the job resumes at the next start).
            pool.requester.board.interrupt()
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, pool.requester.supervisor.isDriving(job) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!pool.requester.catalog.holds(job))
            #expect(pool.requester.catalog.count == 0)
        }
    }
}
