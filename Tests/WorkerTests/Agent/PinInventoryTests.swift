import BlockStore
import Foundation
import IPLD
import PoolAPI
import ShoalTesting
import Testing

@testable import Worker

@Suite struct PinInventoryTests {
    @Test func pinsAreReportedWithWholeDAGSizesAndPrivacy() throws {
        let folder = TemporaryDirectory("inventory")
        let repo = try Repo(home: folder.path)
        let big = try repo.addBytes(SplitMix64.bytes(seed: 1, count: 600_000)).cid  // several chunks + a root
        let small = try repo.addBytes(Array("x".utf8)).cid
        try repo.setPrivate(small)
        _ = try repo.putDAG(.string("a provenance block"), pin: false)
        let inventory = PinInventory(repo: repo, home: WorkerHome(folder.path))
        let reports = try inventory.snapshot()
        #expect(Set(reports) == [
            PinReport(cid: big.string, size: Int64(try repo.dagSize(big))),
            PinReport(cid: small.string, size: 1, private: true),
        ])
        #expect(reports.first { $0.cid == big.string }!.size > 600_000)  // the chunks plus the root node
        #expect(inventory.holds(big) && !inventory.holds(Block(bytes: [9], codec: .raw).cid))
    }

    @Test func changesAreRelativeToWhatTheRequesterAcknowledged() throws {
        let folder = TemporaryDirectory("inventory-diff")
        let repo = try Repo(home: folder.path)
        let a = try repo.addBytes([1]).cid
        let inventory = PinInventory(repo: repo, home: WorkerHome(folder.path))
        let first = try inventory.changes()
        #expect(first.added.map(\.cid) == [a.string])
        // Not acknowledged (the heartbeat failed): the same change comes again, with what is new.
        let b = try repo.addBytes([2]).cid
        let second = try inventory.changes()
        #expect(Set(second.added.map(\.cid)) == [a.string, b.string])
        inventory.acknowledge(second.current)
        #expect(try inventory.changes().isEmpty)
        try repo.unpin(a)
        try repo.setPrivate(b)
        let third = try inventory.changes()
        #expect(third.removed == [a.string])
        #expect(third.added == [PinReport(cid: b.string, size: 1, private: true)])  // privacy changed
    }

    @Test func sizesAreRememberedAcrossRestarts() throws {
        let folder = TemporaryDirectory("inventory-cache")
        let repo = try Repo(home: folder.path)
        let data = try repo.addBytes(SplitMix64.bytes(seed: 2, count: 10_000)).cid
        _ = try PinInventory(repo: repo, home: WorkerHome(folder.path)).snapshot()
        let cache = try JSONDecoder().decode([String: Int64].self, from: Data(contentsOf: URL(fileURLWithPath: folder.file("cache/dag-sizes.json"))))
        #expect(cache == [data.string: 10_000])
        // A fresh inventory takes the size from the cache, without walking the DAG.
        let planted = try JSONEncoder().encode([data.string: Int64(42)])
        try planted.write(to: URL(fileURLWithPath: folder.file("cache/dag-sizes.json")))
        #expect(try PinInventory(repo: repo, home: WorkerHome(folder.path)).snapshot().first?.size == 42)
    }
}
