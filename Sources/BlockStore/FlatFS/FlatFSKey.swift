import IPLD

/// How a block's multihash becomes a file name in a flatfs folder, exactly as kubo does it.
///
/// Since kubo 0.12 the blockstore is keyed by **multihash**, not CID, so the same bytes added as
/// CIDv0 dag-pb, CIDv1 dag-pb or raw share one file. The key is the multihash in RFC 4648 base32,
/// upper case, without padding (a sha2-256 multihash starts `CIQ…`); the file is `<key>.data`
/// inside a shard folder named by the `next-to-last/2` function of go-ds-flatfs: the two
/// characters before the key's last one (`CIQ…ABCDE` → `CD/`). Keys shorter than three characters
/// are padded on the left with `_`.
public enum FlatFSKey {
    /// The extension of block files.
    public static let fileExtension = ".data"
    /// What go-ds-flatfs writes to the `SHARDING` file for this sharding function.
    public static let shardingDescriptor = "/repo/flatfs/shard/v1/next-to-last/2"

    /// The key (file name without extension) of a multihash.
    public static func key(for multihash: Multihash) -> String {
        Multibase.base32Upper.encodeWithoutPrefix(multihash.bytes)
    }

    /// The multihash a key names, or `nil` when the key is not one this store writes.
    public static func multihash(forKey key: some StringProtocol) -> Multihash? {
        guard !key.isEmpty, let bytes = try? Multibase.decode("B" + key) else { return nil }
        return try? Multihash(bytes: bytes)
    }

    /// The shard folder name of a key: `next-to-last/2`.
    public static func shard(ofKey key: String) -> String {
        let utf8 = Array(key.utf8)
        if utf8.count >= 3 {
            return String(decoding: utf8[(utf8.count - 3)..<(utf8.count - 1)], as: UTF8.self)
        }
        let padded = Array(repeating: UInt8(ascii: "_"), count: 3 - utf8.count) + utf8
        return String(decoding: padded[0..<2], as: UTF8.self)
    }

    /// The path of a multihash's block file relative to the store's root: `<shard>/<key>.data`.
    public static func relativePath(for multihash: Multihash) -> String {
        let key = key(for: multihash)
        return shard(ofKey: key) + "/" + key + fileExtension
    }
}
