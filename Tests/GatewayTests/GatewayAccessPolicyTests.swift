import BlockStore
import Hummingbird
import IPLD
import Testing

@testable import Gateway

/// Compute-to-data: withheld (private) DAGs never leave the node, and their existence is not revealed.
@Suite struct GatewayAccessPolicyTests {
    @Test func withholdingADAGCoversEveryBlockUnderIt() throws {
        let fixture = try GatewayFixture("policy-dag")
        let file = try fixture.addFile(seed: 1, size: 10 * 1024, chunk: 1024)
        let blocks = try fixture.blocksInOrder(file.cid)
        let policy = WithheldBlocks()
        #expect(try policy.withholdDAG(file.cid, from: fixture.repo) == blocks.count)
        for block in blocks { #expect(!policy.allows(block.cid)) }
        #expect(policy.allows(TestBlocks.raw(seed: 5).cid))
        // CIDv0 and CIDv1 of the same block are the same block.
        #expect(!policy.allows(try #require(file.cid.v0)))
        policy.release(blocks.map(\.cid))
        #expect(policy.count == 0)
        // A root that is not held is withheld by its CID.
        let absent = TestBlocks.raw(seed: 6).cid
        #expect(try policy.withholdDAG(absent, from: fixture.repo) == 1)
        #expect(!policy.allows(absent))
    }

    @Test func privateBlocksAreAnsweredExactlyLikeMissingOnes() async throws {
        let fixture = try GatewayFixture("policy-http")
        let secret = try fixture.addFile(seed: 2, size: 8 * 1024, chunk: 1024)
        let open = try fixture.addFile(seed: 3, size: 4 * 1024, chunk: 1024)
        let secretBlocks = try fixture.blocksInOrder(secret.cid)
        let policy = WithheldBlocks()
        try policy.withholdDAG(secret.cid, from: fixture.repo)
        let absent = TestBlocks.raw(seed: 4).cid
        let counters = GatewayCounters()
        try await GatewayRoutesTests.serve(fixture.repo, policy: policy, metrics: counters) { url, client in
            for cid in [secret.cid, secretBlocks[3].cid] {
                for format in ["raw", "car"] {
                    let withheld = try await send(client, "\(url)/ipfs/\(cid)?format=\(format)")
                    let missing = try await send(client, "\(url)/ipfs/\(absent)?format=\(format)")
                    #expect(withheld.status == 404)
                    #expect(withheld.body == Array(String(decoding: missing.body, as: UTF8.self).replacingOccurrences(of: absent.string, with: cid.string).utf8))
                    #expect(withheld.headers.keys.sorted() == missing.headers.keys.sorted())
                    #expect(try await send(client, "\(url)/ipfs/\(cid)?format=\(format)", method: "HEAD").status == 404)
                }
            }
            #expect(try await send(client, "\(url)/ipfs/\(open.cid)?format=car").status == 200)
        }
        #expect(counters.totals.blocks == 5)  // only the open file's root and four leaves were sent
        #expect(counters.totals.refused[404] == 12)
    }

    @Test func aPrivateSubtreeInsideAPublicDAGIsLeftOutOfItsCAR() async throws {
        let fixture = try GatewayFixture("policy-subtree")
        let secret = TestBlocks.node([TestBlocks.raw(seed: 10).cid])
        let secretLeaf = TestBlocks.raw(seed: 10)
        let open = TestBlocks.raw(seed: 11)
        let root = TestBlocks.node([secret.cid, open.cid])
        try fixture.put([secretLeaf, secret, open, root])
        let policy = WithheldBlocks()
        try policy.withholdDAG(secret.cid, from: fixture.repo)
        try await GatewayRoutesTests.serve(fixture.repo, policy: policy) { url, client in
            let car = try await send(client, "\(url)/ipfs/\(root.cid)?format=car")
            #expect(car.status == 200)
            let sent = try CARBytes.blocks(in: car.body).map(\.cid)
            #expect(sent == [root.cid, open.cid])
            #expect(!car.body.windows(ofCount: secretLeaf.bytes.count).contains { Array($0) == secretLeaf.bytes })
        }
    }
}

extension Array where Element == UInt8 {
    /// Every run of `count` consecutive bytes (a tiny stand-in for swift-algorithms' `windows`).
    func windows(ofCount count: Int) -> [ArraySlice<UInt8>] {
        guard count > 0, self.count >= count else { return [] }
        return (0...(self.count - count)).map { self[$0..<($0 + count)] }
    }
}
