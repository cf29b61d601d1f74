import IPLD
import Testing
@testable import Scheduling

@Suite struct HolderIndexTests {
    typealias F = Fixture

    @Test func listsHoldersInNodeOrderWithTheirReportedSizes() {
        let nodes = [
            F.node("w1", pins: ["a": 10, "b": 20]),
            F.node("w2"),
            F.node("w3", pins: ["a": 11]),
        ]
        let index = HolderIndex(nodes: nodes)
        #expect(index.distinctCount == 2)
        #expect(index.holders(of: F.cid("a")) == [.init(node: 0, size: 10), .init(node: 2, size: 11)])
        #expect(index.holders(of: F.cid("b")) == [.init(node: 0, size: 20)])
        #expect(index.holders(of: F.cid("c")).isEmpty)
    }

    @Test func emptyPoolHasNoHolders() {
        let index = HolderIndex(nodes: [])
        #expect(index.distinctCount == 0)
        #expect(index.holders(of: F.cid("a")).isEmpty)
    }

    @Test func cidsSharingADigestStayDistinct() {
        // Same bytes, different codecs: the digest is equal, the CIDs are not.
        let raw = CID.sha256(Array("same".utf8), codec: .raw)
        let cbor = CID.sha256(Array("same".utf8), codec: .dagCBOR)
        var w1 = F.node("w1")
        w1.pins = [raw: 1]
        var w2 = F.node("w2")
        w2.pins = [cbor: 2]
        let index = HolderIndex(nodes: [w1, w2])
        #expect(index.distinctCount == 2)
        #expect(index.holders(of: raw) == [.init(node: 0, size: 1)])
        #expect(index.holders(of: cbor) == [.init(node: 1, size: 2)])
    }

    @Test func onlyTheWantedDAGsAreIndexedWithTheSameHolders() {
        // Both ways of building (a node with fewer pins than wanted, and one with more) agree
        // with the full index on every wanted DAG, and know nothing of the others.
        let nodes = [
            F.node("w1", pins: ["a": 10, "b": 20, "c": 30, "d": 40]),
            F.node("w2", pins: ["a": 11]),
            F.node("w3"),
        ]
        let full = HolderIndex(nodes: nodes)
        let wanted = HolderIndex(nodes: nodes, wanted: [DigestKey(F.cid("a")), DigestKey(F.cid("c"))])
        #expect(wanted.distinctCount == 2)
        #expect(wanted.holders(of: F.cid("a")) == full.holders(of: F.cid("a")))
        #expect(wanted.holders(of: F.cid("c")) == full.holders(of: F.cid("c")))
        #expect(wanted.holders(of: F.cid("b")).isEmpty)
        #expect(HolderIndex(nodes: nodes, wanted: []).distinctCount == 0)
    }
}
