import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoVerifyTests {
    @Test func aHealthyRepository() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1, leafSize: 1000)
        try repo.putAll(tree)
        let report = try repo.verify()
        #expect(report.isHealthy)
        #expect(report.checkedBlocks == tree.count)
        #expect(report.checkedBytes == tree.reduce(0) { $0 + $1.bytes.count })
    }

    @Test func findsAFlippedByteADeletedFileAndAnOrphanWithoutChangingAnything() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1, leafSize: 1000)
        try repo.putAll(tree)
        try repo.pin(tree[0].cid)

        let corruptPath = repo.blocks.filePath(for: tree[1].cid.multihash)
        var bytes = try readBytes(corruptPath)
        bytes[500] ^= 0x04
        try writeBytes(bytes, to: corruptPath)
        try repo.blocks.remove(tree[2].cid.multihash)
        let orphan = TestDAG.pbLeaf(seed: 77)
        try repo.blocks.put(orphan)
        let temp = dir.path + "/blocks/" + FlatFSKey.relativePath(for: orphan.cid.multihash).prefix(2) + "/.tmp-5-5-5"
        try writeBytes([0], to: temp)

        let report = try repo.verify()
        #expect(!report.isHealthy)
        #expect(report.corrupt == [.init(multihash: tree[1].cid.multihash, cid: tree[1].cid, path: corruptPath)])
        #expect(report.missing.map(\.cid) == [tree[2].cid])
        #expect(report.orphans.map(\.multihash) == [orphan.cid.multihash])
        #expect(report.temporaryFiles == [temp])
        // Verify never repairs or deletes.
        #expect(try readBytes(corruptPath) == bytes)
        #expect(FileManager.default.fileExists(atPath: temp))
        #expect(try repo.has(orphan.cid))
        #expect(try repo.pins().count == 1)
    }

    @Test func reportsUnknownFilesButLeavesThemAlone() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        try FileManager.default.createDirectory(atPath: dir.path + "/blocks/ZZ", withIntermediateDirectories: true)
        try writeBytes([9], to: dir.path + "/blocks/ZZ/README")
        let report = try repo.verify()
        #expect(report.unknownFiles == [dir.path + "/blocks/ZZ/README"])
        #expect(report.isHealthy)
        _ = try repo.collectGarbage()
        #expect(FileManager.default.fileExists(atPath: dir.path + "/blocks/ZZ/README"))
    }
}
