/// The shape of a HAMT-sharded directory: how many buckets a shard has, how many hash bits each
/// level consumes, and how bucket indexes are written in link names.
///
/// Link names start with the bucket index in upper-case hexadecimal, zero-padded to the width of
/// `fanout - 1` (2 characters for 256 buckets). A link named by the prefix alone points to a
/// sub-shard; a longer name is the prefix followed by an entry's name (boxo `hamt.go`).
struct HAMTGeometry: Hashable, Sendable {
    let fanout: Int
    /// log2(fanout): hash bits consumed per level.
    let bitsPerLevel: Int
    /// Characters of the hexadecimal bucket prefix in link names.
    let prefixWidth: Int

    /// - Throws: ``UnixFSError/Code/invalidData`` unless `fanout` is a power of two, a multiple
    ///   of 8 and at most 1024 (the spec's and boxo's limits).
    init(fanout: Int) throws {
        guard fanout >= 8, fanout <= ImportProfile.maxHAMTFanout, fanout & (fanout - 1) == 0 else {
            throw UnixFSError(.invalidData, "HAMT fanout \(fanout) is not a power of two in 8...1024")
        }
        self.fanout = fanout
        self.bitsPerLevel = fanout.trailingZeroBitCount
        self.prefixWidth = String(fanout - 1, radix: 16).count
    }

    /// How many levels a 64-bit name hash can place: deeper shards would need more hash bits.
    var maxLevels: Int { 64 / bitsPerLevel }

    /// The bucket of a name at `level`: the next `bitsPerLevel` bits of its hash, most significant
    /// first (boxo `hashBits.Next`).
    func bucket(ofHash hash: UInt64, level: Int) -> Int {
        Int((hash << UInt64(level * bitsPerLevel)) >> UInt64(64 - bitsPerLevel))
    }

    /// The link-name prefix of a bucket: `%0*X`.
    func prefix(_ bucket: Int) -> String {
        let hex = String(bucket, radix: 16, uppercase: true)
        return String(repeating: "0", count: prefixWidth - hex.count) + hex
    }

    /// The bucket a link-name prefix names, or `nil` if it is not valid upper-case hexadecimal
    /// below the fanout.
    func bucket(ofPrefix prefix: Substring) -> Int? {
        guard prefix.count == prefixWidth,
              prefix.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }),
              let value = Int(prefix, radix: 16), value < fanout
        else { return nil }
        return value
    }

    /// The bitfield of occupied buckets as boxo writes it (go-bitfield): bucket `i` is bit
    /// `i % 8` of byte `count - 1 - i / 8` of a `fanout / 8`-byte big-endian field, with leading
    /// zero bytes dropped (`nil`, an absent field, when no bucket is occupied).
    func bitfield(_ buckets: [Int]) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: fanout / 8)
        for bucket in buckets { bytes[bytes.count - 1 - bucket / 8] |= 1 << UInt8(bucket % 8) }
        let trimmed = Array(bytes.drop(while: { $0 == 0 }))
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Whether bucket `index` is marked in a bitfield read from a shard (leading zero bytes may
    /// have been dropped, so the field may be shorter than `fanout / 8`).
    func isOccupied(_ index: Int, in bitfield: ArraySlice<UInt8>) -> Bool {
        let fromEnd = index / 8
        guard fromEnd < bitfield.count else { return false }
        return bitfield[bitfield.endIndex - 1 - fromEnd] & (1 << UInt8(index % 8)) != 0
    }
}
