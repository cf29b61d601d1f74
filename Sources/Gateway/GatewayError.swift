import HTTPTypes
import Hummingbird

/// An error raised by the trustless gateway: a request it refuses, or a fetch that failed.
///
/// Every error carries a ``Code`` that callers can match on and a one-line message that names
/// what it is about (a CID, a provider, a limit). Errors that answer an HTTP request carry the
/// status they are sent with (`Hummingbird`'s `HTTPResponseError`): the body is the one-line
/// message and nothing else, so an error never leaks a token or a stack trace. A fetch that
/// failed on every provider lists each provider's failure in ``failures``.
///
/// ```swift
/// do { try await fetcher.fetch(root, from: providers) }
/// catch let error as GatewayError where error.code == .fetchFailed {
///     for failure in error.failures { print(failure) }
/// }
/// ```
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        // Server side: answered with an HTTP status.

        /// The path does not start with a valid CID, or a parameter is malformed (400).
        public static let badRequest = Code("bad request")
        /// The request asks for a response this trustless gateway does not give (406).
        public static let notAcceptable = Code("not acceptable")
        /// The block is not served here: not held, or withheld by the access policy (404).
        public static let notFound = Code("not found")
        /// `Cache-Control: only-if-cached` and the root block is not held (412).
        public static let notCached = Code("not cached")
        /// No credentials, or wrong ones (401).
        public static let unauthorized = Code("unauthorized")
        /// A stored block does not match its CID, or the store failed (500).
        public static let storage = Code("storage error")

        // Client side.

        /// A provider sent a block that does not match its CID, a block nobody asked for, a
        /// CID whose hash function is not allowed, or a malformed CAR.
        public static let badBlock = Code("bad block")
        /// A block or response exceeds a limit (block size, total bytes).
        public static let tooLarge = Code("too large")
        /// A provider cannot be reached, timed out, or answered with an unexpected status.
        public static let unavailable = Code("provider unavailable")
        /// A provider does not have a block.
        public static let missingBlock = Code("missing block")
        /// The stream from a provider ended before the DAG was complete.
        public static let truncated = Code("truncated")
        /// No provider could supply the whole DAG (see ``GatewayError/failures``).
        public static let fetchFailed = Code("fetch failed")
        /// A verified block cannot be decoded to find its links.
        public static let undecodable = Code("undecodable block")
    }

    public let code: Code
    public let message: String
    /// For ``Code/fetchFailed``: what went wrong with each provider, in the order they were tried.
    public let failures: [ProviderFailure]

    public init(_ code: Code, _ message: String, failures: [ProviderFailure] = []) {
        self.code = code
        self.message = message
        self.failures = failures
    }

    public var description: String { "\(code): \(message)" }
}

extension GatewayError: HTTPResponseError {
    /// The HTTP status a server-side error is answered with (client-side codes map to 500).
    public var status: HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .notAcceptable: .notAcceptable
        case .notFound: .notFound
        case .notCached: .preconditionFailed
        case .unauthorized: .unauthorized
        default: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .xContentTypeOptions: "nosniff"]
        if code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let body = ByteBuffer(string: message + "\n")
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

/// Why one provider could not supply what a fetch needed.
public struct ProviderFailure: Sendable, Hashable, CustomStringConvertible, Encodable {
    /// The provider's label (its name, else its base URL; never its token).
    public let provider: String
    public let code: GatewayError.Code
    public let message: String

    public init(provider: String, code: GatewayError.Code, message: String) {
        self.provider = provider
        self.code = code
        self.message = message
    }

    public var description: String { "\(provider): \(code): \(message)" }

    private enum CodingKeys: String, CodingKey { case provider, code, message }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(code.description, forKey: .code)
        try container.encode(message, forKey: .message)
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xIpfsPath = HTTPField.Name("X-Ipfs-Path")!
    static let xIpfsRoots = HTTPField.Name("X-Ipfs-Roots")!
}
