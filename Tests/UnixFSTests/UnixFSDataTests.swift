import IPLD
import Testing
@testable import UnixFS

@Suite struct UnixFSDataTests {
    /// The bytes kubo writes for a file node: Type, filesize, then unpacked blocksizes.
    @Test func encodesFieldsInNumberOrderLikeKubo() {
        let data = UnixFSData(type: .file, filesize: 300, blocksizes: [256, 44])
        #expect(data.encoded() == [0x08, 0x02, 0x18, 0xac, 0x02, 0x20, 0x80, 0x02, 0x20, 0x2c])
        #expect(UnixFSData(type: .directory).encoded() == [0x08, 0x01])
        #expect(UnixFSData(type: .symlink, data: Array("a".utf8)).encoded() == [0x08, 0x04, 0x12, 0x01, 0x61])
    }

    @Test func roundTripsEveryField() throws {
        let data = UnixFSData(
            type: .hamtShard, data: [0xff, 0x01], filesize: 7, blocksizes: [1, 2, 3], hashType: 0x22, fanout: 256,
            mode: 0o755, mtime: UnixTime(seconds: -12_345, nanoseconds: 999_999_999))
        #expect(try UnixFSData(decoding: data.encoded()) == data)
        let noFraction = UnixFSData(type: .file, mtime: UnixTime(seconds: 1_700_000_000))
        #expect(try UnixFSData(decoding: noFraction.encoded()) == noFraction)
    }

    @Test func distinguishesAbsentFromEmptyData() throws {
        #expect(try UnixFSData(decoding: [0x08, 0x02]).data == nil)
        #expect(try UnixFSData(decoding: [0x08, 0x02, 0x12, 0x00]).data == [])
    }

    @Test func acceptsPackedBlocksizes() throws {
        // field 4, wire type 2, 3 bytes: 1, 2, 300
        let data = try UnixFSData(decoding: [0x08, 0x02, 0x22, 0x04, 0x01, 0x02, 0xac, 0x02])
        #expect(data.blocksizes == [1, 2, 300])
    }

    @Test(arguments: [
        ("empty message", [UInt8]()),
        ("missing Type", [0x18, 0x01]),
        ("unknown Type", [0x08, 0x09]),
        ("unknown field", [0x08, 0x02, 0x48, 0x01]),
        ("wrong wire type", [0x08, 0x02, 0x1a, 0x00]),
        ("duplicate Type", [0x08, 0x02, 0x08, 0x02]),
        ("truncated Data", [0x08, 0x02, 0x12, 0x05, 0x01]),
        ("truncated varint", [0x08, 0x82]),
        ("mode over 32 bits", [0x08, 0x02, 0x38, 0x80, 0x80, 0x80, 0x80, 0x10]),
        ("zero nanoseconds on the wire", [0x08, 0x02, 0x42, 0x07, 0x08, 0x01, 0x15, 0x00, 0x00, 0x00, 0x00]),
        ("nanoseconds of a second or more", [0x08, 0x02, 0x42, 0x07, 0x08, 0x01, 0x15, 0x00, 0xca, 0x9a, 0x3b]),
        ("mtime without seconds", [0x08, 0x02, 0x42, 0x00]),
        ("truncated nanoseconds", [0x08, 0x02, 0x42, 0x04, 0x08, 0x01, 0x15, 0x01]),
    ] as [(String, [UInt8])])
    func rejectsGarbage(_ label: String, _ bytes: [UInt8]) {
        #expect(throws: UnixFSError.self, "\(label)") { try UnixFSData(decoding: bytes) }
    }
}
