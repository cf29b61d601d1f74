import Foundation
import Gateway
import Hummingbird
import IPLD
import Logging
import NIOCore
import PoolAPI
import Provenance
import Synchronization

/// The requester's worker API, in memory, for the agent's tests: it hands out the assignments
/// queued in it, records joins, heartbeats, logs, uploads, reports and leaves, and can be told
/// to cancel, forget the node, refuse reports or fail them for a while. Like the real one, it
/// signs a peer ticket for the node at the join and with every heartbeat answer, and serves
/// ``blocks`` at `/ipfs` to the node credential only.
final class FakeRequester: Sendable {
    static let workerToken = "worker-token"
    static let credential = "node-credential"
    /// The fake requester's key: the pool key its peer tickets carry.
    static let pool = NodeIdentity.generate()
    /// The did:key the fake requester's challenges name.
    static var identity: String { pool.didKey.string }

    /// What its `/ipfs` gateway serves.
    let blocks = MemoryBlockstore()

    struct State {
        var joins: [JoinRequest] = []
        /// Challenges handed out and not yet used by a join.
        var nonces: Set<String> = []
        var heartbeats: [Heartbeat] = []
        var queue: [Assignment] = []
        var claimed: [String] = []
        var cancel: [String] = []
        var abandon: [String] = []
        /// Answer the next heartbeat with 404 (the requester forgot the node).
        var forgetNode = false
        /// Refuse the node credential and the worker token (401), as after `shoal token revoke`.
        var revoked = false
        /// Other nodes every heartbeat answer names as revoked.
        var revokedNodes: [String]?
        /// Challenges asked for, refused ones included.
        var challengeRequests = 0
        /// Fail this many reports with 503 before accepting.
        var failReports = 0
        /// Answer this many reports with 422 (the step block is not on the requester).
        var lackStep = 0
        /// Answer this many reports that carry blocks with 413 (too large to carry).
        var refuseCarried = 0
        /// Answer reports with 409 (the lease was lost).
        var leaseLost = false
        var reportAttempts = 0
        /// How many blocks each report attempt carried, in order.
        var carried: [Int] = []
        var reports: [String: [ExecutionReport]] = [:]
        var logs: [String: [String: [UInt8]]] = [:]
        /// Refuse log bytes past this size with 413, as the requester's log cap does.
        var logCap = Int.max
        /// Log appends received, refused ones included.
        var logAppends = 0
        var uploads: [[UInt8]] = []
        var leaves = 0
        /// What happened, in order (`join`, `report e1`, `leave`, …).
        var journal: [String] = []
        /// The peer tickets signed, in order (join's, then each heartbeat's).
        var tickets: [String] = []
        /// Bearer tokens its `/ipfs` gateway was shown.
        var gatewayTokens: [String] = []
    }

    let state = Mutex(State())

    func update<T: Sendable>(_ body: (inout State) -> T) -> T {
        state.withLock { state in body(&state) }
    }
    var snapshot: State { state.withLock { $0 } }

    func queue(_ assignment: Assignment) { update { $0.queue.append(assignment) } }

    /// A fresh ticket for `node`, recorded. Each lives a second longer than the one before, so
    /// no two are the same text (tickets count whole seconds).
    func ticket(for node: String) throws -> String {
        let did = try DIDKey(node)
        return try state.withLock { state in
            let lifetime = Duration.seconds(30 + state.tickets.count)
            let text = try PeerTicket(node: did, pool: Self.pool.didKey, issued: Date(), lifetime: lifetime).signed(with: Self.pool)
            state.tickets.append(text)
            return text
        }
    }

    /// Waits (polling) until `condition` holds, up to `seconds`.
    func wait(seconds: Double = 60, until condition: (State) -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(snapshot) {
            guard Date() < deadline else { throw AgentTestFailure("the fake requester never saw what the test waited for: \(snapshot.journal)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/api/v1/nodes/challenge") { request, _ in
            if self.update({ $0.challengeRequests += 1; return $0.revoked }) { return try Self.error(.unauthorized, "the bearer token was revoked") }
            guard request.headers[.authorization] == "Bearer \(Self.workerToken)" else { return try Self.error(.unauthorized, "bad worker token") }
            let nonce = "nonce-\(UInt64.random(in: 0 ... .max))"
            self.update { _ = $0.nonces.insert(nonce) }
            return try Self.json(JoinChallenge(nonce: nonce, requester: Self.identity, expires: Date() + 60))
        }
        router.post("/api/v1/nodes/join") { request, _ in
            guard request.headers[.authorization] == "Bearer \(Self.workerToken)" else { return try Self.error(.unauthorized, "bad worker token") }
            let join = try await Self.decode(JoinRequest.self, request)
            // Checked like the real requester: the node key signed one of our nonces, used once.
            guard let proof = join.proof, let signature = proof.signatureBytes, let node = try? DIDKey(join.node),
                  node.isValidSignature(
                      signature, for: JoinProof.message(requester: Self.identity, nonce: proof.nonce, join: join)),
                  self.update({ $0.nonces.remove(proof.nonce) != nil })
            else { return try Self.error(.unauthorized, "no valid proof of the node key") }
            let abandon = self.update { state in
                state.joins.append(join)
                state.journal.append("join")
                return state.abandon
            }
            // No `gateway`: the agent knows this requester's gateway by the URL it joined at.
            return try Self.json(JoinResponse(
                node: join.node, credential: Self.credential, heartbeatSeconds: 1, leaseSeconds: 30, abandon: abandon,
                requester: Self.identity, peerTicket: try self.ticket(for: join.node)))
        }
        router.post("/api/v1/nodes/:node/heartbeat") { request, context in
            if self.snapshot.revoked { return try Self.error(.unauthorized, "this node credential was revoked") }
            guard request.headers[.authorization] == "Bearer \(Self.credential)" else { return try Self.error(.unauthorized, "bad credential") }
            let heartbeat = try await Self.decode(Heartbeat.self, request)
            let answer: HeartbeatResponse? = self.update { state in
                if state.forgetNode {
                    state.forgetNode = false
                    return nil
                }
                state.heartbeats.append(heartbeat)
                defer { state.cancel = [] }
                return HeartbeatResponse(cancel: state.cancel, revokedNodes: state.revokedNodes)
            }
            guard var answer else { return try Self.error(.notFound, "unknown node") }
            answer.peerTicket = try self.ticket(for: context.parameters.get("node") ?? "")
            return try Self.json(answer)
        }
        router.post("/api/v1/nodes/:node/claim") { request, _ in
            if self.snapshot.revoked { return try Self.error(.unauthorized, "this node credential was revoked") }
            guard request.headers[.authorization] == "Bearer \(Self.credential)" else { return try Self.error(.unauthorized, "bad credential") }
            let max = Int(request.uri.queryParameters["max"].map(String.init) ?? "1") ?? 1
            for _ in 0..<10 {
                let taken: [Assignment] = self.update { state in
                    let taken = Array(state.queue.prefix(max))
                    state.queue.removeFirst(taken.count)
                    state.claimed += taken.map(\.execution)
                    return taken
                }
                if !taken.isEmpty { return try Self.json(taken) }
                try await Task.sleep(for: .milliseconds(30))
            }
            return Response(status: .noContent)
        }
        router.post("/api/v1/nodes/:node/leave") { _, _ in
            self.update { $0.leaves += 1; $0.journal.append("leave") }
            return try Self.json([String: String]())
        }
        router.post("/api/v1/executions/:execution/report") { request, context in
            let id = context.parameters.get("execution") ?? ""
            let report = try await Self.decode(ExecutionReport.self, request)
            let status: HTTPResponse.Status = self.update { state in
                state.reportAttempts += 1
                state.carried.append(report.blocks?.count ?? 0)
                if state.refuseCarried > 0, report.blocks != nil {
                    state.refuseCarried -= 1
                    state.journal.append("report \(id) too large")
                    return .contentTooLarge
                }
                if state.failReports > 0 {
                    state.failReports -= 1
                    return .serviceUnavailable
                }
                if state.lackStep > 0 {
                    state.lackStep -= 1
                    state.journal.append("report \(id) refused")
                    return .unprocessableContent
                }
                if state.leaseLost { return .conflict }
                state.reports[id, default: []].append(report)
                state.journal.append("report \(id)")
                return .ok
            }
            switch status {
            case .ok:
                let duplicate = self.snapshot.reports[id]!.count > 1
                return try Self.json(ReportResponse(recorded: true, duplicate: duplicate))
            case .conflict: return try Self.error(.conflict, "the lease expired")
            case .unprocessableContent: return try Self.error(.unprocessableContent, "the step is not on the requester")
            case .contentTooLarge: return try Self.error(.contentTooLarge, "the report's blocks are over the limit")
            default: return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "restarting")))
            }
        }
        router.post("/api/v1/executions/:execution/logs") { request, context in
            let id = context.parameters.get("execution") ?? ""
            let stream = request.uri.queryParameters["stream"].map(String.init) ?? ""
            let offset = Int(request.uri.queryParameters["offset"].map(String.init) ?? "") ?? -1
            let bytes = Array(try await request.body.collect(upTo: 1 << 24).readableBytesView)
            if self.update({ state -> Bool in state.logAppends += 1; return offset + bytes.count > state.logCap }) {
                return try Self.error(.contentTooLarge, "the log would pass its cap")
            }
            let accepted = self.update { state -> Bool in
                var log = state.logs[id, default: [:]][stream, default: []]
                guard offset >= 0, offset <= log.count else { return false }
                // Bytes already stored are skipped: a retry is harmless.
                log = Array(log.prefix(offset)) + bytes + (offset + bytes.count < log.count ? Array(log.dropFirst(offset + bytes.count)) : [])
                state.logs[id, default: [:]][stream] = log
                return true
            }
            return accepted ? try Self.json([String: String]()) : try Self.error(.conflict, "offset \(offset) is past the end")
        }
        let gateway = router.group().add(middleware: BearerTokenMiddleware(verifier: RecordingVerifier { token in
            self.update { $0.gatewayTokens.append(token) }
            return token == Self.credential
        }))
        GatewayRoutes(source: blocks).register(on: gateway)
        router.post("/api/v1/blocks") { request, _ in
            let bytes = Array(try await request.body.collect(upTo: 1 << 28).readableBytesView)
            self.update { $0.uploads.append(bytes); $0.journal.append("upload") }
            return try Self.json(BlockUpload(roots: [], blocks: 0, newBlocks: 0))
        }
        return router
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 24)
        return try PoolAPI.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try PoolAPI.encoder.encode(value))))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try json(APIErrorBody(error: message), status: status)
    }
}

/// Runs `routers` as real servers on ephemeral loopback ports while `body` runs.
func withServers<T: Sendable>(
    _ routers: [Router<BasicRequestContext>], _ body: @Sendable ([String]) async throws -> T
) async throws -> T {
    var logger = Logger(label: "agent-test-server")
    logger.logLevel = .critical
    var apps: [(Application<RouterResponder<BasicRequestContext>>, AsyncStream<Int>)] = []
    for router in routers {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        apps.append((Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger), ports))
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        var urls: [String] = []
        for (app, ports) in apps {
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw AgentTestFailure("a test server did not start") }
            urls.append("http://127.0.0.1:\(port)")
        }
        defer { group.cancelAll() }
        return try await body(urls)
    }
}

struct AgentTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Accepts what `accepts` accepts (and can record what it was shown).
struct RecordingVerifier: BearerTokenVerifier {
    let accepts: @Sendable (String) -> Bool

    func isValid(_ token: String) async -> Bool { accepts(token) }
}
