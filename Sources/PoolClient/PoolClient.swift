import AsyncHTTPClient
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import PoolAPI

/// A typed client of the requester's HTTP API (`Specs/openapi.yaml`): one async method per
/// route, with the bearer token, deadlines and error mapping done once, here.
///
/// Bodies are the ``PoolAPI`` types, encoded with the shared coders. Any status outside 2xx
/// becomes a ``PoolClientError`` carrying the server's one-line reason (and a rejected spec's
/// diagnostics); no answer at all is ``PoolClientError/Code/unreachable``. With an `https` URL
/// the server's certificate is checked against the system roots, or only against
/// ``Configuration/caCertificate`` when one is given (a pool with its own CA).
///
/// The client owns its `HTTPClient`s: call ``shutdown()`` when done, or use ``with(_:_:)``.
/// ``authorized(by:)`` gives a client that shares the connection pool but sends another token
/// (a worker joins with its worker token, then uses its node credential).
///
/// ```swift
/// try await PoolClient.with(.init(url: "http://127.0.0.1:8420", token: token)) { client in
///     let job = try await client.submit(JobSubmission(spec: text))
///     let status = try await client.job(job.id)
///     print(status.state, status.tasks.map(\.state))
/// }
/// ```
public struct PoolClient: Sendable {
    /// Where the requester is and how to talk to it.
    public struct Configuration: Sendable, Hashable {
        /// The base URL (`http://10.0.0.1:8420`); a trailing `/` is ignored.
        public var url: String
        /// Sent as `Authorization: Bearer <token>`.
        public var token: String?
        /// A PEM file of the CA (or self-signed certificate) to trust for an `https` URL, instead
        /// of the system roots.
        public var caCertificate: String?
        /// Time allowed to connect.
        public var connectTimeout: TimeAmount
        /// Time allowed for an ordinary call, body included. Long polls add their wait to it;
        /// log follows have no deadline.
        public var requestTimeout: TimeAmount

        public init(
            url: String, token: String? = nil, caCertificate: String? = nil, connectTimeout: TimeAmount = .seconds(10),
            requestTimeout: TimeAmount = .seconds(60)
        ) {
            var url = url
            while url.hasSuffix("/") { url.removeLast() }
            self.url = url
            self.token = token
            self.caCertificate = caCertificate
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
        }

        /// Whether the URL uses TLS.
        public var usesTLS: Bool { url.lowercased().hasPrefix("https://") }
    }

    public let configuration: Configuration
    /// The HTTP client API calls go through (shared by clients made with ``authorized(by:)``).
    /// It has no read timeout, so long polls and log follows can wait.
    public let http: HTTPClient
    /// The HTTP client for trustless-gateway fetches (``Gateway/BlockFetcher``): the fetcher's
    /// configuration (connect timeout, a 30 s idle read timeout that catches a stalled
    /// provider, no redirects) with the same trust roots as ``http``.
    public let blocks: HTTPClient
    var logger: Logger

    /// The largest JSON answer accepted (a job status with thousands of tasks fits easily).
    static let maxJSONBytes = 64 << 20
    /// The largest error body read.
    static let maxErrorBytes = 64 << 10

    /// A client with its own HTTP clients; call ``shutdown()`` when done.
    ///
    /// - Throws: ``PoolClientError/Code/configuration`` for a URL that is not `http(s)://host…`
    ///   or a CA certificate file that cannot be read.
    public static func make(_ configuration: Configuration, logger: Logger = Logger(label: "shoal.pool-client")) throws -> PoolClient {
        try Self.check(configuration)
        let tls = try tlsConfiguration(configuration)
        var api = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: configuration.connectTimeout),
            decompression: .disabled)
        var fetching = BlockFetcher.httpConfiguration(connectTimeout: configuration.connectTimeout)
        // A refused connection fails the call at once instead of being retried until the connect
        // timeout: callers that should wait (joins, reports, a client watching a job) retry with
        // their own backoff, and a block fetch falls back to the next provider sooner.
        api.connectionPool.retryConnectionEstablishment = false
        fetching.connectionPool.retryConnectionEstablishment = false
        api.tlsConfiguration = tls
        fetching.tlsConfiguration = tls
        return PoolClient(
            configuration: configuration,
            http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: api, backgroundActivityLogger: logger),
            blocks: HTTPClient(eventLoopGroupProvider: .singleton, configuration: fetching, backgroundActivityLogger: logger),
            logger: logger)
    }

    /// The TLS settings for `configuration`: the system roots, or only the given CA file.
    static func tlsConfiguration(_ configuration: Configuration) throws -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let path = configuration.caCertificate else { return configuration.usesTLS ? tls : nil }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw PoolClientError(.configuration, "cannot read the CA certificate \(path): \(error)")
        }
        guard !certificates.isEmpty else { throw PoolClientError(.configuration, "\(path) holds no PEM certificate") }
        tls.trustRoots = .certificates(certificates)
        return tls
    }

    /// Runs `body` with a new client and shuts it down afterwards, also when `body` throws.
    public static func with<T: Sendable>(
        _ configuration: Configuration, _ body: (PoolClient) async throws -> T
    ) async throws -> T {
        let client = try make(configuration)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    init(configuration: Configuration, http: HTTPClient, blocks: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.blocks = blocks
        self.logger = logger
    }

    /// Closes the connections. Clients made with ``authorized(by:)`` stop working too.
    public func shutdown() async throws {
        try? await blocks.shutdown()
        try await http.shutdown()
    }

    /// The same client sending `token` instead (sharing the connections).
    public func authorized(by token: String?) -> PoolClient {
        var configuration = configuration
        configuration.token = token
        return PoolClient(configuration: configuration, http: http, blocks: blocks, logger: logger)
    }

    static func check(_ configuration: Configuration) throws {
        guard let url = URL(string: configuration.url), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw PoolClientError(.configuration, "'\(configuration.url)' is not a requester URL (expected http://HOST:PORT or https://…)")
        }
        if configuration.caCertificate != nil, scheme != "https" {
            throw PoolClientError(.configuration, "a CA certificate was given, but \(configuration.url) does not use https")
        }
    }

    // MARK: Requests

    /// One path segment (an id) made safe for a URL path.
    static func segment(_ value: String) -> String {
        // Ids (did:key, execution and job ids) are plain ASCII: no character set is built for them.
        if value.utf8.allSatisfy(isPlainSegmentByte) { return value }
        return value.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? value
    }

    private static let segmentAllowed: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return allowed
    }()

    private static let queryAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return allowed
    }()

    /// Letters, digits and `-._~:` stay as they are in a path segment (and in a query value).
    private static func isPlainSegmentByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    /// A request for `path` with query items and the bearer token.
    func request(_ method: HTTPMethod, _ path: String, query: [(String, String)] = []) -> HTTPClientRequest {
        var url = configuration.url + path
        if !query.isEmpty {
            url += "?" + query.map { name, value in
                let encoded = value.utf8.allSatisfy(Self.isPlainSegmentByte)
                    ? value : value.addingPercentEncoding(withAllowedCharacters: Self.queryAllowed) ?? value
                return "\(name)=\(encoded)"
            }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token = configuration.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// Sends a request and returns the response when its status is 2xx.
    ///
    /// - Parameter timeout: the deadline for the response head and body (`nil`: none).
    func send(_ request: HTTPClientRequest, timeout: TimeAmount?) async throws -> HTTPClientResponse {
        let route = "\(request.method.rawValue) \(Self.routePath(request.url, base: configuration.url))"
        let response: HTTPClientResponse
        do {
            response = try await http.execute(
                request, deadline: timeout.map { .now() + $0 } ?? .distantFuture, logger: logger)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PoolClientError(.unreachable, "no answer from \(configuration.url): \(Self.describe(error))", route: route)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            throw await Self.error(from: response, route: route)
        }
        return response
    }

    /// The error an unsuccessful response carries: its JSON `error` (and diagnostics), else its
    /// first line of text, else the status's reason phrase.
    static func error(from response: HTTPClientResponse, route: String) async -> PoolClientError {
        let status = Int(response.status.code)
        let body = (try? await response.body.collect(upTo: maxErrorBytes)).map { Array($0.readableBytesView) } ?? []
        if let decoded = try? PoolAPI.decoder.decode(APIErrorBody.self, from: Data(body)) {
            return PoolClientError(
                code(forStatus: status), oneLine(decoded.error), status: status, route: route,
                diagnostics: decoded.diagnostics ?? [])
        }
        let text = oneLine(String(decoding: body, as: UTF8.self))
        return PoolClientError(
            code(forStatus: status), text.isEmpty ? response.status.reasonPhrase : text, status: status, route: route)
    }

    static func code(forStatus status: Int) -> PoolClientError.Code { PoolClientError.code(forStatus: status) }

    /// The first non-empty line of `text`, at most 300 characters.
    static func oneLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 300 ? String(trimmed.prefix(300)) + "…" : trimmed
    }

    /// The path of a request URL without the base and the query, for messages.
    static func routePath(_ url: String, base: String) -> String {
        let path = url.hasPrefix(base) ? String(url.dropFirst(base.count)) : url
        return path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
    }

    /// A short description of a transport error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded: return "the call took longer than allowed"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the connection was closed early"
            case .readTimeout: return "no bytes received in time"
            default: return "\(error)"
            }
        }
        if let error = error as? NIOSSLError { return "TLS: \(error)" }
        // `connection refused`, not NIO's `connection reset (error set): Connection refused (errno: 111)`.
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        return "\(error)"
    }

    // MARK: JSON

    /// Calls a route without a body and decodes its JSON answer.
    func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], timeout: TimeAmount? = nil,
        as: Answer.Type = Answer.self
    ) async throws -> Answer {
        let response = try await exchange(method, path, query: query, json: nil, timeout: timeout)
        return try await decode(Answer.self, from: response, route: "\(method.rawValue) \(path)")
    }

    /// Sends `body` as JSON and decodes the JSON answer.
    func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: some Encodable,
        timeout: TimeAmount? = nil, as: Answer.Type = Answer.self
    ) async throws -> Answer {
        let json = try encode(body, route: "\(method.rawValue) \(path)")
        let response = try await exchange(method, path, query: query, json: json, timeout: timeout)
        return try await decode(Answer.self, from: response, route: "\(method.rawValue) \(path)")
    }

    /// Encodes a request body with the shared encoder.
    func encode(_ body: some Encodable, route: String) throws -> Data {
        do {
            return try PoolAPI.encoder.encode(body)
        } catch {
            throw PoolClientError(.configuration, "cannot encode the request body: \(error)", route: route)
        }
    }

    /// Sends a request with an optional JSON body and returns the successful response.
    func exchange(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: Data?, timeout: TimeAmount? = nil
    ) async throws -> HTTPClientResponse {
        var request = request(method, path, query: query)
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: json))
        }
        return try await send(request, timeout: timeout ?? configuration.requestTimeout)
    }

    /// Decodes a JSON response body.
    func decode<Answer: Decodable>(_ type: Answer.Type, from response: HTTPClientResponse, route: String) async throws -> Answer {
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: Self.maxJSONBytes)
        } catch {
            throw PoolClientError(.badResponse, "cannot read the answer: \(Self.describe(error))", route: route)
        }
        do {
            return try PoolAPI.decoder.decode(Answer.self, from: Data(buffer.readableBytesView))
        } catch {
            throw PoolClientError(
                .badResponse, "the answer is not a \(Answer.self): \(Self.describe(decoding: error))",
                status: Int(response.status.code), route: route)
        }
    }

    /// A decoding error in one line, naming the field.
    static func describe(decoding error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let path = { (context: DecodingError.Context) in
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)' at '\(path(context))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "'\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Reads a whole (non-JSON) body.
    func bytes(of response: HTTPClientResponse, upTo limit: Int, route: String) async throws -> [UInt8] {
        do {
            return Array(try await response.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw PoolClientError(.badResponse, "cannot read the answer: \(Self.describe(error))", route: route)
        }
    }
}
