import AsyncHTTPClient
import BlockStore
import Hummingbird
import IPLD
import ShoalTesting
import Testing

@testable import Gateway

/// The gateway over real HTTP on loopback: a Hummingbird server on an ephemeral port, requests
/// sent with AsyncHTTPClient.
@Suite struct GatewayRoutesTests {
    static func router(_ source: any BlockSource, policy: any GatewayAccessPolicy = OpenAccess(), metrics: any GatewayMetrics = NoGatewayMetrics()) -> Router<BasicRequestContext> {
        let router = Router()
        GatewayRoutes(source: source, policy: policy, metrics: metrics).register(on: router)
        return router
    }

    /// Serves `source` and runs `body` with the base URL and a client.
    static func serve<T: Sendable>(
        _ source: any BlockSource, policy: any GatewayAccessPolicy = OpenAccess(), metrics: any GatewayMetrics = NoGatewayMetrics(),
        _ body: @Sendable @escaping (String, HTTPClient) async throws -> T
    ) async throws -> T {
        try await withServer(router(source, policy: policy, metrics: metrics)) { url in
            try await withClient { client in try await body(url, client) }
        }
    }

    /// A DAG with dag-pb and raw leaves and a subtree linked from two parents (export dedups it).
    static func sharedDAG() -> (root: Block, blocks: [Block]) {
        let pbLeaves = (0..<3).map { Block(bytes: PBNode(data: SplitMix64.bytes(seed: 100 + UInt64($0), count: 5000)).encoded(), codec: .dagPB, version: .v0) }
        let rawLeaves = (0..<3).map { TestBlocks.raw(seed: 200 + UInt64($0), size: 7000) }
        let shared = TestBlocks.node(pbLeaves.map(\.cid))
        let left = TestBlocks.node([shared.cid, rawLeaves[0].cid])
        let right = TestBlocks.node([rawLeaves[1].cid, shared.cid, rawLeaves[2].cid])
        let root = TestBlocks.node([left.cid, right.cid])
        return (root, pbLeaves + rawLeaves + [shared, left, right, root])
    }

    // MARK: Raw blocks

    @Test func aRawBlockIsTheStoredBytesWithTrustlessHeaders() async throws {
        let fixture = try GatewayFixture("routes-raw")
        let file = try fixture.addFile(seed: 1, size: 5000, chunk: 1024)
        let leaf = try fixture.blocksInOrder(file.cid)[1]
        let rootBytes = try fixture.repo.block(file.cid)
        try await Self.serve(fixture.repo) { url, client in
            let root = try await send(client, "\(url)/ipfs/\(file.cid)?format=raw")
            #expect(root.status == 200)
            #expect(root.body == rootBytes)
            #expect(root.header("Content-Type") == "application/vnd.ipld.raw")
            #expect(root.header("Content-Length") == String(rootBytes.count))
            #expect(root.header("X-Content-Type-Options") == "nosniff")
            #expect(root.header("Cache-Control") == "public, max-age=29030400, immutable")
            #expect(root.header("Etag") == "\"\(file.cid).raw\"")
            #expect(root.header("Content-Disposition") == "attachment; filename=\"\(file.cid).bin\"")
            #expect(root.header("Content-Location") == nil)

            let raw = try await send(client, "\(url)/ipfs/\(leaf.cid)", headers: [("Accept", "application/vnd.ipld.raw")])
            #expect(raw.status == 200)
            #expect(raw.body == leaf.bytes)
            // Negotiated by Accept: the response names the URL of this variant.
            #expect(raw.header("Content-Location") == "/ipfs/\(leaf.cid)?format=raw")
        }
    }

    @Test func headAnswersWithTheHeadersOfGetAndNoBody() async throws {
        let fixture = try GatewayFixture("routes-head")
        let file = try fixture.addFile(seed: 2, size: 3000)
        let size = try fixture.repo.block(file.cid).count
        try await Self.serve(fixture.repo) { url, client in
            let raw = try await send(client, "\(url)/ipfs/\(file.cid)?format=raw", method: "HEAD")
            #expect(raw.status == 200)
            #expect(raw.body.isEmpty)
            #expect(raw.header("Content-Length") == String(size))
            #expect(raw.header("Etag") == "\"\(file.cid).raw\"")
            let car = try await send(client, "\(url)/ipfs/\(file.cid)?format=car", method: "HEAD")
            #expect(car.status == 200)
            #expect(car.body.isEmpty)
            #expect(car.header("Content-Type") == "application/vnd.ipld.car; version=1; order=dfs; dups=n")
            let missing = TestBlocks.raw(seed: 999).cid
            #expect(try await send(client, "\(url)/ipfs/\(missing)?format=raw", method: "HEAD").status == 404)
            #expect(try await send(client, "\(url)/ipfs/\(missing)?format=car", method: "HEAD").status == 404)
        }
    }

    // MARK: CAR streams

    @Test func aCARIsByteForByteTheRepositoryExport() async throws {
        let fixture = try GatewayFixture("routes-car")
        let dag = Self.sharedDAG()
        try fixture.put(dag.blocks)
        // A deep UnixFS file too: 40 leaves, at most 3 links per node.
        let file = try fixture.addFile(seed: 3, size: 40 * 512, chunk: 512, maxLinks: 3)
        let expectedShared = try fixture.exportedCAR(dag.root.cid)
        let expectedFile = try fixture.exportedCAR(file.cid)
        try await Self.serve(fixture.repo) { url, client in
            let shared = try await send(client, "\(url)/ipfs/\(dag.root.cid)?format=car")
            #expect(shared.status == 200)
            #expect(shared.body == expectedShared)
            #expect(shared.header("Content-Type") == "application/vnd.ipld.car; version=1; order=dfs; dups=n")
            #expect(shared.header("X-Content-Type-Options") == "nosniff")
            #expect(shared.header("Cache-Control") == "public, max-age=29030400, immutable")
            #expect(shared.header("Etag") == "W/\"\(dag.root.cid).car.all.n\"")
            #expect(shared.header("Content-Disposition") == "attachment; filename=\"\(dag.root.cid).car\"")
            #expect(shared.header("Accept-Ranges") == "none")
            #expect(try CARBytes.blocks(in: shared.body).count == 10)

            let byAccept = try await send(client, "\(url)/ipfs/\(file.cid)", headers: [("Accept", "application/vnd.ipld.car")])
            #expect(byAccept.status == 200)
            #expect(byAccept.body == expectedFile)
            #expect(byAccept.header("Content-Location") == "/ipfs/\(file.cid)?format=car")
        }
    }

    @Test func dupsYesSendsASharedBlockEveryTimeTheWalkReachesIt() async throws {
        let fixture = try GatewayFixture("routes-dups")
        let dag = Self.sharedDAG()
        try fixture.put(dag.blocks)
        try await Self.serve(fixture.repo) { url, client in
            let car = try await send(client, "\(url)/ipfs/\(dag.root.cid)?format=car", headers: [("Accept", "application/vnd.ipld.car; version=1; order=dfs; dups=y")])
            #expect(car.status == 200)
            #expect(car.header("Content-Type") == "application/vnd.ipld.car; version=1; order=dfs; dups=y")
            #expect(car.header("Etag") == "W/\"\(dag.root.cid).car.all.y\"")
            // root, left, shared, 3 pb leaves, raw0, right, raw1, shared + 3 leaves again, raw2.
            #expect(try CARBytes.blocks(in: car.body).count == 14)
            let queryWins = try await send(client, "\(url)/ipfs/\(dag.root.cid)?format=car&car-dups=n", headers: [("Accept", "application/vnd.ipld.car; dups=y")])
            #expect(try CARBytes.blocks(in: queryWins.body).count == 10)
        }
    }

    @Test func dagScopeBlockSendsOnlyTheRoot() async throws {
        let fixture = try GatewayFixture("routes-scope")
        let file = try fixture.addFile(seed: 4, size: 4096)
        let rootBytes = try fixture.repo.block(file.cid)
        try await Self.serve(fixture.repo) { url, client in
            let car = try await send(client, "\(url)/ipfs/\(file.cid)?format=car&dag-scope=block")
            #expect(car.status == 200)
            #expect(car.header("Etag") == "W/\"\(file.cid).car.block.n\"")
            let blocks = try CARBytes.blocks(in: car.body)
            #expect(blocks.map(\.cid) == [file.cid])
            #expect(blocks.first?.bytes == rootBytes)
            #expect(try CARBytes.roots(of: car.body) == [file.cid])
        }
    }

    @Test func theEmptyIdentityProbeIsAnsweredWithoutTheStore() async throws {
        let probe = try CID("bafkqaaa")
        try await Self.serve(MemoryBlockstore()) { url, client in
            let raw = try await send(client, "\(url)/ipfs/bafkqaaa?format=raw")
            #expect(raw.status == 200)
            #expect(raw.body.isEmpty)
            let car = try await send(client, "\(url)/ipfs/bafkqaaa?format=car")
            #expect(car.status == 200)
            #expect(try CARBytes.roots(of: car.body) == [probe])
            #expect(try CARBytes.blocks(in: car.body).isEmpty)  // identity blocks are never sent
        }
    }

    // MARK: Refusals

    @Test func aBlockNotHeldIs404AndWithOnlyIfCached412() async throws {
        let missing = TestBlocks.raw(seed: 77).cid
        try await Self.serve(MemoryBlockstore()) { url, client in
            for format in ["raw", "car"] {
                let response = try await send(client, "\(url)/ipfs/\(missing)?format=\(format)")
                #expect(response.status == 404)
                #expect(String(decoding: response.body, as: UTF8.self) == "block \(missing) is not served here\n")
                let cached = try await send(client, "\(url)/ipfs/\(missing)?format=\(format)", headers: [("Cache-Control", "only-if-cached")])
                #expect(cached.status == 412)
            }
        }
    }

    @Test(arguments: [
        ("/ipfs/not-a-cid?format=raw", 400),
        ("/ipfs/QmNotReallyACIDButLongEnoughToLookLikeOneXXXXXX?format=car", 400),
        ("/ipfs/{cid}?format=zip", 400),
        ("/ipfs/{cid}", 400),  // no format, no Accept: the spec's answer for a trustless-only gateway
        ("/ipfs/{cid}?format=tar", 406),
        ("/ipfs/{cid}?format=dag-json", 406),
        ("/ipfs/{cid}?format=car&car-version=2", 406),
        ("/ipfs/{cid}?format=car&car-order=bfs", 406),
        ("/ipfs/{cid}?format=car&dag-scope=everything", 400),
        ("/ipfs/{cid}?format=car&entity-bytes=abc", 400),
        ("/ipfs/{cid}?format=car&entity-bytes=5000:*", 400),  // starts beyond the end of the file
        ("/ipfs/{cid}/some/path?format=raw", 400),
        ("/ipfs/{cid}/some/path?format=car", 400),
    ])
    func malformedOrUnsupportedRequestsAreRefused(path: String, status: Int) async throws {
        let fixture = try GatewayFixture("routes-refused")
        let file = try fixture.addFile(seed: 5, size: 3000)
        let counters = GatewayCounters()
        try await Self.serve(fixture.repo, metrics: counters) { url, client in
            let response = try await send(client, url + path.replacingOccurrences(of: "{cid}", with: file.cid.string))
            #expect(response.status == status, "\(path)")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            // One line, no stack trace.
            #expect(String(decoding: response.body, as: UTF8.self).filter { $0 == "\n" }.count == 1)
        }
        #expect(counters.totals.refused == [status: 1])
    }

    @Test func anAcceptHeaderNamingNoTrustlessTypeIs406() async throws {
        let fixture = try GatewayFixture("routes-406")
        let file = try fixture.addFile(seed: 6, size: 100)
        try await Self.serve(fixture.repo) { url, client in
            for accept in ["text/html", "*/*", "application/vnd.ipld.car; version=2", "application/vnd.ipld.raw;q=0"] {
                let response = try await send(client, "\(url)/ipfs/\(file.cid)", headers: [("Accept", accept)])
                #expect(response.status == 406, "\(accept)")
            }
            let weighted = try await send(client, "\(url)/ipfs/\(file.cid)", headers: [("Accept", "application/vnd.ipld.car;q=0.5, application/vnd.ipld.raw")])
            #expect(weighted.header("Content-Type") == "application/vnd.ipld.raw")
        }
    }

    @Test func ifNoneMatchWithTheEtagIs304() async throws {
        let fixture = try GatewayFixture("routes-304")
        let file = try fixture.addFile(seed: 7, size: 2000)
        try await Self.serve(fixture.repo) { url, client in
            let raw = try await send(client, "\(url)/ipfs/\(file.cid)?format=raw", headers: [("If-None-Match", "\"\(file.cid).raw\"")])
            #expect(raw.status == 304)
            #expect(raw.body.isEmpty)
            let car = try await send(client, "\(url)/ipfs/\(file.cid)?format=car", headers: [("If-None-Match", "\"other\", W/\"\(file.cid).car.all.n\"")])
            #expect(car.status == 304)
            let otherVariant = try await send(client, "\(url)/ipfs/\(file.cid)?format=car&dag-scope=block", headers: [("If-None-Match", "W/\"\(file.cid).car.all.n\"")])
            #expect(otherVariant.status == 200)
        }
    }

    // MARK: Broken stores

    @Test func aCorruptStoredBlockIsNeverSent() async throws {
        let store = MemoryBlockstore()
        let dag = Self.sharedDAG()
        for block in dag.blocks { try store.put(block) }
        let victim = dag.blocks[4]  // a raw leaf of `right`
        store.corrupt(victim.cid, with: victim.bytes.map { $0 ^ 0xFF })
        try await Self.serve(store) { url, client in
            let raw = try await send(client, "\(url)/ipfs/\(victim.cid)?format=raw")
            #expect(raw.status == 500)
            #expect(String(decoding: raw.body, as: UTF8.self).contains("does not match its hash"))
            // The CAR stops before the corrupt block: the connection closes without the last chunk.
            await #expect(throws: (any Error).self) {
                _ = try await send(client, "\(url)/ipfs/\(dag.root.cid)?format=car")
            }
        }
    }

    @Test func aCARStopsWhereABlockIsMissingAndSendsEverythingBefore() async throws {
        let store = MemoryBlockstore()
        let dag = Self.sharedDAG()
        for block in dag.blocks { try store.put(block) }
        store.remove(dag.blocks[5].cid)  // raw2, the last block in walk order
        let counters = GatewayCounters()
        try await Self.serve(store, metrics: counters) { url, client in
            var request = HTTPClientRequest(url: "\(url)/ipfs/\(dag.root.cid)?format=car")
            request.headers.add(name: "Accept", value: "application/vnd.ipld.car")
            let response = try await client.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            var received: [UInt8] = []
            await #expect(throws: (any Error).self) {
                for try await chunk in response.body { received += Array(buffer: chunk) }
            }
            // Every block before the missing one arrived intact.
            var decoder = CARStreamDecoder(limits: .init())
            decoder.append(ByteBuffer(bytes: received))
            var cids: [CID] = []
            while let section = try decoder.next() { cids.append(section.cid) }
            #expect(cids.count == 9)
            #expect(!cids.contains(dag.blocks[5].cid))
        }
        #expect(counters.totals.incompleteResponses == 1)
    }
}
