import Foundation
import IPLD
import JobStore
import Testing
@testable import Requester

/// The registry keeps each node's pins with the two views placement and the private-data policy
/// read (sizes, private roots) in step, through joins, heartbeats and learned outputs.
@Suite struct PoolRegistryTests {
    static func cid(_ name: String) -> CID { Block(bytes: Array(name.utf8), codec: .raw).cid }

    static func record(_ id: String) -> NodeRecord {
        NodeRecord(id: id, url: "http://127.0.0.1:9", capacity: NodeResources(slots: 2))
    }

    @Test func sizesAndPrivateRootsFollowThePins() throws {
        let registry = PoolRegistry()
        let (a, b, c) = (Self.cid("a"), Self.cid("b"), Self.cid("c"))
        registry.join(Self.record("n1"), pins: [NodePin(cid: a, size: 10), NodePin(cid: b, size: 20, isPrivate: true)])
        registry.join(Self.record("n2"), pins: [NodePin(cid: c, size: -5, isPrivate: true)])
        #expect(registry.privateRoots() == [b.v1, c.v1])
        var sizes = Dictionary(uniqueKeysWithValues: registry.snapshots(reserved: [:]).map { ($0.id, $0.pins) })
        #expect(sizes["n1"] == [a.v1: 10, b.v1: 20])
        #expect(sizes["n2"] == [c.v1: 0])

        // b is unpinned and pinned again as public; a output is learned; c goes.
        registry.heartbeat("n1", at: Date(), free: nil, added: [NodePin(cid: b, size: 21)], removed: [b], fetched: 0, local: 0)
        registry.addPins("n1", [NodePin(cid: Self.cid("out"), size: 3)])
        registry.heartbeat("n2", at: Date(), free: nil, added: [], removed: [c], fetched: 0, local: 0)
        #expect(registry.privateRoots().isEmpty)
        sizes = Dictionary(uniqueKeysWithValues: registry.snapshots(reserved: [:]).map { ($0.id, $0.pins) })
        #expect(sizes["n1"] == [a.v1: 10, b.v1: 21, Self.cid("out").v1: 3])
        #expect(sizes["n2"] == [:])
        #expect(registry.node("n1")?.pins.count == 3)
    }
}
