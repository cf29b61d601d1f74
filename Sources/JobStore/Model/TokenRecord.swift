import Foundation

/// A bearer token of the pool, as stored: never its secret, only the secret's SHA-256.
///
/// Tokens are written `shoal_<id>_<secret>`; the id finds the record and the secret's hash is
/// compared in constant time with ``secretHash`` (done by the requester, which also makes the
/// secrets). A node credential is bound to one node (``node``).
public struct TokenRecord: Sendable, Hashable {
    public var id: String
    /// SHA-256 of the secret part.
    public var secretHash: [UInt8]
    /// `client`, `worker`, `admin` or `node`.
    public var role: String
    public var note: String?
    /// For a node credential, the node (did:key) it speaks for.
    public var node: String?
    /// For a node credential, the id of the token its node joined with: revoking that token
    /// revokes the credential.
    public var issuedBy: String?
    public var created: Date
    /// When it was revoked; a revoked token grants nothing.
    public var revoked: Date?

    public init(
        id: String, secretHash: [UInt8], role: String, note: String? = nil, node: String? = nil, issuedBy: String? = nil,
        created: Date = Date(), revoked: Date? = nil
    ) {
        self.id = id
        self.secretHash = secretHash
        self.role = role
        self.note = note
        self.node = node
        self.issuedBy = issuedBy
        self.created = created
        self.revoked = revoked
    }

    public var isRevoked: Bool { revoked != nil }
}
