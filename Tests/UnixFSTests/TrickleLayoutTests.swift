import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

@Suite struct TrickleLayoutTests {
    private func root(_ count: Int, chunk: Int = 1, rawLeaves: Bool = true) throws -> (PBNode, UnixFSData, MemoryBlockstore) {
        let profile = ImportProfile(cidVersion: .v1, rawLeaves: rawLeaves, chunker: .fixedSize(chunk), layout: .trickle)
        let store = MemoryBlockstore()
        let cid = try UnixFSImporter(profile: profile, sink: store).importBytes(SplitMix64.bytes(seed: 4, count: count))
        let node = try PBNode(decoding: try store.block(cid.cid))
        return (node, try UnixFSData(decoding: node.data!), store)
    }

    @Test func evenOneChunkGetsARoot() throws {
        let (node, data, _) = try root(1)
        #expect(node.links.count == 1)
        #expect(node.links[0].hash.codec == .raw)
        #expect(data.blocksizes == [1])
    }

    @Test func emptyFileIsAnEmptyFileNode() throws {
        let (node, data, _) = try root(0)
        #expect(node.links.isEmpty)
        #expect(data == UnixFSData(type: .file, filesize: 0))
    }

    /// After 174 leaves come subtrees of depth 1 (174 leaves each), four of them, then depth 2.
    @Test func subtreesFollowTheLeaves() throws {
        let (node, data, _) = try root(174 + 4 * 174 + 1)
        #expect(node.links.count == 174 + 5)
        #expect(Array(data.blocksizes.suffix(5)) == [174, 174, 174, 174, 1])
    }

    @Test func dagPBLeavesAreOfTypeRaw() throws {
        let (node, _, store) = try root(3, rawLeaves: false)
        let leaf = try PBNode(decoding: try store.block(node.links[0].hash))
        #expect(try UnixFSData(decoding: leaf.data!).type == .raw)
    }
}
