import BlockStore
import Hummingbird
import IPLD
import Testing

@testable import Gateway

/// Decoding a CAR that arrives in pieces.
@Suite struct CARStreamDecoderTests {
    static let blocks = (0..<5).map { TestBlocks.raw(seed: UInt64($0), size: 100 + 37 * $0) }
    static let car = CARBytes.make(roots: [blocks[0].cid], blocks: blocks.map { ($0.cid, $0.bytes) })

    /// Feeds `bytes` in chunks of `size` and collects every section.
    static func decode(_ bytes: [UInt8], chunk size: Int, limits: CARReader.Limits = .init()) throws -> (CARStreamDecoder, [Block]) {
        var decoder = CARStreamDecoder(limits: limits)
        var blocks: [Block] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + size, bytes.count)
            decoder.append(ByteBuffer(bytes: bytes[offset..<end]))
            while let section = try decoder.next() { blocks.append(Block(trusted: section.cid, bytes: section.bytes)) }
            offset = end
        }
        return (decoder, blocks)
    }

    @Test(arguments: [1, 2, 7, 100, 1 << 20])
    func anyChunkingGivesTheSameSections(chunk: Int) throws {
        let (decoder, blocks) = try Self.decode(Self.car, chunk: chunk)
        try decoder.finish()
        #expect(blocks == Self.blocks)
        #expect(decoder.header?.roots == [Self.blocks[0].cid])
    }

    @Test func sectionsCarryTheirIndexAndOffset() throws {
        var decoder = CARStreamDecoder(limits: .init())
        decoder.append(ByteBuffer(bytes: Self.car))
        let first = try #require(try decoder.next())
        let second = try #require(try decoder.next())
        #expect(first.index == 0)
        #expect(second.index == 1)
        #expect(second.offset == first.offset + CARBytes.section(first.cid, first.bytes).count)
    }

    @Test func aStreamCutInsideASectionOrTheHeaderIsTruncated() throws {
        let (cut, blocks) = try Self.decode(Array(Self.car.dropLast(10)), chunk: 64)
        #expect(blocks.count == 4)
        #expect(throws: GatewayError.self) { try cut.finish() }
        let (header, none) = try Self.decode(Array(Self.car.prefix(5)), chunk: 64)
        #expect(none.isEmpty)
        let error = #expect(throws: GatewayError.self) { try header.finish() }
        #expect(error?.code == .truncated)
        #expect(throws: GatewayError.self) { try CARStreamDecoder(limits: .init()).finish() }
    }

    @Test func oversizedSectionsAndHeadersAreRefusedBeforeTheyArrive() {
        // Only the length prefix of the first section is sent: the limit applies at once.
        let headerLength = 1 + CARHeader(roots: [Self.blocks[0].cid]).encoded().count
        let prefix = Array(Self.car.prefix(headerLength + 2))
        let error = #expect(throws: GatewayError.self) {
            try Self.decode(prefix, chunk: 100, limits: .init(maxHeaderBytes: 1 << 20, maxSectionBytes: 50))
        }
        #expect(error?.code == .tooLarge)
        #expect(throws: GatewayError.self) { try Self.decode(Self.car, chunk: 4, limits: .init(maxHeaderBytes: 8, maxSectionBytes: 1 << 20)) }
    }

    @Test func malformedFramingIsABadBlock() {
        var zero = CARBytes.make(roots: [], blocks: [])
        zero.append(0)  // a zero-length section
        #expect(throws: GatewayError.self) { try Self.decode(zero, chunk: 100) }
        var junkCID = CARBytes.make(roots: [], blocks: [])
        junkCID += [5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(throws: GatewayError.self) { try Self.decode(junkCID, chunk: 100) }
        #expect(throws: GatewayError.self) { try Self.decode([3, 1, 2, 3], chunk: 100) }  // not a dag-cbor header
    }
}
