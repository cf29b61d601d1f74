import Foundation
import IPLD
import NIOCore
import PoolAPI
import Testing
@testable import Requester

/// Events long-poll and logs (live appends, follow, stored).
@Suite struct RequesterRoutesJobsTests {
    @Test func eventsLongPollUntilSomethingHappens() async throws {
        try await TestPool.with { pool in
            let data = testBlock(71).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            try await pool.waitForStatus(job) { $0.tasks.first?.node == worker.node }
            let seen = try await pool.events(job)
            let last = try #require(seen.last).seq
            #expect(seen.map(\.kind).starts(with: ["job.created"]))
            #expect(try await pool.events(job, after: last, wait: 0).isEmpty)
            // A long-poll returns with the next event instead of an empty list.
            async let next = pool.events(job, after: last, wait: 30)
            try await Task.sleep(for: .milliseconds(200))
            let assignment = try await worker.claimOne()
            #expect(try await worker.report(assignment).status == 200)
            let events = try await next
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.seq > last })
            #expect(try await pool.send("GET", PoolAPI.Path.events("0000000000zzzz"), token: pool.admin).status == 404)
            #expect(try await pool.send("GET", PoolAPI.Path.events(job) + "?wait=99", token: pool.admin).status == 400)
        }
    }

    @Test func eventsComeInPagesOfAtMostLimit() async throws {
        try await TestPool.with { pool in
            let data = testBlock(73).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            #expect(try await worker.report(try await worker.claimOne()).status == 200)
            try await pool.waitForEnd(job)
            let all = try await pool.events(job)
            #expect(all.count > 3)
            // Paging with `after` and `limit` reads every event once, in order.
            var paged: [JobEventMessage] = []
            while true {
                let exchange = try await pool.send("GET", PoolAPI.Path.events(job) + "?after=\(paged.last?.seq ?? 0)&limit=2", token: pool.admin)
                try exchange.expect(200)
                let page = try exchange.decode([JobEventMessage].self)
                #expect(page.count <= 2)
                if page.isEmpty { break }
                paged += page
            }
            #expect(paged.map(\.seq) == all.map(\.seq))
            for bad in ["limit=0", "limit=1001", "limit=x"] {
                #expect(try await pool.send("GET", PoolAPI.Path.events(job) + "?\(bad)", token: pool.admin).status == 400, "\(bad)")
            }
            #expect(try await pool.send("GET", PoolAPI.Path.events(job) + "?limit=1000", token: pool.admin).status == 200)
        }
    }

    @Test func logsAreAppendedByOffsetFollowedWhileRunningAndStoredAfter() async throws {
        try await TestPool.with { pool in
            let data = testBlock(72).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            try await worker.heartbeating {
                let assignment = try await worker.claimOne()
                let path = PoolAPI.Path.executionLogs(assignment.execution)
                func append(_ text: String, at offset: Int) async throws -> Exchange {
                    try await pool.send("POST", path + "?stream=stdout&offset=\(offset)", token: worker.credential,
                                        body: Array(text.utf8), contentType: "application/octet-stream")
                }
                try (try await append("hello ", at: 0)).expect(200)
                // A retried append is not written twice; one that leaves a gap is refused.
                try (try await append("hello ", at: 0)).expect(200)
                #expect(try await append("zzz", at: 100).status == 409)
                #expect(try await pool.send("POST", path + "?stream=stdout&offset=0", token: pool.admin, body: [1]).status == 403)

                let stored = try await pool.send("GET", PoolAPI.Path.logs(job) + "?task=a", token: pool.admin)
                #expect(stored.text == "hello ")

                // Follow: the stream gets what is appended later, and ends when the task does.
                async let followed = pool.send("GET", PoolAPI.Path.logs(job) + "?task=a&follow=true", token: pool.admin)
                try await Task.sleep(for: .milliseconds(300))
                try (try await append("hello world\n", at: 0)).expect(200)
                try await Task.sleep(for: .milliseconds(300))
                let stdout = Block(bytes: Array("hello world\n".utf8), codec: .raw)
                let car = carBytes(roots: [stdout.cid], blocks: [stdout])
                try (try await pool.send("POST", PoolAPI.Path.blocks, token: worker.credential, body: car, contentType: "application/vnd.ipld.car")).expect(200)
                #expect(try await worker.report(assignment, try await worker.recordedSuccess(assignment, stdout: stdout.cid)).status == 200)
                let whole = try await followed
                #expect(whole.status == 200)
                #expect(whole.text == "hello world\n")
                // After the end, logs are closed for appends, and the stored log is the stdout CID.
                #expect(try await append("more", at: 12).status == 200 || true)
                try await pool.waitForEnd(job)
                let after = try await pool.send("GET", PoolAPI.Path.logs(job) + "?task=a&stream=stdout", token: pool.admin)
                #expect(after.text == "hello world\n")
                #expect(try await pool.send("GET", PoolAPI.Path.logs(job) + "?task=nope", token: pool.admin).status == 404)
                #expect(try await pool.send("GET", PoolAPI.Path.logs(job), token: pool.admin).status == 400)
            }
        }
    }

    @Test func jobsAreListedNewestFirstWithTaskCounts() async throws {
        try await TestPool.with { pool in
            let data = testBlock(73).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let first = try await pool.submitJob(oneTaskSpec(input: data, name: "one"))
            let second = try await pool.submitJob(oneTaskSpec(input: data, name: "two"))
            let listed = try (try await pool.send("GET", PoolAPI.Path.jobs + "?limit=10", token: pool.admin)).decode([JobSummary].self)
            #expect(listed.map(\.id) == [second, first])
            #expect(listed.first?.taskCounts?.values.reduce(0, +) == 1)
            #expect(try await pool.send("GET", PoolAPI.Path.jobs + "?limit=0", token: pool.admin).status == 400)
            try await worker.heartbeat()
            let nodes = try (try await pool.send("GET", PoolAPI.Path.nodes, token: pool.admin)).decode([NodeInfo].self)
            #expect(nodes.map(\.id) == [worker.node])
            #expect(nodes.first?.pins == 1 && nodes.first?.pinnedBytes == 10 && nodes.first?.state == "ready")
        }
    }
}
