/// MurmurHash3, x64 128-bit variant, seed 0: the hash UnixFS HAMT directories use to place names.
///
/// The HAMT's `hashType` 0x22 ("murmur3-x64-64") is the first 64-bit half (`h1`) of
/// MurmurHash3_x64_128, written big-endian (as Go's `murmur3.New64().Sum(nil)` returns it).
/// Reference: Austin Appleby's SMHasher `MurmurHash3.cpp`.
enum Murmur3 {
    /// The multicodec code of `murmur3-x64-64`, recorded in each shard's `hashType`.
    static let hashType: UInt64 = 0x22

    /// `h1` of MurmurHash3_x64_128(`bytes`, seed 0).
    static func hash64<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64 {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        var h1: UInt64 = 0
        var h2: UInt64 = 0
        let data = Array(bytes)
        let blocks = data.count / 16

        func word(_ at: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<count { value |= UInt64(data[at + i]) << (8 * UInt64(i)) }
            return value
        }

        for block in 0..<blocks {
            var k1 = word(block * 16, 8)
            var k2 = word(block * 16 + 8, 8)
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
        }

        let tail = blocks * 16
        let rest = data.count - tail
        if rest > 8 {
            var k2 = word(tail + 8, rest - 8)
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        }
        if rest > 0 {
            var k1 = word(tail, min(rest, 8))
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        }

        h1 ^= UInt64(data.count)
        h2 ^= UInt64(data.count)
        h1 &+= h2
        h2 &+= h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 &+= h2
        return h1
    }

    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    private static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
