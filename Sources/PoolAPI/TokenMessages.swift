import Foundation

/// What a bearer token may do.
public enum TokenRole: String, Codable, Sendable, Hashable, CaseIterable {
    /// Submit and watch jobs, list nodes, read lineage, upload blocks.
    case client
    /// Join the pool as a worker (exchanged for a node credential).
    case worker
    /// Everything, plus managing tokens.
    case admin
    /// A joined node's credential (heartbeats, claims, reports, provenance uploads).
    case node
}

/// `POST /api/v1/tokens`.
public struct TokenRequest: Codable, Sendable, Hashable {
    public var role: TokenRole
    public var note: String?
    public init(role: TokenRole, note: String? = nil) {
        self.role = role
        self.note = note
    }
}

/// A created token: the secret is shown only in this answer.
public struct TokenCreated: Codable, Sendable, Hashable {
    public var id: String
    public var role: TokenRole
    public var token: String
    public init(id: String, role: TokenRole, token: String) {
        self.id = id
        self.role = role
        self.token = token
    }
}

/// A token as listed (never its secret).
public struct TokenInfo: Codable, Sendable, Hashable {
    public var id: String
    public var role: TokenRole
    public var note: String?
    public var created: Date
    public var revoked: Date?
    public init(id: String, role: TokenRole, note: String? = nil, created: Date, revoked: Date? = nil) {
        self.id = id
        self.role = role
        self.note = note
        self.created = created
        self.revoked = revoked
    }
}
