import Testing
@testable import UnixFS

@Suite struct Murmur3Tests {
    /// h1 of MurmurHash3_x64_128 (seed 0), from the `mmh3` Python package (`mmh3.hash64`).
    @Test(arguments: [
        ("", 0x0000_0000_0000_0000),
        ("a", 0x8555_5565_f659_7889),
        ("hello", 0xcbd8_a7b3_41bd_9b02),
        ("0123456789abcdef", 0x4be0_6d94_cf4a_d1a7),
        ("0123456789abcdefX", 0xcdeb_d2ac_b570_d6f7),
        ("h\u{e9}llo w\u{f6}rld \u{65e5}\u{672c}", 0xbbd5_c561_91f1_2aef),
    ] as [(String, UInt64)])
    func matchesReference(_ text: String, _ expected: UInt64) {
        #expect(Murmur3.hash64(text.utf8) == expected)
    }
}
