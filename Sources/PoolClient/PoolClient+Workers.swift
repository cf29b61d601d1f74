import AsyncHTTPClient
import NIOCore
import PoolAPI
import Provenance

extension PoolClient {
    /// `POST /api/v1/nodes/challenge` (worker token): a single-use nonce for the next join to sign.
    public func joinChallenge() async throws -> JoinChallenge {
        try await call(.POST, PoolAPI.Path.challenge)
    }

    /// `POST /api/v1/nodes/join` (worker token): joins, or joins again after a restart.
    ///
    /// `request` must carry a ``PoolAPI/JoinProof`` for a fresh challenge; ``join(_:signingWith:)``
    /// does both steps.
    public func join(_ request: JoinRequest) async throws -> JoinResponse {
        try await call(.POST, PoolAPI.Path.join, body: request)
    }

    /// Asks for a challenge, signs `request` with the node key and joins.
    ///
    /// A refused proof (401) is tried once more with a new challenge: the requester forgets its
    /// nonces when it restarts, which may happen between the two calls. A challenge refused with
    /// 429 (the token holds too many unanswered ones: many nodes sharing it join at once) is
    /// asked for again after a short backoff, up to ten times.
    ///
    /// - Throws: ``PoolClientError`` from either call; ``Provenance/ProvenanceError`` when
    ///   `identity` is not the node `request` names.
    public func join(_ request: JoinRequest, signingWith identity: NodeIdentity) async throws -> JoinResponse {
        var attempt = 0
        while true {
            attempt += 1
            let signed = try request.signed(with: identity, challenge: try await challengeWhenAllowed())
            do {
                return try await join(signed)
            } catch let error as PoolClientError where error.code == .unauthorized && attempt == 1 {
                continue
            }
        }
    }

    /// A challenge, asked for again (backing off from 100 ms, doubling up to 2 s) while the
    /// requester answers 429, up to ten times.
    private func challengeWhenAllowed() async throws -> JoinChallenge {
        var delay = Duration.milliseconds(100)
        for _ in 1..<10 {
            do {
                return try await joinChallenge()
            } catch let error as PoolClientError where error.code == .tooManyRequests {
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
        return try await joinChallenge()
    }

    /// `POST /api/v1/nodes/{node}/heartbeat` (node credential): renews leases, reports changes.
    ///
    /// - Throws: ``PoolClientError/Code/notFound`` when the requester does not know the node
    ///   (it must join again).
    public func heartbeat(node: String, _ heartbeat: Heartbeat) async throws -> HeartbeatResponse {
        try await call(.POST, PoolAPI.Path.heartbeat(Self.segment(node)), body: heartbeat)
    }

    /// `POST /api/v1/nodes/{node}/claim`: waits up to `wait` seconds (at most 60) for at most
    /// `max` assignments; an empty list when none came (204).
    public func claim(node: String, wait: Int = 30, max: Int = 1) async throws -> [Assignment] {
        let wait = Swift.max(0, Swift.min(wait, 60))
        let path = PoolAPI.Path.claim(Self.segment(node))
        let response = try await exchange(
            .POST, path, query: [("wait", String(wait)), ("max", String(Swift.max(1, max)))], json: nil,
            timeout: configuration.requestTimeout + .seconds(Int64(wait)))
        if response.status == .noContent { return [] }
        return try await decode([Assignment].self, from: response, route: "POST \(path)")
    }

    /// `POST /api/v1/nodes/{node}/leave`: leaves the pool; unfinished assignments are handed back.
    public func leave(node: String) async throws {
        let path = PoolAPI.Path.leave(Self.segment(node))
        let response = try await exchange(.POST, path, json: nil)
        _ = try await bytes(of: response, upTo: Self.maxErrorBytes, route: "POST \(path)")
    }

    /// `POST /api/v1/executions/{execution}/report`: the outcome of an execution (idempotent).
    ///
    /// - Throws: ``PoolClientError/Code/conflict`` when the lease was lost and the task went elsewhere.
    public func report(execution: String, _ report: ExecutionReport) async throws -> ReportResponse {
        try await call(.POST, PoolAPI.Path.report(Self.segment(execution)), body: report)
    }

    /// `POST /api/v1/executions/{execution}/logs`: appends log bytes that start at byte `offset`
    /// of the stream (a retry of bytes already stored is harmless).
    public func appendLog(execution: String, stream: LogStream, offset: Int, bytes: [UInt8]) async throws {
        let path = PoolAPI.Path.executionLogs(Self.segment(execution))
        var request = request(.POST, path, query: [("stream", stream.rawValue), ("offset", String(offset))])
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response = try await send(request, timeout: configuration.requestTimeout)
        _ = try await self.bytes(of: response, upTo: Self.maxErrorBytes, route: "POST \(path)")
    }
}
