import Foundation
import Hummingbird
import IPLD
import NIOCore
import Orchestrator
import PoolAPI
import Provenance
import ShoalTesting
import Synchronization
import Testing

@testable import PoolClient

/// The client against a real server that checks what it receives: token, method, path, query,
/// body, and how every kind of answer is mapped.
@Suite struct PoolClientTests {
    static let created = Date(timeIntervalSince1970: 1_800_000_000)
    static let status = JobStatus(
        id: "j1", name: "p", state: "queued", created: created,
        tasks: [TaskStatus(id: "a", state: "pending", attempts: 0)])

    @Test func submitSendsTheBearerTokenAndTheSubmissionAndDecodesTheStatus() async throws {
        let recorder = Recorder()
        let router = Router()
        router.on(.post, "/api/v1/jobs", recorder: recorder) { _ in try json(Self.status, status: .created) }
        let submission = JobSubmission(spec: "version: 1\n", file: "p.yaml", options: .init(keepGoing: true))
        let answer = try await withServer(router) { url in
            try await withClient(url) { try await $0.submit(submission) }
        }
        #expect(answer == Self.status)
        let request = try #require(recorder.last)
        #expect(request.headers["authorization"] == "Bearer secret")
        #expect(request.headers["content-type"] == "application/json")
        #expect(try PoolAPI.decoder.decode(JobSubmission.self, from: Data(request.body)) == submission)
    }

    @Test func idsAndQueriesArePercentEncoded() async throws {
        let recorder = Recorder()
        let router = Router()
        router.on(.get, "/api/v1/jobs/:job/logs", recorder: recorder) { _ in text("hello\n") }
        let bytes = try await withServer(router) { url in
            try await withClient(url) { try await $0.logs(job: "j 1", task: "a&b", stream: .stderr) }
        }
        #expect(bytes == Array("hello\n".utf8))
        let request = try #require(recorder.last)
        #expect(request.path == "/api/v1/jobs/j%201/logs")
        #expect(request.query["task"] == "a&b")
        #expect(request.query["stream"] == "stderr")
    }

    @Test func plainIdsGoAsTheyAreAndEverythingElseIsEncoded() {
        // The fast path for ids must agree with the character set it skips.
        let id = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        #expect(PoolClient.segment(id) == id)
        #expect(PoolClient.segment("e_1-2.3~4") == "e_1-2.3~4")
        #expect(PoolClient.segment("a/b?c#d%e f") == "a%2Fb%3Fc%23d%25e%20f")
        #expect(PoolClient.segment("é") == "%C3%A9")
    }

    @Test func aRejectedSpecCarriesTheServersMessageAndDiagnostics() async throws {
        let router = Router()
        let diagnostics = [
            APIErrorBody.Diagnostic(location: .init(file: "p.yaml", line: 4, column: 7), path: "tasks[0].run", message: "expected a list"),
        ]
        router.post("/api/v1/jobs") { _, _ in try failure(.badRequest, "invalid spec", diagnostics: diagnostics) }
        let error = try await withServer(router) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url) { try await $0.submit(JobSubmission(spec: "x")) }
            }
        }
        #expect(error?.code == .badRequest)
        #expect(error?.status == 400)
        #expect(error?.diagnostics == diagnostics)
        #expect(error?.description == "POST /api/v1/jobs: 400 bad request: invalid spec (1 problem)")
        #expect(error?.diagnosticLines == ["p.yaml:4:7: tasks[0].run: expected a list"])
    }

    @Test func statusesMapToCodesAndTextBodiesGiveTheirFirstLine() async throws {
        let router = Router()
        router.get("/api/v1/nodes") { request, _ in
            switch request.headers[.authorization] {
            case "Bearer secret": try failure(.forbidden, "a client token may not do this")
            case nil: try failure(.unauthorized, "missing token")
            default: text("database is locked\nstack trace…", status: .internalServerError)
            }
        }
        let (forbidden, unauthorized, server) = try await withServer(router) { url in
            let forbidden = await #expect(throws: PoolClientError.self) { try await withClient(url) { try await $0.nodes() } }
            let unauthorized = await #expect(throws: PoolClientError.self) {
                try await withClient(url, token: nil) { try await $0.nodes() }
            }
            let server = await #expect(throws: PoolClientError.self) {
                try await withClient(url, token: "other") { try await $0.nodes() }
            }
            return (forbidden, unauthorized, server)
        }
        #expect(forbidden?.code == .forbidden)
        #expect(forbidden?.message == "a client token may not do this")
        #expect(unauthorized?.code == .unauthorized)
        #expect(server?.code == .serverError)
        #expect(server?.message == "database is locked")
        #expect(server?.isTransient == true)
        #expect(forbidden?.isTransient == false)
    }

    @Test func noServerIsUnreachableAndTransient() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let port = try await withServer(Router()) { url in Int(url.split(separator: ":").last!)! }
        let error = await #expect(throws: PoolClientError.self) {
            try await withClient("http://127.0.0.1:\(port)") { try await $0.health() }
        }
        #expect(error?.code == .unreachable)
        #expect(error?.isTransient == true)
        #expect(error?.route == "GET /healthz")
        #expect(error?.message.hasSuffix(": connection refused") == true, "\(error.map { "\($0)" } ?? "")")
    }

    @Test func anAnswerThatIsNotTheContractsShapeIsABadResponse() async throws {
        let router = Router()
        router.get("/api/v1/jobs/:job") { _, _ in text(#"{"id": "j1"}"#) }
        let error = try await withServer(router) { url in
            await #expect(throws: PoolClientError.self) { try await withClient(url) { try await $0.job("j1") } }
        }
        #expect(error?.code == .badResponse)
        #expect(error?.message.contains("missing 'name'") == true)
    }

    @Test func aSignedJoinAsksForAChallengeAndTriesOnceMoreWhenTheProofIsRefused() async throws {
        let recorder = Recorder()
        let router = Router()
        let node = NodeIdentity.generate()
        let requester = NodeIdentity.generate().didKey.string
        let issued = Mutex(0)
        router.on(.post, "/api/v1/nodes/challenge", recorder: recorder) { _ in
            let n = issued.withLock { $0 += 1; return $0 }
            return try json(JoinChallenge(nonce: "n\(n)", requester: requester, expires: Self.created))
        }
        router.on(.post, "/api/v1/nodes/join", recorder: recorder) { request in
            let join = try PoolAPI.decoder.decode(JoinRequest.self, from: Data(request.body))
            guard let proof = join.proof, let signature = proof.signatureBytes,
                  try DIDKey(join.node).isValidSignature(
                      signature, for: JoinProof.message(requester: requester, nonce: proof.nonce, join: join))
            else { return try failure(.badRequest, "unsigned") }
            // The first nonce is refused, as after a requester restart between the two calls.
            if proof.nonce == "n1" { return try failure(.unauthorized, "the join proof's nonce is unknown") }
            return try json(JoinResponse(node: join.node, credential: "c-\(proof.nonce)", heartbeatSeconds: 1, leaseSeconds: 9, requester: requester, peerTicket: "p"))
        }
        let join = JoinRequest(node: node.didKey.string, url: "http://127.0.0.1:9", capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
        let response = try await withServer(router) { url in
            try await withClient(url) { client in try await client.join(join, signingWith: node) }
        }
        #expect(response.credential == "c-n2")
        #expect(recorder.all.map(\.path) == ["/api/v1/nodes/challenge", "/api/v1/nodes/join", "/api/v1/nodes/challenge", "/api/v1/nodes/join"])
    }

    @Test func aChallengeRefusedWith429IsAskedForAgainAfterABackoff() async throws {
        let recorder = Recorder()
        let router = Router()
        let node = NodeIdentity.generate()
        let requester = NodeIdentity.generate().didKey.string
        let asked = Mutex(0)
        router.on(.post, "/api/v1/nodes/challenge", recorder: recorder) { _ in
            let n = asked.withLock { $0 += 1; return $0 }
            // Many nodes sharing the token join at once: the first two asks find its slots full.
            if n <= 2 { return try failure(.tooManyRequests, "this token has 8 join challenges outstanding") }
            return try json(JoinChallenge(nonce: "n\(n)", requester: requester, expires: Self.created))
        }
        router.on(.post, "/api/v1/nodes/join", recorder: recorder) { request in
            let join = try PoolAPI.decoder.decode(JoinRequest.self, from: Data(request.body))
            return try json(JoinResponse(node: join.node, credential: "c-\(join.proof?.nonce ?? "")", heartbeatSeconds: 1, leaseSeconds: 9, requester: requester, peerTicket: "p"))
        }
        let join = JoinRequest(node: node.didKey.string, url: "http://127.0.0.1:9", capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
        let response = try await withServer(router) { url in
            try await withClient(url) { client in try await client.join(join, signingWith: node) }
        }
        #expect(response.credential == "c-n3")
        #expect(recorder.all.map(\.path) == Array(repeating: "/api/v1/nodes/challenge", count: 3) + ["/api/v1/nodes/join"])
        #expect(PoolClientError(.tooManyRequests, "x", status: 429).isTransient)
        #expect(PoolClientError.code(forStatus: 429) == .tooManyRequests)
    }

    @Test func claimLongPollsAndTreats204AsNothing() async throws {
        let recorder = Recorder()
        let router = Router()
        let recipe = Recipe(tool: nil, run: ["true"], inputs: [:], params: [:], env: [:], engine: Recipe.sandboxEngine, limits: [:])
        let step = try StepAssignment(jobID: "j1", taskID: "a", attempt: 1, recipe: recipe, outputs: ["out"], cache: true)
        let assignment = Assignment(execution: "e1", leaseExpires: Self.created, step: step, providers: ["bafy": ["http://w2"]])
        router.on(.post, "/api/v1/nodes/:node/claim", recorder: recorder) { request in
            request.query["max"] == "3" ? try json([assignment]) : Response(status: .noContent)
        }
        let (some, none) = try await withServer(router) { url in
            try await withClient(url) { client in
                (try await client.claim(node: "did:key:z6Mk", wait: 1, max: 3), try await client.claim(node: "did:key:z6Mk", wait: 1, max: 1))
            }
        }
        #expect(some == [assignment])
        #expect(none.isEmpty)
        #expect(recorder.all.first?.query["wait"] == "1")
        #expect(recorder.all.first?.path == "/api/v1/nodes/did:key:z6Mk/claim")
    }

    @Test func logAppendsSendBytesWithTheirStreamAndOffset() async throws {
        let recorder = Recorder()
        let router = Router()
        router.on(.post, "/api/v1/executions/:execution/logs", recorder: recorder) { _ in try json([String: String]()) }
        try await withServer(router) { url in
            try await withClient(url) { try await $0.appendLog(execution: "e1", stream: .stderr, offset: 42, bytes: [1, 2, 3]) }
        }
        let request = try #require(recorder.last)
        #expect(request.query == ["stream": "stderr", "offset": "42"])
        #expect(request.headers["content-type"] == "application/octet-stream")
        #expect(request.body == [1, 2, 3])
    }

    @Test func followingLogsHandsOverChunksAsTheyArrive() async throws {
        let router = Router()
        router.get("/api/v1/jobs/:job/logs") { request, _ in
            #expect(request.uri.queryParameters["follow"] == "true")
            return Response(status: .ok, body: ResponseBody { writer in
                for line in ["one\n", "two\n", "three\n"] {
                    try await writer.write(ByteBuffer(string: line))
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await writer.finish(nil)
            })
        }
        let received = try await withServer(router) { url in
            try await withClient(url) { client in
                let chunks = Mutex<[UInt8]>([])
                try await client.followLogs(job: "j1", task: "a") { bytes in chunks.withLock { $0 += bytes } }
                return chunks.withLock { $0 }
            }
        }
        #expect(String(decoding: received, as: UTF8.self) == "one\ntwo\nthree\n")
    }

    @Test func aCARFileIsStreamedAsTheUploadBody() async throws {
        let folder = TemporaryDirectory("upload")
        let bytes = SplitMix64.bytes(seed: 7, count: 700_000)
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("blocks.car")))
        let recorder = Recorder()
        let router = Router()
        router.on(.post, "/api/v1/blocks", recorder: recorder) { request in
            try json(BlockUpload(roots: ["bafyroot"], blocks: 3, newBlocks: request.body.count == 700_000 ? 3 : 0))
        }
        let upload = try await withServer(router) { url in
            try await withClient(url) { try await $0.uploadBlocks(carFile: folder.file("blocks.car")) }
        }
        #expect(upload == BlockUpload(roots: ["bafyroot"], blocks: 3, newBlocks: 3))
        #expect(recorder.last?.body == bytes)
        #expect(recorder.last?.headers["content-type"] == "application/vnd.ipld.car")
        let missing = await #expect(throws: PoolClientError.self) {
            try await withClient("http://127.0.0.1:1") { try await $0.uploadBlocks(carFile: folder.file("nope.car")) }
        }
        #expect(missing?.code == .configuration)
    }

    @Test func aBlockThatDoesNotMatchItsCIDIsRefused() async throws {
        let good = Block(bytes: Array("good".utf8), codec: .raw)
        let bad = Block(bytes: Array("bad".utf8), codec: .raw)
        let router = Router()
        router.get("/ipfs/:cid") { request, context in
            let cid = context.parameters.get("cid") ?? ""
            #expect(request.uri.queryParameters["format"] == "raw")
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: cid == good.cid.string ? good.bytes : Array("forged".utf8))))
        }
        let (fetched, error) = try await withServer(router) { url in
            try await withClient(url) { client in
                (try await client.block(good.cid), await #expect(throws: PoolClientError.self) { try await client.block(bad.cid) })
            }
        }
        #expect(fetched == good.bytes)
        #expect(error?.code == .badResponse)
    }

    @Test func tokensAreCreatedListedAndRevokedByID() async throws {
        let recorder = Recorder()
        let router = Router()
        let info = TokenInfo(id: "t1", role: .worker, note: "w", created: Self.created)
        router.on(.post, "/api/v1/tokens", recorder: recorder) { _ in try json(TokenCreated(id: "t1", role: .worker, token: "s3cret"), status: .created) }
        router.on(.get, "/api/v1/tokens", recorder: recorder) { _ in try json([info]) }
        router.on(.delete, "/api/v1/tokens/:token", recorder: recorder) { _ in try json(info) }
        let (created, listed, revoked) = try await withServer(router) { url in
            try await withClient(url) { client in
                (try await client.createToken(role: .worker, note: "w"), try await client.tokens(), try await client.revokeToken("t1"))
            }
        }
        #expect(created.token == "s3cret")
        #expect(listed == [info])
        #expect(revoked.id == "t1")
        #expect(try PoolAPI.decoder.decode(TokenRequest.self, from: Data(recorder.all[0].body)) == TokenRequest(role: .worker, note: "w"))
        #expect(recorder.all[2].path == "/api/v1/tokens/t1")
    }

    @Test func aBadConfigurationIsRefusedBeforeAnyCall() throws {
        #expect(throws: PoolClientError.self) { try PoolClient.check(.init(url: "127.0.0.1:8420")) }
        #expect(throws: PoolClientError.self) { try PoolClient.check(.init(url: "ftp://host")) }
        let mixed = #expect(throws: PoolClientError.self) { try PoolClient.check(.init(url: "http://h:1", caCertificate: "/ca.pem")) }
        #expect(mixed?.code == .configuration)
        let unreadable = #expect(throws: PoolClientError.self) {
            _ = try PoolClient.make(.init(url: "https://h:1", caCertificate: "/no/such/ca.pem"))
        }
        #expect(unreadable?.message.contains("/no/such/ca.pem") == true)
        #expect(PoolClient.Configuration(url: "http://h:1//").url == "http://h:1")
    }
}
