import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PoolAPI
import PoolClient
import Synchronization

/// A real Hummingbird server on an ephemeral loopback port for client tests: each test adds the
/// routes it needs and checks what arrived (headers, bodies) through ``Recorder``.
func withServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    var logger = Logger(label: "pool-client-test-server")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the test server did not start") }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Runs `body` with a client of `url` sending `token`.
func withClient<T: Sendable>(_ url: String, token: String? = "secret", _ body: (PoolClient) async throws -> T) async throws -> T {
    try await PoolClient.with(.init(url: url, token: token, requestTimeout: .seconds(20)), body)
}

/// What a test server saw.
final class Recorder: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        /// By lower-case name.
        var headers: [String: String]
        var body: [UInt8]
    }

    private let requests = Mutex<[Request]>([])

    func record(_ request: Hummingbird.Request, body: [UInt8]) {
        /// By lower-case name.
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let entry = Request(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body)
        requests.withLock { $0.append(entry) }
    }

    var all: [Request] { requests.withLock { $0 } }
    var last: Request? { all.last }
}

extension Router where Context == BasicRequestContext {
    /// Adds `method path` answering with `respond`, recording each request (and its whole body).
    func on(
        _ method: HTTPRequest.Method, _ path: RouterPath, recorder: Recorder,
        _ respond: @escaping @Sendable (Recorder.Request) async throws -> Response
    ) {
        self.on(path, method: method) { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 30)
            recorder.record(request, body: Array(buffer.readableBytesView))
            return try await respond(recorder.last!)
        }
    }
}

/// A JSON response with the shared encoder.
func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(
        status: status, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(data: try PoolAPI.encoder.encode(value))))
}

/// An error response in the contract's shape.
func failure(_ status: HTTPResponse.Status, _ message: String, diagnostics: [APIErrorBody.Diagnostic]? = nil) throws -> Response {
    try json(APIErrorBody(error: message, diagnostics: diagnostics), status: status)
}

/// A plain-text response.
func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
