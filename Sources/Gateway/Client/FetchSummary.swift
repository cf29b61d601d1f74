import IPLD

/// What a ``BlockFetcher/fetch(_:from:pin:pinName:)`` did: blocks and bytes, per provider too,
/// and what went wrong on the way (a fetch can succeed after some providers failed).
public struct FetchSummary: Sendable, Hashable, Encodable {
    public let root: CID
    /// Verified blocks received from providers (duplicates included).
    public internal(set) var blocksFetched = 0
    /// Block bytes received from providers (CAR framing not counted).
    public internal(set) var bytesFetched = 0
    /// Block files newly written to the store.
    public internal(set) var newBlocks = 0
    /// Blocks of the DAG found in the store without asking anyone.
    public internal(set) var blocksAlreadyHeld = 0
    /// Each provider that was asked, in the order given.
    public internal(set) var providers: [ProviderReport]
    /// Every failure on the way, in order (empty when the first provider delivered everything).
    public internal(set) var failures: [ProviderFailure] = []
    /// Whether the root is now pinned recursively.
    public internal(set) var pinned = false

    init(root: CID, providers: [GatewayProvider]) {
        self.root = root
        self.providers = providers.map { ProviderReport(provider: $0.description) }
    }
}

/// What one provider delivered during a fetch.
public struct ProviderReport: Sendable, Hashable, Encodable {
    /// The provider's label (never its token).
    public let provider: String
    /// HTTP requests sent to it.
    public internal(set) var requests = 0
    /// Verified blocks it sent.
    public internal(set) var blocks = 0
    /// Block bytes it sent.
    public internal(set) var bytes = 0
    /// Why the fetch stopped asking it, when it did.
    public internal(set) var dropped: ProviderFailure?

    init(provider: String) {
        self.provider = provider
    }
}
