import Foundation
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoWriterTests {
    @Test func recognisesLinklessDagPBExactly() {
        #expect(RepoWriter.isLinklessDagPB([]))
        #expect(RepoWriter.isLinklessDagPB(TestDAG.pbLeaf(seed: 1, size: 300).bytes))
        #expect(!RepoWriter.isLinklessDagPB(TestDAG.tree(seed: 1)[0].bytes))  // has links
        // Data followed by anything (a link after Data is invalid dag-pb) is not treated as a leaf.
        #expect(!RepoWriter.isLinklessDagPB(TestDAG.pbLeaf(seed: 1, size: 3).bytes + [0x12, 0x00]))
        #expect(!RepoWriter.isLinklessDagPB([0x0A, 0x05, 1, 2]))  // truncated
    }

    @Test func aPinInTheWritingSessionDoesNotReReadItsDagPBLeaves() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaves = (0..<3).map { TestDAG.pbLeaf(seed: UInt64($0), size: 1000, version: .v0) }
        let root = TestDAG.node(leaves.map(\.cid), version: .v0)
        try repo.write { writer in
            for block in leaves + [root] { try writer.put(block) }
            // Damage a leaf behind the writer's back: the session's pin trusts what it wrote
            // (only checking presence), which is what makes it cheap...
            try writeBytes([0x0A, 0x01, 0x00], to: repo.blocks.filePath(for: leaves[1].cid.multihash))
            try writer.pin(root.cid)
        }
        // ...while a pin from another session reads and verifies every dag-pb block.
        try repo.unpin(root.cid)
        let error = #expect(throws: BlockStoreError.self) { try repo.pin(root.cid) }
        #expect(error?.code == .corrupt)
        // A leaf missing at pin time is still caught in the writing session.
        try repo.write { writer in
            for block in leaves + [root] { try writer.put(block) }
            try repo.blocks.remove(leaves[2].cid.multihash)
            #expect(throws: BlockStoreError.self) { try writer.pin(root.cid) }
        }
    }
}

extension RepoWriterTests {
    @Test func leavesThatWereAlreadyStoredAreStillVerifiedByThePin() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let leaf = TestDAG.pbLeaf(seed: 1, size: 1000, version: .v0)
        let root = TestDAG.node([leaf.cid], version: .v0)
        try repo.putAll([leaf])
        // Same size, wrong bytes: put leaves the file alone, so the pin must read it.
        var bytes = leaf.bytes
        bytes[bytes.count - 1] ^= 1
        try writeBytes(bytes, to: repo.blocks.filePath(for: leaf.cid.multihash))
        let error = #expect(throws: BlockStoreError.self) {
            try repo.write { writer in
                try writer.put(leaf)
                try writer.put(root)
                try writer.pin(root.cid)
            }
        }
        #expect(error?.code == .corrupt)
    }

    @Test func aPinOnBlocksAnotherSessionWroteWaitsForAFlushToo() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let block = TestDAG.rawLeaf(seed: 7)
        // Another session wrote the block and has not pinned (so not flushed) yet.
        let other = try repo.beginWriteSession()
        try other.writer.put(block)
        let before = repo.blocks.flushCount
        try repo.write { writer in
            #expect(try !writer.store(block), "the file was there already")
            try writer.pin(block.cid)
        }
        // The pin rests on a file nobody flushed: it flushed first.
        #expect(repo.blocks.flushCount > before)
        other.abandon()
    }
}
