import BlockStore
import IPLD
import ShoalTesting
import Testing
import UnixFS

@testable import Gateway

/// The walk behind CAR responses: order, scopes, byte ranges, identity blocks, the policy.
@Suite struct DAGTraversalTests {
    /// The CIDs a walk from `root` returns.
    static func walk(
        _ root: CID, in source: any BlockSource, scope: DAGScope = .all, range: EntityBytes? = nil,
        policy: (any GatewayAccessPolicy)? = nil, duplicates: Bool = false
    ) throws -> [CID] {
        let rootBlock = Block(trusted: root, bytes: try source.block(root))
        var traversal = DAGTraversal(source: source, policy: policy, duplicates: duplicates)
        try traversal.start(root: rootBlock, expansion: DAGTraversal.expansion(for: rootBlock, scope: scope, range: range))
        var cids: [CID] = []
        while let block = try traversal.next() { cids.append(block.cid) }
        return cids
    }

    @Test func theOrderIsTheRepositoryExportOrder() throws {
        let fixture = try GatewayFixture("traversal-order")
        let file = try fixture.addFile(seed: 1, size: 30 * 256, chunk: 256, maxLinks: 4)
        #expect(try Self.walk(file.cid, in: fixture.repo) == fixture.blocksInOrder(file.cid).map(\.cid))
    }

    @Test func entityOfAFileIsTheWholeFileAndOfADirectoryOnlyItsBlock() throws {
        let fixture = try GatewayFixture("traversal-entity")
        try fixture.directory.mkdir("tree")
        try fixture.directory.write("tree/a.bin", SplitMix64.bytes(seed: 1, count: 3000))
        try fixture.directory.write("tree/b.bin", SplitMix64.bytes(seed: 2, count: 3000))
        let profile = ImportProfile(cidVersion: .v1, rawLeaves: true, chunker: .fixedSize(1024))
        let tree = try fixture.repo.add(fixture.directory.file("tree"), AddRequest(profile: profile, options: ImportOptions(recursive: true), pin: false))
        let entries = try fixture.repo.unixfs.ls(tree.cid)
        let fileCID = try #require(entries.first { $0.name == "a.bin" }).cid

        #expect(try Self.walk(tree.cid, in: fixture.repo, scope: .entity) == [tree.cid])
        #expect(try Self.walk(fileCID, in: fixture.repo, scope: .entity) == Self.walk(fileCID, in: fixture.repo, scope: .all))
        #expect(try Self.walk(fileCID, in: fixture.repo, scope: .entity).count == 4)  // root + 3 leaves
        #expect(try Self.walk(tree.cid, in: fixture.repo, scope: .block) == [tree.cid])
    }

    @Test func entityOfAHAMTDirectoryIsItsShardsWithoutEntries() throws {
        let fixture = try GatewayFixture("traversal-hamt")
        try fixture.directory.mkdir("wide")
        for index in 0..<60 { try fixture.directory.write("wide/file-\(index)", SplitMix64.bytes(seed: UInt64(index), count: 10)) }
        let profile = ImportProfile(cidVersion: .v1, rawLeaves: true, hamtShardingThreshold: 1, hamtFanout: 8)
        let wide = try fixture.repo.add(fixture.directory.file("wide"), AddRequest(profile: profile, options: ImportOptions(recursive: true), pin: false))
        let entity = try Self.walk(wide.cid, in: fixture.repo, scope: .entity)
        let all = try Self.walk(wide.cid, in: fixture.repo, scope: .all)
        // Every block of the entity walk is a HAMT shard; the rest of the DAG is the 60 files.
        for cid in entity {
            let node = try PBNode(decoding: fixture.repo.block(cid))
            #expect(try UnixFSData(decoding: node.data ?? []).type == .hamtShard)
        }
        #expect(entity.count > 1, "60 names in 8 buckets nest shards")
        #expect(all.count == entity.count + 60)
        #expect(Array(all.filter(Set(entity).contains)) == entity)
    }

    @Test func entityBytesSendsOnlyTheBlocksThatHoldTheRange() throws {
        let fixture = try GatewayFixture("traversal-range")
        // 20 leaves of 100 bytes, at most 4 links per node: a three-level tree.
        let file = try fixture.addFile(seed: 9, size: 2000, chunk: 100, maxLinks: 4)
        let leaves = try fixture.blocksInOrder(file.cid).filter { $0.cid.codec == .raw }
        #expect(leaves.count == 20)
        func rawLeaves(_ range: EntityBytes) throws -> [CID] {
            try Self.walk(file.cid, in: fixture.repo, scope: .entity, range: range).filter { $0.codec == .raw }
        }
        #expect(try rawLeaves(EntityBytes(from: 0, to: 99)) == [leaves[0].cid])
        #expect(try rawLeaves(EntityBytes(from: 150, to: 420)) == leaves[1...4].map(\.cid))
        #expect(try rawLeaves(EntityBytes(from: -150, to: nil)) == leaves[18...19].map(\.cid))
        #expect(try rawLeaves(EntityBytes(from: 0, to: nil)) == leaves.map(\.cid))
        #expect(try rawLeaves(EntityBytes(from: 1999, to: 5000)) == [leaves[19].cid])
        // Every block sent on the way is needed: the path down to the leaves, nothing else.
        let path = try Self.walk(file.cid, in: fixture.repo, scope: .entity, range: EntityBytes(from: 0, to: 99))
        #expect(path.first == file.cid)
        #expect(path.count == 4)  // root, two inner nodes (20 leaves need three levels of 4), first leaf
        // A zero-length selection is answered like dag-scope=block.
        #expect(try Self.walk(file.cid, in: fixture.repo, scope: .entity, range: EntityBytes(from: 0, to: -5000)) == [file.cid])
        #expect(throws: GatewayError.self) { try Self.walk(file.cid, in: fixture.repo, scope: .entity, range: EntityBytes(from: 2000, to: nil)) }
    }

    @Test func identityBlocksAreWalkedThroughButNeverReturned() throws {
        let store = MemoryBlockstore()
        let leaf = TestBlocks.raw(seed: 3, size: 50)
        try store.put(leaf)
        // An inline dag-pb node (identity CID) that links to a stored leaf.
        let inline = TestBlocks.node([leaf.cid])
        let inlineCID = CID(codec: .dagPB, multihash: .identity(inline.bytes))
        let root = TestBlocks.node([inlineCID, CID(codec: .raw, multihash: .identity([1, 2, 3]))])
        try store.put(root)
        #expect(try Self.walk(root.cid, in: store) == [root.cid, leaf.cid])
    }

    @Test func aRefusedBlockIsNeitherSentNorDescendedInto() throws {
        let store = MemoryBlockstore()
        let leaves = (0..<4).map { TestBlocks.raw(seed: UInt64($0)) }
        let left = TestBlocks.node([leaves[0].cid, leaves[1].cid])
        let right = TestBlocks.node([leaves[2].cid, leaves[3].cid])
        let root = TestBlocks.node([left.cid, right.cid])
        for block in leaves + [left, right, root] { try store.put(block) }
        let policy = WithheldBlocks([left.cid])
        #expect(try Self.walk(root.cid, in: store, policy: policy) == [root.cid, right.cid, leaves[2].cid, leaves[3].cid])
    }

    @Test func aMissingChildEndsTheWalkWithNotFound() throws {
        let store = MemoryBlockstore()
        let leaves = (0..<2).map { TestBlocks.raw(seed: UInt64($0)) }
        let root = TestBlocks.node(leaves.map(\.cid))
        try store.put(root)
        try store.put(leaves[0])
        let error = #expect(throws: GatewayError.self) { try Self.walk(root.cid, in: store) }
        #expect(error?.code == .notFound)
        #expect(error?.message == "block \(leaves[1].cid) (linked from \(root.cid)) is not held here")
    }

    @Test func aCodecWhoseLinksCannotBeReadIsNotAcceptableForAWholeDAG() throws {
        let store = MemoryBlockstore()
        let odd = Block(bytes: [1, 2, 3], codec: Multicodec(rawValue: 0x0300))
        try store.put(odd)
        let error = #expect(throws: GatewayError.self) { try Self.walk(odd.cid, in: store) }
        #expect(error?.code == .notAcceptable)
        #expect(try Self.walk(odd.cid, in: store, scope: .block) == [odd.cid])
    }
}
