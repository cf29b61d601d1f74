import Testing
@testable import IPLD

@Suite struct BlockIPLDTests {
    @Test func valueBlocksCarryTheirCodec() throws {
        let value: IPLDValue = ["hello": "world"]
        let cbor = try Block(dagCBOR: value)
        #expect(cbor.cid.codec == .dagCBOR)
        #expect(cbor.cid.string.hasPrefix("bafyrei"))
        #expect(cbor.bytes == (try DagCBOR.encode(value)))
        let json = try Block(dagJSON: value)
        #expect(json.cid.codec == .dagJSON)
        #expect(json.bytes == Array(#"{"hello":"world"}"#.utf8))
        #expect(try cbor.decoded() == value)
        #expect(try json.decoded() == value)
    }

    @Test func codableBlocksRoundTrip() throws {
        struct Note: Codable, Equatable { var text: String; var ref: CID }
        let note = Note(text: "hi", ref: CID.sha256([], codec: .raw))
        for codec in [Multicodec.dagCBOR, .dagJSON] {
            let block = try Block(encoding: note, codec: codec)
            #expect(block.cid.codec == codec)
            #expect(try block.decode(Note.self) == note)
        }
        let error = #expect(throws: IPLDError.self) { try Block(encoding: note, codec: .raw) }
        #expect(error?.code == .unsupportedValue)
    }

    @Test func otherCodecsDecodeToTheirDataModelForm() throws {
        let raw = Block(bytes: [1, 2], codec: .raw)
        #expect(try raw.decoded() == .bytes([1, 2]))
        let pb = Block(bytes: PBNode(data: [7]).encoded(), codec: .dagPB, version: .v0)
        #expect(try pb.decoded() == ["Data": .bytes([7]), "Links": []])
        let other = Block(bytes: [0], codec: .json)
        #expect(throws: IPLDError.self) { try other.decoded() }
    }
}
