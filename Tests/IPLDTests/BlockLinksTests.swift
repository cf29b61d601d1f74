import Testing
@testable import IPLD

@Suite struct BlockLinksTests {
    static let a = CID.sha256([1], codec: .raw)
    static let b = CID.sha256([2], codec: .dagCBOR)

    @Test func rawAndJSONBlocksHaveNoLinks() throws {
        #expect(try BlockLinks.of([1, 2, 3], codec: .raw).isEmpty)
        #expect(try BlockLinks.of(Array(#"{"/":"x"}"#.utf8), codec: .json).isEmpty)
    }

    @Test func everyCodecGivesItsLinksInStoredOrder() throws {
        let pb = PBNode(links: [PBLink(hash: Self.b, name: "z"), PBLink(hash: Self.a, name: "y")]).encoded()
        #expect(try BlockLinks.of(pb, codec: .dagPB) == [Self.b, Self.a])
        let value: IPLDValue = ["long": .link(Self.a), "s": [.link(Self.b), .link(Self.a)]]
        #expect(try BlockLinks.of(DagCBOR.encode(value), codec: .dagCBOR) == [Self.b, Self.a, Self.a])
        #expect(try BlockLinks.of(DagJSON.encode(value), codec: .dagJSON) == [Self.a, Self.b, Self.a])
    }

    @Test func unknownCodecIsAnError() {
        let error = #expect(throws: IPLDError.self) { try BlockLinks.of([0], codec: Multicodec(rawValue: 0x300000)) }
        #expect(error?.code == .unsupportedValue)
    }
}
