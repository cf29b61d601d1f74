import Foundation
import Hummingbird
import NIOCore
import PoolAPI
import Synchronization
import Testing

@testable import PoolClient

@Suite struct JobWatcherTests {
    /// A requester whose job runs through `states` (one per status read), with an event per
    /// state, and fails the first `failures` event polls with 503.
    static func router(states: [String], failures: Int = 0) -> Router<BasicRequestContext> {
        let reads = Mutex(0)
        let polls = Mutex(0)
        let router = Router()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        router.get("/api/v1/jobs/:job/events") { _, _ in
            let poll = polls.withLock { count in count += 1; return count }
            if poll <= failures { return text("restarting", status: .serviceUnavailable) }
            let seen = reads.withLock { $0 }
            // Every event up to the current state, whatever `after` says: the watcher must skip
            // what it has seen.
            let events = (0...min(seen, states.count - 1)).map {
                JobEventMessage(seq: $0 + 1, time: start, kind: "job-state", message: states[$0])
            }
            return try json(events)
        }
        router.get("/api/v1/jobs/:job") { _, _ in
            let index = reads.withLock { count in defer { count += 1 }; return min(count, states.count - 1) }
            return try json(JobStatus(id: "j1", name: "p", state: states[index], created: start, tasks: []))
        }
        return router
    }

    @Test func waitsUntilTheJobEndsAndHandsOverEachEventOnce() async throws {
        let states = ["queued", "running", "running", "succeeded"]
        let (status, events) = try await withServer(Self.router(states: states)) { url in
            try await withClient(url) { client in
                let seen = Mutex<[Int]>([])
                let status = try await JobWatcher(client: client, pollSeconds: 0).wait(job: "j1") { event in
                    seen.withLock { $0.append(event.seq) }
                }
                return (status, seen.withLock { $0 })
            }
        }
        #expect(status.state == "succeeded")
        #expect(events == events.sorted())
        #expect(Set(events).count == events.count)
        #expect(events.last == 4)
    }

    @Test func everyEventOfAJobThatEndedIsReadPageByPage() async throws {
        // The job has already ended, and the requester answers at most 2 events per call: the
        // watcher must keep reading until it has all 7 before it returns.
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let router = Router()
        router.get("/api/v1/jobs/:job/events") { request, _ in
            let after = Int(request.uri.queryParameters["after"].map(String.init) ?? "") ?? 0
            let limit = min(2, Int(request.uri.queryParameters["limit"].map(String.init) ?? "") ?? 2)
            let events = (after < 7 ? Array(after + 1...7) : []).prefix(limit).map { JobEventMessage(seq: $0, time: start, kind: "task.running", message: "\($0)") }
            return try json(Array(events))
        }
        router.get("/api/v1/jobs/:job") { _, _ in try json(JobStatus(id: "j1", name: "p", state: "succeeded", created: start, tasks: [])) }
        let seen = try await withServer(router) { url in
            try await withClient(url) { client in
                let seen = Mutex<[Int]>([])
                _ = try await JobWatcher(client: client, pollSeconds: 0).wait(job: "j1") { event in seen.withLock { $0.append(event.seq) } }
                return seen.withLock { $0 }
            }
        }
        #expect(seen == Array(1...7))
    }

    @Test func aRequesterThatIsBrieflyAwayIsWaitedFor() async throws {
        let status = try await withServer(Self.router(states: ["running", "failed"], failures: 2)) { url in
            try await withClient(url) { client in
                try await JobWatcher(client: client, patience: .seconds(30), pollSeconds: 0).wait(job: "j1")
            }
        }
        #expect(status.state == "failed")
    }

    @Test func anUnknownJobEndsTheWaitAtOnce() async throws {
        let router = Router()
        router.get("/api/v1/jobs/:job/events") { _, _ in try failure(.notFound, "no job j9") }
        let error = try await withServer(router) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url) { client in try await JobWatcher(client: client, pollSeconds: 0).wait(job: "j9") }
            }
        }
        #expect(error?.code == .notFound)
    }

    @Test func backoffDoublesUpToItsCap() {
        var backoff = Backoff(initial: .milliseconds(100), cap: .seconds(1))
        let delays = (0..<8).map { _ in backoff.next() }
        #expect(delays[0] >= .milliseconds(80) && delays[0] <= .milliseconds(120))
        #expect(delays[2] >= .milliseconds(320) && delays[2] <= .milliseconds(480))
        #expect(delays.allSatisfy { $0 <= .milliseconds(1200) })
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(120))
    }
}

@Suite struct JobWatcherLogTests {
    @Test func theOutputOfEachRunningTaskIsHandedOverLineByLine() async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let router = Router()
        let reads = Mutex(0)
        router.get("/api/v1/jobs/:job/events") { _, _ in
            try json([JobEventMessage(seq: 1, time: start, kind: "task.running", task: "a", message: "")])
        }
        router.get("/api/v1/jobs/:job") { _, _ in
            let read = reads.withLock { count in count += 1; return count }
            return try json(JobStatus(id: "j1", name: "p", state: read < 3 ? "running" : "succeeded", created: start, tasks: []))
        }
        router.get("/api/v1/jobs/:job/logs") { request, _ in
            let stream = request.uri.queryParameters["stream"].map(String.init) ?? ""
            return Response(status: .ok, body: ResponseBody { writer in
                for piece in stream == "stdout" ? ["one\ntw", "o\nthree"] : ["warning\n"] {
                    try await writer.write(ByteBuffer(string: piece))
                    try await Task.sleep(for: .milliseconds(10))
                }
                try await writer.finish(nil)
            })
        }
        let lines = try await withServer(router) { url in
            try await withClient(url) { client in
                let lines = Mutex<[String]>([])
                _ = try await JobWatcher(client: client, pollSeconds: 0).wait(job: "j1", onLogLine: { task, stream, line in
                    lines.withLock { $0.append("\(task) \(stream.rawValue) \(line)") }
                })
                return lines.withLock { $0 }
            }
        }
        #expect(lines.filter { $0.contains("stdout") } == ["a stdout one", "a stdout two", "a stdout three"])
        #expect(lines.filter { $0.contains("stderr") } == ["a stderr warning"])
    }

    @Test func lineBufferKeepsPartialLines() {
        let buffer = LineBuffer()
        #expect(buffer.append(Array("a\nb".utf8)) == ["a"])
        #expect(buffer.append(Array("c\n\nd".utf8)) == ["bc", ""])
        #expect(buffer.rest() == "d")
        #expect(buffer.rest() == nil)
    }
}
