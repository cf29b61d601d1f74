import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoTests {
    @Test func createsTheLayoutOnFirstUse() throws {
        let dir = TemporaryDirectory()
        let home = dir.file("home/.shoal")
        _ = try Repo(home: home)
        for name in ["blocks", "blocks/SHARDING", "repo.sqlite", "repo.lock", "version"] {
            #expect(FileManager.default.fileExists(atPath: home + "/" + name), "\(name) missing")
        }
        #expect(String(decoding: try readBytes(home + "/version"), as: UTF8.self) == "1\n")
        // Opening again reuses it.
        let repo = try Repo(home: home)
        #expect(try repo.pins().isEmpty)
    }

    @Test func anotherLayoutVersionIsRefused() throws {
        let dir = TemporaryDirectory()
        try writeBytes(Array("7\n".utf8), to: dir.file("version"))
        let error = #expect(throws: BlockStoreError.self) { try Repo(home: dir.path) }
        #expect(error?.code == .badRepo)
        #expect(error?.message.contains("version") == true)
    }

    @Test func defaultHomeFollowsTheEnvironment() {
        #expect(Repo.defaultHome(environment: ["SHOAL_HOME": "/data/s", "HOME": "/root"]) == "/data/s")
        #expect(Repo.defaultHome(environment: ["SHOAL_HOME": "", "HOME": "/home/a"]) == "/home/a/.shoal")
        #expect(Repo.defaultHome(environment: ["HOME": "/home/b"]) == "/home/b/.shoal")
    }

    @Test func writesAreIndexedAndReadable() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let blocks = (0..<(RepoWriter.indexBatchSize + 3)).map { TestDAG.rawLeaf(seed: UInt64($0), size: 10) }
        try repo.putAll(blocks)
        let stats = try repo.statistics()
        #expect(stats.blocks == blocks.count)
        #expect(stats.bytes == blocks.count * 10)
        #expect(try repo.block(blocks[7].cid) == blocks[7].bytes)
        #expect(try repo.has(blocks.last!.cid))
    }

    @Test func aWriterCannotOutliveItsSession() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let escaped = try repo.write { $0 }
        let error = #expect(throws: BlockStoreError.self) { try escaped.put(TestDAG.rawLeaf(seed: 1)) }
        #expect(error?.code == .sessionClosed)
    }

    @Test func aFailingSessionStillIndexesWhatItWrote() throws {
        struct Stop: Error {}
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let block = TestDAG.rawLeaf(seed: 4)
        #expect(throws: Stop.self) {
            try repo.write { writer in
                try writer.put(block)
                throw Stop()
            }
        }
        #expect(try repo.statistics().blocks == 1)
        #expect(try repo.verify().isHealthy)
    }

    @Test func concurrentFirstOpensAgree() async throws {
        // Several openers racing to create one repository all succeed and share it.
        let dir = TemporaryDirectory()
        let home = dir.file("race")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seed in 0..<4 {
                group.addTask {
                    let repo = try Repo(home: home)
                    try repo.pin(try repo.write { writer in
                        let block = TestDAG.rawLeaf(seed: UInt64(seed))
                        try writer.put(block)
                        return block.cid
                    })
                }
            }
            try await group.waitForAll()
        }
        #expect(try Repo(home: home).pins().count == 4)
    }
}
