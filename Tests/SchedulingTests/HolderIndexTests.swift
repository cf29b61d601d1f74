import IPLD
import Testing
@testable import Scheduling

@Suite struct HolderIndexTests {
    typealias F = Fixture

    static func wanted(_ names: String...) -> Set<DigestKey> { Set(names.map { DigestKey(F.cid($0)) }) }

    @Test func listsHoldersInNodeOrderWithTheirReportedSizes() {
        let nodes = [
            F.node("w1", pins: ["a": 10, "b": 20]),
            F.node("w2"),
            F.node("w3", pins: ["a": 11]),
        ]
        let index = HolderIndex(nodes: nodes, wanted: Self.wanted("a", "b", "c"))
        #expect(index.distinctCount == 2)
        #expect(index.holders(of: F.cid("a")) == [.init(node: 0, size: 10), .init(node: 2, size: 11)])
        #expect(index.holders(of: F.cid("b")) == [.init(node: 0, size: 20)])
        #expect(index.holders(of: F.cid("c")).isEmpty)
    }

    @Test func emptyPoolHasNoHolders() {
        let index = HolderIndex(nodes: [], wanted: Self.wanted("a"))
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
        let index = HolderIndex(nodes: [w1, w2], wanted: [DigestKey(raw), DigestKey(cbor)])
        #expect(index.distinctCount == 2)
        #expect(index.holders(of: raw) == [.init(node: 0, size: 1)])
        #expect(index.holders(of: cbor) == [.init(node: 1, size: 2)])
    }

    @Test func onlyTheWantedDAGsAreIndexedWhicheverWayANodeIsRead() {
        // w1 pins more DAGs than are wanted (the wanted ones are looked up in its pins), w2
        // fewer (its pins are checked against the wanted ones): both give the same holders.
        let nodes = [
            F.node("w1", pins: ["a": 10, "b": 20, "c": 30, "d": 40]),
            F.node("w2", pins: ["a": 11]),
            F.node("w3"),
        ]
        let index = HolderIndex(nodes: nodes, wanted: Self.wanted("a", "c"))
        #expect(index.distinctCount == 2)
        #expect(index.holders(of: F.cid("a")) == [.init(node: 0, size: 10), .init(node: 1, size: 11)])
        #expect(index.holders(of: F.cid("c")) == [.init(node: 0, size: 30)])
        #expect(index.holders(of: F.cid("b")).isEmpty)
        #expect(HolderIndex(nodes: nodes, wanted: []).distinctCount == 0)
    }
}
