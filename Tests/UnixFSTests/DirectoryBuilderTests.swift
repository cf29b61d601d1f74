import IPLD
import Testing
@testable import UnixFS

@Suite struct DirectoryBuilderTests {
    private func entry(_ name: String, _ seed: UInt8) -> DirectoryBuilder.Entry {
        DirectoryBuilder.Entry(name: name, cid: CID.sha256([seed], codec: .raw), dagSize: 1, contentSize: 1)
    }

    @Test func linksAreSortedByNameBytes() throws {
        let store = MemoryBlockstore()
        // "e\u{301}" (NFD) sorts before "\u{e9}" (NFC) by bytes: 0x65 < 0xc3; both are kept.
        let names = ["\u{e9}.txt", "b", "B", "e\u{301}.txt", "a", "_"]
        let link = try DirectoryBuilder(profile: .kuboDefault, sink: store)
            .build(names.enumerated().map { entry($1, UInt8($0)) }, path: "d")
        let node = try PBNode(decoding: try store.block(link.cid))
        #expect(node.links.map { Array($0.name!.utf8) } == ["B", "_", "a", "b", "e\u{301}.txt", "\u{e9}.txt"].map { Array($0.utf8) })
        #expect(node.data == [0x08, 0x01])
        #expect(link.dagSize == UInt64(try store.block(link.cid).count) + 6)
    }

    @Test func duplicateNamesAreRefused() {
        #expect(throws: UnixFSError.self) {
            try DirectoryBuilder(profile: .kuboDefault, sink: DiscardingBlockSink()).build([entry("x", 1), entry("x", 2)], path: "d")
        }
    }

    /// The estimate is name bytes + CID bytes per entry, and reaching the threshold shards.
    @Test func shardsExactlyAtTheThreshold() {
        let entries = [entry("ab", 1), entry("cde", 2)]  // (2 + 36) + (3 + 36) = 77 bytes for CIDv1 raw
        func shards(_ threshold: Int) -> Bool {
            var profile = ImportProfile.cidV1
            profile.hamtShardingThreshold = threshold
            return DirectoryBuilder(profile: profile, sink: DiscardingBlockSink()).shouldShard(entries)
        }
        #expect(shards(77))
        #expect(!shards(78))
        #expect(!shards(0))  // 0 disables sharding
    }
}
