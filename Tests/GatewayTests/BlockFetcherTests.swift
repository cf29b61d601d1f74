import AsyncHTTPClient
import BlockStore
import Hummingbird
import IPLD
import ShoalTesting
import Testing

@testable import Gateway

/// The fetcher against real servers on loopback: honest gateways over a repository, and
/// hostile providers that corrupt, truncate or pad what they send.
@Suite struct BlockFetcherTests {
    /// A source repository holding a UnixFS file, and a fresh destination repository.
    struct Setup {
        let source: GatewayFixture
        let destination: GatewayFixture
        let root: CID
        let bytes: [UInt8]
        let blocks: [Block]

        init(_ label: String, size: Int = 64 * 1024, chunk: Int = 1024, maxLinks: Int = 8) throws {
            source = try GatewayFixture(label + "-source")
            destination = try GatewayFixture(label + "-destination")
            (root, bytes) = try source.addFile(seed: 42, size: size, chunk: chunk, maxLinks: maxLinks)
            blocks = try source.blocksInOrder(root)
        }

        /// The router of an honest gateway over the source repository.
        func honest() -> Router<BasicRequestContext> { GatewayRoutesTests.router(source.repo) }

        func hostile(_ behaviour: HostileProvider.Behaviour) -> Router<BasicRequestContext> {
            HostileProvider(root: root, blocks: blocks, behaviour: behaviour).router()
        }

        /// Every block in the destination verifies, and nothing is pinned.
        func destinationIsUnharmed() throws {
            #expect(try destination.repo.verify().isHealthy)
            #expect(try destination.repo.pins().isEmpty)
            for multihash in try destination.repo.blocks.allMultihashes() {
                let block = blocks.first { $0.cid.multihash == multihash }
                #expect(block != nil, "the destination stores a block that is not part of the DAG")
            }
        }
    }

    static func fetcher(_ repo: Repo, _ client: HTTPClient, limits: BlockFetcher.Limits = .init()) -> BlockFetcher {
        BlockFetcher(repo: repo, client: client, limits: limits)
    }

    /// Runs two servers at once.
    static func withServers<T: Sendable>(
        _ first: Router<BasicRequestContext>, _ second: Router<BasicRequestContext>,
        _ body: @Sendable @escaping (String, String) async throws -> T
    ) async throws -> T {
        try await GatewayTests.withServers([first, second]) { urls in try await body(urls[0], urls[1]) }
    }

    // MARK: Happy paths

    @Test func aCARFetchReproducesTheDAGAndTheFileExportsToTheOriginalBytes() async throws {
        let setup = try Setup("fetch-car")
        let summary = try await withServer(setup.honest()) { url in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [GatewayProvider(url: url, name: "w1")], pin: true)
            }
        }
        #expect(summary.pinned)
        #expect(summary.failures.isEmpty)
        #expect(summary.blocksFetched == setup.blocks.count)
        #expect(summary.newBlocks == setup.blocks.count)
        #expect(summary.bytesFetched == setup.blocks.map(\.bytes.count).reduce(0, +))
        #expect(summary.providers.map(\.provider) == ["w1"])
        #expect(summary.providers[0].requests == 1)  // one CAR, no per-block requests
        #expect(summary.providers[0].blocks == setup.blocks.count)
        #expect(try setup.destination.exportedCAR(setup.root) == setup.source.exportedCAR(setup.root))
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
        #expect(try setup.destination.repo.pins().map(\.cid) == [setup.root])
        #expect(try setup.destination.repo.verify().isHealthy)
    }

    @Test func aDAGAlreadyHeldIsNotFetchedAgain() async throws {
        let setup = try Setup("fetch-held")
        try setup.destination.put(setup.blocks)
        let summary = try await withClient { client in
            // No provider at all: everything is local.
            try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [], pin: true)
        }
        #expect(summary.blocksFetched == 0)
        #expect(summary.blocksAlreadyHeld == setup.blocks.count)
        #expect(summary.pinned)
    }

    @Test func aPartlyHeldDAGFetchesOnlyTheMissingBlocksAsRaw() async throws {
        let setup = try Setup("fetch-partial")
        // The root and the first half of the blocks are here already.
        try setup.destination.put(Array(setup.blocks.prefix(setup.blocks.count / 2)))
        let missing = setup.blocks.count - setup.blocks.count / 2
        let summary = try await withServer(setup.honest()) { url in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [GatewayProvider(url: url)])
            }
        }
        #expect(summary.blocksFetched == missing)
        #expect(summary.providers[0].requests == missing)
        #expect(!summary.pinned)
        #expect(try setup.destination.repo.pins().isEmpty)
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
    }

    @Test func theBearerTokenIsSent() async throws {
        let setup = try Setup("fetch-token", size: 4096)
        let router = Router()
        let protected = router.group().add(middleware: BearerTokenMiddleware(verifier: SharedTokenVerifier("s3cret")))
        GatewayRoutes(source: setup.source.repo).register(on: protected)
        try await withServer(router) { url in
            try await withClient { client in
                let fetcher = Self.fetcher(setup.destination.repo, client)
                let refused = GatewayProvider(url: url, token: "wrong", name: "w1")
                let error = await #expect(throws: GatewayError.self) { try await fetcher.fetch(setup.root, from: [refused]) }
                #expect(error?.code == .fetchFailed)
                #expect(error?.failures.first?.message.contains("401") == true)
                #expect(error.map { !"\($0)".contains("wrong") } == true, "the token must not appear in errors")
                let summary = try await fetcher.fetch(setup.root, from: [GatewayProvider(url: url, token: "s3cret")])
                #expect(summary.failures.isEmpty)
            }
        }
    }

    // MARK: Bad providers

    @Test func aCorruptBlockIsRejectedAndTheNextProviderCompletesTheDAG() async throws {
        let setup = try Setup("fetch-corrupt")
        let victim = setup.blocks[setup.blocks.count / 2]
        let summary = try await Self.withServers(setup.hostile(.corrupt(victim.cid)), setup.honest()) { bad, good in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [
                    GatewayProvider(url: bad, name: "bad"), GatewayProvider(url: good, name: "good"),
                ], pin: true)
            }
        }
        #expect(summary.pinned)
        #expect(summary.failures.count == 1)
        #expect(summary.failures.first?.provider == "bad")
        #expect(summary.failures.first?.code == .badBlock)
        #expect(summary.failures.first?.message.contains("\(victim.cid) does not match its hash") == true)
        #expect(summary.providers[0].dropped?.code == .badBlock)
        // The bad provider's good blocks before the corrupt one were kept: the good one sent the rest.
        let before = setup.blocks.count / 2
        #expect(summary.providers[0].blocks == before)
        #expect(summary.providers[1].blocks == setup.blocks.count - before)
        #expect(summary.providers[1].requests == setup.blocks.count - before)  // raw, block by block
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
        #expect(try setup.destination.repo.verify().isHealthy)
    }

    @Test(arguments: [
        HostileProvider.Behaviour.cutCAR(afterSections: 5),
        .cutCARInsideSection(5),
    ])
    func aTruncatedCARFallsBackToTheNextProvider(_ behaviour: HostileProvider.Behaviour) async throws {
        let setup = try Setup("fetch-truncated")
        let summary = try await Self.withServers(setup.hostile(behaviour), setup.honest()) { bad, good in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [
                    GatewayProvider(url: bad, name: "bad"), GatewayProvider(url: good, name: "good"),
                ], pin: true)
            }
        }
        #expect(summary.pinned)
        #expect(summary.failures.map(\.code) == [.truncated])
        #expect(summary.providers[0].blocks == 5)
        #expect(summary.providers[0].dropped == nil)  // only demoted: it may have other blocks
        #expect(summary.providers[1].blocks == setup.blocks.count - 5)
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
    }

    @Test func aGatewayMissingABlockEndsItsStreamAndAnotherSuppliesIt() async throws {
        let setup = try Setup("fetch-gap")
        // A real gateway over a copy of the DAG without one leaf: its stream breaks off there.
        let partial = MemoryBlockstore()
        let gap = setup.blocks[10]
        for block in setup.blocks where block.cid != gap.cid { try partial.put(block) }
        let summary = try await Self.withServers(GatewayRoutesTests.router(partial), setup.honest()) { first, second in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [
                    GatewayProvider(url: first, name: "partial"), GatewayProvider(url: second, name: "full"),
                ], pin: true)
            }
        }
        #expect(summary.pinned)
        #expect(summary.providers[0].blocks == 10)
        // "partial" was demoted when its stream broke, so the walk asks "full" first for each missing block.
        #expect(summary.providers[1].blocks == setup.blocks.count - 10)
        #expect(summary.failures.map(\.code) == [.truncated])
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
    }

    @Test func aProviderWithoutTheDAGIsSkipped() async throws {
        let setup = try Setup("fetch-404")
        let summary = try await Self.withServers(GatewayRoutesTests.router(MemoryBlockstore()), setup.honest()) { empty, full in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [
                    GatewayProvider(url: empty, name: "empty"), GatewayProvider(url: full, name: "full"),
                ])
            }
        }
        #expect(summary.failures.map(\.code) == [.missingBlock])
        #expect(summary.providers[1].requests == 1)  // the second provider's CAR had it all
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
    }

    @Test(arguments: [
        (HostileProvider.Behaviour.injectBlock(TestBlocks.raw(seed: 31337, size: 500)), GatewayError.Code.badBlock),
        (.wrongRoot(TestBlocks.raw(seed: 1).cid), .badBlock),
        (.wrongContentType, .badBlock),
        (.status(500), .unavailable),
        (.status(401), .unavailable),
    ])
    func aMisbehavingProviderIsDroppedAndTheNextOneUsed(_ behaviour: HostileProvider.Behaviour, code: GatewayError.Code) async throws {
        let setup = try Setup("fetch-misbehaving", size: 16 * 1024)
        let summary = try await Self.withServers(setup.hostile(behaviour), setup.honest()) { bad, good in
            try await withClient { client in
                try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [
                    GatewayProvider(url: bad, name: "bad"), GatewayProvider(url: good, name: "good"),
                ])
            }
        }
        #expect(summary.failures.map(\.code) == [code])
        #expect(summary.providers[0].dropped?.code == code)
        #expect(try setup.destination.repo.unixfs.bytes(setup.root) == setup.bytes)
        // The injected block was never stored.
        if case .injectBlock(let extra) = behaviour { #expect(try !setup.destination.repo.has(extra.cid)) }
    }

    @Test func whenEveryProviderFailsTheErrorListsEachAndTheStoreIsUnharmed() async throws {
        let setup = try Setup("fetch-all-bad")
        let victim = setup.blocks[3]
        let refused = GatewayProvider(url: "http://127.0.0.1:9", name: "nobody")  // discard port: connection refused
        let error = try await Self.withServers(setup.hostile(.corrupt(victim.cid)), GatewayRoutesTests.router(MemoryBlockstore())) { corrupt, empty in
            try await withClient { client in
                let fetcher = Self.fetcher(setup.destination.repo, client)
                return await #expect(throws: GatewayError.self) {
                    try await fetcher.fetch(setup.root, from: [
                        refused, GatewayProvider(url: corrupt, name: "corrupt"), GatewayProvider(url: empty, name: "empty"),
                    ], pin: true)
                }
            }
        }
        // "nobody" cannot be reached; "corrupt" sends three good blocks, then a bad one; the walk
        // then asks "empty" for that block, which it does not have.
        #expect(error?.code == .fetchFailed)
        #expect(error?.failures.map(\.provider) == ["nobody", "corrupt", "empty"])
        #expect(error?.failures.map(\.code) == [.unavailable, .badBlock, .missingBlock])
        // The walk stops at the first block nobody could supply (the corrupt leaf, or an inner
        // node that "corrupt" never got to send).
        #expect(error?.description.contains("no provider supplied block") == true)
        try setup.destinationIsUnharmed()
        #expect(try setup.destination.repo.statistics().blocks == 3)  // the verified blocks stay, unpinned
    }

    @Test func aCancelledFetchStopsWithoutPinning() async throws {
        let setup = try Setup("fetch-cancel", size: 4096)
        let result = try await withServer(setup.hostile(.stall)) { url in
            try await withClient { client in
                let fetcher = Self.fetcher(setup.destination.repo, client)
                let task = Task { try await fetcher.fetch(setup.root, from: [GatewayProvider(url: url), GatewayProvider(url: url)], pin: true) }
                try await Task.sleep(for: .milliseconds(300))
                task.cancel()
                return await task.result
            }
        }
        // Not a provider failure: the fetch stops rather than moving on to the next provider.
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(try setup.destination.repo.pins().isEmpty)
    }

    // MARK: Limits

    @Test func aRawBlockOverTheSizeLimitIsRefused() async throws {
        let setup = try Setup("fetch-oversized", size: 8 * 1024)
        try setup.destination.put([setup.blocks[0]])  // only the root: the rest comes as raw blocks
        let error = try await withServer(setup.hostile(.oversizedRaw(extra: 3 << 20))) { url in
            try await withClient { client in
                await #expect(throws: GatewayError.self) {
                    try await Self.fetcher(setup.destination.repo, client).fetch(setup.root, from: [GatewayProvider(url: url)])
                }
            }
        }
        #expect(error?.failures.first?.code == .tooLarge)
        try setup.destinationIsUnharmed()
    }

    @Test func theTotalByteLimitStopsTheFetch() async throws {
        let setup = try Setup("fetch-total")
        let error = try await withServer(setup.honest()) { url in
            try await withClient { client in
                await #expect(throws: GatewayError.self) {
                    try await Self.fetcher(setup.destination.repo, client, limits: .init(maxTotalBytes: 10_000))
                        .fetch(setup.root, from: [GatewayProvider(url: url)], pin: true)
                }
            }
        }
        #expect(error?.code == .tooLarge)
        #expect(try setup.destination.repo.pins().isEmpty)
    }

    @Test func aRootUnderAnUnverifiableHashIsRefusedBeforeAnyRequest() async throws {
        let setup = try Setup("fetch-hash", size: 100)
        let blake3 = CID(codec: .raw, multihash: Multihash(code: Multicodec(rawValue: 0x1e), digest: [UInt8](repeating: 1, count: 32)))
        try await withClient { client in
            let error = await #expect(throws: GatewayError.self) {
                try await Self.fetcher(setup.destination.repo, client).fetch(blake3, from: [GatewayProvider(url: "http://127.0.0.1:9")])
            }
            #expect(error?.code == .badBlock)
        }
    }
}
