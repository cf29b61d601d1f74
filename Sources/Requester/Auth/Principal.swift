import PoolAPI

/// Who sent a request: the role of its bearer token and, for a node credential, the node.
public struct Principal: Sendable, Hashable {
    /// The token's id.
    public var tokenID: String?
    public var role: TokenRole
    /// The node a node credential speaks for.
    public var node: String?

    public init(tokenID: String?, role: TokenRole, node: String? = nil) {
        self.tokenID = tokenID
        self.role = role
        self.node = node
    }
}

/// What the authentication middleware found in a request's `Authorization` header.
enum Authentication: Sendable, Hashable {
    /// No bearer token.
    case missing
    /// A bearer token that is unknown or malformed (or an old node credential a rejoin replaced).
    case invalid
    /// A genuine token, revoked (with its role, to say why).
    case revoked(TokenRole)
    case valid(Principal)

    /// The principal, if its role is one of `roles` (admin may do everything but act as a node);
    /// throws 401 without a valid token and 403 for another role.
    func require(_ roles: Set<TokenRole>) throws -> Principal {
        switch self {
        case .missing:
            throw RequesterError(.unauthorized, "this route needs an Authorization: Bearer token")
        case .invalid:
            throw RequesterError(.unauthorized, "the bearer token is not valid (unknown or revoked)")
        case .revoked(let role) where role == .node:
            throw RequesterError(.unauthorized,
                "this node credential was revoked (with the worker token the node joined with): join again with a valid worker token")
        case .revoked(let role):
            throw RequesterError(.unauthorized, "the bearer token was revoked (a \(role.rawValue) token)")
        case .valid(let principal):
            guard roles.contains(principal.role) else {
                let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
                throw RequesterError(.forbidden, "a \(principal.role.rawValue) token may not do this (needs \(allowed))")
            }
            return principal
        }
    }

    /// The principal of a node credential bound to `node` (403 for any other token or node).
    func requireNode(_ node: String) throws -> Principal {
        let principal = try require([.node])
        guard principal.node == node else {
            throw RequesterError(.forbidden, "this credential belongs to another node")
        }
        return principal
    }
}
