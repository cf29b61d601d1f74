import IPLD
import Testing

@testable import BlockStore

@Suite struct FlatFSKeyTests {
    // Expected keys from the reference oracle's `flatfs_key` (kubo ≥ 0.12: base32 upper of the multihash).
    @Test(arguments: [
        ("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", "CIQLSTJHXGJU2PQIUUXFFV62PWV7VREE57RXUU4A52IIR55M4LX432I", "32"),
        ("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "CIQOHMGEIKMPYHAUTL57JSEZN64SIJ5OIHSGJG4TJSSJLGI3PBJLQVI", "QV"),
        ("bafkreieiq2lmhdujlxlufocjj5cjegobfiswufwqqqnzhaj4qqnctdpzfq", "CIQIRBUWYOHISXOXIK4EST2ESIM4CKRFNILNBBA3SOATZBA2FGG7SLA", "SL"),
    ])
    func keyAndShardMatchKubo(cid: String, key: String, shard: String) throws {
        let multihash = try CID(cid).multihash
        #expect(FlatFSKey.key(for: multihash) == key)
        #expect(FlatFSKey.shard(ofKey: key) == shard)
        #expect(FlatFSKey.relativePath(for: multihash) == "\(shard)/\(key).data")
        #expect(FlatFSKey.multihash(forKey: key) == multihash)
    }

    @Test func shortKeysArePaddedLikeGoDsFlatfs() {
        // next-to-last/2 pads on the left with "_" to three characters, then takes two.
        #expect(FlatFSKey.shard(ofKey: "AB") == "_A")
        #expect(FlatFSKey.shard(ofKey: "A") == "__")
        #expect(FlatFSKey.shard(ofKey: "ABC") == "AB")
    }

    @Test func namesThatAreNotMultihashesAreRejected() {
        #expect(FlatFSKey.multihash(forKey: "") == nil)
        #expect(FlatFSKey.multihash(forKey: "not-base32!") == nil)
        #expect(FlatFSKey.multihash(forKey: "CIQ") == nil)  // truncated digest
        #expect(FlatFSKey.multihash(forKey: "ciqlstjhxgju2pqiuuxffv62pwv7vree57rxuu4a52iir55m4lx432i") == nil)  // lower case
    }
}
