import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct FlatFSBlockstoreTests {
    @Test func storesOneFileNamedByTheMultihashInItsShard() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.file("blocks"))
        let block = Block(bytes: Array("hello world".utf8), codec: .raw)
        try store.put(block)
        let expected = dir.file("blocks/32/CIQLSTJHXGJU2PQIUUXFFV62PWV7VREE57RXUU4A52IIR55M4LX432I.data")
        #expect(try readBytes(expected) == block.bytes)
        #expect(String(decoding: try readBytes(dir.file("blocks/SHARDING")), as: UTF8.self) == "/repo/flatfs/shard/v1/next-to-last/2\n")
        #expect(try store.block(block.cid) == block.bytes)
        #expect(try store.has(block.cid))
    }

    @Test func cidVersionsAndCodecsShareOneFile() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let v0 = TestDAG.pbLeaf(seed: 1, version: .v0)
        try store.put(v0)
        #expect(v0.cid.version == .v0)
        // The same bytes named as CIDv1 dag-pb, or even raw, are the same file.
        #expect(try store.block(v0.cid.v1) == v0.bytes)
        #expect(try store.has(CID(codec: .raw, multihash: v0.cid.multihash)))
        #expect(try store.write(Block(bytes: v0.bytes, codec: .dagPB, version: .v1)) == false)
        #expect(try store.allMultihashes() == [v0.cid.multihash])
    }

    @Test func putIsIdempotentAndRepairsAFileOfTheWrongSize() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let block = TestDAG.rawLeaf(seed: 7, size: 1000)
        #expect(try store.write(block) == true)
        #expect(try store.write(block) == false)
        // Truncate the file as a crash of another tool might: adding the block again repairs it.
        let path = store.filePath(for: block.cid.multihash)
        try writeBytes(Array(block.bytes.prefix(10)), to: path)
        #expect(try store.write(block) == true)
        #expect(try readBytes(path) == block.bytes)
    }

    @Test func identityBlocksAreAnsweredFromTheCIDAndNeverStored() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let cid = CID(codec: .raw, multihash: .identity(Array("tiny".utf8)))
        #expect(try store.has(cid))
        #expect(try store.block(cid) == Array("tiny".utf8))
        try store.put(Block(trusted: cid, bytes: Array("tiny".utf8)))
        #expect(try store.allMultihashes().isEmpty)
    }

    @Test func missingBlocksThrowTheBlockSourceError() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let cid = TestDAG.rawLeaf(seed: 3).cid
        #expect(try !store.has(cid))
        #expect(throws: IPLDError.blockNotFound(cid)) { try store.block(cid) }
        #expect(try store.size(of: cid.multihash) == nil)
        #expect(try store.remove(cid.multihash) == nil)
    }

    @Test func verifyOnReadRejectsAFlippedByte() throws {
        let dir = TemporaryDirectory()
        let block = TestDAG.rawLeaf(seed: 11)
        let plain = try FlatFSBlockstore(path: dir.path)
        try plain.put(block)
        var bytes = block.bytes
        bytes[5] ^= 0x01
        try writeBytes(bytes, to: plain.filePath(for: block.cid.multihash))
        #expect(try plain.block(block.cid) == bytes)  // not verifying: returns what is on disk
        let verifying = try FlatFSBlockstore(path: dir.path, options: .init(verifyOnRead: true))
        let error = #expect(throws: BlockStoreError.self) { try verifying.block(block.cid) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains(block.cid.string) == true)
    }

    @Test(arguments: FlatFSBlockstore.SyncPolicy.allCases)
    func everySyncPolicyWritesCompleteFilesAndLeavesNoTemporaries(policy: FlatFSBlockstore.SyncPolicy) throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path, options: .init(sync: policy))
        let blocks = (0..<20).map { TestDAG.rawLeaf(seed: UInt64($0), size: 4096) }
        for block in blocks { try store.put(block) }
        for block in blocks { #expect(try store.block(block.cid) == block.bytes) }
        var temporaries = 0
        try store.forEachEntry { if $0.kind == .temporary { temporaries += 1 } }
        #expect(temporaries == 0)
        try store.synchronize()
    }

    @Test func aLeftoverTemporaryFileIsIgnoredAndCleanedUp() throws {
        // A crash between writing the temporary file and renaming it leaves `.tmp-…` behind:
        // it must not count as a block, and cleaning removes it without touching blocks.
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let block = TestDAG.rawLeaf(seed: 5)
        let path = store.filePath(for: block.cid.multihash)
        let shard = String(path[..<path.lastIndex(of: "/")!])
        try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
        try writeBytes(Array(block.bytes.prefix(17)), to: shard + "/.tmp-999-1-2")
        #expect(try !store.has(block.cid))
        #expect(try store.allMultihashes().isEmpty)

        let kept = TestDAG.rawLeaf(seed: 6)
        try store.put(kept)
        #expect(try store.removeTemporaryFiles() == 1)
        #expect(!FileManager.default.fileExists(atPath: shard + "/.tmp-999-1-2"))
        #expect(try store.allMultihashes() == [kept.cid.multihash])
    }

    @Test func listingClassifiesFiles() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let block = TestDAG.rawLeaf(seed: 8)
        try store.put(block)
        try FileManager.default.createDirectory(atPath: dir.file("AB"), withIntermediateDirectories: true)
        try writeBytes([1], to: dir.file("AB/notes.txt"))
        // A valid key in the wrong shard folder is not a block of this layout.
        let key = FlatFSKey.key(for: block.cid.multihash)
        try writeBytes(block.bytes, to: dir.file("AB/\(key).data"))
        var kinds: [String: FlatFSBlockstore.Entry.Kind] = [:]
        try store.forEachEntry { kinds[String($0.path.dropFirst(dir.path.count + 1))] = $0.kind }
        #expect(kinds[FlatFSKey.relativePath(for: block.cid.multihash)] == .block(block.cid.multihash))
        #expect(kinds["AB/notes.txt"] == .unknown)
        #expect(kinds["AB/\(key).data"] == .unknown)
        #expect(kinds.count == 3)
    }

    @Test func anotherShardingFunctionIsRefused() throws {
        let dir = TemporaryDirectory()
        try writeBytes(Array("/repo/flatfs/shard/v1/prefix/2\n".utf8), to: dir.file("SHARDING"))
        let error = #expect(throws: BlockStoreError.self) { try FlatFSBlockstore(path: dir.path) }
        #expect(error?.code == .badRepo)
    }

    @Test func emptyBlocksRoundTrip() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let empty = Block(bytes: [], codec: .raw)
        try store.put(empty)
        #expect(try store.block(empty.cid) == [])
        #expect(try store.has(empty.cid))
    }

    @Test func removeDeletesTheFileAndReportsItsSize() throws {
        let dir = TemporaryDirectory()
        let store = try FlatFSBlockstore(path: dir.path)
        let block = TestDAG.rawLeaf(seed: 9, size: 321)
        try store.put(block)
        #expect(try store.remove(block.cid.multihash) == 321)
        #expect(try !store.has(block.cid))
    }
}
