import PoolAPI

/// Why a call to the requester failed: the status it answered with and its one-line reason, or
/// why no answer came at all.
///
/// The description is one line that names the route and carries the server's
/// ``PoolAPI/APIErrorBody/error`` (`POST /api/v1/jobs: 400 bad request: invalid spec (2 problems)`);
/// a rejected spec's problems are in ``diagnostics``, one per line when printed. Tokens never
/// appear in messages.
public struct PoolClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// 400: the request was malformed or the spec invalid (see ``PoolClientError/diagnostics``).
        public static let badRequest = Code("bad request")
        /// 401: no token, or one the requester does not accept.
        public static let unauthorized = Code("unauthorized")
        /// 403: the token's role may not do this.
        public static let forbidden = Code("forbidden")
        /// 404: no such job, node, execution or token (for a heartbeat: the node must join again).
        public static let notFound = Code("not found")
        /// 409: conflicts with the current state (a report after the lease was lost).
        public static let conflict = Code("conflict")
        /// 413: the body is over the requester's size limit.
        public static let tooLarge = Code("too large")
        /// 429: asked too often (a token holding too many unanswered join challenges); retrying
        /// later helps.
        public static let tooManyRequests = Code("too many requests")
        /// Another 4xx status.
        public static let rejected = Code("rejected")
        /// A 5xx status: the requester failed; retrying may help.
        public static let serverError = Code("server error")
        /// No answer: connection refused or reset, DNS, TLS handshake, or the deadline passed.
        public static let unreachable = Code("unreachable")
        /// An answer that is not what the contract says (undecodable JSON, an unexpected status).
        public static let badResponse = Code("bad response")
        /// The client cannot be set up: a malformed URL, an unreadable CA certificate.
        public static let configuration = Code("configuration")
    }

    public let code: Code
    /// The one-line reason: the server's `error` text, or what went wrong on the way.
    public let message: String
    /// The HTTP status, when the requester answered.
    public let status: Int?
    /// `METHOD /path` of the call (no query, no token).
    public let route: String?
    /// The problems of a rejected spec, each with its location.
    public let diagnostics: [APIErrorBody.Diagnostic]

    public init(
        _ code: Code, _ message: String, status: Int? = nil, route: String? = nil,
        diagnostics: [APIErrorBody.Diagnostic] = []
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.route = route
        self.diagnostics = diagnostics
    }

    /// The error a response status maps to.
    static func code(forStatus status: Int) -> Code {
        switch status {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 413: .tooLarge
        case 429: .tooManyRequests
        case 500...: .serverError
        default: .rejected
        }
    }

    /// Whether trying again later may succeed (no answer, a server error, or a 429).
    public var isTransient: Bool { code == .unreachable || code == .serverError || code == .tooManyRequests }

    public var description: String {
        var text = route.map { "\($0): " } ?? ""
        if let status { text += "\(status) " }
        text += "\(code): \(message)"
        if !diagnostics.isEmpty, !message.contains("problem") {
            text += " (\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s"))"
        }
        return text
    }

    /// Each diagnostic as one line, `file:line:column: path: message`.
    public var diagnosticLines: [String] {
        diagnostics.map { diagnostic in
            var line = ""
            if let location = diagnostic.location { line += "\(location.file):\(location.line):\(location.column): " }
            if !diagnostic.path.isEmpty { line += "\(diagnostic.path): " }
            return line + diagnostic.message
        }
    }
}
