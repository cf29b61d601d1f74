import Testing
@testable import IPLD

@Suite struct VarintTests {
    static let known: [(UInt64, [UInt8])] = [
        (0, [0]), (1, [1]), (127, [0x7f]), (128, [0x80, 0x01]),
        (255, [0xff, 0x01]), (300, [0xac, 0x02]), (16384, [0x80, 0x80, 0x01]),
    ]

    @Test(arguments: known)
    func knownEncodings(value: UInt64, bytes: [UInt8]) throws {
        #expect(Varint.encode(value) == bytes)
        var offset = 0
        #expect(try Varint.decode(bytes, at: &offset) == value)
        #expect(offset == bytes.count)
    }

    @Test func rejectsNonMinimal() {
        var offset = 0
        #expect(throws: IPLDError.self) { try Varint.decode([0x81, 0x00], at: &offset) }
    }

    @Test func rejectsTruncatedAndOverlong() {
        var offset = 0
        #expect(throws: IPLDError.self) { try Varint.decode([0x80], at: &offset) }
        offset = 0
        #expect(throws: IPLDError.self) { try Varint.decode([UInt8](repeating: 0xff, count: 10), at: &offset) }
    }
}
