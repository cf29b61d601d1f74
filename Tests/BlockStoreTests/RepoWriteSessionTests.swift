import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

/// Write sessions that outlive one closure (a network fetch awaits between blocks).
@Suite struct RepoWriteSessionTests {
    @Test func gcWaitsForAnOpenSessionAndKeepsWhatItPinned() throws {
        let dir = TemporaryDirectory("write-session")
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        let session = try repo.beginWriteSession()
        for block in tree { try session.writer.put(block) }
        // A second opener is another open file description: gc is locked out as for another process.
        let other = try Repo(home: dir.path)
        #expect(throws: BlockStoreError.self) { try other.collectGarbage(wait: false) }
        try session.writer.pin(tree[0].cid)
        try session.end()
        try session.end()  // a second end does nothing
        let collected = try other.collectGarbage(wait: false)
        #expect(collected.removed.count == 0)
        #expect(try repo.storedMultihashes() == Set(tree))
    }

    @Test func aSessionEndedWithoutAPinLeavesBlocksForGC() throws {
        let dir = TemporaryDirectory("write-session-abandon")
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 2)
        do {
            let session = try repo.beginWriteSession()
            for block in tree { try session.writer.put(block) }
            session.abandon()
            #expect(throws: BlockStoreError.self) { try session.writer.put(TestDAG.rawLeaf(seed: 9)) }
        }
        // The index rows were flushed at the end: the blocks are known, unpinned, and collectable
        // at once (the lock is unlocked, not only closed: see RepoLock.release).
        #expect(try repo.statistics().blocks == tree.count)
        #expect(try repo.collectGarbage(wait: false).removed.count == tree.count)
    }

    @Test func aSessionDroppedWithoutEndingReleasesTheLock() throws {
        let dir = TemporaryDirectory("write-session-deinit")
        let repo = try Repo(home: dir.path)
        do {
            let session = try repo.beginWriteSession()
            try session.writer.put(TestDAG.rawLeaf(seed: 3))
        }
        #expect(try repo.collectGarbage(wait: false).removed.count == 1)
    }

    @Test func beginningASessionWhileGCRunsIsBusyWhenNotWaiting() throws {
        let dir = TemporaryDirectory("write-session-busy")
        let repo = try Repo(home: dir.path)
        try RepoLock.withLock(.exclusive, path: dir.path + "/repo.lock") {
            let error = #expect(throws: BlockStoreError.self) { try repo.beginWriteSession(wait: false) }
            #expect(error?.code == .busy)
        }
        let session = try repo.beginWriteSession(wait: false)
        try session.end()
    }
}
