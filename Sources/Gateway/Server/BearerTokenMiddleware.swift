import Hummingbird

/// Decides whether a bearer token grants access: the seam where the pool's token store plugs in.
///
/// ``SharedTokenVerifier`` accepts one shared secret; the requester will supply a verifier that
/// looks hashed tokens up in its store (and checks their role).
public protocol BearerTokenVerifier: Sendable {
    /// Whether `token` (the text after `Bearer `) is valid.
    func isValid(_ token: String) async -> Bool
}

/// Accepts exactly one token, compared in constant time.
public struct SharedTokenVerifier: BearerTokenVerifier {
    private let token: [UInt8]

    public init(_ token: String) {
        self.token = Array(token.utf8)
    }

    public func isValid(_ candidate: String) async -> Bool {
        let candidate = Array(candidate.utf8)
        // Every byte is compared, whatever the first difference, so the time taken does not
        // tell an attacker how much of a guess was right.
        var difference = UInt8(truncatingIfNeeded: candidate.count ^ token.count)
        for index in token.indices {
            difference |= token[index] ^ (index < candidate.count ? candidate[index] : 0)
        }
        return difference == 0 && !token.isEmpty
    }
}

/// Refuses requests without a valid `Authorization: Bearer <token>` header with 401.
///
/// Add it to a router group before ``GatewayRoutes/register(on:)``; routes added to the group
/// afterwards sit behind it. The 401 body is one line and never echoes the token.
///
/// ```swift
/// let peers = router.group().add(middleware: BearerTokenMiddleware(verifier: SharedTokenVerifier(poolToken)))
/// GatewayRoutes(source: repo).register(on: peers)
/// ```
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    public let verifier: any BearerTokenVerifier

    public init(verifier: any BearerTokenVerifier) {
        self.verifier = verifier
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            throw GatewayError(.unauthorized, "this gateway needs an Authorization: Bearer token")
        }
        guard await verifier.isValid(token) else {
            throw GatewayError(.unauthorized, "the bearer token is not valid here")
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingSpaces
        return token.isEmpty ? nil : token
    }
}
