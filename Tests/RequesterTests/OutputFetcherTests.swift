import Foundation
import Gateway
import IPLD
import PoolAPI
import Provenance
import Testing
@testable import Requester

/// Outputs brought to the requester when a client asks its gateway for them.
@Suite struct OutputFetcherTests {
    /// Runs `body` with a finished job whose one output is held only by a slow worker gateway.
    func withOutputElsewhere(
        delay: Duration = .milliseconds(300), _ body: @Sendable (TestPool, CID, GatewayCounters) async throws -> Void
    ) async throws {
        try await TestPool.with { pool in
            // The worker's gateway accepts the peer tickets of this pool (the requester's key).
            let peer = try DIDKey(pool.requester.node)
            let blocks = MemoryBlockstore()
            try await withWorkerGateway(store: blocks, pool: peer, delay: delay) { url, counters in
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

    @Test func headOfAnOutputNotFetchedYetFetchesItAndAnswersAsGetWould() async throws {
        try await withOutputElsewhere { (pool: TestPool, output: CID, counters: GatewayCounters) async throws in
            let head = try await pool.send("HEAD", "/ipfs/\(output)?format=raw", token: pool.admin)
            #expect(head.status == 200, "\(head.text)")
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 1)
            #expect(try pool.requester.repo.has(output))
            // Held now: HEAD and GET answer the same headers without asking the worker again.
            let again = try await pool.send("HEAD", "/ipfs/\(output)?format=raw", token: pool.admin)
            let get = try await pool.send("GET", "/ipfs/\(output)?format=raw", token: pool.admin)
            #expect(again.status == 200 && get.status == 200)
            #expect(head.headers["content-length"] == String(get.body.count) && again.headers["content-length"] == head.headers["content-length"])
            #expect(head.headers["etag"] == get.headers["etag"] && head.headers["x-ipfs-roots"] == output.string)
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 1)
        }
    }

    @Test func onlyIfCachedAsksWhatTheRequesterHoldsWithoutFetching() async throws {
        try await withOutputElsewhere { (pool: TestPool, output: CID, counters: GatewayCounters) async throws in
            let onlyIfCached = [("Cache-Control", "only-if-cached")]
            for method in ["HEAD", "GET"] {
                let answer = try await pool.send(method, "/ipfs/\(output)?format=raw", token: pool.admin, headers: onlyIfCached)
                #expect(answer.status == 412, "\(method): \(answer.status) \(answer.text)")
            }
            #expect(counters.totals.rawResponses + counters.totals.carResponses == 0)
            #expect(try pool.requester.repo.has(output) == false)
            #expect(try await pool.send("GET", "/ipfs/\(output)?format=raw", token: pool.admin).status == 200)
            let held = try await pool.send("HEAD", "/ipfs/\(output)?format=raw", token: pool.admin, headers: onlyIfCached)
            #expect(held.status == 200)
        }
    }

    @Test func aFetchEveryRequestGaveUpOnIsCancelled() async throws {
        // A slow provider: the worker answers after 2 s.
        try await withOutputElsewhere(delay: .seconds(2)) { (pool: TestPool, output: CID, counters: GatewayCounters) async throws in
            let outputs = pool.requester.outputs
            let first = Task { await outputs.ensureHeld(output) }
            let second = Task { await outputs.ensureHeld(output) }
            try await eventually { outputs.flights.waiting(for: output.v1) == 2 }
            first.cancel()
            await first.value
            #expect(outputs.flights.waiting(for: output.v1) == 1, "another request still waits for it")
            second.cancel()
            await second.value
            #expect(outputs.flights.waiting(for: output.v1) == 0)
            // Past the provider's delay, the abandoned fetch stored nothing.
            try await Task.sleep(for: .milliseconds(2500))
            #expect(try pool.requester.repo.has(output) == false)
            // The next request starts a fresh fetch, and it lands.
            await outputs.ensureHeld(output)
            #expect(try pool.requester.repo.has(output))
        }
    }

    @Test func aWaiterThatLeavesStopsWaitingAndTheLastOneCancelsTheFlight() async throws {
        let flights = FetchFlights()
        let key = testBlock(141).cid
        let (ended, ending) = AsyncStream<Bool>.makeStream()
        let slow: @Sendable () async -> Void = {
            try? await Task.sleep(for: .seconds(600))
            ending.yield(Task.isCancelled)
        }
        let first = Task { await flights.join(key, slow) }
        try await eventually { flights.waiting(for: key) == 1 }
        let second = Task { await flights.join(key) { Issue.record("a second fetch of the same CID started") } }
        try await eventually { flights.waiting(for: key) == 2 }
        first.cancel()
        await first.value  // returns at once: it does not wait for the 600 s fetch
        #expect(flights.waiting(for: key) == 1)
        second.cancel()
        await second.value
        var iterator = ended.makeAsyncIterator()
        #expect(await iterator.next() == true, "the fetch was cancelled when its last waiter left")
        #expect(flights.waiting(for: key) == 0)
        // A request already cancelled when it joins neither waits nor starts a fetch.
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await flights.join(key) { Issue.record("a cancelled request started a fetch") }
        }
        await late.value
        #expect(flights.waiting(for: key) == 0)
    }

    /// Polls `condition` until it holds (bounded).
    private func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("the condition never held") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
