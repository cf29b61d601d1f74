import PoolAPI

extension PoolClient {
    /// `POST /api/v1/tokens` (admin): a new token; its secret is in this answer only.
    public func createToken(role: TokenRole, note: String? = nil) async throws -> TokenCreated {
        try await call(.POST, PoolAPI.Path.tokens, body: TokenRequest(role: role, note: note))
    }

    /// `GET /api/v1/tokens` (admin): every token, never a secret.
    public func tokens() async throws -> [TokenInfo] {
        try await call(.GET, PoolAPI.Path.tokens)
    }

    /// `DELETE /api/v1/tokens/{token}` (admin): revokes a token by its id.
    public func revokeToken(_ id: String) async throws -> TokenInfo {
        try await call(.DELETE, PoolAPI.Path.token(Self.segment(id)))
    }
}
