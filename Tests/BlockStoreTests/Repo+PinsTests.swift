import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoPinsTests {
    @Test func recursivePinOfACompleteDAG() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        let pin = try repo.write { writer in
            for block in tree { try writer.put(block) }
            return try writer.pin(tree[0].cid, name: "dataset")
        }
        #expect(pin.mode == .recursive)
        #expect(pin.name == "dataset")
        #expect(try repo.pins() == [pin])
        #expect(try repo.pins(mode: .direct).isEmpty)
        #expect(try repo.pinStatus(tree[0].cid) == .pinned(pin))
        #expect(try repo.pinStatus(tree[2].cid) == .indirect(via: tree[0].cid))
        #expect(try repo.pinStatus(TestDAG.rawLeaf(seed: 99).cid) == .notPinned)
        // Only a pin on the CID itself is recorded: a block held through another pin has none.
        #expect(try repo.recordedPin(tree[0].cid) == pin)
        #expect(try repo.recordedPin(tree[2].cid) == nil)
    }

    @Test func aDAGWithAMissingBlockIsNotPinnedAtAll() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        try repo.putAll(Array(tree.dropLast()))  // the last leaf is missing
        let error = #expect(throws: BlockStoreError.self) { try repo.pin(tree[0].cid) }
        #expect(error?.code == .pinMissingBlock)
        #expect(error?.message.contains(tree.last!.cid.string) == true)
        #expect(error?.message.contains("linked from \(tree[0].cid)") == true)
        #expect(try repo.pins().isEmpty)
    }

    @Test func pinningSeveralRootsIsAllOrNothing() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let complete = TestDAG.tree(seed: 1)
        let incomplete = TestDAG.tree(seed: 10)
        try repo.putAll(complete + [incomplete[0]])
        #expect(throws: BlockStoreError.self) {
            try repo.write { try $0.pin([complete[0].cid, incomplete[0].cid]) }
        }
        #expect(try repo.pins().isEmpty)
    }

    @Test func directPinsNeedOnlyTheBlock() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        try repo.putAll([tree[0]])  // children absent: fine for a direct pin
        let pin = try repo.pin(tree[0].cid, mode: .direct)
        #expect(pin.mode == .direct)
        let missing = #expect(throws: BlockStoreError.self) { try repo.pin(tree[1].cid, mode: .direct) }
        #expect(missing?.code == .pinMissingBlock)
    }

    @Test func unpinningRemovesOnlyThatPin() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        try repo.putAll(tree)
        try repo.pin(tree[0].cid)
        try repo.pin(tree[1].cid, mode: .direct)
        #expect(try repo.unpin(tree[0].cid).mode == .recursive)
        #expect(try repo.pins().map(\.cid) == [tree[1].cid])
        let error = #expect(throws: BlockStoreError.self) { try repo.unpin(tree[0].cid) }
        #expect(error?.code == .notPinned)
        #expect(error?.message == "\(tree[0].cid) is not pinned")
        // Blocks stay until gc.
        #expect(try repo.has(tree[2].cid))
    }

    @Test func pinningFollowsCIDv0Links() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaves = (0..<3).map { TestDAG.pbLeaf(seed: UInt64($0), version: .v0) }
        let root = TestDAG.node(leaves.map(\.cid), version: .v0)
        try repo.putAll(leaves + [root])
        try repo.pin(root.cid)
        #expect(try repo.pinStatus(leaves[1].cid) == .indirect(via: root.cid))
    }

    @Test func aCorruptNodeCannotBePinned() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        try repo.putAll(tree)
        var bytes = tree[0].bytes
        bytes[bytes.count - 1] ^= 0xFF
        try writeBytes(bytes, to: repo.blocks.filePath(for: tree[0].cid.multihash))
        let error = #expect(throws: BlockStoreError.self) { try repo.pin(tree[0].cid) }
        #expect(error?.code == .corrupt)
        #expect(try repo.pins().isEmpty)
    }
}

extension RepoPinsTests {
    @Test func unpinAcceptsTheOtherCIDVersionOfADagPBPin() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaf = TestDAG.pbLeaf(seed: 1, version: .v0)
        try repo.putAll([leaf])
        let pin = try repo.pin(leaf.cid)
        #expect(try repo.pinStatus(leaf.cid.v1) == .pinned(pin))
        #expect(try repo.recordedPin(leaf.cid.v1) == pin)
        #expect(try repo.unpin(leaf.cid.v1) == pin)
        #expect(try repo.pins().isEmpty)
        // A raw CID of the same bytes is another block name, not the pin.
        try repo.pin(leaf.cid)
        let error = #expect(throws: BlockStoreError.self) { try repo.unpin(CID(codec: .raw, multihash: leaf.cid.multihash)) }
        #expect(error?.code == .notPinned)
    }
}

extension RepoPinsTests {
    @Test func aPrivateMarkPersistsAcrossOpensAndGoesWithThePin() throws {
        let dir = TemporaryDirectory()
        let tree = TestDAG.tree(seed: 1)
        do {
            let repo = try Repo(home: dir.path)
            try repo.putAll(tree)
            #expect(try repo.pin(tree[0].cid).isPrivate == false)
            #expect(try repo.setPrivate(tree[0].cid).isPrivate)
        }
        let reopened = try Repo(home: dir.path)
        #expect(try reopened.pins().map(\.isPrivate) == [true])
        // Unpinning drops the mark: pinned again, the DAG is public.
        try reopened.unpin(tree[0].cid)
        #expect(try reopened.pin(tree[0].cid).isPrivate == false)
    }

    @Test func onlyAPinnedCIDCanBeMarkedPrivate() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaf = TestDAG.pbLeaf(seed: 1, version: .v0)
        try repo.putAll([leaf])
        let error = #expect(throws: BlockStoreError.self) { try repo.setPrivate(leaf.cid) }
        #expect(error?.code == .notPinned)
        // The other CID version of a dag-pb pin names the same pin.
        try repo.pin(leaf.cid)
        #expect(try repo.setPrivate(leaf.cid.v1).cid == leaf.cid)
        #expect(try repo.pins().first?.isPrivate == true)
    }
}
