import IPLD
import ShoalTesting
import Testing
@testable import UnixFS

@Suite struct HAMTBuilderTests {
    @Test func geometryFollowsBoxo() throws {
        let g256 = try HAMTGeometry(fanout: 256)
        #expect(g256.bitsPerLevel == 8)
        #expect(g256.prefixWidth == 2)
        #expect(g256.prefix(10) == "0A")
        #expect(g256.bucket(ofHash: 0xAB00_0000_0000_0001, level: 0) == 0xAB)
        #expect(g256.bucket(ofHash: 0xAB00_0000_0000_0001, level: 7) == 0x01)
        let g16 = try HAMTGeometry(fanout: 16)
        #expect(g16.prefixWidth == 1)
        #expect(g16.bucket(ofHash: 0xAB00_0000_0000_0000, level: 1) == 0xB)
        #expect(try HAMTGeometry(fanout: 1024).prefixWidth == 3)
        #expect(throws: UnixFSError.self) { try HAMTGeometry(fanout: 48) }
    }

    @Test func bitfieldIsBigEndianWithLeadingZerosDropped() throws {
        let g = try HAMTGeometry(fanout: 256)
        #expect(g.bitfield([0]) == [0x01])
        #expect(g.bitfield([0, 9]) == [0x02, 0x01])
        #expect(g.bitfield([255])?.count == 32)
        #expect(g.bitfield([]) == nil)
        #expect(g.isOccupied(9, in: [0x02, 0x01]))
        #expect(!g.isOccupied(8, in: [0x02, 0x01]))
        #expect(!g.isOccupied(200, in: [0x02, 0x01]))
    }

    /// A small fanout forces several levels; every shard must be consistent and every name
    /// findable by hash.
    @Test(arguments: [8, 16, 256])
    func everyNameIsFoundThroughTheShards(fanout: Int) throws {
        let store = MemoryBlockstore()
        var profile = ImportProfile.cidV1
        profile.hamtShardingThreshold = 1
        profile.hamtFanout = fanout
        let entries = (0..<600).map { i in
            DirectoryBuilder.Entry(name: "name-\(i)", cid: CID.sha256(Array("\(i)".utf8), codec: .raw), dagSize: 1, contentSize: 1)
        }
        let root = try DirectoryBuilder(profile: profile, sink: store).build(entries, path: "d")
        let exporter = UnixFSExporter(source: store)
        let info = try exporter.stat(root.cid)
        #expect(info.isSharded)
        let listed = try exporter.ls(root.cid, resolveTypes: false)
        #expect(Set(listed.map(\.name)) == Set(entries.map(\.name)))
        for entry in entries.prefix(50) {
            #expect(try exporter.resolve("\(root.cid)/\(entry.name)") == entry.cid)
        }
        #expect(throws: UnixFSError.self) { try exporter.resolve("\(root.cid)/name-600") }
        // The DAG size counts every shard block once plus the entries' sizes.
        var shardBytes: UInt64 = 0
        for cid in store.cids where cid.codec == .dagPB { shardBytes += UInt64(try store.block(cid).count) }
        #expect(root.dagSize == shardBytes + 600)
    }

    /// Insertion order does not matter: the trie depends on the set of names only.
    @Test func sameNamesGiveSameRoot() throws {
        var profile = ImportProfile.cidV1
        profile.hamtShardingThreshold = 1
        profile.hamtFanout = 8
        let entries = (0..<100).map { i in
            DirectoryBuilder.Entry(name: "n\(i)", cid: CID.sha256([UInt8(i)], codec: .raw), dagSize: 1, contentSize: 1)
        }
        let a = try DirectoryBuilder(profile: profile, sink: DiscardingBlockSink()).build(entries, path: "d")
        let b = try DirectoryBuilder(profile: profile, sink: DiscardingBlockSink()).build(entries.reversed(), path: "d")
        #expect(a.cid == b.cid)
    }

    /// Small fanouts, where kubo cannot be asked: every name must sit in the buckets an
    /// independent HAMT implementation (hamt-sharding, see make_vectors.py) puts it in.
    @Test(arguments: [8, 16, 32])
    func placementMatchesIndependentImplementation(fanout: Int) throws {
        let expected = try #require(KnownAnswerVectors.hamtPlacements[fanout])
        let store = MemoryBlockstore()
        var profile = ImportProfile.cidV1
        profile.hamtShardingThreshold = 1
        profile.hamtFanout = fanout
        let entries = expected.keys.map { name in
            DirectoryBuilder.Entry(name: name, cid: CID.sha256(Array(name.utf8), codec: .raw), dagSize: 1, contentSize: 1)
        }
        let root = try DirectoryBuilder(profile: profile, sink: store).build(entries, path: "d")
        let geometry = try HAMTGeometry(fanout: fanout)
        var placed: [String: [Int]] = [:]
        func walk(_ cid: CID, _ path: [Int]) throws {
            let node = try PBNode(decoding: try store.block(cid))
            let data = try UnixFSData(decoding: node.data!)
            #expect(data.fanout == UInt64(fanout) && data.hashType == 0x22)
            var buckets: [Int] = []
            for link in node.links {
                let name = link.name!
                let bucket = try #require(geometry.bucket(ofPrefix: name.prefix(geometry.prefixWidth)))
                buckets.append(bucket)
                if name.count == geometry.prefixWidth {
                    try walk(link.hash, path + [bucket])
                } else {
                    placed[String(name.dropFirst(geometry.prefixWidth))] = path + [bucket]
                }
            }
            #expect(buckets == buckets.sorted())
            #expect(data.data == geometry.bitfield(buckets))
        }
        try walk(root.cid, [])
        #expect(placed == expected)
    }
}
