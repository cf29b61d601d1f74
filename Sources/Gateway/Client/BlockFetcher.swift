import AsyncHTTPClient
import BlockStore
import Dispatch
import IPLD
import Logging
import NIOCore

/// Fetches a DAG from trustless gateway providers into a ``BlockStore/Repo``, verifying every
/// block before it is stored.
///
/// How a fetch goes:
///
/// 1. **CAR.** When the root is not held yet, ask the first provider for
///    `/ipfs/{root}?format=car&dag-scope=all` (depth-first, no duplicates). Every section is
///    checked before it is stored: its CID passes the ``BlockVerifier`` (hash allowlist, digest
///    length), it is a block the DAG needs at that point (the root first, then only blocks
///    linked from blocks already received: a provider cannot fill the disk with junk), it is
///    within the block-size limit, and its bytes hash to its CID. A block that fails any check
///    is dropped with the provider; nothing unverified is ever written.
/// 2. **Fallback.** When a CAR fails before anything arrived (404, refused connection, bad
///    first block), the next provider is asked for the CAR. Once part of the DAG is stored, the
///    fetch keeps it and switches to walking the DAG in the store, asking for each missing
///    block alone (`?format=raw`) from the providers still in good standing, in order.
/// 3. **Pin.** With `pin`, the root is pinned recursively, which re-checks that the whole DAG
///    is present. Fetching and pinning are one ``BlockStore/RepoWriteSession``: gc cannot
///    delete a fetched block before the pin protects it.
///
/// A provider is dropped for a bad block, a broken or refused connection, a timeout or an
/// unexpected status; a provider whose CAR merely ended early (it lacks a block) or that lacks a
/// single block is kept for the blocks it may have. When no provider can supply a block, the
/// fetch fails with ``GatewayError/Code/fetchFailed`` listing every provider's failure; the
/// blocks already verified stay in the store (unpinned, so gc reclaims them unless a later fetch
/// completes the DAG), and no pin is created or changed.
///
/// ```swift
/// let client = HTTPClient(configuration: BlockFetcher.httpConfiguration())
/// let fetcher = BlockFetcher(repo: repo, client: client)
/// let summary = try await fetcher.fetch(input, from: [
///     GatewayProvider(url: "http://10.0.0.7:8081", token: poolToken, name: "w2"),
///     GatewayProvider(url: requesterURL, token: poolToken, name: "requester"),
/// ], pin: true)
/// print(summary.bytesFetched, summary.failures)
/// ```
public struct BlockFetcher: Sendable {
    /// Bounds on what a fetch accepts.
    public struct Limits: Sendable, Hashable {
        /// The most block bytes one fetch may receive in all (a guard against a DAG far larger
        /// than announced). Default 1 TiB.
        public var maxTotalBytes: Int
        /// Time allowed for one raw block request, body included.
        public var blockTimeout: TimeAmount
        /// Time allowed for one whole CAR response. Stalls are caught sooner by the client's
        /// read timeout (see ``BlockFetcher/httpConfiguration(connectTimeout:idleTimeout:)``).
        public var carTimeout: TimeAmount
        /// The largest CAR header accepted.
        public var maxCARHeaderBytes: Int

        public init(
            maxTotalBytes: Int = 1 << 40, blockTimeout: TimeAmount = .seconds(60), carTimeout: TimeAmount = .hours(6),
            maxCARHeaderBytes: Int = 64 * 1024
        ) {
            self.maxTotalBytes = maxTotalBytes
            self.blockTimeout = blockTimeout
            self.carTimeout = carTimeout
            self.maxCARHeaderBytes = maxCARHeaderBytes
        }
    }

    public let repo: Repo
    public let client: HTTPClient
    public var verifier: BlockVerifier
    public var limits: Limits
    public var logger: Logger

    public init(
        repo: Repo, client: HTTPClient, verifier: BlockVerifier = .standard, limits: Limits = Limits(),
        logger: Logger = Logger(label: "shoal.gateway.fetch")
    ) {
        self.repo = repo
        self.client = client
        self.verifier = verifier
        self.limits = limits
        self.logger = logger
    }

    /// A client configuration for fetching: a connect timeout, an idle timeout (the trustless
    /// gateway spec suggests giving up after 30 s without a new byte), no redirects (a
    /// provider is asked directly or not at all) and no decompression.
    public static func httpConfiguration(
        connectTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(30)
    ) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: idleTimeout),
            decompression: .disabled
        )
        configuration.httpVersion = .http1Only
        return configuration
    }

    /// Fetches the DAG under `root` into the store, trying `providers` in order.
    ///
    /// - Parameters:
    ///   - pin: pin `root` recursively once the DAG is complete (in the fetch's write session).
    ///   - pinName: a label for that pin.
    /// - Returns: what was fetched from whom, and the failures on the way.
    /// - Throws: ``GatewayError/Code/fetchFailed`` (with ``GatewayError/failures``) when no
    ///   provider could supply a block; ``GatewayError/Code/badBlock`` when `root` itself uses
    ///   a hash that cannot be verified; ``GatewayError/Code/tooLarge`` past
    ///   ``Limits/maxTotalBytes``; ``GatewayError/Code/undecodable`` for a verified block whose
    ///   links cannot be read; a ``BlockStore/BlockStoreError`` when the store fails.
    public func fetch(_ root: CID, from providers: [GatewayProvider], pin: Bool = false, pinName: String? = nil) async throws -> FetchSummary {
        try verifier.check(root)
        let session = try await Self.offload { [repo] in try repo.beginWriteSession() }
        defer { session.abandon() }
        let run = FetchRun(root: root, providers: providers, fetcher: self, writer: session.writer)
        try await run.fetch()
        if pin {
            _ = try await Self.offload { try session.writer.pin(root, name: pinName) }
            run.summary.pinned = true
        }
        try session.end()
        return run.summary
    }

    /// Runs blocking store work (taking the repository lock, pinning) off the cooperative pool.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
