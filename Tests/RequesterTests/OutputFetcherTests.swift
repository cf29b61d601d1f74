import Foundation
import Gateway
import IPLD
import PoolAPI
import Testing
@testable import Requester

/// Outputs brought to the requester when a client asks its gateway for them.
@Suite struct OutputFetcherTests {
    /// Runs `body` with a finished job whose one output is held only by a slow worker gateway.
    func withOutputElsewhere(_ body: @Sendable (TestPool, CID, GatewayCounters) async throws -> Void) async throws {
        try await TestPool.with { pool in
            let peer = try await FakeWorker(pool: pool).join().peerToken
            let blocks = MemoryBlockstore()
            try await withWorkerGateway(store: blocks, peerToken: peer, delay: .milliseconds(300)) { url, counters in
                let worker = FakeWorker(pool: pool, url: url)
                let data = testBlock(140).cid
                try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
                let job = try await pool.submitJob(oneTaskSpec(input: data))
                let assignment = try await worker.claimOne()
                let outcome = try await worker.recordedSuccess(assignment)
                let output = try #require(outcome.outputs["out"])
                try blocks.put(Block(bytes: Array("\(job)/a/out".utf8), codec: .raw))
                #expect(try blocks.has(output))
                #expect(try await worker.report(assignment, outcome).status == 200)
                try await pool.waitForEnd(job)
                #expect(try pool.requester.repo.has(output) == false)
                try await body(pool, output, counters)
            }
        }
    }

    @Test func concurrentRequestsForOneOutputShareOneFetch() async throws {
        try await withOutputElsewhere { (pool: TestPool, output: CID, counters: GatewayCounters) async throws in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await pool.send("GET", "/ipfs/\(output)?format=raw", token: pool.admin).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [200, 200, 200, 200])
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 1)
            // Held now: served without asking the worker again.
            #expect(try await pool.send("GET", "/ipfs/\(output)?format=car", token: pool.admin).status == 200)
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 1)
        }
    }

    @Test func headAnswersFromWhatTheRequesterHoldsWithoutFetching() async throws {
        try await withOutputElsewhere { (pool: TestPool, output: CID, counters: GatewayCounters) async throws in
            #expect(try await pool.send("HEAD", "/ipfs/\(output)?format=raw", token: pool.admin).status == 404)
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 0)
            #expect(try pool.requester.repo.has(output) == false)
            #expect(try await pool.send("GET", "/ipfs/\(output)?format=raw", token: pool.admin).status == 200)
            #expect(try await pool.send("HEAD", "/ipfs/\(output)?format=raw", token: pool.admin).status == 200)
        }
    }
}
