import IPLD
import Testing

@testable import BlockStore

@Suite struct CARHeaderTests {
    static let helloWorld = try! CID("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")

    @Test func encodesCanonicalDagCBORLikeTheReference() {
        // From the reference oracle: encode_cbor({"roots": [CID], "version": 1}).
        let expected = "a265726f6f747381d82a58250001551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde96776657273696f6e01"
        #expect(hex(CARHeader(roots: [Self.helloWorld]).encoded()) == expected)
    }

    @Test func roundTripsSeveralRootsOfEachVersion() throws {
        let v0 = TestDAG.pbLeaf(seed: 1, version: .v0).cid
        let header = CARHeader(roots: [Self.helloWorld, v0, TestDAG.tree(seed: 2)[0].cid])
        #expect(try CARHeader(decoding: header.encoded()) == header)
        #expect(try CARHeader(decoding: CARHeader(roots: []).encoded()).roots.isEmpty)
    }

    @Test func acceptsExtraKeysAndAbsentRoots() throws {
        // {"note": "x", "version": 1}: no roots is allowed by the spec; unknown keys are ignored.
        let bytes: [UInt8] = [0xA2, 0x64] + Array("note".utf8) + [0x61, 0x78, 0x67] + Array("version".utf8) + [0x01]
        #expect(try CARHeader(decoding: bytes) == CARHeader(roots: []))
    }

    @Test(arguments: [
        ("not a map", "01", "expected map, found integer"),
        ("CARv2 pragma", "a16776657273696f6e02", "CARv2"),
        ("version 3", "a16776657273696f6e03", "unsupported CAR version 3"),
        ("no version", "a0", "at version: required key is absent"),
        ("root without tag 42", "a265726f6f7473814100" + "6776657273696f6e01", "at roots[0]: expected link"),
        ("roots not an array", "a265726f6f7473016776657273696f6e01", "at roots: expected list"),
        ("root link without the 0x00 prefix", "a265726f6f747381d82a420155" + "6776657273696f6e01", "0x00 identity multibase prefix"),
        ("root link not a CID", "a265726f6f747381d82a43000155" + "6776657273696f6e01", "not a valid CID"),
        ("trailing bytes", "a16776657273696f6e0100", "bytes after the top-level value"),
        ("indefinite-length map", "bf6776657273696f6e01ff", "indefinite-length map"),
        ("length beyond the input", "a16776657273696f6e5bffffffffffffffff", "unexpected end of input"),
        ("duplicate key", "a26776657273696f6e016776657273696f6e01", "appears twice"),
        ("map key not text", "a10101", "map keys must be strings"),
        ("truncated", "a265726f6f7473", "unexpected end of input"),
        ("deep nesting", String(repeating: "81", count: 300) + "01", "nested"),
    ])
    func rejects(_ what: String, _ hexBytes: String, _ message: String) {
        let error = #expect(throws: BlockStoreError.self, "\(what)") { try CARHeader(decoding: bytes(hexBytes)) }
        #expect(error?.code == .badCAR)
        #expect(error?.message.contains(message) == true, "\(what): \(error?.message ?? "")")
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return out
}
