import Foundation
import HTTPTypes
import Hummingbird
import PoolAPI

/// An error the requester answers a request with: a status and one line, plus the spec's
/// diagnostics for a rejected job.
///
/// Every route throws these for what the caller got wrong (bad body, unknown job, wrong role,
/// a report that lost its lease); the body is ``PoolAPI/APIErrorBody`` as JSON and never holds
/// a token, a stack trace or SQL. Any other error reaching the router becomes a logged 500.
public struct RequesterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; each maps to one HTTP status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        let status: Int
        private init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }
        public var description: String { name }

        /// A malformed body, parameter or CID, or a spec that does not validate (400).
        public static let badRequest = Code("bad request", 400)
        /// No bearer token, or one that is unknown or revoked (401).
        public static let unauthorized = Code("unauthorized", 401)
        /// The token's role (or node) may not do this (403).
        public static let forbidden = Code("forbidden", 403)
        /// No such job, task, node, execution or token (404).
        public static let notFound = Code("not found", 404)
        /// The request conflicts with the current state (a report after the lease was lost) (409).
        public static let conflict = Code("conflict", 409)
        /// The request is well formed but needs something the requester lacks, which the caller
        /// can send first (a success report whose step block was not uploaded) (422).
        public static let unprocessable = Code("unprocessable", 422)
        /// The body is over its size limit (413).
        public static let tooLarge = Code("too large", 413)
        /// The caller asked for too much at once (a token holding too many join challenges) (429).
        public static let tooManyRequests = Code("too many requests", 429)
        /// The requester is shutting down (503).
        public static let unavailable = Code("unavailable", 503)
        /// Something failed on the requester's side (500).
        public static let internalError = Code("internal error", 500)
    }

    public let code: Code
    public let message: String
    /// For a rejected spec: every problem with its location.
    public let diagnostics: [APIErrorBody.Diagnostic]

    public init(_ code: Code, _ message: String, diagnostics: [APIErrorBody.Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    /// The HTTP status code.
    public var statusCode: Int { code.status }

    public var description: String { "\(code): \(message)" }
}

extension RequesterError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(error: message, diagnostics: diagnostics.isEmpty ? nil : diagnostics)
        var response = try JSONResponse.make(body, status: status)
        if code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}
