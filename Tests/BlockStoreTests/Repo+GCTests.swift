import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoGCTests {
    /// Two trees sharing a subtree, a direct pin over an incomplete DAG, and loose blocks:
    ///
    ///     rootA ─┬─ shared ─┬─ s0          rootB ─┬─ shared (same)      directRoot ─┬─ d0 (kept? no)
    ///            │          └─ s1                 └─ b0                              └─ d1 (absent)
    ///            └─ a0                                                    loose, looseNode ── loose2
    struct World {
        let s0 = TestDAG.rawLeaf(seed: 1), s1 = TestDAG.pbLeaf(seed: 2)
        let a0 = TestDAG.rawLeaf(seed: 3), b0 = TestDAG.rawLeaf(seed: 4)
        let d0 = TestDAG.rawLeaf(seed: 5), d1 = TestDAG.rawLeaf(seed: 6)
        let loose = TestDAG.rawLeaf(seed: 7), loose2 = TestDAG.rawLeaf(seed: 8)
        var shared: Block { TestDAG.node([s0.cid, s1.cid]) }
        var rootA: Block { TestDAG.node([shared.cid, a0.cid], data: [8, 1, 1]) }
        var rootB: Block { TestDAG.node([shared.cid, b0.cid], data: [8, 1, 2]) }
        var directRoot: Block { TestDAG.node([d0.cid, d1.cid], data: [8, 1, 3]) }
        var looseNode: Block { TestDAG.node([loose2.cid], data: [8, 1, 4]) }
        var stored: [Block] { [s0, s1, a0, b0, d0, loose, loose2, shared, rootA, rootB, directRoot, looseNode] }
    }

    func makeRepo(_ dir: TemporaryDirectory, _ world: World) throws -> Repo {
        let repo = try Repo(home: dir.path)
        try repo.putAll(world.stored)
        try repo.pin(world.rootA.cid)
        try repo.pin(world.rootB.cid)
        try repo.pin(world.directRoot.cid, mode: .direct)
        return repo
    }

    @Test func removesExactlyTheBlocksNoPinReaches() throws {
        let dir = TemporaryDirectory()
        let w = World()
        let repo = try makeRepo(dir, w)
        let report = try repo.collectGarbage()
        let kept: [Block] = [w.s0, w.s1, w.a0, w.b0, w.shared, w.rootA, w.rootB, w.directRoot]
        let removed: [Block] = [w.d0, w.loose, w.loose2, w.looseNode]
        #expect(try repo.storedMultihashes() == Set(kept))
        #expect(Set(report.removed.map(\.multihash)) == Set(removed))
        #expect(report.freedBytes == removed.reduce(0) { $0 + $1.bytes.count })
        #expect(report.keptBlocks == kept.count)
        // Removed blocks are named by the CID they were added as.
        #expect(report.removed.first { $0.multihash == w.looseNode.cid.multihash }?.cid == w.looseNode.cid)
        // The index follows the files, and a second gc finds nothing.
        #expect(try repo.statistics().blocks == kept.count)
        #expect(try repo.collectGarbage().removed.isEmpty)
        #expect(try repo.verify().isHealthy)
    }

    @Test func unpinningReleasesOnlyWhatNoOtherPinReaches() throws {
        let dir = TemporaryDirectory()
        let w = World()
        let repo = try makeRepo(dir, w)
        try repo.unpin(w.rootA.cid)
        let report = try repo.collectGarbage()
        // `shared` and its leaves are still reached through rootB.
        #expect(Set(report.removed.map(\.multihash)).isSuperset(of: Set([w.rootA, w.a0])))
        #expect(try repo.has(w.shared.cid) && repo.has(w.s0.cid) && repo.has(w.s1.cid))
        try repo.unpin(w.rootB.cid)
        try repo.unpin(w.directRoot.cid)
        _ = try repo.collectGarbage()
        #expect(try repo.storedMultihashes().isEmpty)
        #expect(try repo.statistics().blocks == 0)
    }

    @Test func aPinKeepsBlocksWhateverCIDVersionNamesThem() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaf = TestDAG.pbLeaf(seed: 1, version: .v0)
        let root = TestDAG.node([leaf.cid.v1], version: .v1)  // links by CIDv1 to a block added as v0
        try repo.putAll([leaf, root])
        try repo.pin(root.cid)
        #expect(try repo.collectGarbage().removed.isEmpty)
        #expect(try repo.has(leaf.cid))
    }

    @Test func refusesToCollectWhenAPinnedBlockIsMissing() throws {
        let dir = TemporaryDirectory()
        let w = World()
        let repo = try makeRepo(dir, w)
        try repo.blocks.remove(w.shared.cid.multihash)
        let error = #expect(throws: BlockStoreError.self) { try repo.collectGarbage() }
        #expect(error?.code == .pinMissingBlock)
        #expect(error?.message.contains("nothing was removed") == true)
        // Nothing was deleted, not even the loose blocks.
        #expect(try repo.has(w.loose.cid) && repo.has(w.s0.cid))
    }

    @Test func removesOrphansAndLeftoverTemporaryFiles() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let orphan = TestDAG.rawLeaf(seed: 42)
        try repo.blocks.put(orphan)  // written without the index, as after a crash
        let shard = dir.path + "/blocks/" + FlatFSKey.relativePath(for: orphan.cid.multihash).prefix(2)
        try writeBytes([1, 2, 3], to: shard + "/.tmp-1-2-3")
        let report = try repo.collectGarbage()
        #expect(report.removed.map(\.multihash) == [orphan.cid.multihash])
        #expect(report.temporaryFilesRemoved == 1)
        #expect(!FileManager.default.fileExists(atPath: shard + "/.tmp-1-2-3"))
    }

    @Test func dropsIndexRowsOfVanishedUnpinnedBlocks() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let block = TestDAG.rawLeaf(seed: 1)
        try repo.putAll([block])
        try repo.blocks.remove(block.cid.multihash)
        let report = try repo.collectGarbage()
        #expect(report.removed.isEmpty)
        #expect(report.staleIndexRowsRemoved == 1)
        #expect(try repo.statistics().blocks == 0)
    }

    @Test func waitsForOpenWriteSessions() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let other = try Repo(home: dir.path)  // a second instance, as a second process would have
        let block = TestDAG.rawLeaf(seed: 1)
        try repo.write { writer in
            try writer.put(block)
            let error = #expect(throws: BlockStoreError.self) { try other.collectGarbage(wait: false) }
            #expect(error?.code == .busy)
            try writer.pin(block.cid)
        }
        #expect(try other.collectGarbage(wait: false).removed.isEmpty)
        #expect(try repo.has(block.cid))
    }
}
