import Foundation
import Hummingbird
import JobStore
import NIOCore
import PoolAPI

/// The client's job routes: submit, list, status, cancel, events (long-poll) and logs (follow).
extension RequesterRoutes {
    static let clientRoles: Set<TokenRole> = [.client, .admin]

    var statusBuilder: JobStatusBuilder { JobStatusBuilder(store: requester.store, placement: requester.placement) }

    func submit(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        if requester.board.isInterrupted { throw RequesterError(.unavailable, "the requester is shutting down") }
        let submission = try await JSONResponse.decode(JobSubmission.self, from: request, limit: requester.configuration.limits.jsonBody)
        let intake = JobIntake(repo: requester.repo, store: requester.store, registry: requester.registry)
        let accepted = try await offload { try intake.accept(submission) }
        let job = accepted.job
        requester.configuration.logger.info("job \(job.id) '\(job.name)' submitted")
        // The answer is the job as stored, before its drive starts (built from what intake
        // knows, not read back from the store while the drive begins).
        let status = accepted.status
        requester.supervisor.start(job: job.id, known: accepted.entry, recipes: accepted.recipes)
        return try JSONResponse.make(status, status: .created)
    }

    func listJobs(_ request: Request, _ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let limit = try Self.integer(request, "limit", default: 100, range: 1...1000)
        return try JSONResponse.make(try statusBuilder.summaries(limit: limit))
    }

    func jobStatus(_ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let id = try jobID(context)
        return try JSONResponse.make(try statusBuilder.status(of: id))
    }

    func cancel(_ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let id = try jobID(context)
        let store = requester.store
        if try !store.job(id).state.isTerminal {
            if requester.supervisor.cancel(job: id) {
                // The drive records the cancellation; wait a little for it to land.
                for _ in 0..<200 {
                    if try store.job(id).state.isTerminal { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
            } else {
                try cancelUndriven(id)
            }
        }
        requester.configuration.logger.info("job \(id) cancel requested")
        return try JSONResponse.make(try statusBuilder.status(of: id))
    }

    /// Cancels a job no coordinator drives (not picked up yet): its tasks and the job itself.
    private func cancelUndriven(_ id: String) throws {
        let store = requester.store
        for task in try store.tasks(of: id) where task.state == .pending || task.state == .ready {
            try store.cancelTask(job: id, task: task.id, message: "the job was cancelled before it started")
        }
        if try store.job(id).state.canChange(to: .cancelled) { try store.setJobState(id, to: .cancelled, reason: "cancelled") }
        requester.events.ring(id)
    }

    func jobEvents(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let id = try jobID(context)
        let after = try Self.integer(request, "after", default: 0, range: 0...Int.max)
        let wait = try Self.integer(request, "wait", default: 0, range: 0...60)
        let limit = try Self.integer(request, "limit", default: PoolAPI.maxEventPage, range: 1...PoolAPI.maxEventPage)
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            let ticket = requester.events.listen(id)
            defer { requester.events.forget(ticket) }
            let events = try requester.store.events(of: id, after: Int64(after), limit: limit)
            if !events.isEmpty || ContinuousClock.now >= deadline || requester.events.isClosed {
                return try JSONResponse.make(events.map {
                    JobEventMessage(seq: Int($0.sequence), time: $0.time, kind: $0.kind.rawValue, task: $0.taskID, message: $0.message ?? "")
                })
            }
            await requester.events.wait(ticket, timeout: min(.milliseconds(250), deadline - ContinuousClock.now))
        }
    }

    func jobLogs(_ request: Request, _ context: RequesterContext) async throws -> Response {
        _ = try context.authentication.require(Self.clientRoles)
        let id = try jobID(context)
        guard let task = Self.query(request, "task"), !task.isEmpty else {
            throw RequesterError(.badRequest, "logs need ?task=TASK")
        }
        let streamName = Self.query(request, "stream") ?? "stdout"
        guard let stream = LogStore.Stream(rawValue: streamName) else {
            throw RequesterError(.badRequest, "stream must be stdout or stderr")
        }
        let follow = Self.query(request, "follow").map { $0 == "true" || $0 == "1" } ?? false
        _ = try requester.store.task(job: id, id: task)
        let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if !follow {
            let bytes = try storedLog(job: id, task: task, stream: stream) ?? liveLog(job: id, task: task, stream: stream)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let routes = self
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await routes.followLog(job: id, task: task, stream: stream, to: &writer)
        })
    }

    /// Streams a task's log while it runs: the live log of its current execution as it grows,
    /// until the task ends (or the requester shuts down). When it ends, the stored log (the
    /// stdout/stderr blocks, which hold the whole log) gives whatever the live file did not
    /// (the live file is removed once those blocks are stored, possibly before the follower read
    /// its end).
    func followLog(job: String, task: String, stream: LogStore.Stream, to writer: inout any ResponseBodyWriter) async throws {
        let store = requester.store
        var execution: String?
        var offset = 0
        while true {
            let record = try store.task(job: job, id: task)
            let latest = try store.executions(job: job, task: task).last
            if let latest, latest.id != execution {
                execution = latest.id
                offset = 0
            }
            if let execution {
                let bytes = requester.logs.read(execution, stream, from: offset)
                if !bytes.isEmpty {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    offset += bytes.count
                    continue
                }
            }
            if record.state.isTerminal, latest?.state.isActive != true {
                if let stored = try storedLog(job: job, task: task, stream: stream), stored.count > offset {
                    try await writer.write(ByteBuffer(bytes: stored[offset...]))
                }
                break
            }
            if requester.logBell.isClosed { break }
            await requester.logBell.wait(execution ?? job, timeout: .milliseconds(250))
        }
        try await writer.finish(nil)
    }

    /// The log a finished task recorded (its stdout/stderr CID), when the requester holds it;
    /// before the task records it, the one its latest execution was reported with.
    func storedLog(job: String, task: String, stream: LogStore.Stream) throws -> [UInt8]? {
        let record = try requester.store.task(job: job, id: task)
        var cid = stream == .stdout ? record.stdout : record.stderr
        if cid == nil, let latest = try requester.store.executions(job: job, task: task).last,
           latest.state == .reported, let outcome = LogStore.outcome(of: latest)
        {
            cid = stream == .stdout ? outcome.stdout : outcome.stderr
        }
        guard let cid, try requester.repo.has(cid) else { return nil }
        return try requester.repo.unixfs.bytes(cid)
    }

    /// The live log of the task's latest execution.
    func liveLog(job: String, task: String, stream: LogStore.Stream) throws -> [UInt8] {
        guard let latest = try requester.store.executions(job: job, task: task).last else { return [] }
        return requester.logs.read(latest.id, stream, limit: requester.configuration.limits.logFile)
    }

    /// The job of the path, resolved from an id or a unique prefix.
    func jobID(_ context: RequesterContext) throws -> String {
        let text = try Self.parameter(context, "job")
        do {
            return try requester.store.resolveJobID(text)
        } catch let error as JobStoreError where error.code == .notFound {
            throw RequesterError(.notFound, "no job with id \(text)")
        }
    }
}
