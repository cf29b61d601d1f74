import Foundation
import IPLD
import PoolAPI
import ShoalTesting
import Testing
@testable import Requester

/// Live log files go once a step's logs are stored as blocks (or superseded), and `job logs`
/// (stored and --follow) still shows them whole.
@Suite struct LogStoreTests {
    static func append(_ pool: TestPool, _ worker: FakeWorker, _ execution: String, _ text: String, at offset: Int, stream: String = "stdout") async throws -> Exchange {
        try await pool.send("POST", PoolAPI.Path.executionLogs(execution) + "?stream=\(stream)&offset=\(offset)", token: worker.credential,
                            body: Array(text.utf8), contentType: "application/octet-stream")
    }

    /// Uploads `text` as a raw block (a step's stdout as the worker sends it) and returns its CID.
    static func uploadLog(_ pool: TestPool, _ worker: FakeWorker, _ text: String) async throws -> CID {
        let block = Block(bytes: Array(text.utf8), codec: .raw)
        try (try await pool.send("POST", PoolAPI.Path.blocks, token: worker.credential, body: carBytes(roots: [block.cid], blocks: [block]),
                                 contentType: "application/vnd.ipld.car")).expect(200)
        return block.cid
    }

    static func hasLiveLogs(_ pool: TestPool, _ execution: String) -> Bool {
        FileManager.default.fileExists(atPath: pool.requester.logs.folder + "/" + execution)
    }

    static func logs(_ pool: TestPool, _ job: String, follow: Bool = false) async throws -> String {
        let exchange = try await pool.send("GET", PoolAPI.Path.logs(job) + "?task=a&stream=stdout\(follow ? "&follow=true" : "")", token: pool.admin)
        try exchange.expect(200)
        return exchange.text
    }

    @Test func aReportWithStoredLogsRemovesTheLiveFilesAndLogsStillReadWhole() async throws {
        try await TestPool.with { pool in
            let data = testBlock(601).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            try await worker.heartbeating {
                let assignment = try await worker.claimOne()
                try (try await Self.append(pool, worker, assignment.execution, "part one, ", at: 0)).expect(200)
                #expect(Self.hasLiveLogs(pool, assignment.execution))
                // A follower has read the live part when the step ends; the rest of the log
                // never reached the live file.
                async let followed = Self.logs(pool, job, follow: true)
                try await Task.sleep(for: .milliseconds(300))
                let stdout = try await Self.uploadLog(pool, worker, "part one, part two\n")
                #expect(try await worker.report(assignment, try await worker.recordedSuccess(assignment, stdout: stdout)).status == 200)
                #expect(!Self.hasLiveLogs(pool, assignment.execution))
                #expect(try await followed == "part one, part two\n")
                // Late appends do not bring the files back.
                #expect(try await Self.append(pool, worker, assignment.execution, "late", at: 0).status == 409)
                #expect(!Self.hasLiveLogs(pool, assignment.execution))
                try await pool.waitForEnd(job)
                #expect(try await Self.logs(pool, job) == "part one, part two\n")
                #expect(try await Self.logs(pool, job, follow: true) == "part one, part two\n")
            }
        }
    }

    @Test func aLostAttemptsLogsGoWhenTheJobEndsButTheOnlyRecordOfACancelledStepStays() async throws {
        try await TestPool.with { pool in
            let data = testBlock(602).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let done = try await pool.submitJob(oneTaskSpec(input: data))
            let lost = try await worker.claimOne()
            try (try await Self.append(pool, worker, lost.execution, "first try", at: 0)).expect(200)
            // The node restarts: its attempt is lost and the step runs again.
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let second = try await worker.claimOne()
            try (try await Self.append(pool, worker, second.execution, "second try\n", at: 0)).expect(200)
            let stdout = try await Self.uploadLog(pool, worker, "second try\n")
            #expect(try await worker.report(second, try await worker.recordedSuccess(second, stdout: stdout)).status == 200)
            try await pool.waitForEnd(done)
            try await waitUntil { !Self.hasLiveLogs(pool, lost.execution) }
            #expect(!Self.hasLiveLogs(pool, second.execution))
            #expect(try await Self.logs(pool, done) == "second try\n")

            // A step cancelled mid-run never stored its logs: its live file is their only record.
            let cancelled = try await pool.submitJob(oneTaskSpec(input: data, name: "c"))
            let running = try await worker.claimOne()
            try (try await Self.append(pool, worker, running.execution, "interrupted", at: 0)).expect(200)
            try (try await pool.send("POST", PoolAPI.Path.cancel(cancelled), token: pool.admin)).expect(200)
            try await pool.waitForEnd(cancelled)
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.hasLiveLogs(pool, running.execution))
            #expect(try await Self.logs(pool, cancelled) == "interrupted")
        }
    }

    @Test func aStartingRequesterSweepsTheLiveLogsOfEndedExecutions() async throws {
        let home = TemporaryDirectory("requester")
        let (reported, running) = try await TestPool.with(home: home) { pool in
            let data = testBlock(603).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            _ = try await pool.submitJob(oneTaskSpec(input: data, name: "other"))
            let first = try await worker.claimOne()
            let stdout = try await Self.uploadLog(pool, worker, "stored\n")
            #expect(try await worker.report(first, try await worker.recordedSuccess(first, stdout: stdout)).status == 200)
            let second = try await worker.claimOne()
            try (try await Self.append(pool, worker, second.execution, "still running", at: 0)).expect(200)
            return (first.execution, second.execution)
        }
        // As if the requester was killed between a report and the removal of its live files,
        // and a folder of an execution the store does not know.
        let folder = home.path + "/pool/logs"
        for execution in [reported, "xunknownexecution"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + execution, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: folder + "/" + execution + "/stdout.log", contents: Data("stored\n".utf8)))
        }
        let requester = try Requester(configuration: TestPool.configuration(home: home.path))
        #expect(requester.logs.executionsWithLogs() == [running])
    }
}

/// Polls `condition` every 20 ms for up to 30 s (as ``TestPool/waitForStatus(_:timeout:_:)``:
/// what it waits for runs on the cooperative threads the whole suite shares).
func waitUntil(_ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("the condition never held") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
