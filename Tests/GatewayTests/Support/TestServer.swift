import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs a real Hummingbird server on `127.0.0.1:0` (an ephemeral port) while `body` runs, and
/// hands `body` its base URL. The server is stopped (its task cancelled) when `body` returns.
func withServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    try await withServers([router]) { urls in try await body(urls[0]) }
}

/// Runs several servers at once (each on its own ephemeral port); `body` gets their base URLs
/// in the same order.
func withServers<T: Sendable>(
    _ routers: [Router<BasicRequestContext>], _ body: @Sendable ([String]) async throws -> T
) async throws -> T {
    var logger = Logger(label: "gateway-test-server")
    logger.logLevel = .critical
    var apps: [(app: Application<RouterResponder<BasicRequestContext>>, ports: AsyncStream<Int>)] = []
    for router in routers {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        apps.append((app, ports))
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        var urls: [String] = []
        for (app, ports) in apps {
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw TestFailure("a test server did not start") }
            urls.append("http://127.0.0.1:\(port)")
        }
        do {
            let result = try await body(urls)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Runs `body` with a fresh HTTP client (configured like a fetcher's) and shuts it down after.
func withClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    try await HTTPClient.withHTTPClient(configuration: BlockFetcherTesting.configuration) { client in
        try await body(client)
    }
}

enum BlockFetcherTesting {
    /// Short timeouts so a test against a stalled server fails fast.
    static let configuration = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10))
        )
        configuration.decompression = .disabled
        return configuration
    }()
}

/// A plain HTTP exchange for assertions: status, headers and the whole body.
struct Exchange: Sendable {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends one request and reads the whole response.
func send(
    _ client: HTTPClient, _ url: String, method: String = "GET", headers: [(String, String)] = []
) async throws -> Exchange {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await client.execute(request, timeout: .seconds(30))
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased()] = header.value }
    var buffer = try await response.body.collect(upTo: 1 << 30)
    let body = buffer.readBytes(length: buffer.readableBytes) ?? []
    return Exchange(status: Int(response.status.code), headers: fields, body: body)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
