import IPLD
import ShoalTesting
import Testing
import UnixFS

@testable import Gateway

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

    @Test func aRewalkWithholdsBlocksThatArrivedAfterTheRootWasMarked() throws {
        let store = MemoryBlockstore()
        let leaf = Block(bytes: Array("arrives later".utf8), codec: .raw)
        let root = Block(bytes: PBNode(links: [PBLink(hash: leaf.cid, name: "x", tsize: 13)]).encoded(), codec: .dagPB)
        let policy = PrivateDAGPolicy()
        #expect(try policy.update(roots: [root.cid], from: store))  // nothing held yet: only the root is withheld
        try store.put(root)
        try store.put(leaf)
        #expect(try !policy.update(roots: [root.cid], from: store))
        #expect(policy.allows(leaf.cid))  // not walked again: the set did not change
        #expect(try policy.update(roots: [root.cid], from: store, rewalk: true))
        #expect(!policy.allows(leaf.cid))
        #expect(!policy.allows(root.cid))
    }
}
