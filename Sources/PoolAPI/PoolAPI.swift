/// The wire form of the pool's HTTP API: every request and response body of `Specs/openapi.yaml`.
///
/// The requester (server side) and the worker agent and `shoal` client (client side) encode and
/// decode the same types, so the two sides cannot drift apart. Bodies are JSON with ISO 8601
/// dates (``PoolAPI/encoder``/``PoolAPI/decoder``); CIDs travel in their text form.
import Foundation

public enum PoolAPI {
    /// The API version prefix of every requester route.
    public static let prefix = "/api/v1"

    /// The most events `GET /api/v1/jobs/{job}/events` answers at once (and its default `limit`):
    /// a long job's log is read in pages with `after`.
    public static let maxEventPage = 1000

    /// The JSON encoder both sides use (ISO 8601 dates, sorted keys for stable bodies).
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The JSON decoder both sides use.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Paths of the requester's routes, so the server and the client name them once.
    public enum Path {
        public static let health = "/healthz"
        public static let metrics = "/metrics"
        public static let jobs = prefix + "/jobs"
        public static func job(_ id: String) -> String { jobs + "/" + id }
        public static func cancel(_ id: String) -> String { job(id) + "/cancel" }
        public static func events(_ id: String) -> String { job(id) + "/events" }
        public static func logs(_ id: String) -> String { job(id) + "/logs" }
        public static let nodes = prefix + "/nodes"
        public static let join = nodes + "/join"
        /// Where a joining node gets the nonce it signs (``JoinChallenge``).
        public static let challenge = nodes + "/challenge"
        public static func heartbeat(_ node: String) -> String { nodes + "/" + node + "/heartbeat" }
        public static func claim(_ node: String) -> String { nodes + "/" + node + "/claim" }
        public static func leave(_ node: String) -> String { nodes + "/" + node + "/leave" }
        public static func report(_ execution: String) -> String { prefix + "/executions/" + execution + "/report" }
        public static func executionLogs(_ execution: String) -> String { prefix + "/executions/" + execution + "/logs" }
        public static func lineage(_ cid: String) -> String { prefix + "/lineage/" + cid }
        public static func verify(_ cid: String) -> String { prefix + "/verify/" + cid }
        public static let blocks = prefix + "/blocks"
        public static let tokens = prefix + "/tokens"
        public static func token(_ id: String) -> String { tokens + "/" + id }
        /// The trustless gateway path of a CID (every node serves it).
        public static func ipfs(_ cid: String) -> String { "/ipfs/" + cid }
    }
}

/// The body of every error response: one line, plus the spec diagnostics for a rejected job.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public struct Diagnostic: Codable, Sendable, Hashable {
        public struct Location: Codable, Sendable, Hashable {
            public var file: String
            public var line: Int
            public var column: Int
            public init(file: String, line: Int, column: Int) {
                self.file = file
                self.line = line
                self.column = column
            }
        }
        public var location: Location?
        public var path: String
        public var message: String
        public init(location: Location?, path: String, message: String) {
            self.location = location
            self.path = path
            self.message = message
        }
    }

    public var error: String
    public var diagnostics: [Diagnostic]?

    public init(error: String, diagnostics: [Diagnostic]? = nil) {
        self.error = error
        self.diagnostics = diagnostics
    }
}

/// `GET /healthz`.
public struct Health: Codable, Sendable, Hashable {
    public var status: String
    public var version: String
    /// The did:key of the node answering.
    public var node: String?
    public init(status: String = "ok", version: String, node: String?) {
        self.status = status
        self.version = version
        self.node = node
    }
}

/// `POST /api/v1/blocks`: what an uploaded CAR stored.
public struct BlockUpload: Codable, Sendable, Hashable {
    public var roots: [String]
    public var blocks: Int
    public var newBlocks: Int
    public init(roots: [String], blocks: Int, newBlocks: Int) {
        self.roots = roots
        self.blocks = blocks
        self.newBlocks = newBlocks
    }
}
