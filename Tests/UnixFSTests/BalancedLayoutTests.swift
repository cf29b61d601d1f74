import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

@Suite struct BalancedLayoutTests {
    private func rootNode(_ bytes: [UInt8], _ profile: ImportProfile) throws -> (PBNode, UnixFSData, MemoryBlockstore, CID) {
        let store = MemoryBlockstore()
        let cid = try UnixFSImporter(profile: profile, sink: store).importBytes(bytes).cid
        let node = try PBNode(decoding: try store.block(cid))
        return (node, try UnixFSData(decoding: node.data ?? []), store, cid)
    }

    @Test func oneChunkIsItsOwnLeaf() throws {
        let bytes = SplitMix64.bytes(seed: 1, count: 100)
        let raw = try UnixFSImporter(profile: .cidV1, sink: DiscardingBlockSink()).importBytes(bytes)
        #expect(raw.cid == CID.sha256(bytes, codec: .raw))
        let (node, data, _, _) = try rootNode(bytes, .kuboDefault)
        #expect(node.links.isEmpty)
        #expect(data == UnixFSData(type: .file, data: bytes, filesize: 100))
    }

    /// 174 full chunks fill one level; one more byte adds a level whose root has two children.
    @Test func levelsGrowAtTheTop() throws {
        var profile = ImportProfile.cidV1
        profile.chunker = .fixedSize(10)
        let (full, fullData, _, _) = try rootNode(SplitMix64.bytes(seed: 2, count: 1740), profile)
        #expect(full.links.count == 174)
        #expect(fullData.blocksizes == Array(repeating: 10, count: 174))
        #expect(fullData.filesize == 1740)
        let (grown, grownData, _, _) = try rootNode(SplitMix64.bytes(seed: 2, count: 1741), profile)
        #expect(grown.links.count == 2)
        #expect(grownData.blocksizes == [1740, 1])
        #expect(grown.links.allSatisfy { $0.name == "" && $0.tsize != nil })
    }

    @Test func smallMaxLinksBuildsADeepTree() throws {
        var profile = ImportProfile.cidV1
        profile.chunker = .fixedSize(1)
        profile.maxLinks = 2
        let (node, data, store, _) = try rootNode(SplitMix64.bytes(seed: 3, count: 5), profile)
        // 5 leaves with 2 links per node: [[[1,1],[1,1]],[[1]]]: the root covers 4 + 1.
        #expect(data.blocksizes == [4, 1])
        let right = try PBNode(decoding: try store.block(node.links[1].hash))
        #expect(try UnixFSData(decoding: right.data!).blocksizes == [1])
    }
}
