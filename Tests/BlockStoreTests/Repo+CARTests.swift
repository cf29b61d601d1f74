import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoCARTests {
    /// root ─┬─ shared ─┬─ s0
    ///       │          └─ s1 (dag-pb leaf)
    ///       ├─ a0
    ///       └─ shared (again)
    ///       └─ identity leaf
    struct DAG {
        let s0 = TestDAG.rawLeaf(seed: 1, size: 300), s1 = TestDAG.pbLeaf(seed: 2, size: 300)
        let a0 = TestDAG.rawLeaf(seed: 3, size: 200_000)
        let tiny = Block(trusted: CID(codec: .raw, multihash: .identity([1, 2, 3])), bytes: [1, 2, 3])
        var shared: Block { TestDAG.node([s0.cid, s1.cid]) }
        var root: Block { TestDAG.node([shared.cid, a0.cid, shared.cid, tiny.cid]) }
        /// kubo's `dag export` order: depth-first, links in order, each CID once.
        var exportOrder: [Block] { [root, shared, s0, s1, a0, tiny] }
        var stored: [Block] { [s0, s1, a0, shared, root] }
    }

    func carBytes(roots: [CID], _ blocks: [Block], to path: String) throws {
        let writer = try CARWriter(path: path, roots: roots)
        for block in blocks { try writer.write(block) }
        try writer.finish()
    }

    @Test func exportsDepthFirstEachBlockOnce() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try repo.putAll(dag.stored)
        let summary = try repo.exportCAR(root: dag.root.cid, to: dir.file("out.car"))
        try carBytes(roots: [dag.root.cid], dag.exportOrder, to: dir.file("expected.car"))
        #expect(try readBytes(dir.file("out.car")) == readBytes(dir.file("expected.car")))
        #expect(summary.blocks == dag.exportOrder.count)
        #expect(summary.bytes == (try readBytes(dir.file("out.car")).count))
        // No temporary file is left next to the output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["expected.car", "out.car", "repo"])
    }

    @Test func roundTripIsByteIdentical() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let first = try Repo(home: dir.file("one"))
        try first.putAll(dag.stored)
        try first.exportCAR(root: dag.root.cid, to: dir.file("a.car"))
        let second = try Repo(home: dir.file("two"))
        let imported = try second.importCAR(from: dir.file("a.car"))
        #expect(imported.roots == [dag.root.cid])
        #expect(imported.blocks == dag.exportOrder.count)
        #expect(imported.newBlocks == dag.stored.count)  // the identity block is not stored
        #expect(imported.pins.map(\.cid) == [dag.root.cid])
        #expect(imported.pins.first?.mode == .recursive)
        try second.exportCAR(root: dag.root.cid, to: dir.file("b.car"))
        #expect(try readBytes(dir.file("a.car")) == readBytes(dir.file("b.car")))
        #expect(try second.verify().isHealthy)
        #expect(try second.collectGarbage().removed.isEmpty)
    }

    @Test func exportOfAnIncompleteDAGFailsAndLeavesNoFile() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try repo.putAll(dag.stored.filter { $0 != dag.s1 })
        let error = #expect(throws: BlockStoreError.self) { try repo.exportCAR(root: dag.root.cid, to: dir.file("out.car")) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("cannot export \(dag.root.cid)") == true)
        #expect(error?.message.contains("\(dag.s1.cid) (linked from \(dag.shared.cid))") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["repo"])
    }

    @Test func exportNeverShipsACorruptBlock() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try repo.putAll(dag.stored)
        var bytes = dag.a0.bytes
        bytes[0] ^= 1
        try writeBytes(bytes, to: repo.blocks.filePath(for: dag.a0.cid.multihash))
        let error = #expect(throws: BlockStoreError.self) { try repo.exportCAR(root: dag.root.cid, to: dir.file("out.car")) }
        #expect(error?.code == .corrupt)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.car")))
    }

    @Test func aBlockThatDoesNotMatchItsCIDIsRefusedAndHarmsNothing() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        // Already stored and pinned: the CAR below claims s0's CID for other bytes.
        try repo.putAll([dag.s0])
        try repo.pin(dag.s0.cid)
        var forged = dag.s0.bytes
        forged[10] ^= 0x80
        let path = dir.file("bad.car")
        let writer = try CARWriter(path: path, roots: [dag.root.cid])
        try writer.write(dag.root)
        try writer.write(dag.shared)
        try writer.write(cid: dag.s0.cid, bytes: forged)
        try writer.finish()
        let error = #expect(throws: BlockStoreError.self) { try repo.importCAR(from: path) }
        #expect(error?.code == .badCAR)
        #expect(error?.message.contains("section 2") == true)
        #expect(error?.message.contains("\(dag.s0.cid) does not match its CID") == true)
        #expect(try repo.pins().map(\.cid) == [dag.s0.cid])
        #expect(try repo.block(dag.s0.cid) == dag.s0.bytes)
        // The blocks written before the bad one are unpinned, so gc removes them.
        #expect(try repo.has(dag.root.cid))
        let freed = try repo.collectGarbage().removed.map(\.multihash)
        #expect(Set(freed) == Set([dag.root, dag.shared]))
    }

    @Test func aRootMissingFromTheCARAndTheStoreIsRefused() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try carBytes(roots: [dag.root.cid], [dag.s0, dag.s1], to: dir.file("noroot.car"))
        let error = #expect(throws: BlockStoreError.self) { try repo.importCAR(from: dir.file("noroot.car")) }
        #expect(error?.code == .badCAR)
        #expect(error?.message == "root \(dag.root.cid) is neither in the CAR nor in the store")
        #expect(try repo.pins().isEmpty)
    }

    @Test func anIncompleteDAGIsStoredButNotPinned() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try carBytes(roots: [dag.root.cid], [dag.root, dag.shared, dag.s0], to: dir.file("partial.car"))
        let error = #expect(throws: BlockStoreError.self) { try repo.importCAR(from: dir.file("partial.car")) }
        #expect(error?.code == .pinMissingBlock)
        #expect(error?.message.contains("cannot pin \(dag.root.cid)") == true)
        #expect(try repo.pins().isEmpty)
        // Importing without pinning accepts it: the root is present.
        let summary = try repo.importCAR(from: dir.file("partial.car"), pin: false)
        #expect(summary.pins.isEmpty)
        #expect(summary.newBlocks == 0)
    }

    @Test func rootsAlreadyInTheStoreAreEnough() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try repo.putAll([dag.root, dag.shared])
        try carBytes(roots: [dag.root.cid], [dag.s0, dag.s1, dag.a0], to: dir.file("rest.car"))
        let summary = try repo.importCAR(from: dir.file("rest.car"), name: "rest")
        #expect(summary.pins.map(\.name) == ["rest"])
    }

    @Test func aTruncatedCARPinsNothing() throws {
        let dir = TemporaryDirectory()
        let dag = DAG()
        let repo = try Repo(home: dir.file("repo"))
        try carBytes(roots: [dag.root.cid], dag.exportOrder, to: dir.file("full.car"))
        let full = try readBytes(dir.file("full.car"))
        try writeBytes(Array(full.dropLast(100)), to: dir.file("cut.car"))
        let error = #expect(throws: BlockStoreError.self) { try repo.importCAR(from: dir.file("cut.car")) }
        #expect(error?.code == .badCAR)
        #expect(error?.message.contains("truncated") == true)
        #expect(try repo.pins().isEmpty)
    }

    @Test func blocksWithUnverifiableHashesAreRefused() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.file("repo"))
        let sha512 = CID(codec: .raw, multihash: Multihash(code: Multicodec(rawValue: 0x13), digest: Array(repeating: 7, count: 64)))
        try carBytes(roots: [], [Block(trusted: sha512, bytes: [1])], to: dir.file("x.car"))
        let error = #expect(throws: BlockStoreError.self) { try repo.importCAR(from: dir.file("x.car")) }
        #expect(error?.message.contains("unsupported hash function") == true)
        #expect(try repo.storedMultihashes().isEmpty)
    }

    @Test func severalRootsArePinnedTogether() throws {
        let dir = TemporaryDirectory()
        let one = TestDAG.tree(seed: 1), two = TestDAG.tree(seed: 20)
        let repo = try Repo(home: dir.file("repo"))
        try carBytes(roots: [one[0].cid, two[0].cid], one + two, to: dir.file("two.car"))
        let summary = try repo.importCAR(from: dir.file("two.car"))
        #expect(Set(summary.pins.map(\.cid)) == [one[0].cid, two[0].cid])
    }
}
