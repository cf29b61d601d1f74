import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoDAGSizeTests {
    @Test func theSizeOfADAGIsItsBlocksCountedOnce() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1, fanout: 3, leafSize: 1000)
        // A second root sharing the first leaf: shared blocks count once within one DAG.
        let shared = TestDAG.node([tree[1].cid, tree[1].cid, tree[0].cid])
        try repo.putAll(tree + [shared])
        #expect(try repo.dagSize(tree[0].cid) == tree.map(\.bytes.count).reduce(0, +))
        #expect(try repo.dagSize(shared.cid) == shared.bytes.count + tree.map(\.bytes.count).reduce(0, +))
        #expect(try repo.dagSize(tree[2].cid) == 1000)
    }

    @Test func aMissingBlockIsAnErrorNotASmallerSize() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 1)
        try repo.putAll(Array(tree.dropLast()))
        let error = #expect(throws: BlockStoreError.self) { try repo.dagSize(tree[0].cid) }
        #expect(error?.code == .pinMissingBlock)
    }

    @Test func aDAGIsCompleteOnlyWithEveryBlock() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        let tree = TestDAG.tree(seed: 2)
        try repo.putAll(Array(tree.dropLast()))
        #expect(try repo.hasComplete(tree[0].cid) == false)
        #expect(try repo.hasComplete(tree.last!.cid) == false)
        try repo.putAll([tree.last!])
        #expect(try repo.hasComplete(tree[0].cid))
    }
}
