import AsyncHTTPClient
import NIOCore
import PoolAPI

extension PoolClient {
    /// Which output stream of a task.
    public enum LogStream: String, Sendable, Hashable, CaseIterable {
        case stdout, stderr
    }

    /// `GET /healthz` (needs no token).
    public func health() async throws -> Health {
        try await call(.GET, PoolAPI.Path.health)
    }

    /// `GET /metrics`: the Prometheus text.
    public func metrics() async throws -> String {
        let response = try await exchange(.GET, PoolAPI.Path.metrics, json: nil)
        return String(decoding: try await bytes(of: response, upTo: Self.maxJSONBytes, route: "GET /metrics"), as: UTF8.self)
    }

    /// `POST /api/v1/jobs`: submits a spec that names its tools and inputs by CID.
    ///
    /// - Throws: ``PoolClientError/Code/badRequest`` with the spec's diagnostics when it is invalid.
    public func submit(_ submission: JobSubmission) async throws -> JobStatus {
        try await call(.POST, PoolAPI.Path.jobs, body: submission)
    }

    /// `GET /api/v1/jobs`: the newest jobs first.
    public func jobs(limit: Int = 100) async throws -> [JobSummary] {
        try await call(.GET, PoolAPI.Path.jobs, query: [("limit", String(limit))])
    }

    /// `GET /api/v1/jobs/{job}`: the job with every task's state, node, attempts, outputs and step.
    public func job(_ id: String) async throws -> JobStatus {
        try await call(.GET, PoolAPI.Path.job(Self.segment(id)))
    }

    /// `POST /api/v1/jobs/{job}/cancel`.
    public func cancel(job id: String) async throws -> JobStatus {
        try await call(.POST, PoolAPI.Path.cancel(Self.segment(id)))
    }

    /// `GET /api/v1/jobs/{job}/events`: the events after sequence number `after`, waiting up to
    /// `wait` seconds (at most 60) when there are none yet.
    ///
    /// One call answers at most `limit` events (at most ``PoolAPI/PoolAPI/maxEventPage``); read on
    /// with `after` set to the last one's `seq` until a call answers none.
    public func events(job id: String, after: Int = 0, wait: Int = 0, limit: Int = PoolAPI.maxEventPage) async throws -> [JobEventMessage] {
        let wait = max(0, min(wait, 60))
        let limit = max(1, min(limit, PoolAPI.maxEventPage))
        return try await call(
            .GET, PoolAPI.Path.events(Self.segment(id)),
            query: [("after", String(after)), ("wait", String(wait)), ("limit", String(limit))],
            timeout: configuration.requestTimeout + .seconds(Int64(wait)))
    }

    /// `GET /api/v1/jobs/{job}/logs`: a task's whole stored log.
    public func logs(job id: String, task: String, stream: LogStream = .stdout, limit: Int = 1 << 30) async throws -> [UInt8] {
        let path = PoolAPI.Path.logs(Self.segment(id))
        let response = try await exchange(.GET, path, query: [("task", task), ("stream", stream.rawValue)], json: nil)
        return try await bytes(of: response, upTo: limit, route: "GET \(path)")
    }

    /// `GET /api/v1/jobs/{job}/logs?follow=true`: hands each chunk of a task's log to `chunk` as
    /// it arrives, until the task ends and the requester closes the stream. No deadline applies.
    public func followLogs(
        job id: String, task: String, stream: LogStream = .stdout, _ chunk: ([UInt8]) async throws -> Void
    ) async throws {
        let path = PoolAPI.Path.logs(Self.segment(id))
        let request = request(.GET, path, query: [("task", task), ("stream", stream.rawValue), ("follow", "true")])
        let response = try await send(request, timeout: nil)
        do {
            for try await buffer in response.body {
                try await chunk(Array(buffer.readableBytesView))
            }
        } catch let error as PoolClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PoolClientError(.unreachable, "the log stream broke: \(Self.describe(error))", route: "GET \(path)")
        }
    }

    /// `GET /api/v1/nodes`: the pool's nodes.
    public func nodes() async throws -> [NodeInfo] {
        try await call(.GET, PoolAPI.Path.nodes)
    }

    /// `GET /api/v1/lineage/{cid}`: the lineage rendered by the requester (`json`, `tree`, `dot`
    /// or `mermaid`), as text.
    public func lineage(of cid: String, format: String = "json", depth: Int? = nil) async throws -> String {
        var query = [("format", format)]
        if let depth { query.append(("depth", String(depth))) }
        let path = PoolAPI.Path.lineage(Self.segment(cid))
        let response = try await exchange(.GET, path, query: query, json: nil)
        return String(decoding: try await bytes(of: response, upTo: Self.maxJSONBytes, route: "GET \(path)"), as: UTF8.self)
    }

    /// `GET /api/v1/verify/{cid}`: the requester's verification report (JSON text).
    public func verify(_ cid: String) async throws -> String {
        let path = PoolAPI.Path.verify(Self.segment(cid))
        let response = try await exchange(.GET, path, json: nil)
        return String(decoding: try await bytes(of: response, upTo: Self.maxJSONBytes, route: "GET \(path)"), as: UTF8.self)
    }
}
