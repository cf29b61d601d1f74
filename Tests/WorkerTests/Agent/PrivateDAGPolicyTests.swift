import IPLD
import ShoalTesting
import Testing
import UnixFS

@testable import Worker

@Suite struct PrivateDAGPolicyTests {
    @Test func everyBlockOfAPrivateDAGIsWithheldUntilItIsPublicAgain() throws {
        let store = MemoryBlockstore()
        let root = try UnixFSImporter(profile: try ImportProfile(cidVersion: 1, rawLeaves: true, chunker: "size-1024", trickle: false), sink: store)
            .importBytes(SplitMix64.bytes(seed: 5, count: 5000)).cid
        let other = Block(bytes: Array("public".utf8), codec: .raw)
        try store.put(other)
        let policy = PrivateDAGPolicy()
        #expect(try policy.update(roots: [root], from: store))
        #expect(try !policy.update(roots: [root], from: store))  // unchanged: nothing to do
        for cid in store.cids where cid != other.cid { #expect(!policy.allows(cid), "\(cid) leaked") }
        #expect(policy.allows(other.cid))
        #expect(!policy.allows(root.v1))
        #expect(try policy.update(roots: [], from: store))
        #expect(policy.allows(root))
    }
}
